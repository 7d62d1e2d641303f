"""Text that a spreadsheet would run is stored as text and exported exactly as typed.

Titles starting with =, +, -, @, tab or CR go in through `okr-health ingest` (CSV and XLSX)
and are stored as text (ingest trims the whitespace around every text cell, so a leading
tab or CR is dropped, and what remains is stored as it stands). Written to the store as they
are, they come back unchanged from `okr-health scores` (CSV and JSON) and in the closing
pack's workbook as string cells — never as formulas. `--excel-safe` is the one place text
is changed: prefixed with a quote, for CSVs meant to be opened in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipelines.store.connection import open_store
from tests.support.stores import small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]
TITLES = [
    '=HYPERLINK("http://example.com","click")',
    "=1+1",
    "+1 new enterprise logo",
    "-5% churn",
    "@SUM(A1:A2)",
    "\t=2+2",
    "\r=3+3",
    "<script>alert(1)</script>",
]
FLAT_HEADER = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target", "Current"]


def flat_rows() -> list[list[object]]:
    """One objective per hostile title, each with one key result of the same title."""
    return [
        ["2026-Q1", "Sales", f"O {i}: {title}", title, f"@owner{i}", 0, 10, 6]
        for i, title in enumerate(TITLES)
    ]


def csv_bytes() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([FLAT_HEADER, *flat_rows()])
    return out.getvalue().encode()


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    rows: list[list[Any]] = [FLAT_HEADER, *flat_rows()]  # Any: cell values of every kind
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"  # as Excel stores text typed with a leading quote
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command's output exactly as written (no newline translation: a CR is data)."""
    result = subprocess.run([*CLI, *args], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    return subprocess.CompletedProcess(
        result.args, 0, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_ingest_stores_it_as_text(kind: str, tmp_path: Path) -> None:
    source = tmp_path / f"okrs.{kind}"
    source.write_bytes(csv_bytes() if kind == "csv" else xlsx_bytes())
    db = tmp_path / "store.duckdb"
    run("ingest", str(source), "--db", str(db))
    with open_store(db, read_only=True) as conn:
        krs = {r[0] for r in conn.execute("SELECT title FROM key_results").fetchall()}
        owners = {r[0] for r in conn.execute("SELECT owner FROM key_results").fetchall()}
    assert krs == {t.strip() for t in TITLES}
    assert owners == {f"@owner{i}" for i in range(len(TITLES))}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile titles written to the store exactly, leading tab and CR included."""
    t = small_company()
    t["cycles"]["cycle_id"] = "2026-Q1"
    krs = t["key_results"].iloc[[0] * len(TITLES)].reset_index(drop=True)
    krs["kr_id"] = [f"k{i}" for i in range(len(TITLES))]
    krs["title"] = TITLES
    t["key_results"] = krs
    t["check_ins"] = t["check_ins"].iloc[0:0]
    t["objectives"]["title"] = [f"Objective {title}" for title in TITLES[:3]]
    return write_store(tmp_path_factory.mktemp("injection") / "store.duckdb", t)


def test_scores_csv_and_json_are_literal(store: Path) -> None:
    out = run("scores", "--cycle", "2026-Q1", "--format", "csv", "--db", str(store)).stdout
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert sorted(r["title"] for r in rows) == sorted(TITLES)
    assert {r["score"] for r in rows} == {"0.6000"}
    assert "\t=2+2" in {r["title"] for r in rows} and "\r=3+3" in {r["title"] for r in rows}
    out = run("scores", "--cycle", "2026-Q1", "--format", "json", "--db", str(store)).stdout
    assert sorted(r["title"] for r in json.loads(out)) == sorted(TITLES)


def test_excel_safe_csv_quotes_what_a_spreadsheet_would_run(store: Path) -> None:
    out = run(
        "scores", "--cycle", "2026-Q1", "--format", "csv", "--excel-safe", "--db", str(store)
    ).stdout
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    titles = {r["title"] for r in rows}
    assert titles == {
        f"'{t}" if t.startswith(("=", "+", "-", "@", "\t", "\r")) else t for t in TITLES
    }
    assert {r["score"] for r in rows} == {"0.6000"}  # numbers untouched


def test_closing_pack_workbook_holds_text_not_formulas(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    run("report", "--team", "sales", "--cycle", "2026-Q1", "--out", str(out), "--db", str(store))
    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    shown = {c.value for c in cells}
    # XML reads a CR in text back as LF (end-of-line normalisation); the text is otherwise exact.
    expected = [t.replace("\r", "\n") for t in TITLES]
    for title in expected:
        assert title in shown, f"{title!r} is not in any cell"
    assert all(c.data_type == "s" for c in cells if c.value in expected)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", xml) for xml in sheets)
