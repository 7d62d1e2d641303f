"""The health engine on the demo company finds exactly what the generator planted.

The store goes through DuckDB (the session's demo store), so these tests also hold the
metrics to the types the store hands back.
"""

from __future__ import annotations

import pandas as pd
import pytest

from demo_company.generate import DemoTruth, generate_demo
from metrics.report import HealthReport, analyse
from metrics.summary import build_summary
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset


@pytest.fixture(scope="module")
def truth() -> DemoTruth:
    return generate_demo().truth


@pytest.fixture(scope="module")
def demo_dataset(demo_store) -> Dataset:
    with open_store(demo_store, read_only=True) as conn:
        return read_dataset(conn)


@pytest.fixture(scope="module")
def demo(demo_dataset) -> HealthReport:
    return analyse(demo_dataset)


@pytest.mark.parametrize(
    ("pattern", "by", "column", "planted"),
    [
        ("sandbagging", "team", "team_id", "sandbagging_teams"),
        ("over-ambitious", "team", "team_id", "over_ambitious_teams"),
        ("sandbagging", "owner", "owner", "sandbagging_owners"),
        ("over-ambitious", "owner", "owner", "over_ambitious_owners"),
    ],
)
def test_flags_are_exactly_the_planted_teams_and_owners(demo, truth, pattern, by, column, planted):
    frame = demo.team_patterns if by == "team" else demo.owner_patterns
    flagged = frame[frame["pattern"] == pattern]
    assert set(flagged[column]) == set(getattr(truth, planted))
    assert flagged["evidence"].str.contains(" of ").all()
    assert (flagged["key_results"] >= 3).all()


def test_flag_evidence_reads_as_a_coach_would_say_it(demo):
    sandbaggers = demo.sandbagging("team")
    assert (
        sandbaggers["evidence"]
        .str.match(
            r"scored 1\.0 on \d+ of \d+ key results across \d+ cycles \(mean \d\.\d\d\); "
            r"\d+ were reached in the first third of the cycle"
        )
        .all()
    )
    over = demo.over_ambitious("team")
    assert over["evidence"].str.match(r"scored below 0\.4 on \d+ of \d+ key results").all()
    assert over["evidence"].str.contains("barely moved").all()


def test_alignment_matches_the_plant(demo, truth):
    links = demo.links
    assert set(links.loc[links["broken"], "objective_id"]) == truth.broken_link_objective_ids
    assert set(links.loc[links["status"] == "orphan", "objective_id"]) == (
        truth.orphan_objective_ids
    )
    assert set(links.loc[links["unsupported_top"], "objective_id"]) == (
        truth.unsupported_top_objective_ids
    )
    assert demo.loops == []


def test_stale_key_results(demo, truth):
    """The generator's truth lists key results whose check-ins stopped; the metric also
    counts running key results never checked in (docs/metrics.md, "Check-ins": no check-in for 14
    days), which in the demo are exactly its ungraded key results of the running quarter."""
    stale = demo.stale.set_index("kr_id")
    checked_before = stale[stale["last_check_in_at"].notna()]
    assert set(checked_before.index) == truth.stale_kr_ids
    never = set(stale.index[stale["last_check_in_at"].isna()])
    running = set(demo.key_results.loc[demo.key_results["cycle_state"] == "running", "kr_id"])
    assert never == truth.ungraded_kr_ids & running


def test_key_result_classes_match_the_plant(demo, truth):
    krs = demo.key_results
    assert set(krs.loc[krs["strict_linked"], "kr_id"]) == truth.strict_link_kr_ids
    # planted with no data: ungraded, or at their start when numeric (no check-in yet)
    unscored = krs["score"].isna() | (krs["score_source"] == "no check-in yet")
    assert set(krs.loc[unscored, "kr_id"]) == truth.ungraded_kr_ids
    unrecorded = krs.set_index("kr_id").loc[sorted(truth.unrecorded_baseline_kr_ids), "score"]
    assert (unrecorded == 0.0).all()
    manual = krs.set_index("kr_id").loc[sorted(truth.manual_score_kr_ids), "score_source"]
    assert (manual == "manual").all()
    zone = krs[krs["team_id"] == truth.zone_grading_team]
    assert (zone["score_source"] == "grade").mean() > 0.5


@pytest.mark.parametrize(
    ("rule", "planted"),
    [
        ("activity-not-outcome", "activity_kr_ids"),
        ("missing-start", "missing_start_kr_ids"),
        ("krs-per-objective", "single_kr_objective_ids"),
        ("objectives-per-owner", "busy_owners"),
    ],
)
def test_lint_finds_the_planted_writing_problems(demo, truth, rule, planted):
    found = demo.lint[demo.lint["rule"] == rule]
    assert set(found["id"]) == set(getattr(truth, planted))
    assert found["reason"].str.len().gt(20).all()


def test_the_overconfident_team_has_the_worst_calibration(demo, truth):
    calibration = demo.calibration.sort_values("brier", ascending=False)
    assert calibration["team_id"].iloc[0] == truth.overconfident_team
    assert calibration["overconfidence"].iloc[0] > 0.5


def test_forecast_error_is_measured_on_the_finished_quarters(demo):
    errors = demo.forecast_error.set_index("cycle_id")
    assert list(errors.index) == ["2026-Q1", "2026-Q2", "2026-Q3", "all"]
    assert (errors["key_results"] > 100).all()
    assert (errors["mae"] < errors["carried_mae"]).all()  # the trend beats carrying
    assert errors.loc["all", "mae"] < 0.3


def test_trends_cover_every_quarter_and_department(demo):
    trends = demo.trends.set_index("cycle_id")
    assert list(trends.index) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert (
        trends[["kr_mean", "objective_mean", "aligned_share", "check_in_share"]]
        .notna()
        .all(axis=None)
    )
    assert trends.loc["2026-Q4", "sandbagging_owners"] is pd.NA  # running: not judged
    assert (trends.loc["2026-Q1":"2026-Q3", "sandbagging_owners"] > 0).all()
    departments = demo.department_trends
    assert departments.groupby("cycle_id").size().eq(6).all()


def test_status_of_the_running_quarter(demo):
    """Every running key result has one status; only those with nothing recorded are "not
    started"; finished cycles have none."""
    running = demo.key_results[demo.key_results["cycle_state"] == "running"]
    assert running["status"].notna().all()
    assert set(running["status"]) <= {"on track", "behind", "at risk", "not started", "done"}
    nothing_recorded = running["score"].isna() | (running["score_source"] == "no check-in yet")
    assert set(running.loc[running["status"] == "not started", "kr_id"]) == set(
        running.loc[nothing_recorded, "kr_id"]
    )
    finished = demo.key_results[demo.key_results["cycle_state"] == "finished"]
    assert finished["status"].isna().all()


def test_tree_is_drawable(demo):
    tree = demo.tree[demo.tree["cycle_id"] == "2026-Q4"]
    assert tree["id"].is_unique
    assert set(tree["parent"]) - {""} <= set(tree["id"])
    assert (tree["parent"] == "").sum() == 1  # the company
    root = tree[tree["parent"] == ""].iloc[0]
    assert root["value"] == (tree["kind"] == "objective").sum()


def test_summary_reports_the_flags_with_evidence(demo_dataset, demo, truth):
    summary = build_summary(demo_dataset, report=demo)
    assert summary["cycle"] == "2026-Q4"
    assert {f["owner"] for f in summary["flags"]["sandbagging"]} == truth.sandbagging_owners
    assert {f["owner"] for f in summary["flags"]["over_ambitious"]} == (truth.over_ambitious_owners)
    assert {f["team_id"] for f in summary["flags"]["sandbagging_teams"]} == (
        truth.sandbagging_teams
    )
    assert all(f["evidence"].startswith("scored 1.0 on") for f in summary["flags"]["sandbagging"])
    assert summary["flags"]["stale_key_results"] == len(demo.stale)
    q2 = build_summary(demo_dataset, "2026-Q2", report=demo)
    assert q2["alignment"]["broken_links"] == 1
    assert q2["flags"]["stale_key_results"] == 0
