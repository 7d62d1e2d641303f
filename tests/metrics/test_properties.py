"""Invariants of the scores and health metrics, held over generated frames (hypothesis)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.coaching.patterns import goal_setting_patterns, pattern_evidence
from metrics.config import HealthConfig
from metrics.report import analyse
from metrics.scores.scoring import score_all
from pipelines.store.dataset import Dataset
from pipelines.store.schema import KR_TYPES
from tests.support.stores import canonical

NUMBER = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
MAYBE = st.none() | NUMBER
UNIT = st.floats(0.0, 1.0, allow_nan=False)
DAY = st.integers(0, 120).map(lambda d: pd.Timestamp("2026-01-01") + pd.Timedelta(days=d))
CYCLES = canonical(
    "cycles",
    [
        {"cycle_id": "Q1", "start_date": date(2026, 1, 1), "end_date": date(2026, 3, 31)},
        {"cycle_id": "Q2", "start_date": date(2026, 4, 1), "end_date": date(2026, 6, 30)},
    ],
)
TEAMS = canonical(
    "teams",
    [
        {"team_id": "co", "level": "company"},
        {"team_id": "d", "parent_team_id": "co", "level": "department"},
        {"team_id": "t", "parent_team_id": "d", "level": "team"},
    ],
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def key_result_rows(draw, n_objectives: int = 3) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(1, 12))):
        rows.append(
            {
                "kr_id": f"k{i}",
                "objective_id": f"o{draw(st.integers(0, n_objectives - 1))}",
                "title": f"kr {i}",
                "kr_type": draw(st.none() | st.sampled_from(KR_TYPES)),
                "owner": draw(st.sampled_from(["Ana", "Ben", "Cy", None])),
                "start_value": draw(MAYBE),
                "target_value": draw(MAYBE),
                "range_low": draw(MAYBE),
                "range_high": draw(MAYBE),
                "current_value": draw(MAYBE),
                "manual_score": draw(st.none() | UNIT),
                "weight": draw(st.none() | st.floats(0.5, 3.0)),
            }
        )
    return rows


@st.composite
def check_in_rows(draw, kr_ids: list[str]) -> list[dict]:
    rows = {}
    for _ in range(draw(st.integers(0, 25))):
        key = (draw(st.sampled_from(kr_ids)), draw(DAY))
        rows[key] = {
            "kr_id": key[0],
            "checked_at": key[1],
            "value": draw(MAYBE),
            "grade": draw(st.none() | st.sampled_from([0.0, 0.3, 0.7, 1.0])),
            "confidence": draw(st.none() | UNIT),
        }
    return list(rows.values())


@st.composite
def companies(draw) -> Dataset:
    n_obj = draw(st.integers(1, 6))
    krs = draw(key_result_rows(n_obj))
    kr_ids = [r["kr_id"] for r in krs]
    objectives = []
    for i in range(n_obj):
        objectives.append(
            {
                "objective_id": f"o{i}",
                "cycle_id": draw(st.sampled_from(["Q1", "Q2"])),
                "title": f"objective {i % 3}",
                "team_id": draw(st.sampled_from(["co", "d", "t", "ghost"])),
                "owner": draw(st.sampled_from(["Ana", "Ben", None])),
                "level": draw(st.none() | st.sampled_from(["company", "team"])),
                "parent_objective_id": draw(
                    st.none() | st.sampled_from([f"o{j}" for j in range(n_obj)] + ["gone"])
                ),
                "parent_kr_id": draw(st.none() | st.sampled_from([*kr_ids, "gone"])),
            }
        )
    check_ins = canonical("check_ins", draw(check_in_rows(kr_ids)))
    check_ins["checked_at"] = pd.to_datetime(check_ins["checked_at"])
    return Dataset(
        cycles=CYCLES,
        teams=TEAMS,
        objectives=canonical("objectives", objectives),
        key_results=canonical("key_results", krs),
        check_ins=check_ins,
        as_of=draw(st.sampled_from([date(2026, 2, 15), date(2026, 5, 20), date(2026, 8, 1)])),
    )


@FAST
@given(companies())
def test_every_score_is_between_0_and_1(ds):
    scores = score_all(ds.objectives, ds.key_results, ds.check_ins)
    for frame in (scores.key_results, scores.objectives):
        graded = frame["score"].dropna()
        assert ((graded >= 0.0) & (graded <= 1.0)).all()


@FAST
@given(companies())
def test_objective_score_lies_between_its_key_results(ds):
    scores = score_all(ds.objectives, ds.key_results, ds.check_ins)
    graded = scores.key_results.dropna(subset=["score"])
    bounds = graded.groupby("objective_id")["score"].agg(["min", "max"])
    objectives = scores.objectives.set_index("objective_id").join(bounds, how="inner")
    assert (objectives["score"] >= objectives["min"] - 1e-9).all()
    assert (objectives["score"] <= objectives["max"] + 1e-9).all()
    ungraded = scores.objectives.loc[~scores.objectives["objective_id"].isin(bounds.index)]
    assert ungraded["score"].isna().all()


@FAST
@given(
    kr_type=st.sampled_from(["increase", "decrease"]),
    start=st.none() | NUMBER,
    target=NUMBER,
    currents=st.lists(NUMBER, min_size=2, max_size=10),
)
def test_scores_move_with_the_current_value(kr_type, start, target, currents):
    """An increase score never falls as the current value rises; a decrease score never
    rises."""
    if kr_type == "decrease" and start is None:
        start = target + 1.0
    currents = sorted(currents)
    krs = canonical(
        "key_results",
        [
            {
                "kr_id": f"k{i}",
                "objective_id": "o",
                "title": "t",
                "kr_type": kr_type,
                "start_value": start,
                "target_value": target,
                "current_value": value,
            }
            for i, value in enumerate(currents)
        ],
    )
    objectives = canonical("objectives", [{"objective_id": "o", "cycle_id": "Q1", "title": "o"}])
    scores = score_all(objectives, krs, canonical("check_ins", []))
    if kr_type == "increase" and start is None and target == 0:  # no gain planned: ungraded
        assert scores.key_results["score"].isna().all()
        return
    steps = np.diff(scores.key_results["score"].to_numpy())
    if kr_type == "increase":
        assert (steps >= -1e-12).all()
    else:
        assert (steps <= 1e-12).all()


def _shuffled(ds: Dataset, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)

    def shuffle(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)

    return Dataset(
        cycles=shuffle(ds.cycles),
        teams=shuffle(ds.teams),
        objectives=shuffle(ds.objectives),
        key_results=shuffle(ds.key_results),
        check_ins=shuffle(ds.check_ins),
        as_of=ds.as_of,
    )


def _canonical_view(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key).reset_index(drop=True)[sorted(frame.columns)]


@SLOW
@given(companies(), st.integers(0, 2**32 - 1))
def test_reordering_rows_changes_nothing(ds, seed):
    a, b = analyse(ds), analyse(_shuffled(ds, seed))
    pairs = [
        ("key_results", ["kr_id"]),
        ("objectives", ["objective_id"]),
        ("links", ["objective_id"]),
        ("coverage", ["cycle_id"]),
        ("owner_patterns", ["owner"]),
        ("team_patterns", ["team_id"]),
        ("stale", ["kr_id"]),
        ("lint", ["rule", "kind", "id", "cycle_id"]),
        ("forecast_backtest", ["kr_id"]),
        ("discipline", ["cycle_id", "week_start"]),
        ("calibration", ["team_id"]),
        ("trends", ["cycle_id"]),
        ("tree", ["id"]),
    ]
    for name, key in pairs:
        pd.testing.assert_frame_equal(
            _canonical_view(getattr(a, name), key),
            _canonical_view(getattr(b, name), key),
            check_dtype=False,
            check_categorical=False,
            obj=name,
        )
    assert a.loops == b.loops


@st.composite
def evidence_frames(draw) -> pd.DataFrame:
    rows = []
    for i in range(draw(st.integers(0, 40))):
        score = draw(st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 0.95, 1.0]))
        rows.append(
            {
                "kr_id": f"k{i}",
                "cycle_id": draw(st.sampled_from(["Q1", "Q2", "Q3"])),
                "owner": draw(st.sampled_from(["Ana", "Ben", "Cy", "Di"])),
                "team_id": draw(st.sampled_from(["t1", "t2"])),
                "team": "team",
                "score": score,
                "maxed": score >= 1.0,
                "low": score < 0.4,
                "reached_early": draw(st.booleans()),
                "target_not_beyond_start": draw(st.booleans()),
                "far_above_target": draw(st.booleans()),
                "no_movement": draw(st.booleans()),
            }
        )
    columns = ["kr_id", "cycle_id", "owner", "team_id", "team", "score", "maxed", "low"]
    columns += ["reached_early", "target_not_beyond_start", "far_above_target", "no_movement"]
    return pd.DataFrame(rows, columns=columns)


@FAST
@given(evidence_frames(), st.integers(1, 6))
def test_a_flag_never_comes_from_fewer_than_the_minimum_of_graded_key_results(evidence, least):
    config = HealthConfig(min_graded_krs=least)
    for by in ("owner", "team_id", ["cycle_id", "owner"]):
        patterns = goal_setting_patterns(evidence, by, config)
        flagged = patterns[patterns["pattern"].notna()]
        assert (flagged["key_results"] >= least).all()
        assert flagged["evidence"].notna().all()
    default = goal_setting_patterns(evidence, "owner", HealthConfig())
    assert (default.loc[default["pattern"].notna(), "key_results"] >= 3).all()


@SLOW
@given(companies())
def test_flag_evidence_holds_only_graded_key_results_of_their_own(ds):
    report = analyse(ds)
    krs = report.key_results.set_index("kr_id")
    used = krs.loc[report.evidence["kr_id"]]
    assert used["score"].notna().all()
    assert (used["score_source"] != "linked").all()
    assert not used["strict_linked"].any()
    evidence = pattern_evidence(
        report.key_results, report.key_results[["kr_id"]], report.calendar, HealthConfig()
    )
    counts = evidence.groupby("owner").size()
    patterns = report.owner_patterns.set_index("owner")
    flagged = patterns[patterns["pattern"].notna()]
    assert (counts.reindex(flagged.index) >= 3).all()
