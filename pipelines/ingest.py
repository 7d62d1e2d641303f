"""Ingest: files → read → map → validate → load, as one all-or-nothing step (SPEC §2, §8).

`ingest_paths` is what the command line calls. The Data page walks the same stages one at a
time on uploaded bytes: `read_sources` → `suggest_mapping` (editable) → `prepare` (apply the
mapping, derive cycles and teams, validate) → `load`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.map.apply import apply_mapping
from pipelines.map.canonical import LOCATION, Canonical
from pipelines.map.derive import derive_missing
from pipelines.map.mapping import (
    Mapping,
    MappingFile,
    known_header,
    parse_mapping_file,
    suggest_mapping,
    unmapped_columns,
)
from pipelines.map.synonyms import normalise_header
from pipelines.problems import Problem, count_errors, sort_problems
from pipelines.read.files import expand_paths, read_files
from pipelines.read.sources import Sources
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.load import load_tables, removed_by, stored_keys
from pipelines.store.rows import log_rejected_import
from pipelines.validate import validate

__all__ = [
    "IngestReport",
    "Progress",
    "Prepared",
    "ingest_files",
    "ingest_paths",
    "load",
    "prepare",
    "read_mapping_file",
    "read_sources",
    "suggest_mapping",
]


# Called with each stage's name as it starts: "read", "check", "load" (plain words, shown as is).
Progress = Callable[[str], None]


@dataclass
class IngestReport:
    ok: bool
    outcome: str  # loaded | unchanged | rejected | dry-run
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)  # stored rows a newer export dropped
    notes: list[str] = field(default_factory=list)  # what was detected and decided


@dataclass
class Prepared:
    """Canonical frames of an ingest, validated, ready for `load` when `ok`."""

    canonical: Canonical
    problems: list[Problem]
    unmapped: list[str]
    removals: dict[str, list[str]]
    source_files: list[str]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return count_errors(self.problems) == 0

    @property
    def rows(self) -> dict[str, int]:
        rows = {}
        for table in ("cycles", "teams", "objectives", "key_results", "check_ins"):
            n = sum(len(src[table]) for src in (self.canonical.tables, self.canonical.derived)
                    if table in src)  # fmt: skip
            if n or table in self.canonical.tables:
                rows[table] = n
        return rows

    def tables(self) -> dict[str, pd.DataFrame]:
        """The frames to write, without their source locations."""
        return {t: f.drop(columns=LOCATION) for t, f in self.canonical.tables.items()}

    def derived(self) -> dict[str, pd.DataFrame]:
        return {t: f.drop(columns=LOCATION) for t, f in self.canonical.derived.items()}


def read_mapping_file(path: Path | None) -> MappingFile | None:
    if path is None:
        return None
    return parse_mapping_file(path.name, path.read_text(encoding="utf-8-sig"))


def read_sources(
    files: list[tuple[str, bytes]], mapping_file: MappingFile | None = None
) -> Sources:
    """Read files given as (name, bytes): every sheet or CSV below its detected header row."""
    extra = mapping_file.headers() if mapping_file else set()

    def is_header(text: str) -> bool:
        return known_header(text) or normalise_header(text) in extra

    return read_files(files, is_header, mapping_file.sheets() if mapping_file else ())


def _stored(db: Path | str | None) -> dict[str, pd.DataFrame]:
    path = resolve_db_path(db)
    if not path.exists():
        return stored_keys(None)
    with open_store(path, read_only=True) as conn:
        return stored_keys(conn)


def prepare(
    sources: Sources,
    mapping: Mapping,
    db: Path | str | None = None,
    mapping_file: MappingFile | None = None,
) -> Prepared:
    """Apply the mapping, derive missing cycles and teams, and validate against the store."""
    canonical = apply_mapping(sources.tables, mapping)
    stored = _stored(db)
    derive_missing(canonical, stored)
    removals = removed_by(canonical.tables, stored)
    remaining = dict(stored)
    remaining["objectives"] = stored["objectives"][
        ~stored["objectives"]["objective_id"].isin(removals["objectives"])
    ]
    remaining["key_results"] = stored["key_results"][
        ~stored["key_results"]["kr_id"].isin(removals["key_results"])
    ]
    validate(canonical, remaining)
    problems = [*sources.problems, *(mapping_file.problems if mapping_file else [])]
    problems += canonical.problems
    if not canonical.tables and not count_errors(problems):
        message = "no OKR table found: map its columns (a mapping file or the Data page)"
        files_read = sorted({s.file for s in sources.tables}) or ["(no files)"]
        problems += [Problem(f, None, None, None, message) for f in files_read]
    files = sorted({s.file for s in sources.tables} | {p.file for p in sources.problems})
    return Prepared(
        canonical,
        sort_problems(problems),
        unmapped_columns(sources.tables, mapping),
        removals,
        files,
        [*sources.notes, *canonical.notes],
    )


def load(prepared: Prepared, db: Path | str | None = None, dry_run: bool = False) -> IngestReport:
    """Write a prepared ingest in one transaction, or log it as rejected when it has errors."""
    report = IngestReport(
        ok=prepared.ok,
        outcome="dry-run",
        problems=prepared.problems,
        rows=prepared.rows,
        unmapped_columns=prepared.unmapped,
        removed={k: len(v) for k, v in prepared.removals.items() if v},
        notes=prepared.notes,
    )
    if dry_run:
        return report
    path = resolve_db_path(db)
    with open_store(path) as conn:
        if not prepared.ok:
            errors = count_errors(prepared.problems)
            warnings = len(prepared.problems) - errors
            message = f"{errors} error(s), {warnings} warning(s); first: {prepared.problems[0]}"
            log_rejected_import(conn, prepared.source_files, message)
            report.outcome = "rejected"
            return report
        result = load_tables(
            conn,
            prepared.tables(),
            prepared.source_files,
            derived=prepared.derived(),
            replace_scope=True,
        )
    report.outcome = result.outcome
    report.removed = result.removed if result.outcome == "loaded" else {}
    return report


def ingest_files(
    files: list[tuple[str, bytes]],
    db: Path | str | None = None,
    mapping_file: MappingFile | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, map (synonyms, then the mapping file), validate and load files given as bytes;
    `progress` hears each stage's name as it starts."""
    stage = progress or (lambda _name: None)
    stage("read")
    sources = read_sources(files, mapping_file)
    mapping = suggest_mapping(sources.tables, mapping_file)
    stage("check")
    prepared = prepare(sources, mapping, db, mapping_file)
    if prepared.ok and not dry_run:
        stage("load")
    return load(prepared, db, dry_run)


def ingest_paths(
    paths: list[Path],
    db: Path | str | None,
    mapping: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders of files: all or nothing, every problem reported.

    Returns a report whose `ok` is false when any error was found; then nothing was written
    to the OKR tables (the attempt is logged in `imports` unless `dry_run`).
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        problems = [Problem(str(p), None, None, None, "no such file or folder") for p in missing]
        if not dry_run:
            with open_store(resolve_db_path(db)) as conn:
                message = f"{len(problems)} error(s): {problems[0]}"
                log_rejected_import(conn, [str(p) for p in paths], message)
        return IngestReport(ok=False, outcome="rejected", problems=problems)
    return ingest_files(expand_paths(paths), db, read_mapping_file(mapping), dry_run, progress)
