"""Cells indented by their format (Format Cells › Alignment › Indent), read from the XML.

An outline kept in Excel often shows its levels by indenting the titles' cells rather than by
typing spaces or numbers; python-calamine reads values, not formats, so the levels are found
here: `xl/styles.xml` lists the cell formats (`<cellXfs>`), each `<xf>` with an
`<alignment indent="n"/>` or not, and a worksheet cell names its format by number (`s="3"`).
Only when some format indents are the sheets read, and only cells of those formats kept.
Runs in the child process that reads the workbook (`sheets.workbook_columns`), after the
safety checks refused entity declarations, far cells and zip bombs; stdlib only.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from pipelines.read.formulas import REL, sheet_paths

CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?xf>)", re.S)
INDENT = re.compile(rb'<(?:\w+:)?alignment\b[^>]*?\bindent="([0-9]+)"')
CELL_START = re.compile(rb"<(?:\w+:)?c\b([^>]*?)/?>")
STYLE = re.compile(rb'\bs="([0-9]+)"')
REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
STYLES_TYPE = b"/styles"
Indented = list[tuple[int, str, int]]  # (Excel row, column letters, indent level)


def indented_cells(data: bytes, limit: int) -> dict[str, Indented]:
    """Per sheet name: (Excel row, column letters, level) of every cell whose format indents
    it, at most `limit` cells a sheet, in an .xlsx/.xlsm file (other formats: nothing)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        names = set(book.namelist())
        if "xl/workbook.xml" not in names:
            return {}
        levels = _indent_styles(book, names)
        if not levels:
            return {}
        paths = sheet_paths(book, names)
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    found: dict[str, Indented] = {}
    for sheet, path in paths.items():
        cells = _cells(book.read(path), levels, limit)
        if cells:
            found[sheet] = cells
    return found


def styles_path(book: zipfile.ZipFile, names: set[str]) -> str:
    if "xl/_rels/workbook.xml.rels" in names:
        for tag in REL.findall(book.read("xl/_rels/workbook.xml.rels")):
            if STYLES_TYPE in tag and (target := re.search(rb'\bTarget="([^"]*)"', tag)):
                path = target.group(1).decode()
                full = path.lstrip("/") if path.startswith("/") else posixpath.join("xl", path)
                return posixpath.normpath(full)
    return "xl/styles.xml"


def _indent_styles(book: zipfile.ZipFile, names: set[str]) -> dict[int, int]:
    """Cell format number → indent level, for the formats that indent."""
    path = styles_path(book, names)
    if path not in names:
        return {}
    block = CELL_XFS.search(book.read(path))
    if block is None:
        return {}
    levels: dict[int, int] = {}
    for number, xf in enumerate(XF.finditer(block.group(1))):
        indent = INDENT.search(xf.group(1) or b"")
        if indent is not None and int(indent.group(1)) > 0:
            levels[number] = int(indent.group(1))
    return levels


def _cells(xml: bytes, levels: dict[int, int], limit: int) -> Indented:
    cells: Indented = []
    for match in CELL_START.finditer(xml):
        attrs = match.group(1)
        style = STYLE.search(attrs)
        if style is None or int(style.group(1)) not in levels:
            continue
        ref = REF.search(attrs)
        if ref is None:
            continue
        cells.append((int(ref.group(2)), ref.group(1).decode(), levels[int(style.group(1))]))
        if len(cells) >= limit:
            break
    return cells
