"""Cells read once per distinct value (issue 16): a text column's parse, computed on its
distinct values and spread back over its rows, is the parse of every row, with the same
values, messages and rows; typed workbook cells (where `True == 1`) are parsed row by row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pipelines.arrow import per_distinct, untrimmed
from pipelines.map import outline
from pipelines.map.canonical import Canonical, first_of_many, parse_lifecycle
from pipelines.map.values import Parsed, _parse_flag, parse_flag, text_cells
from pipelines.read.sources import SourceTable, blank_cells

# CSV cells as the reader gives them: text in Arrow (`str`), empty cells as "".
WORDS = ["yes", " No ", "TRUE", "x", "", "0", "maybe", "archived", "1.0", "Active"]


def csv_column(cells: list[str], repeat: int = 20, first_row: int = 2) -> pd.Series:
    values = cells * repeat
    index = pd.RangeIndex(first_row, first_row + len(values))
    return pd.Series(values, index=index, dtype="str", name="Archived")


def same_parse(a: Parsed, b: Parsed) -> None:
    pd.testing.assert_series_equal(a.values, b.values, check_names=False)
    pd.testing.assert_series_equal(a.errors, b.errors, check_names=False)
    assert a.warnings.dropna().to_dict() == b.warnings.dropna().to_dict()
    assert a.note == b.note


def test_per_distinct_is_the_function_of_every_row() -> None:
    column = csv_column(["a ", "", " B", "a "])
    column[7] = None
    strip = per_distinct(column, lambda t: t.str.strip().str.upper())
    pd.testing.assert_series_equal(strip, column.str.strip().str.upper())
    flags = per_distinct(column, lambda t: t.str.contains("a", regex=False).fillna(False))
    assert flags.dtype == bool and flags.index.equals(column.index)
    assert flags.tolist() == column.str.contains("a", regex=False).fillna(False).tolist()


def test_per_distinct_leaves_typed_and_short_columns_to_the_function() -> None:
    seen: list[int] = []

    def length(t: pd.Series) -> pd.Series:
        seen.append(len(t))
        return t.map(repr)

    typed = pd.Series([True, 1, 1.0, "1"] * 30, dtype="object")  # True == 1 == 1.0
    assert per_distinct(typed, length).tolist() == [repr(v) for v in typed]
    short = pd.Series(["a", "a", "b"], dtype="str")
    assert per_distinct(short, length).tolist() == ["'a'", "'a'", "'b'"]
    assert seen == [len(typed), 3]  # every row, not the distinct values


def test_parse_flag_of_csv_words_is_the_row_by_row_parse() -> None:
    column = csv_column(WORDS)
    parsed = parse_flag(column)
    same_parse(parsed, _parse_flag(column))
    assert parsed.values.index.equals(column.index)
    first = dict(zip(WORDS, parsed.values.head(len(WORDS)).astype("object").tolist(), strict=True))
    assert first["yes"] is True and first[" No "] is False and first["archived"] is True
    assert first["1.0"] is True and first["0"] is False and first["Active"] is False
    assert pd.isna(first[""]) and pd.isna(first["maybe"])
    bad = parsed.errors.dropna()
    assert list(bad.index) == [r for r, c in column.items() if c == "maybe"]
    assert set(bad) == {'"maybe" is not yes or no'}


def test_parse_flag_reads_a_workbooks_typed_booleans() -> None:
    cells = [True, False, "yes", None, 1.0, 0, "nope", pd.Timestamp("2025-01-02")] * 20
    column = pd.Series(cells, index=pd.RangeIndex(5, 5 + len(cells)), dtype="object")
    parsed = parse_flag(column)
    expected = [True, False, True, pd.NA, True, False, pd.NA, pd.NA] * 20
    assert parsed.values.astype("object").tolist() == expected
    assert parsed.values.dtype == "boolean"
    bad = parsed.errors.dropna()
    assert bad.loc[11] == '"nope" is not yes or no'
    assert bad.loc[12] == '"2025-01-02" is not yes or no'
    assert len(bad) == 40


def test_parse_lifecycle_of_csv_words_keeps_its_rows_and_warnings() -> None:
    words = ["Archived", "On Track", "cancelled - merged", "", "frozen", "no", "Draft"]
    column = csv_column(words, repeat=15, first_row=4)
    parsed = parse_lifecycle(column)
    assert parsed.values.head(len(words)).astype("object").tolist() == [
        True, False, True, pd.NA, False, False, True,
    ]  # fmt: skip
    assert parsed.errors.isna().all()
    warned = parsed.warnings.dropna()
    assert list(warned.index) == [r for r, c in column.items() if c == "frozen"]
    assert warned.iloc[0].startswith('"frozen" is not a lifecycle word we know')


def test_first_of_many_owners_is_read_per_name_and_located() -> None:
    owners = ["Ana Lopez, Ben Okoye", "Smith, John", "Cy Dee; Eve Fox", "Ann", ""] * 30
    index = pd.RangeIndex(2, 2 + len(owners))
    typed = pd.DataFrame({
        "_source": "krs.csv", "_row": index.astype("int64"),
        "key_results.owner": pd.Series(owners, index=index, dtype="str"),
    })  # fmt: skip
    source = SourceTable("krs.csv", None, pd.DataFrame(index=index), {}, 1)
    canonical = Canonical({source.label: source})
    first = first_of_many(typed, "key_results.owner", source, canonical)
    assert first.head(5).tolist() == ["Ana Lopez", "Smith, John", "Cy Dee", "Ann", ""]
    assert first.dtype == typed["key_results.owner"].dtype
    (note,) = canonical.notes
    assert note.startswith("krs.csv: key_results.owner: 60 cells name several (rows ")
    assert "row 2: Ana Lopez, Ben Okoye; row 4: Cy Dee; Eve Fox" in note


@pytest.mark.parametrize("blank_rows", [0, 10, 199, 200, 1000])
def test_title_labels_look_past_leading_blank_rows(blank_rows: int) -> None:
    titles = [f"KR {o}.{k} – Publish {o}" if k else f"Objective {o}: Grow" for o in range(1, 40)
              for k in range(3)]  # fmt: skip
    cells = [None] * blank_rows + ["   "] * 3 + titles
    column = pd.Series(cells, index=pd.RangeIndex(2, 2 + len(cells)), dtype="object")
    sample = outline._first_texts(column, outline.SAMPLE)
    pd.testing.assert_series_equal(sample, outline._text(column).dropna().head(outline.SAMPLE))
    text, labels = outline._title_labels(column)
    assert labels is not None
    assert text.dropna().iloc[0] == "Grow" and labels["number"].dropna().iloc[1] == "1.1"


@pytest.mark.parametrize(
    "cells",
    [
        ["KR-1", "2025-07-01T09:00:00", "0.5", "", None],
        [" KR-1", "b"],
        ["a ", None, "c"],
        ["a\u00a0", "b"],  # a no-break space: Unicode whitespace, trimmed
        ["é", "x\t"],
        ["\u2003wide", "ok"],
        [None, None],
        ["", ""],
    ],
)
def test_text_cells_trim_only_what_needs_trimming(cells: list[str | None]) -> None:
    column = pd.Series(cells * 40, dtype="str")
    for part in (column, column.iloc[3:]):  # a slice starts inside the Arrow buffers
        expected = part.str.strip()
        expected = expected.where(expected != "")
        pd.testing.assert_series_equal(text_cells(part), expected)
    arrow = pa.array(cells, pa.large_string())
    if untrimmed(arrow):  # it may ask for a trim that changes nothing, never skip one
        assert pc.utf8_trim_whitespace(arrow).equals(arrow)
    assert untrimmed(arrow) is (cells[0] in ("KR-1", None, ""))


def test_a_first_load_counts_what_it_added(tmp_path: Path) -> None:
    from pipelines.store.connection import open_store
    from pipelines.store.history import log_sql, record, snapshot

    with open_store(tmp_path / "s.duckdb") as conn:
        conn.execute("BEGIN TRANSACTION")
        snapshot(conn)
        conn.execute("INSERT INTO cycles (cycle_id, name) VALUES ('c1', 'Q1'), ('c2', 'Q2')")
        conn.execute(
            "INSERT INTO check_ins (kr_id, checked_at, value) VALUES ('k', '2025-01-01', 1), "
            "('k', '2025-01-01', 2), ('k', '2025-01-02', 3)"
        )  # a repeated key result and moment is one key, as a later write counts it
        changes = record(conn, 7)
        conn.execute("COMMIT")
        # the three rows it added are read from the table itself, not from a second copy
        copied = conn.execute("SELECT count(*) FROM history_check_ins WHERE import_id = 7")
        assert copied.fetchall() == [(0,)]
        log = log_sql(conn, "check_ins")
        logged = conn.execute(f"SELECT count(*) FROM ({log}) WHERE import_id = 7")
        assert logged.fetchall() == [(3,)]
    assert {t: (c.added, c.changed, c.removed) for t, c in changes.tables.items()} == {
        "cycles": (2, 0, 0),
        "check_ins": (2, 0, 0),
    }


@pytest.mark.parametrize(
    "cells", [["a", "", None, " ", "b"], ["a", "", None, "b"], [None, None], ["x\u00a0", "y"]]
)
def test_blank_cells_of_csv_text_are_those_strip_leaves_empty(cells: list[str | None]) -> None:
    column = pd.Series(cells * 40, dtype="str").iloc[3:]
    expected = column.isna() | column.astype("str").str.strip().eq("").fillna(True)
    pd.testing.assert_series_equal(blank_cells(column), expected)


def test_isin_of_nothing_is_nothing() -> None:
    from pipelines.arrow import isin

    found = isin(pd.Series([], dtype="str"), pd.Series(["a", "b"], dtype="str"))
    assert found.dtype == bool and found.empty


def test_a_command_line_import_prefers_jemalloc_unless_a_pool_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipelines.arrow import POOL_VARIABLE, prefer_jemalloc

    before = pa.default_memory_pool()
    try:
        pa.set_memory_pool(pa.system_memory_pool())
        monkeypatch.setenv(POOL_VARIABLE, "system")
        assert prefer_jemalloc() == "system"  # the operator's choice stands
        monkeypatch.delenv(POOL_VARIABLE)
        try:
            pa.jemalloc_memory_pool()
        except NotImplementedError:
            pytest.skip("this pyarrow has no jemalloc")
        assert prefer_jemalloc() == "jemalloc"
        assert pa.default_memory_pool().backend_name == "jemalloc"
    finally:
        pa.set_memory_pool(before)
