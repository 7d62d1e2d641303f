"""Cell values as people type them (SPEC §4), parsed a whole column at a time.

Every parser takes one source column (text from a CSV, or typed cells from a workbook) and
returns a `Parsed`: the values, a per-row error message (missing where the cell was fine), a
per-row warning, and a note on what was decided for the column (decimal separator, score
scale, day/month order). Decisions are made per column from all its values, never per cell,
so `1.234` cannot mean 1.234 on one row and 1234 on the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipelines.dates import parse_dates

MILESTONE_WORDS = {
    **dict.fromkeys(("done", "yes", "y", "true", "x", "✓", "✔", "complete", "completed"), 1.0),
    **dict.fromkeys(("no", "n", "false", "open", "not done", "todo", "to do", "pending"), 0.0),
}
ZONE_WORDS = {"fail": 0.0, "commit": 0.3, "target": 0.7, "stretch": 1.0}
SCALED_KINDS = ("score", "confidence")
_STRIP = r"[\s\u00a0\u202f'’$€£¥]"
_AMBIGUOUS = r"-?[1-9]\d{0,2}[.,]\d{3}"  # 1.234 or 1,234: a decimal or a thousands separator
_COMMA_DECIMAL = (r"-?\d{1,3}(\.\d{3})+,\d*", r"-?\d{1,3}(\.\d{3}){2,}", r"-?\d*,\d+")
_DOT_DECIMAL = (r"-?\d{1,3}(,\d{3})+\.\d*", r"-?\d{1,3}(,\d{3}){2,}", r"-?\d*\.\d+")


@dataclass
class Parsed:
    values: pd.Series
    errors: pd.Series  # message per row, missing where the cell was read
    warnings: pd.Series = field(default_factory=lambda: pd.Series(dtype="str"))
    note: str | None = None


def text_cells(column: pd.Series) -> pd.Series:
    """The cells that hold text, stripped, with empty text as missing (others missing too)."""
    if pd.api.types.is_string_dtype(column) and column.dtype != object:
        text = column
    elif column.dtype == object:
        text = column.where(column.map(lambda v: isinstance(v, str))).astype("str")
    else:
        return pd.Series(pd.NA, index=column.index, dtype="str")
    text = text.str.strip()
    return text.where(text != "")


def typed_cells(column: pd.Series) -> pd.Series:
    """The cells a workbook stored as numbers, booleans or dates (missing elsewhere)."""
    if column.dtype == object:
        return column.where(column.map(lambda v: not isinstance(v, str) and v is not None))
    if pd.api.types.is_string_dtype(column):
        return pd.Series(np.nan, index=column.index)
    return column


def _messages(text: pd.Series, mask: pd.Series, template: str) -> pd.Series:
    """Per-row messages `template` with {} replaced by the quoted cell text, where mask."""
    before, after = template.split("{}")
    out = (before + '"' + text.fillna("") + '"' + after).astype("str")
    return out.where(mask.fillna(False).astype(bool))


def _no_messages(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="str")


def parse_text(column: pd.Series) -> Parsed:
    """Text as written; workbook numbers that are whole print without '.0' (ids like 101)."""
    text = text_cells(column)
    typed = typed_cells(column)
    if typed.notna().any():
        as_text = typed.map(_typed_text, na_action="ignore").astype("str")
        text = text.fillna(as_text)
    return Parsed(text, _no_messages(column.index))


def _typed_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).isoformat().removesuffix("T00:00:00")  # type: ignore[arg-type]
    return str(value)


@dataclass
class Separator:
    decimal: str  # "." or ","
    contradicts: pd.Series  # cells written with the other convention
    guessed: pd.Series  # cells like 1.234 read by the fallback, when nothing decided


def decimal_separator(core: pd.Series, hint: str | None) -> Separator:
    """The column's decimal separator, decided from all its values.

    Evidence: `1.234,5`, `0,7`, `1.234.567` say comma; `1,234.5`, `0.7`, `1,234,567` say dot.
    `1.234` or `1,234` alone say nothing; with no evidence at all the hint (a semicolon-separated
    file writes decimal commas) or else the dot decides, and those cells are `guessed`.
    """
    ambiguous = core.str.fullmatch(_AMBIGUOUS).fillna(False).astype(bool)
    comma = _any_match(core, _COMMA_DECIMAL) & ~ambiguous
    dot = _any_match(core, _DOT_DECIMAL) & ~ambiguous
    n_comma, n_dot = int(comma.sum()), int(dot.sum())
    none = pd.Series(False, index=core.index)
    if n_comma or n_dot:
        sep = "," if n_comma > n_dot or (n_comma == n_dot and hint == ",") else "."
        return Separator(sep, dot if sep == "," else comma, none)
    return Separator(hint or ".", none, ambiguous)


def _any_match(text: pd.Series, patterns: tuple[str, ...]) -> pd.Series:
    out = pd.Series(False, index=text.index)
    for pattern in patterns:
        out |= text.str.fullmatch(pattern).fillna(False).astype(bool)
    return out


def parse_number(column: pd.Series, kind: str = "number", hint: str | None = None) -> Parsed:
    """Numbers with percent signs, decimal commas or thousands separators, per column.

    kind: "number"; "value" also reads milestone words (done/yes/true/x → 1, no/false/open → 0);
    "score" also reads zone words (Fail/Commit/Target/Stretch → 0/0.3/0.7/1) and normalises
    0–10 and 0–100 scales to 0–1; "confidence" normalises 1–10 and percent to 0–1.
    """
    text = text_cells(column)
    words = {"value": MILESTONE_WORDS, "score": ZONE_WORDS}.get(kind, {})
    from_words = text.str.lower().map(words).astype("float64")
    percent = text.str.endswith("%").fillna(False).astype(bool)
    core = text.str.replace(_STRIP, "", regex=True).str.removesuffix("%").str.removeprefix("+")
    sep = decimal_separator(core, hint)
    if sep.decimal == ",":
        core = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        core = core.str.replace(",", "", regex=False)
    values = pd.to_numeric(core, errors="coerce").astype("float64")
    values = from_words.fillna(values.where(~percent, values / 100))
    typed, typed_bad = _typed_numbers(column)
    values = values.fillna(typed)
    what = {"value": "a number (or done/not done)", "score": "a score"}.get(kind, "a number")
    errors = _messages(text, text.notna() & values.isna(), "{} is not " + what)
    example = "1.234,5" if sep.decimal == "," else "1,234.5"
    errors = errors.fillna(
        _messages(text, sep.contradicts, "{} mixes number formats: this column writes " + example)
    )
    errors = errors.fillna(_messages(parse_text(column).values, typed_bad, "{} is not " + what))
    values = values.where(~sep.contradicts)
    warnings = _no_messages(column.index)
    if sep.guessed.any():
        first = sep.guessed.idxmax()
        meaning = "a thousands separator" if sep.decimal == "," else "the decimal point"
        warnings.loc[first] = (
            f'"{text[first]}" read as {values[first]:g} ({meaning}); no value in this column '
            f"shows which separator is decimal ({int(sep.guessed.sum())} value(s) read this way)"
        )
    note = None
    if kind in SCALED_KINDS:
        values, note = _normalise_scale(values, percent | from_words.notna())
    return Parsed(values, errors, warnings, note)


def _typed_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers (and booleans as 1/0) a workbook stored as such; and typed cells that are not."""
    typed = typed_cells(column)
    if pd.api.types.is_numeric_dtype(typed):
        return typed.astype("float64"), pd.Series(False, index=column.index)
    numbers = typed.map(
        lambda v: float(v) if isinstance(v, int | float | np.number) else np.nan,
        na_action="ignore",
    )
    numbers = pd.to_numeric(numbers, errors="coerce").astype("float64")
    return numbers, typed.notna() & numbers.isna()


def _normalise_scale(values: pd.Series, fixed: pd.Series) -> tuple[pd.Series, str | None]:
    """Divide by 10 or 100 when the column's plain numbers run on a 0–10 or 0–100 scale."""
    plain = values[~fixed.astype(bool)].dropna()
    top = plain.abs().max() if not plain.empty else 0.0
    scale = 1.0 if top <= 1 else 10.0 if top <= 10 else 100.0 if top <= 100 else 1.0
    if scale == 1.0:
        return values, None
    scaled = values.where(fixed.astype(bool), values / scale)
    return scaled, f"read on a 0–{scale:g} scale (largest value {top:g})"


def parse_choice(column: pd.Series, vocabulary: dict[str, str], what: str) -> Parsed:
    """A word from a fixed vocabulary (case and spacing insensitive), e.g. a key-result type."""
    text = parse_text(column).values
    key = text.str.lower().str.replace(r"[\s_\-/]+", " ", regex=True)
    values = key.map(vocabulary).astype("str")
    bad = text.notna() & values.isna()
    allowed = ", ".join(sorted(set(vocabulary.values())))
    return Parsed(values, _messages(text, bad, "{} is not " + what + f" ({allowed})"))


def parse_date(column: pd.Series, with_time: bool = False) -> Parsed:
    """Dates typed, ISO text, Excel serial numbers or d/m/y text (order decided per column)."""
    text = text_cells(column)
    typed = typed_cells(column)
    values, errors, warnings, note = parse_dates(text, typed)
    if not with_time:
        values = values.dt.normalize()
    return Parsed(values, errors, warnings, note)
