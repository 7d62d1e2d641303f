"""Hierarchical single tables: each row an objective, a key result or an initiative.

Tools such as Viva Goals, and companies keeping OKRs as an outline, write one table where a
type column (Objective, Key result, KPI, Big rock, Deliverable, …) or outline numbering
(1, 1.1, 1.1.2), a level or indentation tells the kinds apart, and a parent column (an id, a
`Parent Row`, the parent's title) links them. `split_items` turns such rows into the canonical
tables as sources of their own (each row keeping its Excel row): an objective under a key
result is a strict link (`parent_kr_id`), under an objective a directional one
(`parent_objective_id`); a weight on the link is the child's weight. Initiatives, projects,
deliverables and tasks are not key results: counted, never stored or scored.

The rows are read by `outline.py` (a generic outline) or a tool profile into `items.Items`.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.flat import stable_ids
from pipelines.map.items import (
    KEY_RESULT,
    KIND_WORDS,
    OBJECTIVE,
    Items,
    Split,
    as_column,
    blank_to_none,
    kind_of,
    missing,
    not_scored_line,
    plural,
    prose_score,
    row_number,
)
from pipelines.map.outline import outline_items
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable
from pipelines.store.schema import KEY_RESULTS, OBJECTIVES, counted

__all__ = [
    "KEY_RESULT", "KIND_WORDS", "OBJECTIVE", "Items", "Split", "as_column", "blank_to_none",
    "kind_of", "missing", "not_scored_line", "outline_items", "plural", "prose_score",
    "row_number", "split_items",
]  # fmt: skip
MAX_DEPTH = 64  # parent links followed before a loop is assumed
Parents = dict[int, int]  # row → its first parent's row


def row_ids(prefix: str, parts: list[pd.Series]) -> pd.Series:
    """Ids derived from content (`flat.stable_ids`), one per row: in an outline every row is
    an item of its own, so a row whose content repeats an earlier row's (the same title under
    the same team and cycle) is told apart by its occurrence (2, 3…); the first keeps the
    plain id, so a re-import gives the same ids."""
    ids = stable_ids(prefix, parts)
    occurrence = ids.groupby(ids, sort=False).cumcount()
    again = occurrence > 0
    if not again.any():
        return ids
    nth = occurrence.astype("str").where(again, "")
    return stable_ids(prefix, [*parts, nth]).where(again, ids)


def _objective_above(row: int, kind: pd.Series, parent: Parents) -> int | None:
    seen = 0
    current: int | None = parent.get(row)
    while current is not None and seen < MAX_DEPTH:
        if kind.get(current) == OBJECTIVE:
            return current
        current = parent.get(current)
        seen += 1
    return None


def split_items(items: Items) -> Split:
    """Objectives, key results and check-ins of a hierarchical table, as role-tagged sources."""
    src, rows = items.source, items.frame
    out = Split()
    kind = rows["kind"]
    _count_kinds(items, out)
    parents = {row_number(r): p for r, p in rows["parents"].items() if isinstance(p, list) and p}
    first_parent = {r: int(p[0][0]) for r, p in parents.items()}
    link_weight: dict[int, float | None] = {r: p[0][1] for r, p in parents.items()}
    several = sum(1 for p in rows["parents"] if isinstance(p, list) and len(p) > 1)
    if several:
        out.notes.append(
            f"{src.label}: {counted(several, 'item has', 'items have')} more than one parent; "
            "the first is kept as the link"
        )
    objectives = _objectives(items, rows[kind == OBJECTIVE].copy(), first_parent)
    ids = dict(zip(objectives.index, objectives["id"].astype("str"), strict=True))
    krs, holders = _key_results(items, rows[kind == KEY_RESULT].copy(), first_parent, ids, out)
    ids.update(zip(krs.index, krs["id"].astype("str"), strict=True))
    _links(objectives, krs, kind, first_parent, link_weight, ids)
    if len(holders):
        objectives = pd.concat([objectives, holders])
    out.tables.append(_table(src, objectives, OBJECTIVES.column_names, "objectives", items))
    out.tables.append(_table(src, krs, KEY_RESULTS.column_names, "key_results", items))
    if items.check_ins is not None and len(items.check_ins):
        out.tables.append(_check_ins(items, items.check_ins, krs, ids, out))
    return out


def _count_kinds(items: Items, out: Split) -> None:
    """Rows of no known type warned about; what is not scored counted by kind (active rows)."""
    src, rows = items.source, items.frame
    kind = rows["kind"]
    unit = "record" if src.records else "row"  # a JSON file's rows are records
    unknown = rows[kind.isna()]
    if len(unknown):
        listed = ", ".join(str(r) for r in unknown.index[:10])
        more = f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""
        message = (
            f"{counted(len(unknown), unit)} of no known type ({unit}s {listed}{more}); not loaded "
            "(types: Objective, Key result, KPI, Initiative, Deliverable, Project, Task…)"
        )
        out.problems.append(Problem(src.file, src.sheet, None, None, message, "warning"))
    scored = kind.isin([OBJECTIVE, KEY_RESULT])
    active = ~rows.get("archived", pd.Series(False, index=rows.index)).fillna(False).astype(bool)
    out.not_scored = {
        str(k): int(n) for k, n in kind[kind.notna() & ~scored & active].value_counts().items()
    }


def _objectives(items: Items, objectives: pd.DataFrame, first_parent: Parents) -> pd.DataFrame:
    """Objectives with a cycle (their own, an objective's above, else the table's default)
    and an id (their own, else derived from cycle, team and title)."""
    kind = items.frame["kind"]
    if "cycle_id" not in objectives:
        objectives["cycle_id"] = pd.NA
    cycles: dict[int, object] = {row_number(r): c for r, c in objectives["cycle_id"].items()}
    for row in list(cycles):
        if missing(cycles[row]):
            above = _objective_above(row, kind, first_parent)
            cycle: object = None
            while above is not None and cycle is None:
                value = cycles.get(above)
                cycle = None if missing(value) else value
                above = _objective_above(above, kind, first_parent)
            cycles[row] = cycle if cycle is not None else items.default_cycle
    objectives["cycle_id"] = as_column(list(cycles.values()), objectives.index)
    if "id" not in objectives or objectives["id"].isna().any():
        team = objectives.get("team_id", pd.Series(pd.NA, index=objectives.index, dtype="str"))
        derived = row_ids("O-", [objectives["cycle_id"].astype("str"), team, objectives["title"]])
        given = objectives.get("id", pd.Series(pd.NA, index=objectives.index, dtype="object"))
        objectives["id"] = given.where(given.notna(), derived)
    return objectives


def _key_results(
    items: Items, krs: pd.DataFrame, first_parent: Parents, ids: dict[int, str], out: Split
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Key results under the objective above them, with an id (their own, else derived from
    the objective's and their title); those with no objective above go under objectives
    made to hold them (`holders`), listed."""
    kind = items.frame["kind"]
    krs["objective_row"] = [_objective_above(r, kind, first_parent) for r in krs.index]
    orphan = krs["objective_row"].isna()
    holders, held = _holders(items, krs[orphan], out)
    krs["objective_id"] = [
        ids[int(o)] if not missing(o) else held[r]
        for r, o in zip(krs.index, krs["objective_row"], strict=True)
    ]
    if "id" not in krs or krs["id"].isna().any():
        derived = row_ids("KR-", [krs["objective_id"], krs["title"]])
        given = krs.get("id", pd.Series(pd.NA, index=krs.index, dtype="object"))
        krs["id"] = given.where(given.notna(), derived)
    return krs, holders


HOLDER_TITLE = "Key results with no objective"


def _holder_names(items: Items, orphans: pd.DataFrame) -> pd.Series:
    """The name of the objective holding each orphan: the parent it names when that is no
    row of the table (`CEO: Grow revenue` in a `Parent Title`), else one for the file."""
    named = orphans.get("parent_name", pd.Series(None, index=orphans.index, dtype="object"))
    return named.map(lambda n: f"{n} (no objective row)" if blank_to_none(n) else HOLDER_TITLE)


def _holders(
    items: Items, orphans: pd.DataFrame, out: Split
) -> tuple[pd.DataFrame, dict[int, str]]:
    """One objective per name and cycle holding key results that have no objective above
    them, at the first of their rows; a warning lists the rows, so nothing is silent and no
    good row is refused for them."""
    if orphans.empty:
        return pd.DataFrame(columns=["title", "cycle_id", "id"]), {}
    src = items.source
    unit = "record" if src.records else "row"
    cycle = orphans.get("cycle_id", pd.Series(None, index=orphans.index, dtype="object"))
    cycle = cycle.map(lambda c: items.default_cycle if missing(c) else c)
    team = orphans.get("team_id", pd.Series(None, index=orphans.index, dtype="object"))
    held = pd.DataFrame(
        {"title": _holder_names(items, orphans), "cycle_id": cycle, "team_id": team}
    )
    held["id"] = stable_ids("O-", [held["cycle_id"].astype("str"), held["title"]])
    first = held.groupby(["title", "cycle_id"], sort=False, dropna=False).head(1).copy()
    first["objective_id"] = first["id"]
    first["kind"] = OBJECTIVE
    for (title, _cycle), group in held.groupby(["title", "cycle_id"], sort=False, dropna=False):
        listed = ", ".join(str(r) for r in group.index[:10])
        more = f" and {len(group) - 10:,} more" if len(group) > 10 else ""
        message = (
            f"{counted(len(group), 'key result')} with no objective above them ({unit}s "
            f'{listed}{more}): loaded under "{title}", an objective made to hold them'
        )
        out.problems.append(Problem(src.file, src.sheet, None, None, message, "warning"))
    return first, {row_number(r): str(i) for r, i in held["id"].items()}


def _links(
    objectives: pd.DataFrame,
    krs: pd.DataFrame,
    kind: pd.Series,
    first_parent: Parents,
    link_weight: dict[int, float | None],
    ids: dict[int, str],
) -> None:
    """Each objective's parent link (to an objective or a key result) and each row's weight
    (its own, else the weight on its link)."""
    parent_objective, parent_kr, weights = [], [], []
    for row in objectives.index:
        parent = first_parent.get(row)
        parent_kind = kind.get(parent) if parent is not None else None
        parent_id = ids.get(parent) if parent is not None else None
        parent_objective.append(parent_id if parent_kind == OBJECTIVE else None)
        parent_kr.append(parent_id if parent_kind == KEY_RESULT else None)
        weights.append(link_weight.get(row))
    objectives["parent_objective_id"] = parent_objective
    objectives["parent_kr_id"] = parent_kr
    own = objectives.get("weight", pd.Series(None, index=objectives.index, dtype="object"))
    objectives["weight"] = own.where(own.notna(), pd.Series(weights, index=objectives.index))
    own = krs.get("weight", pd.Series(None, index=krs.index, dtype="object"))
    link = pd.Series([link_weight.get(r) for r in krs.index], index=krs.index, dtype="object")
    krs["weight"] = own.where(own.notna(), link)
    objectives["objective_id"] = objectives["id"]
    krs["kr_id"] = krs["id"]


def _check_ins(
    items: Items, checks: pd.DataFrame, krs: pd.DataFrame, ids: dict[int, str], out: Split
) -> SourceTable:
    """Check-ins of the key results loaded; those of other items are counted, not loaded."""
    on_kr = checks["kr_row"].isin(krs.index)
    dropped = int((~on_kr).sum())
    if dropped:
        out.notes.append(
            f"{items.source.label}: {counted(dropped, 'check-in')} of items that are not key "
            "results (deliverables, projects…), not loaded"
        )
    checks = checks[on_kr].copy()
    checks["kr_id"] = [ids[int(r)] for r in checks["kr_row"]]
    columns = ["kr_id", "checked_at", "value", "grade", "confidence", "status", "note"]
    return _table(items.source, checks, [*columns, "author"], "check_ins", items)


def _table(
    src: SourceTable, frame: pd.DataFrame, columns: list[str], role: str, items: Items
) -> SourceTable:
    present = [c for c in columns if c in frame]
    data = frame[present].astype("object").where(frame[present].notna(), None)
    letters = {c: items.letters.get(c, c) for c in present}
    own = {letter: header for header, letter in src.letters.items()}  # the file's headers
    return SourceTable(
        src.file, src.sheet, data, letters, src.header_row, src.decimal_hint, role,
        role.replace("_", " "), records=src.records,
        names={c: own[letters[c]] for c in present if letters[c] in own},
    )  # fmt: skip
