"""Plausibility checks: each plants a misread in a file written here and sees it said, as a
warning on the understanding report or as an error that refuses the file (issue 21, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.ingest import IngestReport, ingest_paths
from tests.support.ingest import write_csv, write_xlsx


def ingest(tmp_path: Path, path: Path) -> IngestReport:
    return ingest_paths([path], tmp_path / "okr.duckdb", dry_run=True)


def lines(report: IngestReport) -> list[str]:
    return [str(p) for p in report.problems]


def checks(report: IngestReport) -> list[str]:
    assert report.understanding is not None
    return report.understanding.checks


def test_records_that_yield_no_objective_are_an_error_never_loaded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "teams.csv", [["team_id", "name"], ["t1", "Sales"], ["t2", "Ops"]])
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert not report.ok and report.outcome == "rejected"
    assert lines(report) == [
        "teams.csv: 2 records read, but no objective or key result found in them: nothing is "
        "loaded (map the columns of its objectives and key results)"
    ]


def test_an_objective_with_many_times_the_median_key_results_is_a_warning(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [["Quarter", "Objective", "Key Result"]]
    for o in range(5):
        rows += [["2026-Q1", f"Objective {o}", f"KR {o}.{k}"] for k in range(2)]
    rows += [["2026-Q1", "Everything else", f"Swallowed {k}"] for k in range(20)]
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    assert report.ok
    expected = (
        'okrs.csv:12: warning: objective "Everything else" collects 20 key results, 10 times '
        "the median (2): are key results of several objectives read as one's?"
    )
    assert expected in lines(report) and expected in checks(report)


def test_numbering_that_restarts_per_team_is_a_warning(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Quarter", "Team", "Objective #", "Objective", "Key Result"]]
    for team in ("Sales", "Support"):
        for n in (1, 2):
            rows.append(["2026-Q1", team, n, f"{team} goal {n}", f"{team} result {n}"])
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    found = checks(report)
    assert (
        "okrs.csv:4:C (Objective #): warning: objective numbering restarts at 1 on row 4: "
        "numbers repeat, each to be read within its sheet, team, objective or quarter"
    ) in found
    assert (
        'okrs.csv:2:C (Objective #): warning: 2 objective id(s) repeat across teams ("1", "2"; '
        "rows 2–5): the same id in two teams names two objectives"
    ) in found


def test_key_result_ids_repeating_across_objectives_are_a_warning(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Quarter", "Objective", "KR ID", "Key Result"]]
    for objective in ("Grow", "Keep"):
        rows += [["2026-Q1", objective, f"KR{k}", f"{objective} {k}"] for k in (1, 2)]
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    assert (
        'okrs.csv:2:C (KR ID): warning: 2 key result id(s) repeat across objectives ("KR1", '
        '"KR2"; rows 2–5): the same id in two objectives names two key results'
    ) in checks(report)


def test_ids_numbered_per_sheet_repeat_across_sheets(tmp_path: Path) -> None:
    def sheet(team: str) -> list[list[object]]:
        rows: list[list[object]] = [["Quarter", "Objective ID", "Objective", "Key Result"]]
        return rows + [["2026-Q1", n, f"{team} {n}", f"{team} result {n}"] for n in (1, 2)]

    sheets = {team: sheet(team) for team in ("Sales", "Support")}
    report = ingest(tmp_path, write_xlsx(tmp_path / "okrs.xlsx", sheets))
    assert (
        "okrs.xlsx:Support:1:B (Objective ID): warning: 2 id(s) of this sheet are also ids of "
        'okrs.xlsx:Sales ("1", "2"): numbered per sheet, the same id names two different rows'
    ) in checks(report)


def test_a_json_collection_left_unused_is_named(tmp_path: Path) -> None:
    document = {
        "okrs": [
            {"cycle": "2026-Q1", "objective": "Grow", "key_result": "Close 10 deals"},
            {"cycle": "2026-Q1", "objective": "Grow", "key_result": "Sign 2 partners"},
        ],
        "projects": [{"name": "Website"}, {"name": "CRM"}, {"name": "Billing"}],
    }
    path = tmp_path / "okrs.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = ingest(tmp_path, path)
    assert (
        "okrs.json: warning: collection `okrs` (2 records) was not used: nothing of it is loaded"
    ) in lines(report)
    assert report.understanding is not None
    # the reader took the longer list: the misread is there to see, and refused
    assert "collection `okrs` (2 records)" in report.understanding.not_used["okrs.json"]
    assert not report.ok


def test_an_unused_column_that_looks_like_a_parent_date_or_progress_is_a_warning(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [["Quarter", "Objective", "Key Result", "Parent initiative",
                                 "Reviewed", "Done so far"]]  # fmt: skip
    rows += [["2026-Q1", "Grow", f"KR {k}", "Company goal", f"2026-02-0{k}", f"{k}0%"]
             for k in (1, 2, 3)]  # fmt: skip
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    # one line for the sheet, each column with its letter and what it looks like
    assert checks(report) == [
        "okrs.csv:1: warning: 3 unused columns look like OKR fields: Parent initiative (D, "
        "parent or alignment), Reviewed (E, date), Done so far (F, progress or score): map them "
        "or mark them ignored"
    ]


def test_record_metadata_columns_are_no_look_alikes_but_real_ones_are(tmp_path: Path) -> None:
    headers: list[object] = [
        "Quarter", "Objective", "Key Result", "created", "created_on", "createdBy",
        "created_by_id", "modified_on", "editedBy", "updated_at", "version", "slug",
        "Last edited", "Review deadline", "Contact"]  # fmt: skip
    rows: list[list[object]] = [headers]
    rows += [["2026-Q1", "Grow", f"KR {k}", f"2026-01-0{k}", f"2026-01-0{k}", f"u{k}@x.org",
              40 + k, f"2026-02-0{k}", f"u{k}@x.org", f"2026-03-0{k}", k, f"kr-{k}",
              f"2026-03-0{k}", f"2026-06-0{k}", f"c{k}@x.org"] for k in (1, 2, 3)]  # fmt: skip
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    assert checks(report) == [
        "okrs.csv:1: warning: 2 unused columns look like OKR fields: Review deadline (N, date), "
        "Contact (O, owner): map them or mark them ignored"
    ]


def test_unique_ids_out_of_order_are_no_restart(tmp_path: Path) -> None:
    """A database export: unique ids, merely unsorted (a restart needs a number met before)."""
    rows: list[list[object]] = [["Quarter", "Objective ID", "Objective", "Key Result"]]
    for n in (40, 41, 42, 39, 43, 12, 13):
        rows.append(["2026-Q1", n, f"Goal {n}", f"Result {n}"])
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    assert report.ok
    assert not [c for c in checks(report) if "restarts" in c]


def test_a_scored_column_none_of_whose_cells_is_a_number_is_an_error(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Quarter", "Objective", "Key Result", "Target", "Current"]]
    rows += [["2026-Q1", "Grow", f"KR {k}", 10, w]
             for k, w in enumerate(("see notes", "pending review", "ask Ann"))]  # fmt: skip
    report = ingest_paths([write_csv(tmp_path / "okrs.csv", rows)], tmp_path / "okr.duckdb")
    assert not report.ok and report.outcome == "rejected"
    assert (
        "okrs.csv:1:E (Current): none of the 3 cells of this column reads as a number: it is "
        "not the current_value column (map another column, or none)"
    ) in lines(report)


def test_period_columns_read_for_the_cycles_dates_are_used(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Period", "Period start", "Period end", "Objective",
                                 "Key Result", "Reviewed"]]  # fmt: skip
    rows += [["Spring", "2026-01-01", "2026-03-31", "Grow", f"KR {k}", f"2026-02-0{k}"]
             for k in (1, 2, 3)]  # fmt: skip
    report = ingest(tmp_path, write_csv(tmp_path / "okrs.csv", rows))
    assert report.ok and report.understanding is not None
    assert any("from 'Period start' and 'Period end'" in note for note in report.notes)
    assert checks(report) == [
        "okrs.csv:1: warning: 1 unused column looks like an OKR field: Reviewed (F, date): map "
        "it or mark it ignored"
    ]
    assert report.understanding.not_used == {"okrs.csv": ["Reviewed"]}
