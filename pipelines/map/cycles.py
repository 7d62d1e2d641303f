"""Where a flat sheet's cycle comes from when it has no cycle column (rules in
docs/ingestion.md, "Where the cycle comes from").

In order: the sheet's name, the title rows above its header, the file's name (`FY26-Q4`,
`Q3 FY26`, `T3 2026`, `H1 2025`, `2025-Q2`, `Q2_2025`, `FY2026`, `2024`), period dates
(`Period start`/`Period end` columns: the quarter, half or year they span), the cycle the
person named (`okr-health ingest --cycle`, the Data page), and last a guess: the quarter of
the file's date, else the current quarter, said as a warning at the top of the report. A JSON
document's keys name cycles too (`pipelines.map.tree`); a cycle column always wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.map.canonical import to_table
from pipelines.map.cycle_hints import CycleHints
from pipelines.map.derive import cycle_in_name
from pipelines.map.synonyms import normalise_header
from pipelines.read.sources import SourceTable

PERIOD_START = ("period start", "period start date", "cycle start", "cycle start date",
                "quarter start", "start of period", "period from", "periodo inicio",
                "inicio del periodo", "fecha inicio periodo")  # fmt: skip
PERIOD_END = ("period end", "period end date", "cycle end", "cycle end date", "quarter end",
              "end of period", "period to", "periodo fin", "fin del periodo",
              "fecha fin periodo")  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A cycle for every row, how it was found (for the report), and whether it is a guess."""

    cycles: pd.Series
    message: str
    guessed: bool = False
    dates: pd.DataFrame | None = None  # cycle_id, start_date, end_date from period columns
    columns: tuple[str, ...] = ()  # the source columns read (period start and end)


def quarter_of(day: date) -> str:
    """`2026-Q4` for any day of October to December 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def find_cycle(source: SourceTable, rows: pd.DataFrame, hints: CycleHints | None) -> Found:
    """The cycle of a sheet without a cycle column (see the module), one value per row."""
    hints = hints or CycleHints()

    def every(cycle: str) -> pd.Series:
        return pd.Series(cycle, index=rows.index, dtype="str")

    label = source.label
    if source.sheet:
        named = cycle_in_name(source.sheet)
        if named:
            return Found(every(named), f"{label}: no cycle column; cycle {named!r} from the name")
    for title in hints.titles.get(source.file, []):
        named = cycle_in_name(title)
        if named:
            message = f"{label}: no cycle column; cycle {named!r} from the title row {title!r}"
            return Found(every(named), message)
    named = cycle_in_name(Path(source.file).stem)
    if named:
        return Found(every(named), f"{label}: no cycle column; cycle {named!r} from the name")
    period = period_cycles(source, rows)
    if period is not None:
        return period
    if hints.given:
        message = f"{label}: no cycle in the file; loaded into {hints.given!r}, the cycle named"
        return Found(every(hints.given), message)
    if hints.day is not None:
        cycle = quarter_of(hints.day)
        why = f"the quarter of the file's date, {hints.day:%d %b %Y}"
    else:
        cycle = quarter_of(hints.today or date.today())
        why = "the current quarter"
    line = f"no cycle found in the file: loaded into {cycle} ({why}); pass --cycle to name it"
    return Found(every(cycle), line, guessed=True)


def _column(source: SourceTable, names: tuple[str, ...]) -> str | None:
    wanted = {normalise_header(n) for n in names}
    return next((h for h in source.headers if normalise_header(h) in wanted), None)


def period_cycles(
    source: SourceTable, rows: pd.DataFrame, named: pd.Series | None = None
) -> Found | None:
    """Cycles from `Period start`/`Period end` columns: named after the quarter, half or year
    the dates span (`2025-Q3`), else after the dates themselves; with those dates. With a
    cycle column (`named`), its cycles take their dates from these columns."""
    start_col, end_col = _column(source, PERIOD_START), _column(source, PERIOD_END)
    if start_col is None or end_col is None:
        return None
    raw = source.data.reindex(rows["_row"].to_numpy()) if "_row" in rows else source.data
    starts = pd.to_datetime(raw[start_col], errors="coerce", format="mixed")
    ends = pd.to_datetime(raw[end_col], errors="coerce", format="mixed")
    if starts.isna().all() or ends.isna().all():
        return None
    if named is not None:
        cycles = named
    else:
        names = [_span_name(s, e) for s, e in zip(starts, ends, strict=True)]
        cycles = pd.Series(names, index=rows.index, dtype="str").ffill()
    dates = (
        pd.DataFrame(
            {
                "cycle_id": cycles.to_numpy(),
                "start_date": starts.to_numpy(),
                "end_date": ends.to_numpy(),
            }
        )
        .dropna()
        .drop_duplicates("cycle_id")
    )
    listed = ", ".join(dates["cycle_id"].head(5))
    columns = f"{start_col!r} and {end_col!r}"
    message = (
        f"{source.label}: dates of cycles {listed} from {columns}"
        if named is not None
        else f"{source.label}: no cycle column; cycles from {columns}: {listed}"
    )
    return Found(cycles, message, dates=dates, columns=(start_col, end_col))


def _span_name(start: object, end: object) -> str | None:
    """`2025-Q3` for 1 Jul–30 Sep 2025, `2025-H1`, `2025`; else `2025-02-01 – 2025-04-30`."""
    if not isinstance(start, pd.Timestamp) or not isinstance(end, pd.Timestamp):
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    whole = start.day == 1 and (end + pd.Timedelta(days=1)).day == 1
    if whole and start.year == end.year:
        if months == 3 and start.month % 3 == 1:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if months == 6 and start.month in (1, 7):
            return f"{start.year}-H{1 if start.month == 1 else 2}"
        if months == 12:
            return f"{start.year}"
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def period_table(dates: pd.DataFrame, label: str, row: int) -> pd.DataFrame:
    """The cycles that period columns name, as a canonical cycles table (located at `row`)."""
    frame = pd.DataFrame(
        {
            "cycles.cycle_id": dates["cycle_id"].astype("str").to_numpy(),
            "cycles.name": dates["cycle_id"].astype("str").to_numpy(),
            "cycles.start_date": pd.to_datetime(dates["start_date"]).dt.normalize().to_numpy(),
            "cycles.end_date": pd.to_datetime(dates["end_date"]).dt.normalize().to_numpy(),
            "_source": label,
            "_row": row,
        }
    )
    return to_table(frame, "cycles")
