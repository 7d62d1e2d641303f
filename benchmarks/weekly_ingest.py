"""The CSV ingest of a first load and of the weekly re-import after it, beside DuckDB's own
`read_csv` of the same check-ins files, in CPU seconds (the machine is shared: read CPU):

    python -m benchmarks.weekly_ingest --size M [--rounds 2]

The weekly export is the size's CSV folder again with one new check-in, a week after its
last, for a tenth of the key results (chosen by a hash of the id), as a tool's Monday export
carries. Each round loads the first export into a fresh store and the weekly one on top, then
times `read_csv` of both check-ins files; the rates compare rows per CPU second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import duckdb

from benchmarks.measure import RAISED_LIMITS
from benchmarks.run import OUT_DIR
from benchmarks.sizes import ensure
from demo_company.generate import DEMO_SEED


def weekly_folder(csv_folder: Path, into: Path) -> Path:
    """The export a week later: the same files, and a new check-in for a tenth of the key
    results (their last one's values, dated seven days after it)."""
    into.mkdir(parents=True, exist_ok=True)
    for path in csv_folder.glob("*.csv"):
        if path.name != "CheckIns.csv":
            shutil.copy(path, into / path.name)
    source = str(csv_folder / "CheckIns.csv")
    conn = duckdb.connect()
    try:
        conn.execute(
            f"""
            COPY (
                SELECT * FROM read_csv('{source}', all_varchar = true)
                UNION ALL
                SELECT kr_id, strftime(max(CAST(checked_at AS TIMESTAMP)) + INTERVAL 7 DAY,
                                       '%Y-%m-%dT%H:%M:%S'),
                       arg_max(value, checked_at), NULL, arg_max(confidence, checked_at),
                       arg_max(status, checked_at), 'weekly', arg_max(author, checked_at)
                FROM read_csv('{source}', all_varchar = true)
                WHERE hash(kr_id) % 10 = 0 GROUP BY kr_id
            ) TO '{into / "CheckIns.csv"}' (HEADER, DELIMITER ',')
            """
        )
    finally:
        conn.close()
    return into


def cpu(fn: object) -> float:
    start = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - start


def rows_of(folder: Path) -> int:
    conn = duckdb.connect()
    try:
        total = 0
        for path in folder.glob("*.csv"):
            found = conn.execute("SELECT count(*) FROM read_csv(?)", [str(path)]).fetchall()
            total += int(found[0][0])
        return total
    finally:
        conn.close()


def read_csv_limit(check_ins: Path, db: Path) -> float:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    conn = duckdb.connect(str(db))
    try:
        return cpu(lambda: conn.execute(
            "CREATE TABLE check_ins AS SELECT * FROM read_csv(?)", [str(check_ins)]
        ))  # fmt: skip
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    for name, value in RAISED_LIMITS.items():
        os.environ.setdefault(name, value)
    from pipelines.ingest import ingest_paths
    from pipelines.settings import operator_settings

    files = ensure(args.size, args.seed)
    work = OUT_DIR / "work" / args.size
    week = weekly_folder(files.csv_folder, work / "weekly-csv")
    rows = {"first load": rows_of(files.csv_folder), "weekly": rows_of(week)}
    check_ins = {"first load": files.csv_folder / "CheckIns.csv", "weekly": week / "CheckIns.csv"}
    store = work / "weekly-ingest.duckdb"
    limits = operator_settings()

    def ingest(folder: Path) -> None:
        report = ingest_paths([folder], store, limits=limits)
        if not report.ok or report.outcome != "loaded":
            raise RuntimeError(f"ingest of {folder} failed: {report.problems[:3]}")

    print(f"{args.size}: first load {rows['first load']:,} rows, weekly {rows['weekly']:,}")
    print("| round | import | product CPU | read_csv CPU | of read_csv's rate |")
    print("|---|---|---:|---:|---:|")
    for n in range(1, args.rounds + 1):
        for p in (store, store.with_name(store.name + ".wal")):
            p.unlink(missing_ok=True)
        shutil.rmtree(store.with_name(store.name + ".cache"), ignore_errors=True)
        product = {"first load": cpu(lambda: ingest(files.csv_folder)),
                   "weekly": cpu(lambda: ingest(week))}  # fmt: skip
        for kind, seconds in product.items():
            limit_rows = rows_of_file(check_ins[kind])
            limit = read_csv_limit(check_ins[kind], work / "weekly-limit.duckdb")
            share = (rows[kind] / seconds) / (limit_rows / limit)
            print(f"| {n} | {kind} | {seconds:.2f} s | {limit:.2f} s | {share:.0%} |")


def rows_of_file(path: Path) -> int:
    conn = duckdb.connect()
    try:
        return int(conn.execute("SELECT count(*) FROM read_csv(?)", [str(path)]).fetchall()[0][0])
    finally:
        conn.close()


if __name__ == "__main__":
    main()
