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
