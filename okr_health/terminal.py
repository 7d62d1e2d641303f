"""What the command line prints is data, never terminal control: the one output edge.

Titles, owners, notes and messages come from whoever wrote the spreadsheet. A control
character printed raw acts on the terminal: ESC sequences recolour or clear it, OSC 52 writes
the operator's clipboard, OSC 0 retitles the window, a CR overwrites the line it is on. So
every line the commands print goes through `echo`, which spells each control character (C0
but tab and newline, DEL, C1, and the bidirectional controls that reorder a line) out as
`\\u001b`: visible, and in JSON output the very escape
that decodes back to the character, so the JSON stays exact. CSV written for programs (not a
terminal) is left exact (`okr-health scores --format csv > file.csv`).
"""

from __future__ import annotations

import re
import sys

import typer

# C0 but tab and newline, DEL, C1; and the bidirectional embeddings, overrides and isolates
# (U+202A–U+202E, U+2066–U+2069), which reorder what follows them: `txt.exe` shown for `exe.txt`
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """`text` with every control character but tab and newline, and every bidirectional
    control, spelled `\\uXXXX`."""
    return CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def echo(message: object = "", err: bool = False) -> None:
    """`typer.echo`, with control characters neutralised."""
    typer.echo(terminal_text("" if message is None else str(message)), err=err)


def write_data(text: str) -> None:
    """Data for programs (CSV) on stdout: exact when piped, neutralised on a terminal."""
    sys.stdout.write(terminal_text(text) if sys.stdout.isatty() else text)
