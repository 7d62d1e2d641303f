"""Kinds of file the reader cannot read, named by their suffix, each with how to turn it into
one it can. Said before anything else about the file: "no OKR table found" would be true but
would not help."""

from __future__ import annotations

from pathlib import Path

from pipelines.problems import Problem

CONVERT = {
    ".numbers": "Numbers files cannot be read: in Numbers, File → Export To → CSV or Excel, "
    "then load that file",
    ".ods": "OpenDocument spreadsheets cannot be read: in LibreOffice Calc, File → Save As → "
    "Excel 2007-365 (.xlsx) or Text CSV, then load that file",
    ".pdf": "PDF files cannot be read (they hold the page, not the table): export the OKRs as "
    "CSV or Excel from the tool that made the PDF",
    ".docx": "Word documents cannot be read: copy the OKR table into a spreadsheet and save it "
    "as CSV or Excel",
    ".doc": "Word documents cannot be read: copy the OKR table into a spreadsheet and save it "
    "as CSV or Excel",
    ".pages": "Pages documents cannot be read: copy the OKR table into a spreadsheet and save "
    "it as CSV or Excel",
}


def unsupported_kind(name: str | Path) -> str | None:
    """What to do with a file of a kind the reader cannot read; None for any other file."""
    return CONVERT.get(Path(name).suffix.lower())


def refused_paths(paths: list[Path]) -> list[Problem]:
    """The paths an import is refused for before anything is opened: those that do not
    exist, and files of a kind the reader cannot read (each with how to convert it)."""
    problems = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), None, None, None, "no such file or folder"))
        elif path.is_file() and unsupported_kind(path):
            problems.append(Problem(str(path), None, None, None, str(unsupported_kind(path))))
    return problems
