"""Monday morning's benchmark: every figure of the weekly import beside the DuckDB limit
report measured in the same run (issue 26).

    python -m benchmarks.monday --size M [--repeat 3]       # make bench-monday: M, then L4
    python -m benchmarks.monday --size L4 --no-views

Each job runs in a fresh process (`benchmarks.monday_jobs`), product and reference in turn
(the order swapped every repetition, so a change of the machine's load falls on both); the
figure is the least CPU time of the repetitions, printed with their range. Measured:

1. the limit report (`benchmarks.limit_report`) on the store after the first load, and on
   the store after Monday's import: the denominators; its scores, objective and team means,
   alignment shares and forecasts are checked against the product's (largest difference);
2. the full report, cold (cache removed, `OKR_HEALTH_INCREMENTAL=0`): `load_or_compute`
   with a cache write, then `build_summary`; CPU and peak memory against the limit's;
3. the report after Monday's import (`benchmarks.monday_week`: a tenth of the key results
   with a new check-in, a week later) with the week before's report cached: the same calls,
   incremental on; against the limit on the new store, and its digest against a full
   computation's (`reporting.digest`), frame by frame;
4. the CSV ingest, first load and Monday's, against DuckDB's `read_csv` of the same
   check-ins file;
5. page views in Chromium (`benchmarks.monday_views`) on the demo and at M.

Writes benchmarks/out/monday-<size>.json and .md, with the machine, its load average before
and after, and the commit. Benchmarks never assert: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.monday_table import markdown, rows_of
from benchmarks.monday_week import next_week
from benchmarks.run import machine
from benchmarks.sizes import SIZES, ensure

PROJECT_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "out"
Job = dict[str, Any]


def job(name: str, *args: str, timeout: float = 7200) -> Job:
    """`benchmarks.monday_jobs NAME ARGS` in a fresh process; its JSON line."""
    cmd = [sys.executable, "-m", "benchmarks.monday_jobs", name, *args]
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-12:])
        raise RuntimeError(f"{name} failed:\n{tail}")
    found: Job = json.loads(lines[-1])
    return found


def alternate(
    repeat: int, product: Callable[[int], Job], reference: Callable[[int], Job],
    log: Callable[[str], None], what: str,
) -> tuple[list[Job], list[Job]]:  # fmt: skip
    """`repeat` runs of each, in turn, the one that goes first swapped every repetition."""
    mine: list[Job] = []
    theirs: list[Job] = []
    for r in range(repeat):
        order = [(product, mine), (reference, theirs)]
        for run, into in order if r % 2 == 0 else order[::-1]:
            into.append(run(r))
        log(f"  {what} {r + 1}/{repeat}: product {mine[-1]['cpu_s']:.2f} s CPU, "
            f"reference {theirs[-1]['cpu_s']:.2f} s CPU")  # fmt: skip
    return mine, theirs


def views(size: str, repeat: int) -> Job:
    cmd = [sys.executable, "-m", "benchmarks.monday_views", "--size", size,
           "--repeat", str(repeat)]  # fmt: skip
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=3600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])}
    found: Job = json.loads(lines[-1])
    return found


def measure(size: str, repeat: int, with_views: bool, work: Path,
            log: Callable[[str], None]) -> dict[str, Any]:  # fmt: skip
    """Every figure of `size`, in the order a Monday runs them."""
    files = ensure(size)
    work.mkdir(parents=True, exist_ok=True)
    week = next_week(files, work)
    log(f"[{size}] {files.rows}; Monday: {week.changed:,} key results with a new check-in "
        f"on {week.day}")  # fmt: skip
    first, monday = work / f"{size}-first.duckdb", work / f"{size}-monday.duckdb"
    scratch = str(work / f"{size}-read_csv.duckdb")
    out: dict[str, Any] = {"size": size, "files": files.manifest, "repeat": repeat,
                           "week": {"day": str(week.day), "changed": week.changed,
                                    "check_ins": week.check_ins}}  # fmt: skip
    partial = work / f"{size}-partial.json"  # what is measured so far, if the run stops

    def keep() -> None:
        partial.write_text(json.dumps(out, indent=1, default=str))

    out["ingest_first"], out["read_csv_first"] = alternate(
        repeat,
        lambda r: job("ingest", "--db", str(first), "--folder", str(files.csv_folder),
                      "--day", files.manifest["as_of"]),
        lambda r: job("csv_limit", "--db", scratch, "--csv", str(files.check_ins_csv)),
        log, "first load",
    )  # fmt: skip
    keep()
    out["full"], out["limit_first"] = alternate(
        repeat,
        lambda r: job("full", "--db", str(first), *(["--compare"] if r == 0 else [])),
        lambda r: job("limit", "--db", str(first)),
        log, "full report, cold",
    )  # fmt: skip
    keep()
    shutil.rmtree(first.with_name(first.name + ".cache"), ignore_errors=True)
    out["warm_first"] = job("warm", "--db", str(first))
    log(f"  week 1 cached: {out['warm_first']['outcome']} "
        f"({out['warm_first']['cpu_s']:.2f} s CPU)")  # fmt: skip
    digest = work / f"{size}-monday-digest.json"
    out["ingest_monday"], out["read_csv_monday"] = [], []
    out["updated"], out["limit_monday"] = [], []
    for r in range(repeat):
        mine, theirs = alternate(
            1,
            lambda _: job("ingest", "--db", str(monday), "--base", str(first), "--folder",
                          str(week.folder), "--day", str(week.day)),
            lambda _: job("csv_limit", "--db", scratch, "--csv",
                          str(week.folder / "CheckIns.csv")),
            log, f"Monday's import {r + 1}:",
        )  # fmt: skip
        out["ingest_monday"] += mine
        out["read_csv_monday"] += theirs
        report_jobs: list[tuple[str, list[str]]] = [
            ("updated", ["updated", "--db", str(monday), "--digest", str(digest)]),
            ("limit_monday", ["limit", "--db", str(monday)]),
        ]
        for key, call in report_jobs if r % 2 == 0 else report_jobs[::-1]:
            out[key].append(job(*call))
        log(f"  report after Monday's import {r + 1}/{repeat}: "
            f"{out['updated'][-1]['source']}, {out['updated'][-1]['cpu_s']:.2f} s CPU; limit "
            f"{out['limit_monday'][-1]['cpu_s']:.2f} s CPU")  # fmt: skip
        keep()
    out["check"] = job("check", "--db", str(monday), "--digest", str(digest))
    same = "equal" if not out["check"]["differ"] else f"differs in {out['check']['differ']}"
    log(f"  incremental against full: {same} ({out['check']['frames']} frames)")
    keep()
    if with_views:
        for where in ("demo", size):
            log(f"  page views ({where}) in Chromium …")
            out[f"views_{where}"] = views(where, repeat)
    return out


def log(line: str) -> None:
    print(line, flush=True)


def run(size: str, repeat: int, with_views: bool, out_dir: Path = OUT_DIR) -> dict[str, Any]:
    about = machine()
    result = {"machine": about, "load_before": about["load_average"]}
    result["figures"] = measure(size, repeat, with_views, out_dir / "monday-work", log)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = out_dir / f"monday-{size}.json"
    written.write_text(json.dumps(result, indent=1, default=str))  # the figures, whatever next
    return render(result, out_dir, size)


def render(result: dict[str, Any], out_dir: Path, size: str) -> dict[str, Any]:
    """The table's rows and the markdown, written beside the JSON."""
    result["rows"] = rows_of(result["figures"])
    (out_dir / f"monday-{size}.json").write_text(json.dumps(result, indent=1, default=str))
    (out_dir / f"monday-{size}.md").write_text(markdown(result))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="M", choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--views", action=argparse.BooleanOptionalAction, default=None,
                        help="page views in Chromium (default: at sizes up to M)")  # fmt: skip
    parser.add_argument("--render", action="store_true", help="only rewrite the table from "
                        "the JSON of the last run")  # fmt: skip
    args = parser.parse_args(argv)
    if args.render:
        kept = json.loads((OUT_DIR / f"monday-{args.size}.json").read_text())
        print(markdown(render(kept, OUT_DIR, args.size)))
        return
    with_views = args.views if args.views is not None else args.size in ("T", "S", "M")
    result = run(args.size, args.repeat, with_views)
    print()
    print(markdown(result))
    print(f"written: {OUT_DIR / f'monday-{args.size}.json'}, {OUT_DIR / f'monday-{args.size}.md'}")


if __name__ == "__main__":
    main()
