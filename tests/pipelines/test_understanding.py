"""The understanding report: what the reader made of a file, said before anything is stored,
and what it set aside instead of refusing the file (issue 21, items 1 and 5)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipelines.ingest import ingest_paths
from pipelines.understanding import Fed
from tests.support.ingest import CANONICAL_SHEETS, store_tables, write_csv, write_xlsx

HEADER = ["Quarter", "Team", "Objective", "Key Result", "Target", "Current", "Context"]
ROWS: list[list[object]] = [
    ["2026-Q1", "Sales", "Grow revenue", "Close 20 deals", 20, 5, "on plan"],
    ["2026-Q1", "Sales", "Grow revenue", "Sign 3 partners", 3, 1, ""],
    ["2026-Q1", "Support", "Happy customers", "NPS above 50", 50, "Blocked", "vendor late"],
    ["2026-Q2", "Sales", "Expand abroad", "Open the Berlin office", 1, 0, ""],
]


def okrs_csv(tmp_path: Path, rows: list[list[object]] = ROWS) -> Path:
    return write_csv(tmp_path / "okrs.csv", [HEADER, *rows])


def test_the_report_says_the_structure_samples_fields_and_what_was_not_used(
    tmp_path: Path,
) -> None:
    report = ingest_paths([okrs_csv(tmp_path)], tmp_path / "okr.duckdb", dry_run=True)
    understood = report.understanding
    assert understood is not None and report.ok
    by_cycle = {b.cycle: b for b in understood.structure}
    assert sorted(by_cycle) == ["2026-Q1", "2026-Q2"]
    q1 = by_cycle["2026-Q1"]
    assert (q1.objectives, q1.key_results) == (2, 3)
    assert q1.teams == {"Sales": (1, 2), "Support": (1, 1)}
    assert by_cycle["2026-Q2"].teams == {"Sales": (1, 1)}
    first = understood.samples[0]
    assert (first.objective, first.team, first.cycle) == ("Grow revenue", "Sales", "2026-Q1")
    assert (
        first.key_results == ["Close 20 deals", "Sign 3 partners"] and first.where == "okrs.csv:2"
    )
    assert understood.samples[1].objective == "Happy customers"  # another team's, not Sales'
    assert Fed("okrs.csv", "objectives.title", "C (Objective)") in understood.fed
    assert Fed("okrs.csv", "key_results.current_value", "F (Current)") in understood.fed
    assert understood.not_used == {"okrs.csv": ["Context"]}
    assert understood.loaded == 3 + 4  # objectives and key results


def test_a_cell_that_is_not_a_number_is_set_aside_and_the_key_result_loads_unscored(
    tmp_path: Path,
) -> None:
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([okrs_csv(tmp_path)], db)
    assert report.ok and report.outcome == "loaded", [str(p) for p in report.problems]
    understood = report.understanding
    assert understood is not None and understood.set_aside == 1
    assert understood.set_aside_lines == [
        'okrs.csv:4:F (Current): warning: "Blocked" is not a number (or done/not done): set '
        "aside, loaded without this value (unscored by it)"
    ]
    krs = store_tables(db)["key_results"].set_index("title")
    assert len(krs) == 4
    assert krs.loc["NPS above 50", "current_value"] != krs.loc["NPS above 50", "current_value"]
    assert krs.loc["Close 20 deals", "current_value"] == 5


def test_repeated_set_aside_cells_are_one_line_with_their_rows(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS] + [
        ["2026-Q2", "Support", "Faster answers", f"Answer {i}", 1, "Yes?", ""] for i in range(6)
    ]
    report = ingest_paths([okrs_csv(tmp_path, rows)], tmp_path / "okr.duckdb", dry_run=True)
    understood = report.understanding
    assert understood is not None and understood.set_aside == 7
    assert (
        'okrs.csv: rows 6–11 (6 rows), F (Current): warning: "Yes?" is not a number (or '
        "done/not done): set aside, loaded without this value (unscored by it)"
    ) in understood.set_aside_lines


def test_key_results_without_an_objective_load_under_a_named_holder(tmp_path: Path) -> None:
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items()}
    sheets["KeyResults"][2][1] = "O-gone"  # K2's objective is nowhere
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_xlsx(tmp_path / "okrs.xlsx", sheets)], db)
    assert report.ok and report.outcome == "loaded", [str(p) for p in report.problems]
    holder = "Key results without an objective (okrs.xlsx:KeyResults)"
    assert [str(p) for p in report.problems] == [
        'okrs.xlsx:KeyResults:3:B (objective_id): warning: objective "O-gone" not found: the '
        f'key result is loaded under "{holder}"'
    ]
    tables = store_tables(db)
    objectives = tables["objectives"].set_index("objective_id")
    krs = tables["key_results"].set_index("kr_id")
    assert objectives.loc[krs.loc["K2", "objective_id"], "title"] == holder
    assert objectives.loc[krs.loc["K2", "objective_id"], "cycle_id"] == "2025-Q3"
    assert krs.loc["K1", "objective_id"] == "O1"  # the others stay where they were
    assert report.understanding is not None and report.understanding.set_aside == 1


def test_a_refused_file_still_says_what_was_understood(tmp_path: Path) -> None:
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items()}
    sheets["KeyResults"][2][0] = "K1"  # a duplicate id: an error
    report = ingest_paths([write_xlsx(tmp_path / "okrs.xlsx", sheets)], tmp_path / "okr.duckdb")
    assert not report.ok and report.outcome == "rejected"
    assert report.understanding is not None
    assert [b.cycle for b in report.understanding.structure] == ["Q3 2025"]


REALWORLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "realworld"
KNOWIT = REALWORLD / "knowit-okr-tracker"


@pytest.mark.skipif(not KNOWIT.is_dir(), reason="../shared/realworld is not beside the checkout")
def test_the_okr_tracker_export_is_understood_as_its_tool_counts_it(tmp_path: Path) -> None:
    """Objectives per period and key results in all, as okr-tracker's own data says
    (`truth.json`): active objectives of active periods, active key results."""
    truth = json.loads((KNOWIT / "truth.json").read_text(encoding="utf-8"))
    periods: Counter[str] = Counter()
    for period in truth["per_period"]:
        if not period["archived"] and period["n_active_objectives"]:
            periods[period["name"]] += period["n_active_objectives"]
    objectives = [o for o in truth["per_objective"] if not o["archived"]]
    report = ingest_paths(
        [KNOWIT / "knowit_okrs.xlsx"], tmp_path / "okr.duckdb",
        mapping=KNOWIT / "mapping.toml", dry_run=True,
    )  # fmt: skip
    understood = report.understanding
    assert understood is not None
    assert {b.cycle: b.objectives for b in understood.structure} == dict(periods)
    assert sum(b.key_results for b in understood.structure) == sum(
        o["n_active_key_results"] for o in objectives
    )
