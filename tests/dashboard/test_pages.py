"""Every page of the dashboard with AppTest on a real store: the numbers a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo_company.generate import generate_demo
from metrics.scores.rollups import team_lineage
from metrics.scores.scoring import score_all
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from tests.support.pages import (
    chart_titled,
    charts,
    link_id,
    link_text,
    metric,
    open_app,
    plotly_values,
)

VIEWS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "dashboard" / "views").glob(
    "[a-z]*.py"))  # fmt: skip
HEADINGS = {"overview": "Overview", "alignment": "Alignment", "coach": "Coach",
            "closing": "Closing meeting", "data": "Data", "objective": "Objective",
            "owner": "Owner"}  # fmt: skip


@pytest.fixture(scope="module")
def truth():
    return generate_demo().truth


@pytest.fixture(scope="module")
def demo_scores(demo_store):
    with open_store(demo_store, read_only=True) as conn:
        dataset = read_dataset(conn)
    scores = score_all(dataset.objectives, dataset.key_results, dataset.check_ins)
    lineage = team_lineage(dataset.teams)[["team_id", "department_id", "department"]]
    return dataset, scores.key_results, scores.objectives.merge(lineage, on="team_id")


def test_every_page_is_registered():
    app = (Path(__file__).resolve().parents[2] / "dashboard" / "app.py").read_text()
    assert set(VIEWS) == set(HEADINGS)
    for view in VIEWS:
        assert f'"{view}.py"' in app


@pytest.mark.parametrize("view", VIEWS)
def test_every_page_runs_on_the_demo(demo_store, monkeypatch, view):
    at = open_app(demo_store, monkeypatch, page=view)
    assert at.title[0].value == HEADINGS[view]


@pytest.mark.parametrize("view", [v for v in VIEWS if v != "data"])
def test_every_page_explains_an_empty_store(tmp_path, monkeypatch, view):
    with open_store(tmp_path / "empty.duckdb"):
        pass
    at = open_app(tmp_path / "empty.duckdb", monkeypatch, page=view)
    assert "okr-health demo" in at.info[0].value


def test_overview_numbers_match_the_scores(demo_store, demo_scores, monkeypatch):
    _, krs, objectives = demo_scores
    at = open_app(demo_store, monkeypatch)
    q4 = krs[krs["cycle_id"] == "2026-Q4"]
    assert metric(at, "Key-result score (mean)") == f"{q4['score'].mean():.2f}"
    assert metric(at, "Key results graded") == f"{q4['score'].notna().sum()}/{len(q4)}"
    histogram = chart_titled(at, "Key-result scores")
    assert sum(sum(plotly_values(t["y"])) for t in histogram["data"]) == q4["score"].notna().sum()
    departments = chart_titled(at, "Departments")
    bars = [t for t in departments["data"] if t["type"] == "bar"]  # one trace per status
    shown = {y: x for t in bars for y, x in zip(t["y"], plotly_values(t["x"]), strict=True)}
    expected = objectives[objectives["cycle_id"] == "2026-Q4"].groupby("department")["score"]
    assert shown == pytest.approx(expected.mean().to_dict())


def test_overview_cycle_filter_changes_the_numbers(demo_store, demo_scores, monkeypatch):
    _, krs, _ = demo_scores
    at = open_app(demo_store, monkeypatch)
    at.sidebar.selectbox(key="cycle").set_value("2026-Q1").run()
    q1 = krs[krs["cycle_id"] == "2026-Q1"]
    assert metric(at, "Key-result score (mean)") == f"{q1['score'].mean():.2f}"
    assert "Key results at 1.0" in [m.label for m in at.metric]  # a finished cycle


def test_filters_hold_across_pages(demo_store, demo_scores, monkeypatch):
    _, _, objectives = demo_scores
    at = open_app(demo_store, monkeypatch)
    at.sidebar.selectbox(key="department").set_value("Sales").run()
    at.switch_page("views/alignment.py").run()
    assert at.sidebar.selectbox(key="department").value == "Sales"
    tree = next(c for c in charts(at) if c["data"][0]["type"] == "treemap")["data"][0]
    assert tree["labels"][tree["ids"].index("root")] == "Sales · 2026-Q4"
    drawn = {i.removeprefix("objective/") for i in tree["ids"] if i.startswith("objective/")}
    sales = objectives[
        (objectives["cycle_id"] == "2026-Q4") & (objectives["department"] == "Sales")
    ]
    assert drawn == set(sales["objective_id"])


def test_coach_flags_the_teams_built_to_misjudge_their_goals(demo_store, truth, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    sandbagging, over_ambitious = at.dataframe[0].value, at.dataframe[1].value
    with open_store(demo_store, read_only=True) as conn:
        names = read_dataset(conn).teams.set_index("team_id")["name"]
    assert set(sandbagging["team_link"].map(link_text)) == {
        names[t] for t in truth.sandbagging_teams
    }
    assert set(over_ambitious["team_link"].map(link_text)) == {
        names[t] for t in truth.over_ambitious_teams
    }
    assert sandbagging["evidence"].str.contains("scored 1.0 on").all()
    at.radio(key="coach_by").set_value("owner").run()
    owners = at.dataframe[0].value["owner_link"].map(link_text)
    assert set(owners) == set(truth.sandbagging_owners)


def test_coach_lists_stale_key_results(demo_store, truth, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    stale_heading = next(m.value for m in at.markdown if "Stale key results" in m.value)
    # Never checked in counts as stale too: silence since the start is the worst case.
    expected = len(truth.stale_kr_ids | truth.ungraded_kr_ids)
    assert f"Stale key results: {expected}**" in stale_heading


def test_alignment_counts_the_broken_link(demo_store, truth, monkeypatch):
    with open_store(demo_store, read_only=True) as conn:
        objectives = read_dataset(conn).objectives.set_index("objective_id")
    (broken,) = truth.broken_link_objective_ids
    at = open_app(demo_store, monkeypatch)
    at.sidebar.selectbox(key="cycle").set_value(objectives.at[broken, "cycle_id"]).run()
    at.switch_page("views/alignment.py").run()
    assert metric(at, "Broken links") == "1"
    broken_table = next(df.value for df in at.dataframe if "parent_id" in df.value.columns)
    assert list(broken_table["objective_link"].map(link_text)) == [objectives.at[broken, "title"]]
    assert list(broken_table["objective_link"].map(link_id)) == [broken]
    orphans = {
        o
        for o in truth.orphan_objective_ids
        if objectives.at[o, "cycle_id"] == objectives.at[broken, "cycle_id"]
    }
    assert metric(at, "Orphans") == str(len(orphans))


def test_closing_meeting_shows_the_department_scorecard(demo_store, demo_scores, monkeypatch):
    _, _, objectives = demo_scores
    at = open_app(demo_store, monkeypatch)
    at.sidebar.selectbox(key="cycle").set_value("2026-Q3").run()
    at.switch_page("views/closing.py").run()
    at.selectbox(key="closing_unit").set_value("sales").run()
    assert not at.exception
    sales = objectives[(objectives["cycle_id"] == "2026-Q3")
                       & (objectives["department_id"] == "sales")]  # fmt: skip
    assert metric(at, "Mean objective score") == f"{sales['score'].mean():.2f}"
    scorecard = at.dataframe[0].value
    assert len(scorecard) == len(sales)
    assert sorted(scorecard["score"].round(4)) == sorted(sales["score"].round(4))
    assert set(scorecard["objective_link"].map(link_id)) == set(sales["objective_id"])
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download Excel", "Download HTML page"]


def test_alignment_lists_every_objective_as_a_link(demo_store, demo_scores, monkeypatch):
    _, _, objectives = demo_scores
    at = open_app(demo_store, monkeypatch, page="alignment")
    listed = next(df.value for df in at.dataframe if "kr_count" in df.value.columns)
    q4 = objectives[objectives["cycle_id"] == "2026-Q4"]
    assert sorted(listed["objective_link"].map(link_id)) == sorted(q4["objective_id"])
    assert all(link.startswith("objective?id=") for link in listed["objective_link"])
