"""One benchmark job, run in a fresh process so that its peak memory and its cold start are
its own:

    python -m benchmarks.measure JOB --size M --work benchmarks/out/work

prints one JSON line: {"job", "results": {name: {"seconds", "rows", ...}}, "maxrss_mb"}.
A job times the product, a limit or a peer (see `benchmarks.references`); the runner pairs
them. Imports are not timed; the work after them is.
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks import references
from benchmarks.sizes import Files, ensure
from demo_company.generate import DEMO_SEED

PROJECT_DIR = Path(__file__).resolve().parent.parent
APP = PROJECT_DIR / "dashboard" / "app.py"
# The deployment limits on one import (pipelines/settings.py) are set for uploads through the
# browser; a company of this size raises them, as its administrator would.
RAISED_LIMITS = {
    "OKR_HEALTH_MAX_UPLOAD_MB": "4096",
    "OKR_HEALTH_MAX_ROWS": "100000000",
    "OKR_HEALTH_MAX_UNZIPPED_MB": "4096",
    "OKR_HEALTH_PARSE_MEMORY_MB": "16384",
    "OKR_HEALTH_PARSE_TIMEOUT_S": "3600",
}
Result = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Context:
    files: Files
    work: Path  # this size's scratch folder: stores and databases
    repeat: int = 5

    @property
    def store(self) -> Path:
        return self.work / "store.duckdb"

    @property
    def as_of(self) -> str:
        return str(self.files.manifest["as_of"])

    def fresh(self, name: str) -> Path:
        """A database path with nothing at it yet (nor a report cache beside it)."""
        path = self.work / name
        for p in (path, path.with_name(path.name + ".wal")):
            p.unlink(missing_ok=True)
        shutil.rmtree(path.with_name(path.name + ".cache"), ignore_errors=True)
        return path


@dataclass(frozen=True)
class Timing:
    seconds: float  # wall clock
    cpu: float  # CPU time of the process (every thread), less sensitive to a busy machine
    value: Any = None


def timed(fn: Callable[[], Any]) -> Timing:
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return Timing(time.perf_counter() - start, time.process_time() - cpu, value)


def one(t: Timing, rows: int, **extra: Any) -> dict[str, Any]:
    return {"seconds": t.seconds, "cpu_seconds": t.cpu, "rows": int(rows), **extra}


def median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.seconds for t in timings),
                  statistics.median(t.cpu for t in timings))  # fmt: skip


# --- ingest -------------------------------------------------------------------------------


def _ingest(ctx: Context, path: Path, db: Path, rows: int) -> dict[str, Any]:
    from pipelines.ingest import ingest_paths
    from pipelines.settings import operator_settings

    # as `okr-health ingest` runs it: the operator's limits, text parsed in this process
    limits = operator_settings()
    t = timed(lambda: ingest_paths([path], db, limits=limits))
    report = t.value
    if not report.ok or report.outcome != "loaded":
        raise RuntimeError(f"ingest of {path} failed: {report.outcome} {report.problems[:5]}")
    return one(t, rows, loaded=report.rows, problems=len(report.problems))


def csv_ingest(ctx: Context) -> Result:
    """The product: ingest_paths on the CSV folder into a fresh store (kept for the jobs
    after it, with the size's as-of date recorded as the demo does)."""
    import duckdb

    db = ctx.fresh("store.duckdb")
    result = _ingest(ctx, ctx.files.csv_folder, db, ctx.files.total_rows)
    conn = duckdb.connect(str(db))
    try:
        conn.execute("INSERT OR REPLACE INTO settings VALUES ('as_of', ?)", [ctx.as_of])
    finally:
        conn.close()
    return {"csv_ingest": result}


def csv_limit(ctx: Context) -> Result:
    db = ctx.fresh("limit.duckdb")
    t = timed(lambda: references.csv_limit(ctx.files.check_ins_csv, db))
    ctx.fresh("limit.duckdb")
    return {"csv_ingest": one(t, t.value, what="DuckDB read_csv of CheckIns.csv")}


def csv_peer(ctx: Context) -> Result:
    t = timed(lambda: references.csv_peer(ctx.files.csv_folder))
    return {"csv_ingest": one(t, t.value, what="pandas read_csv + apply(score_row)")}


def _xlsx(ctx: Context) -> Path:
    if ctx.files.xlsx is None:
        raise RuntimeError(f"size {ctx.files.size} has no flat XLSX sheet")
    return ctx.files.xlsx


def xlsx_ingest(ctx: Context) -> Result:
    db = ctx.fresh("xlsx.duckdb")
    result = _ingest(ctx, _xlsx(ctx), db, ctx.files.manifest["flat_rows"])
    ctx.fresh("xlsx.duckdb")
    return {"xlsx_ingest": result}


def xlsx_limit(ctx: Context) -> Result:
    t = timed(lambda: references.xlsx_limit(_xlsx(ctx)))
    return {"xlsx_ingest": one(t, t.value, what="python-calamine raw read")}


def xlsx_peer(ctx: Context) -> Result:
    t = timed(lambda: references.xlsx_peer(_xlsx(ctx)))
    return {"xlsx_ingest": one(t, t.value, what="pandas read_excel(openpyxl) + apply")}


# --- summary ------------------------------------------------------------------------------


def _summarise(dataset: Any, keep: list[Any] | None = None) -> dict[str, Any]:
    """analyse + build_summary; the report is appended to `keep` when given."""
    from metrics.report import analyse
    from metrics.summary import build_summary

    report = analyse(dataset)
    if keep is not None:
        keep.append(report)
    if "report" in inspect.signature(build_summary).parameters:
        return build_summary(dataset, report=report)
    return build_summary(dataset)


EXPECTED_DIR = Path(__file__).resolve().parent / "expected"


def report_check(ctx: Context, report: Any) -> dict[str, Any]:
    """The report against the digest kept in `benchmarks/expected/` for these files (taken
    before the engine changed): the frames that differ, or nothing to compare with."""
    expected = EXPECTED_DIR / f"{ctx.files.folder.name}-report.json"
    if not expected.exists():
        return {}
    from reporting.digest import report_digest

    kept = json.loads(expected.read_text())
    actual = report_digest(report)
    frames = kept["frames"]
    changed = sorted(k for k in frames.keys() | actual.keys() if frames.get(k) != actual.get(k))
    return {"report_reference": kept["commit"], "report_frames": len(frames),
            "report_changed": changed}  # fmt: skip


def _read_store(ctx: Context) -> Any:
    from pipelines.store.connection import open_store
    from pipelines.store.dataset import read_dataset

    with open_store(ctx.store, read_only=True) as conn:
        return read_dataset(conn)


def summary(ctx: Context) -> Result:
    """Cold: read the store, analyse, build the summary, first thing in a fresh process (this
    job's peak memory is the summary's own)."""
    reading = timed(lambda: _read_store(ctx))
    dataset = reading.value
    reports: list[Any] = []
    summarising = timed(lambda: _summarise(dataset, reports))
    cold = Timing(reading.seconds + summarising.seconds, reading.cpu + summarising.cpu)
    rows = len(dataset.key_results) + len(dataset.check_ins)
    checked = report_check(ctx, reports[0])  # after the clock: not part of the figure
    return {
        "summary_cold": one(cold, rows, read_seconds=reading.seconds,
                            analyse_and_summary_seconds=summarising.seconds, **checked),
    }  # fmt: skip


def _recompute(ctx: Context) -> tuple[int, list[Timing]]:
    dataset = _read_store(ctx)
    rows = len(dataset.key_results) + len(dataset.check_ins)
    _summarise(dataset)  # the first run in a process pays imports and caches, not timed
    runs = 1 if rows > 1_000_000 else max(1, ctx.repeat // 2)
    return rows, [timed(lambda: _summarise(dataset)) for _ in range(runs)]


def summary_again(ctx: Context) -> Result:
    """Warm: the summary through the dashboard's cached layer (the loaded store and its health
    report already cached: a cache hit, then build_summary on that report).
    Recompute: analyse + summary in a process that has read the dataset (what a surface
    without the cache pays every time)."""
    rows, recompute = _recompute(ctx)  # its dataset is gone before the cache loads another

    _quiet_streamlit()
    os.environ["OKR_HEALTH_DB"] = str(ctx.store)
    from dashboard import state
    from metrics.summary import build_summary

    assert state.load() is not None  # the cache's first run (read + analyse), not timed

    def warm_summary() -> Any:
        loaded = state.load()
        assert loaded is not None
        if "report" in inspect.signature(build_summary).parameters:
            return build_summary(loaded.dataset, report=loaded.report)
        return build_summary(loaded.dataset)

    warm = [timed(warm_summary) for _ in range(ctx.repeat)]
    return {
        "summary_warm": one(median(warm), rows, runs=len(warm), how="dashboard cached layer"),
        "summary_recompute": one(median(recompute), rows, runs=len(recompute)),
    }


SUMMARIES = ("summary_cold", "summary_warm", "summary_recompute", "summary_cold_cached",
             "cache_warm")  # fmt: skip


def summary_limit(ctx: Context) -> Result:
    t = timed(lambda: references.summary_limit(ctx.store, ctx.as_of))
    result = one(t, t.value, what="DuckDB SQL: latest check-in, score, means per cycle")
    return dict.fromkeys(SUMMARIES, result)


def summary_peer(ctx: Context) -> Result:
    t = timed(lambda: references.summary_peer(ctx.store, ctx.as_of))
    result = one(t, t.value, what="pandas from the store + apply(score_row)")
    return dict.fromkeys(SUMMARIES, result)


# --- with the report cache (reporting/cache.py) ------------------------------------

WARM = """
import json, resource, sys, time
from reporting import cache as report_cache
start, cpu = time.perf_counter(), time.process_time()
outcome = report_cache.warm(sys.argv[1])
# and what "Since the last import" compares with, as ingest does
if outcome in ("written", "updated"):
    from reporting.versions import before_latest
    before_latest(sys.argv[1])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "seconds": seconds, "cpu": cpu, "peak_mb": peak}))
"""


def _warm_cache(ctx: Context, clear: bool) -> dict[str, Any]:
    """Compute and write the store's report cache in a child process (what `okr-health
    ingest` does after a load), so the process timing the cached read stays cold."""
    if clear:
        shutil.rmtree(ctx.store.with_name(ctx.store.name + ".cache"), ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "OKR_HEALTH_REPORT_CACHE"}
    proc = subprocess.run([sys.executable, "-c", WARM, str(ctx.store)], cwd=PROJECT_DIR,
                          env=env, capture_output=True, text=True, check=True)  # fmt: skip
    outcome: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return outcome


def summary_cached(ctx: Context) -> Result:
    """Cold with the cache: in a fresh process whose store has an up-to-date report cache,
    what `okr-health summary` does (the key, then the summary kept with the report), and
    apart from it the report and dataset read back whole (what a dashboard's first render
    reads). Also: the cost of writing the cache after an import (in a child process), and
    `okr-health summary --json` as a whole process (interpreter start and imports included)."""
    warming = _warm_cache(ctx, clear=True)
    from reporting.cache import load_or_compute
    from reporting.summaries import cached_summary

    def cold() -> Any:
        kept = cached_summary(ctx.store, None)
        if kept is None:
            raise RuntimeError("the summary was not kept with the cached report")
        return kept

    t = timed(cold)
    read_back = timed(lambda: load_or_compute(ctx.store))
    if read_back.value.source != "cache":
        raise RuntimeError("the report cache was not used")
    found = read_back.value
    rows = len(found.dataset.key_results) + len(found.dataset.check_ins)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "okr_health.cli", "summary", "--json", "--db",
                    str(ctx.store)], cwd=PROJECT_DIR, check=True, capture_output=True)  # fmt: skip
    cli = time.perf_counter() - start
    warm = Timing(warming["seconds"], warming["cpu"])
    return {
        "summary_cold_cached": one(t, rows, cli_process_seconds=cli, how="report cache",
                                   read_back_seconds=read_back.seconds),
        "cache_warm": {**one(warm, rows, outcome=warming["outcome"]),
                       "peak_mb": warming["peak_mb"]},
    }  # fmt: skip


# --- a filter change on the dashboard's data layer ----------------------------------------


def _quiet_streamlit() -> None:
    for name in ("streamlit", "streamlit.runtime"):
        logging.getLogger(name).setLevel(logging.ERROR)


def filter_change(ctx: Context) -> Result:
    """The dashboard's data layer, no server: the cached load (a cache hit after the first
    run), then `scoped` + `headline` + `department_status` for each department in turn.
    The limit (one mask and a mean) and the peer (score the department again by hand) are
    timed on the same frames in the same process."""
    _quiet_streamlit()
    os.environ["OKR_HEALTH_DB"] = str(ctx.store)
    import pandas as pd
    import streamlit as st

    from dashboard import overview_frames, state, transforms

    loaded = state.load()  # the expensive first run (read + analyse), not timed
    assert loaded is not None
    cycle = state.running_cycle(loaded) or state.cycle_options(loaded)[-1]
    objectives = loaded.objectives
    departments = sorted(objectives.loc[objectives["cycle_id"] == cycle, "department"].dropna()
                         .unique())[: ctx.repeat]  # fmt: skip

    def change(department: str) -> tuple[Timing, float]:
        st.session_state["department"] = department
        hit = timed(state.load)
        assert hit.value is not None

        def answer() -> None:
            scoped_objectives, scoped_krs = state.scoped(hit.value, cycle)
            transforms.headline(scoped_objectives, scoped_krs)
            overview_frames.department_status(scoped_objectives)

        t = timed(answer)
        return Timing(hit.seconds + t.seconds, hit.cpu + t.cpu), t.seconds

    product = [change(d) for d in departments]
    st.session_state["department"] = state.ALL
    rows = len(loaded.key_results) + len(loaded.objectives)
    krs = loaded.key_results
    limit = [timed(partial(references.filter_limit, krs, d, cycle)) for d in departments]
    dataset = loaded.dataset
    latest = (dataset.check_ins.dropna(subset=["value"]).sort_values(["kr_id", "checked_at"])
              .groupby("kr_id")["value"].last())  # fmt: skip
    units = pd.Series(objectives["department"].to_numpy(), index=objectives["team_id"])
    units = units[~units.index.duplicated()]
    peer = [
        timed(partial(references.filter_peer,
                      dataset.key_results, dataset.objectives, latest, units, d, cycle))
        for d in departments
    ]  # fmt: skip
    return {
        "filter_change": one(
            median([p[0] for p in product]), rows,
            transforms_seconds=statistics.median(p[1] for p in product),
            cache_hit_seconds=statistics.median(p[0].seconds - p[1] for p in product),
            changes=len(product),
        ),
        "filter_change:limit": one(median(limit), rows, what="one mask + mean"),
        "filter_change:peer": one(median(peer), rows,
                                  what="department re-scored with apply(score_row)"),
    }  # fmt: skip


# --- first page render --------------------------------------------------------------------


def _render(at: Any) -> Timing:
    t = timed(at.run)
    if at.exception:
        raise RuntimeError(f"page raised: {at.exception}")
    return t


def page_render(ctx: Context) -> Result:
    """AppTest of the dashboard (Overview) on the store: the first at.run() of a process."""
    _quiet_streamlit()
    os.environ["OKR_HEALTH_DB"] = str(ctx.store)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=3600)
    t = _render(at)
    tiles = {m.label: m.value for m in at.metric}
    rows = ctx.files.rows["key_results"] + ctx.files.rows["check_ins"]
    return {"page_render": one(t, rows, tiles=len(tiles))}


def page_render_cached(ctx: Context) -> Result:
    """The same first render in a fresh process, with the store's report cache up to date
    (written by a child process first, unless it already is)."""
    _warm_cache(ctx, clear=False)
    os.environ.pop("OKR_HEALTH_REPORT_CACHE", None)
    from reporting import cache as report_cache

    def no_analysis(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the report cache was not used")

    with mock.patch.object(report_cache, "analyse_parts", no_analysis):  # a miss fails the job
        result = page_render(ctx)["page_render"]
    return {"page_render_cached": {**result, "how": "report cache"}}


def page_limit(ctx: Context) -> Result:
    _quiet_streamlit()
    from streamlit.testing.v1 import AppTest

    t = _render(AppTest.from_string(references.LIMIT_PAGE, default_timeout=600))
    result = one(t, 0, what="AppTest of a page of static tiles")
    return {"page_render": result, "page_render_cached": result}


def page_peer(ctx: Context) -> Result:
    _quiet_streamlit()
    from streamlit.testing.v1 import AppTest

    script = references.PEER_PAGE.format(folder=str(ctx.files.csv_folder))
    t = _render(AppTest.from_string(script, default_timeout=3600))
    rows = ctx.files.rows["key_results"] + ctx.files.rows["check_ins"]
    result = one(t, rows, what="read_csv + apply(score_row) page")
    return {"page_render": result, "page_render_cached": result}


JOBS: dict[str, Callable[[Context], Result]] = {
    f.__name__: f
    for f in (
        csv_limit, csv_peer, csv_ingest, xlsx_limit, xlsx_peer, xlsx_ingest, summary,
        summary_again, summary_limit, summary_peer, summary_cached, filter_change, page_limit,
        page_peer, page_render, page_render_cached,
    )
}  # fmt: skip
# Jobs that use the report cache; every other job runs with it switched off, so that what
# they measure (reading the store, analysing it) is computed, never read back.
CACHED_JOBS = {"summary_cached", "page_render_cached"}
ROLE = {  # which side of the comparison a job's results are
    "csv_limit": "limit", "csv_peer": "peer", "xlsx_limit": "limit", "xlsx_peer": "peer",
    "summary_limit": "limit", "summary_peer": "peer", "page_limit": "limit",
    "page_peer": "peer",
}  # fmt: skip


def maxrss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_job(job: str, ctx: Context) -> dict[str, Any]:
    """Run one job here; the environment it sets (store path, limits) is restored after."""
    ctx.work.mkdir(parents=True, exist_ok=True)
    saved = dict(os.environ)
    try:
        for name, value in RAISED_LIMITS.items():
            os.environ.setdefault(name, value)
        if job not in CACHED_JOBS:
            os.environ["OKR_HEALTH_REPORT_CACHE"] = "0"
        results = JOBS[job](ctx)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"job": job, "results": results, "maxrss_mb": round(maxrss_mb(), 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one benchmark job in this process.")
    parser.add_argument("job", choices=list(JOBS))
    parser.add_argument("--size", required=True)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    files = ensure(args.size, args.seed, args.data)
    ctx = Context(files, args.work / args.size, args.repeat)
    out = run_job(args.job, ctx)
    sys.stdout.write("\n" + json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
