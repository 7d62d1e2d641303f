"""Goalposts that moved, found in a store built from a quarter of weekly snapshot files
imported with the product's ingest: each planted pattern is found on its key result with its
evidence (version, date, source file, old and new values), and the control quarter, where
only the values move, gives nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from metrics.coaching.goalposts import PATTERNS, goalposts_by_owner
from reporting.cache import load_or_compute
from reporting.goalposts import store_goalposts
from tests.support.snapshots import import_weeks, quarter


def findings(db: Path) -> pd.DataFrame:
    loaded = load_or_compute(db, write=False)
    assert loaded.report is not None
    return store_goalposts(db, loaded.dataset, loaded.report)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return findings(import_weeks(tmp_path_factory.mktemp("planted"), quarter(planted=True)))


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return findings(import_weeks(tmp_path_factory.mktemp("control"), quarter(planted=False)))


def of(found: pd.DataFrame, pattern: str) -> pd.DataFrame:
    return found[found["pattern"] == pattern].reset_index(drop=True)


def test_the_control_quarter_where_only_values_move_has_no_finding(control):
    assert control.empty, control[["pattern", "kr_id", "evidence"]].to_string()


def test_a_target_lowered_after_the_start_is_found_with_its_version(planted):
    eased = of(planted, "target eased")
    assert sorted(eased["kr_id"]) == ["K1", "K3"]
    k1 = eased.set_index("kr_id").loc["K1"]
    assert (k1["old"], k1["new"], k1["owner"], k1["cycle_id"]) == (100.0, 70.0, "Ann", "2026-Q4")
    assert str(k1["when"]) == "2026-10-26"
    assert k1["import_id"] == 4 and k1["source"] == "okrs-2026-10-26.csv"
    assert k1["evidence"] == (
        "target 100 → 70 (the key result increases) in import 4 of 26 Oct 2026 "
        "(okrs-2026-10-26.csv)"
    )


def test_a_decrease_whose_target_was_raised_is_eased_too(planted):
    k3 = of(planted, "target eased").set_index("kr_id").loc["K3"]
    assert (k3["old"], k3["new"], k3["owner"]) == (10.0, 20.0, "Bob")
    assert "(the key result decreases)" in k3["evidence"]


def test_a_baseline_moved_down_under_an_increase_is_found(planted):
    moved = of(planted, "baseline moved")
    assert list(moved["kr_id"]) == ["K2"]
    assert (moved.loc[0, "old"], moved.loc[0, "new"]) == (50.0, 20.0)
    assert str(moved.loc[0, "evidence"]).startswith("baseline 50 → 20 (the key result increases)")


def test_key_results_deleted_or_archived_while_at_risk_are_found(planted):
    dropped = of(planted, "dropped while behind").set_index("kr_id")
    assert sorted(dropped.index) == ["K4", "K5"]
    k4, k5 = dropped.loc["K4"], dropped.loc["K5"]
    assert str(k4["when"]) == "2026-11-09" and k4["source"] == "okrs-2026-11-09.csv"
    # 20 of 1000 at 9 Nov (39 of the quarter's 91 days): 0.02, heading for 0.02 × 91/39.
    assert k4["old"] == pytest.approx(0.02) and k4["new"] == pytest.approx(0.02 * 91 / 39)
    assert k4["evidence"].startswith("deleted while at risk: score 0.02, heading for 0.05")
    assert k5["evidence"].startswith("archived while at risk: score 0.05, heading for 0.12")
    assert (k4["owner"], k5["owner"]) == ("Bob", "Cara")


def test_an_objective_retitled_and_cut_down_is_re_scoped(planted):
    rescoped = of(planted, "re-scoped")
    assert list(rescoped["objective_id"]) == ["O2", "O2"]
    assert list(rescoped["import_id"]) == [5, 6]
    assert rescoped.loc[0, "evidence"] == (
        "re-scoped in import 5 of 02 Nov 2026 (okrs-2026-11-02.csv): "
        "title “Ship the app” → “Ship a smaller app”"
    )
    assert str(rescoped.loc[1, "evidence"]).endswith("key result “Signups to 1000” removed")
    assert set(rescoped["owner"]) == {"Bob"}


def test_a_jump_in_the_last_week_after_weeks_of_silence_is_found(planted):
    jumps = of(planted, "late jump")
    assert list(jumps["kr_id"]) == ["K6"]
    jump = jumps.loc[0]
    assert (jump["old"], jump["new"]) == pytest.approx((0.1, 0.7))
    assert jump["evidence"] == (
        "score 0.10 → 0.70 on 28 Dec 2026, in the cycle's last 7 days, after 84 days "
        "without a check-in (since 05 Oct 2026)"
    )


def test_a_confidence_never_revised_is_found(planted):
    same = of(planted, "confidence never updated")
    assert list(same["kr_id"]) == ["K7"]
    assert same.loc[0, "evidence"] == (
        "13 check-ins from 05 Oct 2026 to 28 Dec 2026, every one at confidence 80%"
    )


def test_every_pattern_is_found_once_per_planted_unit_and_counted_per_owner(planted):
    assert list(dict.fromkeys(planted["pattern"])) == list(PATTERNS)
    per_owner = goalposts_by_owner(planted).set_index("owner")
    assert per_owner["findings"].to_dict() == {"Ann": 2, "Bob": 4, "Cara": 3}
