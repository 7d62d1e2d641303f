"""JSON (and YAML) documents read whole, as a tree (rules in docs/ingestion.md, "Documents
(JSON)").

A document is walked from its root. A collection (a list of objects, or objects keyed by
their ids) is OKR-shaped by its content: most of its objects have a title-like field and a
list of child results (`key_results`, `krs`, `results`…) holding titled objects. The keys on
the way to it are its context: a year or quarter key (`"2018"`, `"Q3"`, `objetivos_q3`) is
its cycle, a key under `teams` (or an item of a `teams` list) its team. Every other collection
of titled objects (projects, initiatives, KPIs beside the OKRs) is named as not scored: a
warning and a count on the report, never dropped without a word. The longest list does not
win: a longer list of KPIs beside the OKRs is still only named.

Each OKR-shaped collection becomes a `Document` of its objectives, with the cycle and team of
its context as fields (unless an objective states its own) and the key results' nested
measures lifted to plain fields (`pipelines.map.measures`), for `pipelines.map.nested.unnest`
to turn into a row per key result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipelines.map.measures import lift_measures
from pipelines.map.nested import IDS, KR_LISTS, TITLES, unnest
from pipelines.map.synonyms import CYCLE, TEAM, normalise_header
from pipelines.problems import Problem
from pipelines.read.archives import NO_RECORDS, flatten
from pipelines.read.sources import Document, Sources
from pipelines.store.schema import counted

MAX_DEPTH = 12  # levels walked; deeper values are not searched for OKRs
TEAM_CONTAINERS = {"teams", "team", "equipos", "equipo", "departments", "departamentos",
                   "areas", "squads", "groups", "grupos", "units", "equipes"}  # fmt: skip
CYCLE_CONTAINERS = {"quarters", "cycles", "periods", "trimestres", "periodos", "ciclos",
                    "years", "anos", "halves", "semestres", "sprints"}  # fmt: skip
YEAR_FIELDS = {"year", "ano", "año", "anio", "fy", "fiscalyear"}
CYCLE_WORDS = {"trimestre", "periodo", "ciclo"}
CYCLE_FIELDS = {normalise_header(c) for c in CYCLE} | YEAR_FIELDS | CYCLE_WORDS
TEAM_FIELDS = {normalise_header(t) for t in TEAM} | {"equipo", "area", "departamento"}
YEAR = re.compile(r"(?i)^(?:FY\s*)?(?P<y>(?:19|20)\d{2}|\d{2})$")
QUARTER = re.compile(r"(?i)(?:^|[^0-9a-z])(?P<k>[QHT])(?P<n>[1-4])(?:$|[^0-9a-z])")
FULL_CYCLE = re.compile(
    r"(?i)^(?:(?:FY\s*)?(?:19|20)\d{2}\s*[-_/ ]\s*[QHT][1-4]|[QHT][1-4]\s*[-_/ ]\s*(?:FY\s*)?"
    r"(?:19|20)?\d{2})$"
)
HOLDER_FIELDS = {"objectives", "okrs", "goals", "objetivos", "objectifs", "metas"}
SINGULAR = {"kpis": "KPI", "okrs": "OKR", "proyectos": "proyecto", "iniciativas": "iniciativa",
            "activities": "activity", "tareas": "tarea"}  # fmt: skip


@dataclass(frozen=True)
class Context:
    """Where a collection sits: the cycle parts and team the keys above it name."""

    year: str | None = None
    part: str | None = None  # `Q3`, `H1`
    cycle: str | None = None  # a whole cycle name (`2025-Q2`) or a cycle field's value
    team: str | None = None

    def with_key(self, key: str, parent: str) -> Context:
        """The context one key further down: a year, a quarter, a cycle, or a team."""
        text = key.strip()
        if normalise_header(parent) in TEAM_CONTAINERS:
            return Context(self.year, self.part, self.cycle, text)
        if FULL_CYCLE.match(text):
            return Context(None, None, text, self.team)
        year = YEAR.match(text)
        if year and (len(year.group("y")) == 4 or text.upper().startswith("FY")):
            return Context(_full_year(year.group("y")), self.part, self.cycle, self.team)
        quarter = QUARTER.search(text)
        if quarter:
            part = f"{quarter.group('k').upper().replace('T', 'Q')}{quarter.group('n')}"
            return Context(self.year, part, self.cycle, self.team)
        return self

    def cycle_name(self, default_year: str | None) -> str | None:
        """`2018-Q3` from a year and a quarter key; `2018` from a year alone."""
        if self.cycle:
            return self.cycle
        year = self.year or (default_year if self.part else None)
        if year and self.part:
            return f"{year}-{self.part}"
        return year


def _full_year(text: str) -> str:
    return text if len(text) == 4 else f"20{text}"


@dataclass
class Collection:
    """An OKR-shaped collection: its objectives, where it sits and what it is called."""

    path: str  # `2018 › quarters › Q3`
    objectives: list[dict[str, object]]
    context: Context


@dataclass
class Walked:
    """What the walk found: OKR collections, and the other collections (path → count)."""

    collections: list[Collection] = field(default_factory=list)
    others: dict[str, int] = field(default_factory=dict)
    years: list[str] = field(default_factory=list)  # years stated by fields (`"year": 2024`)


def title_key(record: dict[str, object]) -> str | None:
    """The field holding a record's title (`title`, `name`, `nombre`…), if any."""
    keys = {normalise_header(k): k for k in record}
    key = next((keys[n] for n in TITLES if n in keys), None)
    return key if key is not None and isinstance(record[key], str) else None


def kr_key(record: dict[str, object]) -> str | None:
    """The field holding a record's key results: a list of titled objects (or an empty list)."""
    for key, value in record.items():
        if normalise_header(key) not in KR_LISTS or not isinstance(value, list):
            continue
        children = [v for v in value if isinstance(v, dict)]
        if not value or any(title_key(c) for c in children):
            return key
    return None


def is_objective(record: object, depth: int = 0, key: str = "") -> bool:
    """An object with a title and a list of key results, or of objectives holding them (not
    in a list of teams: a team holds objectives without being one)."""
    if not isinstance(record, dict) or title_key(record) is None:
        return False
    if kr_key(record) is not None:
        return True
    return normalise_header(key) not in TEAM_CONTAINERS and bool(child_keys(record, depth))


def child_keys(record: dict[str, object], depth: int = 0) -> list[str]:
    """The fields holding an objective's own objectives (`children`, `sub_objectives`…)."""
    if depth >= MAX_DEPTH:
        return []
    krs = kr_key(record)
    keys = []
    for key, value in record.items():
        if krs is None and normalise_header(key) in HOLDER_FIELDS:
            continue  # `{"name": "Sales", "objectives": […]}` holds objectives: not one itself
        items = _items(value) if isinstance(value, list) and key != krs else None
        if items and is_okr_collection(items, depth + 1):
            keys.append(key)
    return keys


def _items(value: object) -> list[dict[str, object]] | None:
    """A collection's objects: a list of objects, or objects keyed by their ids (with the key
    as `id`); None for anything else."""
    if isinstance(value, list):
        objects = [v for v in value if isinstance(v, dict)]
        return objects if objects and len(objects) * 2 >= len(value) else None
    if (
        isinstance(value, dict)
        and len(value) >= 2
        and all(isinstance(v, dict) for v in value.values())
    ):
        return [{"id": k, **v} if "id" not in v else v for k, v in value.items()]
    return None


def is_okr_collection(items: list[dict[str, object]], depth: int = 0, key: str = "") -> bool:
    """Most of the objects (of the list `key`) are objectives holding key results."""
    shaped = sum(1 for item in items if is_objective(item, depth, key))
    return shaped > 0 and shaped * 2 >= len(items)


def walk(value: object) -> Walked:
    """Every OKR-shaped collection of a document with its context, and the other collections."""
    found = Walked()
    _walk(value, Context(), [], "", found, 0)
    return found


def _walk(
    value: object, ctx: Context, path: list[str], key: str, found: Walked, depth: int
) -> bool:
    """Walk `value` (reached by `key`); True when an OKR collection was found in it."""
    if depth > MAX_DEPTH:
        return False
    items = _items(value)
    if items is not None and is_okr_collection(items, 0, key):
        found.collections.append(Collection(" › ".join(path), items, ctx))
        return True
    if isinstance(value, list):
        return _walk_list(value, ctx, path, key, found, depth)
    if not isinstance(value, dict):
        return False
    ctx = _scalar_context(value, ctx, found)
    any_okrs = False
    for name, child in value.items():
        if isinstance(child, (dict, list)):
            inner = ctx.with_key(str(name), key)
            any_okrs |= _walk(child, inner, [*path, str(name)], str(name), found, depth + 1)
    return any_okrs


def _walk_list(
    value: list[object], ctx: Context, path: list[str], key: str, found: Walked, depth: int
) -> bool:
    """A list that is not OKRs itself: its objects may hold OKRs (teams holding objectives);
    when none does and they are titled, the list is another collection (named, not scored)."""
    objects = [v for v in value if isinstance(v, dict)]
    any_okrs = False
    for i, item in enumerate(objects, start=1):
        title = title_key(item)
        name = str(item[title]).strip() if title else ""
        inner = ctx.with_key(name, key) if name else ctx
        if name and inner == ctx and normalise_header(key) not in CYCLE_CONTAINERS:
            inner = Context(ctx.year, ctx.part, ctx.cycle, name)  # a titled holder of OKRs
        any_okrs |= _walk(item, inner, [*path, name or f"{i}"], "", found, depth + 1)
    if not any_okrs and objects and any(title_key(o) for o in objects):
        found.others[" › ".join(path) or "(the document)"] = len(objects)
    return any_okrs


def _scalar_context(record: dict[str, object], ctx: Context, found: Walked) -> Context:
    """A container's own cycle, year or team fields (`"year": 2024`, `"team": "Sales"`)."""
    if title_key(record) and kr_key(record):
        return ctx
    for key, value in record.items():
        name = normalise_header(key)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        text = str(value).strip()
        if name in YEAR_FIELDS and YEAR.match(text):
            year = _full_year(YEAR.match(text).group("y"))  # type: ignore[union-attr]
            found.years.append(year)
            ctx = Context(year, ctx.part, ctx.cycle, ctx.team)
        elif name in CYCLE_FIELDS and text:
            ctx = (
                ctx.with_key(text, "")
                if not FULL_CYCLE.match(text)
                else Context(None, None, text, ctx.team)
            )
        elif name in TEAM_FIELDS and text:
            ctx = Context(ctx.year, ctx.part, ctx.cycle, text)
    return ctx


@dataclass
class Read:
    """A document read whole: a `Document` per OKR collection (with its label), notes,
    problems (the collections not scored), and those collections counted by kind."""

    documents: list[tuple[Document, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)


def read_tree(document: Document, today: date | None = None) -> Read | None:
    """The OKR collections of a document's tree as documents of objectives holding their key
    results (context as fields, measures lifted); None when the tree holds none, or when it
    is one plain list of objectives read as it is (`nested.unnest` reads that alike)."""
    found = walk(document.tree)
    if not found.collections:
        return None
    plain = len(found.collections) == 1 and not found.others
    only = found.collections[0]
    nested = any(child_keys(o) for o in only.objectives) or _has_nested_measures(only.objectives)
    if plain and only.context == Context() and not nested:
        return None
    out = Read()
    default_year = _default_year(document.file, found.years, today)
    for collection in found.collections:
        cycle = collection.context.cycle_name(default_year[0])
        if collection.context.part and not collection.context.year and not collection.context.cycle:
            out.notes.append(
                f"{document.file}: `{collection.path}` names quarter {collection.context.part} "
                f"and no year: read as {cycle} ({default_year[1]})"
            )
        objectives = [
            _with_context(o, cycle, collection.context.team)
            for top in collection.objectives
            for o in _with_children(top, None, 0)
        ]
        out.documents.append((Document(document.file, objectives), collection.path))
        where = f" (cycle {cycle})" if cycle else ""
        out.notes.append(
            f"{document.file}: {counted(len(objectives), 'objective')} with their key results in "
            f"`{collection.path or 'the document'}`{where}"
        )
    for path, n in found.others.items():
        kind = _kind(path)
        out.not_scored[kind] = out.not_scored.get(kind, 0) + n
        message = (
            f"`{path}`: {n} records that are not objectives with key results (no title with "
            "child results): not scored"
        )
        out.problems.append(Problem(document.file, None, None, None, message, "warning"))
    return out


def _with_children(
    objective: dict[str, object], parent: object, depth: int
) -> list[dict[str, object]]:
    """The objective, then the objectives it holds in a list of its own (`children`,
    `sub_objectives`…), each under its parent by the parent's id when it has one."""
    out = dict(objective)
    if parent is not None:
        out["Parent objective ID"] = parent
    rows = [out]
    ident = next((k for k in objective if normalise_header(k) in IDS), None)
    for key in child_keys(objective, depth):
        del out[key]
        for child in _items(objective[key]) or []:
            rows += _with_children(child, objective[ident] if ident else None, depth + 1)
    return rows


def _has_nested_measures(objectives: list[dict[str, object]]) -> bool:
    for objective in objectives:
        field_name = kr_key(objective)
        children = objective.get(field_name) if field_name else None
        for kr in children if isinstance(children, list) else []:
            if isinstance(kr, dict) and lift_measures(kr) != kr:
                return True
    return False


def _default_year(file: str, years: list[str], today: date | None) -> tuple[str, str]:
    """The year a quarter key without one belongs to: a year field of the document, else a
    year in the file's name, else the current year (with how it was chosen)."""
    if years:
        return years[0], "the year the document states"
    named = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", file)
    if named:
        return named.group(1), "the year in the file's name"
    year = (today or date.today()).year
    return str(year), "the current year; pass --cycle to name it"


def _with_context(
    objective: dict[str, object], cycle: str | None, team: str | None
) -> dict[str, object]:
    """The objective with its cycle and team fields (its own, when it states them) and its key
    results' measures lifted."""
    names = {normalise_header(k) for k in objective}
    out = dict(objective)
    if cycle and not names & CYCLE_FIELDS:
        out["Cycle"] = cycle
    if team and not names & TEAM_FIELDS:
        out["Team"] = team
    field_name = kr_key(objective)
    if field_name is not None:
        children = objective[field_name]
        if isinstance(children, list):
            out[field_name] = [lift_measures(c) if isinstance(c, dict) else c for c in children]
    return out


def _kind(path: str) -> str:
    """What a collection holds, by its key: `projects` → `project`, `kpis` → `KPI`."""
    last = next((p for p in reversed(path.split(" › ")) if not p.isdigit()), path)
    word = re.sub(r"[^0-9A-Za-zÀ-ɏ]+", " ", last).strip().casefold() or "record"
    word = word.split()[-1]
    if word in SINGULAR:
        return SINGULAR[word]
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def read_documents(document: Document, sources: Sources) -> bool:
    """Add a document's OKR collections to `sources` as tables of a row per key result, with
    notes and the collections not scored; True when it was read so (or holds no records at
    all: then a warning says it was not loaded)."""
    read = read_tree(document)
    if read is None:
        if document.records:
            return False
        sources.problems.append(Problem(document.file, None, None, None, NO_RECORDS, "warning"))
        return True
    for objectives, path in read.documents:
        rows = unnest(objectives)
        if rows is None:  # cannot happen: every collection holds objectives with key results
            continue
        table = flatten(rows[0])
        table.sheet = f"{path} › {rows[1]}, a row each" if path else f"{rows[1]}, a row each"
        sources.tables.append(table)
    sources.notes.extend(read.notes)
    sources.problems.extend(read.problems)
    for kind, n in read.not_scored.items():
        sources.not_scored[kind] = sources.not_scored.get(kind, 0) + n
    return True
