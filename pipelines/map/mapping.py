"""Column mapping: which canonical table a source holds and which header feeds each column.

A source's *role* is a canonical table (`key_results`, …), `flat` (one row per key result,
objective repeated) or `ignore`. Its *columns* map fields named `table.column` to source
headers. Suggestions come from the sheet or file name and the synonym table; an explicit
mapping file (TOML; docs/ingestion.md, "Mapping files") overrides them and can be written back from
a mapping.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipelines.map.synonyms import (
    DOCUMENTATION_SHEETS,
    ENTITY,
    FLAT,
    TABLE_ALIASES,
    normalise_header,
    not_okr_kind,
)
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable
from pipelines.store.schema import TABLES_BY_NAME

FLAT_TABLES = ("objectives", "key_results", "check_ins")
ROLES = (*TABLES_BY_NAME, "flat", "ignore")


@dataclass
class SourceMapping:
    role: str  # a canonical table, "flat" or "ignore"
    columns: dict[str, str] = field(default_factory=dict)  # "table.column" → source header
    constants: dict[str, str] = field(default_factory=dict)  # "table.column" → every row's value
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {source: canonical}
    ignored: list[str] = field(default_factory=list)  # source headers left alone on purpose
    reason: str | None = None  # why a source is left out, when it is on purpose (a note)


Mapping = dict[str, SourceMapping]  # by SourceTable.label


def fields_for(role: str) -> list[str]:
    """The fields a source of this role can fill, as `table.column`."""
    if role == "flat":
        return list(FLAT)
    if role in TABLES_BY_NAME:
        return [f"{role}.{c}" for c in TABLES_BY_NAME[role].column_names]
    return []


def required_fields(role: str) -> list[str]:
    if role == "flat":
        return ["objectives.title", "key_results.title"]
    if role in TABLES_BY_NAME:
        return [f"{role}.{c}" for c in TABLES_BY_NAME[role].required]
    return []


@cache
def synonym_index(role: str) -> dict[str, str]:
    """Normalised header → field, for one role; the first field to claim a synonym keeps it."""
    index: dict[str, str] = {}
    if role == "flat":
        names = [f.split(".", 1)[1] for f in FLAT]
        for name, synonyms in FLAT.items():
            column = name.split(".", 1)[1]
            own = (column,) if names.count(column) == 1 else ()
            for synonym in (*own, *synonyms):
                index.setdefault(normalise_header(synonym), name)
    elif role in ENTITY:
        for column, synonyms in ENTITY[role].items():
            for synonym in (column, *synonyms):
                index.setdefault(normalise_header(synonym), f"{role}.{column}")
    return index


def known_header(text: str) -> bool:
    """Whether a cell reads like a header of any role (used to find the header row)."""
    key = normalise_header(text)
    return bool(key) and any(key in synonym_index(role) for role in (*ENTITY, "flat"))


@cache
def _percent_index(role: str) -> frozenset[str]:
    """The synonyms of a role with `%` read as a word: `Result %` is not `Result`."""
    table = FLAT if role == "flat" else ENTITY.get(role, {})
    return frozenset(_with_percent(s) for synonyms in table.values() for s in synonyms)


def _with_percent(header: str) -> str:
    return normalise_header(header.replace("%", " percent "))


def suggest_columns(headers: list[str], role: str) -> dict[str, str]:
    """Field → header by the synonym table; a header that names its field with the `%` it
    is written with (`Result %`) claims it before one that matches only once `%` is dropped
    (a prose `Result` beside it)."""
    index, exact = synonym_index(role), _percent_index(role)
    columns: dict[str, str] = {}
    for header in sorted(headers, key=lambda h: "%" not in h or _with_percent(h) not in exact):
        name = index.get(normalise_header(header))
        if name and name not in columns:
            columns[name] = header
    return columns


def is_documentation(source: SourceTable) -> bool:
    """A README or instructions sheet, as templates carry: skipped without a warning."""
    return normalise_header(source.sheet or Path(source.file).stem) in DOCUMENTATION_SHEETS


def classify(source: SourceTable) -> str:
    """The role a source most likely plays: by its sheet or file name, then by its headers."""
    name = normalise_header(source.sheet or Path(source.file).stem)
    if name in DOCUMENTATION_SHEETS or not_okr_kind(name, source.headers):
        return "ignore"
    for table, aliases in TABLE_ALIASES.items():
        if name in aliases:
            return table
    flat = suggest_columns(source.headers, "flat")
    kr_fields = [f for f in flat if f.startswith("key_results.")]
    if "objectives.title" in flat and ("key_results.title" in flat or len(kr_fields) >= 2):
        return "flat"
    ranked = sorted(
        (
            (len(cols), all(f in cols for f in required_fields(t)), t)
            for t in ENTITY
            for cols in [suggest_columns(source.headers, t)]
        ),
        reverse=True,
    )
    matched, complete, table = ranked[0]
    if complete or matched >= 2:
        return table
    for table, aliases in TABLE_ALIASES.items():
        if any(alias in name for alias in aliases if len(alias) > 4):
            return table
    return "ignore"


@dataclass
class MappingEntry:
    """One `[table]` of a mapping file: where the table is and which header feeds each column."""

    table: str
    sheet: str | None
    file: str | None
    columns: dict[str, str]
    constants: dict[str, str] = field(default_factory=dict)  # column → `{ value = "…" }`
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # `[table.values.column]`
    ignore: list[str] = field(default_factory=list)  # `ignore = [...]`

    def locates(self, source: SourceTable) -> bool:
        stem = Path(source.file).stem.casefold()
        if self.file and self.file.casefold() not in (source.file.casefold(), stem):
            return False
        return not self.sheet or self.sheet.casefold() in ((source.sheet or stem).casefold(),)


@dataclass
class MappingFile:
    name: str
    entries: list[MappingEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def sheets(self) -> set[str]:
        return {e.sheet for e in self.entries if e.sheet}

    def headers(self) -> set[str]:
        named = [h for e in self.entries for h in (*e.columns.values(), *e.ignore)]
        return {normalise_header(h) for h in named}

    def names_sources(self) -> bool:
        """Whether the file says where each table is (`sheet =`/`file =`): then a sheet or file
        it does not name is left out, as a database export's other tables are."""
        return any(e.sheet or e.file for e in self.entries)


def parse_mapping_file(name: str, text: str) -> MappingFile:
    """Read a TOML mapping file; unknown tables or columns are problems, not surprises."""
    result = MappingFile(name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        result.problems.append(Problem(name, None, None, None, f"not valid TOML: {exc}"))
        return result
    for table, value in data.items():
        if table not in TABLES_BY_NAME:
            known = ", ".join(TABLES_BY_NAME)
            message = f"[{table}] is not a table of the model ({known})"
            result.problems.append(Problem(name, None, None, None, message))
            continue
        for block in value if isinstance(value, list) else [value]:
            result.entries.append(_entry(name, table, block, result.problems))
    return result


def _entry(
    name: str, table: str, block: dict[str, object], problems: list[Problem]
) -> MappingEntry:
    """One `[table]` block: columns, `{ value = "…" }` constants, `ignore` and `values` maps."""
    known = TABLES_BY_NAME[table].column_names
    sheet, file = block.get("sheet"), block.get("file")
    entry = MappingEntry(table, None if sheet is None else str(sheet),
                         None if file is None else str(file), {})  # fmt: skip

    def problem(message: str) -> None:
        problems.append(Problem(name, None, None, None, f"[{table}] {message}"))

    for key, item in block.items():
        if key in ("sheet", "file"):
            continue
        if key == "ignore":
            if isinstance(item, list) and all(isinstance(h, str) for h in item):
                entry.ignore = list(item)
            else:
                problem('ignore must be a list of column names: ignore = ["a", "b"]')
            continue
        if key == "values":
            for column, pairs in (item if isinstance(item, dict) else {}).items():
                if column not in known or not isinstance(pairs, dict):
                    problem(f"values.{column}: no such column, or not a table of values")
                    continue
                entry.values[column] = {str(k): str(v) for k, v in pairs.items()}
            continue
        if key not in known:
            problem(f"has no column {key!r}")
            continue
        if isinstance(item, dict):
            if set(item) == {"value"}:
                entry.constants[key] = str(item["value"])
            else:
                problem(f'{key}: a constant is written {key} = {{ value = "…" }}')
            continue
        entry.columns[key] = str(item)
    return entry


def _find_header(source: SourceTable, wanted: str) -> str | None:
    for match in (
        lambda h: h == wanted,
        lambda h: h.casefold() == wanted.casefold(),
        lambda h: normalise_header(h) == normalise_header(wanted),
    ):
        found = [h for h in source.headers if match(h)]
        if found:
            return found[0]
    return None


def _apply_entries(
    source: SourceTable, role: str, entries: list[MappingEntry], file: MappingFile
) -> SourceMapping:
    ignored = [h for e in entries for i in e.ignore if (h := _find_header(source, i))]
    columns = suggest_columns([h for h in source.headers if h not in ignored], role)
    overrides: dict[str, str | None] = {}
    extra = SourceMapping(role, ignored=ignored)
    for entry in entries:
        for column, value in entry.constants.items():
            extra.constants[f"{entry.table}.{column}"] = value
        for column, pairs in entry.values.items():
            extra.values[f"{entry.table}.{column}"] = pairs
        for column, header in entry.columns.items():
            name = f"{entry.table}.{column}"
            if role == "flat" and name == "key_results.objective_id":
                name = "objectives.objective_id"
            if name not in fields_for(role):
                message = f"[{entry.table}] {column} is not used when {source.label} is {role}"
                file.problems.append(Problem(file.name, None, None, None, message))
                continue
            found = _find_header(source, header) if header else None
            if header and not found:
                message = f'[{entry.table}] {column} = "{header}": no such column in {source.label}'
                file.problems.append(Problem(file.name, None, None, None, message))
            overrides[name] = found
    claimed = {h for h in overrides.values() if h}
    columns = {k: v for k, v in columns.items() if v not in claimed}
    columns.update({k: v for k, v in overrides.items() if v})
    columns = {k: v for k, v in columns.items() if k not in extra.constants}
    extra.columns = {k: v for k, v in columns.items() if overrides.get(k, v)}
    return extra


def suggest_mapping(sources: list[SourceTable], file: MappingFile | None = None) -> Mapping:
    """A role and column mapping per source: from the mapping file where it says, else guessed."""
    file = file or MappingFile("mapping")
    mapping: Mapping = {}
    used: set[int] = set()
    for source in sources:
        located = [(i, e) for i, e in enumerate(file.entries) if (e.sheet or e.file)]
        located = [(i, e) for i, e in located if e.locates(source)]
        used.update(i for i, _ in located)
        tables = {e.table for _, e in located}
        if source.role is not None:  # a tool profile's output: canonical headers already
            flat = source.role == "flat"  # headers are `table.column` already
            columns = {h if flat else f"{source.role}.{h}": h for h in source.headers}
            mapping[source.label] = SourceMapping(source.role, columns)
            continue
        if not tables and file.names_sources() and file.entries:
            reason = f"not named in {file.name}; not loaded"
            mapping[source.label] = SourceMapping("ignore", reason=reason)
            continue
        if not tables:
            role = classify(source)
        elif len(tables) > 1:
            role = "flat"
        else:
            role = tables.pop()
        tables_of_role = FLAT_TABLES if role == "flat" else (role,)
        roaming = [e for e in file.entries if not (e.sheet or e.file) and e.table in tables_of_role]
        entries = [e for _, e in located] + roaming
        mapping[source.label] = _apply_entries(source, role, entries, file)
    for i, entry in enumerate(file.entries):
        if (entry.sheet or entry.file) and i not in used:
            where = entry.sheet or entry.file
            message = f"[{entry.table}] names {where!r}, which none of the files contains"
            file.problems.append(Problem(file.name, None, None, None, message))
    return mapping


def loaded_columns(m: SourceMapping) -> dict[str, str]:
    """The fields that will load: a flat sheet's check-in columns need its date column."""
    if m.role == "flat" and "check_ins.checked_at" not in m.columns:
        return {k: v for k, v in m.columns.items() if not k.startswith("check_ins.")}
    return m.columns


def unmapped_columns(sources: list[SourceTable], mapping: Mapping) -> list[str]:
    """Every source column that feeds nothing, as `file[:sheet]: header`."""
    out: list[str] = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            if not is_documentation(source):
                out.append(f"{source.label}: (whole sheet of {len(source.headers)} columns)")
            continue
        used = set(loaded_columns(m).values()) | set(m.ignored)
        out.extend(f"{source.label}: {h}" for h in source.headers if h not in used)
    return out


def mapping_toml(sources: list[SourceTable], mapping: Mapping) -> str:
    """The mapping as a TOML mapping file (docs/ingestion.md) that reproduces it on the next
    import."""
    blocks: dict[str, list[list[str]]] = {}
    sheet_names = [s.sheet for s in sources if s.sheet]
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore" or source.role is not None:
            continue  # a tool profile's output is recognised again without a mapping
        where = []
        if source.sheet:
            where.append(f"sheet = {_quote(source.sheet)}")
        if not source.sheet or sheet_names.count(source.sheet) > 1:
            where.append(f"file = {_quote(source.file)}")
        tables = FLAT_TABLES if m.role == "flat" else (m.role,)
        for table in tables:
            lines = [
                f"{name.split('.', 1)[1]} = {_quote(header)}"
                for name, header in m.columns.items()
                if name.startswith(f"{table}.")
            ]
            lines += [
                f"{name.split('.', 1)[1]} = {{ value = {_quote(value)} }}"
                for name, value in m.constants.items()
                if name.startswith(f"{table}.")
            ]
            if m.ignored and table == tables[0]:
                lines.append(f"ignore = [{', '.join(_quote(h) for h in m.ignored)}]")
            for name, pairs in m.values.items():
                if name.startswith(f"{table}.") and pairs:
                    lines += ["", f"[{table}.values.{name.split('.', 1)[1]}]"]
                    lines += [f"{_quote(k)} = {_quote(v)}" for k, v in pairs.items()]
            if lines or m.role != "flat":
                blocks.setdefault(table, []).append(where + lines)
    out = ["# OKR Health mapping file: canonical column = source column", ""]
    for table, items in blocks.items():
        for lines in items:
            out.append(f"[[{table}]]" if len(items) > 1 else f"[{table}]")
            out.extend(lines)
            out.append("")
    return "\n".join(out)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def columns_for_role(source: SourceTable, role: str, suggested: Mapping) -> dict[str, str]:
    """Starting columns when a person picks `role` for a source: the suggestion if it was
    for that role, else the synonym matches for it."""
    current = suggested.get(source.label)
    if current is not None and current.role == role:
        return dict(current.columns)
    return suggest_columns(source.headers, role)
