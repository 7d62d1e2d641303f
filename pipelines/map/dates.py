"""Dates as spreadsheets hold them: typed cells, Excel serial numbers, ISO text and d/m/y text.

The order of day and month in `03/04/2025` is decided per column: a value with a first part
above 12 makes the whole column day-first, one with a second part above 12 month-first, and
dots (`03.04.2025`) are day-first by convention. When nothing in the column decides, the
date is read day-first and every row where it matters gets a warning.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.arrow import no_text, value_bytes

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_RANGE = (18264, 73051)  # 1950-01-01 … 2100-01-01: numbers outside are not dates
_ISO = (  # [0-9] rather than \d keeps the match in pyarrow on large columns
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"  # Postgres writes +00
)
_UNIFORM_ISO = {  # cell width → the pattern every cell of such a column matches
    10: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    19: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
}
_YMD = r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})"
_DMY = (
    r"(\d{1,2})([./-])(\d{1,2})[./-](\d{2}|\d{4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


def _quoted(text: pd.Series, mask: pd.Series, message: str) -> pd.Series:
    out = no_text(text.index)
    mask = mask.fillna(False).astype(bool)
    if mask.any():
        out[mask] = '"' + text[mask].fillna("") + '" ' + message
    return out


def from_serial(numbers: pd.Series) -> pd.Series:
    """Excel serial day numbers (with fractions for the time) as timestamps; others missing."""
    ok = numbers.between(*SERIAL_RANGE)
    return (EXCEL_EPOCH + pd.to_timedelta(numbers.where(ok), unit="D")).astype("datetime64[us]")


def _cell_text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _typed_dates(typed: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Typed workbook cells as timestamps, and a mask of cells that are neither date nor number."""
    if pd.api.types.is_datetime64_any_dtype(typed):
        return typed.astype("datetime64[us]"), pd.Series(False, index=typed.index)
    if pd.api.types.is_numeric_dtype(typed) and not pd.api.types.is_bool_dtype(typed):
        values = from_serial(typed.astype("float64"))
        return values, typed.notna() & values.isna()
    is_date = typed.map(lambda v: isinstance(v, dt.date), na_action="ignore").fillna(False)
    is_num = typed.map(
        lambda v: isinstance(v, int | float) and not isinstance(v, bool), na_action="ignore"
    ).fillna(False)
    dates = pd.to_datetime(typed.where(is_date.astype(bool)), errors="coerce")
    serials = from_serial(pd.to_numeric(typed.where(is_num.astype(bool)), errors="coerce"))
    values = dates.astype("datetime64[us]").fillna(serials)
    return values, typed.notna() & values.isna()


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series, *time: pd.Series) -> pd.Series:
    year = year.where(year >= 100, year + np.where(year < 70, 2000, 1900))
    parts = {"year": year, "month": month, "day": day}
    for name, values in zip(("hour", "minute", "second"), time, strict=False):
        parts[name] = values.fillna(0)
    frame = pd.DataFrame(parts).astype("float64")
    valid = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    if valid.any():
        out[valid] = pd.to_datetime(frame[valid], errors="coerce").astype("datetime64[us]")
    return out


def _day_month(text: pd.Series) -> tuple[pd.Series, pd.Series, str | None]:
    """d/m/y or m/d/y text: the timestamps, per-row ambiguity warnings and the column's order."""
    parts = text.str.extract(f"^{_DMY}$")
    matched = parts[0].notna()
    empty = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    no_warnings = no_text(text.index)
    if not matched.any():
        return empty, no_warnings, None
    first, second = (pd.to_numeric(parts[i], errors="coerce") for i in (0, 2))
    year = pd.to_numeric(parts[3], errors="coerce")
    time = [pd.to_numeric(parts[i], errors="coerce") for i in (4, 5, 6)]
    dotted = parts[1] == "."
    day_first = int(((first > 12) | dotted).sum())
    month_first = int((second > 12).sum())
    if month_first > day_first:
        order, day, month = "month first", second, first
    else:
        order, day, month = "day first", first, second
    values = _from_parts(year, month, day, *time)
    undecided = day_first == 0 and month_first == 0
    ambiguous = matched & undecided & (first != second) & values.notna()
    readable = values.dt.day.astype("Int64").astype("str") + " " + values.dt.month_name()
    readable = readable + " " + values.dt.year.astype("Int64").astype("str")
    warnings = (
        'ambiguous date "'
        + text.fillna("")
        + '": read as '
        + readable.fillna("")
        + " (day first); no date in this column has a day above 12"
    ).where(ambiguous)
    return values, warnings.astype("str"), order


def _uniform_iso(text: pd.Series) -> pd.Series | None:
    """Timestamps of a column whose every cell is written `2026-10-01`, or every cell
    `2026-10-01T09:30:00` (as exports and our own files write them), parsed by pyarrow in one
    pass; None for any other mix, or when a date does not exist (`2026-02-30`)."""
    if not isinstance(text.array, pd.arrays.ArrowStringArray):
        return None
    cells = text.array.__arrow_array__()
    if cells.null_count == len(cells):
        return None
    lengths = pc.min_max(pc.utf8_length(cells))
    width = lengths["min"].as_py()
    if width != lengths["max"].as_py() or width not in _UNIFORM_ISO:
        return None
    if (
        not _fixed_iso(cells, width)
        and not pc.all(
            pc.match_substring_regex(cells, _UNIFORM_ISO[width]), skip_nulls=True
        ).as_py()
    ):
        return None
    try:  # Arrow's ISO 8601 cast, strict about the calendar
        parsed = cells.cast(pa.timestamp("us"))
    except pa.ArrowInvalid:
        return None  # a date that does not exist: the general path names it
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index).astype(
        "datetime64[us]"
    )


_ISO_SHAPE = {  # cell width → (position, character) of every character that is no digit
    10: ((4, "-"), (7, "-")),
    19: ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")),
}


def _fixed_iso(cells: pa.ChunkedArray, width: int) -> bool:
    """`_UNIFORM_ISO[width]` checked on the bytes at once: with no cell missing and every
    cell `width` bytes, the values are rows of a (cells × width) byte matrix."""
    if cells.null_count:
        return False
    parts = value_bytes(cells)
    if parts is None:
        return False
    for part in parts:
        if len(part) % width:
            return False
        grid = part.reshape(-1, width)
        digits = np.ones(width, dtype=bool)
        for position, char in _ISO_SHAPE[width]:
            digits[position] = False
            if not (grid[:, position] == ord(char)).all():
                return False
        block = grid[:, digits]
        if not ((block >= ord("0")) & (block <= ord("9"))).all():
            return False
    return True


def _text_dates(text: pd.Series) -> tuple[pd.Series, pd.Series, str | None]:
    """Non-empty date text: ISO first (the fast path), then the other spellings on the rest."""
    uniform = _uniform_iso(text)
    if uniform is not None:
        return uniform, no_text(text.index), None
    values = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    warnings = no_text(text.index)
    iso = text.str.fullmatch(_ISO).fillna(False).astype(bool)
    if iso.any():
        parsed = pd.to_datetime(text[iso], format="ISO8601", utc=True, errors="coerce")
        values[iso] = parsed.dt.tz_localize(None).astype("datetime64[us]")
    rest = values.isna()
    if not rest.any():
        return values, warnings, None
    sub = text[rest]
    ymd = sub.str.extract(f"^{_YMD}$").apply(pd.to_numeric, errors="coerce")
    found = _from_parts(ymd[0], ymd[1], ymd[2])
    serial = pd.to_numeric(sub.where(sub.str.fullmatch(r"[0-9]+(\.[0-9]+)?")), errors="coerce")
    found = found.fillna(from_serial(serial))
    dmy, sub_warnings, order = _day_month(sub.where(found.isna()))
    found = found.fillna(dmy)
    named = found.isna() & sub.str.contains("[A-Za-z]", regex=True)
    if named.any():
        words = pd.to_datetime(sub[named], format="mixed", dayfirst=True, errors="coerce")
        found[named] = words.astype("datetime64[us]")
    values[rest] = found
    warnings[rest] = sub_warnings
    note = f"dates read {order}" if order and sub_warnings.isna().all() else None
    return values, warnings, note


def parse_dates(
    text: pd.Series, typed: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series, str | None]:
    """(timestamps, errors, warnings, note) for one column of text and typed cells."""
    values = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    typed_bad = pd.Series(False, index=text.index)
    if typed.notna().any():
        values, typed_bad = _typed_dates(typed)
    warnings = no_text(text.index)
    note = None
    todo = text.notna()
    if len(text) and todo.all():  # every cell is text (a CSV column): none typed to keep
        values, warnings, note = _text_dates(text)
    elif todo.any():
        found, found_warnings, note = _text_dates(text[todo])
        values[todo] = found
        warnings[todo] = found_warnings
    errors = _quoted(text, todo & values.isna(), "is not a date")
    if typed_bad.any():
        typed_text = typed.map(_cell_text, na_action="ignore").astype("str")
        errors = errors.fillna(_quoted(typed_text, typed_bad, "is not a date"))
    return values.astype("datetime64[us]"), errors, warnings, note
