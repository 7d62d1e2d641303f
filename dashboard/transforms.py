"""Pure transforms the pages apply to the cached report (DataFrames in, DataFrames out).

Each is `memoized` per input (dashboard/memo.py): the same filters give the same frames,
so a repeated view does no pandas work here. Results are shared: read them, never assign
into them."""

from __future__ import annotations

from datetime import date
from typing import Literal, TypedDict

import pandas as pd

from dashboard import links
from dashboard.memo import memoized
from metrics.progress.score_paths import check_in_scores
from metrics.scores.bands import band_of, score_bands
from pipelines.arrow import isin

DAY = pd.Timedelta(days=1)


def mean_or_none(values: pd.Series) -> float | None:
    graded = values.dropna()
    return None if graded.empty else float(graded.mean())


class Headline(TypedDict):
    """The Overview's tiles: shares and means (None when nothing is graded), and counts."""

    objective_mean: float | None
    kr_mean: float | None
    sweet_share: float | None
    objectives: float
    key_results: float
    graded: float
    maxed_share: float | None


# The tiles that compare with the previous cycle.
Compared = Literal["objective_mean", "kr_mean", "sweet_share", "maxed_share"]


@memoized()
def headline(objectives: pd.DataFrame, key_results: pd.DataFrame) -> Headline:
    """The Overview's tiles: mean objective and key-result score, sweet-spot share, counts,
    the share maxed at 1.0 (statuses are counted by `overview_frames.verdict`)."""
    graded = key_results["score"].dropna()
    return {
        "objective_mean": mean_or_none(objectives["score"]),
        "kr_mean": mean_or_none(graded),
        "sweet_share": None if graded.empty else float((band_of(graded) == "sweet").mean()),
        "objectives": float(len(objectives)),
        "key_results": float(len(key_results)),
        "graded": float(len(graded)),
        "maxed_share": None if graded.empty else float((graded >= 1.0).mean()),
    }


def delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


@memoized()
def alignment_issues(links: pd.DataFrame, objectives: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Orphans, unsupported top objectives and broken links of the objectives shown."""
    shown = links[isin(links["objective_id"], objectives["objective_id"]).to_numpy()]
    units = objectives.set_index("objective_id")[["team", "department", "score"]]
    shown = shown.join(units, on="objective_id")
    columns = ["objective_id", "cycle_id", "title", "department", "team", "owner", "score"]
    return {
        "orphans": shown.loc[shown["status"] == "orphan", columns],
        "unsupported": shown.loc[shown["unsupported_top"].fillna(False).astype(bool), columns],
        "broken": shown.loc[shown["broken"].fillna(False).astype(bool), [*columns, "parent_id"]],
    }


@memoized()
def with_objective_links(frame: pd.DataFrame, title: str = "title") -> pd.DataFrame:
    """`frame` with its `title` replaced by a link to each objective's page (objective_link,
    first); the ids the link carries are dropped."""
    out = frame.assign(objective_link=links.objective_links(frame, title))
    dropped = (title, "objective_link", "objective_id")
    return out[["objective_link", *(c for c in out.columns if c not in dropped)]]


def objective_family(objectives: pd.DataFrame, objective_id: str) -> dict[str, pd.DataFrame]:
    """An objective's place in the alignment: its parent (0 or 1 row) and its children
    (objectives whose parent, directional or strict, is this one)."""
    rows = objectives[objectives["objective_id"] == objective_id]
    parent_id = rows["parent_id"].iloc[0] if len(rows) else None
    has_parent = isinstance(parent_id, str) and bool(parent_id)
    parent = objectives[objectives["objective_id"] == parent_id] if has_parent else rows.iloc[:0]
    children = objectives[objectives["parent_id"] == objective_id]
    return {"parent": parent, "children": children.sort_values("title")}


def pace_line(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The expected pace of a key result in score terms, as `expected` of
    metrics/progress/status.py: 0 on the first day of its cycle, rising linearly to the sweet
    spot's lower edge on the last (a key result heading there is on track). Columns: when,
    expected."""
    end_score = score_bands().sweet_low
    return pd.DataFrame(
        {"when": [pd.Timestamp(start), pd.Timestamp(end)], "expected": [0.0, end_score]}
    )


def expected_at(when: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Where the linear pace stands at each moment of `when` (0 before the start, 1 after)."""
    span = (pd.Timestamp(end) - pd.Timestamp(start)) / pd.Timedelta(days=1)
    elapsed = (pd.to_datetime(when) - pd.Timestamp(start)) / pd.Timedelta(days=1)
    return (elapsed / span if span > 0 else elapsed * 0.0 + 1.0).clip(0.0, 1.0)


def forecast_line(history: pd.DataFrame, end: pd.Timestamp, forecast: float | None) -> pd.DataFrame:
    """The forecast of a running key result: from its last scored check-in to the forecast
    end-of-cycle score on the cycle's last day (empty without either). Columns: when, score."""
    scored = history[history["score"].notna()]
    if scored.empty or forecast is None or forecast != forecast:
        return pd.DataFrame({"when": pd.Series(dtype="datetime64[us]"), "score": []})
    last = scored.sort_values("checked_at").iloc[-1]
    return pd.DataFrame(
        {"when": [pd.Timestamp(last["checked_at"]), pd.Timestamp(end)],
         "score": [float(last["score"]), float(forecast)]}
    )  # fmt: skip


def key_result_history(
    key_results: pd.DataFrame,
    stated: pd.DataFrame,
    check_ins: pd.DataFrame,
    calendar: pd.DataFrame,
    as_of: date,
) -> pd.DataFrame:
    """Every check-in of `key_results` (scored rows of the report) made by the end of the
    as-of day, with the score it implies by the same rules as the key result's own score
    (`metrics.progress.score_paths.check_in_scores`) and where the expected pace stood that day.

    `stated` holds the key results as stored (for range bounds); `check_ins` the store's
    check-ins of these key results, notes included. Columns: kr_id, checked_at, value,
    grade, confidence, status, note, author, score, expected (elapsed share × the sweet spot's
    lower edge, as the pace line); ordered by key result, time."""
    known = check_ins[pd.to_datetime(check_ins["checked_at"]) < pd.Timestamp(as_of) + DAY]
    known = known.sort_values(["kr_id", "checked_at"]).reset_index(drop=True)
    scored = check_in_scores(key_results, stated, known, calendar)
    codes = scored.frame["kr_code"].to_numpy()
    path = scored.frame.assign(kr_id=scored.kr_ids.take(codes).to_numpy())
    scores = path.set_index(["kr_id", "checked_at"])["score"]
    out = known.join(scores, on=["kr_id", "checked_at"])
    spans = calendar.set_index("cycle_id")
    cycle_of = key_results.set_index("kr_id")["cycle_id"]
    start = out["kr_id"].map(cycle_of).map(spans["start"])
    end = out["kr_id"].map(cycle_of).map(spans["end"])
    span = (end - start).dt.total_seconds()
    elapsed = (pd.to_datetime(out["checked_at"]) - start).dt.total_seconds()
    out["expected"] = (elapsed / span.where(span > 0)).clip(0.0, 1.0) * score_bands().sweet_low
    return out


def owner_objectives(
    objectives: pd.DataFrame, key_results: pd.DataFrame, owner: str
) -> pd.DataFrame:
    """The objectives an owner holds or holds key results in, across cycles, newest first:
    cycle_id, objective_id, title, team, score, their key results (of all and of theirs)."""
    theirs = key_results[key_results["owner"] == owner]
    held = objectives[
        (objectives["owner"] == owner) | isin(objectives["objective_id"], theirs["objective_id"])
    ]
    counts = theirs.groupby("objective_id").size().rename("owned_krs")
    out = held.join(counts, on="objective_id")
    out["owned_krs"] = out["owned_krs"].fillna(0).astype(int)
    out["role"] = (out["owner"] == owner).map({True: "owner", False: "key results"})
    columns = ["cycle_id", "objective_id", "title", "team", "role", "score", "kr_count",
               "owned_krs"]  # fmt: skip
    return out.sort_values(["cycle_id", "title"], ascending=[False, True])[columns]


def discipline_weeks(weeks: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Team weeks with `in_progress` set on the week holding the as-of day: that week has
    not ended, so its share is a count so far, not a week's discipline."""
    start = pd.to_datetime(weeks["week_start"])
    today = pd.Timestamp(as_of)
    return weeks.assign(in_progress=(start <= today) & (today < start + pd.Timedelta(days=7)))


def lint_with_links(
    lint: pd.DataFrame, key_results: pd.DataFrame, objectives: pd.DataFrame
) -> pd.DataFrame:
    """Lint findings with the objective each is about (itself, or its key result's) as a
    link, and the team's name: objective_link, team added."""
    parent = key_results.set_index("kr_id")["objective_id"]
    objective_id = lint["id"].where(lint["kind"] == "objective", lint["id"].map(parent))
    about = objectives.set_index("objective_id")
    out = lint.assign(
        objective_id=objective_id,
        objective=objective_id.map(about["title"]),
        team=objective_id.map(about["team"]),
    )
    out["objective_link"] = links.objective_links(out, "objective")
    return out.drop(columns=["objective"])
