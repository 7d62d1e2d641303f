"""The fast paths of the ingest give what the general paths give, and still say where a
problem is: a bad value deep in a large file keeps its Excel row and column, a file that
leaves a fast path is read the general way, and the safety checks that now run beside the
workbook reader still refuse what they refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from pipelines.ingest import ingest_files, read_sources
from pipelines.map.flat import stable_ids
from pipelines.map.mapping import known_header
from pipelines.read import delimited, sources, workbooks
from pipelines.read.files import _read_at_most, read_files
from pipelines.read.safety import check_file, scan_zip_parts
from pipelines.read.sheets import fill_merged_down, workbook_columns, workbook_sheets
from pipelines.settings import settings
from pipelines.store.connection import open_store
from pipelines.store.rows import content_hash
from tests.security.test_security_files import ROWS, sheet_xml, xlsx

CHECK_IN_HEADER = "kr_id,checked_at,value,grade,confidence,status,note,author\n"


def check_ins_csv(rows: int, bad: dict[int, tuple[int, str]] | None = None) -> bytes:
    """A check-ins export of `rows` rows; `bad` puts a value at (data row → column, text)."""
    lines = [CHECK_IN_HEADER]
    for i in range(rows):
        when = f"2025-{7 + i % 3:02d}-{1 + i % 28:02d}T09:{i % 60:02d}:00"
        note = "fine, thanks" if i % 5 else ""
        cells = [f"KR-{i // 10}", when, f"{i % 97}.5", "", "0.7", "on track", note, "Ann"]
        if bad and i in bad:
            column, text = bad[i]
            cells[column] = text
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells) + "\n")
    return "".join(lines).encode()


def general(name: str, data: bytes) -> sources.Sources:
    """`read_sources` with the fast CSV path switched off."""
    fast = delimited._read_csv_fast
    delimited._read_csv_fast = lambda *args: False
    try:
        return read_sources([(name, data)])
    finally:
        delimited._read_csv_fast = fast


def same_sources(a: sources.Sources, b: sources.Sources) -> None:
    assert [str(p) for p in a.problems] == [str(p) for p in b.problems]
    assert a.notes == b.notes
    assert len(a.tables) == len(b.tables)
    for x, y in zip(a.tables, b.tables, strict=True):
        assert (x.label, x.header_row, x.letters, x.decimal_hint) == (
            y.label, y.header_row, y.letters, y.decimal_hint)  # fmt: skip
        pd.testing.assert_frame_equal(x.data, y.data)


CSV_CASES = {
    "plain": check_ins_csv(50),
    "CRLF": check_ins_csv(50).replace(b"\n", b"\r\n"),
    "BOM": b"\xef\xbb\xbf" + check_ins_csv(20),
    "title rows": b"Check-ins export\n\n" + check_ins_csv(20),
    "sep line": b"sep=;\n" + check_ins_csv(20).replace(b",", b";"),
    "blank and whitespace rows": check_ins_csv(10)
    + b",,,,,,,\n , ,\t, , , , , \n"
    + check_ins_csv(5).split(b"\n", 1)[1],
    "blank line": check_ins_csv(10) + b"\n" + check_ins_csv(5).split(b"\n", 1)[1],
    "value over two lines": check_ins_csv(10).replace(b"fine, thanks", b"fine,\nthanks", 1),
    "cp1252": check_ins_csv(10).replace(b"Ann", "Zoë".encode("cp1252")),
    "short row": check_ins_csv(10) + b"KR-1,2025-07-01T09:00:00\n",
    "long row": check_ins_csv(10) + b"KR-1,2025-07-01T09:00:00,1,,,,,,extra\n",
    "unnamed columns": b"kr_id,,checked_at,\nKR-1,,2025-07-01,x\nKR-2,,2025-07-02,\n",
    "one column": b"objective\nGrow, fast\nKeep\n",
    "CR inside a value": b'objective,cycle\n"a\rb",2025-Q3\n',
    "no end of line": check_ins_csv(3).rstrip(b"\n"),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_fast_csv_path_reads_what_the_general_path_reads(case: str) -> None:
    data = CSV_CASES[case]
    same_sources(read_sources([("CheckIns.csv", data)]), general("CheckIns.csv", data))


def test_fast_csv_path_is_taken_only_where_it_is_exact() -> None:
    def fast(data: bytes) -> bool:
        return delimited._read_csv_fast("x.csv", data, known_header, sources.Sources(), settings())

    assert fast(CSV_CASES["plain"]) and fast(CSV_CASES["CRLF"]) and fast(CSV_CASES["title rows"])
    for case in ("blank line", "value over two lines", "cp1252", "short row", "long row",
                 "CR inside a value"):  # fmt: skip
        assert not fast(CSV_CASES[case]), case


def test_a_bad_value_deep_in_a_large_csv_keeps_its_row_and_column(tmp_path: Path) -> None:
    bad = {40_000: (2, "lots"), 59_998: (1, "2025-13-45")}
    data = check_ins_csv(60_000, bad)
    csv = (
        b"kr_id,objective_id,title\n"
        + "".join(f"KR-{i},O1,Key result {i}\n" for i in range(6_000)).encode()
    )
    objectives = b"objective_id,cycle_id,title\nO1,2025-Q3,Grow\n"
    files = [("CheckIns.csv", data), ("KeyResults.csv", csv), ("Objectives.csv", objectives)]
    db = tmp_path / "store.duckdb"
    report = ingest_files(files, db)
    errors = [str(p) for p in report.problems if p.is_error]
    assert errors == ['CheckIns.csv:60000:B (checked_at): "2025-13-45" is not a date']
    assert (  # not a number: set aside, listed where it is (issue 21)
        'CheckIns.csv:40002:C (value): warning: "lots" is not a number (or done/not done): '
        "set aside, loaded without this value (unscored by it)"
    ) in [str(p) for p in report.problems]
    assert report.outcome == "rejected"
    with open_store(db, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM check_ins").fetchone() == (0,)


def test_check_ins_out_of_order_are_still_checked_for_repeats(tmp_path: Path) -> None:
    data = check_ins_csv(30)
    lines = data.split(b"\n")
    shuffled = b"\n".join([lines[0], *reversed(lines[1:-1]), lines[3]]) + b"\n"  # row 3 again
    files = [("CheckIns.csv", shuffled), ("KeyResults.csv", b"kr_id,objective_id,title\n"
             + b"".join(b"KR-%d,O1,t%d\n" % (i, i) for i in range(3))),
             ("Objectives.csv", b"objective_id,cycle_id,title\nO1,2025-Q3,Grow\n")]  # fmt: skip
    report = ingest_files(files, tmp_path / "store.duckdb", dry_run=True)
    repeats = [str(p) for p in report.problems if "second check-in" in p.message]
    assert repeats == [
        "CheckIns.csv:32:B (checked_at): warning: a second check-in of this key result at "
        "the same time (first on row 29)"
    ]


def test_a_loop_far_up_a_long_chain_of_objectives_is_found(tmp_path: Path) -> None:
    rows = ["O0,2025-Q3,Top,O59"] + [f"O{i},2025-Q3,Step {i},O{i - 1}" for i in range(1, 60)]
    objectives = "objective_id,cycle_id,title,parent_objective_id\n" + "\n".join(rows)
    report = ingest_files([("Objectives.csv", objectives.encode())], tmp_path / "s.duckdb",
                          dry_run=True)  # fmt: skip
    loops = [p for p in report.problems if p.message.startswith("alignment loop")]
    assert len(loops) == 60 and loops[0].row == 2


def workbook(rows: Sequence[Sequence[object]], merged: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "OKRs"
    for row in rows:
        sheet.append(list(row))
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def frame_from_rows(data: bytes) -> pd.DataFrame:
    """The sheet's body as the reader built it before columns came back typed: a frame of
    every cell as a Python object, empty text as missing, each column typed as a whole."""
    raw = workbook_sheets(data, set(), 10**6, 500)[0][0]
    rows = raw.rows
    assert rows is not None
    fill_merged_down(rows, raw.merged, *raw.start)
    h = sources.find_header(rows, known_header)
    body = pd.DataFrame(rows[h + 1 :], columns=range(len(rows[0])), dtype=object)
    body = body.replace({"": None}).apply(workbooks._typed_column)
    body.index = pd.RangeIndex(h + 2, h + 2 + len(body))
    return body


def frame_from_columns(data: bytes) -> pd.DataFrame:
    sheet = workbook_columns(data, set(), 10**6, 500)[0][0]
    assert sheet.head is not None
    return workbooks._sheet_body(sheet, sources.find_header(sheet.head, known_header))


HEADER: list[object] = ["Quarter", "Objective", "Key Result", "Start", "Target", "Current",
                        "Due", "Done"]  # fmt: skip


def flat_rows(n: int) -> list[list[object]]:
    rows: list[list[object]] = [HEADER]
    for i in range(n):
        rows.append([
            None if i % 40 == 39 else "2025-Q3", f"Objective {i // 4}", f"Key result {i}", float(i),
            i + 10 if i % 3 else None, "70%" if i == n - 7 else i / 2,
            datetime(2025, 9, 30) if i % 7 == 0 else None, True if i % 11 == 0 else None,
        ])  # fmt: skip
    return rows


WORKBOOKS = {
    "a flat sheet, text deep in a number column": workbook(flat_rows(300)),
    "title rows above the header": workbook([["OKR export"], [], *flat_rows(60)]),
    "merged objective cells": workbook(flat_rows(40), merged=("B2:B5", "B6:B9")),
    "shorter than the head rows": workbook(flat_rows(5)),
    "an empty column and a text column": workbook(
        [["Objective", "Key result", "Note"], *[[f"O{i}", f"K{i}", None] for i in range(80)]]
    ),
    "integers, floats and booleans": workbook(
        [
            ["Objective", "Target", "Flag"],
            *[
                [f"O{i}", i if i % 2 else i + 0.5, bool(i % 3) if i > 50 else None]
                for i in range(90)
            ],
        ]
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", list(WORKBOOKS))
def test_typed_workbook_columns_build_the_frame_the_cells_did(case: str) -> None:
    data = WORKBOOKS[case]
    expected, built = frame_from_rows(data), frame_from_columns(data)
    pd.testing.assert_frame_equal(built, expected)


@pytest.mark.parametrize("isolate", ["1", "0"])
def test_a_bad_value_deep_in_a_workbook_keeps_its_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolate: str
) -> None:
    monkeypatch.setenv("OKR_HEALTH_ISOLATE_PARSING", isolate)
    rows = flat_rows(300)
    rows[250][4] = "lots"  # data row 250 below a title row and the header: Excel row 252
    data = workbook([["OKR export, Q3"], *rows])
    report = ingest_files([("okrs.xlsx", data)], tmp_path / "store.duckdb", dry_run=True)
    assert [str(p) for p in report.problems if "lots" in p.message] == [
        'okrs.xlsx:OKRs:252:E (Target): warning: "lots" is not a number: set aside, loaded '
        "without this value (unscored by it)"
    ]  # not a number: set aside, listed where it is (issue 21)
    table = read_sources([("okrs.xlsx", data)]).tables[0]
    assert table.header_row == 2 and table.data.index[0] == 3
    assert table.data.loc[252, "Target"] == "lots"
    assert table.data["Start"].dtype == "float64" and table.data["Done"].dtype == object


def test_refused_workbook_is_refused_the_same_with_the_scan_beside_the_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    far_row = xlsx(sheet_xml(ROWS + '<row r="9000000"><c r="A9"><v>1</v></c></row>'))
    entity = xlsx(sheet_xml(ROWS, '<!DOCTYPE x [<!ENTITY a "b">]>'))
    for data, says in ((far_row, "as far as row 9,000,000"), (entity, "declares XML entities")):
        beside = [str(p) for p in read_files([("bad.xlsx", data)], known_header).problems]
        monkeypatch.setenv("OKR_HEALTH_ISOLATE_PARSING", "0")
        first = [str(p) for p in read_files([("bad.xlsx", data)], known_header).problems]
        monkeypatch.delenv("OKR_HEALTH_ISOLATE_PARSING")
        assert beside == first == [str(p) for p in check_file("bad.xlsx", data, settings())]
        assert any(says in m for m in beside), beside
        assert check_file("bad.xlsx", data, settings(), scan_parts=False) == []
        assert scan_zip_parts("bad.xlsx", data, settings())


def test_a_far_cell_is_named_before_a_far_row_in_the_same_stretch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OKR_HEALTH_MAX_ROWS", "5")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 9))
    problems = scan_zip_parts("rows.xlsx", xlsx(sheet_xml(rows)), settings())
    assert "the sheet uses cells as far as A6," in problems[0].message


def test_reading_a_file_never_reserves_the_whole_upload_limit(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_bytes(b"objective,cycle\nGrow,2025-Q3\n")
    assert _read_at_most(path, 2**50) == path.read_bytes()  # 1 PB: no MemoryError
    assert _read_at_most(path, 10) == b"objective,"
    with open(os.devnull, "rb"):
        assert _read_at_most(Path(os.devnull), 2**50) == b""


def test_flat_ids_are_the_sha1_of_the_folded_key_as_before() -> None:
    cycle = ["2025-Q3", " 2025-q3 ", None, "Straße", "ÉTÉ\u00a0plan", "a\tb\x0bc\x1cd"]
    title = ["Grow  Revenue", "grow revenue", "ﬁsh", None, "x\u2003 y", "İ"]

    def reference(*parts: str | None) -> str:
        folded = [re.sub(r"\s+", " ", (p or "").casefold()).strip() for p in parts]
        return "O-" + hashlib.sha1("\x1f".join(folded).encode()).hexdigest()[:10]

    ids = stable_ids("O-", [pd.Series(cycle, dtype="str"), pd.Series(title, dtype="str")])
    assert ids.tolist() == [reference(c, t) for c, t in zip(cycle, title, strict=True)]
    assert ids[0] == ids[1]  # case and spacing do not make another objective


def test_content_hash_sees_one_changed_value_anywhere() -> None:
    n = 50_000
    frame = pd.DataFrame({
        "kr_id": pd.Series([f"KR-{i}" for i in range(n)], dtype="str"),
        "checked_at": pd.date_range("2025-01-01", periods=n, freq="min").astype("datetime64[us]"),
        "value": np.arange(n, dtype="float64"),
    })  # fmt: skip
    digest = content_hash({"check_ins": frame})
    assert content_hash({"check_ins": frame.copy()}) == digest
    for column, value in (("kr_id", "KR-x"), ("value", np.nan), ("checked_at", pd.NaT)):
        changed = frame.copy()
        changed.loc[n - 3, column] = value
        assert content_hash({"check_ins": changed}) != digest, column
    assert content_hash({"check_ins": frame.iloc[::-1].reset_index(drop=True)}) != digest
    assert content_hash({"key_results": frame}) != digest


def test_a_first_load_and_a_reload_store_the_same_rows(tmp_path: Path) -> None:
    """Into an empty table the load inserts; into a filled one it inserts or replaces."""
    krs = b"kr_id,objective_id,title,target_value\n" + b"".join(
        b"KR-%d,O1,Result %d,%d\n" % (i, i, i) for i in range(500)
    )
    files = [
        ("KeyResults.csv", krs),
        ("Objectives.csv", b"objective_id,cycle_id,title\nO1,2025-Q3,G\n"),
    ]
    db = tmp_path / "store.duckdb"
    assert ingest_files(files, db).outcome == "loaded"
    changed = krs.replace(b"KR-7,O1,Result 7,7", b"KR-7,O1,Result seven,70")
    assert ingest_files([(files[0][0], changed), files[1]], db).outcome == "loaded"
    with open_store(db, read_only=True) as conn:
        rows = conn.execute("SELECT count(*), max(target_value) FROM key_results").fetchone()
        seven = conn.execute("SELECT title FROM key_results WHERE kr_id = 'KR-7'").fetchone()
    assert rows == (500, 499.0) and seven == ("Result seven",)
