"""Quality lint (SPEC §6): OKR writing rules, each finding readable aloud by a coach.

Every rule is a vectorised query that returns the offending rows as findings with the same
columns: rule, kind (objective, key_result or owner), id, title, owner, team_id, cycle_id,
reason. Zero rows is the pass.

The rules read titles and ids through Arrow (`metrics.arrowtext`): text is matched with
Arrow's kernels where they agree with Python's (ASCII text) and in Python elsewhere, and
counts are taken on integer codes of the ids rather than by grouping on text.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics import arrowtext as at
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.wording import numbers

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
_ITEM_COLUMNS = ["id", "title", "owner", "team_id", "cycle_id"]
# Python's \s on ASCII text (RE2's \s leaves out \v and the separators \x1c-\x1f).
_ASCII_SPACE = r"[\x09-\x0d\x1c-\x20]+"


def _quoted(titles: pa.Array) -> pa.Array:
    """Each title stripped and in double quotes ('""' for a missing one)."""
    return at.join('"', at.strip(titles.fill_null("")), '"')


def _findings(
    rule: str, kind: str, rows: pd.DataFrame, id_col: str, reason: pa.Array
) -> pd.DataFrame:
    """The findings of one rule: its rows' item columns (text, as `str`) and reason."""
    parts = {"rule": rule, "kind": kind, "id": rows[id_col]}
    parts |= {c: rows[c] for c in _ITEM_COLUMNS[1:]}
    parts["reason"] = at.series(reason, rows.index)
    return pd.DataFrame(parts, index=rows.index)


def _items(
    frame: pd.DataFrame, rows: np.ndarray | pd.Series, id_col: str, *extra: str
) -> pd.DataFrame:
    """The chosen rows of `frame`, only the columns a finding reads (and `extra`)."""
    return frame[[id_col, *_ITEM_COLUMNS[1:], *extra]][rows]


def _range_words(low: int, high: int) -> str:
    return f"{low}–{high}"


def _nouns(count: np.ndarray, one: str, many: str) -> pa.Array:
    return pa.array(np.where(count == 1, one, many), pa.large_string())


def objectives_per_owner(objectives: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    """Owners with fewer or more objectives in a cycle than `objectives_per_owner` allows.

    An owner's team is their main team: where most of their objectives in the cycle sit
    (ties: the first team id). Objectives without an owner or a cycle are not counted.
    """
    low, high = config.objectives_per_owner
    owner = at.text(objectives["owner"])
    cycle_code, cycles = at.codes(at.text(objectives["cycle_id"]), ordered=True)
    owner_code, owners = at.codes(owner, ordered=True)
    team_code, teams = at.codes(at.text(objectives["team_id"]), ordered=True)
    counted = ~at.blank(owner) & (cycle_code >= 0)
    # groups (cycle, owner) in the order of their values, as a sorted group-by gives them
    pair = cycle_code[counted] * len(owners) + owner_code[counted]
    groups, group_of, count = np.unique(pair, return_inverse=True, return_counts=True)
    team_code = team_code[counted]
    in_team = team_code >= 0
    group_team, n = np.unique(
        group_of[in_team] * len(teams) + team_code[in_team], return_counts=True
    )
    group, team = group_team // max(len(teams), 1), group_team % max(len(teams), 1)
    best = np.lexsort((team, -n, group))  # most objectives first, then the first team id
    first = best[np.r_[True, group[best][1:] != group[best][:-1]]] if len(best) else best
    main_team = np.full(len(groups), -1, dtype=np.int64)
    main_team[group[first]] = team[first]

    bad = (count < low) | (count > high)
    groups, count, main_team = groups[bad], count[bad], main_team[bad]
    owner_text = owners.take(pa.array(groups % len(owners)))
    cycle_text = cycles.take(pa.array(groups // len(owners)))
    too_many = count > high
    reason = at.join(
        owner_text,
        " owns ",
        at.integers(count),
        _nouns(count, " objective", " objectives"),
        " in ",
        cycle_text,
        f" ({_range_words(low, high)} recommended)",
        pa.array(np.where(too_many, "; more dilutes focus", ""), pa.large_string()),
    )
    rows = pd.DataFrame(
        {
            "owner": at.series(owner_text),
            "title": at.series(pa.nulls(len(groups), pa.large_string())),
            "team_id": at.series(at.take(teams, main_team)),
            "cycle_id": at.series(cycle_text),
        }
    )
    return _findings("objectives-per-owner", "owner", rows, "owner", reason)


def krs_per_objective(
    objectives: pd.DataFrame, key_results: pd.DataFrame, config: HealthConfig
) -> pd.DataFrame:
    """Objectives (one row each) with fewer or more key results than `krs_per_objective`
    allows."""
    low, high = config.krs_per_objective
    objective = at.positions(
        at.text(key_results["objective_id"]), at.text(objectives["objective_id"])
    )
    n = np.bincount(objective[objective >= 0], minlength=len(objectives))
    wrong = (n < low) | (n > high)
    bad, n = _items(objectives, wrong, "objective_id"), n[wrong]
    words = np.select(
        [n == 0, n == 1], ["has no key results", "has 1 key result"], default="has many"
    )
    many = at.join("has ", at.integers(n), " key results")
    words = pc.if_else(pa.array(n > 1), many, pa.array(words, pa.large_string()))
    advice = np.where(n > high, "more dilutes it", "fewer cannot show whether it was achieved")
    reason = at.join(
        "objective ",
        _quoted(at.text(bad["title"])),
        " ",
        words,
        f" ({_range_words(low, high)} recommended; ",
        pa.array(advice, pa.large_string()),
        ")",
    )
    return _findings("krs-per-objective", "objective", bad, "objective_id", reason)


def not_measurable(krs: pd.DataFrame) -> pd.DataFrame:
    """Key results with no number anywhere: no target, no range, and no digit in the title.

    Milestones and baselines are measurable by their nature (done or not; recorded or not)
    when their type is stated.
    """
    stated = pc.utf8_lower(at.strip(at.text(krs["stated_type"]).fill_null("")))
    binary = at.mask(pc.is_in(stated, pa.array(["milestone", "baseline"], stated.type)))
    no_target = krs["target_value"].isna() & (krs["range_low"].isna() | krs["range_high"].isna())
    has_number = at.exact(
        at.text(krs["title"]).fill_null(""),
        lambda a: pc.match_substring_regex(a, "[0-9]"),
        lambda s: re.search(r"\d", s) is not None,
    )
    bad = _items(krs, ~binary & no_target.to_numpy() & ~at.mask(has_number), "kr_id")
    reason = at.join(
        "key result ", _quoted(at.text(bad["title"])), " has no number or target to measure it by"
    )
    return _findings("not-measurable", "key_result", bad, "kr_id", reason)


def _activity_pattern(verbs: list[str]) -> str:
    """The activity-verb pattern for Python's re: the title starts with a verb (after any
    punctuation), as a whole word, in any case; a space in a verb is any run of spaces."""
    return r"^\W*(" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs) + r")\b"


def _ascii_activity_pattern(verbs: list[str]) -> str:
    """`_activity_pattern` for RE2, the same on ASCII titles with ASCII verbs."""

    def char(c: str) -> str:
        if c == " ":
            return _ASCII_SPACE
        return c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}"

    alternatives = "|".join("".join(char(c) for c in v) for v in verbs)
    return r"(?i)^[^0-9A-Za-z_]*(?P<verb>" + alternatives + r")\b"


def activity_not_outcome(krs: pd.DataFrame, config: HealthConfig) -> pd.DataFrame:
    """Key results whose title starts with an activity verb (`activity_verbs`)."""
    verbs = sorted(config.activity_verbs, key=len, reverse=True)
    python = re.compile(_activity_pattern(verbs), flags=re.IGNORECASE)
    title = at.text(krs["title"]).fill_null("")

    def slow(value: str) -> str | None:
        found = python.search(value)
        return None if found is None else found.group(1)

    if all(v.isascii() for v in verbs):
        pattern = _ascii_activity_pattern(verbs)

        def fast(titles: pa.Array) -> pa.Array:
            found = pc.extract_regex(titles, pattern)
            return pc.if_else(pc.is_valid(found), found.field("verb"), pa.scalar(None, titles.type))

        verb = at.exact(title, fast, slow)
    else:
        verb = pa.array([slow(v) for v in title.to_pylist()], pa.large_string())
    found = at.mask(pc.is_valid(verb))
    bad = _items(krs, found, "kr_id")
    reason = at.join(
        "key result ",
        _quoted(title.filter(found)),
        ' names an activity ("',
        pc.utf8_lower(verb.filter(found)),
        '") rather than the outcome it should change',
    )
    return _findings("activity-not-outcome", "key_result", bad, "kr_id", reason)


def missing_owner(objectives: pd.DataFrame) -> pd.DataFrame:
    """Objectives nobody owns (a key result without an owner inherits its objective's)."""
    bad = _items(objectives, at.blank(at.text(objectives["owner"])), "objective_id")
    reason = at.join(
        "objective ", _quoted(at.text(bad["title"])), " has no owner, so nobody answers for it"
    )
    return _findings("missing-owner", "objective", bad, "objective_id", reason)


def _normalised(titles: pa.Array) -> pa.Array:
    """Titles compared ignoring case, spacing and punctuation: casefolded, every run of
    non-word characters one space, stripped ('' for a missing title)."""
    word_runs = re.compile(r"[^\w]+")
    return at.exact(
        titles.fill_null(""),
        lambda a: at.strip(pc.replace_substring_regex(pc.ascii_lower(a), r"[^\w]+", " ")),
        lambda s: word_runs.sub(" ", s.casefold()).strip(),
    )


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
        title = at.text(frame["title"])
        key_code, keys = at.codes(_normalised(title))
        scope_code, _ = at.codes(at.text(frame[scope]))
        keyed = (scope_code >= 0) & at.mask(pc.not_equal(keys, "")).take(key_code)
        same = np.zeros(len(frame), dtype=np.int64)
        _, group, size = np.unique(
            scope_code[keyed] * len(keys) + key_code[keyed], return_inverse=True, return_counts=True
        )
        same[keyed] = size[group]
        dup = same > 1
        bad, others = _items(frame, dup, id_col), same[dup] - 1
        reason = at.join(
            _quoted(title.filter(dup)),
            " is also the title of ",
            at.integers(others),
            _nouns(others, " other " + one, " other " + many),
            at.text(frame[scope]).filter(dup),
        )
        parts.append(_findings("duplicate-title", kind, bad, id_col, reason))
    return pd.concat(parts)


def missing_start(krs: pd.DataFrame) -> pd.DataFrame:
    """Increase or decrease key results with no start value (scored as if starting at 0)."""
    bad = _items(
        krs, krs["kr_type"].isin(["increase", "decrease"]) & krs["start_value"].isna(), "kr_id"
    )
    reason = at.join(
        "key result ",
        _quoted(at.text(bad["title"])),
        " has no start value; it is scored from 0, which can overstate progress",
    )
    return _findings("missing-start", "key_result", bad, "kr_id", reason)


def target_not_beyond_start(krs: pd.DataFrame) -> pd.DataFrame:
    """Key results whose target asks for no progress (at or below the start for an
    increase, at or above it for a decrease): reached before the cycle begins."""
    start, target = krs["start_value"], krs["target_value"]
    no_progress = ((krs["kr_type"] == "increase") & (target <= start)) | (
        (krs["kr_type"] == "decrease") & (target >= start)
    )
    bad = _items(krs, no_progress, "kr_id", "start_value", "target_value")
    reason = at.join(
        "key result ",
        _quoted(at.text(bad["title"])),
        " targets ",
        at.text(numbers(bad["target_value"])),
        " from a start of ",
        at.text(numbers(bad["start_value"])),
        ": it is met before any work is done",
    )
    return _findings("target-not-beyond-start", "key_result", bad, "kr_id", reason)


def _key_result_items(
    objectives: pd.DataFrame, key_results: pd.DataFrame, kr_types: pd.Series
) -> pd.DataFrame:
    """Key results with their stated and resolved type, their objective's cycle and team,
    and their owner (their own, else their objective's)."""
    objective = at.positions(
        at.text(key_results["objective_id"]), at.text(objectives["objective_id"]), True
    )
    own = at.text(key_results["owner"])
    inherited = at.take(at.text(objectives["owner"]), objective)
    index = key_results.index
    return key_results.assign(
        stated_type=key_results["kr_type"],
        kr_type=kr_types.to_numpy(),
        cycle_id=at.series(at.take(at.text(objectives["cycle_id"]), objective), index),
        team_id=at.series(at.take(at.text(objectives["team_id"]), objective), index),
        owner=at.series(pc.if_else(pa.array(at.blank(own)), inherited, own), index),
    )


def _ordered(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings of every rule by cycle, rule and id (stable; missing cycles last), with
    the item columns and reasons as Python objects (owner findings have no title: None)."""
    found = [p for p in parts if not p.empty]
    if not found:
        return _objects(parts[0]).reset_index(drop=True)
    out = pd.concat(found, ignore_index=True)
    order = np.lexsort(
        [at.sort_key(at.text(out[c])) for c in ("id", "rule", "cycle_id")]  # last key first
    )
    return _objects(out.take(order)).reset_index(drop=True)


def _objects(findings: pd.DataFrame) -> pd.DataFrame:
    out = findings[FINDING_COLUMNS].astype({c: "object" for c in [*_ITEM_COLUMNS, "reason"]})
    out.loc[(out["rule"] == "objectives-per-owner").to_numpy(), "title"] = None
    return out


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
    krs = _key_result_items(objs, key_results, kr_types)
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
