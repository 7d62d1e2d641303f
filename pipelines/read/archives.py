"""Whole exports: a `.zip` archive of JSON (or CSV) files, and JSON files in general.

A tool's export such as Viva Goals' organisation export is a zip of JSON files, one per kind of
record. The archive passes the same checks as a workbook (entry count, unpacked size, each
entry's expansion ratio, encryption) and a zip inside it is refused. Each JSON file becomes a
`Document` (its records as objects, for a tool profile), and `flatten` turns one into a
`SourceTable`: nested objects as `Outcome.Target` columns, lists of named objects as joined
names. A problem names the file inside the archive and the record number:
`Organization_….zip/objectives_….json:12: …`.
"""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from typing import cast

import pandas as pd

from pipelines.problems import Problem
from pipelines.read.delimited import read_csv_bytes
from pipelines.read.safety import MB, ZIP_MAGIC, zip_directory_problem
from pipelines.read.sources import TEXT_SUFFIXES, Document, IsHeader, Sources, SourceTable
from pipelines.read.text_limits import json_nesting_problems, text_shape_problems
from pipelines.settings import Settings

ARCHIVE_SUFFIXES = (".zip",)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json", *JSON_LINES_SUFFIXES)
NAME_KEYS = ("Name", "name", "Title", "title", "Email", "email", "ID", "id", "gid")
MAX_DEPTH = 6  # levels of nesting flattened into column names; deeper is kept as JSON text
NO_RECORDS = "JSON without a list of records (objects); not loaded"


def read_json_bytes(name: str, data: bytes, sources: Sources) -> None:
    """One JSON file: a list of records, or an object holding one (`{"data": [...]}`); or
    JSON Lines (`.jsonl`, `.ndjson`, or a `.json` file of one object a line): a record a line."""
    try:
        # UTF-16 with its BOM: what Windows PowerShell's `ConvertTo-Json | Out-File` writes
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
        lines = name.lower().endswith(JSON_LINES_SUFFIXES)
        value = _json_lines(text) if lines else json.loads(text)
    except UnicodeDecodeError as exc:
        sources.problems.append(Problem(name, None, None, None, f"not UTF-8 text ({exc})"))
        return
    except json.JSONDecodeError as exc:
        value = _json_lines_instead(text, exc) if not lines else None
        if value is None:
            where = f"line {exc.lineno}, column {exc.colno}"
            message = f"not valid JSON: {exc.msg} ({where})"
            sources.problems.append(Problem(name, None, None, None, message))
            return
    add_document(name, value, sources)


def add_document(name: str, value: object, sources: Sources) -> None:
    """A parsed document (JSON or YAML) as a `Document`: its records, and its whole tree."""
    records = _records(value)
    if records is None:  # the tree may still hold OKRs (`pipelines.map.tree`); else a warning
        sources.documents.append(Document(name, [], tree=value))
        return
    bad = [i for i, r in enumerate(records, start=1) if not isinstance(r, dict)]
    for i in bad[:20]:
        message = "record is not an object; skipped"
        sources.problems.append(Problem(name, None, i, None, message, "warning"))
    kept = [r if isinstance(r, dict) else {} for r in records]
    sources.documents.append(Document(name, kept, tree=value))


def _json_lines(text: str) -> list[object]:
    """JSON Lines: one value a line, blank lines skipped; a bad line raises with its line."""
    values: list[object] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise json.JSONDecodeError(exc.msg, text, _offset(text, number, exc.colno)) from exc
    return values


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of `line`, `column` (1-based) in `text`."""
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    return starts[min(line, len(starts)) - 1] + column - 1


def _json_lines_instead(text: str, error: json.JSONDecodeError) -> list[object] | None:
    """A `.json` file that is JSON Lines (records one a line, "Extra data" after the first):
    its records; None when it is not that either."""
    if error.msg != "Extra data":
        return None
    try:
        return _json_lines(text)
    except json.JSONDecodeError:
        return None


def _records(value: object, depth: int = 0) -> list[object] | None:
    """The records of a JSON value: a list; the longest list of objects an object holds
    (`{"data": [...]}`), one level down too (`{"data": {"goals": [...]}}`); objects keyed by
    their id, as Firebase exports collections (`{"a1": {…}, "b2": {…}}` → records with `id`);
    else an object alone is one record."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    lists = [v for v in value.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    if lists:
        return max(lists, key=len)
    keyed = _keyed(value)
    if keyed is not None:
        return keyed
    if depth < 1:
        inner = [r for v in value.values() if isinstance(v, dict)
                 if (r := _records(v, depth + 1)) is not None and len(r) > 1]  # fmt: skip
        if inner:
            return max(inner, key=len)
    if value and all(not isinstance(v, list) for v in value.values()):
        return [value]  # one record on its own
    return None


def _keyed(value: dict[str, object]) -> list[object] | None:
    """Objects keyed by their ids (at least two, every value an object sharing a field with
    the first): records with the key as `id` (unless they carry one)."""
    items = list(value.values())
    if len(items) < 2 or not all(isinstance(v, dict) and v for v in items):
        return None
    first = set(cast(dict[str, object], items[0]))
    if not all(first & set(cast(dict[str, object], v)) for v in items[1:]):
        return None
    return [
        {"id": key, **cast(dict[str, object], v)} if "id" not in cast(dict[str, object], v) else v
        for key, v in value.items()
    ]


def check_archive(name: str, data: bytes, limits: Settings) -> list[Problem]:
    """Every reason to refuse a zip archive before anything in it is unpacked."""

    def refuse(message: str, part: str | None = None) -> list[Problem]:
        return [Problem(f"{name}/{part}" if part else name, None, None, None, message)]

    if len(data) > limits.max_upload_mb * MB:
        return refuse(
            f"the file is larger than {limits.max_upload_mb} MB, the limit per file "
            f"({limits.limit_variable('max_upload_mb')})"
        )
    if not data.startswith(ZIP_MAGIC):
        return refuse("not a zip archive (a .zip name, but other content)")
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        return refuse(f"the archive is damaged or incomplete and cannot be read ({exc})")
    found = zip_directory_problem(infos, limits, "archive", "file")
    if found:
        return refuse(*found)
    for info in infos:
        if info.is_dir():
            continue
        if info.filename.lower().endswith(ARCHIVE_SUFFIXES):
            return refuse("an archive inside the archive: refused (unpack it first)", info.filename)
        if info.file_size > limits.max_upload_mb * MB:
            return refuse(
                f"unpacks to {info.file_size / MB:,.1f} MB, over the limit of "
                f"{limits.max_upload_mb} MB per file ({limits.limit_variable('max_upload_mb')})",
                info.filename,
            )
    return []


def read_archive(
    name: str, data: bytes, is_header: IsHeader, sources: Sources, limits: Settings
) -> None:
    """The JSON and CSV files of a zip archive (checked first; refused whole on any reason)."""
    refused = check_archive(name, data, limits)
    if refused:
        sources.problems.extend(refused)
        return
    archive = zipfile.ZipFile(BytesIO(data))
    skipped: list[str] = []
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        path = PurePosixPath(info.filename)
        if info.is_dir() or path.name.startswith((".", "~$")) or "__MACOSX" in path.parts:
            continue
        inner = f"{name}/{info.filename}"
        suffix = path.suffix.lower()
        if suffix not in JSON_SUFFIXES + TEXT_SUFFIXES:
            skipped.append(path.name)
            continue
        try:
            with archive.open(info) as part:
                body = part.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            message = f"the file is damaged and cannot be read ({exc})"
            sources.problems.append(Problem(inner, None, None, None, message))
            continue
        is_json = suffix in JSON_SUFFIXES
        shape = (json_nesting_problems if is_json else text_shape_problems)(inner, body, limits)
        if shape:
            sources.problems.extend(shape)
        elif is_json:
            read_json_bytes(inner, body, sources)
        else:
            read_csv_bytes(inner, body, is_header, sources, limits)
    if skipped:
        sources.notes.append(
            f"{name}: {len(skipped)} file(s) neither JSON nor CSV, not read: {', '.join(skipped)}"
        )


def flatten(document: Document) -> SourceTable:
    """A document as a table: one row per record (numbered from 1), one column per field;
    nested objects give `Outcome.Target` columns, lists of named objects joined names."""
    rows = [_flat(record, "", 0) for record in document.records]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    index = pd.RangeIndex(1, len(rows) + 1)
    data = pd.DataFrame(
        {c: pd.Series([row.get(c) for row in rows], index=index, dtype="object") for c in columns},
        index=index,
    )
    return SourceTable(document.file, None, data, {c: c for c in columns}, 0, records=True)


def _flat(value: dict[str, object], prefix: str, depth: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, item in value.items():
        column = f"{prefix}{key}"
        if isinstance(item, dict) and depth < MAX_DEPTH:
            out.update(_flat(item, f"{column}.", depth + 1))
        elif isinstance(item, list):
            out[column] = names_of(item)
        elif isinstance(item, dict):
            out[column] = json.dumps(item, ensure_ascii=False)
        else:
            out[column] = item
    return out


def names_of(items: list[object]) -> str | None:
    """`[{"Name": "A"}, {"Name": "B"}]` → `A; B`; plain values joined alike; empty → None."""
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            key = next((k for k in NAME_KEYS if item.get(k) not in (None, "")), None)
            names.append(str(item[key]) if key else json.dumps(item, ensure_ascii=False))
        elif item not in (None, ""):
            names.append(str(item))
    return "; ".join(names) or None
