"""Broken CSV files: each is either read correctly or refused with the row that is wrong.

Nothing is silently altered: no NUL byte stored, no value split at an unquoted comma into a
column of its own, no mojibake from guessing the wrong encoding.
"""

from __future__ import annotations

import pytest

from pipelines.ingest import ingest_files, read_sources

HEADER = b"objective,cycle,key result\n"
GOOD = [
    {"objective": "Grow revenue", "cycle": "2025-Q3", "key result": "Revenue 100 to 110"},
    {"objective": "Ship v2", "cycle": "2025-Q3", "key result": "Launch"},
]
BODY = b"Grow revenue,2025-Q3,Revenue 100 to 110\nShip v2,2025-Q3,Launch\n"

READ_CORRECTLY = [
    # (case, bytes, rows read)
    ("LF", HEADER + BODY, GOOD),
    ("CRLF", (HEADER + BODY).replace(b"\n", b"\r\n"), GOOD),
    ("CR only (classic Mac)", (HEADER + BODY).replace(b"\n", b"\r"), GOOD),
    ("NUL padding after the end", HEADER + BODY + b"\x00" * 512, GOOD),
    ("short rows padded", HEADER + b"Grow revenue,2025-Q3\nShip v2,2025-Q3,Launch\n",
     [{**GOOD[0], "key result": ""}, GOOD[1]]),
    ("trailing empty fields", HEADER + BODY.replace(b"\n", b",,\n"), GOOD),
    ("UTF-8 with BOM", b"\xef\xbb\xbf" + HEADER + "Café,2025-Q3,Ré\n".encode(),
     [{"objective": "Café", "cycle": "2025-Q3", "key result": "Ré"}]),
    ("Windows-1252", HEADER + "Café,2025-Q3,Ré\n".encode("cp1252"),
     [{"objective": "Café", "cycle": "2025-Q3", "key result": "Ré"}]),
    ("UTF-16 without BOM", (HEADER + BODY).decode().encode("utf-16-le"), GOOD),
    ("CR inside quoted values", HEADER + b'"\r=1+1",2025-Q3,"a\rb"\r\n',
     [{"objective": "\r=1+1", "cycle": "2025-Q3", "key result": "a\rb"}]),
    ("quoted comma", HEADER + b'"Grow revenue, fast",2025-Q3,Launch\n',
     [{"objective": "Grow revenue, fast", "cycle": "2025-Q3", "key result": "Launch"}]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "data", "rows"), READ_CORRECTLY, ids=[c[0] for c in READ_CORRECTLY]
)
def test_read_correctly(case: str, data: bytes, rows: list[dict]) -> None:
    sources = read_sources([("okrs.csv", data)])
    assert not sources.problems, sources.problems
    assert sources.tables[0].data.to_dict("records") == rows


ONE_COLUMN = b"objective\nGrow revenue, fast\nKeep churn low\nShip v2; then v3\nHire | train\n"


def test_one_column_file_is_not_split_on_the_punctuation_in_its_values() -> None:
    sources = read_sources([("titles.csv", ONE_COLUMN)])
    assert not sources.problems
    table = sources.tables[0]
    assert table.header_row == 1
    assert table.data["objective"].tolist() == [
        "Grow revenue, fast",
        "Keep churn low",
        "Ship v2; then v3",
        "Hire | train",
    ]
    assert "titles.csv: utf-8, one column, header on row 1" in sources.notes


REFUSED = [
    # (case, bytes, (row, message) of each error)
    ("NUL inside a value", HEADER + b"Grow revenue,2025-Q3,Rev\x00enue\nShip v2,2025-Q3,x\n",
     [(2, "a NUL byte")]),
    ("NUL on two rows", HEADER + b"a\x00,b,c\nd,e,f\ng,\x00h,i\n",
     [(2, "a NUL byte"), (4, "a NUL byte")]),
    ("unquoted comma: more values than columns",
     HEADER + b"Grow revenue, fast,2025-Q3,Revenue\nShip v2,2025-Q3,Launch\n",
     [(2, "more values than the header row has columns (3): a value with a comma")]),
    ("semicolon file, unquoted semicolon", HEADER.replace(b",", b";")
     + b"Grow;2025-Q3;Revenue\nShip; v2;2025-Q3;Launch\n",
     [(3, "a value with a semicolon in it and no quotes")]),
    ("UTF-8 mixed with Windows-1252", HEADER + "Café,2025-Q3,x\n".encode()
     + "Ré,2025-Q3,y\n".encode("cp1252"), [(3, "byte 0xE9 is not UTF-8, but the rest")]),
    ("UTF-8 BOM then Windows-1252", b"\xef\xbb\xbf" + HEADER + "Ré,2025-Q3,y\n".encode("cp1252"),
     [(2, "byte 0xE9 is not UTF-8")]),
    ("bytes no text encoding defines", HEADER + b"Grow,2025-Q3,x\nCaf\x81,2025-Q3,y\n",
     [(3, "byte 0x81 is neither UTF-8 nor Windows-1252")]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "data", "errors"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_the_row(case: str, data: bytes, errors: list[tuple[int, str]]) -> None:
    sources = read_sources([("okrs.csv", data)])
    assert not sources.tables
    got = [(p.row, p.message) for p in sources.problems]
    assert len(got) == len(errors), got
    for (row, message), (want_row, want) in zip(got, errors, strict=True):
        assert row == want_row and want in message, got
    assert all(str(p).startswith(f"okrs.csv:{p.row}: ") for p in sources.problems)


def test_many_bad_rows_are_listed_then_counted() -> None:
    body = b"".join(b"a,b,c,d\n" for _ in range(30))
    problems = read_sources([("wide.csv", HEADER + body)]).problems
    assert [p.row for p in problems[:20]] == list(range(2, 22))
    assert problems[20].message.startswith("10 more rows like row 21: more values")


def test_binary_file_named_csv_is_refused() -> None:
    data = bytes(range(256)) * 20
    problems = read_sources([("photo.csv", data)]).problems
    assert [str(p) for p in problems] == ["photo.csv: not a CSV text file: the file is binary data"]


def test_a_refused_csv_writes_nothing(tmp_path) -> None:
    db = tmp_path / "store.duckdb"
    flat = b"Quarter,Team,Objective,Key Result,Owner,Start,Target,Current\n"
    bad = flat + b"2025-Q3,Sales,Grow,Revenue,Ann,1,2,1.5\n2025-Q3,Sales,Grow,Deals\x00,Bo,1,2,1\n"
    report = ingest_files([("okrs.csv", bad)], db)
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "okrs.csv:3: a NUL byte (\\x00): the file is damaged or not text; remove it and save again"
    ]
