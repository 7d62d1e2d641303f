"""The as-of date a sheet's title row states ("As of 5 Oct 2026"), as a user's weekly sheet
carries it: read from CSV and workbook title rows, used when neither `--as-of` nor the file
name gives one, and never over them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipelines.asof import date_in_title
from tests.support.weekly import HEADER, check_ins, ok


@pytest.mark.parametrize(
    ("title", "day"),
    [
        ("Sales OKRs — As of 5 Oct 2026", date(2026, 10, 5)),
        ("As of: 2026-10-05", date(2026, 10, 5)),
        ("Last updated 05.10.2026", date(2026, 10, 5)),
        ("Updated on October 5, 2026", date(2026, 10, 5)),
        ("as at 5th October 2026", date(2026, 10, 5)),
        ("Stand: 05.10.2026", date(2026, 10, 5)),
        ("Team Atlas OKRs Q4 2026", None),  # a cycle, not an as-of date
        ("As of 31 Feb 2026", None),  # not a day
    ],
)
def test_a_title_states_its_day(title: str, day: date | None) -> None:
    assert date_in_title([title]) == day


def titled_csv(path: Path, title: str, values: list[int]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([title])
        writer.writerow([])
        writer.writerow(HEADER)
        for i, value in enumerate(values):
            writer.writerow(["2026-Q4", "Sales", "Objective", f"KR {i}", "Ann", 0, 100, value])
    return path


def test_a_csv_title_row_dates_the_values(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    path = titled_csv(tmp_path / "sales okrs.csv", "Sales OKRs — As of 5 Oct 2026", [10, 20])
    out = ok("ingest", str(path), "--db", str(db), "--no-warm")
    assert "values dated 05 Oct 2026, the day the sheet's title row states" in out
    assert "dated today" not in out
    assert check_ins(db)[["title", "day", "value"]].values.tolist() == [
        ["KR 0", "2026-10-05", 10], ["KR 1", "2026-10-05", 20],
    ]  # fmt: skip


def test_a_workbook_title_with_a_date_cell_dates_the_values(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["As of", date(2026, 10, 12)])
    sheet.append(HEADER)
    sheet.append(["2026-Q4", "Sales", "Objective", "KR 0", "Ann", 0, 100, 40])
    path = tmp_path / "okrs.xlsx"
    book.save(path)
    db = tmp_path / "store.duckdb"
    ok("ingest", str(path), "--db", str(db), "--no-warm")
    assert check_ins(db)[["day", "value"]].values.tolist() == [["2026-10-12", 40]]


def test_the_file_name_and_as_of_come_before_the_title(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    named = titled_csv(tmp_path / "okrs-2026-10-19.csv", "As of 5 Oct 2026", [10])
    ok("ingest", str(named), "--db", str(db), "--no-warm")
    later = titled_csv(tmp_path / "okrs.csv", "As of 5 Oct 2026", [30])
    ok("ingest", str(later), "--as-of", "2026-10-26", "--db", str(db), "--no-warm")
    assert check_ins(db)[["day", "value"]].values.tolist() == [
        ["2026-10-19", 10], ["2026-10-26", 30],
    ]  # fmt: skip
