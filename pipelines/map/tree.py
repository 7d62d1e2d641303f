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

`pipelines.map.tree_sources` turns what the walk found into source tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.map.nested import KR_LISTS, TITLES
from pipelines.map.synonyms import CYCLE, TEAM, normalise_header

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
KEYS_CACHED = 4096  # distinct keys whose normal form is kept (a document repeats its keys)


@lru_cache(maxsize=KEYS_CACHED)
def _norm(key: str) -> str:
    return normalise_header(key)


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
        if _norm(parent) in TEAM_CONTAINERS:
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
    bearing: set[int] = field(default_factory=set)  # ids of the lists and objects holding KRs


def title_key(record: dict[str, object]) -> str | None:
    """The field holding a record's title (`title`, `name`, `nombre`…), if any."""
    keys = {_norm(k): k for k in record}
    key = next((keys[n] for n in TITLES if n in keys), None)
    return key if key is not None and isinstance(record[key], str) else None


def kr_key(record: dict[str, object]) -> str | None:
    """The field holding a record's key results: a list of titled objects (or an empty list)."""
    for key, value in record.items():
        if isinstance(value, list) and _is_kr_list(key, value):
            return key
    return None


def is_objective(record: object, depth: int = 0, key: str = "") -> bool:
    """An object with a title and a list of key results, or of objectives holding them (not
    in a list of teams: a team holds objectives without being one)."""
    if not isinstance(record, dict) or title_key(record) is None:
        return False
    if kr_key(record) is not None:
        return True
    return _norm(key) not in TEAM_CONTAINERS and bool(child_keys(record, depth))


def child_keys(record: dict[str, object], depth: int = 0) -> list[str]:
    """The fields holding an objective's own objectives (`children`, `sub_objectives`…)."""
    if depth >= MAX_DEPTH:
        return []
    krs = kr_key(record)
    keys = []
    for key, value in record.items():
        if krs is None and _norm(key) in HOLDER_FIELDS:
            continue  # `{"name": "Sales", "objectives": […]}` holds objectives: not one itself
        items = items_of(value) if isinstance(value, list) and key != krs else None
        if items and is_okr_collection(items, depth + 1):
            keys.append(key)
    return keys


def items_of(value: object) -> list[dict[str, object]] | None:
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
    found = Walked(bearing=_bearing(value))
    if found.bearing:  # no list of key results anywhere: nothing to walk for
        _walk(value, Context(), [], "", found, 0)
    return found


def _bearing(root: object) -> set[int]:
    """The ids of the lists and objects holding, at any depth, an object with a list of key
    results: the walk looks for OKRs only inside them (one pass, without recursion)."""
    parent: dict[int, int] = {}
    marked: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        here = id(node)
        if isinstance(node, dict):
            for key, child in node.items():
                if isinstance(child, list):
                    if here not in marked and _is_kr_list(key, child):
                        _mark(here, parent, marked)
                    parent[id(child)] = here
                    stack.append(child)
                elif isinstance(child, dict):
                    parent[id(child)] = here
                    stack.append(child)
        elif isinstance(node, list):
            for child in node:
                if isinstance(child, (dict, list)):
                    parent[id(child)] = here
                    stack.append(child)
    return marked


def _is_kr_list(key: str, value: list[object]) -> bool:
    """A field named like a list of key results, empty or holding a titled object."""
    if _norm(key) not in KR_LISTS:
        return False
    return not value or any(isinstance(c, dict) and title_key(c) for c in value)


def _mark(at: int, parent: dict[int, int], marked: set[int]) -> None:
    """`at` and every container above it, up to one already marked."""
    while at not in marked:
        marked.add(at)
        if at not in parent:
            return
        at = parent[at]


def _walk(
    value: object, ctx: Context, path: list[str], key: str, found: Walked, depth: int
) -> bool:
    """Walk `value` (reached by `key`); True when an OKR collection was found in it."""
    if depth > MAX_DEPTH:
        return False
    if id(value) not in found.bearing:  # no OKRs inside: name its titled lists, go no deeper
        return _others(value, path, found, depth)
    items = items_of(value)
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


def _others(value: object, path: list[str], found: Walked, depth: int) -> bool:
    """A part holding no OKRs: a list of titled objects is named; objects are looked into."""
    if isinstance(value, list):
        objects = [v for v in value if isinstance(v, dict)]
        if objects and any(title_key(o) for o in objects):
            found.others[" › ".join(path) or "(the document)"] = len(objects)
    elif isinstance(value, dict) and depth < MAX_DEPTH:
        for name, child in value.items():
            if isinstance(child, (dict, list)):
                _others(child, [*path, str(name)], found, depth + 1)
    return False


def _walk_list(
    value: list[object], ctx: Context, path: list[str], key: str, found: Walked, depth: int
) -> bool:
    """A list that is not OKRs itself: its objects may hold OKRs (teams holding objectives);
    when none does and they are titled, the list is another collection (named, not scored)."""
    objects = [v for v in value if isinstance(v, dict)]
    any_okrs = False
    inner = Walked(found.collections, {}, found.years, found.bearing)  # its others apart
    for i, item in enumerate(objects, start=1):
        title = title_key(item)
        name = str(item[title]).strip() if title else ""
        here = ctx.with_key(name, key) if name else ctx
        if name and here == ctx and _norm(key) not in CYCLE_CONTAINERS:
            here = Context(ctx.year, ctx.part, ctx.cycle, name)  # a titled holder of OKRs
        any_okrs |= _walk(item, here, [*path, name or f"{i}"], "", inner, depth + 1)
    if any_okrs:
        found.others.update(inner.others)
    elif objects and any(title_key(o) for o in objects):  # named, not the lists inside it
        found.others[" › ".join(path) or "(the document)"] = len(objects)
    return any_okrs


def _scalar_context(record: dict[str, object], ctx: Context, found: Walked) -> Context:
    """A container's own cycle, year or team fields (`"year": 2024`, `"team": "Sales"`)."""
    if title_key(record) and kr_key(record):
        return ctx
    for key, value in record.items():
        name = _norm(key)
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
