"""One verdict, said the same everywhere (docs/metrics.md, "Status: one verdict per unit").

The demo company's running quarter is judged here again from the rule as the docs write it,
independently of `metrics/progress/status.py`, and every surface that states a status — the
report's frames, the summary, the Overview's verdict, the Objective page's tile — must agree
with it for the same objective.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.report import HealthReport, analyse
from metrics.summary import build_summary
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset

RUNNING = "2026-Q4"
SWEET_LOW, LOW_BELOW = 0.6, 0.4  # the default sweet spot 0.6–0.7 and the low band under 0.4


def status_by_the_docs(score: float, heading: float, started: bool) -> str:
    """The five words of docs/metrics.md, in the order the docs give them."""
    if not started or np.isnan(score):
        return "not started"
    if score >= 1.0 - 1e-9:
        return "done"
    if heading >= SWEET_LOW - 1e-9:
        return "on track"
    if heading >= LOW_BELOW - 1e-9:
        return "behind"
    return "at risk"


@pytest.fixture(scope="module")
def demo(demo_store: Path) -> tuple[HealthReport, dict]:
    with open_store(demo_store, read_only=True) as conn:
        dataset = read_dataset(conn)
    report = analyse(dataset)
    return report, build_summary(dataset, cycle=RUNNING, report=report)


def elapsed_share(report: HealthReport) -> float:
    shares = report.calendar.set_index("cycle_id")["elapsed_share"].astype("float64")
    return float(shares[RUNNING])


def key_result_headings(report: HealthReport) -> pd.DataFrame:
    """Each running key result's heading as the docs define it: its forecast when its
    check-ins trend, else score ÷ elapsed share (at least a tenth of the cycle), at most 1."""
    krs = report.key_results[report.key_results["cycle_id"] == RUNNING].copy()
    elapsed = elapsed_share(report)
    straight = (krs["score"] / max(elapsed, 0.1)).clip(upper=1.0)
    krs["docs_heading"] = np.where(krs["forecast_method"] == "trend", krs["forecast"], straight)
    krs["started"] = krs["score"].notna() & (krs["score_source"] != "no check-in yet")
    return krs


def test_every_key_result_and_objective_has_the_status_the_docs_give(demo) -> None:
    report, _ = demo
    krs = key_result_headings(report)
    by_docs = [
        status_by_the_docs(s, h, st)
        for s, h, st in zip(krs["score"], krs["docs_heading"], krs["started"], strict=True)
    ]
    assert krs["status"].tolist() == by_docs
    assert set(by_docs) >= {"on track", "behind", "at risk"}  # the demo exercises the rule

    started = krs[krs["started"]]
    weighted = (started["docs_heading"] * started["weight"]).groupby(started["objective_id"]).sum()
    heading = weighted / started["weight"].groupby(started["objective_id"]).sum()
    objectives = report.objectives[report.objectives["cycle_id"] == RUNNING]
    expected = [
        status_by_the_docs(score, heading.get(oid, np.nan), oid in heading.index)
        for oid, score in zip(objectives["objective_id"], objectives["score"], strict=True)
    ]
    assert objectives["status"].tolist() == expected
    assert objectives["heading"].to_numpy() == pytest.approx(
        heading.reindex(objectives["objective_id"]).to_numpy(), nan_ok=True
    )


def test_expected_by_now_is_stated_against_the_sweet_spot(demo) -> None:
    report, numbers = demo
    elapsed = elapsed_share(report)
    objectives = report.objectives[report.objectives["cycle_id"] == RUNNING]
    assert objectives["expected"].to_numpy() == pytest.approx(elapsed * SWEET_LOW)
    assert numbers["status"]["expected"] == pytest.approx(round(elapsed * SWEET_LOW, 4), abs=1e-4)


def test_the_summary_counts_what_the_report_says(demo) -> None:
    report, numbers = demo
    objectives = report.objectives[report.objectives["cycle_id"] == RUNNING]
    krs = report.key_results[report.key_results["cycle_id"] == RUNNING]
    assert numbers["status"]["objectives"] == {
        s: int((objectives["status"] == s).sum())
        for s in ("on track", "behind", "at risk", "not started", "done")
    }
    assert numbers["status"]["key_results"] == {
        s: int((krs["status"] == s).sum())
        for s in ("on track", "behind", "at risk", "not started", "done")
    }
    assert sum(numbers["status"]["objectives"].values()) == len(objectives)


@pytest.fixture(scope="module")
def one_of_each(demo) -> pd.DataFrame:
    """One running objective of each status the demo has (the first by id)."""
    report, _ = demo
    running = report.objectives[report.objectives["cycle_id"] == RUNNING]
    return running.sort_values("objective_id").drop_duplicates("status")


def test_the_objective_page_states_the_same_status(demo_store, monkeypatch, one_of_each) -> None:
    from tests.support.pages import metric, open_app

    assert len(one_of_each) >= 4  # on track, behind, at risk, done at least
    for objective in one_of_each.itertuples(index=False):
        at = open_app(demo_store, monkeypatch)
        at.query_params["id"] = objective.objective_id
        at.switch_page("views/objective.py").run()
        assert not at.exception, at.exception
        assert metric(at, "Status") == objective.status, objective.objective_id


def test_the_overview_counts_what_the_report_says(demo_store, monkeypatch, demo) -> None:
    from tests.support.pages import open_app

    report, _ = demo
    objectives = report.objectives[report.objectives["cycle_id"] == RUNNING]
    at = open_app(demo_store, monkeypatch)
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    for status, count in objectives["status"].value_counts().items():
        assert (
            f"{count} {status}" in shown
            or f"{status}: {count}" in shown
            or (f"{status} {count}" in shown)
        ), (status, count)


def test_the_closing_pack_and_the_brief_name_the_same_objectives(demo_store, demo) -> None:
    from exports.closing_pack import build_closing_pack
    from reporting.brief.compose import compose_brief
    from reporting.brief.model import Scope

    report, _ = demo
    with open_store(demo_store, read_only=True) as conn:
        dataset = read_dataset(conn)
    engineering = report.objectives[
        (report.objectives["cycle_id"] == RUNNING)
        & (report.objectives["department"] == "Engineering")
    ]
    off = engineering[engineering["status"].isin(["behind", "at risk"])]
    pack = build_closing_pack(dataset, RUNNING, "engineering", report)
    listed = pack.off_track.set_index("objective_id")["status"].to_dict()
    assert listed == off.set_index("objective_id")["status"].to_dict()

    brief = compose_brief(report, Scope(RUNNING, department="Engineering"))
    attention = brief.section("attention")
    assert attention is not None
    named = [title for title, _ in attention.links()]
    worst = off.assign(rank=off["status"].map({"at risk": 0, "behind": 1}))
    worst = worst.sort_values(["rank", "heading", "score", "title"], kind="stable")
    assert named == worst["title"].head(len(named)).tolist()
