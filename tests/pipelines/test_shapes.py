"""Shapes seen in real OKR files (issue 21, item 6, and numbers with units of item 5): each
written here by the test in that shape, loaded through the real ingest into a real store."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font

from pipelines.ingest import IngestReport, ingest_paths
from tests.support.ingest import audit, kr_scores, write_csv, write_xlsx


def load(tmp_path: Path, rows: list[list[object]], sheet: str = "OKRs") -> IngestReport:
    path = write_xlsx(tmp_path / "okrs.xlsx", {sheet: rows})
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert not any(audit(tmp_path / "okr.duckdb").values())
    return report


def table(tmp_path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(tmp_path / "okr.duckdb"), read_only=True) as conn:
        return conn.sql(sql).df()


def test_objective_levels_as_columns_make_a_tree_and_repeated_titles_stay_apart(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Sub-objective", "Sub-sub-objective", "Key result", "Start",
         "Target", "Current"],
        ["2026-Q1", "Grow revenue", "Sales", "EMEA", "Close 10 deals", 0, 10, 5],
        [None, None, None, "Americas", "Close 10 deals", 0, 10, 2],
        [None, None, "Marketing", None, "Close 10 deals", 0, 10, 8],
        [None, "Keep customers", None, None, "Churn below 2%", 5, 2, 3],
    ]  # fmt: skip
    report = load(tmp_path, rows)
    assert report.rows["key_results"] == 4
    objectives = table(tmp_path, "SELECT objective_id, title, parent_objective_id FROM objectives")
    assert sorted(objectives["title"]) == [
        "Americas", "EMEA", "Grow revenue", "Keep customers", "Marketing", "Sales"
    ]  # fmt: skip
    title = dict(zip(objectives["objective_id"], objectives["title"], strict=True))
    parent = {
        t: title.get(p) for t, p in zip(objectives["title"], objectives["parent_objective_id"],
                                        strict=True)
    }  # fmt: skip
    assert parent == {
        "Grow revenue": None, "Keep customers": None, "Sales": "Grow revenue",
        "Marketing": "Grow revenue", "EMEA": "Sales", "Americas": "Sales",
    }  # fmt: skip
    krs = table(
        tmp_path,
        "SELECT o.title AS objective, k.title, k.current_value FROM key_results k "
        "JOIN objectives o USING (objective_id) ORDER BY ALL",
    )
    assert krs.values.tolist() == [
        ["Americas", "Close 10 deals", 2.0],
        ["EMEA", "Close 10 deals", 5.0],
        ["Keep customers", "Churn below 2%", 3.0],
        ["Marketing", "Close 10 deals", 8.0],
    ]
    assert any("objective levels in columns" in n for n in report.notes)
    assert report.unmapped_columns == []  # the level columns feed the objectives


def test_key_result_ids_that_restart_in_each_objective_resolve_within_it(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "KR ID", "Key result", "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "KR1", "Close deals", 0, 10, 5],
        ["2026-Q1", "Grow", "KR2", "Hire two people", 0, 2, 1],
        ["2026-Q1", "Ship", "KR1", "Release v2", 0, 1, 1],
        ["2026-Q1", "Ship", "KR2", "Fix bugs", 0, 100, 25],
    ]
    report = load(tmp_path, rows)
    krs = table(
        tmp_path,
        "SELECT o.title AS objective, k.title, k.kr_id FROM key_results k "
        "JOIN objectives o USING (objective_id) ORDER BY 1, 2",
    )
    assert krs[["objective", "title"]].values.tolist() == [
        ["Grow", "Close deals"], ["Grow", "Hire two people"], ["Ship", "Fix bugs"],
        ["Ship", "Release v2"],
    ]  # fmt: skip
    assert krs["kr_id"].str.endswith(("KR1", "KR2")).all() and krs["kr_id"].is_unique
    scores = kr_scores(tmp_path / "okr.duckdb")
    by_title = dict(zip(krs["title"], krs["kr_id"], strict=True))
    assert scores[by_title["Close deals"]] == pytest.approx(0.5)
    assert scores[by_title["Fix bugs"]] == pytest.approx(0.25)
    assert any("restart in each objective (KR1, KR2)" in n for n in report.notes)


def test_a_repeated_key_result_with_the_same_id_in_one_objective_is_still_refused(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "Close deals", 0, 10, 5],
        ["2026-Q1", "Grow", "Close deals", 0, 10, 6],
    ]
    path = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows})
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert not report.ok
    assert [p.message for p in report.problems] == [
        'key result "Close deals" appears twice in objective "Grow" (first on row 2)'
    ]


def test_a_dated_check_in_log_in_the_key_result_sheet_is_history(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Date", "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "Close deals", "2026-01-15", 0, 10, 2],
        ["2026-Q1", "Grow", "Hire", "2026-01-15", 0, 4, 1],
        ["2026-Q1", "Grow", "Close deals", "2026-03-01", 0, 10, 6],
        ["2026-Q1", "Grow", "Close deals", "2026-02-15", 0, 10, 5],
        ["2026-Q1", "Grow", "Hire", "2026-02-15", 0, 4, 3],
    ]
    report = load(tmp_path, rows)
    assert report.rows["key_results"] == 2 and report.rows["check_ins"] == 5
    krs = table(tmp_path, "SELECT title, current_value FROM key_results ORDER BY title")
    assert krs.values.tolist() == [["Close deals", 6.0], ["Hire", 3.0]]
    history = table(
        tmp_path,
        "SELECT k.title, strftime(c.checked_at, '%Y-%m-%d') AS at, c.value FROM check_ins c "
        "JOIN key_results k USING (kr_id) ORDER BY 1, 2",
    )
    assert history.values.tolist() == [
        ["Close deals", "2026-01-15", 2.0], ["Close deals", "2026-02-15", 5.0],
        ["Close deals", "2026-03-01", 6.0], ["Hire", "2026-01-15", 1.0],
        ["Hire", "2026-02-15", 3.0],
    ]  # fmt: skip
    assert any("dated check-in log: 5 rows of 2 key results" in n for n in report.notes)


def test_numbers_with_units_load_as_numbers_with_their_unit(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Start", "Target", "Current"],
        ["2026-Q1", "Be fast", "Page load time", "10 sec", "4 sec", "4.3 sec"],
        ["2026-Q1", "Be fast", "Lead time", "120 dias", "90 dias", "93 dias"],
        ["2026-Q1", "Grow", "Monthly users", "0", "20k", "12k"],
        ["2026-Q1", "Grow", "Revenue", "0", "2M", "1.2M"],
        ["2026-Q1", "Grow", "Share of market", "0 %", "50 %", "45 %"],
    ]
    load(tmp_path, rows)
    krs = table(
        tmp_path,
        "SELECT title, start_value, target_value, current_value, unit FROM key_results",
    ).set_index("title")
    assert krs.loc["Page load time"].tolist() == [10.0, 4.0, 4.3, "sec"]
    assert krs.loc["Lead time"].tolist() == [120.0, 90.0, 93.0, "dias"]
    assert krs.loc["Monthly users", "current_value"] == 12_000.0
    assert krs.loc["Revenue", ["target_value", "current_value"]].tolist() == [2e6, 1.2e6]
    assert krs.loc["Share of market", "current_value"] == pytest.approx(0.45)
    assert krs["unit"].isna()["Revenue"]  # a scale word is not a unit
    scores = dict(
        zip(
            table(tmp_path, "SELECT title FROM key_results")["title"],
            table(tmp_path, "SELECT kr_id FROM key_results")["kr_id"],
            strict=True,
        )
    )
    assert kr_scores(tmp_path / "okr.duckdb")[scores["Monthly users"]] == pytest.approx(0.6)


def test_a_euro_amount_with_decimal_comma_and_a_grade_with_two_readings(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Target", "Current", "Grade"],
        ["2026-Q1", "Sell", "Invoice", "€ 5.000,00", "€ 3.400,50", "0.7 (70%)"],
        ["2026-Q1", "Sell", "Upsell", "€ 1.000,00", "€ 250,00", "3/5"],
    ]
    load(tmp_path, rows)
    krs = table(tmp_path, "SELECT title, target_value, current_value, unit, manual_score "
                          "FROM key_results ORDER BY title")  # fmt: skip
    assert krs.values.tolist() == [
        ["Invoice", 5000.0, 3400.5, "€", 0.7],
        ["Upsell", 1000.0, 250.0, "€", pytest.approx(0.6)],
    ]


def test_tick_columns_are_milestones(tmp_path: Path) -> None:
    ticks: list[object] = ["x", "✓", "[x]", True, "Done", "Yes", None, "[ ]"]
    rows: list[list[object]] = [["Cycle", "Objective", "Key result", "Done"]]
    rows += [["2026-Q1", "Launch", f"Step {i}", tick] for i, tick in enumerate(ticks, 1)]
    load(tmp_path, rows)
    krs = table(tmp_path, "SELECT kr_id, title, current_value FROM key_results ORDER BY title")
    assert krs["current_value"].tolist() == [1.0] * 6 + [0.0, 0.0]
    scores = kr_scores(tmp_path / "okr.duckdb")
    assert [scores[k] for k in krs["kr_id"]] == [1.0] * 6 + [0.0, 0.0]


def test_cancelled_and_struck_through_rows_are_set_aside_and_listed(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Status", "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "Close deals", "On track", 0, 10, 5],
        ["2026-Q1", "Grow", "Open an office", "Cancelled", 0, 1, 0],
        ["2026-Q1", "Grow", "Hire a team", "Dropped", 0, 4, 0],
        ["2026-Q1", "Grow", "Sponsor a fair", "On track", 0, 1, 0],
    ]
    path = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows})
    book = openpyxl.load_workbook(path)
    book["OKRs"]["C5"].font = Font(strike=True)  # "Sponsor a fair", cancelled by a strike
    book.save(path)
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    krs = table(tmp_path, "SELECT title, archived FROM key_results ORDER BY title")
    assert dict(zip(krs["title"], krs["archived"], strict=True)) == {
        "Close deals": False, "Hire a team": True, "Open an office": True,
        "Sponsor a fair": True,
    }  # fmt: skip
    assert any(
        "1 key result(s) struck through (rows 5): set aside as archived, not scored "
        '("Sponsor a fair")' in n
        for n in report.notes
    )
    scores = kr_scores(tmp_path / "okr.duckdb")
    assert list(scores.values()) == [pytest.approx(0.5)]  # only the live key result scores
    assert [p.message for p in report.problems] == [
        "status is a check-in column: it needs a date column (checked_at: Date, Last updated…) "
        "and is not loaded as a check-in; its Cancelled, Dropped or Archived rows are archived"
    ]


@pytest.mark.parametrize(
    ("cell", "owner"),
    [
        ("Smith, John A.", "Smith, John A."),  # Last, First M.: one person, as written
        ("Ann Lee; Bob Ray", "Ann Lee"),
        ("Ann Lee and Bob Ray", "Ann Lee"),
        ("Ann & Bob", "Ann"),
        ("Ann/Bob", "Ann"),
        ("Smith, John A.; Doe, Jane", "Smith, John A."),
        ("Ana Lopez, Ben Okoye", "Ana Lopez"),
        ("N/A", "N/A"),
        ("Director of Engineering, CI/CD", "Director of Engineering, CI/CD"),  # a job title
    ],
)
def test_owner_cells_split_the_same_way_for_objectives_and_key_results(
    tmp_path: Path, cell: str, owner: str
) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Objective owner", "Key result", "Owner", "Target", "Current"],
        ["2026-Q1", "Grow", cell, "Close deals", cell, 10, 5],
    ]
    report = load(tmp_path, rows)
    assert table(tmp_path, "SELECT owner FROM objectives")["owner"].tolist() == [owner]
    assert table(tmp_path, "SELECT owner FROM key_results")["owner"].tolist() == [owner]
    listed = [n for n in report.notes if "name several" in n]
    assert len(listed) == (0 if owner == cell else 2)


@pytest.mark.parametrize("header", ["Aligned to", "Supports", "Contributes to"])
def test_alignment_columns_written_as_titles_are_links(tmp_path: Path, header: str) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", header, "Target", "Current"],
        ["2026-Q1", "Grow revenue", "Close deals", None, 10, 5],
        ["2026-Q1", "Win in EMEA", "Open Berlin", "grow  revenue", 1, 0],
        ["2026-Q1", "Hire sellers", "Hire 4", "Close deals", 4, 2],
        ["2026-Q1", "Be loved", "NPS 50", "Nothing by this name", 50, 40],
    ]
    report = load(tmp_path, rows)
    links = table(
        tmp_path,
        "SELECT o.title, p.title AS parent, k.title AS parent_kr FROM objectives o "
        "LEFT JOIN objectives p ON p.objective_id = o.parent_objective_id "
        "LEFT JOIN key_results k ON k.kr_id = o.parent_kr_id ORDER BY o.title",
    )
    assert links.fillna("-").values.tolist() == [
        ["Be loved", "-", "-"],
        ["Grow revenue", "-", "-"],
        ["Hire sellers", "-", "Close deals"],
        ["Win in EMEA", "Grow revenue", "-"],
    ]
    broken = [p.message for p in report.problems]
    assert broken == ['parent objective "Nothing by this name" not found (a broken link: '
                      "loaded, and shown as broken)"]  # fmt: skip


def _with_cached_text(path: Path, cells: dict[str, str]) -> None:
    """Mark formula cells (by reference) as calculated to the given text, as Excel saves
    them: `t="str"` and the result in `<v>` (the empty string: `<v></v>`)."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    for ref, text in cells.items():
        xml, n = re.subn(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v ?/>', rf'<c r="{ref}"\1 t="str"><f>\2</f>'
            rf"<v>{text}</v>", xml,
        )  # fmt: skip
        assert n == 1
    parts[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)


def test_a_formula_whose_saved_value_is_empty_text_is_an_empty_cell(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Target", "Current", "Note"],
        ["2026-Q1", "Grow", "Close deals", 10, 5, '=IF(E2>100,"check","")'],
        ["2026-Q1", "Grow", "Hire", 4, '=IF(D3="","",D3/2)', None],
    ]
    path = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows})
    _with_cached_text(path, {"F2": "", "E3": ""})
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    krs = table(tmp_path, "SELECT title, current_value FROM key_results ORDER BY title")
    assert krs.fillna(-1).values.tolist() == [["Close deals", 5.0], ["Hire", -1]]
    assert not [p for p in report.problems if "formula" in p.message]


def test_a_formula_saved_without_its_value_is_still_refused(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Target", "Current"],
        ["2026-Q1", "Grow", "Hire", 4, "=D2/2"],
    ]
    path = write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows})
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "okrs.xlsx:OKRs:2:E (Current): formula without a cached value (=D2/2): the file was "
        "saved without calculating it; open it in Excel and save it again, or type the value"
    ]


def _merged_header_book(path: Path, rows: list[list[object]], merges: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "OKRs"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("first_row", "merges"),
    [
        # the group label merged over the numbers; the other names on the first row only
        (["Cycle", "Objective", None, "Numbers", None, None], ["D1:F1"]),
        # … and the other names merged down over both header rows
        (["Cycle", "Objective", None, "Numbers", None, None], ["D1:F1", "A1:A2", "B1:B2"]),
        # the title column named on the first row, the header found there first
        (["Cycle", "Objective", "Key result", "Numbers", None, None], ["D1:F1"]),
    ],
)
def test_two_row_merged_headers_and_an_untitled_title_column(
    tmp_path: Path, first_row: list[object], merges: list[str]
) -> None:
    rows: list[list[object]] = [
        first_row,
        [None, None, None, "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "Close deals", 0, 10, 5],
        [None, None, "Hire", 0, 4, 1],
        ["2026-Q1", "Ship", "Release", 0, 1, 1],
    ]
    path = _merged_header_book(tmp_path / "okrs.xlsx", rows, merges)
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert report.unmapped_columns == []
    krs = table(
        tmp_path,
        "SELECT o.title AS objective, k.title, k.start_value, k.target_value, k.current_value "
        "FROM key_results k JOIN objectives o USING (objective_id) ORDER BY k.title",
    )
    assert krs.values.tolist() == [
        ["Grow", "Close deals", 0.0, 10.0, 5.0],
        ["Grow", "Hire", 0.0, 4.0, 1.0],
        ["Ship", "Release", 0.0, 1.0, 1.0],
    ]
    untitled = [n for n in report.notes if "has no header" in n]
    assert untitled == (
        [] if first_row[2] else
        ["okrs.xlsx:OKRs: column C has no header; its cells are titles, read as Key result"]
    )  # fmt: skip


def _history(tmp_path: Path) -> list[list[object]]:
    frame = table(
        tmp_path,
        "SELECT k.title, strftime(c.checked_at, '%Y-%m-%d') AS at, c.value FROM check_ins c "
        "JOIN key_results k USING (kr_id) ORDER BY 1, 2",
    )
    return frame.values.tolist()


def test_weekly_columns_are_check_ins_dated_within_the_cycle(tmp_path: Path) -> None:
    weeks = [f"Week {n}" for n in range(1, 14)]
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Start", "Target", *weeks],
        ["2026-Q1", "Grow", "Weekly signups", 0, 130, *range(10, 140, 10)],
        ["2026-Q1", "Grow", "Demos held", 0, 20, 2, 5, None, 8, *[None] * 9],
    ]
    report = load(tmp_path, rows)
    history = _history(tmp_path)
    assert history[:2] == [["Demos held", "2026-01-07", 2.0], ["Demos held", "2026-01-14", 5.0]]
    assert history[2] == ["Demos held", "2026-01-28", 8.0]  # week 3 had no value
    signups = [h for h in history if h[0] == "Weekly signups"]
    assert len(signups) == 13
    assert signups[-1] == ["Weekly signups", "2026-03-31", 130.0]  # week 13 ends with Q1
    krs = table(tmp_path, "SELECT title, current_value FROM key_results ORDER BY title")
    assert krs.values.tolist() == [["Demos held", 8.0], ["Weekly signups", 130.0]]
    assert any("weekly columns (Week 1 … Week 13) read as check-ins: 16 values" in n
               for n in report.notes)  # fmt: skip
    assert report.unmapped_columns == []


def test_monthly_columns_are_check_ins_at_each_month_end(tmp_path: Path) -> None:
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Start", "Target", *months],
        ["2026", "Grow", "Customers", 100, 220, *range(110, 230, 10)],
    ]
    load(tmp_path, rows)
    history = _history(tmp_path)
    assert len(history) == 12
    assert history[0] == ["Customers", "2026-01-31", 110.0]
    assert history[1] == ["Customers", "2026-02-28", 120.0]
    assert history[-1] == ["Customers", "2026-12-31", 220.0]
    (score,) = kr_scores(tmp_path / "okr.duckdb").values()
    assert score == pytest.approx(1.0)


def test_quarter_blocks_are_check_ins_with_the_first_baseline_and_last_target(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Q1 Baseline", "Q1 Real", "Q1 Target",
         "Q2 Baseline", "Q2 Real", "Q2 Target", "Q3 Baseline", "Q3 Real", "Q3 Target"],
        ["2026", "Grow", "Paying teams", 10, 18, 20, 18, 26, 30, 26, None, 40],
    ]  # fmt: skip
    report = load(tmp_path, rows)
    assert _history(tmp_path) == [
        ["Paying teams", "2026-03-31", 18.0], ["Paying teams", "2026-06-30", 26.0]
    ]  # fmt: skip
    krs = table(tmp_path, "SELECT start_value, target_value, current_value FROM key_results")
    assert krs.values.tolist() == [[10.0, 40.0, 26.0]]
    (score,) = kr_scores(tmp_path / "okr.duckdb").values()
    assert score == pytest.approx(16 / 30)
    assert report.unmapped_columns == []


def test_two_header_rows_in_a_csv_file(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Numbers", None, None],
        [None, None, None, "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "Close deals", 0, 10, 5],
        ["2026-Q1", "Grow", "Hire", 0, 4, 1],
    ]
    path = write_csv(tmp_path / "okrs.csv", rows)
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert report.unmapped_columns == []
    krs = table(tmp_path, "SELECT title, start_value, target_value, current_value "
                          "FROM key_results ORDER BY title")  # fmt: skip
    assert krs.values.tolist() == [["Close deals", 0.0, 10.0, 5.0], ["Hire", 0.0, 4.0, 1.0]]


def test_objective_levels_keep_the_cycle_and_team_written_once_above(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Team", "Objective", "Sub-objective", "Key result", "Target", "Current"],
        ["2026-Q1", "Sales", "Grow", "EMEA", "Close deals", 10, 5],
        [None, None, None, "Americas", "Close deals", 10, 2],
        ["2026-Q2", "Sales", "Grow", "EMEA", "Close deals", 10, 7],
    ]
    load(tmp_path, rows)
    objectives = table(
        tmp_path,
        "SELECT o.cycle_id, o.team_id, o.title, p.title AS parent FROM objectives o LEFT JOIN "
        "objectives p ON p.objective_id = o.parent_objective_id ORDER BY ALL",
    )
    assert objectives.fillna("-").values.tolist() == [
        ["2026-Q1", "Sales", "Americas", "Grow"],
        ["2026-Q1", "Sales", "EMEA", "Grow"],
        ["2026-Q1", "Sales", "Grow", "-"],
        ["2026-Q2", "Sales", "EMEA", "Grow"],
        ["2026-Q2", "Sales", "Grow", "-"],
    ]


def test_weekly_columns_of_a_cycle_without_dates_are_a_warning_not_a_silent_drop(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Start", "Target", "W1", "W2", "W3"],
        ["Sprint five", "Grow", "Signups", 0, 30, 10, 20, 30],
    ]
    report = load(tmp_path, rows)
    assert report.rows.get("check_ins", 0) == 0
    assert [str(p) for p in report.problems] == [
        "okrs.xlsx:OKRs:2:C (Key result): warning: weekly values not loaded: the cycle has no "
        "dates (name it like 2026-Q1)"
    ]


def test_month_columns_with_their_year_are_dated_in_that_year(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Start", "Target", "Nov 2025", "Dec-25", "Jan 2026"],
        ["FY2026", "Grow", "Customers", 100, 130, 110, 120, 125],
    ]
    report = load(tmp_path, rows)
    assert _history(tmp_path) == [
        ["Customers", "2025-11-30", 110.0], ["Customers", "2025-12-31", 120.0],
        ["Customers", "2026-01-31", 125.0],
    ]  # fmt: skip
    assert report.unmapped_columns == []


def test_a_log_below_its_definition_row_keeps_the_target_of_that_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Date", "Start", "Target", "Current"],
        ["2026-Q1", "Grow", "Close deals", None, 0, 10, None],
        ["2026-Q1", "Grow", "Close deals", "2026-01-31", None, None, 3],
        ["2026-Q1", "Grow", "Close deals", "2026-02-28", None, None, 6],
    ]
    report = load(tmp_path, rows)
    krs = table(tmp_path, "SELECT title, start_value, target_value, current_value FROM key_results")
    assert krs.values.tolist() == [["Close deals", 0.0, 10.0, 6.0]]
    assert _history(tmp_path) == [
        ["Close deals", "2026-01-31", 3.0], ["Close deals", "2026-02-28", 6.0]
    ]  # fmt: skip
    (score,) = kr_scores(tmp_path / "okr.duckdb").values()
    assert score == pytest.approx(0.6)
    assert any("dated check-in log: 3 rows of 1 key results" in n for n in report.notes)


def test_a_unit_named_in_the_header_is_the_unit_of_its_key_results(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Cycle", "Objective", "Key result", "Target (€)", "Current (€)", "Note (optional)"],
        ["2026-Q1", "Sell", "Revenue", 5000, 3400, None],
        ["2026-Q1", "Sell", "Lead time", "30 days", "40 days", None],  # the cell's own unit
    ]
    load(tmp_path, rows)
    krs = table(tmp_path, "SELECT title, target_value, unit FROM key_results ORDER BY title")
    assert krs.values.tolist() == [["Lead time", 30.0, "days"], ["Revenue", 5000.0, "€"]]
