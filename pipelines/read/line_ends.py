"""Line ends as spreadsheets read them: CRLF, LF and a lone CR each end a line, even mixed in
one file (a file edited on two systems); a CR or LF inside a quoted value stays in the value."""

from __future__ import annotations

import re

_LONE_CR = re.compile(r"\r(?!\n)")


def spreadsheet_lines(text: str) -> str:
    """`text` with every line end outside quotes made `\\n` (CRs inside quoted values kept)."""
    if "\r" not in text:
        return text
    if "\n" not in text:  # classic Mac line ends throughout
        return text.replace("\r", "\n")
    text = text.replace("\r\n", "\n")
    if "\r" not in text:
        return text
    parts = text.split('"')  # even parts are outside quotes ("" inside a value toggles twice)
    parts[::2] = [_LONE_CR.sub("\n", part) for part in parts[::2]]
    return '"'.join(parts)
