"""User text never runs and never renders as markup, on any page, in a real browser.

A store whose every user-typed text is hostile (script tags, event handlers, markdown links,
emphasis, colour directives, LaTeX) is served by `okr-health serve` and every page is
visited in Chromium: no dialog may open, no injected element may exist, no request may fail,
and the hostile text must be on the page as the very characters typed — in captions,
headings, chart labels and chart hover text alike.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.text import md, md_code
from exports.plot_text import escape_figure, plot_text
from tests.support.stores import small_company, write_store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

CYCLE = "<img src=x onerror=alert('cycle')>"
HOSTILE = {
    "cycle name": "**Q1** [home](javascript:alert('cycle-name'))",
    "department": "<script>alert('dept')</script>",
    "other department": "[Ops](javascript:alert('ops')) :red[R&D] <b>bold</b>",
    "objective": '=HYPERLINK("http://example.com","click")',
    "objective 2": "<img src=x onerror=alert('objective')>",
    "objective 3": "**bold** _it_ `code` $x^2$ &lt;not a tag&gt;",
    "key result": "<script>alert('kr')</script>",
    "owner": "<b onmouseover=alert('owner')>Ana</b>",
}


def hostile_company() -> dict[str, pd.DataFrame]:
    t = small_company()
    t["cycles"]["cycle_id"] = CYCLE
    t["cycles"]["name"] = HOSTILE["cycle name"]
    t["objectives"]["cycle_id"] = CYCLE
    teams = t["teams"].set_index("team_id")
    teams.loc["sales", "name"] = HOSTILE["department"]
    teams.loc["ops", "name"] = HOSTILE["other department"]
    t["teams"] = teams.reset_index()
    objectives = t["objectives"].set_index("objective_id")
    objectives.loc["o-sales", ["title", "owner"]] = [HOSTILE["objective"], HOSTILE["owner"]]
    objectives.loc["o-ops", "title"] = HOSTILE["objective 2"]
    objectives.loc["o-ops2", "title"] = HOSTILE["objective 3"]
    t["objectives"] = objectives.reset_index()
    krs = t["key_results"].astype({"owner": "object"}).set_index("kr_id")
    krs.loc["k1", ["title", "owner"]] = [HOSTILE["key result"], HOSTILE["owner"]]
    t["key_results"] = krs.reset_index()
    return t


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:" + "\u2060" + r"alert\(1\)\)"),
        ("**b** :red[r] $x$ #h", r"\*\*b\*\* \:" + "\u2060" + r"red\[r\] \$x\$ \#h"),
        ("two\nlines\r", "two lines "),
    ],
)
def test_markdown_escape(text: str, markdown: str) -> None:
    assert md(text) == markdown


def test_code_span_holds_any_backticks() -> None:
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x`") == "`` `x` ``"


def test_figure_strings_become_entities_and_numbers_stay() -> None:
    import plotly.graph_objects as go

    fig = escape_figure(go.Figure(go.Bar(y=["<b>x</b>", "R&D", "&lt;"], x=[1, 2, 3], name="<i>")))
    assert list(fig.data[0].y) == ["&lt;b&gt;x&lt;/b&gt;", "R&D", "&amp;lt;"]
    assert list(fig.data[0].x) == [1, 2, 3]
    assert fig.data[0].name == "&lt;i&gt;"


# --- in the browser ------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, log: Path, *extra: str, env: dict[str, str] | None = None):
    """`okr-health serve` on `db`; yields its URL once healthy, stops it afterwards."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "okr_health.cli", "serve", "--db", str(db),
             "--port", str(port), *extra],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    pytest.fail(f"dashboard did not start:\n{log.read_text()}")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    db = write_store(folder / "hostile.duckdb", hostile_company(), as_of=date(2026, 2, 15))
    proc, url = serve(db, folder / "serve.log")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class Watched:
    """A Chromium page that records dialogs, errors and failed requests."""

    def __init__(self, page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))
        page.on(
            "response",
            lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str, heading: str) -> None:
        page = self.page
        if heading == "Overview":
            page.goto(url)
        else:
            page.locator('[data-testid="stSidebarNav"]').get_by_text(heading, exact=True).click()
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
        )
        page.wait_for_timeout(800)

    def has_text(self, text: str) -> bool:
        """`text` is the text content of some element (HTML or SVG), character for character
        (waiting up to 20 s for charts to draw); the invisible word joiner `md()` puts after a
        colon, so that no `:code:` is read from it, is not a character of the text."""
        try:
            self.page.wait_for_function(
                """text => [...document.querySelectorAll('body *')].some(
                       e => e.children.length === 0
                            && e.textContent.replaceAll('\u2060', '').includes(text))""",
                arg=text,
                timeout=20_000,
            )
        except PlaywrightTimeout:
            return False
        return True

    def injected(self) -> list[str]:
        """Elements that only injected markup could have created."""
        return self.page.evaluate(
            """() => [
                ...document.querySelectorAll('img[src="x"], [onerror], [onmouseover]'),
                ...[...document.querySelectorAll('script')].filter(
                    s => s.textContent.includes('alert(')),
                ...document.querySelectorAll('a[href^="javascript:"]'),
            ].map(e => e.outerHTML)"""
        )

    def hover_texts(self, chart_text: str, selector: str) -> list[str]:
        """Hover over each visible mark of the chart showing `chart_text`; the hover labels."""
        chart = self.page.locator(".js-plotly-plot").filter(has_text=chart_text).first
        chart.scroll_into_view_if_needed()
        texts = []
        marks = chart.locator(selector)
        for i in range(marks.count()):
            box = marks.nth(i).bounding_box()
            if not box or box["width"] < 2 or box["height"] < 2:
                continue
            self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            self.page.wait_for_timeout(300)
            texts.append(chart.locator(".hoverlayer").text_content() or "")
        return texts


# What each page must show literally: captions, headings, axis labels, the sidebar.
SHOWN = {
    "Overview": [CYCLE, HOSTILE["department"], HOSTILE["other department"]],
    "Alignment": [CYCLE, HOSTILE["objective 2"], HOSTILE["other department"]],
    "Coach": [f"Quality lint · {CYCLE}", HOSTILE["department"], HOSTILE["other department"]],
    "Closing meeting": [HOSTILE["cycle name"], HOSTILE["other department"], HOSTILE["objective 3"]],
    "Data": [],
}
UPLOADED = "<img src=x onerror=alert('file')>.csv"
COLUMN = "<script>alert('column')</script>"
UPLOAD = (
    f"Quarter,Team,Objective,Key Result,Owner,Start,Target,Current,{COLUMN}\n"
    "2025-Q3,Sales,Grow revenue,Revenue 100 to 110,Ann,100,110,106,x\n"
).encode()
# Charts whose hover labels must hold user text literally: (page, chart title, marks, texts).
HOVERED = [
    ("Overview", "Departments", ".barlayer .point path",
     [HOSTILE["department"], HOSTILE["other department"]]),
    ("Alignment", "All objectives", ".slice", [HOSTILE["objective"], HOSTILE["owner"]]),
]  # fmt: skip


@needs_chromium
def test_hostile_text_is_shown_literally_on_every_page(hostile_server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watched = Watched(browser.new_page(viewport={"width": 1400, "height": 1000}))
        for heading, texts in SHOWN.items():
            watched.open(hostile_server, heading)
            missing = [t for t in texts if not watched.has_text(t)]
            assert not missing, f"{heading}: not shown literally: {missing}"
            assert watched.injected() == [], heading
            if heading == "Objective":  # its title heads the page, character for character
                # (Streamlit's GFM autolinks the URL inside it; see dashboard/text.py)
                title = watched.page.locator("h3").filter(has_text="HYPERLINK").first
                shown = (title.text_content() or "").replace("\u2060", "")
                assert shown == HOSTILE["objective"]
            if heading == "Data":  # a hostile file name and column header, uploaded
                watched.page.locator('input[type="file"]').first.set_input_files(
                    files=[{"name": UPLOADED, "mimeType": "text/csv", "buffer": UPLOAD}]
                )
                for text in (UPLOADED, f"{UPLOADED}: {COLUMN}"):
                    assert watched.has_text(text), text
                assert watched.injected() == []
            for page, chart, marks, wanted in HOVERED:
                if page == heading:
                    hovers = watched.hover_texts(chart, marks)
                    for text in wanted:
                        assert any(text in h for h in hovers), (heading, text, hovers)
        assert watched.dialogs == []
        assert watched.errors == []
        browser.close()


@pytest.mark.parametrize(
    ("value", "limit", "shown"),
    [
        ("<b>Grow</b>", None, "&lt;b&gt;Grow&lt;/b&gt;"),
        ("R&D", None, "R&D"),  # a plain ampersand is no entity: Plotly shows it as it is
        ("&lt;", None, "&amp;lt;"),  # an entity-like run would be decoded: escaped
        ("A long objective title", 7, "A long…"),
        (None, None, ""),
        (float("nan"), None, ""),
    ],
)
def test_plot_text_is_literal_for_packs_and_pages(value: object, limit: int | None, shown: str):
    assert plot_text(value, limit) == shown


@needs_chromium
def test_hostile_text_is_literal_on_the_objective_and_owner_pages(hostile_server: str) -> None:
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for address, heading, texts in (
            (f"objective?{urlencode({'id': 'o-sales'})}", "Objective",
             [f"Owner: {HOSTILE['owner']}", HOSTILE["key result"], HOSTILE["department"]]),
            (f"owner?{urlencode({'name': HOSTILE['owner']})}", "Owner",
             [HOSTILE["owner"]]),  # its objectives are in a table: a canvas, plain text
        ):  # fmt: skip
            watched = Watched(browser.new_page(viewport={"width": 1400, "height": 1000}))
            watched.page.goto(f"{hostile_server}/{address}")
            watched.page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
            watched.page.wait_for_timeout(1500)
            missing = [t for t in texts if not watched.has_text(t)]
            assert not missing, f"{heading}: not shown literally: {missing}"
            assert watched.injected() == [], heading
            if heading == "Objective":  # its title heads the page, character for character
                # (Streamlit's GFM autolinks the URL inside it; see dashboard/text.py)
                title = watched.page.locator("h3").filter(has_text="HYPERLINK").first
                shown = (title.text_content() or "").replace("\u2060", "")
                assert shown == HOSTILE["objective"]
            assert watched.dialogs == []
            # A page's own address first probes /<page>/_stcore/… (streamlit/streamlit#7074).
            probes = [e for e in watched.errors if "/_stcore/" in e or "404 (Not Found)" in e]
            assert [e for e in watched.errors if e not in probes] == [], heading
            watched.page.close()
        browser.close()
