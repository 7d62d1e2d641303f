"""Hostile inputs against references of the same size, in the same run:

    python -m benchmarks.hostile [--levels 500,1500,5000] [--columns 100000]

- a CSV whose header has 100,000 columns (refused from its first line) against an ordinary
  CSV of the same byte size (read whole): time and peak memory of each, in a fresh process;
- strict-link chains (`parent_kr_id`) of 500, 1,500 and 5,000 levels scored against the same
  objectives and key results unlinked: the ratio stays near 1 when scoring is linear.

Each measurement runs in its own child process (`--job`), so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from metrics.scores.scoring import score_all
from pipelines.read.files import read_files
from pipelines.settings import settings


def chain_frames(levels: int, linked: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`levels` objectives; objective i's key result K{i} is objective i+1 when `linked`
    (the deepest has two measured key results); unlinked, the same rows without the links."""
    objectives = pd.DataFrame(
        {
            "objective_id": [f"O{i}" for i in range(levels)],
            "cycle_id": "Q3",
            "title": "t",
            "team_id": pd.Series([None] * levels, dtype="str"),
            "parent_kr_id": pd.Series(
                [None, *[f"K{i}" for i in range(levels - 1)]] if linked else [None] * levels,
                dtype="str",
            ),
            "weight": float("nan"),
        }
    )
    n = levels - 1
    krs = pd.DataFrame(
        {
            "kr_id": [f"K{i}" for i in range(n)] + ["Kx", "Ky"],
            "objective_id": [f"O{i}" for i in range(n)] + [f"O{n}"] * 2,
            "title": "k",
            "kr_type": pd.Series([None] * (n + 2), dtype="str"),
            "owner": pd.Series([None] * (n + 2), dtype="str"),
            "start_value": 0.0,
            "target_value": [float("nan")] * n + [10.0, 10.0],
            "range_low": float("nan"),
            "range_high": float("nan"),
            "current_value": [float("nan")] * n + [4.0, 10.0],
            "manual_score": float("nan"),
            "weight": float("nan"),
        }
    )
    checks = pd.DataFrame(
        {
            "kr_id": pd.Series([], dtype="str"),
            "checked_at": pd.Series([], dtype="datetime64[us]"),
            "value": pd.Series([], dtype="float64"),
            "grade": pd.Series([], dtype="float64"),
            "confidence": pd.Series([], dtype="float64"),
            "status": pd.Series([], dtype="str"),
            "note": pd.Series([], dtype="str"),
        }
    )
    return objectives, krs, checks


def wide_csv(columns: int) -> bytes:
    header = ",".join(f"c{i}" for i in range(columns))
    return (header + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()


def narrow_csv(size: int) -> bytes:
    """An ordinary CSV of about `size` bytes: eight columns, as many rows as fit."""
    header = "objective_id,cycle_id,title,owner,kr_id,start,target,current\n"
    row = "O{0},2025-Q3,Grow revenue {0},Ann Lee,K{0},0,100,42\n"
    lines, total, i = [header], len(header), 0
    while total < size:
        lines.append(row.format(i))
        total += len(lines[-1])
        i += 1
    return "".join(lines).encode()


def any_row(_text: str) -> bool:
    """Every row may be the header (a function, not a lambda: it may go to a child process)."""
    return True


def run_job(job: str, size: int) -> dict[str, float]:
    """One measurement in this process: seconds of the work (imports excluded)."""
    if job in ("wide", "narrow"):
        data = wide_csv(size) if job == "wide" else narrow_csv(len(wide_csv(size)))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{job}.csv"
            path.write_bytes(data)
            start = time.perf_counter()
            in_process = replace(settings(), isolate_text=False)  # the reader, not the child
            sources = read_files([(path.name, path.read_bytes())], any_row, limits=in_process)
            seconds = time.perf_counter() - start
        refused = float(bool(sources.problems) and not sources.tables)
        return {"seconds": seconds, "bytes": float(len(data)), "refused": refused}
    frames = chain_frames(size, linked=job == "chain")
    start = time.perf_counter()
    scores = score_all(*frames)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "top": float(scores.objectives["score"].iloc[0])}


def in_child(job: str, size: int) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.hostile", "--job", job, "--size", str(size)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=3600)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="500,1500,5000")
    parser.add_argument("--columns", type=int, default=100_000)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.job:
        result = run_job(args.job, args.size)
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0
    wide, narrow = in_child("wide", args.columns), in_child("narrow", args.columns)
    print(f"wide header ({args.columns:,} columns, {wide['bytes'] / 1024:,.0f} KB):")
    print(
        f"  refused={bool(wide['refused'])} in {wide['seconds']:.3f} s, peak "
        f"{wide['maxrss_mb']:,.0f} MB; ordinary CSV of the same size read in "
        f"{narrow['seconds']:.3f} s, peak {narrow['maxrss_mb']:,.0f} MB; "
        f"time ratio {wide['seconds'] / narrow['seconds']:.2f}, "
        f"memory ratio {wide['maxrss_mb'] / narrow['maxrss_mb']:.2f}"
    )
    print("strict-link chains (score_all), against the same objectives unlinked:")
    for levels in (int(x) for x in args.levels.split(",")):
        chain, flat = in_child("chain", levels), in_child("flat", levels)
        print(
            f"  {levels:>6,} levels: chain {chain['seconds']:.3f} s, unlinked "
            f"{flat['seconds']:.3f} s, ratio {chain['seconds'] / flat['seconds']:.2f} "
            f"(top objective {chain['top']:.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
