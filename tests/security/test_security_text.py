"""Text is data wherever it goes: no control character from a file reaches the terminal, and no
link, image, icon, colour or formula is rendered on a page from what a file says."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text import md
from okr_health.terminal import terminal_text
from tests.support.ingest import write_csv
from tests.support.pages import open_app
from tests.support.stores import small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]
OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # writes the terminal's clipboard
OSC0 = "\x1b]0;owned\x07"  # retitles the window
CSI = "\x1b[2J\x1b[31m"  # clears the screen, recolours
C1 = "\x9b31m\x85"  # the one-byte CSI and NEL
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HEADER: list[object] = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target"]
HEADER += ["Current"]
ROWS: list[list[object]] = [
    ["2025-Q3", "Sales", f"Grow{OSC52}", f"Revenue{OSC0}", f"Ann{CSI}", 0, 10, 4],
    ["2025-Q3", "Sales", f"Sell{C1}", f"Deals{C1}\x07", "Bo\x7fb", 0, 10, 5],
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


def test_terminal_text_spells_control_characters_out() -> None:
    assert terminal_text(f"a{OSC52}b\tc\n") == "a\\u001b]52;c;ZWNobyBwd25lZA==\\u0007b\tc\n"
    assert terminal_text(C1) == "\\u009b31m\\u0085"
    assert json.loads(terminal_text(json.dumps({"t": "x\x9by"}, ensure_ascii=False))) == {
        "t": "x\x9by"
    }


def test_no_control_character_reaches_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    path = write_csv(tmp_path / "okrs.csv", [HEADER, *ROWS])
    outputs = [run("ingest", str(path), "--db", str(db))]
    assert outputs[0].returncode == 0, outputs[0].stderr
    for command in (["summary"], ["scores", "--format", "json"], ["history"]):
        outputs.append(run(*command, "--db", str(db)))
        assert outputs[-1].returncode == 0, outputs[-1].stderr
    for done in outputs:
        assert not RAW_CONTROL.search(done.stdout + done.stderr), repr(done.stdout[:300])
    assert "\\u009b31m" in outputs[2].stdout  # C1, which JSON leaves raw, spelled out
    scores = json.loads(outputs[2].stdout)  # and the JSON still decodes to the text as stored
    assert {row["title"] for row in scores} >= {f"Revenue{OSC0}", f"Deals{C1}\x07"}
    piped = run("scores", "--db", str(db))  # CSV into a pipe is data for programs: exact
    assert f"Revenue{OSC0}" in piped.stdout


HOSTILE = {
    "icon": ":material/home: :streamlit: :smile:",
    "colour": ":red[alarm] :blue-background[x]",
    "link": "[click](https://example.com/a)",
    "image": "![beacon](https://example.com/pixel.png)",
    "math": "$\\frac{1}{0}$",
    "html": "<img src=x onerror=alert(1)>",
}
# What a rendered Markdown body would turn into markup, looked for in the source as Streamlit
# reads it: unescaped brackets, parentheses, dollars and angle brackets, and `:name` codes that
# survive unescaping (Streamlit finds icons, emoji and colours after Markdown's escapes).
ACTS = re.compile(
    r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\((?<!\\)"  # [text](… or ![alt](…
    r"|:material[/_]|:streamlit:|:[a-z]+(?:-background)?\[|:smile:"  # icons, colours, emoji
    r"|(?<!\\)\$[^$]+(?<!\\)\$|(?<!\\)<[a-z]"  # KaTeX, HTML
)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_md_leaves_nothing_that_renders(kind: str) -> None:
    source = md(HOSTILE[kind])
    unescaped = re.sub(r"\\(.)", r"\1", source)
    assert not ACTS.search(source), source
    assert not re.search(r":material[/_]|:streamlit:|:smile:|:red\[", unescaped), unescaped
    assert unescaped.replace("\u2060", "") == HOSTILE[kind]  # the characters as typed


MARKDOWN_CALLS = {
    "markdown", "caption", "write", "info", "warning", "error", "success", "toast",
    "metric", "expander", "tabs", "subheader", "header", "title", "button", "status",
    "selectbox", "radio", "checkbox", "toggle", "multiselect", "download_button", "popover",
}  # fmt: skip
SAFE_CALLS = {"md", "md_code", "counted", "len", "row_counts", "fmt", "int", "float",
              "status_words"}  # status words, numbers and band labels: no user text  # fmt: skip
# The Overview verdict's lines (dashboard/sections/verdict.py): md() of every word, and numbers.
SAFE_CALLS |= {"counts_line", "since_import_line"}
# The chance of landing in words (metrics/progress/chance.py): percentages and our words only.
SAFE_CALLS |= {"chance_words"}
# Expressions the walk below finds unescaped whose values the app makes itself (counts,
# dates, headings from its own tables, numbers), reviewed one by one: none carries user text.
REVIEWED = {
    "store", "loaded.dataset.reference_date()", "named[-1] if named else stated", "title",
    "latest['import_id']", "what", "heading", "empty", "label", "delta", "help", "pack.as_of",
    "pack.midpoint", "config.min_graded_krs", "config.stale_days", "refusal", "stage",
    "st.session_state['last_load']", "counts or 'nothing'", "shown", "source.header_row",
    "graded", "cycle_state", "pattern.format(change)", "objective['level']",
    "cycle['state']", "archived",
    "loaded.report.as_of", "against",  # `against` is md() of a cycle, made a line above
    "compared",  # the Overview's md() of two cycles, made with `against`
    "head", "krs_lines",  # the understanding's sample lines, md() of every title above
    "archived + ' (they stay in the store; the source marks them archived, deleted, draft or"
    " cancelled)'", "config.confidence_days", "running", "n", "table", "len(own)",
    "notes_text",  # dashboard.key_result_words.notes_lines: md() of every note, author, value
    "TILE_LABELS[part]",  # programme health's part names: the page's own words
    "PART_LABELS[part].capitalize()",
    "LATE_DAYS", "SILENT_DAYS",  # the goalpost rules' constants (metrics/coaching/goalposts.py)
    "score_bands().sweet_text()",  # the sweet spot in force, as numbers
}  # fmt: skip
PROJECT = Path(__file__).resolve().parents[2]


def _safe(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        joined = name == "join" and all(_safe(a) for a in node.args)
        return name in SAFE_CALLS or joined or ast.unparse(node) in REVIEWED
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v) for v in node.values)
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is not None or _safe(node.value)
    if isinstance(node, ast.BinOp):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return _safe(node.elt)
    if isinstance(node, ast.List):
        return all(_safe(e) for e in node.elts)
    if isinstance(node, ast.Starred):
        return _safe(node.value)
    return ast.unparse(node) in REVIEWED


def test_every_markdown_call_in_the_dashboard_escapes_user_text() -> None:
    """Walk every `st.*` call that renders Markdown (bodies, labels, help=) in dashboard/:
    what it is given is a literal, md()/md_code() of user text, a number, or reviewed."""
    unsafe = []
    for path in sorted((PROJECT / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in MARKDOWN_CALLS:
                continue
            given = node.args[:1] + [k.value for k in node.keywords if k.arg in ("label", "help")]
            for argument in given:
                if not _safe(argument):
                    where = f"{path.relative_to(PROJECT)}:{node.lineno}"
                    unsafe.append(f"{where}: {ast.unparse(argument)}")
    assert not unsafe, "\n".join(unsafe)


def hostile_store(tmp_path: Path) -> Path:
    tables = small_company()
    text = " ".join(HOSTILE.values())
    tables["objectives"]["title"] = text
    tables["objectives"]["owner"] = HOSTILE["icon"] + " " + HOSTILE["link"]
    tables["key_results"]["title"] = HOSTILE["image"]
    return write_store(tmp_path / "okr.duckdb", tables)


def _bodies(at: AppTest) -> list[str]:
    found: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader"):
        found += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    found += [str(getattr(e, "label", "")) for e in at.expander]
    return found


@pytest.mark.parametrize("page", ["overview", "objective", "owner", "coach", "alignment"])
def test_pages_render_no_markup_from_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    db = hostile_store(tmp_path)
    at = open_app(db, monkeypatch, page)
    if page in ("owner", "objective"):  # the reflected address values too
        key, value = (
            ("name", HOSTILE["icon"] + HOSTILE["link"])
            if page == "owner"
            else ("id", HOSTILE["image"])
        )
        at.query_params[key] = value
        at.run()
    assert not at.exception, at.exception
    for body in _bodies(at):
        assert not ACTS.search(body), body
