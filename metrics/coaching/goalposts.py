"""Goalposts that moved: what the store's change log shows people did to their own OKRs once
the cycle was under way (docs/metrics.md, "Goalposts that moved").

Pure: the change log arrives as frames (read by reporting/goalposts.py). A *version* is one
recorded write (an import); it is dated by its as-of date (the day its values describe),
else the day it finished. Patterns, each found per key result (or objective) and owner:

  target eased       a later version set the target on the easier side: lower for a key
                     result that increases, higher for one that decreases
  baseline moved     a later version moved the start value on the easier side (lower for an
                     increase, higher for a decrease): the same value then scores higher
  dropped while behind
                     a key result deleted (gone from the import) or archived while its
                     status, judged by the one status rule on its last recorded score, was
                     behind or at risk
  re-scoped          an objective whose title changed, or whose key results were added,
                     removed or retitled
  late jump          a move of at least JUMP_SCORE in score in the cycle's last LATE_DAYS
                     days after at least SILENT_DAYS without a check-in
  confidence never updated
                     at least SAME_CONFIDENCE_MIN check-ins, all with the same confidence

"Later" means a version dated after the cycle's first day; changes made before are planning.
Each finding carries its evidence: the version, its date and source file, old and new values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.progress.status import heading_status, projection
from metrics.scores.bands import ScoreBands, score_bands
from metrics.scores.scoring import attainment, resolve_kr_type
from pipelines.arrow import isin

PATTERNS = (
    "target eased",
    "baseline moved",
    "dropped while behind",
    "re-scoped",
    "late jump",
    "confidence never updated",
)
JUMP_SCORE = 0.3  # a move this large in score …
LATE_DAYS = 7  # … in the cycle's last days …
SILENT_DAYS = 21  # … after three weeks without a check-in
SAME_CONFIDENCE_MIN = 4  # check-ins, all at one confidence
GOALPOST_COLUMNS = [
    "cycle_id", "pattern", "objective_id", "kr_id", "title", "owner", "team_id",
    "import_id", "when", "source", "old", "new", "evidence",
]  # fmt: skip
# The change log of key results and objectives: the table's columns plus these.
VERSION_COLUMNS = ["import_id", "change", "when", "source"]


def _number(x: float | None) -> str:
    return "–" if x is None or pd.isna(x) else f"{float(x):g}"


def _changed_pairs(log: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows a version changed: its removed (old_*) and added row side by side, per key."""
    old = log[log["change"] == "removed"]
    new = log[log["change"] == "added"]
    pairs = old.merge(new, on=["import_id", key], suffixes=("_old", ""))
    return pairs.drop_duplicates(["import_id", key])


def _later(frame: pd.DataFrame, cycles: pd.DataFrame) -> pd.DataFrame:
    """Rows whose version is dated after their cycle's first day (with the cycle's dates)."""
    dates = cycles[["cycle_id", "start_date", "end_date"]].drop_duplicates("cycle_id")
    out = frame.merge(dates, on="cycle_id", how="inner")
    when = pd.to_datetime(out["when"])
    return out[when > pd.to_datetime(out["start_date"])]


def _with_objective(frame: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Key-result rows with their objective's cycle and team, and its owner where the key
    result names none."""
    parents = objectives[["objective_id", "cycle_id", "team_id", "owner"]]
    out = frame.merge(parents.rename(columns={"owner": "objective_owner"}), on="objective_id")
    out["owner"] = out["owner"].where(out["owner"].notna(), out["objective_owner"])
    return out


def _direction(frame: pd.DataFrame, suffix: str = "") -> pd.Series:
    """+1 for a key result that increases, −1 for one that decreases, 0 otherwise."""
    names = ("kr_type", "start_value", "target_value", "range_low", "range_high")
    kinds = resolve_kr_type(pd.DataFrame({c: frame[f"{c}{suffix}"] for c in names}))
    return pd.Series(np.select([kinds == "increase", kinds == "decrease"], [1, -1], 0),
                     index=frame.index)  # fmt: skip


def _finding(frame: pd.DataFrame, pattern: str, old: pd.Series, new: pd.Series,
             evidence: pd.Series) -> pd.DataFrame:  # fmt: skip
    out = frame.assign(pattern=pattern, old=old, new=new, evidence=evidence)
    return out.reindex(columns=GOALPOST_COLUMNS)


def _version_words(frame: pd.DataFrame) -> pd.Series:
    when = pd.to_datetime(frame["when"]).dt.strftime("%d %b %Y")
    source = frame["source"].fillna("").astype(str)
    return ("import " + frame["import_id"].astype(str) + " of " + when
            + np.where(source != "", " (" + source + ")", ""))  # fmt: skip


def moved_goalposts(kr_log: pd.DataFrame, objectives: pd.DataFrame,
                    cycles: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Targets eased and baselines moved on the easier side after the cycle began.

    `kr_log`: history of key results (VERSION_COLUMNS + the key-result columns);
    `objectives`: objective_id, cycle_id, team_id (every objective ever stored);
    `cycles`: cycle_id, start_date, end_date. Columns: GOALPOST_COLUMNS.
    """
    pairs = _changed_pairs(kr_log, "kr_id")
    pairs = _later(_with_objective(pairs, objectives), cycles)
    if pairs.empty:
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    sign = _direction(pairs, "_old")
    version = _version_words(pairs)
    found = []
    for column, pattern, noun in (("target_value", "target eased", "target"),
                                  ("start_value", "baseline moved", "baseline")):  # fmt: skip
        old, new = pairs[f"{column}_old"], pairs[column]
        easier = ((sign > 0) & (new < old)) | ((sign < 0) & (new > old))
        if column == "start_value":  # a start lowered to meet a lowered target is the target
            easier &= pairs["target_value"] == pairs["target_value_old"]
        rows = pairs[easier.fillna(False)]
        if rows.empty:
            continue
        kind = np.where(sign[rows.index] > 0, "increases", "decreases")
        words = (f"{noun} " + rows[f"{column}_old"].map(_number) + " → "
                 + rows[column].map(_number) + " (the key result " + kind + ") in "
                 + version[rows.index])  # fmt: skip
        found.append(_finding(rows, pattern, rows[f"{column}_old"], rows[column], words))
    return _concat(found)


def dropped_while_behind(
    kr_log: pd.DataFrame,
    objectives: pd.DataFrame,
    cycles: pd.DataFrame,
    bands: ScoreBands | None = None,
) -> pd.DataFrame:
    """Key results deleted, or archived, by a version dated inside their cycle while behind
    or at risk: their score from the last row stored before, projected to the cycle's end
    at that day (the status rule's straight line). Columns: GOALPOST_COLUMNS (old = the
    score then, new = the heading)."""
    bands = bands or score_bands()
    removed = kr_log[kr_log["change"] == "removed"]
    added = kr_log[kr_log["change"] == "added"]
    readded = removed.merge(added[["import_id", "kr_id", "archived"]], on=["import_id", "kr_id"],
                            how="left", indicator=True, suffixes=("", "_new"))  # fmt: skip
    deleted = readded["_merge"] == "left_only"
    archived = (readded["_merge"] == "both") & readded["archived_new"].eq(True) \
        & ~readded["archived"].eq(True)  # fmt: skip
    gone = readded[deleted | archived].assign(
        how=np.where(deleted[deleted | archived], "deleted", "archived")
    )
    gone = _later(_with_objective(gone, objectives), cycles)
    gone = gone[pd.to_datetime(gone["when"]) <= pd.to_datetime(gone["end_date"])]
    if gone.empty:
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    gone = gone.reset_index(drop=True)
    score = pd.Series(attainment(gone, resolve_kr_type(gone), gone["current_value"]))
    score = score.clip(0.0, 1.0)
    start, end = pd.to_datetime(gone["start_date"]), pd.to_datetime(gone["end_date"])
    elapsed = (pd.to_datetime(gone["when"]) - start) / (end - start)
    heading = projection(score, elapsed)
    status = heading_status(score, heading, score.notna(), bands)
    behind = status.isin(["behind", "at risk"])
    rows = gone[behind]
    if rows.empty:  # every key result dropped was on track: nothing to say (nor to join)
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    words = (
        rows["how"]
        + " while "
        + status[behind]
        + ": score "
        + score[behind].map(lambda s: f"{s:.2f}")
        + ", heading for "
        + heading[behind].map(lambda s: f"{s:.2f}")
        + ", in "
        + _version_words(rows)
    )
    return _finding(rows, "dropped while behind", score[behind], heading[behind], words)


def rescoped(kr_log: pd.DataFrame, objective_log: pd.DataFrame, objectives: pd.DataFrame,
             cycles: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Objectives re-titled, or whose key results were added, removed or re-titled, by a
    version dated after the cycle began (a key result's first import into a store that
    already held its objective counts as added). Columns: GOALPOST_COLUMNS, one row per
    objective and version, the changes listed in the evidence."""
    parts = []
    titled = _changed_pairs(objective_log, "objective_id")
    titled = titled[titled["title"] != titled["title_old"]]
    parts.append(titled.assign(what="title “" + titled["title_old"].astype(str) + "” → “"
                               + titled["title"].astype(str) + "”", kr_id=None))  # fmt: skip
    removed = kr_log[kr_log["change"] == "removed"]
    added = kr_log[kr_log["change"] == "added"]
    both = removed.merge(added, on=["import_id", "kr_id"], suffixes=("_old", ""))
    retitled = both[both["title"] != both["title_old"]]
    parts.append(retitled.assign(what="key result “" + retitled["title_old"].astype(str)
                                 + "” → “" + retitled["title"].astype(str) + "”"))  # fmt: skip
    only_old = removed[~removed.set_index(["import_id", "kr_id"]).index.isin(
        both.set_index(["import_id", "kr_id"]).index)]  # fmt: skip
    parts.append(only_old.assign(what="key result “" + only_old["title"].astype(str)
                                 + "” removed"))  # fmt: skip
    first_seen = kr_log[kr_log["change"] == "added"].groupby("kr_id")["import_id"].min()
    objective_first = objective_log[objective_log["change"] == "added"].groupby(
        "objective_id")["import_id"].min()  # fmt: skip
    new_krs = added[added["import_id"] == added["kr_id"].map(first_seen)]
    new_krs = new_krs[new_krs["import_id"] > new_krs["objective_id"].map(objective_first)]
    parts.append(new_krs.assign(what="key result “" + new_krs["title"].astype(str)
                                + "” added"))  # fmt: skip
    changes = pd.concat([p.reindex(columns=["import_id", "objective_id", "when", "source",
                                            "what"]) for p in parts if not p.empty] or
                        [pd.DataFrame(columns=["import_id", "objective_id", "when", "source",
                                               "what"])], ignore_index=True)  # fmt: skip
    current = objectives[["objective_id", "cycle_id", "team_id", "title", "owner"]]
    changes = _later(changes.merge(current, on="objective_id"), cycles)
    if changes.empty:
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    keys = ["import_id", "objective_id"]
    grouped = (
        changes.groupby(keys, sort=True)
        .agg(
            what=("what", lambda s: "; ".join(sorted(set(s)))),
            **{
                c: (c, "first") for c in ("when", "source", "cycle_id", "team_id", "title", "owner")
            },
        )
        .reset_index()
    )
    words = "re-scoped in " + _version_words(grouped) + ": " + grouped["what"]
    return _finding(grouped, "re-scoped", pd.Series(None, index=grouped.index),
                    pd.Series(None, index=grouped.index), words)  # fmt: skip


def check_in_score(key_results: pd.DataFrame, check_ins: pd.DataFrame) -> pd.Series:
    """Each check-in's score: its grade, else its value scored against its key result
    (`key_results`: kr_id, kr_type, start_value, target_value, range_low, range_high)."""
    kr = key_results.set_index("kr_id").reindex(check_ins["kr_id"]).reset_index(drop=True)
    kinds = resolve_kr_type(kr)
    values = pd.Series(attainment(kr, kinds, check_ins["value"].reset_index(drop=True)))
    grade = check_ins["grade"].reset_index(drop=True).astype("float64")
    out = grade.where(grade.notna(), values.clip(0.0, 1.0))
    return pd.Series(out.to_numpy(), index=check_ins.index)


def late_jumps(key_results: pd.DataFrame, check_ins: pd.DataFrame,
               cycles: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Key results silent for SILENT_DAYS or more that then move by JUMP_SCORE or more in
    score within their cycle's last LATE_DAYS days (from the score before the silence, or 0
    when the silence began at the cycle's start).

    `key_results`: kr_id, objective_id, cycle_id, title, owner, team_id and the scoring
    columns; `check_ins`: kr_id, checked_at, value, grade. Columns: GOALPOST_COLUMNS (old
    and new are scores; import_id and source empty: check-ins are not versions)."""
    krs = key_results.drop_duplicates("kr_id")
    # Only key results with a check-in in their cycle's last days can jump: the rest is
    # left out before any check-in is scored.
    ends = krs["cycle_id"].map(cycles.drop_duplicates("cycle_id").set_index("cycle_id")
                               ["end_date"])  # fmt: skip
    last_days = pd.Series(pd.to_datetime(ends).to_numpy(), index=krs["kr_id"].to_numpy())
    when = pd.to_datetime(check_ins["checked_at"]).dt.normalize()
    cutoff = check_ins["kr_id"].map(last_days) - pd.Timedelta(days=LATE_DAYS)
    jumpers = pd.unique(check_ins.loc[(when > cutoff).to_numpy(), "kr_id"])
    ins = check_ins[isin(check_ins["kr_id"], jumpers).to_numpy()].copy()  # C++, not a loop
    ins["score"] = check_in_score(krs, ins)
    ins = ins[ins["score"].notna()]
    ins = ins.merge(krs[["kr_id", "cycle_id"]], on="kr_id").merge(
        cycles[["cycle_id", "start_date", "end_date"]], on="cycle_id")  # fmt: skip
    ins["day"] = pd.to_datetime(ins["checked_at"]).dt.normalize()
    end = pd.to_datetime(ins["end_date"])
    ins = ins.sort_values(["kr_id", "day"], kind="stable")
    late = ins["day"] > end - pd.Timedelta(days=LATE_DAYS)
    # Per key result: the window's first day, last day and last score; before the window,
    # the last check-in's day and score (the cycle's start and 0 when there is none).
    window = ins[late].groupby("kr_id", sort=True).agg(
        first=("day", "min"), when=("day", "max"), new=("score", "last"),
        start=("start_date", "first"),
    )  # fmt: skip
    before = ins[~late].groupby("kr_id").agg(since=("day", "max"), old=("score", "last"))
    jumps = window.join(before, how="left")
    jumps["since"] = jumps["since"].fillna(pd.to_datetime(jumps["start"]))
    jumps["old"] = jumps["old"].fillna(0.0).astype("float64")
    jumps["silent"] = (jumps["first"] - jumps["since"]).dt.days
    moved = jumps["new"].astype("float64") - jumps["old"] >= JUMP_SCORE - 1e-9
    jumps = jumps[(jumps["silent"] >= SILENT_DAYS) & moved].reset_index()
    if jumps.empty:
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    jumps = jumps[["kr_id", "when", "old", "new", "silent", "since"]]
    jumps = jumps.merge(krs.drop(columns=["when"], errors="ignore"), on="kr_id")
    words = (
        "score " + jumps["old"].map(lambda s: f"{s:.2f}") + " → "
        + jumps["new"].map(lambda s: f"{s:.2f}") + " on "
        + jumps["when"].dt.strftime("%d %b %Y") + ", in the cycle's last "
        + str(LATE_DAYS) + " days, after " + jumps["silent"].astype(str)
        + " days without a check-in (since " + jumps["since"].dt.strftime("%d %b %Y") + ")"
    )  # fmt: skip
    jumps["when"] = jumps["when"].dt.date
    return _finding(jumps, "late jump", jumps["old"], jumps["new"], words)


def confidence_never_updated(key_results: pd.DataFrame, check_ins: pd.DataFrame) -> pd.DataFrame:
    """Key results with SAME_CONFIDENCE_MIN or more check-ins stating a confidence, every one
    the same. Columns: GOALPOST_COLUMNS (new = that confidence, when = the last check-in)."""
    rated = check_ins[check_ins["confidence"].notna()]
    per = rated.groupby("kr_id").agg(
        n=("confidence", "size"), distinct=("confidence", "nunique"),
        confidence=("confidence", "first"), first=("checked_at", "min"),
        last=("checked_at", "max"),
    )  # fmt: skip
    same = per[(per["n"] >= SAME_CONFIDENCE_MIN) & (per["distinct"] == 1)].reset_index()
    same = same.merge(key_results.drop_duplicates("kr_id"), on="kr_id")
    if same.empty:
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    words = (
        same["n"].astype(str) + " check-ins from " + pd.to_datetime(same["first"]).dt.strftime(
            "%d %b %Y") + " to " + pd.to_datetime(same["last"]).dt.strftime("%d %b %Y")
        + ", every one at confidence " + same["confidence"].map(lambda c: f"{c:.0%}")
    )  # fmt: skip
    same["when"] = pd.to_datetime(same["last"]).dt.date
    return _finding(same, "confidence never updated", same["confidence"], same["confidence"],
                    words)  # fmt: skip


def goalposts(
    kr_log: pd.DataFrame,
    objective_log: pd.DataFrame,
    key_results: pd.DataFrame,
    check_ins: pd.DataFrame,
    cycles: pd.DataFrame,
    bands: ScoreBands | None = None,
) -> pd.DataFrame:
    """Every pattern of the module docstring, in PATTERNS order, then by cycle and date.

    `kr_log`, `objective_log`: the change logs (VERSION_COLUMNS + the table's columns);
    `key_results`: the current key results (kr_id, objective_id, cycle_id, title, owner,
    team_id and the scoring columns); `check_ins`: kr_id, checked_at, value, grade,
    confidence; `cycles`: cycle_id, start_date, end_date. Columns: GOALPOST_COLUMNS.
    """
    latest = objective_log.sort_values("import_id").drop_duplicates("objective_id", keep="last")
    every_objective = latest[["objective_id", "cycle_id", "team_id", "title", "owner"]]
    parts = [
        moved_goalposts(kr_log, every_objective, cycles),
        dropped_while_behind(kr_log, every_objective, cycles, bands),
        rescoped(kr_log, objective_log, every_objective, cycles),
        late_jumps(key_results, check_ins, cycles),
        confidence_never_updated(key_results, check_ins),
    ]
    out = _concat(parts)
    if out.empty:
        return out
    out["_order"] = out["pattern"].map({p: i for i, p in enumerate(PATTERNS)})
    out = out.sort_values(["_order", "cycle_id", "when", "kr_id"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def goalposts_by_owner(found: pd.DataFrame) -> pd.DataFrame:
    """How many findings of each pattern each owner has. Columns: owner, findings, then one
    column per pattern."""
    if found.empty:
        return pd.DataFrame(columns=["owner", "findings", *PATTERNS])
    counts = pd.crosstab(found["owner"], found["pattern"]).reindex(
        columns=list(PATTERNS), fill_value=0)  # fmt: skip
    counts.insert(0, "findings", counts.sum(axis=1))
    return counts.rename_axis(columns=None).reset_index().sort_values(
        ["findings", "owner"], ascending=[False, True]).reset_index(drop=True)  # fmt: skip


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    kept = [p.astype("object") for p in parts if not p.empty]
    if not kept:
        return pd.DataFrame(columns=GOALPOST_COLUMNS)
    return pd.concat(kept, ignore_index=True)[GOALPOST_COLUMNS]
