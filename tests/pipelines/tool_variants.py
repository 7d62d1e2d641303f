"""Real downloads of the tool fixtures, rebuilt: the same exports as users hand them over.

The fixtures in tests/fixtures/tools are written the way each tool's documentation describes
them. Files reach us after a person opened them: saved again as a workbook, re-saved by a
European Excel (semicolons, Windows-1252 or UTF-16 with tabs, decimal commas, dates as
`10.03.2025` or `3/10/2025`), Google Sheets downloads with merged titles and percentage
cells, outlines indented by cell formatting, JSON wrapped in an object or one record a line.
Each builder here turns a fixture (or a small table of its own) into such a file, in its real
format, with openpyxl, csv and json; the tests load them as a user would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

TOOLS = Path(__file__).parents[1] / "fixtures" / "tools"
VIVA = TOOLS / "viva_goals_csv" / "VivaGoals_48213_new_view_2025_06_30_1751290862.csv"
GRADING = TOOLS / "grading_sheet_google" / "Team Atlas OKRs - Q3 2025 grading.csv"
QUANTIVE = TOOLS / "quantive_import" / "quantive_okr_import.xlsx"
ASANA_GOALS = TOOLS / "asana_goals_export" / "export"
ISO_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
Cells = list[list[str]]


def viva_rows() -> Cells:
    with VIVA.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _column(rows: Cells, header: str) -> int:
    return rows[0].index(header)


def _rewrite(rows: Cells, headers: tuple[str, ...], change: Callable[[str], str]) -> Cells:
    """`rows` with the cells of the columns `headers` (below the header) passed to `change`."""
    columns = [_column(rows, h) for h in headers]
    out = [list(rows[0])]
    for row in rows[1:]:
        new = list(row)
        for j in columns:
            if j < len(new) and new[j]:
                new[j] = change(new[j])
        out.append(new)
    return out


def _dates(rows: Cells, form: Callable[[dt.date], str]) -> Cells:
    def change(cell: str) -> str:
        m = ISO_DAY.match(cell)
        return form(dt.date(int(m[1]), int(m[2]), int(m[3]))) if m else cell

    return _rewrite(rows, ("Start Date", "End Date"), change)


def write_csv(path: Path, rows: Cells, *, delimiter: str = ",", encoding: str = "utf-8",
              newline: str = "\r\n", errors: str = "strict") -> Path:  # fmt: skip
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors))
    return path


def viva_german_excel(folder: Path) -> Path:
    """The list view opened and saved again by a German Excel: `;`, Windows-1252, dates
    `10.03.2025`, the percent column as `58,0`; its trailing empty columns kept."""
    rows = _dates(viva_rows(), lambda d: d.strftime("%d.%m.%Y"))
    rows = _rewrite(rows, ("Progress %", "Actual Progress"), lambda v: v.replace(".", ",") + ",0"
                    if NUMBER.match(v) and "." not in v else v.replace(".", ","))  # fmt: skip
    path = folder / "VivaGoals_48213_new_view_2025_06_30_1751290862.csv"
    return write_csv(path, rows, delimiter=";", encoding="cp1252", errors="replace")


def viva_unicode_text(folder: Path) -> Path:
    """Saved as Excel's "Unicode Text (*.txt)": UTF-16 with its BOM, tabs, CRLF."""
    rows = _dates(viva_rows(), lambda d: d.strftime("%d.%m.%Y"))
    path = folder / "VivaGoals_48213_new_view.txt"
    return write_csv(path, rows, delimiter="\t", encoding="utf-16")


def viva_us_excel(folder: Path) -> Path:
    """Saved by a US Excel: dates `3/10/2025` (month first), a UTF-8 BOM ("CSV UTF-8")."""
    rows = _dates(viva_rows(), lambda d: f"{d.month}/{d.day}/{d.year}")
    path = folder / "VivaGoals_48213_new_view.csv"
    return write_csv(path, rows, encoding="utf-8-sig")


def viva_progress_as(folder: Path, form: str) -> Path:
    """`Progress %` written as `58%` text (form "text") or as a fraction 0.58 ("fraction")."""

    def change(cell: str) -> str:
        if not NUMBER.match(cell):
            return cell
        return f"{cell}%" if form == "text" else f"{float(cell) / 100:g}"

    rows = _rewrite(viva_rows(), ("Progress %", "Actual Progress"), change)
    return write_csv(folder / f"VivaGoals_48213_progress_{form}.csv", rows, encoding="utf-8-sig")


def _typed(cell: str) -> object:
    """A CSV cell as Excel types it on opening: numbers, ISO days as dates, else text."""
    if NUMBER.match(cell):
        return float(cell) if "." in cell else int(cell)
    if m := ISO_DAY.match(cell):
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]))
    return cell


def viva_xlsx(folder: Path) -> Path:
    """The list view opened in Excel and saved as a workbook: numbers and days typed."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "VivaGoals_48213_new_view"
    for i, row in enumerate(viva_rows()):
        sheet.append([cell if i == 0 or cell == "" else _typed(cell) for cell in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    path = folder / "VivaGoals_48213_new_view_2025_06_30.xlsx"
    book.save(path)
    return path


# --- a Google Sheets grading sheet, downloaded as .xlsx ------------------------------------


def grading_rows() -> Cells:
    with GRADING.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f)][3:]  # below the title, the blank row, the header


GRADING_HEADER = ["Objective", "Key Result", "Owner", "Mid-Q Actual", "Mid-Q Projection", "End-Q",
                  "Notes"]  # fmt: skip


def _score(cell: str, form: str) -> str | float:
    """A score as the sheet holds it: `percent` a 0.7 cell shown as 70%, `percent_text` the
    text "70%", `text` the text "0.7" (a column formatted as plain text)."""
    if not NUMBER.match(cell.lstrip(".").replace(".", "", 1) or "x") and not NUMBER.match(cell):
        return cell  # n/a
    value = float(cell)
    if form == "percent":
        return value
    if form == "percent_text":
        return f"{value * 100:g}%"
    return f"{value:g}"


def grading_google_xlsx(
    folder: Path, *, fill_down: bool = False, header_row: int = 3, averages: bool = False
) -> Path:
    """The grading sheet as Google Sheets downloads it: a title merged across the columns,
    a frozen header on `header_row`, Mid-Q Actual as 0.4 cells formatted `0%`, Mid-Q
    Projection as "70%" text, End-Q as "0.7" text, a blank row between objectives, no
    objective-average rows. `fill_down`: the objective on a row of its own (Key Result
    empty), its key results below with the Objective cell empty."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Q3 2025"
    sheet["A1"] = "Team Atlas — Q3 2025 OKRs"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "Graded 2025-10-03 by the team; scores 0–1"
    sheet.merge_cells("A2:G2")
    r = header_row
    for j, text in enumerate(GRADING_HEADER, start=1):
        sheet.cell(r, j, text).font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"
    previous = None
    for row in grading_rows():
        if not row[0] or row[1] in ("Objective average", ""):
            continue  # summary rows and the blank row: this sheet has none
        if row[0] != previous:
            if previous is not None:
                r += 1  # a blank separator row
            if fill_down:
                r += 1
                sheet.cell(r, 1, row[0]).font = Font(bold=True)
                if averages:  # the objective's row carries its average grades
                    for j, average in ((4, 0.35), (5, "70%"), (6, "0.7")):
                        sheet.cell(r, j, average)
            previous = row[0]
        r += 1
        values: list[str | float | None] = [None if fill_down else row[0], row[1], row[2] or None,
                  _score(row[3], "percent"), _score(row[4], "percent_text"),
                  _score(row[5], "text"), row[6] or None]  # fmt: skip
        for j, value in enumerate(values, start=1):
            cell = sheet.cell(r, j, value)
            if j == 4 and isinstance(value, float):
                cell.number_format = "0%"
    path = folder / "Team Atlas OKRs - Q3 2025 grading.xlsx"
    book.save(path)
    return path


# --- an outline indented by cell formatting ------------------------------------------------


def outline_indented(
    folder: Path, *, typed: bool = True, numbering: str = "", indent: bool = True
) -> Path:
    """The outline fixture's items as a workbook whose titles are indented by the cells'
    Indent format (Format Cells › Alignment › Indent), no leading spaces, no numbers; with a
    `Type` column when `typed`. `numbering`: "objective" leads the titles with `Objective 1:`
    / `KR 1.2:`, "bare" with `1.2 `; "okr" writes `O1` / `KR1.2` in a `No.` column, "letters"
    `1.`, `1.1.`, `1.1.a` there."""
    from tests.fixtures.tools._outline_data import OUTLINE  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "OKRs 2026"
    header = (["No."] if numbering in ("okr", "letters") else []) + (["Type"] if typed else [])
    sheet.append([*header, "Title", "Owner", "Outcome"])
    counters: list[int] = []
    for item in OUTLINE:
        level, kind, title, owner, outcome = item[0], item[1], item[2], item[3], item[4]
        counters = counters[: level - 1] + [counters[level - 1] + 1 if len(counters) >= level
                                            else 1]  # fmt: skip
        label = _label(counters, kind, numbering)
        if numbering == "objective":
            title = f"{label}: {title}"
        elif numbering == "bare":
            title = f"{label} {title}"
        cells = ([label] if numbering in ("okr", "letters") else []) + ([kind] if typed else [])
        sheet.append([*cells, title, owner, outcome or None])
        if indent:
            sheet.cell(sheet.max_row, len(cells) + 1).alignment = Alignment(indent=level - 1)
    path = folder / "Quillfeather_OKRs_2026_indented.xlsx"
    book.save(path)
    return path


def _label(counters: list[int], kind: str, numbering: str) -> str:
    dotted = ".".join(str(n) for n in counters)
    if numbering == "objective":
        return f"{'Objective' if kind == 'Objective' else 'KR'} {dotted}"
    if numbering == "okr":
        return f"{'O' if kind == 'Objective' else 'KR'}{dotted}"
    if numbering == "letters":  # 1. / 1.1. / 1.1.a at the third level
        parts = [str(n) for n in counters]
        if len(parts) >= 3:
            parts[2] = "abcdefghij"[counters[2] - 1]
        return ".".join(parts) + ("." if len(parts) < 3 else "")
    return dotted


# --- a Quantive workbook saved again ------------------------------------------------------


def quantive_resaved(folder: Path) -> Path:
    """The import workbook after a person worked on it: `OKRs` moved behind `Users` and
    `Tasks`, its headers retyped as words (`Key Result Name`, `Initial value`), formulas
    kept as their values."""
    book = load_workbook(QUANTIVE, data_only=True)
    okrs = book["OKRs"]
    words = {"objective": "Objective", "keyResultName": "Key Result Name", "owner": "Owner",
             "initialValue": "Initial value", "targetValue": " Target Value ", "type": "Type",
             "actual": "Actual"}  # fmt: skip
    for cell in okrs[1]:
        cell.value = words.get(str(cell.value), cell.value)
    book.move_sheet("OKRs", offset=len(book.sheetnames) - 1)
    path = folder / "quantive_okr_import (1).xlsx"
    book.save(path)
    return path


# --- JSON records, wrapped or one a line ------------------------------------------------------


def asana_wrapped(folder: Path, form: str) -> list[Path]:
    """The Asana goals files as the API answers (`{"data": [...], "next_page": null}`), or
    as `form` "jsonl" / "ndjson" (one record a line), or wrapped under a named key
    (`{"goals": [...]}`, form "named")."""
    out = []
    for source in sorted(ASANA_GOALS.glob("*.json")):
        records = json.loads(source.read_text(encoding="utf-8"))
        if form in ("jsonl", "ndjson"):
            path = folder / f"{source.stem}.{form}"
            lines = [json.dumps(r, ensure_ascii=False) for r in records]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            body = ({"data": records, "next_page": None} if form == "data"
                    else {source.stem: records})  # fmt: skip
            path = folder / source.name
            path.write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
        out.append(path)
    return out


# --- any CSV fixture, opened and saved again by Excel ------------------------------------------

STAMP = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::\d\d)?$")
GENERAL = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)$")  # what Excel reads as a number


def read_fixture_csv(path: Path) -> Cells:
    """A CSV fixture's cells, whatever its encoding and separator."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _shown(day: dt.date, style: str) -> str:
    return day.strftime("%d.%m.%Y") if style == "german" else f"{day.month}/{day.day}/{day.year}"


def excel_cell(cell: str, style: str) -> str:
    """A cell as an Excel of `style` writes it back: `german` (10.03.2025, 10.03.2025 14:36,
    0,7) or `us` (3/10/2025, 3/10/2025 14:36); numbers in Excel's General format (`.7` and
    `0.70` become 0.7, `1.0` becomes 1); text Excel does not convert stays."""
    if m := ISO_DAY.match(cell):
        return _shown(dt.date(int(m[1]), int(m[2]), int(m[3])), style)
    if m := STAMP.match(cell):
        day = _shown(dt.date(int(m[1]), int(m[2]), int(m[3])), style)
        return f"{day} {m[4]}:{m[5]}"  # Excel's default format drops the seconds
    if GENERAL.match(cell):
        shown = f"{float(cell):.15g}"
        return shown.replace(".", ",") if style == "german" else shown
    return cell


def excel_resaved(source: Path, folder: Path, style: str) -> Path:
    """`source` opened in Excel and saved again as CSV: `german` (semicolons, Windows-1252,
    CRLF), `us` ("CSV UTF-8": a BOM, commas), `unicode` (UTF-16 tab-separated text, German
    dates and decimals); every header row and title row kept."""
    rows = [[excel_cell(c, "us" if style == "us" else "german") for c in row]
            for row in read_fixture_csv(source)]  # fmt: skip
    path = folder / source.name
    if style == "german":
        return write_csv(path, rows, delimiter=";", encoding="cp1252", errors="replace")
    if style == "unicode":
        return write_csv(path.with_suffix(".txt"), rows, delimiter="\t", encoding="utf-16")
    return write_csv(path, rows, encoding="utf-8-sig")


def xlsx_resaved(source: Path, folder: Path) -> Path:
    """`source` opened in Excel and saved as a workbook: numbers and ISO days typed."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = source.stem[:31]
    for row in read_fixture_csv(source):
        sheet.append([None if c == "" else _typed(c) for c in row])
    path = folder / f"{source.stem}.xlsx"
    book.save(path)
    return path
