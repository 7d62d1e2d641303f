"""Where the time goes: cProfile (CPU clock) of one product step on one size, the top of it
written to `benchmarks/out/profile-<step>-<size>.txt`.

    python -m benchmarks.profile --size M --step csv_ingest   # also: xlsx_ingest, analyse

The store the benchmark's CSV ingest wrote (`benchmarks/out/work/<size>/store.duckdb`) is
what `analyse` reads; run `make bench` (or the csv_ingest job) first. cProfile inflates code
that makes many small Python calls, so read it beside the wall figures of `benchmarks.run`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.measure import RAISED_LIMITS
from benchmarks.run import OUT_DIR
from benchmarks.sizes import ensure
from demo_company.generate import DEMO_SEED

STEPS = ("csv_ingest", "xlsx_ingest", "analyse")


def _target(step: str, size: str, seed: int, work: Path) -> Callable[[], object]:  # a thunk
    files = ensure(size, seed)
    if step == "analyse":
        from metrics.report import analyse
        from pipelines.store.connection import open_store
        from pipelines.store.dataset import read_dataset

        with open_store(work / size / "store.duckdb", read_only=True) as conn:
            dataset = read_dataset(conn)
        analyse(dataset)  # the first run pays imports and caches
        return lambda: analyse(dataset)
    from pipelines.ingest import ingest_paths

    source = files.csv_folder if step == "csv_ingest" else files.xlsx
    if source is None:
        raise SystemExit(f"size {size} has no flat XLSX sheet")
    os.environ.setdefault("OKR_HEALTH_ISOLATE_PARSING", "0")  # profile the parse here too
    db = work / size / f"profile-{step}.duckdb"

    def ingest() -> None:
        for p in (db, db.with_name(db.name + ".wal")):
            p.unlink(missing_ok=True)
        report = ingest_paths([source], db)
        assert report.ok, report.problems[:5]

    return ingest


def profile(
    step: str, size: str, seed: int = DEMO_SEED, out_dir: Path = OUT_DIR, work: Path | None = None
) -> Path:
    for name, value in RAISED_LIMITS.items():
        os.environ.setdefault(name, value)
    run = _target(step, size, seed, work or out_dir / "work")
    start, cpu = time.perf_counter(), time.process_time()
    run()
    plain = (time.perf_counter() - start, time.process_time() - cpu)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    run()
    profiler.disable()
    text = io.StringIO()
    text.write(f"{step} on {size}: {plain[0]:.2f} s wall, {plain[1]:.2f} s CPU without the "
               "profiler\n\n")  # fmt: skip
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(r"/(pipelines|metrics|dashboard)/", 30)
    stats.sort_stats("tottime").print_stats(25)
    path = out_dir / f"profile-{step}-{size}.txt"
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [line.rstrip() for line in text.getvalue().splitlines()]
    path.write_text("\n".join(line.replace(str(Path.cwd()) + "/", "") for line in lines) + "\n")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--step", choices=STEPS, default="analyse")
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--work", type=Path, default=None, help="the benchmark run's work dir")
    args = parser.parse_args(argv)
    path = profile(args.step, args.size, args.seed, work=args.work)
    print(path.read_text()[:6000])
    print(f"written: {path}")


if __name__ == "__main__":
    main()
