"""Microsoft Viva Goals: the list-view CSV and the organisation export (a zip of JSON files).

Rules of the tool: `Object Type` / `Type` tells objectives (Objective, Big rock) from key
results (Key result, Kpi) and from what is not scored (Deliverable, Project); parents come from
`Aligned To (weight, Objective ID)` text or `Alignment[{ID, Weight}]`, a weight of 0% meaning
none given. `Progress` is the metric's current value for Metric outcomes and a percent for
Percentage outcomes; Stay Above / Stay Below targets are one-sided ranges; a `Score` is the
closing grade only on a Closed item (open items carry 0.0). Check-ins are packed as text in the
CSV (`Checkin Date: …; User: …; Note: …; Status: …; Current Value: 25%; …`) and are records of
their own in the archive, as are time periods and teams.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.map.hierarchy import (
    OBJECTIVE,
    Items,
    as_column,
    blank_to_none,
    kind_of,
    row_number,
    split_items,
)
from pipelines.map.synonyms import normalise_header
from pipelines.map.values import parse_number
from pipelines.read.sources import Document, Sources, SourceTable

CSV_TOOL = "Viva Goals list-view CSV"
ORG_TOOL = "Viva Goals organisation export"
CSV_HEADERS = ("objecttype", "alignedto", "checkins", "progress", "period")
ALIGNED = re.compile(r"\s*(?:/\s*)?(.*?)\(weight:\s*(-?[\d.,]+)\s*%,\s*Id:\s*(\w+)\)")
PACKED_KEYS = (
    "Checkin Date", "User", "Note", "Metric Name", "Status", "Current Value", "Activity Date",
)  # fmt: skip
PACKED = re.compile(r"(?:^|;\s*)(" + "|".join(PACKED_KEYS) + r"):[ \t]?")
ORG_FILES = {
    "objectives": "objectives_export_file",
    "checkins": "checkins_export_file",
    "periods": "timeperiods_export_file",
    "teams": "teams_export_file",
}
Link = tuple[int, float | None]  # a parent's row and the link's weight
IGNORED_FILES = ("users_export_file", "tags_export_file", "comments_export_file")


def recognise(sources: Sources) -> None:
    _recognise_org_export(sources)
    for source in list(sources.tables):
        keys = {normalise_header(h) for h in source.headers}
        if source.role is None and all(k in keys for k in CSV_HEADERS):
            _csv(sources, source)


# --- shared ------------------------------------------------------------------------------


def weight(text: object) -> float | None:
    """`40.0%` → 0.4; `0%` (Viva's "no explicit weight") → None."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    value = float(str(text).strip().rstrip("%").replace(",", "."))
    return value / 100 if value else None


def number(text: object) -> float | None:
    """`25%` → 25, `1,800,000` → 1800000; not a number → None."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    if isinstance(text, int | float):
        return float(text)
    cleaned = re.sub(r"[^\d.\-]", "", str(text).replace(",", ""))
    try:
        return float(cleaned)
    except ValueError:
        return None


def numbers(column: pd.Series, kind: str, hint: str | None) -> pd.Series:
    """A column's numbers as the file writes them, the decimal separator decided per column:
    `1.8`, or `1,8` once a European Excel saved the file again (read cell by cell, `1,8` was
    18). `kind` "progress" reads 0–100, 0–1 and `25%` alike as a fraction. No number: None."""
    values = parse_number(column, kind, hint).values
    return values.astype("object").where(values.notna(), None)


def first_name(text: object) -> str | None:
    """The first of `A; B` or `A, B` (all are in the source; the first is the owner)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    parts = [p.strip() for p in re.split(r"[;,]", str(text)) if p.strip()]
    return parts[0] if parts else None


def unpack_check_in(cell: str) -> dict[str, str]:
    """One packed check-in cell as its fields (a Note may hold `;` and new lines)."""
    found = list(PACKED.finditer(cell))
    out: dict[str, str] = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(cell)
        value = cell[match.end() : end]
        out[match.group(1)] = value.rstrip().removesuffix(";") if i + 1 == len(found) else value
    return {k: v.strip() for k, v in out.items()}


def _announce(sources: Sources, tool: str, split_not_scored: dict[str, int]) -> None:
    sources.recognised.append(tool)
    for kind, n in split_not_scored.items():
        sources.not_scored[kind] = sources.not_scored.get(kind, 0) + n


# --- the list-view CSV -------------------------------------------------------------------


def _col(source: SourceTable, *names: str) -> str | None:
    keys = {normalise_header(n) for n in names}
    return next((h for h in source.headers if normalise_header(h) in keys), None)


def _csv(sources: Sources, source: SourceTable) -> None:
    data = source.data
    col = {
        name: _col(source, *aliases)
        for name, aliases in {
            "id": ("Id",), "title": ("Title",), "team": ("Team",), "owner": ("Owner",),
            "period": ("Period",), "description": ("Description",), "aligned": ("Aligned To",),
            "unit": ("Unit",), "target": ("Target",), "type": ("Object Type",),
            "start": ("Start",), "progress": ("Progress %", "Progress"), "status": ("Status",),
            "score": ("Score",), "checkins": ("Checkins",), "metric": ("Metric Name",),
        }.items()
    }  # fmt: skip

    def cells(name: str) -> pd.Series:
        header = col[name]
        if header is None:
            return pd.Series(None, index=data.index, dtype="object")
        return data[header].map(blank_to_none)

    frame = pd.DataFrame(index=data.index)
    frame["id"] = cells("id").map(_id)  # 3104501.0 once a workbook typed it: 3104501
    frame["kind"] = cells("type").map(kind_of)
    frame["title"] = cells("title").map(lambda v: None if v is None else str(v).strip())
    frame["team_id"] = cells("team").map(first_name)
    frame["owner"] = cells("owner").map(first_name)
    frame["cycle_id"] = cells("period")
    frame["description"] = cells("description")
    frame["unit"] = cells("unit")
    hint = source.decimal_hint
    frame["start_value"] = numbers(cells("start"), "number", hint)
    frame["target_value"] = numbers(cells("target"), "number", hint)
    # 0–100 as downloaded; 25% or 0.25 once a person retyped it (decided per column)
    frame["reported_progress"] = numbers(cells("progress"), "progress", hint)
    closed = cells("status").map(lambda v: str(v).strip().casefold() == "closed")
    score = numbers(cells("score"), "number", hint)
    frame["manual_score"] = score.where(closed & (frame["kind"] != OBJECTIVE))
    by_id = {str(v): row_number(r) for r, v in frame["id"].items() if v}
    aligned = [_aligned(v, by_id) for v in cells("aligned")]
    frame["parents"] = as_column(aligned, frame.index)
    letters = {n: source.letters[h] for n, h in col.items() if h is not None}
    letters.update(
        {"objective_id": letters.get("id", "id"), "kr_id": letters.get("id", "id"),
         "team_id": letters.get("team", "team"), "cycle_id": letters.get("period", "period"),
         "start_value": letters.get("start", "start"),
         "target_value": letters.get("target", "target"),
         "reported_progress": letters.get("progress", "progress"),
         "manual_score": letters.get("score", "score"),
         "parent_objective_id": letters.get("aligned", "aligned"),
         "parent_kr_id": letters.get("aligned", "aligned"),
         "weight": letters.get("aligned", "aligned")}
    )  # fmt: skip
    checks = _packed_check_ins(source, col["checkins"])
    items = Items(source, frame, letters, checks)
    split = split_items(items)
    sources.tables = [t for t in sources.tables if t is not source] + split.tables
    sources.problems.extend(split.problems)
    sources.notes.extend(split.notes)
    _announce(sources, CSV_TOOL, split.not_scored)


def _aligned(text: object, by_id: dict[str, int]) -> list[tuple[int, float | None]]:
    if text is None:
        return []
    links = []
    for _title, share, parent in ALIGNED.findall(str(text)):
        if parent in by_id:
            links.append((by_id[parent], weight(share)))
    return links


def _packed_check_ins(source: SourceTable, first: str | None) -> pd.DataFrame | None:
    """Check-ins packed in `Checkins` and every column to its right."""
    if first is None:
        return None
    columns = source.headers[source.headers.index(first) :]
    rows: list[dict[str, object]] = []
    for row, values in source.data[columns].iterrows():
        for value in values:
            if value is None or pd.isna(value) or "Checkin Date" not in str(value):
                continue
            fields = unpack_check_in(str(value))
            rows.append(
                {
                    "kr_row": row,
                    "checked_at": fields.get("Checkin Date"),
                    "value": number(fields.get("Current Value")),
                    "status": fields.get("Status"),
                    "note": fields.get("Note") or None,
                    "author": fields.get("User"),
                }
            )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    return frame.set_index(pd.Index(frame["kr_row"].to_list()))


# --- the organisation export -------------------------------------------------------------


def _document(sources: Sources, key: str) -> Document | None:
    return next((d for d in sources.documents if key in d.file.rsplit("/", 1)[-1].casefold()), None)


def _recognise_org_export(sources: Sources) -> None:
    objectives = _document(sources, ORG_FILES["objectives"])
    if objectives is None or not objectives.records or "Outcome" not in objectives.records[0]:
        return
    records = objectives.records
    index = pd.RangeIndex(1, len(records) + 1)
    cols: dict[str, list[object]] = {}
    cols["id"] = [_id(r.get("ID")) for r in records]
    cols["kind"] = [kind_of(r.get("Type")) for r in records]
    cols["title"] = [r.get("Title") for r in records]
    cols["owner"] = [_first(r.get("Owner")) for r in records]
    cols["team_id"] = [_first(r.get("Teams")) for r in records]
    cols["cycle_id"] = [_name(r.get("Time Period")) for r in records]
    cols["description"] = [r.get("Description") or None for r in records]
    by_id = {_id(v): i for i, v in zip(index, cols["id"], strict=True)}
    cols["parents"] = [_org_parents(r, by_id) for r in records]
    outcome = [_outcome(r) for r in records]
    for name in ("kr_type", "unit", "start_value", "target_value", "range_low", "range_high",
                 "current_value", "reported_progress", "manual_score"):  # fmt: skip
        cols[name] = [o.get(name) for o in outcome]
    frame = pd.DataFrame(cols, index=index)
    checks = _org_check_ins(sources, by_id)
    letters = {
        "objective_id": "ID", "kr_id": "ID", "title": "Title", "owner": "Owner",
        "team_id": "Teams", "cycle_id": "Time Period.Name", "weight": "Alignment.Weight",
        "parent_objective_id": "Alignment.ID", "parent_kr_id": "Alignment.ID",
        "start_value": "Outcome.Start", "target_value": "Outcome.Target",
        "range_low": "Outcome.Target", "range_high": "Outcome.Target",
        "current_value": "Progress", "reported_progress": "Progress", "manual_score": "Score",
        "kr_type": "Outcome.Target Type", "unit": "Outcome.Metric Unit",
    }  # fmt: skip
    table = SourceTable(objectives.file, None, pd.DataFrame(index=index), {}, 0, records=True)
    split = split_items(Items(table, frame, letters, checks))
    used = [objectives]
    tables = list(split.tables)
    periods = _document(sources, ORG_FILES["periods"])
    if periods is not None:
        used.append(periods)
        tables.append(_records_table(periods, "cycles", {
            "cycle_id": "Time Period Name", "name": "Time Period Name",
            "start_date": "Start Date", "end_date": "End Date"}))  # fmt: skip
    teams = _document(sources, ORG_FILES["teams"])
    if teams is not None:
        used.append(teams)
        tables.append(
            _records_table(
                teams,
                "teams",
                {"team_id": "Team Name", "name": "Team Name", "parent_team_id": "Parent Team"},
            )
        )
    checkins = _document(sources, ORG_FILES["checkins"])
    if checkins is not None:
        used.append(checkins)
    ignored = [
        d for d in sources.documents if any(k in d.file.rsplit("/", 1)[-1].casefold()
                                            for k in IGNORED_FILES)
    ]  # fmt: skip
    for document in ignored:
        used.append(document)
        sources.notes.append(
            f"{document.file}: {len(document.records):,} records, not OKR data "
            "(users, tags or comments); not loaded"
        )
    sources.documents = [d for d in sources.documents if all(d is not u for u in used)]
    sources.tables.extend(tables)
    sources.problems.extend(split.problems)
    sources.notes.extend(split.notes)
    _announce(sources, ORG_TOOL, split.not_scored)


def _org_parents(record: dict[str, object], by_id: dict[str | None, int]) -> list[Link]:
    """An item's parents: its `Alignment` (with weights), else its `Parent IDs`."""
    aligned = [
        (by_id[_id(a.get("ID"))], weight(a.get("Weight")))
        for a in _list(record.get("Alignment"))
        if isinstance(a, dict) and _id(a.get("ID")) in by_id
    ]
    parents = _list(record.get("Parent IDs"))
    return aligned or [(by_id[_id(p)], None) for p in parents if _id(p) in by_id]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _id(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _name(value: object) -> str | None:
    if isinstance(value, dict):
        found = value.get("Name") or value.get("Title")
        return None if found is None else str(found)
    return None if value in (None, "") else str(value)


def _first(value: object) -> str | None:
    if isinstance(value, list):
        return next((n for n in (_name(v) for v in value) if n), None)
    return _name(value)


def _outcome(record: dict[str, object]) -> dict[str, object]:
    """Viva's outcome as canonical key-result fields: Percentage outcomes report a percent,
    Metric outcomes the metric's current value; Stay Above/Below is a one-sided range; the
    Score counts only on a Closed item, and not when it is 0.0 (left unset by the tool)."""
    out: dict[str, object] = {}
    outcome = record.get("Outcome")
    outcome = outcome if isinstance(outcome, dict) else {}
    progress = number(record.get("Progress"))
    closed = str(record.get("Status") or "").strip().casefold() == "closed"
    score = number(record.get("Score"))
    if closed and score:  # a closed item's 0.0 is the tool's "not scored", not a grade
        out["manual_score"] = score
    start, target = number(outcome.get("Start")), number(outcome.get("Target"))
    target_type = str(outcome.get("Target Type") or "").strip().casefold()
    out["unit"] = outcome.get("Metric Name") if outcome.get("Outcome Type") == "Metric" else "%"
    if outcome.get("Outcome Type") != "Metric":  # a percent, 0 → 100, check-ins alike
        out["reported_progress"] = None if progress is None else progress / 100
        out.update(kr_type="increase", start_value=0.0, target_value=100.0)
        out["current_value"] = progress
        return out
    out["current_value"] = progress
    if target_type == "stay above":
        out.update(kr_type="range", range_low=target)
    elif target_type == "stay below":
        out.update(kr_type="range", range_high=target)
    else:
        out.update(start_value=start, target_value=target)
        if target_type.startswith("decrease"):
            out["kr_type"] = "decrease"
        elif target_type.startswith(("increase", "reach")):
            out["kr_type"] = "increase"
    return out


def _org_check_ins(sources: Sources, by_id: dict[str | None, int]) -> pd.DataFrame | None:
    document = _document(sources, ORG_FILES["checkins"])
    if document is None:
        return None
    rows: list[dict[str, object]] = []
    for r in document.records:
        okr = _id(r.get("OKR ID"))
        if okr not in by_id:
            continue
        note = r.get("Check In Note")
        rows.append(
            {
                "kr_row": by_id[okr],
                "checked_at": r.get("CheckIn Date"),
                "value": number(r.get("Current Value")),
                "status": r.get("Status"),
                "note": note.get("Check In Note") if isinstance(note, dict) else note,
                "author": _name(r.get("Check In Owner")),
            }
        )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    return frame.set_index(pd.Index(frame["kr_row"].to_list()))


def _records_table(document: Document, role: str, fields: dict[str, str]) -> SourceTable:
    index = pd.RangeIndex(1, len(document.records) + 1)
    data = pd.DataFrame(
        {c: pd.Series([r.get(f) or None for r in document.records], index=index, dtype="object")
         for c, f in fields.items()}
    )  # fmt: skip
    return SourceTable(document.file, None, data, dict(fields), 0, None, role, None, records=True)
