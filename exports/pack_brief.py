"""The brief in the closing packs: a "Brief" sheet in the workbook and a section at the top of
the HTML page (reporting/brief; docs/pages.md, "The brief").

A pack is a file read away from the dashboard: its links are absolute under
$OKR_HEALTH_BASE_URL when that is set, and dropped otherwise (a relative link in a file leads
nowhere).
"""

from __future__ import annotations

import os
from dataclasses import replace

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from exports.spreadsheet_safe import FORMULA_START
from metrics.programme.health import programme_health
from metrics.report import HealthReport
from reporting.brief import Brief, Scope, compose_brief, to_html_fragment
from reporting.brief.model import Sentence, Text

BASE_URL_VARIABLE = "OKR_HEALTH_BASE_URL"
WIDTH = 110  # characters of the sheet's one column


def pack_brief(report: HealthReport, cycle_id: str, level: str, name: str) -> Brief:
    """The brief of a pack's unit (company, department or team) in its cycle, without what
    changed (a pack is the cycle's record, not this week's news)."""
    scope = Scope(
        cycle_id,
        department=name if level == "department" else None,
        team=name if level not in ("company", "department") else None,
    )
    return compose_brief(report, scope, None, programme_health(report))


def _unlinked(sentence: Sentence) -> Sentence:
    return tuple(replace(p, link=None) if isinstance(p, Text) else p for p in sentence)


def for_file(brief: Brief) -> tuple[Brief, str | None]:
    """The brief with its links dropped when no base URL is set, and the base URL."""
    base_url = os.environ.get(BASE_URL_VARIABLE) or None
    if base_url:
        return brief, base_url
    sections = tuple(
        replace(s, lines=tuple(map(_unlinked, s.lines)), items=tuple(map(_unlinked, s.items)))
        for s in brief.sections
    )
    return replace(brief, sections=sections), None


def brief_html(brief: Brief | None) -> str:
    """The pack page's brief section's content."""
    if brief is None:
        return "<p>No brief: the pack was made without the health report.</p>"
    shown, base_url = for_file(brief)
    return to_html_fragment(shown, base_url, level=3)


def _text(ws: Worksheet, row: int, value: str, bold: bool = False) -> None:
    cell = ws.cell(row=row, column=1)
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    cell.data_type = "s"  # text, never a formula
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True, size=12)


def brief_sheet(ws: Worksheet, brief: Brief | None) -> None:
    """The brief as a sheet: one paragraph or bullet point per row, headings in bold."""
    ws.column_dimensions["A"].width = WIDTH
    if brief is None:
        _text(ws, 1, "No brief: the pack was made without the health report.")
        return
    row = 1
    _text(ws, row, "Brief: " + "".join(p.value if isinstance(p, Text) else p
                                       for p in brief.title), bold=True)  # fmt: skip
    _text(ws, row + 1, f"As of {brief.as_of}")
    row += 3
    for section in brief.sections:
        _text(ws, row, section.heading, bold=True)
        row += 1
        if section.lines:
            _text(ws, row, " ".join(section.plain_lines()))
            row += 1
        for item in section.plain_items():
            _text(ws, row, "• " + item)
            row += 1
        row += 1
