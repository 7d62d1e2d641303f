"""`okr-health`: the command line (SPEC §8). Thin: it parses, calls pipelines/metrics, prints."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from okr_health.output import json_reports, summary_text
from okr_health.serving import (
    LOOPBACK,
    streamlit_configured,
    streamlit_option,
    streamlit_options,
)
from pipelines.settings import Settings, SettingsError, settings
from pipelines.store.connection import StoreBusy, StoreReadOnly, open_store, resolve_db_path
from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.schema import counted, row_counts
from pipelines.store.undo import UndoError

if TYPE_CHECKING:  # imported where used: the command line starts without the metrics
    from reporting.cache import StoreReport


class _App(typer.Typer):
    """Typer, with the store's expected refusals (busy, read-only, bad settings) printed as
    one line and exit code 1 instead of a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except (StoreBusy, StoreReadOnly, SettingsError, UndoError) as exc:
            typer.echo(f"error: {exc}", err=True)
            sys.exit(1)


app = _App(
    help="OKR Health: load OKR spreadsheets into a DuckDB store and report on their health.",
    no_args_is_help=True,
    add_completion=False,
)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB store (default: $OKR_HEALTH_DB or data/okr.duckdb)."),
]
CycleOption = Annotated[
    str | None, typer.Option("--cycle", help="Cycle id, e.g. 2026-Q4 (default: the running one).")
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="The store as it stood after an import (its number in `okr-health history`) or "
        "at the end of a day (YYYY-MM-DD): the figures exactly as they were then.",
    ),
]
DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _existing(db: Path | None) -> Path:
    path = resolve_db_path(db)
    if not path.exists():
        _fail(f"error: no store at {path}; run `okr-health demo` or `okr-health ingest FILE`.")
    return path


def _dataset(db: Path | None, include_archived: bool = False, at: str | None = None) -> Dataset:
    from pipelines.store.undo import dataset_at

    with open_store(_existing(db), read_only=True) as conn:
        if at:
            return dataset_at(conn, at, include_archived)
        return read_dataset(conn, include_archived=include_archived)


def _store_report(db: Path | None, at: str | None = None) -> StoreReport:
    """The dataset and health report, from the report cache when the store is unchanged
    since it was last computed (see reporting/cache.py); with `at`, as the store stood then."""
    from reporting.cache import load_or_compute
    from reporting.versions import load_at

    if at:
        return load_at(_existing(db), at)
    return load_or_compute(_existing(db))


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
        typer.echo(f"note: health report not cached ({exc})", err=True)
        return ""
    if outcome != "written":
        return ""
    try:  # what the Overview's "Since the last import" compares with
        from reporting.versions import before_latest

        before_latest(path)
    except Exception as exc:  # computed by the first reader instead
        typer.echo(f"note: the state before this import not cached ({exc})", err=True)
    took = time.perf_counter() - started
    said = f"health report computed and cached for the dashboard in {took:.1f} s"
    if not quiet:
        typer.echo(said)
    return said


@app.command()
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
            typer.echo(f"{path} already holds data; left as it is.")
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
        typer.echo(f"Demo company written to {path}: {counts} (as of {company.as_of}).")
    _warm(path)


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"error: --as-of takes a date as YYYY-MM-DD, not {text!r}")
        return None


@app.command()
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
    from okr_health.understanding_text import problem_text_lines, report_lines
    from pipelines.ingest import ingest_snapshot_paths
    from pipelines.map.canonical import archived_words
    from pipelines.settings import operator_settings
    from pipelines.store.words import changes_lines

    path = resolve_db_path(db)
    day = _as_of(as_of)
    warming, cached = warm and not dry_run, ""
    stages = ["read", "check", *([] if dry_run else ["load"]), *([REPORT_STAGE] if warming else [])]
    with StageProgress(stages) as progress:  # on stderr: --json's stdout stays one object
        reports = ingest_snapshot_paths(
            paths, db=path, mapping=mapping, dry_run=dry_run, as_of=day,
            limits=operator_settings(), progress=progress,
        )  # fmt: skip
        loaded = any(r.ok and r.outcome == "loaded" for r in reports)
        if warming and loaded:
            progress(REPORT_STAGE)
            cached = _warm(path, quiet=True)
    if as_json:
        typer.echo(json.dumps(json_reports(reports), indent=2, ensure_ascii=False))
        if not all(r.ok for r in reports):
            raise typer.Exit(1)
        return
    for report in reports:
        for line in report.headline:  # "Recognised as a Viva Goals organisation export"
            typer.echo(line)
        for line in report_lines(report.understanding, report.outcome, report.ok):
            typer.echo(line)  # what was understood, before the problems found in it
        for line in problem_text_lines(report.problems):  # a column set aside: one line
            typer.echo(line, err=True)
        for column in [] if report.understanding else report.unmapped_columns:
            typer.echo(f"not mapped (kept out of the store): {column}", err=True)
        if not report.ok:
            errors = sum(1 for p in report.problems if p.severity == "error")
            done = sum(1 for r in reports if r.ok and r.outcome == "loaded")
            kept = f" of it ({counted(done, 'earlier snapshot')} stayed loaded)" if done else ""
            _fail(f"rejected: {counted(errors, 'problem')}; nothing{kept} was written.")
        heading = ", ".join(report.source_files) if len(reports) > 1 else ""
        dated = f" as of {report.as_of:%d %b %Y}" if report.as_of else ""
        typer.echo(f"{report.outcome}{dated}: {row_counts(report.rows)}" +
                   (f"  [{heading}]" if heading else ""))  # fmt: skip
        archived = archived_words(report.archived)
        if archived:
            typer.echo(archived)
        for note in report.notes:
            typer.echo(f"note: {note}")
        if report.described is not None and report.outcome in ("loaded", "dry-run"):
            for line in changes_lines(report.described, dry_run=dry_run):
                typer.echo(f"  {line}")
    if dry_run:
        typer.echo("dry run: nothing was written.")
    if cached:
        typer.echo(cached)


@app.command()
def history(
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 30,
    db: DbOption = None,
) -> None:
    """The imports into the store, newest first: when, which files, the outcome, rows
    added, changed and removed, check-ins recorded, and undos."""
    from pipelines.store.undo import history_rows
    from pipelines.store.words import history_line

    with open_store(_existing(db), read_only=True) as conn:
        rows = history_rows(conn)
    if not rows:
        typer.echo("No imports yet.")
    for row in rows[:limit]:
        typer.echo(history_line(row))


@app.command()
def undo(
    import_id: Annotated[
        int | None,
        typer.Argument(
            help="The import to undo (its number in `okr-health history`; "
            "default: the latest). Every import after it is undone too."
        ),
    ] = None,
    warm: Annotated[bool, typer.Option("--warm/--no-warm", help="As for ingest.")] = True,
    db: DbOption = None,
) -> None:
    """Return the store to the state just before an import, in one transaction. The undo
    is recorded in the history; undoing it restores what it undid."""
    from pipelines.store.undo import undo as undo_import
    from pipelines.store.words import counts_lines

    path = _existing(db)
    with open_store(path) as conn:
        result = undo_import(conn, import_id)
    undid = ", ".join(f"#{i}" for i in sorted(result.undid))
    typer.echo(f"undone: {undid} (recorded as #{result.import_id})")
    for line in counts_lines(result.changes):
        typer.echo(f"  {line}")
    if warm:
        _warm(path)


@app.command()
def summary(
    cycle: CycleOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """Headline figures of a cycle: counts, scores, bands, alignment and flags."""
    from metrics.summary import build_summary
    from reporting.summaries import cached_summary

    kept = None if at else cached_summary(_existing(db), cycle)  # no data read
    if kept is not None:
        typer.echo(json.dumps(kept, indent=2, default=str) if as_json else summary_text(kept))
        return
    found = _store_report(db, at)
    dataset = found.dataset
    if found.report is None:  # a new store, or every import undone
        when = f" at {at}" if at else ""
        _fail(f"error: the store holds no OKRs{when}; load some with `okr-health ingest "
              "FILE` (or `okr-health demo`); `okr-health history` lists its imports")  # fmt: skip
    if cycle and cycle not in set(dataset.cycles["cycle_id"]):
        _fail(f"error: unknown cycle {cycle!r}; known: {', '.join(dataset.cycles['cycle_id'])}")
    result = build_summary(dataset, cycle, report=found.report)
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    typer.echo(summary_text(result))


SCORE_LEVELS = ("key_result", "objective")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula, prefixed with a single quote (OWASP's
    advice for CSV injection). Numbers are left alone; only text can carry a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            text = out[column]
            risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START))
            out[column] = text.where(~risky.astype(bool), "'" + text.astype("str"))
    return out


@app.command()
def scores(
    cycle: CycleOption = None,
    level: Annotated[str, typer.Option("--level", help="key_result or objective.")] = "key_result",
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    safe: Annotated[
        bool,
        typer.Option(
            "--excel-safe",
            help="Prefix text starting with = + - @ tab or CR with ' so a spreadsheet opening "
            "the CSV cannot run it as a formula (changes the text; see SECURITY.md).",
        ),
    ] = False,
    include_archived: Annotated[
        bool,
        typer.Option(
            "--include-archived",
            help="Also score the rows their source archived, deleted, drafted or cancelled "
            "(left out of every figure otherwise), with an `archived` column saying which.",
        ),
    ] = False,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """One row per key result (or objective) with its score, band and score source.

    Text is written exactly as stored: the CSV is data for programs. A title such as
    `=HYPERLINK(...)` would run as a formula in a spreadsheet that opens the file; use
    --excel-safe for a CSV meant for Excel, or `okr-health report` for a workbook.
    """
    import pandas as pd

    from metrics.report import check_ins_known_on
    from metrics.scoring import KR_SCORE_COLUMNS, OBJECTIVE_SCORE_COLUMNS, score_all

    if level not in SCORE_LEVELS:
        _fail(f"error: --level must be one of {', '.join(SCORE_LEVELS)}, not {level!r}")
    if fmt not in ("csv", "json"):
        _fail(f"error: --format must be csv or json, not {fmt!r}")
    dataset = _dataset(db, include_archived, at)
    # Check-ins dated after the store's as-of day have not happened yet (as on every page).
    known = check_ins_known_on(dataset.check_ins, pd.Timestamp(dataset.reference_date()))
    scored = score_all(dataset.objectives, dataset.key_results, known)
    frame, columns = (
        (scored.key_results, KR_SCORE_COLUMNS)
        if level == "key_result"
        else (scored.objectives, OBJECTIVE_SCORE_COLUMNS)
    )
    if cycle:
        frame = frame[frame["cycle_id"] == cycle]
    if include_archived:
        frame = frame.assign(archived=_archived_rows(dataset, frame, level))
        columns = [*columns, "archived"]
    frame = frame[columns].copy()
    frame["band"] = frame["band"].astype("object")
    if fmt == "csv":
        # CRLF line ends (RFC 4180): the csv writer then quotes any value holding a CR.
        (excel_safe(frame) if safe else frame).to_csv(
            sys.stdout, index=False, float_format="%.4f", lineterminator="\r\n"
        )
    else:
        rows = json.loads(frame.to_json(orient="records", double_precision=6))
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))


def _archived_rows(dataset: Dataset, frame: pd.DataFrame, level: str) -> pd.Series:
    """Whether each scored row is archived: by its own flag or, for a key result, its
    objective's."""
    objectives = dataset.objectives.set_index("objective_id")["archived"].fillna(False)
    by_objective = frame["objective_id"].map(objectives).fillna(False).astype(bool)
    if level == "objective":
        return by_objective
    own = dataset.key_results.set_index("kr_id")["archived"].fillna(False).astype(bool)
    return frame["kr_id"].map(own).fillna(False).astype(bool) | by_objective


@app.command()
def report(
    team: Annotated[
        str, typer.Option("--team", help="Team or department id (or name); the company id for all.")
    ],
    out: Annotated[Path, typer.Option("--out", help="File to write: FILE.xlsx or FILE.html.")],
    cycle: CycleOption = None,
    at: AtOption = None,
    db: DbOption = None,
) -> None:
    """The closing-meeting pack of a team or department for a cycle, as Excel or HTML."""
    from exports import PackError, build_closing_pack, pack_to_html, pack_to_xlsx_bytes

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        _fail(f"error: --out must end in .xlsx or .html, not {out.name!r}")
    found = _store_report(db, at)
    if found.report is None:
        _fail("error: the store holds no OKRs; load some with `okr-health ingest FILE`")
    try:
        pack = build_closing_pack(found.dataset, cycle, team, found.report)
    except PackError as exc:
        _fail(f"error: {exc}")
        return
    data = pack_to_xlsx_bytes(pack) if suffix == ".xlsx" else pack_to_html(pack).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")  # a failed write leaves no half file
    partial.write_bytes(data)
    partial.replace(out)
    typer.echo(
        f"Closing pack of {pack.unit_name} for {pack.cycle_name} written to {out}: "
        f"{pack.headline['objectives']} objectives, {pack.headline['key_results']} key results."
    )


@app.command()
def serve(
    db: DbOption = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port to listen on (default: Streamlit's configuration, else 8501)."),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(help="Address to bind (default: Streamlit's configuration, else 127.0.0.1)."),
    ] = None,
    read_only: Annotated[
        bool,
        typer.Option(
            "--read-only",
            help="Show the data only: no Data page, no writes (OKR_HEALTH_READ_ONLY=1 for the "
            "dashboard). Load data with `okr-health ingest` instead.",
        ),
    ] = False,
    replicas: Annotated[
        int,
        typer.Option(
            "--replicas",
            min=1,
            help="Dashboards to run over the store, behind nginx on --port (more than one "
            "implies --proxy). Each uses a core.",
        ),
    ] = 1,
    proxy: Annotated[
        bool,
        typer.Option(
            "--proxy", help="Put nginx (sticky sessions) in front, on --port; see deploy/."
        ),
    ] = False,
) -> None:
    """Open the dashboard (Streamlit) on the store.

    Streamlit's own configuration (.streamlit/config.toml, STREAMLIT_SERVER_PORT and the
    other STREAMLIT_* variables) holds wherever no flag is given. Unless it says otherwise:
    bound to 127.0.0.1, XSRF protection on, no usage statistics, and the toolbar of a viewer
    (no Deploy button, no developer menu). Uploads are capped at OKR_HEALTH_MAX_UPLOAD_MB.
    See SECURITY.md before binding beyond localhost.
    With --replicas N (or --proxy) nginx serves --port and N dashboards on loopback ports
    behind it share the store, its report cache and one cookie secret
    (OKR_HEALTH_COOKIE_SECRET or OKR_HEALTH_COOKIE_SECRET_FILE): see the README's Deploying.
    """
    limits = settings()
    if replicas > 1 or proxy:
        from okr_health import deploy

        try:
            deploy.run(
                resolve_db_path(db).resolve(),
                replicas=replicas,
                port=port if port is not None else int(streamlit_option("server.port") or 8501),
                address=address or streamlit_option("server.address") or "127.0.0.1",
                read_only=read_only,
                max_upload_mb=limits.max_upload_mb,
            )
        except deploy.DeployError as exc:
            _fail(f"error: {exc}")
        return
    env = dict(os.environ, OKR_HEALTH_DB=str(resolve_db_path(db).resolve()))
    secret = os.environ.get("OKR_HEALTH_COOKIE_SECRET") or os.environ.get(
        "OKR_HEALTH_COOKIE_SECRET_FILE"
    )
    if secret:  # one secret for every replica (okr_health/deploy.py), or for restarts
        from okr_health.deploy import STREAMLIT_SECRET, cookie_secret

        env[STREAMLIT_SECRET] = cookie_secret()
        env.pop("OKR_HEALTH_COOKIE_SECRET", None)
    flags = {"server.port": None if port is None else str(port), "server.address": address}
    options = streamlit_options(flags, streamlit_configured(), limits.max_upload_mb)
    if read_only:
        env[Settings.variable("read_only")] = "1"
    else:
        bound = options.get("server.address") or streamlit_option("server.address") or ""
        if bound not in LOOPBACK and not limits.read_only:
            where = f"{bound or 'this machine'}:{port or streamlit_option('server.port')}"
            typer.echo(
                f"note: anyone who reaches {where} can import data on the "
                "Data page unless a login is configured ([auth] in .streamlit/secrets.toml, "
                "with OKR_HEALTH_IMPORTERS); use --read-only to show the data only. "
                "See SECURITY.md.",
                err=True,
            )
    args = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP)]
    for key, value in options.items():
        args += [f"--{key}", value]
    os.execve(sys.executable, args, env)


if __name__ == "__main__":
    app()
