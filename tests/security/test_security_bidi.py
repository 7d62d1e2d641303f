"""Bidirectional controls are data too: a right-to-left override in a title (`Q3 report
\u202egpj.exe`, shown as `Q3 report exe.jpg`) is spelled out on the command line and on the
pages, never left to reorder the text around it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.text import md, md_code
from okr_health.terminal import terminal_text
from tests.support.ingest import write_csv

CLI = [sys.executable, "-m", "okr_health.cli"]
# the embeddings and overrides (LRE RLE PDF LRO RLO) and the isolates (LRI RLI FSI PDI)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
RAW_BIDI = re.compile(f"[{BIDI}]")
SPOOF = "Ship report \u202egpj.exe"
SPELLED = "Ship report \\u202egpj.exe"


@pytest.mark.parametrize("char", list(BIDI))
def test_terminal_text_spells_each_bidi_control_out(char: str) -> None:
    assert terminal_text(f"a{char}b") == f"a\\u{ord(char):04x}b"


def test_terminal_json_still_decodes_to_the_stored_text() -> None:
    printed = terminal_text(json.dumps({"title": SPOOF}, ensure_ascii=False))
    assert not RAW_BIDI.search(printed)
    assert json.loads(printed) == {"title": SPOOF}


def test_page_escaper_spells_bidi_controls_out() -> None:
    shown = md(SPOOF)
    assert not RAW_BIDI.search(shown)
    # Markdown unescaped, as the page renders it: the characters of the spelling, in order
    assert re.sub(r"\\(.)", r"\1", shown) == SPELLED
    assert md_code(f"x{BIDI}") == "`x" + "".join(f"\\u{ord(c):04x}" for c in BIDI) + "`"
    assert md("tab\there, Arabic \u0645\u0631\u062d\u0628\u0627") == (
        "tab\there, Arabic \u0645\u0631\u062d\u0628\u0627"  # right-to-left text itself stays
    )


def test_no_bidi_control_reaches_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    header: list[object] = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start"]
    rows: list[list[object]] = [
        [*header, "Target", "Current"],
        ["2025-Q3", "Sales", SPOOF, "Revenue\u2067x\u2069", "Ann\u202d", 0, 10, 4],
    ]
    path = write_csv(tmp_path / "okrs.csv", rows)
    outputs = []
    for command in (["ingest", str(path)], ["summary"], ["scores", "--format", "json"]):
        done = subprocess.run(
            [*CLI, *command, "--db", str(db)], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert not RAW_BIDI.search(done.stdout + done.stderr), repr(done.stdout[:300])
        outputs.append(done.stdout)
    assert "Revenue\\u2067x\\u2069" in outputs[2]
    titles = {row["title"] for row in json.loads(outputs[2])}
    assert titles == {"Revenue\u2067x\u2069"}  # stored as written: only the print is spelled
