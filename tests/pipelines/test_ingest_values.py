"""Values as people type them (docs/ingestion.md): one line per spelling, read a whole column at a
time."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.map.dates import from_serial
from pipelines.map.units import units_of
from pipelines.map.values import parse_date, parse_number, parse_text


def number(cells: list[object], kind: str = "number", hint: str | None = None) -> list[float]:
    column = pd.Series(
        cells, dtype="object" if any(not isinstance(c, str) for c in cells) else "str"
    )
    return parse_number(column, kind, hint).values.tolist()


@pytest.mark.parametrize(
    ("cells", "kind", "expected"),
    [
        (["70%"], "number", [0.7]),
        (["0.7"], "number", [0.7]),
        (["0,7"], "number", [0.7]),
        (["1,234.5"], "number", [1234.5]),
        (["1.234,5"], "number", [1234.5]),
        (["1 234,5"], "number", [1234.5]),
        (["1'234.5"], "number", [1234.5]),
        (["€1,200.00", "-3.5"], "number", [1200.0, -3.5]),
        (["1.234", "0,5"], "number", [1234.0, 0.5]),  # the comma elsewhere decides the column
        (["1,234", "0.5"], "number", [1234.0, 0.5]),
        (["1.234.567"], "number", [1234567.0]),
        ([12.0, "12,5"], "number", [12.0, 12.5]),  # a workbook number beside typed text
        (["done", "yes", "true", "x", "1"], "value", [1.0] * 5),
        (["no", "false", "open", "0"], "value", [0.0] * 4),
        (["Fail", "Commit", "Target", "Stretch"], "score", [0.0, 0.3, 0.7, 1.0]),
        (["0.7", "0.35", "1"], "score", [0.7, 0.35, 1.0]),
        (["7", "3.5", "10"], "score", [0.7, 0.35, 1.0]),  # 0–10 scale
        (["70", "35", "100"], "score", [0.7, 0.35, 1.0]),  # 0–100 scale
        (["70%", "0.35"], "score", [0.7, 0.35]),  # percent signs fix their own scale
        (["0,7", "Target"], "score", [0.7, 0.7]),
        (["8", "5", "1"], "confidence", [0.8, 0.5, 0.1]),  # 1–10
        (["80%", "50%"], "confidence", [0.8, 0.5]),
        (["80", "50"], "confidence", [0.8, 0.5]),
        (["0.8", "0.5"], "confidence", [0.8, 0.5]),
    ],
)
def test_numbers_as_typed(cells: list[object], kind: str, expected: list[float]) -> None:
    assert number(cells, kind) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cells", "hint", "expected", "warned"),
    [
        (["1.234", "2.500"], ",", [1234.0, 2500.0], True),  # a semicolon file: thousands
        (["1.234", "2.500"], None, [1.234, 2.5], True),  # no evidence: decimal point, warned
        (["1.234", "2,5"], None, [1234.0, 2.5], False),  # 2,5 shows the comma is decimal
        (["12", "7"], None, [12.0, 7.0], False),
    ],
)
def test_decimal_separator_is_decided_per_column(
    cells: list[str], hint: str | None, expected: list[float], warned: bool
) -> None:
    parsed = parse_number(pd.Series(cells), "number", hint)
    assert parsed.values.tolist() == pytest.approx(expected)
    assert parsed.warnings.notna().any() == warned


def test_mixed_conventions_in_one_column_are_errors_not_guesses() -> None:
    parsed = parse_number(pd.Series(["1.234,5", "2.345,0", "1,234.5"]))
    assert parsed.values.tolist()[:2] == [1234.5, 2345.0]
    assert math.isnan(parsed.values.iloc[2])
    assert parsed.errors.iloc[2] == '"1,234.5" mixes number formats: this column writes 1.234,5'


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("ten", '"ten" is not a number'),
        ("n/a", '"n/a" is not a number'),
        ("12 apples and 3 pears", '"12 apples and 3 pears" is not a number'),  # not a unit
    ],
)
def test_unreadable_numbers_are_reported(cell: str, message: str) -> None:
    parsed = parse_number(pd.Series(["1", cell]))
    assert parsed.errors.tolist()[1] == message


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2025-03-04"], ["2025-03-04"]),
        (["2025-03-04T10:30:00"], ["2025-03-04 10:30"]),
        (["2025/3/4"], ["2025-03-04"]),
        (["45720"], ["2025-03-04"]),  # Excel serial number as text
        ([45720.0], ["2025-03-04"]),  # … and as a workbook number
        ([dt.date(2025, 3, 4)], ["2025-03-04"]),
        (["04.03.2025"], ["2025-03-04"]),  # dots: day first
        (["13/03/2025", "03/04/2025"], ["2025-03-13", "2025-04-03"]),  # a day > 12 decides
        (["03/13/2025", "03/04/2025"], ["2025-03-13", "2025-03-04"]),  # a month-first column
        (["4 March 2025"], ["2025-03-04"]),
        (["03/04/25"], ["2025-04-03"]),
    ],
)
def test_dates_as_typed(cells: list[object], expected: list[str]) -> None:
    column = pd.Series(cells, dtype="object" if not isinstance(cells[0], str) else "str")
    parsed = parse_date(column, with_time=True)
    assert parsed.errors.isna().all()
    assert parsed.values.tolist() == [pd.Timestamp(e) for e in expected]


def test_ambiguous_day_month_is_reported_per_row() -> None:
    parsed = parse_date(pd.Series(["03/04/2025", "05/05/2025", "07/08/2025"]))
    assert parsed.values.tolist() == [
        pd.Timestamp(d) for d in ("2025-04-03", "2025-05-05", "2025-08-07")
    ]
    assert parsed.warnings.tolist()[0] == (
        'ambiguous date "03/04/2025": read as 3 April 2025 (day first); '
        "no date in this column has a day above 12"
    )
    assert pd.isna(parsed.warnings.iloc[1])  # 05/05 reads the same either way


@pytest.mark.parametrize("cell", ["31/02/2025", "someday", "2025", "13/13/2025"])
def test_unreadable_dates_are_reported(cell: str) -> None:
    parsed = parse_date(pd.Series([cell]))
    assert parsed.errors.iloc[0] == f'"{cell}" is not a date'


def test_ids_typed_as_numbers_read_as_text() -> None:
    parsed = parse_text(pd.Series([101.0, " K-7 ", 3.5], dtype="object"))
    assert parsed.values.tolist() == ["101", "K-7", "3.5"]


def test_excel_serial_numbers() -> None:
    assert from_serial(pd.Series([45658.5])).iloc[0] == pd.Timestamp("2025-01-01 12:00")


@settings(deadline=None)  # timing varies on a shared machine; the property does not
@given(
    st.lists(
        st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["en", "de"]),
)
def test_any_column_written_in_one_locale_reads_back(values: list, locale: str) -> None:
    """Written with two decimals and thousands separators in one convention, every column
    reads back to its numbers: the '.00' on each value is evidence enough."""
    cells = [f"{v:,.2f}" for v in values]
    if locale == "de":
        cells = [c.replace(",", "_").replace(".", ",").replace("_", ".") for c in cells]
    parsed = parse_number(pd.Series(cells))
    assert parsed.errors.isna().all()
    assert parsed.values.tolist() == pytest.approx([float(v) for v in values])


@pytest.mark.parametrize(
    ("cells", "kind", "expected"),
    [
        (["4.3 sec", "10 sec"], "number", [4.3, 10.0]),
        (["93 dias", "120 días"], "number", [93.0, 120.0]),
        (["12k", "1.2M", "3 bn"], "number", [12_000.0, 1_200_000.0, 3e9]),
        (["€ 3.400,50", "€ 5.000,00"], "number", [3400.5, 5000.0]),
        (["45 %", "50 %"], "number", [0.45, 0.5]),
        (["USD 120", "5 km"], "number", [120.0, 5.0]),
        (["0.7 (70%)", "3/5"], "score", [0.7, 0.6]),
        (["70% (0.7)"], "score", [0.7]),
    ],
)
def test_numbers_with_units_read_as_the_number(
    cells: list[str], kind: str, expected: list[float]
) -> None:
    parsed = parse_number(pd.Series(cells), kind)
    assert parsed.values.tolist() == pytest.approx(expected)
    assert parsed.errors.isna().all()


def test_a_unit_is_kept_and_a_scale_word_is_not_a_unit() -> None:
    units = units_of(pd.Series(["4.3 sec", "93 dias", "12k", "€ 3.400,50", "7", None]))
    assert units.fillna("-").tolist() == ["sec", "dias", "-", "€", "-", "-"]
