"""The DuckDB limit report Monday's benchmark divides by computes the product's figures: the
same scores, objective and team means, alignment shares and forecasts, on a store of every
kind of key result and score source written here, and on the demo company."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.limit_report import compare, limit_report
from reporting.cache import load_or_compute
from tests.support.stores import canonical, write_store

AS_OF = date(2026, 2, 15)


def _kr(kr_id: str, objective: str, **values: object) -> dict[str, object]:
    return {"kr_id": kr_id, "objective_id": objective, "title": f"Key result {kr_id}", **values}


def _objective(objective_id: str, team: str, **values: object) -> dict[str, object]:
    return {"objective_id": objective_id, "cycle_id": "2026-Q1", "title": objective_id,
            "team_id": team, "owner": "Ana", "level": "team", **values}  # fmt: skip


def every_source() -> dict[str, pd.DataFrame]:
    """One cycle; key results of every type, scored from every source the rules name."""
    day = pd.Timestamp
    return {
        "cycles": canonical(
            "cycles",
            [
                {
                    "cycle_id": "2026-Q1",
                    "name": "Q1 2026",
                    "start_date": date(2026, 1, 1),
                    "end_date": date(2026, 3, 31),
                }
            ],
        ),  # fmt: skip
        "teams": canonical(
            "teams",
            [
                {"team_id": "co", "name": "Co", "level": "company"},
                {"team_id": "red", "name": "Red", "parent_team_id": "co", "level": "team"},
                {"team_id": "blue", "name": "Blue", "parent_team_id": "co", "level": "team"},
            ],
        ),  # fmt: skip
        "objectives": canonical(
            "objectives",
            [
                _objective("top", "co", level="company"),
                _objective("o1", "red", parent_objective_id="top"),
                _objective("o2", "red", parent_kr_id="top-kr"),  # strict link up to top-kr
                _objective("o3", "blue", parent_objective_id="nowhere"),  # a broken link
                _objective("o4", "blue", weight=2.0),
            ],
        ),  # fmt: skip
        "key_results": canonical(
            "key_results",
            [
                _kr("top-kr", "top", start_value=0.0, target_value=10.0),  # no check-in: linked
                _kr("inc", "o1", start_value=100.0, target_value=110.0, current_value=101.0),
                _kr("dec", "o1", start_value=5.0, target_value=2.0, weight=3.0),
                _kr(
                    "range-out",
                    "o2",
                    kr_type="range",
                    start_value=50.0,
                    range_low=70.0,
                    range_high=80.0,
                ),
                _kr("milestone", "o2", kr_type="Milestone "),  # checked in, no value: 0
                _kr("manual", "o3", start_value=0.0, target_value=10.0, manual_score=0.35),
                _kr("graded", "o3", start_value=0.0, target_value=10.0),  # grade after value
                _kr("reported", "o4", reported_progress=0.45),
                _kr("baseline", "o4", kr_type="baseline"),  # ungraded: no value at all
                _kr(
                    "wrong-side",
                    "o4",
                    start_value=10.0,
                    target_value=8.0,
                    kr_type="increase",
                    current_value=7.0,
                ),
                _kr("at-start", "o4", start_value=5.0, target_value=2.0),  # no check-in yet
            ],
        ),  # fmt: skip
        "check_ins": canonical(
            "check_ins",
            [
                {"kr_id": "inc", "checked_at": day("2026-01-08 09:00"), "value": 102.0},
                {"kr_id": "inc", "checked_at": day("2026-01-22 09:00"), "value": 104.0},
                {"kr_id": "inc", "checked_at": day("2026-02-05 09:00"), "value": 107.0},
                {"kr_id": "inc", "checked_at": day("2026-02-20 09:00"), "value": 110.0},  # later
                {"kr_id": "dec", "checked_at": day("2026-01-15 09:00"), "value": 4.0},
                {"kr_id": "dec", "checked_at": day("2026-02-01 09:00"), "value": 3.5},
                {"kr_id": "range-out", "checked_at": day("2026-02-01 09:00"), "value": 62.0},
                {"kr_id": "milestone", "checked_at": day("2026-02-01 09:00"), "confidence": 0.5},
                {"kr_id": "graded", "checked_at": day("2026-01-20 09:00"), "value": 9.0},
                {"kr_id": "graded", "checked_at": day("2026-02-10 09:00"), "grade": 0.3},
            ],
        ),  # fmt: skip
    }


def test_limit_report_scores_every_source_as_the_product_does(tmp_path: Path) -> None:
    db = write_store(tmp_path / "every.duckdb", every_source(), as_of=AS_OF)
    limit = limit_report(db)
    scores = dict(zip(limit.key_results["kr_id"].to_pylist(),
                      limit.key_results["score"].to_pylist(), strict=True))  # fmt: skip
    # docs/scoring.md's rules, by hand: 107 of 100→110 (the check-in after the as-of day is
    # not known yet), 3.5 of 5→2, 62 from 50 toward 70, a milestone checked without a value,
    # the manual score, the grade newer than the value, the reported progress, an increase
    # whose target is below its start and not met, and a decrease at its start.
    assert scores["inc"] == pytest.approx(0.7)
    assert scores["dec"] == pytest.approx(0.5)
    assert scores["range-out"] == pytest.approx(0.6)
    assert scores["milestone"] == 0.0
    assert scores["manual"] == pytest.approx(0.35)
    assert scores["graded"] == pytest.approx(0.3)
    assert scores["reported"] == pytest.approx(0.45)
    assert scores["wrong-side"] == 0.0
    assert scores["at-start"] == 0.0
    assert scores["baseline"] is None
    # top-kr takes o2's score: the mean of range-out (0.6) and the milestone (0).
    assert scores["top-kr"] == pytest.approx(0.3)
    objectives = dict(zip(limit.objectives["objective_id"].to_pylist(),
                          limit.objectives["score"].to_pylist(), strict=True))  # fmt: skip
    assert objectives["o1"] == pytest.approx((0.7 + 3 * 0.5) / 4)  # weighted by 1 and 3

    report = load_or_compute(db, write=False).report
    compared = compare(limit, report)
    for figure, found in compared.items():
        assert found["missing_on_one_side"] == 0, figure
        assert (found["max_abs_diff"] or 0.0) <= 1e-9, (figure, found)
    assert compared["kr_score"]["rows"] == 11


def test_limit_report_equals_the_product_on_the_demo(demo_store: Path) -> None:
    limit = limit_report(demo_store)
    report = load_or_compute(demo_store, write=False).report
    compared = compare(limit, report)
    assert compared["kr_score"]["rows"] == len(report.key_results)
    assert compared["alignment_share"]["rows"] == len(report.coverage)
    for figure, found in compared.items():
        assert found["missing_on_one_side"] == 0, figure
        assert (found["max_abs_diff"] or 0.0) <= 1e-9, (figure, found)
