"""The commands that write the store: `demo`, `ingest`, `undo`, and `history`, which lists
what they wrote. Each keeps the report cache warm after it writes (see reporting/cache.py)."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from okr_health.ingest_output import ingest_lines
from okr_health.options import DbOption, existing, fail
from okr_health.output import json_reports
from okr_health.terminal import echo
from pipelines.problems import Problem
from pipelines.read.unsupported import refused_paths
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.faults import INTERRUPTED_NOTHING_WRITTEN
from pipelines.store.schema import counted, row_counts

REPORT_STAGE = "compute the report"


def _warm(path: Path, quiet: bool = False) -> str:
    """Compute and cache the health report of the store just written, so the dashboard's
    next render and `summary` read it instead of computing it. Never fails the command.
    Returns what it did in words (printed unless `quiet`), or "" when it did nothing."""
    from reporting import cache as report_cache

    if not report_cache.writable():
        return ""
    started = time.perf_counter()
    try:
        outcome = report_cache.warm(path)
    except Exception as exc:  # the data is written; the report is computed on first read
        echo(f"note: health report not cached ({exc})", err=True)
        return ""
    if outcome not in ("written", "updated"):
        return ""
    try:  # what the Overview's "Since the last import" compares with
        from reporting.versions import before_latest

        before_latest(path)
    except Exception as exc:  # computed by the first reader instead
        echo(f"note: the state before this import not cached ({exc})", err=True)
    took = time.perf_counter() - started
    how = "updated from the last import's" if outcome == "updated" else "computed"
    said = f"health report {how} and cached for the dashboard in {took:.1f} s"
    if not quiet:
        echo(said)
    return said


def demo(
    db: DbOption = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when the store already has data.")
    ] = False,
) -> None:
    """Write the demo company (Acme Corp, four quarters, the last one running) into the store."""
    from demo_company.generate import generate_demo
    from pipelines.store.load import write_tables

    path = resolve_db_path(db)
    with open_store(path) as conn:
        count = conn.execute("SELECT count(*) FROM objectives").fetchone()
        assert count is not None  # count(*) always gives a row
        has_data = count[0] > 0
        if if_missing and has_data:
            echo(f"{path} already holds data; left as it is.")
            company = None
        else:
            company = generate_demo()
            rows = write_tables(  # the old content goes in the same transaction
                conn,
                company.tables,
                ["demo company"],
                settings={"as_of": company.as_of.isoformat()},
                replace_all=True,
            )
    if company is not None:
        counts = row_counts(rows)
        echo(f"Demo company written to {path}: {counts} (as of {company.as_of}).")
    _warm(path)


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"error: --as-of takes a date as YYYY-MM-DD, not {text!r}")
        return None


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="CSV/XLSX/JSON files, zip exports, or folders of them.")
    ],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="TOML file mapping source columns.")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Validate and say what would change; write nothing."),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The day the files' values were true (YYYY-MM-DD): values that changed are "
            "recorded as check-ins of that day. Default: a date in the file name, else today. "
            "Files with different dates in their names are loaded one date at a time, "
            "earliest first.",
        ),
    ] = None,
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle",
            help="The cycle of files that name none (no cycle column, none in a sheet, title "
            "or file name), e.g. 2026-Q4. Default: the quarter of the file's date, else the "
            "current one, said as a warning.",
        ),
    ] = None,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm/--no-warm",
            help="After a load, compute the health report once and cache it beside the store, "
            "so the dashboard and `summary` open at once (--no-warm: the first read does it).",
        ),
    ] = True,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object: outcome, rows, archived, notes and every problem "
            "with its location (file, sheet, row, column letter, header, severity, message).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Validate and load OKR files; on any error list every problem and write nothing.

    The per-file limits are the operator's (`OKR_HEALTH_INGEST_MAX_UPLOAD_MB`,
    `OKR_HEALTH_INGEST_MAX_ROWS`, …), sized for a 100,000-person company's exports.
    Prints what the load changed: removed objectives and key results by title first, rows
    added and changed per table, and the value changes recorded as check-ins."""
    from okr_health.progress import StageProgress
    from pipelines.ingest import ingest_snapshot_paths
    from pipelines.settings import operator_settings

    refused = refused_paths(paths)  # before the store is opened: a refusal creates nothing
    if refused:
        _refuse(refused, as_json)
    path = resolve_db_path(db)
    day = _as_of(as_of)
    warming = warm and not dry_run
    cached: str | None = ""  # None while the report is being cached
    stages = ["read", "check", *([] if dry_run else ["load"]), *([REPORT_STAGE] if warming else [])]
    try:
        with StageProgress(stages) as progress:  # on stderr: --json's stdout stays one object
            reports = ingest_snapshot_paths(
                paths, db=path, mapping=mapping, dry_run=dry_run, as_of=day,
                limits=operator_settings(), progress=progress, cycle=cycle,
            )  # fmt: skip
            loaded = any(r.ok and r.outcome == "loaded" for r in reports)
            if warming and loaded:
                progress(REPORT_STAGE)
                cached = None
                cached = _warm(path, quiet=True)
    except KeyboardInterrupt:  # Ctrl-C: the load under way was rolled back and recorded
        if cached is None:  # the load had finished; only the report's cache was under way
            fail("interrupted after the load: the data is written, the report is computed "
                 "on first read", 130)  # fmt: skip
        fail(f"error: {INTERRUPTED_NOTHING_WRITTEN}", 130)
        return
    if as_json:
        echo(json.dumps(json_reports(reports), indent=2, ensure_ascii=False))
        if not all(r.ok for r in reports):
            raise typer.Exit(1)
        return
    lines, rejected = ingest_lines(reports, dry_run)
    for line in lines:
        echo(line.text, err=line.err)
    if rejected:
        raise typer.Exit(1)
    if cached:
        echo(cached)


def _refuse(problems: list[Problem], as_json: bool) -> None:
    """End an import refused before reading: every problem, and that nothing was written."""
    from pipelines.ingest import IngestReport
    from pipelines.problems import problem_lines

    if as_json:
        rejected = IngestReport(ok=False, outcome="rejected", problems=problems,
                                source_files=[p.file for p in problems])  # fmt: skip
        echo(json.dumps(json_reports([rejected]), indent=2, ensure_ascii=False))
        raise typer.Exit(1)
    for line in problem_lines(problems):
        echo(line, err=True)
    fail(f"rejected: {counted(len(problems), 'problem')}; nothing was written.")


def history(
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 30,
    db: DbOption = None,
) -> None:
    """The imports into the store, newest first: when, which files, the outcome, rows
    added, changed and removed, check-ins recorded, and undos."""
    from pipelines.store.history_words import history_line
    from pipelines.store.undo import history_rows

    with open_store(existing(db), read_only=True) as conn:
        rows = history_rows(conn)
    if not rows:
        echo("No imports yet.")
    for row in rows[:limit]:
        echo(history_line(row))


def undo(
    import_id: Annotated[
        int | None,
        typer.Argument(
            help="The import to undo (its number in `okr-health history`; default: the "
            "latest write still recorded, the first that `history` lists with changes). Every "
            "write after it is undone too."
        ),
    ] = None,
    warm: Annotated[bool, typer.Option("--warm/--no-warm", help="As for ingest.")] = True,
    db: DbOption = None,
) -> None:
    """Return the store to the state just before an import, in one transaction, and say
    which import that was. The undo is recorded in the history; undoing it restores what it
    undid."""
    from pipelines.store.history_words import counts_lines
    from pipelines.store.undo import history_rows
    from pipelines.store.undo import undo as undo_import

    path = existing(db)
    with open_store(path) as conn:
        result = undo_import(conn, import_id)
        rows = history_rows(conn)
    undid = ", ".join(f"#{i}" for i in sorted(result.undid))
    target = min(result.undid)  # the one asked for (or the latest): the others came after it
    echo(f"undone: {undid} (recorded as #{result.import_id}): "
         f"{undone_words(rows, target, defaulted=import_id is None)}")  # fmt: skip
    for line in counts_lines(result.changes):
        echo(f"  {line}")
    if warm:
        _warm(path)


def undone_words(rows: list[dict[str, object]], target: int, defaulted: bool) -> str:
    """What was undone, in words: `the import of a.xlsx (06 Dec 2026 19:01)`, and when no
    number was given, that it was the latest write and which later imports changed nothing."""
    row = next(r for r in rows if r["import_id"] == target)
    when = row.get("finished_at") or row.get("started_at")
    day = f" ({when:%d %b %Y %H:%M})" if hasattr(when, "strftime") else ""
    files = row.get("files")
    names = ", ".join(map(str, files)) if isinstance(files, list) and files else "no files"
    what = f"the undo #{target}{day}" if row.get("kind") == "undo" else (
        f"the import of {names}{day}")  # fmt: skip
    if not defaulted:
        return what
    later = [r for r in rows if int(str(r["import_id"])) > target and not r.get("kind")]
    skipped = "; ".join(f"#{r['import_id']} ({r.get('outcome')}) changed nothing" for r in later)
    return f"{what}, the latest write" + (f"; after it {skipped}" if skipped else "")
