"""Quality lint (docs/metrics.md, "Quality lint"): OKR writing rules, each finding readable aloud
by a coach.

Every rule is a function of the objectives or key results (pandas frames) that returns the
offending rows as findings with the same columns: rule, kind (objective, key_result or
owner), id, title, owner, team_id, cycle_id, reason. Zero rows is the pass.

To add a rule: write `def my_rule(krs) -> pd.DataFrame` that picks the rows (a boolean
mask), words a reason per row (`quoted(title) + " ..."`), returns `findings(...)`, and list it
in `quality_lint` and, with its title and advice, in `lint_rules.lint_rules`. Text is
matched with Python's own `re` and string methods (`per_text` runs them once per distinct
title: titles repeat), so a rule reads Unicode as Python does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from metrics.coaching import lint_text
from metrics.coaching.lint_rules import RULE_TITLES
from metrics.coaching.wording import numbers
from metrics.config import DEFAULT_CONFIG, HealthConfig
from pipelines import arrow as at
from pipelines.kr_types import DONE_OR_NOT_TYPES, KrType

FINDING_COLUMNS = ["rule", "kind", "id", "title", "owner", "team_id", "cycle_id", "reason"]
RULES = RULE_TITLES  # rule id → the finding in words (metrics/coaching/lint_rules.py)
_ITEM_COLUMNS = ["id", "title", "owner", "team_id", "cycle_id"]
_WORD_RUNS = re.compile(r"[^\w]+")


# --- helpers every rule uses ----------------------------------------------------------------


def per_text(values: pd.Series, rule: Callable[[str], Any]) -> pd.Series:
    """`rule(text)` of each value ('' for a missing one), computed once per distinct value."""
    codes, distinct = pd.factorize(values.fillna(""))
    results = np.array([rule(str(v)) for v in distinct.tolist()], dtype="object")
    return pd.Series(results[codes], index=values.index, dtype="object")


def is_blank(values: pd.Series) -> pd.Series:
    """Missing, or nothing but whitespace."""
    if pd.api.types.is_numeric_dtype(values):  # a column read with no text at all
        return values.isna()
    return values.isna() | (values.fillna("").str.strip() == "")


def quoted(titles: pd.Series) -> pd.Series:
    """Each title stripped and in double quotes ('""' for a missing one)."""
    return '"' + titles.fillna("").astype("str").str.strip() + '"'


def as_text(values: pd.Series | np.ndarray, index: pd.Index) -> pd.Series:
    """Numbers or words as a `str` Series on `index`: 3 → '3'."""
    return pd.Series(np.asarray(values), index=index).astype("str")


def findings(
    rule: str, kind: str, rows: pd.DataFrame, id_col: str, reason: pd.Series
) -> pd.DataFrame:
    """The findings of one rule: its rows' item columns and a reason for each."""
    parts = {"rule": rule, "kind": kind, "id": rows[id_col]}
    parts |= {c: rows[c] for c in _ITEM_COLUMNS[1:]}
    parts["reason"] = reason
    return pd.DataFrame(parts, index=rows.index)


def _recommended(low: int, high: int) -> str:
    return f"{low}–{high} recommended"


# --- the rules --------------------------------------------------------------------------------


def objectives_per_owner(objectives: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    """Owners with fewer or more objectives in a cycle than `objectives_per_owner` allows.

    An owner's team is their main team: where most of their objectives in the cycle sit
    (ties: the first team id). Objectives without an owner or a cycle are not counted.
    """
    low, high = config.objectives_per_owner
    counted = objectives[~is_blank(objectives["owner"]) & objectives["cycle_id"].notna()]
    per_owner = counted.groupby(["cycle_id", "owner"]).size().rename("count").reset_index()
    per_team = counted.groupby(["cycle_id", "owner", "team_id"]).size().rename("n").reset_index()
    main = per_team.sort_values(["n", "team_id"], ascending=[False, True], kind="stable")
    main = main.drop_duplicates(["cycle_id", "owner"]).drop(columns="n")
    owners = per_owner.merge(main, on=["cycle_id", "owner"], how="left")
    n = owners["count"]
    bad = owners[(n < low) | (n > high)].assign(title=None)
    n = bad["count"]
    reason = (
        bad["owner"]
        + " owns "
        + as_text(n, bad.index)
        + as_text(np.where(n == 1, " objective", " objectives"), bad.index)
        + " in "
        + bad["cycle_id"]
        + f" ({_recommended(low, high)})"
        + as_text(np.where(n > high, "; more dilutes focus", ""), bad.index)
    )
    return findings("objectives-per-owner", "owner", bad, "owner", reason)


def krs_per_objective(
    objectives: pd.DataFrame, key_results: pd.DataFrame, config: HealthConfig
) -> pd.DataFrame:
    """Objectives (one row each) with fewer or more key results than `krs_per_objective`
    allows."""
    low, high = config.krs_per_objective
    counts = key_results["objective_id"].value_counts()
    n_all = objectives["objective_id"].map(counts).fillna(0).astype("int64")
    wrong = (n_all < low) | (n_all > high)
    bad, n = objectives[wrong], n_all[wrong]
    words = np.where(n == 0, "has no key results", "has " + n.astype("str") + " key results")
    words = np.where(n == 1, "has 1 key result", words)
    advice = np.where(n > high, "more dilutes it", "fewer cannot show whether it was achieved")
    reason = (
        "objective "
        + quoted(bad["title"])
        + " "
        + as_text(words, bad.index)
        + f" ({_recommended(low, high)}; "
        + as_text(advice, bad.index)
        + ")"
    )
    return findings("krs-per-objective", "objective", bad, "objective_id", reason)


def not_measurable(krs: pd.DataFrame) -> pd.DataFrame:
    """Key results with no number anywhere: no target, no range, and no digit in the title.

    Milestones and baselines are measurable by their nature (done or not; recorded or not)
    when their type is stated.
    """
    stated_type = krs["stated_type"]
    if pd.api.types.is_numeric_dtype(stated_type):  # no type stated anywhere: all missing
        stated_type = stated_type.astype("object")
    stated = stated_type.fillna("").astype("str").str.strip().str.lower()
    done_or_not = stated.isin(DONE_OR_NOT_TYPES)
    no_target = krs["target_value"].isna() & (krs["range_low"].isna() | krs["range_high"].isna())
    has_number = lint_text.has_digit(krs["title"], lambda t: re.search(r"\d", t) is not None)
    bad = krs[~done_or_not & no_target & ~has_number]
    reason = "key result " + quoted(bad["title"]) + " has no number or target to measure it by"
    return findings("not-measurable", "key_result", bad, "kr_id", reason)


def activity_pattern(verbs: list[str]) -> re.Pattern[str]:
    """The title starts with an activity verb (after any punctuation), as a whole word, in any
    case; a space in a verb is any run of whitespace."""
    words = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs)
    return re.compile(r"^\W*(" + words + r")\b", flags=re.IGNORECASE)


def activity_not_outcome(krs: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    """Key results whose title starts with an activity verb (`activity_verbs`)."""
    verbs_longest_first = sorted(config.activity_verbs, key=len, reverse=True)
    pattern = activity_pattern(verbs_longest_first)

    def verb(title: str) -> str | None:
        found = pattern.search(title)
        return None if found is None else found.group(1).lower()

    verbs = lint_text.leading_verb(krs["title"], verbs_longest_first, verb)
    if verbs is None:  # a verb only Python reads right
        verbs = per_text(krs["title"], verb)
    named = verbs.notna()
    bad = krs[named]
    reason = (
        "key result "
        + quoted(bad["title"])
        + ' names an activity ("'
        + verbs[named].astype("str")
        + '") rather than the outcome it should change'
    )
    return findings("activity-not-outcome", "key_result", bad, "kr_id", reason)


def missing_owner(objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives nobody owns (a key result without an owner inherits its objective's)."""
    bad = objectives[is_blank(objectives["owner"])]
    reason = "objective " + quoted(bad["title"]) + " has no owner, so nobody answers for it"
    return findings("missing-owner", "objective", bad, "objective_id", reason)


def normalised_title(title: str) -> str:
    """A title compared ignoring case, spacing and punctuation: casefolded, every run of
    non-word characters one space, stripped."""
    return _WORD_RUNS.sub(" ", title.casefold()).strip()


def _duplicates(frame: pd.DataFrame, scope: str) -> pd.Series:
    """How many other rows of the same `scope` share each row's title (normalised)."""
    key = lint_text.normalised(frame["title"], normalised_title)
    rows = np.flatnonzero((frame[scope].notna() & (key != "")).to_numpy())
    taken = pa.array(rows)
    group, _ = at.groups(at.text(frame[scope]).take(taken), at.text(key).take(taken))
    others = np.zeros(len(frame), dtype="int64")
    others[rows] = np.bincount(group)[group] - 1  # a group's size, less the row itself
    return pd.Series(others, index=frame.index)


def duplicate_titles(objectives: pd.DataFrame, krs: pd.DataFrame) -> pd.DataFrame:
    """Objectives sharing a title within a cycle; key results sharing one within an
    objective (compared ignoring case, spacing and punctuation)."""
    parts = []
    for kind, frame, scope, id_col, noun in (
        ("objective", objectives, "cycle_id", "objective_id", ("objective", "objectives", "in")),
        ("key_result", krs, "objective_id", "kr_id", ("key result", "key results", "of objective")),
    ):
        others = _duplicates(frame, scope)
        bad, others = frame[others > 0], others[others > 0]
        one, many, where = noun
        reason = (
            quoted(bad["title"])
            + " is also the title of "
            + as_text(others, bad.index)
            + as_text(
                np.where(others == 1, f" other {one} {where} ", f" other {many} {where} "),
                bad.index,
            )  # fmt: skip
            + bad[scope].astype("str")
        )
        parts.append(findings("duplicate-title", kind, bad, id_col, reason))
    return pd.concat(parts)


def missing_start(krs: pd.DataFrame) -> pd.DataFrame:
    """Increase or decrease key results with no start value (scored as if starting at 0)."""
    moving = krs["kr_type"].isin([KrType.INCREASE, KrType.DECREASE])
    bad = krs[moving & krs["start_value"].isna()]
    reason = (
        "key result "
        + quoted(bad["title"])
        + " has no start value; it is scored from 0, which can overstate progress"
    )
    return findings("missing-start", "key_result", bad, "kr_id", reason)


def target_not_beyond_start(krs: pd.DataFrame) -> pd.DataFrame:
    """Key results whose target asks for no progress (at or below the start for an
    increase, at or above it for a decrease): reached before the cycle begins."""
    start, target = krs["start_value"], krs["target_value"]
    no_progress = ((krs["kr_type"] == KrType.INCREASE) & (target <= start)) | (
        (krs["kr_type"] == KrType.DECREASE) & (target >= start)
    )
    bad = krs[no_progress]
    reason = (
        "key result "
        + quoted(bad["title"])
        + " targets "
        + numbers(bad["target_value"])
        + " from a start of "
        + numbers(bad["start_value"])
        + ": it is met before any work is done"
    )
    return findings("target-not-beyond-start", "key_result", bad, "kr_id", reason)


# --- all rules at once ------------------------------------------------------------------------


def key_result_items(
    objectives: pd.DataFrame, key_results: pd.DataFrame, kr_types: pd.Series
) -> pd.DataFrame:
    """Key results with their stated and resolved type, their objective's cycle and team,
    and their owner (their own, else their objective's)."""
    # Each key result's objective, found once (-1: none); its columns follow by position.
    row = pd.Index(objectives["objective_id"]).get_indexer(key_results["objective_id"])

    def of_objective(column: str) -> np.ndarray:
        values = objectives[column].astype("object").to_numpy()
        return np.where(row >= 0, values[row], np.array(None))  # None: no such objective

    own = key_results["owner"]
    inherited = pd.Series(of_objective("owner"), index=key_results.index)
    return key_results.assign(
        stated_type=key_results["kr_type"],
        kr_type=kr_types.to_numpy(),
        cycle_id=pd.Series(of_objective("cycle_id"), index=key_results.index, dtype="str"),
        team_id=pd.Series(of_objective("team_id"), index=key_results.index, dtype="str"),
        owner=own.where(~is_blank(own), inherited).astype("str"),
    )


def _ordered(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings of every rule by cycle, rule and id (missing cycles last), with the item
    columns and reasons as Python objects (owner findings have no title: None)."""
    found = [p for p in parts if not p.empty]
    out = pd.concat(found, ignore_index=True) if found else parts[0].reset_index(drop=True)
    out = out.sort_values(["cycle_id", "rule", "id"], na_position="last", kind="stable")
    out = out[FINDING_COLUMNS].astype({c: "object" for c in [*_ITEM_COLUMNS, "reason"]})
    out = out.where(out.notna(), None)
    return out.reset_index(drop=True)


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
    krs = key_result_items(objs, key_results, kr_types)
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
    return _ordered(parts)


def lint_counts(findings: pd.DataFrame) -> pd.DataFrame:
    """Number of findings per cycle and rule (every rule a column, zero where clean)."""
    counts = pd.crosstab(findings["cycle_id"], findings["rule"])
    return counts.reindex(columns=list(RULES), fill_value=0).rename_axis(columns=None)
