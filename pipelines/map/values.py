"""Cell values as people type them (docs/ingestion.md, "Values as people type them"), parsed a
whole column at a time.

Every parser takes one source column (text from a CSV, or typed cells from a workbook) and
returns a `Parsed`: the values, a per-row error message (missing where the cell was fine), a
per-row warning, and a note on what was decided for the column (decimal separator, score
scale, day/month order). Decisions are made per column from all its values, never per cell,
so `1.234` cannot mean 1.234 on one row and 1234 on the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.arrow import distinct_codes, no_text, only_bytes, spread, untrimmed
from pipelines.map.dates import parse_dates
from pipelines.map.units import strip_units

MILESTONE_WORDS = {
    **dict.fromkeys(("done", "yes", "y", "true", "x", "✓", "✔", "complete", "completed",
                     "[x]", "☑", "☒", "✅", "[✓]"), 1.0),
    **dict.fromkeys(("no", "n", "false", "open", "not done", "todo", "to do", "pending", "[ ]",
                     "[]", "☐"), 0.0),
}  # fmt: skip
# Yes/no cells, and the lifecycle words a source writes in an "archived" or "deleted" column.
FLAG_WORDS = {
    **dict.fromkeys(("yes", "y", "true", "x", "1", "1.0", "✓", "✔", "archived", "deleted",
                     "draft", "cancelled", "canceled", "inactive"), True),
    **dict.fromkeys(("no", "n", "false", "0", "0.0", "-", "active", "live", "open"), False),
}  # fmt: skip
ZONE_WORDS = {"fail": 0.0, "commit": 0.3, "target": 0.7, "stretch": 1.0}
NOT_GRADED = ["n/a", "na", "n.a.", "-", "–", "—", "tbd", "not graded", "ungraded", "none"]
SCALED_KINDS = ("score", "confidence", "progress")
# Patterns stay ASCII with [0-9] rather than \d so pyarrow runs them, not Python's re.
_STRIP_ASCII = r"[ \t'$+]"
_STRIP_OTHER = "[\u00a0\u202f’€£¥]"
_AMBIGUOUS = r"-?[1-9][0-9]{0,2}[.,][0-9]{3}"  # 1.234 or 1,234: decimal or thousands separator
_DOT_THEN_COMMA = r"-?[0-9]{1,3}(\.[0-9]{3})+,[0-9]*"  # 1.234,5
_COMMA_THEN_DOT = r"-?[0-9]{1,3}(,[0-9]{3})+\.[0-9]*"  # 1,234.5
_PLAIN = r"^-?[0-9]+(\.[0-9]+)?$"  # 12, -3, 0.65, 19200000.0
_AMBIGUOUS_ALL = "^" + _AMBIGUOUS + "$"
SAMPLE_ROWS = 4096


@dataclass
class Parsed:
    values: pd.Series
    errors: pd.Series  # message per row, missing where the cell was read
    warnings: pd.Series = field(default_factory=lambda: pd.Series(dtype="str"))
    note: str | None = None


def text_cells(column: pd.Series) -> pd.Series:
    """The cells that hold text, stripped, with empty text as missing (others missing too)."""
    if isinstance(column.array, pd.arrays.ArrowStringArray):
        return _arrow_text_cells(column)
    if pd.api.types.is_string_dtype(column) and column.dtype != object:
        text = column
    elif column.dtype == object:
        text = column.where(column.map(lambda v: isinstance(v, str))).astype("str")
    else:
        return no_text(column.index)
    text = text.str.strip()
    return text.where(text != "")


def _arrow_text_cells(column: pd.Series) -> pd.Series:
    """`text_cells` of a column pandas keeps in Arrow, computed on the Arrow array itself:
    the same kernels as `.str.strip()` and `.where(text != "")`, without pandas' passes."""
    cells = column.array.__arrow_array__()
    if cells.null_count < len(cells) and not pc.max(pc.binary_length(cells)).as_py():
        nothing = pa.nulls(len(cells), pa.large_string())  # only empty text: an unused column
        return pd.Series(pd.array(nothing, dtype=column.dtype), index=column.index)
    if not untrimmed(cells):  # ids, dates and numbers as exports write them: nothing to trim
        cells = pc.utf8_trim_whitespace(cells)
    empty = pc.equal(cells, "")
    if pc.any(empty).as_py():
        cells = pc.if_else(empty, pa.scalar(None, cells.type), cells)
    return pd.Series(pd.array(cells, dtype=column.dtype), index=column.index)


def typed_cells(column: pd.Series) -> pd.Series:
    """The cells a workbook stored as numbers, booleans or dates (missing elsewhere)."""
    if column.dtype == object:
        return column.where(column.map(lambda v: not isinstance(v, str) and v is not None))
    if pd.api.types.is_string_dtype(column):
        return pd.Series(np.nan, index=column.index)
    return column


def _messages(text: pd.Series, mask: pd.Series, template: str) -> pd.Series:
    """Per-row messages `template` with {} replaced by the quoted cell text, where mask."""
    out = _no_messages(text.index)
    mask = mask.fillna(False).astype(bool)
    if mask.any():
        before, after = template.split("{}")
        out[mask] = before + '"' + text[mask].fillna("") + '"' + after
    return out


def _no_messages(index: pd.Index) -> pd.Series:
    return no_text(index)


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
        stamp = cast("pd.Timestamp | np.datetime64 | dt.date", value)  # it has isoformat
        return pd.Timestamp(stamp).isoformat().removesuffix("T00:00:00")
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
    none = pd.Series(False, index=core.index)
    dot = core.str.contains(".", regex=False).fillna(False).astype(bool)
    comma = core.str.contains(",", regex=False).fillna(False).astype(bool)
    if not (dot.any() or comma.any()):
        return Separator(hint or ".", none, none)
    both = dot & comma
    single = (dot ^ comma) & ~both
    ambiguous = none.copy()
    repeated = none.copy()
    if single.any():
        ambiguous[single] = core[single].str.fullmatch(_AMBIGUOUS).fillna(False).astype(bool)
        repeated[single] = core[single].str.contains(r"[.,].*[.,]").fillna(False).astype(bool)
    says_comma = (comma & single & ~repeated & ~ambiguous) | (dot & single & repeated)
    says_dot = (dot & single & ~repeated & ~ambiguous) | (comma & single & repeated)
    if both.any():
        says_comma[both] = core[both].str.fullmatch(_DOT_THEN_COMMA).fillna(False).astype(bool)
        says_dot[both] = core[both].str.fullmatch(_COMMA_THEN_DOT).fillna(False).astype(bool)
    n_comma, n_dot = int(says_comma.sum()), int(says_dot.sum())
    if n_comma or n_dot:
        sep = "," if n_comma > n_dot or (n_comma == n_dot and hint == ",") else "."
        return Separator(sep, says_dot if sep == "," else says_comma, none)
    return Separator(hint or ".", none, ambiguous)


def parse_number(column: pd.Series, kind: str = "number", hint: str | None = None) -> Parsed:
    """Numbers with percent signs, decimal commas or thousands separators, per column.

    kind: "number"; "value" also reads milestone words (done/yes/true/x → 1, no/false/open → 0);
    "progress" is a tool's progress figure, 0–1 or 0–100 decided per column (`70%` is 0.7);
    "score" also reads zone words (Fail/Commit/Target/Stretch → 0/0.3/0.7/1) and normalises
    0–10 and 0–100 scales to 0–1; "confidence" normalises 1–10 and percent to 0–1.
    """
    text = text_cells(column)
    plain = _plain_numbers(column, text)
    if plain is not None:  # the common case: every cell a plain number like -12 or 0.65
        values, note = plain, None
        if kind in SCALED_KINDS:
            values, note = _normalise_scale(values, pd.Series(False, index=values.index), kind)
        return Parsed(values, _no_messages(column.index), _no_messages(column.index), note)
    words = {"value": MILESTONE_WORDS, "score": ZONE_WORDS}.get(kind, {})
    if kind in ("score", "progress"):  # "n/a", "-": not graded (empty), never an error
        text = text.where(~text.str.lower().isin(NOT_GRADED))
    from_words = pd.Series(np.nan, index=text.index, dtype="float64")
    if words:
        lower = text.str.lower()
        is_word = lower.isin(list(words))
        if is_word.any():
            from_words[is_word] = lower[is_word].map(words).astype("float64")
    percent = text.str.endswith("%").fillna(False).astype(bool)
    core = text.str.replace(_STRIP_ASCII, "", regex=True).str.removesuffix("%")
    other = ~core.str.isascii().fillna(True).astype(bool)
    if other.any():
        core[other] = core[other].str.replace(_STRIP_OTHER, "", regex=True)
    core, scale = strip_units(core, text, ratios=kind == "score")  # `4.3 sec`, `12k`, `3/5`
    sep = decimal_separator(core, hint)
    if sep.decimal == ",":
        core = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif sep.contradicts.any() or sep.guessed.any() or core.str.contains(",", regex=False).any():
        core = core.str.replace(",", "", regex=False)
    values = to_float(core) * scale
    if percent.any():
        values = values.where(~percent, values / 100)
    values = from_words.fillna(values)
    typed, typed_bad = _typed_numbers(column)
    values = values.fillna(typed)
    what = {"value": "a number (or done/not done)", "score": "a score"}.get(kind, "a number")
    errors = _messages(text, text.notna() & values.isna(), "{} is not " + what)
    example = "1.234,5" if sep.decimal == "," else "1,234.5"
    errors = errors.fillna(
        _messages(text, sep.contradicts, "{} mixes number formats: this column writes " + example)
    )
    if typed_bad.any():  # a typed cell that is no number (a date, say), quoted as shown
        errors = errors.fillna(_messages(parse_text(column).values, typed_bad, "{} is not " + what))
    values = values.where(~sep.contradicts)
    warnings = _no_messages(column.index)
    if sep.guessed.any():
        # Any: a label of the column's index, of any type; the stubs index by str labels only.
        first: Any = sep.guessed.idxmax()
        meaning = "a thousands separator" if sep.decimal == "," else "the decimal point"
        warnings.loc[first] = (
            f'"{text[first]}" read as {values[first]:g} ({meaning}); no value in this column '
            f"shows which separator is decimal ({int(sep.guessed.sum())} value(s) read this way)"
        )
    note = None
    if kind in SCALED_KINDS:
        values, note = _normalise_scale(values, percent | from_words.notna(), kind)
    return Parsed(values, errors, warnings, note)


def _plain_numbers(column: pd.Series, text: pd.Series) -> pd.Series | None:
    """The column's values when every cell is text of a plain number (`-12`, `0.65`, no
    percent, word or grouping) and the decimal point is certain, else None. Such a column
    reads the same on the general path below, which takes several passes per cell.

    The point is certain when no cell has one, or when one has a point that cannot be a
    thousands separator (`0.65`, `106.0`; not `1.250` alone).
    """
    if not isinstance(column.array, pd.arrays.ArrowStringArray):
        return None  # typed workbook cells: the general path sorts them out
    cells = text.array.__arrow_array__()
    if cells.null_count == len(cells):
        return pd.Series(np.nan, index=text.index, dtype="float64")
    values = _plain_cast(cells)
    if values is None:
        return None
    dotted = pc.match_substring(cells, ".")
    if pc.any(dotted).as_py() and not _point_is_certain(cells, dotted):
        return None
    return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


def _plain_cast(cells: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The cells as float64 when every one matches _PLAIN, else None.

    Made of digits, points and minus signs only, and read by Arrow's number parser (which
    refuses `1.2.3`, `5-3`, `--5`, a lone `-`), a cell is plain unless it starts or ends with
    its point (`.5`, `-.5`, `5.`): that is checked with three cheap passes instead of the
    regular expression, which is then only run when the first test fails.
    """
    if only_bytes(cells, b"0123456789.-"):
        edge = pc.or_(
            pc.or_(pc.starts_with(cells, "."), pc.starts_with(cells, "-.")),
            pc.ends_with(cells, "."),
        )
        if not pc.any(edge).as_py():
            try:
                return pc.cast(cells, pa.float64())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
    if not pc.all(pc.match_substring_regex(cells, _PLAIN), skip_nulls=True).as_py():
        return None
    return pc.cast(cells, pa.float64())


def _point_is_certain(
    cells: pa.ChunkedArray | pa.Array, dotted: pa.ChunkedArray | pa.Array
) -> bool:
    """Whether some cell has a point that cannot be a thousands separator (`0.65`, not
    `1.250`); the first rows usually show one, so they are looked at before all of them."""
    head = SAMPLE_ROWS if len(cells) > 2 * SAMPLE_ROWS else None
    for part in (head, None) if head else (None,):
        sub = cells if part is None else cells.slice(0, part)
        points = dotted if part is None else dotted.slice(0, part)
        ambiguous = pc.match_substring_regex(sub, _AMBIGUOUS_ALL)
        if pc.any(pc.and_kleene(points, pc.invert(ambiguous))).as_py():
            return True
    return False


def to_float(text: pd.Series) -> pd.Series:
    """Numbers from cleaned text; what is no number is missing (pyarrow's cast when it can)."""
    if isinstance(text.array, pd.arrays.ArrowStringArray):
        try:
            cast = pc.cast(pa.array(text.array), pa.float64())
            return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some cell is no number: find which, one by one
    return pd.to_numeric(text, errors="coerce").astype("float64")


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


def _normalise_scale(
    values: pd.Series, fixed: pd.Series, kind: str = "score"
) -> tuple[pd.Series, str | None]:
    """Divide by 10 or 100 when the column's plain numbers run on a 0–10 or 0–100 scale
    (progress: 0–1 or 0–100 only, and overachievement such as 124 is still percent)."""
    plain = values[~fixed.astype(bool)].dropna()
    top = plain.abs().max() if not plain.empty else 0.0
    if kind == "progress":
        scale = 1.0 if top <= 1 else 100.0
    else:
        scale = 1.0 if top <= 1 else 10.0 if top <= 10 else 100.0 if top <= 100 else 1.0
    if scale == 1.0:
        return values, None
    scaled = values.where(fixed.astype(bool), values / scale)
    return scaled, f"read on a 0–{scale:g} scale (largest value {top:g})"


def parse_choice(column: pd.Series, vocabulary: dict[str, str], what: str) -> Parsed:
    """A word from a fixed vocabulary (case and spacing insensitive), e.g. a key-result type."""
    text = parse_text(column).values
    distinct = pd.Series(text.dropna().unique(), dtype="str")  # a handful of words, many rows
    key = distinct.str.lower().str.replace(r"[\s_\-/]+", " ", regex=True)
    values = text.map(dict(zip(distinct, key.map(vocabulary), strict=True))).astype("str")
    bad = text.notna() & values.isna()
    allowed = ", ".join(sorted(set(vocabulary.values())))
    return Parsed(values, _messages(text, bad, "{} is not " + what + f" ({allowed})"))


def per_cell(column: pd.Series, parser: Callable[[pd.Series], Parsed]) -> Parsed:
    """`parser(column)` for a parser that reads every cell on its own (no decision per
    column), run once per distinct value of a text column and spread back over its rows."""
    codes, distinct = distinct_codes(column)
    if distinct is None:
        return parser(column)
    parsed = parser(distinct)

    def rows(values: pd.Series) -> pd.Series:
        if len(values) != len(distinct):  # an empty default: nothing to spread
            return values
        return spread(values, codes, column.index)

    return Parsed(rows(parsed.values), rows(parsed.errors), rows(parsed.warnings), parsed.note)


def parse_flag(column: pd.Series) -> Parsed:
    """A yes/no cell (`yes`, `TRUE`, `x`, `1`, `archived` / `no`, `FALSE`, `0`, empty)."""
    return per_cell(column, _parse_flag)


def _parse_flag(column: pd.Series) -> Parsed:
    typed = typed_cells(column)
    text = parse_text(column).values
    key = text.str.strip().str.lower()
    words = key.map(FLAG_WORDS)
    flags = pd.Series(words.to_numpy(dtype=object), index=column.index, dtype="object")
    if typed.notna().any():  # a workbook's TRUE/FALSE cells (a CSV has none)
        booleans = typed.map(lambda v: v if isinstance(v, bool) else None)
        flags = flags.where(flags.notna(), booleans)
    bad = text.notna() & flags.isna()
    values = flags.where(~bad).astype("boolean")
    return Parsed(values, _messages(text, bad, "{} is not yes or no"))


def parse_date(column: pd.Series, with_time: bool = False) -> Parsed:
    """Dates typed, ISO text, Excel serial numbers or d/m/y text (order decided per column)."""
    text = text_cells(column)
    typed = typed_cells(column)
    values, errors, warnings, note = parse_dates(text, typed)
    if not with_time:
        values = values.dt.normalize()
    return Parsed(values, errors, warnings, note)
