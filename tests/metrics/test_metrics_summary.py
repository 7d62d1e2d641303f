"""build_summary fills every key docs/cli.md lists from the health report, JSON-ready."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from metrics.config import HealthConfig
from metrics.report import analyse
from metrics.summary import build_summary
from pipelines.store.dataset import Dataset
from tests.support.frames import Q1, Q2, check_in, dataset, kr, objective
from tests.support.stores import small_company

SPEC_KEYS = {
    "cycle",
    "cycles",
    "counts",
    "scores",
    "alignment",
    "flags",
}


def test_small_company_summary_has_every_spec_key():
    tables: dict[str, Any] = small_company()  # Any: Dataset's keyword arguments
    dataset = Dataset(**tables, as_of=date(2026, 3, 31))
    summary = build_summary(dataset, None)
    json.dumps(summary)  # plain JSON types only
    assert set(summary) >= SPEC_KEYS
    assert summary["cycle"] == "2026-Q1" and summary["cycles"] == ["2026-Q1"]
    assert summary["counts"] == {
        "teams": 2,
        "objectives": 3,
        "key_results": 6,
        "check_ins": 2,
        "ungraded_key_results": 1,
    }
    scores = summary["scores"]
    assert scores["kr_mean"] == pytest.approx((0.6 + 0.8 + 2 / 3 + 1 + 1) / 5, abs=1e-4)
    assert scores["objective_mean"] == pytest.approx((0.7 + 5 / 6 + 1) / 3, abs=1e-4)
    assert scores["sweet_spot_share"] == pytest.approx(2 / 5)
    assert scores["bands"] == {"low": 0, "mid": 0, "sweet": 2, "high": 1, "maxed": 2}
    # no company objectives: every department objective is an orphan
    assert summary["alignment"] == {
        "aligned_share": 0.0,
        "orphans": 3,
        "unsupported_top": 0,
        "broken_links": 0,
        "strict_links": 0,
        "directional_links": 0,
        "loops": 0,
    }
    flags = summary["flags"]
    assert flags["sandbagging"] == [] and flags["over_ambitious"] == []
    assert flags["stale_key_results"] == 6  # as of its last day, Q1 is still running
    assert summary["lint"]["by_rule"]["objectives-per-owner"] == 2


def test_flags_carry_owner_and_evidence():
    maxed = {"start_value": 0.0, "target_value": 10.0, "current_value": 10.0}
    ds = dataset(
        [objective("o", owner="Ann", team_id="t1"), objective("p", "Q2", owner="Ann")],
        [kr(f"k{i}", "o", owner="Ann", **maxed) for i in range(3)] + [kr("n", "p", **maxed)],
        [check_in("n", "2026-04-10", 5.0)],
        cycles=[Q1, Q2],
        as_of=date(2026, 5, 1),
    )
    rep = analyse(ds, HealthConfig(min_cycles=1))  # (a flag needs two cycles by default)
    summary = build_summary(ds, None, report=rep)
    assert summary["cycle"] == "Q2"
    assert summary["counts"]["check_ins"] == 1
    assert summary["flags"]["sandbagging"] == [
        {
            "owner": "Ann",
            "evidence": "scored 1.0 on 3 of 3 key results across 1 cycle (mean 1.00)",
            "key_results": 3,
            "cycles": 1,
            "mean_score": 1.0,
        }
    ]
    assert summary["flags"]["sandbagging_teams"][0]["team"] == "Team One"
    assert build_summary(ds, "Q1", report=rep)["counts"]["key_results"] == 3


@pytest.mark.parametrize(
    ("case", "build", "cycle"),
    [
        ("an empty store", lambda: dataset([], [], cycles=[]), None),
        ("objectives only, quarter named but no cycles table",
         lambda: dataset([objective("o", "2026-Q1")], [], cycles=[]), "2026-Q1"),
        ("no check-ins and no teams",
         lambda: dataset([objective("o")], [kr("k", "o", current_value=3.0)], teams=[]), "Q1"),
    ],
)  # fmt: skip
def test_sparse_stores_still_summarise(case, build, cycle):
    ds = build()
    summary = build_summary(ds, report=analyse(ds))
    json.dumps(summary)
    assert summary["cycle"] == cycle, case
    assert set(summary) >= SPEC_KEYS
