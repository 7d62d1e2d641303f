"""One job of Monday's benchmark (`benchmarks.monday`), run in a fresh process so that its
CPU seconds, its peak memory and its cold start are its own:

    python -m benchmarks.monday_jobs JOB --db STORE [options]

prints one JSON line: {"job", "wall_s", "cpu_s", "peak_mb", ...}. `cpu_s` is the process's
CPU time over the timed part (every thread: DuckDB's too), `peak_mb` its peak resident memory
(ru_maxrss) taken right after the clock stops; anything after that (a comparison, a digest)
is not part of the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

INCREMENTAL_VAR = "OKR_HEALTH_INCREMENTAL"  # "1": the report follows the import; else full
CACHE_VAR = "OKR_HEALTH_REPORT_CACHE"  # "0": no report cache at all


def clocked(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """`fn()` and its wall seconds, CPU seconds and the process's peak memory after it."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    figures = {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    return value, figures


def cache_folder(db: Path) -> Path:
    """Where the report cache of `db` lives (`reporting.cache_place`), without importing it
    before the clock."""
    return db.with_name(db.name + ".cache")


def set_as_of(db: Path, day: str) -> None:
    """The store's as-of date, as the demo and the benchmark sizes record it."""
    import duckdb

    conn = duckdb.connect(str(db))
    try:
        conn.execute("INSERT OR REPLACE INTO settings VALUES ('as_of', ?)", [day])
    finally:
        conn.close()


def check_ins_of(db: Path) -> int:
    import duckdb

    conn = duckdb.connect(str(db), read_only=True)
    try:
        row = conn.execute("SELECT count(*) FROM check_ins").fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


# --- ingest ---------------------------------------------------------------------------------


def ingest(args: argparse.Namespace) -> dict[str, Any]:
    """`ingest_paths` of a canonical CSV folder, as `okr-health ingest` runs it (the
    operator's limits), into a fresh store or, with --base, into a copy of the week before
    (its report cache copied with it); the store's as-of date is set after the clock."""
    from pipelines.ingest import ingest_paths
    from pipelines.settings import operator_settings

    db: Path = args.db
    for path in (db, db.with_name(db.name + ".wal"), db.with_name(db.name + ".gate")):
        path.unlink(missing_ok=True)
    shutil.rmtree(cache_folder(db), ignore_errors=True)
    if args.base:
        shutil.copy(args.base, db)
        if cache_folder(args.base).exists():
            shutil.copytree(cache_folder(args.base), cache_folder(db))
    day = date.fromisoformat(args.day) if args.day else None
    limits = operator_settings()
    report, figures = clocked(lambda: ingest_paths([args.folder], db, as_of=day, limits=limits))
    if not report.ok or report.outcome != "loaded":
        raise RuntimeError(f"import of {args.folder} refused: {report.outcome} "
                           f"{report.problems[:3]}")  # fmt: skip
    if args.day:
        set_as_of(db, args.day)
    return {**figures, "check_ins": check_ins_of(db), "outcome": report.outcome}


def csv_limit(args: argparse.Namespace) -> dict[str, Any]:
    """DuckDB's own read_csv of the check-ins file into a table of a fresh database."""
    from benchmarks import references

    db: Path = args.db
    db.unlink(missing_ok=True)
    rows, figures = clocked(lambda: references.csv_limit(args.csv, db))
    db.unlink(missing_ok=True)
    return {**figures, "check_ins": rows}


# --- the report -----------------------------------------------------------------------------


def limit(args: argparse.Namespace) -> dict[str, Any]:
    """The DuckDB limit report on the store (`benchmarks.limit_report`)."""
    from benchmarks.limit_report import limit_report

    found, figures = clocked(lambda: limit_report(args.db))
    return {**figures, "key_results": found.key_results.num_rows,
            "link_levels": found.link_levels}  # fmt: skip


def _report_and_summary(db: Path) -> Any:
    from metrics.summary import build_summary
    from reporting.cache import load_or_compute

    found = load_or_compute(db, write=True)
    build_summary(found.dataset, None, report=found.report)
    return found


def full(args: argparse.Namespace) -> dict[str, Any]:
    """What a person waits for after an import when nothing is cached: the cache folder
    removed, the report computed in full and cached, then the summary. With --compare, the
    product's figures against the limit report's (after the clock)."""
    os.environ[INCREMENTAL_VAR] = "0"
    shutil.rmtree(cache_folder(args.db), ignore_errors=True)
    found, figures = clocked(lambda: _report_and_summary(args.db))
    out: dict[str, Any] = {**figures, "source": found.source}
    if args.compare:
        from benchmarks.limit_report import compare, limit_report

        out["versus_limit"] = compare(limit_report(args.db), found.report)
    return out


def warm(args: argparse.Namespace) -> dict[str, Any]:
    """`reporting.cache.warm` after an import (what `okr-health ingest` leaves behind)."""
    from reporting.cache import warm as warm_cache

    outcome, figures = clocked(lambda: warm_cache(args.db))
    return {**figures, "outcome": outcome}


def updated(args: argparse.Namespace) -> dict[str, Any]:
    """The report after Monday's import with the week before's entry in the cache:
    `load_or_compute(write=True)` and the summary, incremental on. Its digest is written to
    --digest after the clock."""
    os.environ[INCREMENTAL_VAR] = "1"
    found, figures = clocked(lambda: _report_and_summary(args.db))
    if args.digest:
        from reporting.digest import report_digest

        args.digest.write_text(json.dumps(report_digest(found.report)))
    return {**figures, "source": found.source}


def check(args: argparse.Namespace) -> dict[str, Any]:
    """A full computation of the store (no cache, incremental off) against the digest in
    --digest: equal, or the frames that differ."""
    os.environ[INCREMENTAL_VAR] = "0"
    os.environ[CACHE_VAR] = "0"
    from reporting.cache import load_or_compute
    from reporting.digest import report_digest

    found, figures = clocked(lambda: load_or_compute(args.db, write=False))
    mine = report_digest(found.report)
    theirs = json.loads(args.digest.read_text())
    differ = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    return {**figures, "source": found.source, "frames": len(mine), "differ": differ}


JOBS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    f.__name__: f for f in (ingest, csv_limit, limit, full, warm, updated, check)
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("job", choices=list(JOBS))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--folder", type=Path, help="ingest: the CSV folder")
    parser.add_argument("--base", type=Path, help="ingest: copy this store (and cache) first")
    parser.add_argument("--day", help="ingest: the import's day, then the store's as-of date")
    parser.add_argument("--csv", type=Path, help="csv_limit: the check-ins file")
    parser.add_argument("--digest", type=Path, help="updated: write it; check: compare with it")
    parser.add_argument("--compare", action="store_true", help="full: against the limit")
    args = parser.parse_args(argv)
    if args.job != "limit":  # the limit's process holds DuckDB and Arrow, nothing more
        from benchmarks.measure import RAISED_LIMITS

        for key, value in RAISED_LIMITS.items():  # as this company's administrator would
            os.environ.setdefault(key, value)
    out = {"job": args.job, **JOBS[args.job](args)}
    sys.stdout.write("\n" + json.dumps(out, default=str) + "\n")


if __name__ == "__main__":
    main()
