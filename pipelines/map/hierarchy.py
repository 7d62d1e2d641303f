"""Hierarchical single tables: each row an objective, a key result or an initiative.

Tools such as Viva Goals, and companies keeping OKRs as an outline, write one table where a
type column (Objective, Key result, KPI, Big rock, Deliverable, …) or outline numbering
(1, 1.1, 1.1.2), a level or indentation tells the kinds apart, and a parent column (an id, a
`Parent Row`, the parent's title) links them. `split_items` turns such rows into the canonical
tables as sources of their own (each row keeping its Excel row): an objective under a key
result is a strict link (`parent_kr_id`), under an objective a directional one
(`parent_objective_id`); a weight on the link is the child's weight. Initiatives, projects,
deliverables and tasks are not key results: counted, never stored or scored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd

from pipelines.map.flat import stable_ids
from pipelines.map.synonyms import CYCLE, OWNER, TEAM, normalise_header
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable
from pipelines.store.schema import KEY_RESULTS, OBJECTIVES, counted

OBJECTIVE, KEY_RESULT = "objective", "key_result"
KIND_WORDS: dict[str, str] = {
    **dict.fromkeys(("objective", "objectives", "goal", "goals", "big rock", "bigrock", "okr",
                     "theme", "strategic objective", "company objective", "team objective",
                     "aspirational goal", "committed goal", "o"), OBJECTIVE),
    **dict.fromkeys(("key result", "key results", "keyresult", "kr", "krs", "kpi", "metric",
                     "measure", "outcome", "kr metric", "k"), KEY_RESULT),
    **{w: w for w in ("initiative", "project", "deliverable", "task", "milestone", "action",
                      "epic", "feature", "activity")},
    "initiatives": "initiative", "projects": "project", "deliverables": "deliverable",
    "tasks": "task", "milestones": "milestone", "actions": "action", "epics": "epic",
}  # fmt: skip
NOT_SCORED_PLURAL = {"activity": "activities"}
SAMPLE = 50  # labels tried on a table's first rows before all of them
MAX_DEPTH = 64  # parent links followed before a loop is assumed
# An outline label as people write it: `1.`, `1.2`, `1.1.a`, `1.2)`, `O1`, `KR1.2`, `Objective 1`.
LABEL = re.compile(
    r"^\s*(?:(?P<kind>objective|obj|key\s*result|kr|o|k)\s*\.?\s*)?"
    r"(?P<number>\d+(?:\s*\.\s*(?:\d+|[a-z]))*)\.?\)?\s*$",
    re.IGNORECASE,
)
# A title led by its label: `Objective 1: Grow…`, `KR 1.2 – Publish…`, `O2. Be…`.
TITLE_LABEL = re.compile(
    r"^\s*(?:(?P<label>(?:objective|obj|key\s*result|kr|o)\s*\.?\s*\d+(?:\.(?:\d+|[a-z]))*)"
    r"\s*[:.)\-–—]|(?P<number>\d+(?:\.(?:\d+|[a-z]))*)\.?\)?\s)\s*(?P<title>\S.*)$",
    re.IGNORECASE | re.S,
)  # or a title led by its number alone: `1.2 Publish…`, `1.2.a) Sign…`
PERCENT_LEAD = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%")
DONE_WORDS = ("done", "achieved", "complete", "completed", "met", "yes", "shipped", "delivered")
NOT_DONE_WORDS = ("not done", "not achieved", "missed", "not met", "no", "failed", "dropped")
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# Columns of the outline that feed canonical fields (normalised header → field).
TYPE_HEADERS = ("type", "objecttype", "itemtype", "kind", "rowtype", "okrtype", "category")
OUTLINE_HEADERS = ("no", "number", "outline", "outlinenumber", "wbs", "ref", "index", "item", "id")
PARENT_ROW_HEADERS = ("parentrow", "parentrownumber", "parentline")
PARENT_ID_HEADERS = ("parentid", "parentids", "parent", "parentkey", "alignedto", "alignsto")
PARENT_TITLE_HEADERS = ("parenttitle", "parentname", "parentobjective", "parentgoal")
TITLE_HEADERS = ("title", "name", "summary", "okr", "description title", "item title")
LEVEL_HEADERS = ("level", "depth", "indent", "outlinelevel")
OUTCOME_HEADERS = ("outcome", "result", "results", "achievement", "assessment")
PROGRESS_HEADERS = ("progress", "progresspercent", "percentcomplete", "complete", "completion")
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "owner": OWNER,
    "cycle_id": CYCLE,
    "team_id": TEAM,
    "description": ("description", "details", "notes", "why"),
    "weight": ("weight", "weighting"),
    "start_value": ("start", "start value", "baseline", "initial value"),
    "target_value": ("target", "target value", "goal value"),
    "current_value": ("current", "current value", "actual", "actual value", "value"),
    "manual_score": ("score", "grade", "final score", "final grade"),
    "unit": ("unit", "units"),
    "due_date": ("due", "due date", "deadline"),
    "kr_type": ("kr type", "key result type", "metric type"),
}


@dataclass
class Items:
    """Rows of one hierarchical table, by Excel row: `kind`, `title`, `parents` (a list of
    (parent row, weight or None)) and canonical fields by their column names."""

    source: SourceTable
    frame: pd.DataFrame  # index: Excel row
    letters: dict[str, str] = field(default_factory=dict)  # canonical field → source letter
    check_ins: pd.DataFrame | None = None  # kr_row, checked_at, value, status, note, author
    default_cycle: str | None = None


@dataclass
class Split:
    tables: list[SourceTable] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT: a cell with nothing in it."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def blank_to_none(value: object) -> object:
    """A cell, or None when it is missing or only whitespace."""
    return None if missing(value) or not str(value).strip() else value


def as_column(values: Sequence[object], index: pd.Index) -> pd.Series:
    """Python values as an object column on `index` (a frame column of any content)."""
    return pd.Series(list(values), index=index, dtype="object")


def row_number(label: Hashable) -> int:
    """A frame's index label, which is an Excel row or record number here."""
    return int(cast(int, label))


def kind_of(text: object) -> str | None:
    """`Key Result` → key_result, `Big rock` → objective, `Deliverable` → deliverable."""
    if missing(text):
        return None
    key = re.sub(r"[\s_\-]+", " ", str(text).strip().casefold())
    return KIND_WORDS.get(key) or KIND_WORDS.get(key.rstrip("s"))


def prose_score(text: object) -> float | None:
    """An outcome as people write it: `Done` 1.0, `Not done` 0.0, `80%: shipped …` 0.8."""
    if missing(text):
        return None
    if isinstance(text, int | float):
        return float(text) / 100 if text > 1 else float(text)
    value = str(text).strip()
    if match := PERCENT_LEAD.match(value):
        return float(match.group(1).replace(",", ".")) / 100
    head = re.split(r"[:;,.(\-–—]", value.casefold(), maxsplit=1)[0].strip()
    if head in NOT_DONE_WORDS:
        return 0.0
    if head in DONE_WORDS:
        return 1.0
    return None


def plural(kind: str, n: int) -> str:
    return kind if n == 1 else NOT_SCORED_PLURAL.get(kind, kind + "s")


def not_scored_line(counts: dict[str, int]) -> str:
    """`21 deliverables, 2 projects not scored (not key results)`."""
    parts = [f"{n:,} {plural(k, n)}" for k, n in sorted(counts.items()) if n]
    return f"{', '.join(parts)} not scored (not key results)" if parts else ""


def _objective_above(row: int, kind: pd.Series, parent: dict[int, int]) -> int | None:
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
    counts = kind[kind.notna() & ~scored].value_counts()
    active = ~rows.get("archived", pd.Series(False, index=rows.index)).fillna(False).astype(bool)
    out.not_scored = {
        str(k): int(n) for k, n in kind[kind.notna() & ~scored & active].value_counts().items()
    }
    del counts
    parents = {row_number(r): p for r, p in rows["parents"].items() if isinstance(p, list) and p}
    first_parent = {r: int(p[0][0]) for r, p in parents.items()}
    link_weight: dict[int, float | None] = {r: p[0][1] for r, p in parents.items()}
    several = sum(1 for p in rows["parents"] if isinstance(p, list) and len(p) > 1)
    if several:
        out.notes.append(
            f"{src.label}: {counted(several, 'item has', 'items have')} more than one parent; "
            "the first is kept as the link"
        )
    objectives = rows[kind == OBJECTIVE].copy()
    krs = rows[kind == KEY_RESULT].copy()
    # objectives: cycle from an objective above when the row has none, else the default
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
        derived = stable_ids(
            "O-", [objectives["cycle_id"].astype("str"), team, objectives["title"]]
        )
        given = objectives.get("id", pd.Series(pd.NA, index=objectives.index, dtype="object"))
        objectives["id"] = given.where(given.notna(), derived)
    ids = dict(zip(objectives.index, objectives["id"].astype("str"), strict=True))
    krs["objective_row"] = [_objective_above(r, kind, first_parent) for r in krs.index]
    # a key result with no objective above it keeps none: `pipelines.holders` puts it under
    # its file's holder objective, listed (issue 21)
    krs["objective_id"] = [None if pd.isna(r) else ids[int(r)] for r in krs["objective_row"]]
    if "id" not in krs or krs["id"].isna().any():
        derived = stable_ids("KR-", [krs["objective_id"], krs["title"]])
        given = krs.get("id", pd.Series(pd.NA, index=krs.index, dtype="object"))
        krs["id"] = given.where(given.notna(), derived)
    ids.update(zip(krs.index, krs["id"].astype("str"), strict=True))
    # links and weights
    parent_objective, parent_kr, weights = [], [], []
    for row in objectives.index:
        parent = first_parent.get(row)
        parent_kind = kind.get(parent) if parent is not None else None
        parent_objective.append(ids.get(parent) if parent_kind == OBJECTIVE else None)
        parent_kr.append(ids.get(parent) if parent_kind == KEY_RESULT else None)
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
    out.tables.append(_table(src, objectives, OBJECTIVES.column_names, "objectives", items))
    out.tables.append(_table(src, krs, KEY_RESULTS.column_names, "key_results", items))
    if items.check_ins is not None and len(items.check_ins):
        checks = items.check_ins
        on_kr = checks["kr_row"].isin(krs.index)
        dropped = int((~on_kr).sum())
        if dropped:
            out.notes.append(
                f"{src.label}: {counted(dropped, 'check-in')} of items that are not key results "
                "(deliverables, projects…), not loaded"
            )
        checks = checks[on_kr].copy()
        checks["kr_id"] = [ids[int(r)] for r in checks["kr_row"]]
        columns = ["kr_id", "checked_at", "value", "grade", "confidence", "status", "note"]
        out.tables.append(_table(src, checks, [*columns, "author"], "check_ins", items))
    return out


def _table(
    src: SourceTable, frame: pd.DataFrame, columns: list[str], role: str, items: Items
) -> SourceTable:
    present = [c for c in columns if c in frame]
    data = frame[present].astype("object").where(frame[present].notna(), None)
    letters = {c: items.letters.get(c, c) for c in present}
    return SourceTable(
        src.file, src.sheet, data, letters, src.header_row, src.decimal_hint, role,
        role.replace("_", " "), records=src.records,
    )  # fmt: skip


# --- a generic outline: no tool recognised, a type column or outline numbers ----------------


def _find(headers: list[str], wanted: tuple[str, ...]) -> str | None:
    keys = {normalise_header(w) for w in wanted}
    return next((h for h in headers if normalise_header(h) in keys), None)


def _text(column: pd.Series) -> pd.Series:
    return column.map(lambda v: None if v is None or pd.isna(v) else str(v).strip() or None)


def _first_texts(column: pd.Series, count: int) -> pd.Series:
    """`_text(column).dropna().head(count)`, reading only as many rows as that takes (most
    tables are not outlines, and their first rows say so)."""
    rows = 4 * count
    while True:
        found = _text(column.iloc[:rows]).dropna()
        if len(found) >= count or rows >= len(column):
            return found.head(count)
        rows *= 8


def outline_items(source: SourceTable) -> Items | None:
    """A generic outline (a type column naming objectives and key results, or outline numbers
    1, 1.1, 1.1.2), or None when the table is not one."""
    headers, data = source.headers, source.data
    flat_titles = [h for h in headers if normalise_header(h) in ("objective", "keyresult", "kr")]
    type_col = _find(headers, TYPE_HEADERS)
    kinds = data[type_col].map(kind_of) if type_col else None
    number_col = next(
        (h for h in headers if normalise_header(h) in OUTLINE_HEADERS and _is_outline(data[h])),
        None,
    )
    typed = kinds is not None and {OBJECTIVE, KEY_RESULT} <= set(kinds.dropna())
    if typed and kinds is not None and kinds[data[type_col].notna()].notna().mean() < 0.6:
        typed = False
    title_col = _find(headers, TITLE_HEADERS)
    if title_col is None or len(flat_titles) >= 2:
        return None
    labels = _labels(data[number_col]) if number_col else None
    titles, led = _title_labels(data[title_col])
    labels = labels if labels is not None else led
    indents = _indent_levels(source, title_col)
    if not typed and labels is None and indents is None:
        return None
    frame = pd.DataFrame(index=data.index)
    letters = {"title": source.letters[title_col]}
    raw_titles = data[title_col].map(lambda v: None if v is None or pd.isna(v) else str(v))
    if indents is not None:  # the cells' Indent format, as leading spaces are read
        raw_titles = raw_titles.map(lambda t: t and t.strip())
        raw_titles = raw_titles.combine(indents, lambda t, n: t and " " * int(n) + t)
    frame["title"] = _text(titles)
    numbers = labels["number"] if labels is not None else None
    depth: pd.Series | None = None
    if numbers is not None:
        depth = numbers.map(lambda n: None if n is None else n.count(".") + 1)
    elif indents is not None:
        depth = indents + 1
    if kinds is not None and typed:
        frame["kind"] = kinds
    elif labels is not None and labels["kind"].notna().mean() >= 0.9:  # O1 / KR1.2
        frame["kind"] = labels["kind"]
    elif depth is not None:  # no types: objectives on odd levels, key results on even ones
        frame["kind"] = depth.map(_kind_by_depth)
    frame["parents"] = as_column(_parents(source, data, frame, numbers, raw_titles), frame.index)
    for name, synonyms in FIELD_HEADERS.items():
        header = _find([h for h in headers if h not in (title_col, type_col, number_col)], synonyms)
        if header is not None and header not in _parent_headers(headers):
            frame[name] = data[header].map(blank_to_none)
            letters[name] = source.letters[header]
    outcome = _find(headers, OUTCOME_HEADERS) or _find(headers, PROGRESS_HEADERS)
    if outcome is not None:
        frame["reported_progress"] = data[outcome].map(prose_score)
        letters["reported_progress"] = source.letters[outcome]
    if "cycle_id" not in frame:
        frame["cycle_id"] = None
    name = source.sheet or Path(source.file).stem
    year = YEAR.search(name) or YEAR.search(Path(source.file).stem)
    return Items(source, frame, letters, None, year.group(1) if year else None)


def _label_text(value: object) -> str | None:
    """An outline label cell as text: `1.2` typed into Excel comes back as the number 1.2."""
    if missing(value):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() or None


def _parse_labels(texts: pd.Series) -> pd.DataFrame | None:
    """Labels (`1.`, `1.1.a`, `KR1.2`, `Objective 2`) as `number` (`1.1.a`, `1.2`, `2`) and
    `kind` (from a leading O / KR / Objective / Key result, else None); None unless nearly
    every label reads and the outline goes deeper than one level somewhere."""
    present = texts.dropna()
    if present.empty or present.head(SAMPLE).map(LABEL.match).map(bool).mean() < 0.9:
        return None  # most tables are not outlines: a sample says so before every row is read
    parsed = present.map(LABEL.match)
    if parsed.map(bool).mean() < 0.9:
        return None
    number = parsed.map(lambda m: m and ".".join(re.split(r"\s*\.\s*", m["number"].lower())))
    kind = parsed.map(lambda m: m and m["kind"] and kind_of(m["kind"]))
    out = pd.DataFrame({"number": number, "kind": kind}).reindex(texts.index)
    out = out.astype("object").where(out.notna(), None)
    # an outline has labels of both kinds (`O1`, `KR1.2`), or, when they name no kind, two
    # levels somewhere (`1.2`); `O1`, `O2`… or `KR 1.1`, `KR 2.1`… alone number a table of
    # objectives or of key results, which is not one
    kinds = set(out["kind"].dropna())
    if kinds:
        return out if {OBJECTIVE, KEY_RESULT} <= kinds else None
    return out if out["number"].dropna().str.contains(".", regex=False).any() else None


def _labels(column: pd.Series) -> pd.DataFrame | None:
    return _parse_labels(column.map(_label_text))


def _title_labels(column: pd.Series) -> tuple[pd.Series, pd.DataFrame | None]:
    """Titles led by their label (`Objective 1: Grow…`, `KR 1.2 – Publish…`): the titles
    without it and the labels, when nearly every title has one; else the titles as given."""
    sample = _first_texts(column, SAMPLE)
    if sample.empty or sample.map(TITLE_LABEL.match).map(bool).mean() < 0.9:
        return column, None
    text = _text(column)
    found = text.map(lambda t: TITLE_LABEL.match(t) if isinstance(t, str) else None)
    if text.dropna().empty or found[text.notna()].map(bool).mean() < 0.9:
        return column, None
    labels = _parse_labels(found.map(lambda m: m and (m["label"] or m["number"])))
    if labels is None:
        return column, None
    return found.map(lambda m: m["title"] if m else None).where(found.map(bool), text), labels


def _indent_levels(source: SourceTable, title_col: str) -> pd.Series | None:
    """The titles' indent levels (the cells' Indent format; 0 where none), when they make
    more than one level; None otherwise."""
    levels = source.indents.get(title_col)
    if not levels:
        return None
    depth = pd.Series([levels.get(row_number(r), 0) for r in source.data.index],
                      index=source.data.index, dtype="int64")  # fmt: skip
    return depth if depth.nunique() > 1 else None


def _parent_headers(headers: list[str]) -> set[str]:
    wanted = set(PARENT_ROW_HEADERS + PARENT_ID_HEADERS + PARENT_TITLE_HEADERS)
    return {h for h in headers if normalise_header(h) in wanted}


def _is_outline(column: pd.Series) -> bool:
    return _labels(column) is not None


def _parents(
    source: SourceTable,
    data: pd.DataFrame,
    frame: pd.DataFrame,
    numbers: pd.Series | None,
    raw_titles: pd.Series,
) -> list[list[tuple[int, float | None]]]:
    """Each row's parent rows, by the first way the table says it."""
    headers = source.headers
    rows = list(data.index)
    parent_row = _find(headers, PARENT_ROW_HEADERS)
    if parent_row is not None:
        numbers_given = pd.to_numeric(data[parent_row], errors="coerce")
        return [
            [(int(p), None)] if pd.notna(p) and int(p) in data.index else [] for p in numbers_given
        ]
    parent_col = _find(headers, PARENT_ID_HEADERS) or _find(headers, PARENT_TITLE_HEADERS)
    if parent_col is not None:  # ids where the table has an id column, else titles
        id_col = _find(headers, ("id", "key", "itemid"))
        by_ref: dict[str, int] = {}
        for r, t in frame["title"].items():
            if t:
                by_ref.setdefault(str(t).casefold(), row_number(r))
        if id_col is not None:
            by_ref.update({str(v).strip().casefold(): row_number(r)
                           for r, v in data[id_col].items() if not missing(v)})  # fmt: skip
        return [_refs(v, by_ref) for v in data[parent_col]]
    if numbers is not None:
        by_number = {n: row_number(r) for r, n in numbers.items() if n}
        return [
            [(by_number[n.rsplit(".", 1)[0]], None)] if n and "." in n and n.rsplit(".", 1)[0]
            in by_number else []
            for n in numbers
        ]  # fmt: skip
    level_col = _find(headers, LEVEL_HEADERS)
    if level_col is not None:
        depth = pd.to_numeric(data[level_col], errors="coerce")
    else:
        depth = raw_titles.map(lambda t: None if t is None else len(t) - len(t.lstrip()))
    if depth.nunique() > 1:
        return _by_depth(rows, depth)
    # one level only: a key result belongs to the objective above it
    out: list[list[tuple[int, float | None]]] = []
    last: int | None = None
    for r in rows:
        if frame.at[r, "kind"] == OBJECTIVE:
            last = r
            out.append([])
        else:
            out.append([(last, None)] if last is not None else [])
    return out


def _refs(value: object, by_ref: dict[str, int]) -> list[tuple[int, float | None]]:
    """A parent cell as rows: the whole text (a title may hold commas), else its parts."""
    if blank_to_none(value) is None:
        return []
    text = str(value).strip().casefold()
    if text in by_ref:
        return [(by_ref[text], None)]
    parts = [p.strip() for p in re.split(r"[;,]", text)]
    return [(by_ref[p], None) for p in parts if p in by_ref]


def _kind_by_depth(depth: object) -> str | None:
    """Outline numbers without types: objectives on odd levels, key results on even ones."""
    if missing(depth):
        return None
    return KEY_RESULT if int(cast(int, depth)) % 2 == 0 else OBJECTIVE


def _by_depth(rows: list[int], depth: pd.Series) -> list[list[tuple[int, float | None]]]:
    out: list[list[tuple[int, float | None]]] = []
    stack: list[tuple[float, int]] = []
    for r in rows:
        d = depth.get(r)
        d = 0.0 if d is None or pd.isna(d) else float(d)
        while stack and stack[-1][0] >= d:
            stack.pop()
        out.append([(stack[-1][1], None)] if stack else [])
        stack.append((d, r))
    return out
