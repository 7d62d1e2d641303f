"""The closing pack as an Excel workbook (openpyxl) that prints as it is.

Sheets: Summary (headline figures, the unit against its previous cycle with the company beside,
the objectives behind or at risk while the cycle runs, the band distribution as a table and a
native bar chart), Objectives, Key results, Movement and Findings. Every table
sheet has a frozen header row that also repeats on each printed page, columns sized to their
content, number formats, landscape pages fitted to the width, and band colours from
`metrics.scores.bands` applied by conditional-formatting rules. Objectives and Key results end in
an empty Notes column for the meeting's comments.

Text that came from users is always written as a string cell: a title such as
`=HYPERLINK(...)` or `+1` is shown literally and never evaluated (the cell keeps the
string type, and Excel's quote-prefix flag keeps it text when the cell is edited; the cell
writers are in `excel_cells.py`).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.closing_pack import COLUMNS, ClosingPack, Col
from exports.excel_cells import (  # the cell writers, importable from here as before
    HEADER_FILL,
    HEADER_FONT,
    NUMBER_FORMATS,
    put,
    put_text,
    write_table,
)
from exports.pack_brief import brief_sheet
from metrics.scores.bands import BAND_COLORS, BANDS, ScoreBands, number, score_bands

UP, DOWN = "1A7F37", "C62828"  # a change's colour: up, down
BAND_TEXT = {
    "low": "FFFFFF",
    "mid": "000000",
    "sweet": "FFFFFF",
    "high": "000000",
    "maxed": "FFFFFF",
}


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _band_fill(band: str) -> PatternFill:
    color = _hex(BAND_COLORS[band])
    return PatternFill("solid", start_color=color, end_color=color, bgColor=color)


def _band_rules_by_text(ws: Worksheet, cells: str, band_cell: str) -> None:
    """Colour `cells` by the band named in `band_cell` (relative to the range's first row)."""
    for band in BANDS:
        ws.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f'{band_cell}="{band}"'],
                fill=_band_fill(band),
                font=Font(color=BAND_TEXT[band]),
            ),
        )


def _band_rules_by_score(ws: Worksheet, cells: str, first: str) -> None:
    """Colour score cells by the band their value falls in: the rules are written from the
    bands in force (`metrics.scores.bands.ScoreBands.edges`), so Excel bands as the pages do."""
    for band, test in band_formulas(f"ROUND({first},9)", score_bands()).items():
        ws.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f"AND(ISNUMBER({first}),{test})"],
                fill=_band_fill(band),
                font=Font(color=BAND_TEXT[band]),
            ),
        )


def band_formulas(score: str, bands: ScoreBands) -> dict[str, str]:
    """Each band's test on the Excel expression `score`: {"sweet": "AND(s>=0.6,s<=0.7)", …}."""
    tests = {}
    for edge in bands.edges():
        above = ">=" if edge.lower_inclusive else ">"
        parts = [] if edge.lower is None else [f"{score}{above}{number(edge.lower)}"]
        if edge.upper is not None:
            parts.append(f"{score}{'<=' if edge.upper_inclusive else '<'}{number(edge.upper)}")
        tests[edge.band] = parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
    return tests


def _print_setup(ws: Worksheet, pack: ClosingPack, title_rows: str | None = "1:1") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None  # a new sheet has its page setup properties
    fit.fitToPage = True
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows
    label = f"{pack.unit_name} · {pack.cycle_name}".replace("&", "&&")
    footer = ws.oddFooter
    assert footer is not None  # a new sheet has its footer
    footer.left.text = label
    footer.right.text = "Page &P of &N"


def _column(cols: list[Col], key: str) -> str:
    return get_column_letter(next(j for j, c in enumerate(cols, 1) if c.key == key))


def _summary(ws: Worksheet, pack: ClosingPack) -> None:
    put_text(ws["A1"], pack.title)
    ws["A1"].font = Font(bold=True, size=16)
    put_text(ws["A2"], pack_facts(pack))
    ws["A2"].font = Font(italic=True, color="555555")
    notice = pack.standing.notice(pack.cycle_name, pack.as_of)
    if notice:
        put_text(ws["A3"], notice)
        ws["A3"].font = Font(bold=True, color="9A3412")

    put_text(ws["A4"], "Headline")
    ws["A4"].font = Font(bold=True, size=13)
    headline = pack.headline_frame()
    row = 5
    for figure, kind, value in headline[["figure", "kind", "value"]].itertuples(index=False):
        put_text(ws.cell(row=row, column=1), figure)
        put(ws.cell(row=row, column=2), value, kind)
        row += 1

    row += 1
    put_text(ws.cell(row=row, column=1), "Against the previous cycle")
    ws.cell(row=row, column=1).font = Font(bold=True, size=13)
    row += 1
    put_text(ws.cell(row=row, column=1), pack.against.note)
    ws.cell(row=row, column=1).font = Font(italic=True, color="555555")
    row += 1
    before = f"{pack.unit_name} {pack.against.cycle_name}"
    if pack.against.cycle_id is None:
        before = "No earlier cycle"
    if pack.against.same_point:
        before += f" as of {pack.against.same_point}"
    header = ["Figure", f"{pack.unit_name} {pack.cycle_name}", before, "Change",
              f"Company {pack.cycle_name}"]  # fmt: skip
    for j, text in enumerate(header, start=1):
        cell = ws.cell(row=row, column=j)
        put_text(cell, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
    for figure, kind, unit, previous, diff, company in pack.comparison.itertuples(index=False):
        row += 1
        put_text(ws.cell(row=row, column=1), figure)
        put(ws.cell(row=row, column=2), unit, kind)
        put(ws.cell(row=row, column=3), previous, kind)
        put(ws.cell(row=row, column=4), diff, kind)
        ws.cell(row=row, column=4).number_format = (
            "+0%;-0%;0%" if kind == "share" else NUMBER_FORMATS["delta"]
        )
        put(ws.cell(row=row, column=5), company, kind)

    if pack.standing.running:
        row += 2
        put_text(ws.cell(row=row, column=1), "Behind or at risk")
        ws.cell(row=row, column=1).font = Font(bold=True, size=13)
        row += 1
        if pack.off_track.empty:
            put_text(ws.cell(row=row, column=1), "No objective is behind or at risk.")
        else:
            row = write_table(ws, pack.off_track, COLUMNS["off_track"], top=row, widths=False)

    row += 2
    put_text(ws.cell(row=row, column=1), "Scores per band")
    ws.cell(row=row, column=1).font = Font(bold=True, size=13)
    top = row + 1
    last = write_table(ws, pack.bands, COLUMNS["bands"], top=top)
    for i, band in enumerate(pack.bands["band"], start=top + 1):
        ws.cell(row=i, column=1).fill = _band_fill(band)
        ws.cell(row=i, column=1).font = Font(color=BAND_TEXT[band])

    chart = BarChart()
    chart.type = "col"
    chart.title = "Key results per band"
    chart.y_axis.title = "key results"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    series = chart.series[0]
    for i, band in enumerate(pack.bands["band"]):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = _hex(BAND_COLORS[band])
        point.graphicalProperties.line.solidFill = _hex(BAND_COLORS[band])
        series.dPt.append(point)
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, "J4")  # right of the tables above the bands

    ws.column_dimensions["A"].width = max(40, len(pack.title) * 0.9)
    for letter in "BCDE":
        ws.column_dimensions[letter].width = 16
    ws.freeze_panes = "A3"
    _print_setup(ws, pack, title_rows=None)
    ws.page_setup.fitToHeight = 1


def pack_facts(pack: ClosingPack) -> str:
    """The line under the title, in names: "Department Engineering · cycle Q4 2026 (…) · as
    of …" (ids are in the tables' ID columns)."""
    period = " – ".join(str(d) for d in (pack.cycle_start, pack.cycle_end) if d)
    facts = [
        f"{pack.unit_level.capitalize()} {pack.unit_name}",
        f"cycle {pack.cycle_name}" + (f" ({period})" if period else ""),
        f"as of {pack.as_of}",
    ]
    return " · ".join(facts)


def _scorecard(ws: Worksheet, pack: ClosingPack, table: str, freeze: str) -> None:
    """A scorecard sheet (objectives or key results) with its Notes column, band colouring,
    frozen header (and `freeze` columns), a filter and the print setup."""
    cols = COLUMNS[table]
    last = write_table(ws, getattr(pack, table), cols, notes=True)
    if last > 1:
        band = _column(cols, "band")
        score = _column(cols, "score")
        _band_rules_by_text(ws, f"{score}2:{band}{last}", f"${band}2")
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols) + 1)}{max(last, 1)}"
    _print_setup(ws, pack)


def _objectives(ws: Worksheet, pack: ClosingPack) -> None:
    _scorecard(ws, pack, "objectives", freeze="B2")


def _key_results(ws: Worksheet, pack: ClosingPack) -> None:
    _scorecard(ws, pack, "key_results", freeze="A2")


def _movement(ws: Worksheet, pack: ClosingPack) -> None:
    cols = COLUMNS["movement"]
    mid = "Mid-cycle"
    if pack.midpoint:
        mid += f" ({pack.midpoint})" if pack.midpoint_reached else f" ({pack.midpoint}, not yet)"
    last = write_table(ws, pack.movement, cols, headers={"mid_score": mid})
    bold = Font(bold=True)
    for i, level in enumerate(pack.movement["level"], start=2):
        if level == "objective":
            for j in range(1, len(cols) + 1):
                ws.cell(row=i, column=j).font = bold
    if last > 1:
        for key in ("mid_score", "score"):
            letter = _column(cols, key)
            _band_rules_by_score(ws, f"{letter}2:{letter}{last}", f"{letter}2")
        delta = _column(cols, "delta")
        cells = f"{delta}2:{delta}{last}"
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="greaterThan", formula=["0.005"], font=Font(color=UP))
        )
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="lessThan", formula=["-0.005"], font=Font(color=DOWN))
        )
    ws.freeze_panes = "A2"
    _print_setup(ws, pack)


def _findings(ws: Worksheet, pack: ClosingPack) -> None:
    cols = COLUMNS["findings"]
    last = write_table(ws, pack.findings, cols)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(last, 1)}"
    _print_setup(ws, pack)


SHEETS = (
    ("Brief", lambda ws, pack: brief_sheet(ws, pack.brief)),
    ("Summary", _summary),
    ("Objectives", _objectives),
    ("Key results", _key_results),
    ("Movement", _movement),
    ("Findings", _findings),
)


def pack_to_workbook(pack: ClosingPack) -> Workbook:
    """The pack as an openpyxl Workbook (sheets in SHEETS order)."""
    wb = Workbook()
    blank = wb.active  # the empty sheet a new workbook starts with
    assert blank is not None
    wb.remove(blank)
    for name, fill in SHEETS:
        fill(wb.create_sheet(name), pack)
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub("", pack.title)
    wb.properties.creator = "OKR Health"
    return wb


def pack_to_xlsx_bytes(pack: ClosingPack) -> bytes:
    """The pack as the bytes of an .xlsx file (for a download button or a file)."""
    buffer = io.BytesIO()
    pack_to_workbook(pack).save(buffer)
    return buffer.getvalue()
