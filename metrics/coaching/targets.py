"""Targets for next quarter, set from a team's own track record (docs/metrics.md, "Targets
for next quarter").

A key result *recurs* when the same metric comes back cycle after cycle: the same title once
its numbers are blanked ("Raise NPS from 33 to 41" and "Raise NPS from 37 to 45" are both
"raise nps from # to #"), the same unit, and the same owner (or, with no owner, the same
team). Only key results that increase or decrease a number are read: their *ratio* is what
was achieved over what was targeted, (final − start) / (target − start), 1.0 exactly on
target, unclipped.

The proposal rescales the step people would set by the ratio they achieve: with a typical
ratio r (the median over the metric's finished cycles; the team's median over all its
finished key results when the metric has fewer than MIN_OWN), a step of s from the start is
expected to achieve r · s, which scores r · s / step. The proposed step is r · s / m, m the
middle of the sweet spot (`score_bands()`), with the range r · s / high … r · s / low: the
steps at which the expected achievement scores the sweet spot's top and bottom. For next
quarter, s is the last step the owner set and the start the last final value.

The backtest replays this on past cycles: for each occurrence with at least MIN_OWN earlier
finished cycles, r from those earlier cycles only and s the step people actually set; the
outcome is scored against the proposal and against the target people set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.scores.bands import ScoreBands, band_of, score_bands

MIN_OWN = 2  # finished cycles of a metric before its own record is used
SERIES_COLUMNS = [
    "series", "match", "kr_id", "cycle_id", "order", "finished", "owner", "team_id", "team",
    "title", "unit", "start", "target", "final", "step", "ratio",
]  # fmt: skip
_NUMBER = r"[-+]?(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:[kmb%x]|bn)\b)?"


def normalised_title(titles: pd.Series) -> pd.Series:
    """A title with its numbers blanked, lower case, single spaces: the metric it names."""
    text = titles.astype("object").fillna("").astype(str).str.lower()
    text = text.str.replace(_NUMBER, "#", regex=True)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def ratios(key_results: pd.DataFrame) -> pd.Series:
    """Achieved over targeted, (current − start) / (target − start), of each key result
    that increases or decreases a number (its `kr_type` as the report resolved it); missing
    for every other."""
    kinds = key_results["kr_type"].astype("object")
    start = key_results["start_value"].astype("float64")
    step = key_results["target_value"].astype("float64") - start
    numeric = kinds.isin(["increase", "decrease"]) & (step.abs() > 1e-12)
    ratio = (key_results["current"].astype("float64") - start) / step.where(numeric)
    return ratio.where(numeric)


def recurring(key_results: pd.DataFrame, calendar: pd.DataFrame) -> pd.DataFrame:
    """Every occurrence of a recurring metric (in at least two cycles), with its ratio.

    `key_results`: kr_id, cycle_id, title, unit, owner, team_id, team, kr_type, start_value,
    target_value, current (the report's key results with the stated unit). Columns:
    SERIES_COLUMNS, ordered by series and cycle; `match` says what matched, `finished`
    whether the cycle has ended.
    """
    krs = key_results.reset_index(drop=True)
    krs = krs.assign(ratio=ratios(krs))
    krs = krs[krs["ratio"].notna()].copy()
    if krs.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    krs["step"] = krs["target_value"].astype("float64") - krs["start_value"].astype("float64")
    krs["metric"] = normalised_title(krs["title"])
    who = krs["owner"].astype("object")
    by_team = who.isna()
    team = "team " + krs["team_id"].astype(str)
    krs["holder"] = np.where(by_team, team, "owner " + who.astype(str))
    unit = krs["unit"].astype("object").fillna("")
    krs["unit"] = unit
    krs["series"] = krs["metric"] + " | " + unit + " | " + krs["holder"]
    order = calendar.drop_duplicates("cycle_id").set_index("cycle_id")
    krs["order"] = krs["cycle_id"].map(order["order"])
    krs["finished"] = krs["cycle_id"].map(order["state"]).eq("finished")
    cycles = krs.groupby("series")["cycle_id"].transform("nunique")
    krs = krs[cycles >= 2]
    krs["match"] = (
        "“" + krs["metric"] + "”" + np.where(krs["unit"] != "", ", unit " + krs["unit"], "")
        + ", " + krs["holder"]
    )  # fmt: skip
    out = krs.rename(columns={"start_value": "start", "target_value": "target", "current": "final"})
    out = out.sort_values(["series", "order", "kr_id"], kind="stable")
    return out[SERIES_COLUMNS].reset_index(drop=True)


def team_ratios(key_results: pd.DataFrame, calendar: pd.DataFrame) -> pd.Series:
    """The median ratio of each team's finished increase/decrease key results (by team_id)."""
    state = calendar.drop_duplicates("cycle_id").set_index("cycle_id")["state"]
    krs = key_results[key_results["cycle_id"].map(state).eq("finished")]
    ratio = ratios(krs)
    return ratio.groupby(krs["team_id"]).median()


def _steps(ratio: pd.Series, step: pd.Series, bands: ScoreBands) -> pd.DataFrame:
    """The proposed step and its range for a typical ratio and a step people would set."""
    expected = ratio * step
    middle = (bands.sweet_low + bands.sweet_high) / 2
    return pd.DataFrame(
        {"proposed": expected / middle, "from": expected / bands.sweet_high,
         "to": expected / bands.sweet_low},
        index=ratio.index,
    )  # fmt: skip


def next_targets(
    series: pd.DataFrame, team_ratio: pd.Series, bands: ScoreBands | None = None
) -> pd.DataFrame:
    """A proposed next target for each recurring metric with a finished cycle.

    Columns: series, match, owner, team, title (the latest), unit, cycles (finished ones
    read), ratios (each cycle's ratio in words), own_ratio, team_ratio, basis ("own record"
    with MIN_OWN finished cycles or more, else "team's record"), start (the last final),
    step (the last step set), proposed, low, high (the range of targets whose expected
    achievement scores in the sweet spot). Metrics whose typical ratio is not above 0 get no
    proposal (nothing achieved: no target to scale)."""
    bands = bands or score_bands()
    done = series[series["finished"]]
    columns = ["series", "match", "owner", "team_id", "team", "title", "unit", "cycles", "ratios",
               "own_ratio", "team_ratio", "basis", "start", "step", "proposed", "low",
               "high"]  # fmt: skip
    if done.empty:
        return pd.DataFrame(columns=columns)
    grouped = done.groupby("series", sort=True)
    last = grouped.tail(1).set_index("series")
    out = pd.DataFrame(index=last.index)
    for c in ("match", "owner", "team", "title", "unit", "team_id"):
        out[c] = last[c]
    out["cycles"] = grouped["cycle_id"].nunique()
    words = done["cycle_id"].astype(str) + " " + done["ratio"].map(lambda r: f"{r:.2f}")
    out["ratios"] = words.groupby(done["series"]).agg(", ".join)
    out["own_ratio"] = grouped["ratio"].median()
    out["team_ratio"] = out["team_id"].map(team_ratio)
    own = out["cycles"] >= MIN_OWN
    out["basis"] = np.where(own, "own record", "team's record")
    ratio = out["own_ratio"].where(own, out["team_ratio"])
    out["start"] = last["final"].astype("float64")
    out["step"] = last["step"].astype("float64")
    steps = _steps(ratio, out["step"], bands)
    out["proposed"] = out["start"] + steps["proposed"]
    ends = pd.concat([out["start"] + steps["from"], out["start"] + steps["to"]], axis=1)
    out["low"], out["high"] = ends.min(axis=1), ends.max(axis=1)
    out = out[ratio > 0]
    return out.reset_index()[columns]


def target_backtest(series: pd.DataFrame, bands: ScoreBands | None = None) -> pd.DataFrame:
    """Each finished occurrence with MIN_OWN earlier finished cycles of its metric: the
    proposal from those earlier cycles only (their median ratio, the step people set this
    time), and its outcome scored against the proposal and against the target set.

    Columns: series, kr_id, cycle_id, owner, earlier (cycles read), typical_ratio, target,
    proposed, final, actual_score, proposed_score, actual_band, proposed_band.
    """
    bands = bands or score_bands()
    rows = []
    done = series[series["finished"]]
    for _, own in done.groupby("series", sort=True):
        for i in range(len(own)):
            row = own.iloc[i]
            earlier = own[own["order"] < row["order"]]
            if earlier["cycle_id"].nunique() < MIN_OWN:
                continue
            typical = float(earlier["ratio"].median())
            if typical <= 0:
                continue
            rows.append((row["series"], row["kr_id"], row["cycle_id"], row["owner"],
                         earlier["cycle_id"].nunique(), typical, row["target"], row["start"],
                         row["step"], row["final"], row["ratio"]))  # fmt: skip
    columns = ["series", "kr_id", "cycle_id", "owner", "earlier", "typical_ratio", "target",
               "proposed", "final", "actual_score", "proposed_score", "actual_band",
               "proposed_band"]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows, columns=["series", "kr_id", "cycle_id", "owner", "earlier",
                                      "typical_ratio", "target", "start", "step", "final",
                                      "ratio"])  # fmt: skip
    proposed_step = _steps(out["typical_ratio"], out["step"], bands)["proposed"]
    out["proposed"] = out["start"] + proposed_step
    out["actual_score"] = out["ratio"].clip(0.0, 1.0)
    out["proposed_score"] = (out["ratio"] * out["step"] / proposed_step).clip(0.0, 1.0)
    out["actual_band"] = band_of(out["actual_score"], bands).astype("object")
    out["proposed_band"] = band_of(out["proposed_score"], bands).astype("object")
    return out[columns]


def backtest_summary(backtest: pd.DataFrame) -> pd.DataFrame:
    """How often each target landed in the sweet spot. Columns: target ("set by people" /
    "proposed"), key_results, sweet (count), sweet_share, below, above (shares)."""
    rows = []
    for name, band in (("set by people", "actual_band"), ("proposed", "proposed_band")):
        bands = backtest[band] if len(backtest) else pd.Series(dtype="object")
        n = len(bands)
        counts = [(bands == "sweet").sum(), bands.isin(["low", "mid"]).sum(),
                  bands.isin(["high", "maxed"]).sum()]  # fmt: skip
        shares = [float(c) / n if n else float("nan") for c in counts]
        rows.append((name, n, int(counts[0]), *shares))
    return pd.DataFrame(
        rows, columns=["target", "key_results", "sweet", "sweet_share", "below", "above"]
    )


def with_units(key_results: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """The report's key results with the unit each states (`stated`: the dataset's key
    results), ready for `recurring` and `team_ratios`."""
    units = stated[["kr_id", "unit"]].drop_duplicates("kr_id")
    return key_results.drop(columns=["unit"], errors="ignore").merge(units, on="kr_id", how="left")
