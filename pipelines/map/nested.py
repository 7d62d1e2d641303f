"""JSON objectives that hold their key results: `{"objectives": [{"title": …, "key_results":
[{…}, …]}]}`, as APIs and hand-written exports nest them.

Flattened as they are, the key results would be one cell of joined names and every record an
objective with none. `unnest` turns such a document into one flat table instead, the layout
`pipelines.map.flat` reads best: a row per key result with its objective's fields beside it
(`Objective`, `Objective ID`, `Objective owner`, the cycle and team as they are named), and
an objective without key results on a row of its own. The table is named after the field
(`goals.json:key_results`), its rows numbered from 1, one per key result.
"""

from __future__ import annotations

from pipelines.map.synonyms import normalise_header
from pipelines.read.sources import Document

KR_LISTS = ("keyresults", "keyresult", "krs", "kr", "results", "measures", "metrics", "kpis",
            "resultadosclave", "resultados", "resultadoschave", "resultatscles")  # fmt: skip
TITLES = ("title", "name", "summary", "objective", "goal", "keyresult", "kr", "titulo",
          "nombre", "objetivo", "resultado", "nom", "titre", "text", "label")  # fmt: skip
IDS = ("id", "gid", "key", "uuid", "objectiveid", "goalid", "krid", "keyresultid")
# A parent's fields as a flat sheet names the objective's (normalised field → header).
OBJECTIVE_FIELDS = {"owner": "Objective owner", "description": "Objective description",
                    "weight": "Objective weight", "archived": "Objective archived"}  # fmt: skip


def kr_list_field(records: list[dict[str, object]]) -> str | None:
    """The field holding each record's key results as a list of objects, if any."""
    for record in records:
        for key, value in record.items():
            if (
                normalise_header(key) in KR_LISTS
                and isinstance(value, list)
                and any(isinstance(v, dict) for v in value)
            ):
                return key
    return None


def unnest(document: Document) -> tuple[Document, str] | None:
    """The document as a row per key result (see the module), and the field it came from;
    None when no record holds a list of key results."""
    field = kr_list_field(document.records)
    if field is None:
        return None
    kr_keys = {k for r in document.records for c in _krs(r, field) for k in c}
    rows: list[dict[str, object]] = []
    for record in document.records:
        parent = _objective_fields(record, field, kr_keys)
        krs = _krs(record, field)
        if not krs:
            rows.append(parent)
        rows.extend({**parent, **_kr_fields(kr)} for kr in krs)
    return Document(document.file, rows), field


def _krs(record: dict[str, object], field: str) -> list[dict[str, object]]:
    children = record.get(field)
    return [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []


def _objective_fields(
    record: dict[str, object], field: str, kr_keys: set[str]
) -> dict[str, object]:
    """The objective's fields: its title and id as `Objective` and `Objective ID`, a field
    its key results also have as `Objective <field>` (theirs keep the plain name)."""
    out: dict[str, object] = {}
    title = _first(record, TITLES)
    ident = _first(record, IDS)
    for key, value in record.items():
        if key == field:
            continue
        if key == title:
            out["Objective"] = value
        elif key == ident:
            out["Objective ID"] = value
        elif normalise_header(key) in OBJECTIVE_FIELDS:
            out[OBJECTIVE_FIELDS[normalise_header(key)]] = value
        else:
            out[f"Objective {key}" if key in kr_keys else key] = value
    return out


def _kr_fields(kr: dict[str, object]) -> dict[str, object]:
    title = _first(kr, TITLES)
    ident = _first(kr, IDS)
    names = {title: "Key Result", ident: "KR ID"}
    return {names.get(key, key): value for key, value in kr.items()}


def _first(record: dict[str, object], names: tuple[str, ...]) -> str | None:
    keys = {normalise_header(k): k for k in record}
    return next((keys[n] for n in names if n in keys), None)
