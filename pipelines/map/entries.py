"""What a mapping file says beyond "this column feeds that one", applied to a source.

- `level = { value = "team" }`: a constant, as a column of its own, parsed like any other.
- `[key_results.values.kr_type]`: source words replaced by canonical ones before parsing
  (`metric = "increase"`); a word the map does not name is left as it is.
- `archived = "deleted_at"`: a date or timestamp in an archived column means archived (a
  database's soft-delete column), as `true` does.
- A second source of a table that only adds columns to rows of another (Puzzle's `alignment`
  rows giving objectives their parents) is merged into them by the table's key.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.map.hierarchy import missing
from pipelines.map.mapping import SourceMapping
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable
from pipelines.store.schema import TABLES_BY_NAME

FLAG_WORDS = {"true", "false", "yes", "no", "y", "n", "1", "0", "x", "t", "f", "archived", ""}
DATE_LIKE = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?\s*$"
)
CONSTANT_LETTER = "constant"


def with_entries(source: SourceTable, m: SourceMapping) -> tuple[SourceTable, dict[str, str]]:
    """The source with constants as columns and value maps applied, and the columns to load."""
    if not (m.constants or m.values or any(k.endswith(".archived") for k in m.columns)):
        return source, m.columns
    data = source.data.copy()
    letters = dict(source.letters)
    columns = dict(m.columns)
    for name, value in m.constants.items():
        header = f"{name.split('.', 1)[1]} = {value}"
        data[header] = value
        letters[header] = CONSTANT_LETTER
        columns[name] = header
    for name, header in m.columns.items():
        pairs = m.values.get(name)
        if pairs:
            lookup = {k.strip().casefold(): v for k, v in pairs.items()}
            mapped = data[header].map(
                lambda v, lk=lookup: lk.get(str(v).strip().casefold(), v) if _given(v) else v
            )
            columns[name] = _add(data, letters, f"{header} → {name.split('.', 1)[1]}", mapped,
                                 letters[header])  # fmt: skip
        if name.endswith(".archived"):
            cells = data[columns[name]]
            dated = {v: _date_like(v) for v in cells.dropna().unique()}  # a few distinct
            if not any(dated.values()) and isinstance(cells.array, pd.arrays.ArrowStringArray):
                continue  # no date: the column as it is (text stays text through a map)
            stamped = cells.map(lambda v, d=dated: "true" if d.get(v, False) else v)
            if not stamped.equals(cells):
                columns[name] = _add(data, letters, f"{header} (a date: archived)", stamped,
                                     letters[header])  # fmt: skip
    copy = SourceTable(
        source.file, source.sheet, data, letters, source.header_row, source.decimal_hint,
        source.role, source.part, source.records,
    )  # fmt: skip
    copy.struck = source.struck
    return copy, columns


def _add(
    data: pd.DataFrame, letters: dict[str, str], header: str, values: pd.Series, letter: str
) -> str:
    data[header] = values
    letters[header] = letter
    return header


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def _date_like(value: object) -> bool:
    if isinstance(value, pd.Timestamp):
        return True
    if not _given(value):
        return False
    text = str(value).strip()
    return text.casefold() not in FLAG_WORDS and bool(DATE_LIKE.match(text))


def is_supplement(m: SourceMapping, role: str, others: int) -> bool:
    """A source giving only extra columns of rows another source of its table defines: it maps
    the table's key but not every required column, and another source of the table exists."""
    if role not in TABLES_BY_NAME or not others:
        return False
    key = TABLES_BY_NAME[role].key
    required = [f"{role}.{c}" for c in TABLES_BY_NAME[role].required]
    return (
        bool(key)
        and all(f"{role}.{k}" in m.columns for k in key)
        and any(f not in m.columns for f in required)
    )


def merge_supplements(
    table: str, frame: pd.DataFrame, supplements: list[pd.DataFrame], problems: list[Problem],
    sources: dict[str, SourceTable],
) -> pd.DataFrame:  # fmt: skip
    """Fill the columns supplements give into the rows of the same key (first value wins over
    an empty cell; a key no source defines is an error located at the supplement's row)."""
    if not supplements:
        return frame
    key = TABLES_BY_NAME[table].key[0]
    frame = frame.copy()
    position = {v: i for i, v in enumerate(frame[key])}
    for extra in supplements:
        for _, row in extra.iterrows():
            at = position.get(row[key])
            if at is None:
                source = sources.get(str(row["_source"]))
                file, sheet = (source.file, source.sheet) if source else (str(row["_source"]), None)
                message = f'{key} "{row[key]}" is not in any other source of {table}'
                problems.append(Problem(file, sheet, int(row["_row"]), key, message))
                continue
            for column in extra.columns:
                if column in (key, "_source", "_row") or not _given(row[column]):
                    continue
                label = frame.index[at]
                if missing(frame.at[label, column]):
                    frame.at[label, column] = row[column]
    return frame


def shared_range_columns(typed: pd.DataFrame, m: SourceMapping) -> pd.DataFrame:
    """Bounds read from the start and target columns (`range_low = "baseline_value"`, one source
    column feeding two fields) count only for range key results, lower bound first."""
    low, high = "key_results.range_low", "key_results.range_high"
    ends = {m.columns.get("key_results.start_value"), m.columns.get("key_results.target_value")}
    if (
        low not in typed
        or high not in typed
        or not {m.columns.get(low), m.columns.get(high)} & (ends - {None})
    ):
        return typed
    typed = typed.copy()
    is_range = typed.get("key_results.kr_type", pd.Series(pd.NA, index=typed.index)).eq("range")
    is_range = is_range.fillna(False).astype(bool)
    a, b = typed[low].astype("float64"), typed[high].astype("float64")
    typed[low] = a.where(a <= b, b).where(is_range)
    typed[high] = b.where(a <= b, a).where(is_range)
    return typed
