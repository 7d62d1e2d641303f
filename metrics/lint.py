"""Quality lint (SPEC §6): OKR writing rules, each finding readable aloud by a coach.

Every rule is a vectorised query that returns the offending rows as findings with the same
columns: rule, kind (objective, key_result or owner), id, title, owner, team_id, cycle_id,
reason. Zero rows is the pass.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.text import numbers

FINDING_COLUMNS = ["rule", "kind", "id", "title", "owner", "team_id", "cycle_id", "reason"]
RULES = {
    "objectives-per-owner": "3–5 objectives per owner per cycle",
    "krs-per-objective": "2–5 key results per objective",
    "not-measurable": "a key result needs a number or a target",
    "activity-not-outcome": "a key result states an outcome, not an activity",
    "missing-owner": "every objective has an owner",
    "duplicate-title": "titles are unique within a cycle (objectives) or objective (KRs)",
    "missing-start": "increase and decrease key results state where they start",
    "target-not-beyond-start": "the target asks for progress beyond the start",
}


def _blank(values: pd.Series) -> pd.Series:
    text = values.astype("object")
    return text.isna() | (text.astype(str).str.strip() == "")


def _quoted(titles: pd.Series) -> pd.Series:
    return '"' + titles.astype("object").fillna("").astype(str).str.strip() + '"'


def _findings(rule: str, kind: str, rows: pd.DataFrame, id_col: str, reason: pd.Series):
    return pd.DataFrame(
        {
            "rule": rule,
            "kind": kind,
            "id": rows[id_col].astype("object"),
            "title": rows["title"].astype("object") if "title" in rows else None,
            "owner": rows["owner"].astype("object"),
            "team_id": rows["team_id"].astype("object"),
            "cycle_id": rows["cycle_id"].astype("object"),
            "reason": reason.astype("object"),
        },
        index=rows.index,
    )


def _range_words(low: int, high: int) -> str:
    return f"{low}–{high}"


def objectives_per_owner(objectives: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    """Owners with fewer or more objectives in a cycle than `objectives_per_owner` allows."""
    low, high = config.objectives_per_owner
    owned = objectives[~_blank(objectives["owner"])]
    counts = owned.groupby(["cycle_id", "owner"], sort=True).size().rename("objectives")
    # the owner's main team: where most of their objectives sit (ties: the first id)
    teams = owned.groupby(["cycle_id", "owner", "team_id"]).size().rename("n").reset_index()
    teams = teams.sort_values(["n", "team_id"], ascending=[False, True], kind="stable")
    main_team = teams.drop_duplicates(["cycle_id", "owner"]).set_index(["cycle_id", "owner"])
    counts = counts.to_frame().join(main_team["team_id"]).reset_index()
    bad = counts[(counts["objectives"] < low) | (counts["objectives"] > high)].copy()
    bad["title"] = None
    too_many = bad["objectives"] > high
    n = bad["objectives"].astype(str)
    noun = pd.Series(np.where(bad["objectives"] == 1, " objective", " objectives"), index=bad.index)
    advice = pd.Series(
        np.where(too_many, "; more dilutes focus", "; fewer leaves the work unstated"),
        index=bad.index,
    )
    reason = (
        bad["owner"].astype(str)
        + " owns "
        + n
        + noun
        + " in "
        + bad["cycle_id"].astype(str)
        + f" ({_range_words(low, high)} recommended)"
        + advice.where(too_many, "")
    )
    return _findings("objectives-per-owner", "owner", bad, "owner", reason)


def krs_per_objective(
    objectives: pd.DataFrame, key_results: pd.DataFrame, config: HealthConfig
) -> pd.DataFrame:
    """Objectives with fewer or more key results than `krs_per_objective` allows."""
    low, high = config.krs_per_objective
    counts = key_results.groupby("objective_id").size()
    n = objectives["objective_id"].map(counts).fillna(0).astype("int64")
    bad = objectives[(n < low) | (n > high)]
    n = n[bad.index]
    many = ("has " + n.astype(str) + " key results").to_numpy()
    words = pd.Series(
        np.select([n == 0, n == 1], ["has no key results", "has 1 key result"], default=many),
        index=bad.index,
    )
    advice = pd.Series(
        np.where(n > high, "more dilutes it", "fewer cannot show whether it was achieved"),
        index=bad.index,
    )
    reason = (
        "objective "
        + _quoted(bad["title"])
        + " "
        + words
        + f" ({_range_words(low, high)} recommended; "
        + advice
        + ")"
    )
    return _findings("krs-per-objective", "objective", bad, "objective_id", reason)


def not_measurable(krs: pd.DataFrame) -> pd.DataFrame:
    """Key results with no number anywhere: no target, no range, and no digit in the title.

    Milestones and baselines are measurable by their nature (done or not; recorded or not)
    when their type is stated.
    """
    stated = krs["stated_type"].astype("object").fillna("").astype(str).str.strip().str.lower()
    binary = stated.isin(["milestone", "baseline"])
    no_target = krs["target_value"].isna() & (krs["range_low"].isna() | krs["range_high"].isna())
    no_number = ~krs["title"].astype("object").fillna("").astype(str).str.contains(r"\d")
    bad = krs[~binary & no_target & no_number]
    reason = "key result " + _quoted(bad["title"]) + " has no number or target to measure it by"
    return _findings("not-measurable", "key_result", bad, "kr_id", reason)


def activity_not_outcome(krs: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    """Key results whose title starts with an activity verb (`activity_verbs`)."""
    verbs = sorted(config.activity_verbs, key=len, reverse=True)
    pattern = r"^\W*(" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs) + r")\b"
    title = krs["title"].astype("object").fillna("").astype(str)
    verb = title.str.extract(pattern, flags=re.IGNORECASE)[0]
    bad = krs[verb.notna()]
    reason = (
        "key result "
        + _quoted(bad["title"])
        + ' names an activity ("'
        + verb[bad.index].str.lower()
        + '") rather than the outcome it should change'
    )
    return _findings("activity-not-outcome", "key_result", bad, "kr_id", reason)


def missing_owner(objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives nobody owns (a key result without an owner inherits its objective's)."""
    bad = objectives[_blank(objectives["owner"])]
    reason = "objective " + _quoted(bad["title"]) + " has no owner, so nobody answers for it"
    return _findings("missing-owner", "objective", bad, "objective_id", reason)


def _normalised(titles: pd.Series) -> pd.Series:
    text = titles.astype("object").fillna("").astype(str).str.casefold()
    return text.str.replace(r"[^\w]+", " ", regex=True).str.strip()


def duplicate_titles(objectives: pd.DataFrame, krs: pd.DataFrame) -> pd.DataFrame:
    """Objectives sharing a title within a cycle; key results sharing one within an
    objective (compared ignoring case, spacing and punctuation)."""
    parts = []
    for kind, frame, scope, id_col, one, many in (
        ("objective", objectives, "cycle_id", "objective_id", "objective in ", "objectives in "),
        (
            "key_result",
            krs,
            "objective_id",
            "kr_id",
            "key result of objective ",
            "key results of objective ",
        ),
    ):
        key = _normalised(frame["title"])
        keyed = frame.assign(_key=key)[key != ""]
        same = keyed.groupby([scope, "_key"])["_key"].transform("size")
        bad = keyed[same > 1]
        others = (same[bad.index] - 1).astype("int64")
        label = bad["cycle_id"] if scope == "cycle_id" else bad["objective_id"]
        reason = (
            _quoted(bad["title"])
            + " is also the title of "
            + others.astype(str)
            + pd.Series(np.where(others == 1, " other " + one, " other " + many), index=bad.index)
            + label.astype(str)
        )
        parts.append(_findings("duplicate-title", kind, bad, id_col, reason))
    return pd.concat(parts)


def missing_start(krs: pd.DataFrame) -> pd.DataFrame:
    """Increase or decrease key results with no start value (scored as if starting at 0)."""
    bad = krs[krs["kr_type"].isin(["increase", "decrease"]) & krs["start_value"].isna()]
    reason = (
        "key result "
        + _quoted(bad["title"])
        + " has no start value; it is scored from 0, which can overstate progress"
    )
    return _findings("missing-start", "key_result", bad, "kr_id", reason)


def target_not_beyond_start(krs: pd.DataFrame) -> pd.DataFrame:
    """Key results whose target asks for no progress (at or below the start for an
    increase, at or above it for a decrease): reached before the cycle begins."""
    start, target = krs["start_value"], krs["target_value"]
    bad = krs[
        ((krs["kr_type"] == "increase") & (target <= start))
        | ((krs["kr_type"] == "decrease") & (target >= start))
    ]
    reason = (
        "key result "
        + _quoted(bad["title"])
        + " targets "
        + numbers(bad["target_value"])
        + " from a start of "
        + numbers(bad["start_value"])
        + ": it is met before any work is done"
    )
    return _findings("target-not-beyond-start", "key_result", bad, "kr_id", reason)


def quality_lint(
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    kr_types: pd.Series,
    config: HealthConfig = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """Every finding of every rule (see `RULES`), ordered by cycle, rule and id.

    `key_results` is the canonical key-result table; `kr_types` its resolved types (aligned
    with it), as `scoring.resolve_kr_type` gives them. Key results report their owner (their
    own, else their objective's) and their objective's team and cycle.
    """
    objs = objectives.drop_duplicates("objective_id")
    parent = objs.set_index("objective_id")
    krs = key_results.assign(
        stated_type=key_results["kr_type"],
        kr_type=kr_types.to_numpy(),
        cycle_id=key_results["objective_id"].map(parent["cycle_id"]),
        team_id=key_results["objective_id"].map(parent["team_id"]),
        owner=key_results["owner"]
        .astype("object")
        .where(~_blank(key_results["owner"]), key_results["objective_id"].map(parent["owner"])),
    )
    parts = [
        objectives_per_owner(objs, config),
        krs_per_objective(objs, krs, config),
        not_measurable(krs),
        activity_not_outcome(krs, config),
        missing_owner(objs),
        duplicate_titles(objs, krs),
        missing_start(krs),
        target_not_beyond_start(krs),
    ]
    out = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    out = out.sort_values(["cycle_id", "rule", "id"], kind="stable", na_position="last")
    return out[FINDING_COLUMNS].reset_index(drop=True)


def lint_counts(findings: pd.DataFrame) -> pd.DataFrame:
    """Number of findings per cycle and rule (every rule a column, zero where clean)."""
    counts = pd.crosstab(findings["cycle_id"], findings["rule"])
    return counts.reindex(columns=list(RULES), fill_value=0).rename_axis(columns=None)
