"""A quarter of weekly snapshot files, as a team saves its OKR sheet every Monday, loaded
with the product's own ingest (one import per week, dated by the file's name).

`quarter(planted)` gives the rows of each week of 2026-Q4 for three objectives and seven key
results that move steadily; `planted=True` plants one goalpost pattern on each key result
(docs/metrics.md, "Goalposts that moved"), `planted=False` is the control where nothing but
the values moves. Shared by the goalpost metric, page and pack tests.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from pipelines.ingest import ingest_snapshot_paths

HEADER = ["Quarter", "Team", "Objective ID", "Objective", "KR ID", "Key Result", "Owner",
          "Start", "Target", "Current", "Confidence", "Last updated", "Archived"]  # fmt: skip
FIRST_WEEK = date(2026, 10, 5)
WEEKS = [FIRST_WEEK + timedelta(weeks=i) for i in range(13)]  # 5 Oct … 28 Dec 2026
EASED_WEEK, RESCOPED_WEEK, DROPPED_WEEK = WEEKS[3], WEEKS[4], WEEKS[5]  # 26 Oct, 2 Nov, 9 Nov


@dataclass(frozen=True)
class Row:
    objective_id: str
    objective: str
    kr_id: str
    title: str
    owner: str
    start: float
    target: float
    current: float
    confidence: float
    updated: date
    archived: bool = False
    team: str = "Sales"


def _week_rows(i: int, day: date, planted: bool) -> list[Row]:
    """The sheet as saved on `day`, the `i`-th Monday of the quarter."""
    varied = 0.5 + 0.05 * (i % 4)  # a confidence people do revise
    o2 = "Ship a smaller app" if planted and day >= RESCOPED_WEEK else "Ship the app"
    rows = [
        Row("O1", "Grow revenue", "K1", "Revenue to 100k", "Ann", 0, 100, 6 * (i + 1), varied,
            day),
        Row("O1", "Grow revenue", "K2", "Leads from 50 to 150", "Ann", 50, 150, 50 + 6 * (i + 1),
            varied, day),
        Row("O2", o2, "K3", "Cut open bugs from 40 to 10", "Bob", 40, 10, 40 - 2 * (i + 1),
            varied, day),
        Row("O2", o2, "K4", "Signups to 1000", "Bob", 0, 1000, 20, varied, WEEKS[0]),
        Row("O3", "Grow the partner network", "K5", "NPS from 30 to 50", "Cara", 30, 50, 31,
            varied, WEEKS[0]),
        Row("O3", "Grow the partner network", "K6", "Partners to 10", "Cara", 0, 10,
            min(1 + 0.5 * i, 10), varied, day),
        Row("O3", "Grow the partner network", "K7", "Guides to 20", "Cara", 0, 20, i + 1,
            varied, day),
    ]  # fmt: skip
    if not planted:
        return rows
    out = []
    for row in rows:
        if row.kr_id == "K1" and day >= EASED_WEEK:
            row = replace(row, target=70)  # target eased
        elif row.kr_id == "K2" and day >= EASED_WEEK:
            row = replace(row, start=20)  # baseline moved down (an increase)
        elif row.kr_id == "K3" and day >= EASED_WEEK:
            row = replace(row, target=20)  # target raised (a decrease)
        elif row.kr_id == "K4" and day >= DROPPED_WEEK:
            continue  # deleted while at risk
        elif row.kr_id == "K5" and day >= DROPPED_WEEK:
            row = replace(row, archived=True)  # archived while at risk
        elif row.kr_id == "K6":  # silent from the first week, then a jump in the last one
            late = day == WEEKS[-1]
            row = replace(row, current=7 if late else 1, updated=day if late else WEEKS[0])
        elif row.kr_id == "K7":
            row = replace(row, confidence=0.8)  # never revised
        out.append(row)
    return out


def quarter(planted: bool) -> dict[date, list[Row]]:
    """Every week's rows of 2026-Q4 (see the module docstring)."""
    return {day: _week_rows(i, day, planted) for i, day in enumerate(WEEKS)}


def write_week(folder: Path, day: date, rows: list[Row]) -> Path:
    path = folder / f"okrs-{day:%Y-%m-%d}.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for r in rows:
            writer.writerow(["2026-Q4", r.team, r.objective_id, r.objective, r.kr_id, r.title,
                             r.owner, r.start, r.target, r.current, r.confidence,
                             f"{r.updated:%Y-%m-%d}", "yes" if r.archived else ""])  # fmt: skip
    return path


def import_weeks(folder: Path, weeks: dict[date, list[Row]]) -> Path:
    """Write each week's file and import them week by week into `folder/okrs.duckdb`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [write_week(folder, day, rows) for day, rows in weeks.items()]
    db = folder / "okrs.duckdb"
    reports = ingest_snapshot_paths(files, db)
    assert [r.outcome for r in reports] == ["loaded"] * len(files), [
        [str(p) for p in r.problems] for r in reports
    ]
    return db
