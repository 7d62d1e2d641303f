"""Every expected failure is a sentence: no traceback, the store unchanged, and the attempt
closed in the import history at once (failed, or interrupted)."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from pipelines.ingest import ingest_paths
from pipelines.map.mapping_bytes import mapping_text
from pipelines.store.faults import StoreUnusable
from tests.support.ingest import history, write_csv
from tests.support.pages import open_app
from tests.support.stores import assert_same, contents, small_company, write_store

HEADER: list[object] = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target"]
HEADER += ["Current"]
ROWS: list[list[object]] = [
    ["2025-Q3", "Sales", "Grow revenue", "Revenue 0 → 10", "Ann", 0, 10, 4],
    ["2025-Q3", "Sales", "Happy customers", "NPS 0 → 10", "Bo", 0, 10, 5],
]


def okrs(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "okrs.csv", [HEADER, *ROWS])


def cli(*args: str, patch: str = "") -> subprocess.CompletedProcess[str]:
    """`okr-health ARGS` in a fresh process, after `patch` (code that plants a fault)."""
    code = textwrap.dedent(patch) + textwrap.dedent(
        f"""
        import sys
        from okr_health.cli import app
        sys.argv = ["okr-health", *{list(args)!r}]
        app()
        """
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    """The error a command printed: one line, no traceback."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def store_like(tmp_path: Path, kind: str) -> Path:
    """A `--db` that is no store: a text file, a workbook, a folder, a truncated store."""
    if kind == "text file":
        path = tmp_path / "notes.txt"
        path.write_text("these are my notes\n")
    elif kind == "workbook":
        path = tmp_path / "okrs.xlsx"
        openpyxl.Workbook().save(path)
    elif kind == "folder":
        path = tmp_path / "stores"
        path.mkdir()
    else:
        whole = write_store(tmp_path / "whole.duckdb", small_company())
        data = whole.read_bytes()
        path = tmp_path / "cut.duckdb"
        path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("text file", "is a text file, not an OKR Health store"),
        ("workbook", "is a workbook (or another zip file), not an OKR Health store"),
        ("folder", "is a folder, not a store file"),
        ("truncated store", "is damaged or truncated"),
    ],
)
def test_a_db_that_is_no_store_is_a_sentence(tmp_path: Path, kind: str, says: str) -> None:
    path = store_like(tmp_path, kind)
    before = path.read_bytes() if path.is_file() else None
    for command in (["ingest", str(okrs(tmp_path))], ["summary"], ["history"]):
        done = cli(*command, "--db", str(path))
        assert done.returncode == 1, (command, done.stderr)
        error = one_sentence(done)
        assert says in error and str(path) in error, (command, error)
    assert (path.read_bytes() if path.is_file() else None) == before


def test_a_store_that_cannot_be_written_is_a_sentence(tmp_path: Path) -> None:
    db = write_store(tmp_path / "okr.duckdb", small_company())
    before = contents(db)
    patch = """
        import duckdb
        import pipelines.store.connection as connection
        opened = duckdb.connect
        def refuse(*args, **kw):
            if args and not kw.get("read_only"):
                raise duckdb.IOException(f'IO Error: Cannot open "{args[0]}": Permission denied')
            return opened(*args, **kw)
        connection.duckdb.connect = refuse
    """
    done = cli("ingest", str(okrs(tmp_path)), "--db", str(db), patch=patch)
    assert done.returncode == 1
    assert "cannot be written (permission denied)" in one_sentence(done)
    assert_same(before, contents(db))


DISK_FULL = """
    import errno
    import pipelines.store.load as load
    def full(conn, table, frame):
        conn.execute("ROLLBACK")  # the rollback that follows fails too: it must not hide this
        raise OSError(errno.ENOSPC, "No space left on device")
    load.upsert_rows = full
"""


def test_a_full_disk_is_a_sentence_and_the_attempt_is_marked_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = write_store(tmp_path / "okr.duckdb", small_company())
    before = contents(db)
    done = cli("ingest", str(okrs(tmp_path)), "--db", str(db), patch=DISK_FULL)
    assert done.returncode == 1
    assert "the disk holding the store is full: nothing of this import was written" in (
        one_sentence(done)
    )
    assert_same(before, contents(db))
    last = history(db).iloc[0]
    assert last["outcome"] == "failed" and "No space left" in last["message"]

    import pipelines.store.load as load  # in process too: the same sentence, as an exception

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(load, "upsert_rows", full)
    with pytest.raises(StoreUnusable, match="is full"):
        ingest_paths([okrs(tmp_path)], db)
    assert_same(before, contents(db))


def test_ctrl_c_during_the_load_writes_nothing_and_says_so(tmp_path: Path) -> None:
    db = write_store(tmp_path / "okr.duckdb", small_company())
    before = contents(db)
    patch = """
        import pipelines.store.load as load
        def stop(*args):
            raise KeyboardInterrupt
        load.upsert_rows = stop
    """
    done = cli("ingest", str(okrs(tmp_path)), "--db", str(db), patch=patch)
    assert done.returncode == 130
    assert one_sentence(done) == "error: interrupted: nothing was written"
    assert_same(before, contents(db))
    last = history(db).iloc[0]
    assert (last["outcome"], last["message"]) == ("interrupted", "interrupted: nothing was written")


def test_a_killed_writers_running_record_is_closed_by_the_next_reader(tmp_path: Path) -> None:
    db = write_store(tmp_path / "okr.duckdb", small_company())
    from pipelines.store.connection import open_store

    with open_store(db) as conn:  # what a killed import or undo leaves behind
        conn.execute(
            "INSERT INTO imports VALUES (99, '[]', '', '{}', now(), NULL, 'running', 'undo 1')"
        )
    last = history(db).iloc[0]  # a reader: read-only, no write in between
    assert (last["import_id"], last["outcome"]) == (99, "interrupted")
    done = cli("history", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "running" not in done.stdout and "interrupted" in done.stdout


def test_a_mapping_file_not_in_utf8_is_a_located_problem(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    mapping = tmp_path / "mapping.toml"
    mapping.write_bytes('[[source]]\nfile = "okrs.csv"\n# caf\xe9\n'.encode("latin-1"))
    done = cli("ingest", str(okrs(tmp_path)), "--db", str(db), "--mapping", str(mapping))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    said = done.stdout + done.stderr
    assert "mapping.toml:3: byte 0xE9 is not UTF-8" in said, said
    text, problem = mapping_text("m.toml", b"a = 1\n\xff")  # the Data page's reading of it
    assert text is None and problem is not None and problem.row == 2


def test_report_out_naming_a_folder_is_a_sentence(tmp_path: Path) -> None:
    db = write_store(tmp_path / "okr.duckdb", small_company())
    folder = tmp_path / "packs.xlsx"
    folder.mkdir()
    done = cli("report", "--team", "co", "--out", str(folder), "--db", str(db))
    assert done.returncode == 1
    assert "--out names a folder" in one_sentence(done)
    assert list(folder.iterdir()) == []


def test_mixed_line_ends_are_read_as_a_spreadsheet_reads_them(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    lines = [",".join(str(c) for c in row) for row in [HEADER, *ROWS]]
    lines.append('2025-Q3,Sales,"Quoted\rtitle",Deals 0 → 10,Cy,0,10,6')
    path = tmp_path / "mixed.csv"
    path.write_bytes((lines[0] + "\r\n" + lines[1] + "\r" + lines[2] + "\n" + lines[3]).encode())
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows["key_results"] == 3
    titles = sorted(contents(db)["objectives"]["title"])
    assert titles == ["Grow revenue", "Happy customers", "Quoted\rtitle"]


@pytest.mark.parametrize("kind", ["text file", "truncated store"])
def test_the_dashboard_says_a_store_is_unusable_in_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = store_like(tmp_path, kind)
    at = open_app(path, monkeypatch)  # no exception: the page shows the sentence and stops
    said = [e.value.replace("\\", "") for e in at.error]
    assert any(str(path.name) in s and ("text file" in s or "truncated" in s) for s in said), said
