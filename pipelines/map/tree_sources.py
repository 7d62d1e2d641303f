"""What the walk of a document found (`pipelines.map.tree`), as source tables (rules in
docs/ingestion.md, "Documents (JSON)").

Each OKR-shaped collection becomes a `Document` of its objectives, objectives held by
objectives after their parent (linked by its id), with the cycle and team of its context as
fields (unless an objective states its own) and the key results' nested measures lifted to
plain fields (`pipelines.map.measures`); `pipelines.map.nested.unnest` turns it into a row per
key result. The other collections become warnings and counts of what is not scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipelines.map.measures import lift_measures
from pipelines.map.nested import IDS, unnest
from pipelines.map.synonyms import normalise_header
from pipelines.map.tree import (
    CYCLE_FIELDS,
    SINGULAR,
    TEAM_FIELDS,
    Context,
    child_keys,
    items_of,
    kr_key,
    walk,
)
from pipelines.problems import Problem
from pipelines.read.archives import NO_RECORDS, flatten
from pipelines.read.sources import Document, Sources
from pipelines.store.schema import counted


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
        for child in items_of(objective[key]) or []:
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
