"""The Coach and Owner pages with AppTest: every flag named, the key results behind it, lint
in words, missed check-ins and stale key results, labelled calibration, an owner counted one
way. On the demo company and on a small company built here, where every answer is known."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipelines.store.schema import ENTITY_TABLES
from tests.support.frames import Q1, Q2, dataset, kr, objective
from tests.support.pages import (
    charts,
    frame_with,
    link_id,
    link_text,
    metric,
    open_all,
    open_app,
)
from tests.support.stores import write_store

PEN_TEST = "Work on 13 findings from the penetration test"
Q3 = {"cycle_id": "Q3", "name": "Q3 2026", "start_date": date(2026, 7, 1),
      "end_date": date(2026, 9, 30)}  # fmt: skip
TEN = {"start_value": 0.0, "target_value": 10.0}


@pytest.fixture(scope="module")
def demo_report(demo_store):
    from reporting.cache import load_or_compute

    return load_or_compute(demo_store).report


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sam maxes every key result in Q1 and Q2 (one target at its start); Olga scores 0.1 on
    hers; Nia lands in the sweet spot. Q3 runs, and Sam holds one key result in it."""
    objectives = [
        objective("s1", "Q1", owner="Sam", team_id="t1", title="Sam's first"),
        objective("s2", "Q2", owner="Sam", team_id="t1", title="Sam's second"),
        objective("s3", "Q3", owner="Sam", team_id="t1", title="Sam's running"),
        objective("o1", "Q1", owner="Olga", team_id="t2", title="Olga's first"),
        objective("o2", "Q2", owner="Olga", team_id="t2", title="Olga's second"),
        objective("n1", "Q1", owner="Nia", team_id="t2", title="Nia's first"),
        objective("n2", "Q2", owner="Nia", team_id="t2", title="Nia's second"),
    ]
    krs = [
        kr("s1a", "s1", title="Ship the API", current_value=10.0, **TEN),
        kr("s1b", "s1", title="Keep NPS at 40", kr_type="increase", start_value=40.0,
           target_value=40.0, current_value=41.0),
        kr("s2a", "s2", title="Ship the SDK", current_value=10.0, **TEN),
        kr("s2b", "s2", title="Ship the CLI", current_value=10.0, **TEN),
        kr("s3a", "s3", title="Ship the app", current_value=2.0, **TEN),
        kr("o1a", "o1", title="Win 100 deals", current_value=1.0, **TEN),
        kr("o1b", "o1", title="Open 3 offices", current_value=1.0, **TEN),
        kr("o2a", "o2", title="Win 200 deals", current_value=1.0, **TEN),
        kr("n1a", "n1", title="Hire 10", current_value=6.5, **TEN),
        kr("n1b", "n1", title="Train 10", current_value=6.5, **TEN),
        kr("n2a", "n2", title="Hire 20", current_value=6.5, **TEN),
    ]  # fmt: skip
    data = dataset(objectives, krs, cycles=[Q1, Q2, Q3], as_of=date(2026, 8, 15))
    tables = {t.name: getattr(data, t.name) for t in ENTITY_TABLES if hasattr(data, t.name)}
    path = tmp_path_factory.mktemp("coach") / "small.duckdb"
    return write_store(path, tables, as_of=data.as_of)


def _figure(at, title_starts: str) -> dict:
    return next(c for c in charts(at) if c["layout"]["title"]["text"].startswith(title_starts))


def _labels(figure: dict) -> set[str]:
    return {a["text"] for a in figure["layout"].get("annotations", [])}


# --- every flag named --------------------------------------------------------------------


def test_the_scatter_names_every_flagged_team_and_owner(demo_store, demo_report, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    teams = demo_report.team_patterns
    flagged_teams = set(teams.loc[teams["pattern"].notna(), "team"])
    assert len(flagged_teams) == 4
    assert _labels(_figure(at, "Score patterns by team")) == flagged_teams
    at.radio(key="coach_by").set_value("owner").run()
    owners = set(demo_report.sandbagging()["owner"]) | set(demo_report.over_ambitious()["owner"])
    assert len(owners) == 14  # nine sandbagging, five over-ambitious: none hidden on one dot
    figure = _figure(at, "Score patterns by owner")
    assert _labels(figure) == owners
    flagged_dots = {d[0] for t in figure["data"] if t["name"] != "no flag" for d in t["customdata"]}
    assert flagged_dots == owners
    tables = [link_text(x) for d in at.dataframe[:2] for x in d.value["owner_link"]]
    assert sorted(tables) == sorted(owners)  # each in a table too, linked to their page


def test_each_flag_lists_the_key_results_behind_its_counts(demo_store, demo_report, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    at.radio(key="coach_by").set_value("owner").run()
    owners = demo_report.owner_patterns.set_index("owner")
    sandbaggers = owners[(owners["pattern"] == "sandbagging")
                         & (owners["target_not_beyond_start"] > 0)]  # fmt: skip
    name = str(sandbaggers.index[0])
    expander = next(e for e in at.expander if e.label.startswith(name))
    assert expander.label.endswith(f"{owners.loc[name, 'key_results']} key results judged")
    assert not expander.dataframe  # closed: its table is built and sent once it is opened
    expander = next(e for e in open_all(at).expander if e.label.startswith(name))
    rows = expander.dataframe[0].value
    evidence = demo_report.evidence[demo_report.evidence["owner"] == name]
    assert sorted(rows["title"]) == sorted(evidence["title"])
    at_start = rows["signals"].str.contains("target at or below the start value").sum()
    assert at_start == owners.loc[name, "target_not_beyond_start"]
    assert f"{at_start} target" in owners.loc[name, "evidence"]  # the sentence's own count
    assert set(rows["objective_link"].map(link_id)) == set(evidence["objective_id"])


# --- lint in words, in the right sense -------------------------------------------------------


def test_the_penetration_test_finding_says_it_names_an_activity(demo_store, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    lint = frame_with(at, "reason")
    (finding,) = lint.loc[lint["reason"].str.contains(PEN_TEST), "rule"]
    assert finding == "a key result names an activity, not an outcome"
    assert not lint["rule"].str.contains("-").any()  # no rule id on the page
    rules = at.multiselect(key="lint_rules")
    assert rules.format_func("activity-not-outcome") == finding  # the picker says it in words


# --- missed check-ins and stale key results ----------------------------------------------------


def test_missed_check_ins_are_counted_and_stale_key_results_listed(
    demo_store, demo_report, monkeypatch
):
    at = open_app(demo_store, monkeypatch, page="coach")
    weeks = demo_report.team_discipline[demo_report.team_discipline["cycle_id"] == "2026-Q4"]
    ended = weeks[weeks["week_start"] + pd.Timedelta(days=7)
                  <= pd.Timestamp(demo_report.as_of)]  # fmt: skip
    missed = int((ended["active_krs"] - ended["checked_krs"]).sum())
    assert missed > 0
    assert metric(at, "Check-ins missed") == str(missed)
    heatmap = _figure(at, "Missed check-ins")
    cells = [int(t) for row in heatmap["data"][0]["text"] for t in row if t]
    assert sum(cells) == missed
    stale = demo_report.stale[demo_report.stale["cycle_id"] == "2026-Q4"]
    assert metric(at, "Stale key results") == str(len(stale)) == "13"
    shown = frame_with(at, "days_silent")
    assert sorted(shown["key_result"]) == sorted(stale["title"])
    assert set(shown["objective_link"].map(link_id)) == set(stale["objective_id"])


# --- calibration --------------------------------------------------------------------------------


def test_calibration_points_say_their_bin_and_count(demo_store, demo_report, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    figure = _figure(at, "Confidence against outcome")
    assert "hit = final score ≥ 0.6" in figure["layout"]["title"]["text"]
    curve = demo_report.calibration_curve
    points = next(t for t in figure["data"] if t["name"] == "company, by stated confidence")
    assert points["text"] == [
        f"{b} · {n} KRs" for b, n in zip(curve["bin"], curve["key_results"], strict=True)
    ]
    assert any("final score of 0.6 or more" in c.value.replace("\\", "") for c in at.caption)


# --- a small company where every answer is known ------------------------------------------------


def test_a_small_company_flags_and_names_sam_and_olga(small_store, monkeypatch):
    at = open_app(small_store, monkeypatch, page="coach")
    at.radio(key="coach_by").set_value("owner").run()
    assert _labels(_figure(at, "Score patterns by owner")) == {"Sam", "Olga"}
    sam = next(e for e in open_all(at).expander if e.label.startswith("Sam"))
    rows = sam.dataframe[0].value.set_index("title")
    assert list(rows.index) == ["Keep NPS at 40", "Ship the API", "Ship the CLI", "Ship the SDK"]
    assert str(rows.loc["Keep NPS at 40", "signals"]).startswith("scored 1.0; target at or below")
    assert str(rows.loc["Keep NPS at 40", "objective_link"]).endswith("#Sam%27s%20first")


def test_the_owner_page_counts_one_way_on_a_small_company(small_store, monkeypatch):
    at = open_app(small_store, monkeypatch)
    at.query_params["name"] = "Sam"
    at.switch_page("views/owner.py").run()
    assert not at.exception
    assert metric(at, "Goal-setting pattern") == "sandbagging"
    assert (metric(at, "Cycles"), metric(at, "Key results held"), metric(at, "Key results graded"),
            metric(at, "Judged for the pattern")) == ("3", "5", "5", "4")  # fmt: skip
    bars = _figure(at, "Sam")["data"][0]
    assert list(bars["x"]) == ["Q1", "Q2", "Q3"]
    assert bars["text"] == ["2 of 2 graded", "2 of 2 graded", "1 of 1 graded (running)"]
    held = frame_with(at, "owned_krs")
    assert held["owned_krs"].sum() == 5 and set(held["cycle_id"]) == {"Q1", "Q2", "Q3"}
    assert set(held["role"]) == {"owns the objective"}
    flag_krs = frame_with(at, "signals")
    assert len(flag_krs) == 4  # the judged ones: Q3 is still running


def test_the_owner_page_agrees_with_the_coach_page_on_the_demo(demo_store, demo_report,
                                                                monkeypatch):  # fmt: skip
    owners = demo_report.owner_patterns.set_index("owner")
    name = str(owners.index[owners["pattern"] == "sandbagging"][0])
    at = open_app(demo_store, monkeypatch)
    at.query_params["name"] = name
    at.switch_page("views/owner.py").run()
    judged = metric(at, "Judged for the pattern")
    assert judged == str(owners.loc[name, "key_results"])
    cycles = int(metric(at, "Cycles"))
    bars = _figure(at, name)["data"][0]
    held = frame_with(at, "owned_krs")
    assert cycles == len(bars["x"]) == held["cycle_id"].nunique()
    assert int(metric(at, "Key results held")) == held["owned_krs"].sum()
    theirs = demo_report.key_results[demo_report.key_results["owner"] == name]
    assert int(metric(at, "Key results held")) == len(theirs)
