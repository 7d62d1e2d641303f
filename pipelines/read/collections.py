"""Collections of a JSON document that nothing was read from (see docs/ingestion.md).

A JSON document may hold several lists of records (`{"okrs": […], "projects": […]}`); the
reader takes its OKRs from one of them. Every other list of records is named on the import
report, with its size, so that a document whose OKRs sit in the list not taken is seen at
once, never a silent misread.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pipelines.map.synonyms import normalise_header
from pipelines.problems import Problem
from pipelines.read.sources import Collection, SourceTable

NOT_USED = "collection `{path}` ({n} records) was not used: nothing of it is loaded"
MOST_DEPTH = 6


def collections(value: object, path: str = "", depth: int = 0) -> list[Collection]:
    """Every list of records (objects) in a JSON value, outermost first; the lists inside a
    collection's records are part of it (key results under their objective), not others."""
    if depth > MOST_DEPTH:
        return []
    if isinstance(value, list):
        records = [v for v in value if isinstance(v, dict)]
        if records:
            keys = frozenset(normalise_header(k) for r in records for k in r)
            return [Collection(path or "(top level)", len(records), keys)]
        return []
    if isinstance(value, dict):
        found: list[Collection] = []
        for key, child in value.items():
            found += collections(child, f"{path}.{key}" if path else str(key), depth + 1)
        return found
    return []


def _used(found: list[Collection], tables: list[SourceTable]) -> set[Collection]:
    """The collections the file's tables were read from: the same number of records (or,
    failing that, most of their fields among the tables' headers)."""
    rows = {len(t.data) for t in tables}
    named = {t.sheet.split(",", 1)[0] for t in tables if t.sheet}
    used = {c for c in found if c.records in rows or c.path.rsplit(".", 1)[-1] in named}
    if used:
        return used
    headers = {normalise_header(h.rsplit(".", 1)[-1]) for t in tables for h in t.headers}
    return {c for c in found if c.keys and len(c.keys & headers) * 2 >= len(c.keys)}


def json_collections(name: str, data: bytes) -> list[Collection] | None:
    """The collections of a `.json` file (None: not one, or not JSON the reader can read)."""
    if not name.lower().endswith(".json"):
        return None
    try:
        return collections(json.loads(data.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None  # the reader says why it cannot read it


def unused_collections(
    files: list[tuple[str, bytes]],
    tables: list[SourceTable],
    known: Mapping[str, list[Collection]] | None = None,
) -> list[Problem]:
    """A warning for each list of records of a JSON file that no table was read from.

    Only a file the reader took tables from is parsed again (a refused one never is);
    `known` holds the collections already found where the file was parsed (the Data page's
    child process, `pipelines/read/text_child.py`), so the file is not parsed here at all.
    """
    out: list[Problem] = []
    for name, data in files:
        mine = [t for t in tables if t.file == name]
        if not mine:
            continue
        found = known[name] if known and name in known else json_collections(name, data)
        if found is None or len(found) < 2:
            continue
        used = _used(found, mine)
        out += [
            Problem(name, None, None, None, NOT_USED.format(path=c.path, n=c.records), "warning")
            for c in found
            if c not in used
        ]
    return out
