"""Cells drawn struck through (Format Cells › Font › Strikethrough), read from the XML.

People cancel a key result by striking its row through rather than deleting it. A cell's
format (`s="3"` on the cell) is an `<xf>` of `xl/styles.xml`'s `<cellXfs>`, whose `fontId`
names a `<font>` of `<fonts>`; a font with `<strike/>` (or `val="1"`/`"true"`) strikes. Only
when some format strikes are the sheets read. Runs beside the indent reading, in the child
process that reads the workbook; stdlib only.
"""

from __future__ import annotations

import io
import re
import zipfile

from pipelines.read.formulas import sheet_paths
from pipelines.read.indents import CELL_START, CELL_XFS, REF, STYLE, XF, styles_path

FONTS = re.compile(rb"<(?:\w+:)?fonts\b[^>]*>(.*?)</(?:\w+:)?fonts>", re.S)
FONT = re.compile(rb"<(?:\w+:)?font\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?font>)", re.S)
STRIKE = re.compile(rb'<(?:\w+:)?strike\b(?:[^>]*?\bval="([^"]*)")?[^>]*?/?>')
FONT_ID = re.compile(rb'\bfontId="([0-9]+)"')
Struck = list[tuple[int, str]]  # (Excel row, column letters)


def struck_cells(data: bytes, limit: int) -> dict[str, Struck]:
    """Per sheet name: (Excel row, column letters) of every cell whose font strikes it, at
    most `limit` cells a sheet, in an .xlsx/.xlsm file (other formats: nothing)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        names = set(book.namelist())
        if "xl/workbook.xml" not in names:
            return {}
        styles = _strike_styles(book, names)
        if not styles:
            return {}
        paths = sheet_paths(book, names)
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    found: dict[str, Struck] = {}
    for sheet, path in paths.items():
        cells = _cells(book.read(path), styles, limit)
        if cells:
            found[sheet] = cells
    return found


def _strike_styles(book: zipfile.ZipFile, names: set[str]) -> set[int]:
    """The cell format numbers whose font is struck through."""
    path = styles_path(book, names)
    if path not in names:
        return set()
    xml = book.read(path)
    fonts, formats = FONTS.search(xml), CELL_XFS.search(xml)
    if fonts is None or formats is None:
        return set()
    struck = set()
    for number, font in enumerate(FONT.finditer(fonts.group(1))):
        strike = STRIKE.search(font.group(1) or b"")
        if strike is not None and (strike.group(1) or b"1").lower() not in (b"0", b"false"):
            struck.add(number)
    if not struck:
        return set()
    out = set()
    for number, xf in enumerate(XF.finditer(formats.group(1))):
        font_id = FONT_ID.search(xf.group(0))
        if font_id is not None and int(font_id.group(1)) in struck:
            out.add(number)
    return out


def _cells(xml: bytes, styles: set[int], limit: int) -> Struck:
    cells: Struck = []
    for match in CELL_START.finditer(xml):
        attrs = match.group(1)
        style = STYLE.search(attrs)
        if style is None or int(style.group(1)) not in styles:
            continue
        ref = REF.search(attrs)
        if ref is None:
            continue
        cells.append((int(ref.group(2)), ref.group(1).decode()))
        if len(cells) >= limit:
            break
    return cells
