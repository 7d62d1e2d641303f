"""Ingest: files → read → map → validate → load, as one all-or-nothing step (docs/ingestion.md).

`ingest_paths` is what the command line calls. The Data page walks the same stages one at a
time on uploaded bytes: `read_sources` → `suggest_mapping` (editable) → `prepare` (apply the
mapping, derive cycles and teams, validate) → `load`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from pipelines.arrow import prefer_jemalloc
from pipelines.asof import date_in_titles, snapshot_groups
from pipelines.holders import adopt_orphans
from pipelines.ingest_report import IngestReport, Prepared
from pipelines.map.apply import apply_mapping
from pipelines.map.consumed import still_unused
from pipelines.map.cycle_hints import CycleHints
from pipelines.map.derive import derive_missing
from pipelines.map.header_test import HeaderTest
from pipelines.map.mapping import (
    Mapping,
    MappingFile,
    suggest_mapping,
    unmapped_columns,
)
from pipelines.map.mapping_bytes import mapping_from_bytes
from pipelines.map.profiles import recognise
from pipelines.map.untitled import name_untitled
from pipelines.problems import Problem, count_errors, sort_problems
from pipelines.read.collections import unused_collections
from pipelines.read.files import expand_paths, read_files
from pipelines.read.sources import Sources
from pipelines.settings import Settings
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.impact import load_impact
from pipelines.store.load import load_tables, removed_by
from pipelines.store.rows import log_rejected_import
from pipelines.store.stored import dry_store, keys_held
from pipelines.store.undo import Described, describe
from pipelines.understanding import review
from pipelines.validate import validate

__all__ = [
    "IngestReport",
    "Progress",
    "Prepared",
    "ingest_files",
    "ingest_paths",
    "ingest_snapshots",
    "load",
    "prepare",
    "read_mapping_file",
    "read_sources",
    "suggest_mapping",
]


# Called with each stage's name as it starts: "read", "check", "load" (plain words, shown as is).
Progress = Callable[[str], None]


def read_mapping_file(path: Path | None) -> MappingFile | None:
    if path is None:
        return None
    return mapping_from_bytes(path.name, path.read_bytes())


def read_sources(
    files: list[tuple[str, bytes]],
    mapping_file: MappingFile | None = None,
    limits: Settings | None = None,
) -> Sources:
    """Read files given as (name, bytes): every sheet or CSV below its detected header row."""
    is_header = HeaderTest(frozenset(mapping_file.headers() if mapping_file else ()))
    sources = read_files(files, is_header, mapping_file.sheets() if mapping_file else (), limits)
    named = (
        {n.casefold() for e in mapping_file.entries for n in (e.sheet, e.file) if n}
        if (mapping_file)
        else set()
    )
    sources = name_untitled(sources)  # a title column with no header of its own
    sources = recognise(sources, named)  # other tools' exports, outlines and JSON documents
    sources.problems += unused_collections(files, sources.tables, sources.collections)
    return sources


def prepare(
    sources: Sources,
    mapping: Mapping,
    db: Path | str | None = None,
    mapping_file: MappingFile | None = None,
    conn: duckdb.DuckDBPyConnection | None = None,
    cycle: str | None = None,
    as_of: date | None = None,
) -> Prepared:
    """Apply the mapping, derive missing cycles and teams, and validate against the store
    (`conn`, when given: the in-memory copy a dry run of several snapshots loads into).
    `cycle` names the cycle of sheets that name none (else the quarter of `as_of` or today)."""
    hints = CycleHints(given=cycle, titles=sources.titles, day=as_of)
    canonical = apply_mapping(sources.tables, mapping, hints)
    stored = keys_held(db, conn)
    derive_missing(canonical, stored)
    adopt_orphans(canonical, stored)  # key results with no objective: under a holder
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
    unmapped = still_unused(
        sources.tables,
        mapping,
        [c for c in unmapped_columns(sources.tables, mapping) if c not in canonical.read_columns],
    )
    checks, understood = review(canonical, sources.tables, mapping, problems, unmapped)
    problems += checks
    if not canonical.tables and not count_errors(problems):
        message = "no OKR table found: map its columns (a mapping file or the Data page)"
        files_read = sorted({s.file for s in sources.tables}) or ["(no files)"]
        problems += [Problem(f, None, None, None, message) for f in files_read]
    files = sorted({s.file for s in sources.tables} | {p.file for p in sources.problems})
    roles = {m.role for m in mapping.values()}
    return Prepared(
        canonical,
        sort_problems(problems),
        unmapped,
        removals,
        files,
        [*sources.notes, *canonical.notes],
        list(sources.recognised),
        dict(sources.not_scored),
        dated_snapshot="flat" in roles and "check_ins" not in roles,
        guessed=canonical.guessed,
        understanding=understood,
    )


def load(
    prepared: Prepared,
    db: Path | str | None = None,
    dry_run: bool = False,
    as_of: date | None = None,
    dry: duckdb.DuckDBPyConnection | None = None,
) -> IngestReport:
    """Write a prepared ingest in one transaction, or log it as rejected when it has errors.

    A dry run loads into an in-memory copy of the store (`dry`, else a new one) and reports
    what that load changed; the store itself is not touched. Check-ins recorded for changed
    values are dated `as_of` (None: the day of the import)."""
    report = IngestReport(
        ok=prepared.ok,
        outcome="dry-run",
        problems=prepared.problems,
        rows=prepared.rows,
        unmapped_columns=prepared.unmapped,
        removed={k: len(v) for k, v in prepared.removals.items() if v},
        notes=prepared.notes,
        recognised=prepared.recognised,
        not_scored=prepared.not_scored,
        archived=prepared.archived,
        as_of=as_of,
        source_files=prepared.source_files,
        guessed=prepared.guessed,
        understanding=prepared.understanding,
    )
    if dry_run:
        if prepared.ok:
            mem = dry if dry is not None else dry_store(db)
            result = load_tables(
                mem, prepared.tables(), prepared.source_files,
                derived=prepared.derived(), replace_scope=True, as_of=as_of,
                merge_check_ins=prepared.dated_snapshot,
            )  # fmt: skip
            if result.outcome == "loaded":
                report.described = describe(mem, result.import_id)
                report.impact = load_impact(mem, result.import_id)
            else:
                report.described = Described(result.changes)
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
            as_of=as_of,
            merge_check_ins=prepared.dated_snapshot,
        )
        if result.outcome == "loaded":
            report.described = describe(conn, result.import_id)
            report.import_id = result.import_id
    report.outcome = result.outcome
    report.removed = result.removed if result.outcome == "loaded" else {}
    return report


def ingest_files(
    files: list[tuple[str, bytes]],
    db: Path | str | None = None,
    mapping_file: MappingFile | None = None,
    dry_run: bool = False,
    as_of: date | None = None,
    dry: duckdb.DuckDBPyConnection | None = None,
    limits: Settings | None = None,
    progress: Progress | None = None,
    cycle: str | None = None,
) -> IngestReport:
    """Read, map (synonyms, then the mapping file), validate and load files given as bytes,
    as one import whose value changes are dated `as_of` (None: the day of the import);
    `progress` hears each stage's name as it starts; `cycle` names files naming none."""
    stage = progress or (lambda _name: None)
    stage("read")
    sources = read_sources(files, mapping_file, limits)
    if as_of is None:  # neither given nor in the file's name: a title row may state it
        as_of = date_in_titles(sources.titles)
        if as_of is not None:
            sources.notes.append(
                f"values dated {as_of:%d %b %Y}, the day the sheet's title row states"
            )
    mapping = suggest_mapping(sources.tables, mapping_file)
    stage("check")
    prepared = prepare(sources, mapping, db, mapping_file, conn=dry, cycle=cycle, as_of=as_of)
    if prepared.ok and not dry_run:
        stage("load")
    return load(prepared, db, dry_run, as_of, dry)


def ingest_snapshots(
    files: list[tuple[str, bytes]],
    db: Path | str | None = None,
    mapping_file: MappingFile | None = None,
    dry_run: bool = False,
    as_of: date | None = None,
    limits: Settings | None = None,
    progress: Progress | None = None,
    cycle: str | None = None,
) -> list[IngestReport]:
    """Files as one import dated `as_of`; without it, grouped by the date in their names
    and imported one date at a time, earliest first, so that several weekly copies (in any
    order, or a folder of them) give the history importing them week by week gives.

    Stops at the first group that is rejected (the earlier ones stay loaded: each is an
    import of its own, undoable). A dry run chains the groups in one in-memory copy."""
    groups = [(as_of, files)] if as_of else snapshot_groups(files)
    dated = [g for g in groups if g[0] is not None]
    if len(groups) > 1 and len(dated) < len(groups):
        undated = [name for day, group in groups if day is None for name, _ in group]
        message = (
            "some files' names state a date and others do not; give each a date in its name "
            "or load them with --as-of"
        )
        problems = [Problem(name, None, None, None, message) for name in undated]
        return [IngestReport(ok=False, outcome="rejected", problems=problems)]
    dry = dry_store(db) if dry_run and len(groups) > 1 else None
    reports = []
    for day, group in groups:
        report = ingest_files(group, db, mapping_file, dry_run, day, dry, limits, progress, cycle)
        recorded = report.described.changes.check_ins_recorded if report.described else 0
        if report.as_of is None and recorded:
            report.notes.append(
                "values that changed are recorded as check-ins dated today, the day of the "
                "import: no --as-of date was given and no file name states one"
            )
        reports.append(report)
        if not report.ok:
            break
    return reports


def ingest_paths(
    paths: list[Path],
    db: Path | str | None,
    mapping: Path | None = None,
    dry_run: bool = False,
    as_of: date | None = None,
    limits: Settings | None = None,
    progress: Progress | None = None,
    cycle: str | None = None,
) -> IngestReport:
    """Ingest files and folders of files: all or nothing, every problem reported.

    `limits`: the import limits in force (default: the Data page's, `settings()`; the
    command line passes `operator_settings()`).

    Returns a report whose `ok` is false when any error was found; then nothing was written
    to the OKR tables (the attempt is logged in `imports` unless `dry_run`).
    """
    prefer_jemalloc()  # a command-line import: see pipelines.arrow
    missing = [p for p in paths if not p.exists()]
    if missing:
        problems = [Problem(str(p), None, None, None, "no such file or folder") for p in missing]
        if not dry_run:
            with open_store(resolve_db_path(db)) as conn:
                message = f"{len(problems)} error(s): {problems[0]}"
                log_rejected_import(conn, [str(p) for p in paths], message)
        return IngestReport(ok=False, outcome="rejected", problems=problems)
    files = expand_paths(paths, limits)
    return ingest_files(
        files, db, read_mapping_file(mapping), dry_run, as_of, limits=limits, progress=progress,
        cycle=cycle,
    )  # fmt: skip


def ingest_snapshot_paths(
    paths: list[Path],
    db: Path | str | None,
    mapping: Path | None = None,
    dry_run: bool = False,
    as_of: date | None = None,
    limits: Settings | None = None,
    progress: Progress | None = None,
    cycle: str | None = None,
) -> list[IngestReport]:
    """`ingest_snapshots` of files and folders (see `ingest_paths` for missing ones)."""
    prefer_jemalloc()
    if any(not p.exists() for p in paths):
        return [ingest_paths(paths, db, mapping, dry_run, as_of, limits, progress)]
    files = expand_paths(paths, limits)
    mapping_file = read_mapping_file(mapping)
    return ingest_snapshots(files, db, mapping_file, dry_run, as_of, limits, progress, cycle)
