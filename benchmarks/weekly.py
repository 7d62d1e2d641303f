"""Growth of the store over weekly imports (issue 14): 13 weekly copies of one company.

    python -m benchmarks.weekly --size M [--weeks 13] [--changed 0.1]

Week 1 imports the company's canonical CSV folder; each later week imports its objectives
and key results again (no check-in file, as a team's weekly sheet) with `--changed` of the
current values moved, which the store records as check-ins dated that week. Measured: the
store file's size, each import's time and the first summary after it (report cache off),
against a single import of the same data (the last week's files, with its check-ins, into
an empty store), and `read_dataset` on both stores (the current state the metrics read).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.measure import RAISED_LIMITS
from benchmarks.sizes import SIZES, ensure


def _week_folder(source: Path, target: Path, week: int, share: float, day: date) -> Path:
    """Objectives and key results of `source`, `share` of the current values moved (a
    different tenth each week, seeded), in a folder named after the week's date."""
    folder = target / f"okrs-{day.isoformat()}"
    folder.mkdir(parents=True)
    for name in ("Cycles.csv", "Teams.csv", "Objectives.csv"):
        shutil.copy(source / name, folder / name)
    krs = pd.read_csv(source / "KeyResults.csv", dtype={"kr_id": "str"})
    rng = np.random.default_rng(week)
    moved = rng.random(len(krs)) < share
    krs.loc[moved, "current_value"] = krs.loc[moved, "current_value"].fillna(0) + week
    krs.to_csv(folder / "KeyResults.csv", index=False)
    return folder


def _timed_summary(db: Path) -> float:
    from metrics.summary import build_summary
    from reporting.cache import load_or_compute

    started = time.perf_counter()
    found = load_or_compute(db, write=False)
    build_summary(found.dataset, None, report=found.report)
    return time.perf_counter() - started


def _read_s(db: Path, repeat: int = 3) -> float:
    from pipelines.store.connection import open_store
    from pipelines.store.dataset import read_dataset

    best = float("inf")
    for _ in range(repeat):
        with open_store(db, read_only=True) as conn:
            started = time.perf_counter()
            read_dataset(conn)
            best = min(best, time.perf_counter() - started)
    return best


def _ingest(paths: list[Path], db: Path, as_of: date | None = None) -> float:
    from pipelines.ingest import ingest_paths

    started = time.perf_counter()
    report = ingest_paths(paths, db, as_of=as_of)
    if not report.ok:
        raise RuntimeError(f"benchmark import rejected: {report.problems[:3]}")
    return time.perf_counter() - started


def measure(size: str, weeks: int = 13, share: float = 0.1, work: Path | None = None,
            data_dir: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """The figures of `weeks` weekly imports against one import of the same data. The
    environment it sets (raised limits, no report cache) is restored after."""
    saved = dict(os.environ)
    os.environ["OKR_HEALTH_REPORT_CACHE"] = "0"
    for key, value in RAISED_LIMITS.items():  # as the company's administrator would
        os.environ.setdefault(key, value)
    try:
        return _measure(size, weeks, share, work, data_dir)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _measure(size: str, weeks: int, share: float, work: Path | None,
             data_dir: Path | None) -> dict[str, Any]:  # fmt: skip
    files = ensure(size, data_dir=data_dir)
    work = Path(tempfile.mkdtemp(prefix="okr-weekly-", dir=work))
    try:
        db = work / "weekly.duckdb"
        start = date.fromisoformat(files.manifest["as_of"]) - timedelta(weeks=weeks)
        rows = []
        for week in range(1, weeks + 1):
            day = start + timedelta(weeks=week)
            if week == 1:
                paths, folder = [files.csv_folder], files.csv_folder
            else:
                folder = _week_folder(files.csv_folder, work / "weeks", week, share, day)
                paths = [folder]
            took = _ingest(paths, db, day)
            rows.append({"week": week, "import_s": round(took, 3),
                         "summary_s": round(_timed_summary(db), 3),
                         "store_mb": round(db.stat().st_size / 1e6, 1)})  # fmt: skip
        single = work / "single.duckdb"
        last = work / "single-data"
        shutil.copytree(folder, last)
        shutil.copy(files.csv_folder / "CheckIns.csv", last / "CheckIns.csv")
        single_import = _ingest([last], single)
        single_summary = _timed_summary(single)
        single_mb = single.stat().st_size / 1e6
        later = rows[1:] or rows
        result = {
            "size": size,
            "weeks": weeks,
            "changed_share": share,
            "key_results": files.manifest["rows"]["key_results"],
            "per_week": rows,
            "single": {
                "import_s": round(single_import, 3),
                "summary_s": round(single_summary, 3),
                "store_mb": round(single_mb, 1),
            },  # fmt: skip
            "read_dataset_s": {
                "weekly": round(_read_s(db), 3),
                "single": round(_read_s(single), 3),
            },
            "ratios": {
                "store_size": round(rows[-1]["store_mb"] / single_mb, 2),
                "weekly_import_median": round(
                    float(np.median([r["import_s"] for r in later])) / single_import, 2
                ),
                "summary_after_last_week": round(rows[-1]["summary_s"] / single_summary, 2),
            },
        }
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def lines(result: dict[str, Any]) -> list[str]:
    """The growth figures in words, for `make bench`."""
    r, s = result["ratios"], result["single"]
    last = result["per_week"][-1]
    return [
        f"Weekly imports ({result['size']}, {result['weeks']} weeks, "
        f"{result['changed_share']:.0%} of values changed a week), against one import of "
        "the same data:",
        f"  store size {last['store_mb']:.1f} MB vs {s['store_mb']:.1f} MB "
        f"({r['store_size']:.2f}x)",
        f"  a weekly import (median) {r['weekly_import_median']:.2f}x the single import's "
        f"{s['import_s']:.2f} s",
        f"  first summary after the last week {last['summary_s']:.2f} s vs "
        f"{s['summary_s']:.2f} s ({r['summary_after_last_week']:.2f}x)",
        f"  read_dataset {result['read_dataset_s']['weekly']:.2f} s "
        f"({result['weeks']} weeks of history) vs "
        f"{result['read_dataset_s']['single']:.2f} s (one import)",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="M", choices=list(SIZES))
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    result = measure(args.size, args.weeks, args.changed)
    for week in result["per_week"]:
        print(f"week {week['week']:>2}: import {week['import_s']:.2f} s, summary "
              f"{week['summary_s']:.2f} s, store {week['store_mb']:.1f} MB")  # fmt: skip
    print("\n".join(lines(result)))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
