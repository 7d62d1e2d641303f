"""Validation of the canonical frames of one ingest, before anything is written.

Everything is checked and every problem collected: required values, duplicate ids, key results
and check-ins pointing at nothing (errors), alignment links to missing objectives or key
results (warnings: loaded, and shown as broken), alignment loops (errors), and values out of
range after normalisation. The store's current content counts: a newer export of key results
may point at objectives loaded before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.arrow import isin, positions
from pipelines.map.canonical import Canonical
from pipelines.problems import Severity
from pipelines.store.schema import CHECK_INS, TABLES_BY_NAME

MAX_WEIGHT = 1e6  # weights are relative; a larger one is a typo (or an attempt to overflow)
UNIT_RANGE = {
    "key_results.manual_score": "score",
    "key_results.projected_score": "projected score",
    "check_ins.grade": "grade",
    "check_ins.confidence": "confidence",
}


def _quoted(values: pd.Series) -> pd.Series:
    return '"' + values.astype("str").fillna("") + '"'


def _where_first(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """For each row, where the first row with the same key is: `row N`, or `file:sheet row N`
    when that row is in another source."""
    grouped = frame.groupby(keys, dropna=False)
    row = "row " + grouped["_row"].transform("first").astype("str")
    source = grouped["_source"].transform("first").astype("str")
    return row.where(source == frame["_source"], source + " " + row)


def required_values(canonical: Canonical) -> None:
    for name, frame in canonical.tables.items():
        for column in TABLES_BY_NAME[name].required:
            empty = frame[column].isna()
            message = "required value is empty"
            canonical.report(frame, empty, f"{name}.{column}", message, unless_reported=True)


def duplicate_ids(canonical: Canonical) -> None:
    for name, frame in canonical.tables.items():
        table = TABLES_BY_NAME[name]
        keys = list(table.key)
        if _surely_distinct(frame, keys):
            continue
        complete = frame[keys].notna().all(axis=1)
        repeated = frame[keys].duplicated() & complete
        if not repeated.any():
            continue
        involved = frame[frame[keys].duplicated(keep=False) & complete]
        where = _where_first(involved, keys).reindex(frame.index)
        column = f"{name}.{keys[-1]}"
        if table is CHECK_INS:
            message = "a second check-in of this key result at the same time (first on " + where
            canonical.report(frame, repeated, column, message + ")", "warning")
        else:
            message = f"duplicate {keys[0]} " + _quoted(frame[keys[0]]) + " (first on " + where
            canonical.report(frame, repeated, column, message + ")")


def _surely_distinct(frame: pd.DataFrame, keys: list[str]) -> bool:
    """True when no two rows can share a key, found cheaply: one unique column, or check-ins
    given in order of key result and then time, as exports list them. False means "look"."""
    if len(keys) == 1:
        return bool(frame[keys[0]].is_unique)
    if len(keys) != 2 or frame.empty or frame[keys].isna().any().any():
        return False
    first, second = frame[keys[0]], frame[keys[1]]
    if not pd.api.types.is_datetime64_dtype(second.dtype):
        return False
    codes = pd.factorize(first)[0]  # numbered in order of appearance
    times = second.to_numpy().view("int64")
    step, later = np.diff(codes), np.diff(times)
    return bool(((step > 0) | ((step == 0) & (later > 0))).all())


def _ids(
    canonical: Canonical, stored: dict[str, pd.DataFrame], table: str, column: str
) -> pd.Series:
    """Ids a table will hold after the load: incoming, derived, and stored ones not removed."""
    parts = [stored[table][column]] if table in stored else []
    for source in (canonical.tables, canonical.derived):
        if table in source:
            parts.append(source[table][column].dropna())
    if not parts:
        return pd.Series(dtype="str")
    return pd.concat([p.astype("str") for p in parts], ignore_index=True).drop_duplicates()


def references(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> None:
    objectives = _ids(canonical, stored, "objectives", "objective_id")
    krs = _ids(canonical, stored, "key_results", "kr_id")
    teams = _ids(canonical, stored, "teams", "team_id")
    checks: list[tuple[str, str, pd.Series, str, Severity]] = [
        ("key_results", "objective_id", objectives, "objective", "error"),
        ("check_ins", "kr_id", krs, "key result", "error"),
        ("objectives", "parent_objective_id", objectives, "parent objective", "warning"),
        ("objectives", "parent_kr_id", krs, "parent key result", "warning"),
        ("teams", "parent_team_id", teams, "parent team", "warning"),
    ]
    for table, column, known, what, severity in checks:
        frame = canonical.tables.get(table)
        if frame is None:
            continue
        missing = frame[column].notna() & ~isin(frame[column], known)
        if not missing.any():
            continue
        message = what + " " + _quoted(frame.loc[missing, column]) + " not found"
        if severity == "warning":
            message += " (a broken link: loaded, and shown as broken)"
        canonical.report(frame, missing, f"{table}.{column}", message, severity)


def loop_members(parent: dict[str, str]) -> dict[str, list[str]]:
    """Every node on a cycle of parent links, with the cycle it is on."""
    members: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in parent:
        path: list[str] = []
        position: dict[str, int] = {}
        node = start
        while node in parent and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = parent[node]
        if node in position:
            loop = path[position[node] :]
            members.update({m: loop for m in loop})
        done.update(path)
    return members


def _may_loop(nodes: pd.Series, parents: pd.Series, steps: int = 64) -> bool:
    """False when every chain of parent links ends within `steps` links (then no node is on
    a loop), followed for all nodes at once; True means "look" (`loop_members`)."""
    up = positions(parents, nodes)  # each node's parent, as a position among the nodes
    if up is None:
        return True
    current = up
    for _ in range(steps):
        reached = current >= 0
        if not reached.any():
            return False
        current = np.where(reached, up[np.maximum(current, 0)], -1)
    return True


def _loop_from(loop: list[str], start: str) -> list[str]:
    if start not in loop:
        return [start]
    i = loop.index(start)
    return [*loop[i:], *loop[:i], start]


def alignment_loops(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> None:
    for table, key, column in (
        ("objectives", "objective_id", "parent_objective_id"),
        ("teams", "team_id", "parent_team_id"),
    ):
        frame = canonical.tables.get(table)
        if frame is None or frame[column].isna().all():
            continue
        links = pd.concat([stored[table][[key, column]], frame[[key, column]]])
        links = links.drop_duplicates(key, keep="last").dropna()
        if not _may_loop(links[key], links[column]):
            continue
        members = loop_members(dict(zip(links[key], links[column], strict=True)))
        if not members:
            continue
        in_loop = frame[key].isin(members.keys()) & frame[column].notna()
        paths = pd.Series(
            [" → ".join(_loop_from(members.get(k, []), k)) for k in frame[key]], index=frame.index
        )
        message = "alignment loop: " + paths + " (rejected: a parent cannot be its own descendant)"
        canonical.report(frame, in_loop, f"{table}.{column}", message)


def strict_link_loops(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> None:
    """An objective that is a key result of an objective below itself (O0 is a key result of
    O1, O1 of O0), through strict links (`parent_kr_id`), is an error like a directional loop."""
    frame = canonical.tables.get("objectives")
    if frame is None or frame["parent_kr_id"].isna().all():
        return
    parts = [stored["key_results"][["kr_id", "objective_id"]]]
    if "key_results" in canonical.tables:
        parts.append(canonical.tables["key_results"][["kr_id", "objective_id"]])
    krs = pd.concat(parts).drop_duplicates("kr_id", keep="last").dropna()
    owner = dict(zip(krs["kr_id"], krs["objective_id"], strict=True))
    links = pd.concat([stored["objectives"][["objective_id", "parent_kr_id"]],
                       frame[["objective_id", "parent_kr_id"]]])  # fmt: skip
    links = links.drop_duplicates("objective_id", keep="last").dropna()
    up = {o: owner[k] for o, k in zip(links["objective_id"], links["parent_kr_id"], strict=True)
          if k in owner}  # fmt: skip
    members = loop_members(up)
    if not members:
        return
    in_loop = frame["objective_id"].isin(members.keys()) & frame["parent_kr_id"].notna()
    paths = pd.Series(
        [" → ".join(_loop_from(members.get(k, []), k)) for k in frame["objective_id"]],
        index=frame.index,
    )
    message = "strict-link loop: " + paths + " (rejected: an objective cannot be a key result"
    message += " of an objective it contributes to)"
    canonical.report(frame, in_loop, "objectives.parent_kr_id", message)


def value_ranges(canonical: Canonical) -> None:
    for name, what in UNIT_RANGE.items():
        table, column = name.split(".", 1)
        frame = canonical.tables.get(table)
        if frame is None:
            continue
        values = frame[column]
        outside = (values < 0) | (values > 1)
        if not outside.any():
            continue
        text = values[outside].map("{:g}".format).astype("str")
        message = f"{what} " + text + " is outside 0–1 (after reading 0–10 or 0–100 scales)"
        canonical.report(frame, outside, name, message)
    for table, column in (("key_results", "weight"), ("objectives", "weight")):
        frame = canonical.tables.get(table)
        if frame is not None:
            negative = frame[column] < 0
            canonical.report(frame, negative, f"{table}.{column}", "weight cannot be negative")
            weight = frame[column]
            huge = _quoted(weight[weight > MAX_WEIGHT].map("{:g}".format))
            message = (
                "weight " + huge + f" is above {MAX_WEIGHT:,.0f} (weights are relative: 1–100)"
            )
            canonical.report(frame, weight > MAX_WEIGHT, f"{table}.{column}", message)
            zero = "weight 0: counts for nothing in the score it is part of"
            canonical.report(frame, weight == 0, f"{table}.{column}", zero, "warning")
    krs = canonical.tables.get("key_results")
    if krs is not None:
        inverted = krs["range_low"] > krs["range_high"]
        canonical.report(krs, inverted, "key_results.range_high", "range_low is above range_high")
    cycles = canonical.tables.get("cycles")
    if cycles is not None:
        inverted = cycles["end_date"] < cycles["start_date"]
        canonical.report(cycles, inverted, "cycles.end_date", "the cycle ends before it starts")


def validate(canonical: Canonical, stored: dict[str, pd.DataFrame]) -> None:
    """Run every check; problems are appended to `canonical.problems`.

    `stored` holds the key columns of the store as they will be after the load's removals
    (see `store.removed_by`), so references to rows the load removes count as missing.
    """
    required_values(canonical)
    duplicate_ids(canonical)
    references(canonical, stored)
    alignment_loops(canonical, stored)
    strict_link_loops(canonical, stored)
    value_ranges(canonical)
