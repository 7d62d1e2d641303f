"""The Overview page, run by Streamlit's AppTest against a real store file: its tiles, its
verdict (counts equal the store's by the status rule, docs/metrics.md, "Status: one verdict
per unit") and one scope per chart."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.text import md
from metrics.progress.status import STATUSES
from metrics.scores.bands import band_counts, band_labels
from reporting.cache import load_or_compute
from tests.support.pages import chart_titled, metric, open_app, plotly_values
from tests.support.stores import write_store
from tests.support.verdict_store import AS_OF, KNOWN, verdict_company, verdict_store

COUNT = re.compile(r"\*\*(\d+)\*\* (on track|behind|at risk|not started|done)")


def verdict_counts(at) -> list[dict[str, int]]:
    """The counts the verdict shows: [objectives, key results], every status present."""
    body = next(m.value for m in at.markdown if "objectives**:" in m.value)
    lines = body.split("\n")
    found = []
    for prefix in ("objectives**", "key results**"):
        line = next(li for li in lines if prefix in li)
        shown = {status: int(n) for n, status in COUNT.findall(line)}
        found.append({s: shown.get(s, 0) for s in STATUSES})
    return found


def by_rule(frame: pd.DataFrame) -> dict[str, int]:
    """Counts per `status`, computed from the report directly."""
    counts = frame["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def test_overview_shows_the_scores_of_the_store(small_store, monkeypatch):
    at = open_app(small_store, monkeypatch)
    assert metric(at, "Key-result score (mean)") == "0.81"  # (0.6+0.8+0.667+1+1)/5
    assert metric(at, "Objective score (mean)") == "0.84"  # (0.7+0.833+1)/3
    assert metric(at, "In the sweet spot") == "40%"
    assert metric(at, "Key results graded") == "5/6"
    spec = chart_titled(at, "Key-result scores")
    counts = {t["name"]: sum(plotly_values(t["y"])) for t in spec["data"]}
    counts = {name: n for name, n in counts.items() if n}
    assert counts == {"Sweet spot (0.6–0.7)": 2, "High (0.7–1.0)": 1, "Maxed (1.0)": 2}
    shapes = spec["layout"]["shapes"]
    assert any(s["x0"] == 0.6 and s["x1"] == 0.7 for s in shapes), "sweet spot band drawn"


def test_department_filter_narrows_the_numbers(small_store, monkeypatch):
    at = open_app(small_store, monkeypatch)
    at.sidebar.selectbox(key="department").set_value("Sales").run()
    assert not at.exception
    assert metric(at, "Key-result score (mean)") == "0.70"
    assert metric(at, "Objectives") == "1"


def test_empty_store_explains_how_to_load_data(tmp_path, monkeypatch):
    from pipelines.store.connection import open_store

    with open_store(tmp_path / "empty.duckdb"):
        pass
    at = open_app(tmp_path / "empty.duckdb", monkeypatch)
    assert "okr-health demo" in at.info[0].value


def test_the_verdict_on_a_store_whose_statuses_are_known(tmp_path: Path, monkeypatch):
    at = open_app(verdict_store(tmp_path / "verdict.duckdb"), monkeypatch)
    objectives, key_results = verdict_counts(at)
    assert objectives == KNOWN and key_results == KNOWN  # one key result per objective
    heading = next(m.value for m in at.markdown if m.value.startswith("####"))
    assert heading.startswith("#### The company is on track: heading for 0\\.65")
    said = next(m.value for m in at.markdown if "expected by now" in m.value)
    # 45 of 89 days gone (0.51) × 0.6: a unit heading for the sweet spot has 0.30 by now
    assert "Objective score now **0.36**, expected by now **0.30**" in said
    departments = chart_titled(at, "Departments")
    bars = {t["name"]: list(t["y"]) for t in departments["data"] if t["type"] == "bar"}
    assert bars == {"on track": ["Sales"], "behind": ["Ops"]}
    assert departments["layout"]["yaxis"]["categoryarray"] == ["Sales", "Ops"]  # Ops on top
    behind = next(t for t in departments["data"] if t["name"] == "behind")
    assert list(behind["text"]) == ["1 at risk"]


def test_the_verdict_of_a_department_is_its_own(tmp_path: Path, monkeypatch):
    at = open_app(verdict_store(tmp_path / "verdict.duckdb"), monkeypatch)
    at.sidebar.selectbox(key="department").set_value("Ops").run()
    objectives, _ = verdict_counts(at)
    assert objectives == {"on track": 0, "behind": 0, "at risk": 1, "not started": 1, "done": 1}
    heading = next(m.value for m in at.markdown if m.value.startswith("####"))
    assert heading.startswith("#### Ops is behind: heading for 0\\.55")


def test_the_verdict_says_what_the_last_import_changed(tmp_path: Path, monkeypatch):
    db = verdict_store(tmp_path / "verdict.duckdb")
    at = open_app(db, monkeypatch)
    assert "No earlier import to compare the counts with." in [c.value for c in at.caption]
    # o-behind moves from 25 to 45 (heading ≈ 0.89: on track); o-idle gets 30 (≈ 0.59: behind)
    write_store(db, verdict_company({"o-behind": 45.0, "o-idle": 30.0}), as_of=AS_OF)
    at = open_app(db, monkeypatch)
    line = next(c.value for c in at.caption if c.value.startswith("Since "))
    assert re.match(r"Since the import of \d{1,2} [A-Z][a-z]{2} \d{4} \(objectives", line), line
    assert line.endswith("on track 1 → 2, not started 1 → 0.")
    assert verdict_counts(at)[0] == {"on track": 2, "behind": 1, "at risk": 1, "not started": 0,
                                     "done": 1}  # fmt: skip


@pytest.mark.parametrize("department", [None, "Marketing"])
def test_the_verdict_counts_equal_the_stores_by_the_status_rule(demo_store, monkeypatch,
                                                                 department):  # fmt: skip
    report = load_or_compute(demo_store).report
    cycle = "2026-Q4"  # the demo's running cycle, the one the Overview opens on
    objectives = report.objectives[report.objectives["cycle_id"] == cycle]
    if department:
        objectives = objectives[objectives["department"] == department]
    key_results = report.key_results[report.key_results["objective_id"].isin(
        objectives["objective_id"])]  # fmt: skip
    at = open_app(demo_store, monkeypatch)
    if department:
        at.sidebar.selectbox(key="department").set_value(department).run()
    shown_objectives, shown_key_results = verdict_counts(at)
    assert shown_objectives == by_rule(objectives)
    assert shown_key_results == by_rule(key_results)
    assert sum(shown_objectives.values()) == len(objectives) > 0


def test_with_marketing_chosen_every_trend_draws_marketing(demo_store, monkeypatch):
    report = load_or_compute(demo_store).report
    marketing = report.objectives[report.objectives["department"] == "Marketing"]
    at = open_app(demo_store, monkeypatch)
    at.sidebar.selectbox(key="department").set_value("Marketing").run()
    trend = chart_titled(at, "Objective score: Marketing")
    measured, forecast = trend["data"]
    finished = marketing[marketing["cycle_id"] != "2026-Q4"].groupby("cycle_id")["score"].mean()
    assert dict(zip(measured["x"], plotly_values(measured["y"]), strict=True)) == pytest.approx(
        finished.to_dict()
    )
    assert "forecast" in forecast["name"] and forecast["line"]["dash"] == "dash"
    running = marketing[marketing["cycle_id"] == "2026-Q4"]["heading"].mean()
    assert list(forecast["x"])[-1] == "2026-Q4"
    assert plotly_values(forecast["y"])[-1] == pytest.approx(running)
    teams = chart_titled(at, "Objective score by team: Marketing")
    names = {t["name"] for t in teams["data"]}
    in_marketing = set(marketing["team"].dropna())
    assert names and {n.removesuffix(" forecast") for n in names} <= in_marketing
    departments = chart_titled(at, "Teams of Marketing")
    shown = {y for t in departments["data"] if t["type"] == "bar" for y in t["y"]}
    assert shown == set(marketing.loc[marketing["cycle_id"] == "2026-Q4", "team"].dropna())


def test_a_finished_cycle_is_counted_by_final_band(demo_store, monkeypatch):
    report = load_or_compute(demo_store).report
    q3 = report.objectives[report.objectives["cycle_id"] == "2026-Q3"]
    at = open_app(demo_store, monkeypatch)
    at.sidebar.selectbox(key="cycle").set_value("2026-Q3").run()
    body = next(m.value for m in at.markdown if "by final band" in m.value)
    assert body.startswith(f"#### The company: 2026\\-Q3 is over, objective score "
                           f"{q3['score'].mean():.2f}".replace(".", "\\."))  # fmt: skip
    line = next(li for li in body.split("\n") if li.startswith("Objectives by final band"))
    shown = {label: int(n) for n, label in re.findall(r"\*\*(\d+)\*\* ([^·]+?)(?: ·|  $|$)", line)}
    labels = band_labels()
    expected = {md(labels[b]): n for b, n in band_counts(q3["score"]).items() if n}
    assert shown == expected
