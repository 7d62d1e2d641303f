"""Key-result and objective scores (docs/scoring.md), as pure functions of canonical frames.

A key result's score is its progress toward the target on 0–1; its *attainment* is the same
ratio unclipped (1.3 means the target was beaten by 30% of the planned distance). Every
score records where it came from: `manual` (the grade given at closing), `grade` (a zone or
grade given at a check-in), `computed` (from the current value), `reported` (the tool's own
progress figure), `no check-in yet` (a numeric key result never checked in, at its start),
or `linked` (strict linking: the key result *is* an objective of the level below and takes
its score).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.alignment.strict_links import linked_scores
from metrics.conformed_frames import first_match
from metrics.progress.checkins import KeyedCheckIns, keyed_check_ins, latest_per_key_result
from metrics.scores.bands import band_of
from pipelines.kr_types import DONE_OR_NOT_TYPES, KrType

KR_SCORE_COLUMNS = [
    "kr_id",
    "objective_id",
    "cycle_id",
    "title",
    "kr_type",
    "score",
    "attainment",
    "score_source",
    "band",
]
OBJECTIVE_SCORE_COLUMNS = ["objective_id", "cycle_id", "title", "team_id", "score", "band"]


def resolve_kr_type(key_results: pd.DataFrame) -> pd.Series:
    """The stated kr_type, or the one implied by the numbers.

    range when both bounds are given, or one bound and no target ("stay above 0.5%");
    decrease when the target is below the start; increase when there is a target;
    milestone when there is no target at all.
    """
    # A handful of distinct spellings over a million rows: clean each spelling once.
    codes, spellings = pd.factorize(key_results["kr_type"])
    cleaned = pd.Series(spellings, dtype="object").str.strip().str.lower().to_numpy()
    stated = pd.Series(
        # np.array(None) is what np.where makes of a bare None (numpy's stubs take no None).
        np.where(
            codes >= 0,
            cleaned[np.maximum(codes, 0)] if len(cleaned) else np.array(None),
            np.array(None),
        ),
        index=key_results.index,
        dtype="object",
    )
    low, high = key_results["range_low"].notna(), key_results["range_high"].notna()
    start = key_results["start_value"]
    target = key_results["target_value"]
    has_range = (low & high) | ((low | high) & target.isna())
    implied = np.select(
        [has_range, target.notna() & start.notna() & (target < start), target.notna()],
        [KrType.RANGE.value, KrType.DECREASE.value, KrType.INCREASE.value],
        default=KrType.MILESTONE.value,
    )
    return stated.where(stated.notna() & (stated != ""), pd.Series(implied, index=stated.index))


Values = np.ndarray  # float64, one per row; NaN where missing


def _progress(current: Values, start: Values, goal: Values) -> Values:
    """(current − start) / (goal − start); when goal == start, 1 once reached, else 0."""
    span = goal - start
    ratio = (current - start) / np.where(span != 0, span, np.nan)
    return np.where(span != 0, ratio, _met(current, current >= goal))


def _met(current: Values, met: np.ndarray) -> Values:
    """1.0 where `met`, else 0.0; missing where there is no current value."""
    return np.where(np.isnan(current), np.nan, np.where(met, 1.0, 0.0))


def attainment(
    kr: pd.DataFrame | Mapping[str, np.ndarray], kr_type: pd.Series, current: pd.Series
) -> pd.Series:
    """Raw (unclipped) attainment of each key result from its current value (`kr` holds
    start_value, target_value, range_low and range_high, row by row with `current`).

    increase  (current − start) / (target − start), a missing start taken as 0 (with no
              start and a target of 0 no gain is planned: missing, as the tool has it)
    decrease  (start − current) / (start − target)
              (a target on the wrong side of the start, e.g. an increase from 10 to 8, asks
              for no progress: 1 when the current value meets the target, else 0)
    range     1 inside [low, high]; outside, progress from start toward the nearest bound
              when the start was already outside on that side (0 when there is no start, or
              the start was inside: a range that was kept and is now lost); with one bound
              ("stay above", "stay below") the other side is open
    graded    the value is the grade (ordinal, zone or graded key results; their check-in
              grades take precedence as for every type)
    milestone 1 when done (a value ≥ 0.5, i.e. 1/true), 0 when recorded as not done
    baseline  1 once any value is recorded
    With no current value at all the attainment is missing: the key result is ungraded.
    """
    columns = ["start_value", "target_value", "range_low", "range_high"]
    values = [np.asarray(kr[c], dtype="float64") for c in columns]
    now = current.to_numpy("float64", na_value=np.nan)
    result = np.full(len(current), np.nan)
    types = pd.Categorical(kr_type)  # one comparison of small codes per type
    codes = types.codes
    start, target, low, high = values
    for code, name in enumerate(types.categories):
        formula = _FORMULAS.get(name)
        rows = codes == code
        if formula is None or not rows.any():  # each formula only on the rows of its type
            continue
        with np.errstate(all="ignore"):  # NaN and inf propagate, as pandas lets them
            if rows.all():
                result = formula(start, target, low, high, now)
            else:
                part = formula(start[rows], target[rows], low[rows], high[rows], now[rows])
                result[rows] = part
    return pd.Series(result, index=current.index)


def _increase(start: Values, target: Values, _low: Values, _high: Values, now: Values) -> Values:
    # No start and a target of 0 plans no gain from the assumed 0: nothing to score.
    nothing_planned = np.isnan(start) & (target == 0)
    start = np.where(np.isnan(start), 0.0, start)
    # A target on the wrong side of the start asks for no progress: met or not met.
    score = np.where(target < start, _met(now, now >= target), _progress(now, start, target))
    return np.where(nothing_planned, np.nan, score)


def _decrease(start: Values, target: Values, _low: Values, _high: Values, now: Values) -> Values:
    progress = _progress(-now, -start, -target)
    return np.where(target > start, _met(now, now <= target), progress)


def _range(start: Values, _target: Values, low: Values, high: Values, now: Values) -> Values:
    below, above = now < low, now > high  # False against a missing (open) bound
    inside = ~np.isnan(now) & ~below & ~above
    nearest = np.where(below, low, high)
    started_out = (below & (start < low)) | (above & (start > high))
    toward = np.where(started_out, _progress(now, start, nearest), 0.0)
    toward = np.where(below | above, toward, np.nan)
    return np.where(np.isnan(now), np.nan, np.where(inside, 1.0, toward))


def _milestone(_start: Values, _target: Values, _low: Values, _high: Values, now: Values) -> Values:
    return _met(now, now >= 0.5)


def _graded(_start: Values, _target: Values, _low: Values, _high: Values, now: Values) -> Values:
    return now.copy()


def _baseline(_start: Values, _target: Values, _low: Values, _high: Values, now: Values) -> Values:
    return np.where(np.isnan(now), np.nan, 1.0)


_FORMULAS: dict[KrType, Callable[[Values, Values, Values, Values, Values], Values]] = {
    KrType.INCREASE: _increase,
    KrType.DECREASE: _decrease,
    KrType.RANGE: _range,
    KrType.MILESTONE: _milestone,
    KrType.BASELINE: _baseline,
    KrType.GRADED: _graded,
}


def score_key_results(
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
    objectives: pd.DataFrame,
    at_start: bool = True,
) -> pd.DataFrame:
    """Score every key result from its own data (strict linking is applied by `score_all`).

    current = value of the latest check-in, else `current_value`. Precedence of the score:
    manual score, then a check-in grade newer than the latest value, then the computed score
    clip(attainment, 0, 1), then the source's reported progress (a tool's own figure, for a
    key result with no value or target to compute from). A key result with none of these is
    ungraded (score missing),
    whatever its type: a milestone not done is recorded as 0, not left empty. A milestone or
    baseline with check-ins but no value scores 0 (not done, nothing recorded yet).
    """
    kr = key_results.reset_index(drop=True)
    keyed = keyed_check_ins(check_ins, kr["kr_id"])
    latest = keyed.per_key_result(latest_per_key_result(keyed), kr["kr_id"])
    kr = pd.concat([kr, latest], axis=1)
    kr_type = resolve_kr_type(kr)
    current = kr["latest_value"].astype("float64").fillna(kr["current_value"].astype("float64"))
    raw = attainment(kr, kr_type, current)
    # A milestone or baseline that has been checked in on but has no value is "not done" /
    # "not recorded yet": 0, not ungraded (the check-ins are data; the value is the answer).
    checked = kr["check_in_count"].fillna(0) > 0
    raw = raw.mask(kr_type.isin(DONE_OR_NOT_TYPES) & raw.isna() & checked, 0.0)
    grade_newer = kr["latest_grade"].notna() & (
        kr["value_at"].isna() | (kr["grade_at"] >= kr["value_at"])
    )
    manual = kr["manual_score"].astype("float64")
    reported = _column(kr, "reported_progress")
    computed = raw.clip(0.0, 1.0)
    from_reported = computed.isna() & reported.notna()
    raw = raw.where(~from_reported, reported)
    computed = computed.where(~from_reported, reported.clip(0.0, 1.0))
    score = manual.where(manual.notna(), kr["latest_grade"].where(grade_newer, computed))
    starting = score.isna() & not_checked_in(kr, kr_type, current) & at_start
    from_zero = kr["start_value"].isna() & (kr_type == "increase")
    start = attainment(kr, kr_type, kr["start_value"].astype("float64").mask(from_zero, 0.0))
    score = score.where(~starting, start.clip(0.0, 1.0))
    raw = raw.where(~starting, start)
    source = np.select(
        [manual.notna(), grade_newer, from_reported, computed.notna(), starting],
        ["manual", "grade", "reported", "computed", NO_CHECK_IN],
        "",
    )
    cycles = objectives["cycle_id"]
    out = pd.DataFrame(
        {
            "kr_id": kr["kr_id"],
            "objective_id": kr["objective_id"],
            "cycle_id": first_match(kr["objective_id"], objectives["objective_id"], cycles),
            "title": kr["title"],
            "kr_type": kr_type,
            "owner": kr["owner"],
            "weight": kr["weight"].astype("float64").fillna(1.0),
            "current": current,
            "start_value": kr["start_value"],
            "target_value": kr["target_value"],
            "score": score.clip(0.0, 1.0).astype("float64"),
            "attainment": raw.where(raw.notna(), score),
            "score_source": pd.Series(source, index=kr.index).replace("", None),
            "projected_score": _column(kr, "projected_score"),
            "latest_confidence": kr["latest_confidence"],
            "check_in_count": kr["check_in_count"].fillna(0).astype("int64"),
            "last_check_in_at": kr["last_check_in_at"],
        }
    )
    return out


NO_CHECK_IN = "no check-in yet"
NUMERIC = ("increase", "decrease")


def not_checked_in(kr: pd.DataFrame, kr_type: pd.Series, current: pd.Series) -> pd.Series:
    """A numeric key result (increase or decrease, with a target) never checked in and with
    no current value: it is at its start, so it scores as its start value does (0, or 1 when
    the start already meets the target) and counts in its objective's mean."""
    count = kr["check_in_count"].fillna(0) if "check_in_count" in kr else 0
    numeric = kr_type.isin(NUMERIC) & kr["target_value"].notna()
    has_start = kr["start_value"].notna() | (kr_type == "increase")  # increase: from 0
    return numeric & has_start & current.isna() & (count == 0)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A numeric column of `frame`, or missing values where a hand-built frame lacks it."""
    if name in frame:
        return frame[name].astype("float64")
    return pd.Series(np.nan, index=frame.index, dtype="float64")


def score_objectives(objectives: pd.DataFrame, kr_scores: pd.DataFrame) -> pd.DataFrame:
    """Objective score = weighted mean of its graded key results' scores (weights default 1).

    An objective none of whose key results is graded is itself ungraded. Also counts the
    key results (`kr_count`) and the graded ones (`graded_krs`).
    """
    # Ids as integer codes shared by both frames: group-bys on integers, no text merges.
    ids = pd.concat([objectives["objective_id"], kr_scores["objective_id"]], ignore_index=True)
    codes, _ = pd.factorize(ids)
    objective_code, kr_code_values = codes[: len(objectives)], codes[len(objectives) :]
    kr_code = pd.Series(kr_code_values, index=kr_scores.index)
    kr_code = kr_code.where(kr_code >= 0)  # a key result without an objective counts nowhere
    graded = kr_scores["score"].notna()
    weight = kr_scores["weight"]
    largest = weight.abs().max() if len(weight) else 0.0
    if largest > 1e6:  # a store loaded before weights were bounded: relative, so scaled down
        weight = weight / largest
    weighted = (kr_scores["score"] * weight)[graded].groupby(kr_code[graded]).sum()
    weights = weight[graded].groupby(kr_code[graded]).sum()
    mean = weighted / weights.where(weights > 0)
    counts = kr_code.groupby(kr_code).size()
    graded_counts = kr_code[graded].groupby(kr_code[graded]).size()
    out = objectives.reset_index(drop=True)  # as a merge gives it
    out["score"] = mean.reindex(objective_code).to_numpy()
    out["kr_count"] = counts.reindex(objective_code).to_numpy()
    out["graded_krs"] = graded_counts.reindex(objective_code).to_numpy()
    out["kr_count"] = out["kr_count"].fillna(0).astype("int64")
    out["graded_krs"] = out["graded_krs"].fillna(0).astype("int64")
    out["weight"] = out["weight"].astype("float64").fillna(1.0)
    out["score"] = out["score"].astype("float64")
    out["band"] = band_of(out["score"])
    return out


@dataclass(frozen=True)
class Scores:
    """Scored key results and objectives of a whole store."""

    key_results: pd.DataFrame
    objectives: pd.DataFrame


def score_all(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame | KeyedCheckIns,
    at_start: bool = True,
) -> Scores:
    """Score key results and objectives, applying strict linking bottom-up.

    A key result with no score of its own that an objective links to through
    `parent_kr_id` takes that objective's score (source `linked`), chains of links followed
    in one topological pass (`metrics.alignment.strict_links`).
    """
    krs = score_key_results(key_results, check_ins, objectives, at_start)
    objs = score_objectives(objectives, krs)
    # a key result at its start for want of a check-in has no score of its own either
    open_to_link = krs["score_source"].isna() | krs["score_source"].eq(NO_CHECK_IN)
    linked = linked_scores(objectives, krs, objs, open_to_link)
    taken = linked.notna()
    if taken.any():
        krs.loc[taken, "score"] = linked[taken]
        krs.loc[taken, "attainment"] = linked[taken]
        krs.loc[taken, "score_source"] = "linked"
        objs = score_objectives(objectives, krs)
    krs["band"] = band_of(krs["score"])
    return Scores(key_results=krs, objectives=objs)
