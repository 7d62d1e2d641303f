"""Tool profiles: other OKR tools' exports recognised by their headers and file names.

A profile is data and a few functions in one module: `recognise(sources)` looks for its tool's
files among what was read and, when it finds them, replaces them by canonical sources (each
row keeping its file, sheet and row) and says so: "Recognised as a Viva Goals organisation
export". What no profile claims goes on through the ordinary mapping; a hierarchical table no
profile knows is read as a generic outline (`pipelines.map.hierarchy`), and JSON documents left
over are flattened into tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines.map.hierarchy import outline_items, split_items
from pipelines.map.nested import unnest
from pipelines.map.profiles import (
    asana,
    databases,
    jira_align,
    perdoo,
    quantive,
    tability,
    viva,
)
from pipelines.map.tree_sources import read_documents
from pipelines.read.archives import flatten
from pipelines.read.sources import Sources

Profile = Callable[[Sources], None]
PROFILES: tuple[Profile, ...] = (
    viva.recognise,
    quantive.recognise,
    perdoo.recognise,
    tability.recognise,
    asana.recognise,
    jira_align.recognise,
    databases.recognise,
)


def recognise(sources: Sources, named: set[str] | None = None) -> Sources:
    """Apply every profile that recognises its files, then generic outlines, then flatten the
    JSON documents nobody claimed. Counts of items that are not key results become a note.

    Sheets and files a mapping file names (`named`, case folded) are left to the mapping."""
    named = named or set()
    for profile in PROFILES:
        profile(sources)
    for document in sources.documents:
        if read_documents(document, sources):  # OKR collections found anywhere in the tree
            continue
        nested = unnest(document)  # objectives holding their key results
        if nested is None:
            sources.tables.append(flatten(document))
            continue
        table = flatten(nested[0])
        table.sheet = f"{nested[1]}, a row each"  # not a sheet name of a canonical table
        sources.tables.append(table)
        sources.notes.append(
            f"{document.file}: objectives with their key results in `{nested[1]}`: "
            "read as a row per key result"
        )
    sources.documents = []
    tables = []
    for source in sources.tables:
        names = {(source.sheet or "").casefold(), Path(source.file).name.casefold(),
                 Path(source.file).stem.casefold()}  # fmt: skip
        mapped = source.role is not None or bool(names & named)
        items = None if mapped else outline_items(source)
        if items is None:
            tables.append(source)
            continue
        split = split_items(items)
        tables.extend(split.tables)
        sources.problems.extend(split.problems)
        sources.notes.append(
            f"{source.label}: one table of objectives and key results "
            "(an outline), split by its type and parent columns"
        )
        sources.notes.extend(split.notes)
        for kind, n in split.not_scored.items():
            sources.not_scored[kind] = sources.not_scored.get(kind, 0) + n
    sources.tables = tables
    return sources
