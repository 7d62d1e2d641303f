"""How long the closing pack of the largest demo department takes, against references
measured in the same run on the same machine.

    python -m benchmarks.closing_pack [--repeat 5]

References: reading the whole dataset from the DuckDB store, and writing a bare openpyxl
workbook with as many rows and columns as the pack's tables (no styles, rules or chart).
Timed: building the pack (including the health engine's `analyse`), and writing it as
.xlsx and as HTML; the end-to-end time is what `okr-health report` spends after start-up.
The target is under 3 s end to end for both files.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from demo_company.generate import generate_demo
from exports import build_closing_pack, pack_to_html, pack_to_xlsx_bytes
from exports.closing_pack import COLUMNS, ClosingPack
from metrics.report import analyse
from metrics.scores.rollups import team_lineage
from metrics.summary import default_cycle
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.load import write_tables

TARGET_SECONDS = 3.0


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of `repeat` runs of fn, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def largest_department(dataset: Dataset, cycle: str) -> str:
    """The department with the most key results in `cycle`."""
    lineage = team_lineage(dataset.teams)[["team_id", "department_id"]]
    objectives = dataset.objectives[dataset.objectives["cycle_id"] == cycle]
    krs = dataset.key_results.merge(objectives[["objective_id", "team_id"]], on="objective_id")
    counts = krs.merge(lineage, on="team_id")["department_id"].value_counts()
    return str(counts.index[0])


def bare_workbook(pack: ClosingPack) -> bytes:
    """The same number of rows and columns as the pack's tables, as plain values."""
    wb = Workbook()
    blank = wb.active  # the empty sheet a new workbook starts with
    assert blank is not None
    wb.remove(blank)
    for name, frame in (
        ("objectives", pack.objectives),
        ("key_results", pack.key_results),
        ("movement", pack.movement),
        ("findings", pack.findings),
    ):
        ws = wb.create_sheet(name)
        keys = [c.key for c in COLUMNS[name]]
        ws.append(keys)
        for row in frame[keys].astype("object").itertuples(index=False):
            ws.append([None if v != v else v for v in row])  # NaN → empty
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        company = generate_demo()
        with open_store(db) as conn:
            write_tables(conn, company.tables, ["demo"], {"as_of": company.as_of.isoformat()})

        def read() -> Dataset:
            with open_store(db, read_only=True) as conn:
                return read_dataset(conn)

        t_read, dataset = timed(read, args.repeat)
        cycle = default_cycle(dataset.cycles, dataset.reference_date())
        assert cycle is not None
        unit = largest_department(dataset, cycle)
        t_analyse, report = timed(lambda: analyse(dataset), args.repeat)
        t_build, pack = timed(lambda: build_closing_pack(dataset, cycle, unit), args.repeat)
        t_cached, _ = timed(lambda: build_closing_pack(dataset, cycle, unit, report), args.repeat)
        t_xlsx, xlsx = timed(lambda: pack_to_xlsx_bytes(pack), args.repeat)
        t_html, page = timed(lambda: pack_to_html(pack), args.repeat)
        t_bare, _ = timed(lambda: bare_workbook(pack), args.repeat)

    rows = len(pack.objectives) + len(pack.key_results) + len(pack.movement) + len(pack.findings)
    end_to_end = t_read + t_build + t_xlsx + t_html
    print(
        f"Closing pack of the largest demo department: {pack.unit_name} ({unit}), cycle "
        f"{cycle}: {len(pack.objectives)} objectives, {len(pack.key_results)} key results, "
        f"{rows} table rows; xlsx {len(xlsx) / 1e3:.0f} kB, html {len(page) / 1e3:.0f} kB "
        f"(median of {args.repeat} runs)"
    )
    print(f"{'step':<46}{'seconds':>9}{'× read':>9}{'× bare xlsx':>13}")
    for label, seconds in (
        ("reference: read the dataset from the store", t_read),
        ("reference: bare openpyxl workbook, same rows", t_bare),
        ("health engine: analyse(dataset)", t_analyse),
        ("build_closing_pack (runs analyse)", t_build),
        ("build_closing_pack with the page's report", t_cached),
        ("pack_to_xlsx_bytes", t_xlsx),
        ("pack_to_html", t_html),
        ("end to end: read + build + xlsx + html", end_to_end),
    ):
        print(f"{label:<46}{seconds:>9.3f}{seconds / t_read:>9.1f}{seconds / t_bare:>13.1f}")
    verdict = "within" if end_to_end < TARGET_SECONDS else "OVER"
    print(f"end to end {end_to_end:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
