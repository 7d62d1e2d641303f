"""Formula cells a workbook saved without their computed value.

python-calamine reads a formula cell as the value Excel cached beside it; a file written by a
script (or saved by a tool that does not calculate) may carry the formula alone, which
python-calamine returns as an empty cell. Such cells are found here, in the worksheet XML,
so the import can refuse them where they are instead of loading an empty target. A formula
whose text result is the empty string was calculated: that cell is empty, not refused.
Runs in the child process that reads the workbook (`sheets.workbook_columns`); stdlib only.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile

CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is\b", re.S)
# A text result saved empty (`=IF(A2="","",A2)`): `t="str"` with `<v></v>` or `<v/>`.
EMPTY_TEXT = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>\s*</(?:\w+:)?v>)", re.S)
TEXT_TYPE = re.compile(rb'\bt="str"')
SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
REL = re.compile(rb"<Relationship\b[^>]*>", re.S)
ATTR = re.compile(rb'\b(Id|Target)="([^"]*)"')
MAX_LISTED = 1000  # per sheet


def uncached_formulas(data: bytes) -> dict[str, list[tuple[int, str, str]]]:
    """Per sheet name: (Excel row, column letters, formula) of every formula cell with no
    cached value, in an .xlsx/.xlsm file (other formats: nothing found)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        names = set(book.namelist())
        if "xl/workbook.xml" not in names:
            return {}
        paths = sheet_paths(book, names)
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    found: dict[str, list[tuple[int, str, str]]] = {}
    for sheet, path in paths.items():
        xml = book.read(path)
        if b"<f" not in xml and b":f" not in xml:
            continue
        cells = _uncached(xml)
        if cells:
            found[sheet] = cells
    return found


def sheet_paths(book: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    rels: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for tag in REL.findall(book.read("xl/_rels/workbook.xml.rels")):
            attrs = dict(ATTR.findall(tag))
            target = attrs.get(b"Target", b"").decode()
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            rels[attrs.get(b"Id", b"").decode()] = posixpath.normpath(path)
    out: dict[str, str] = {}
    for name, rid in SHEET.findall(book.read("xl/workbook.xml")):
        path = rels.get(rid.decode())
        if path in names:
            out[html.unescape(name.decode())] = path
    return out


def _uncached(xml: bytes) -> list[tuple[int, str, str]]:
    cells: list[tuple[int, str, str]] = []
    for match in CELL.finditer(xml):
        body = match.group(2)
        if not body:
            continue
        formula = FORMULA.search(body)
        if formula is None or VALUE.search(body):
            continue
        if TEXT_TYPE.search(match.group(1)) and EMPTY_TEXT.search(body):
            continue  # calculated, and its result is the empty string: an empty cell
        ref = REF.search(match.group(1))
        if ref is None:
            continue
        text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
        cells.append((int(ref.group(2)), ref.group(1).decode(), text))
        if len(cells) >= MAX_LISTED:
            break
    return cells
