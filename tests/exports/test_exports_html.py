"""The closing pack as standalone HTML, opened in headless Chromium with the network cut off.

Also saves docs/screenshots/closing_pack.png (the README's picture) from a demo department.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from exports import build_closing_pack, pack_to_html
from metrics.scores.bands import BAND_COLORS
from tests.exports.test_exports_pack import HOSTILE, dataset_of, hostile_company, run
from tests.support.stores import write_store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "closing_pack.png"

# The tooltip text (<title>) of every mark of an SVG chart.
TITLES = "id => [...document.querySelectorAll('#' + id + ' g > title')].map(t => t.textContent)"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


class Opened:
    """A page opened offline, with what it tried to fetch, logged and alerted."""

    def __init__(self, page, blocked: list[str], errors: list[str], dialogs: list[str]):
        self.page, self.blocked, self.errors, self.dialogs = page, blocked, errors, dialogs


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_offline(browser, path: Path) -> Opened:
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("file:", "about:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('svg.chart-svg').length >= 3")
    return Opened(page, blocked, errors, dialogs)


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    db = write_store(folder / "hostile.duckdb", hostile_company(), as_of=date(2026, 3, 31))
    out = folder / "pack.html"
    result = run("report", "--db", str(db), "--cycle", "2026-Q1", "--team", "co", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_the_file_references_nothing_outside_itself(hostile_html: Path):
    text = hostile_html.read_text()
    assert not re.search(r"""<(script|link|img|iframe)[^>]*\s(src|href)=""", text, re.I)
    assert (
        'src="https://cdn.plot.ly' not in text
        and "@import" not in text
        and "@font-face" not in text
    )
    assert "plotly" not in text.lower() and "<script" not in text  # no chart library, no script
    assert "default-src 'none'" in text  # and the page's policy forbids fetching anything
    assert "script-src" not in text  # so no script may run at all


def test_charts_render_offline_without_errors(browser, hostile_html: Path):
    opened = open_offline(browser, hostile_html)
    page = opened.page
    ids = page.eval_on_selector_all("svg.chart-svg", "els => els.map(e => e.id)")
    assert ids == ["chart-bands", "chart-objectives", "chart-movement"]
    for chart in ids:  # drawn: each has a size on the page and marks in it
        box = page.locator(f"#{chart}").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator(f"#{chart} g.bar, #{chart} g.move").count() >= 1
    assert opened.blocked == [] and opened.errors == [] and opened.dialogs == []
    # Band colours: the bars of the band chart are painted in metrics.scores.bands' colours.
    fills = page.eval_on_selector_all(
        "#chart-bands g.bar rect", "els => els.map(e => getComputedStyle(e).fill)"
    )
    assert len(fills) == 5
    assert "rgb(26, 152, 80)" in fills  # the sweet spot's #1a9850
    assert BAND_COLORS["sweet"] == "#1a9850"
    page.context.close()


def test_hostile_text_is_shown_literally(browser, hostile_html: Path):
    opened = open_offline(browser, hostile_html)
    page = opened.page
    text = page.inner_text("body")
    for value in HOSTILE.values():
        assert value in text, value
    assert "R&D <Ops>" in text
    # Nothing the users typed became markup: no injected elements, no alert.
    assert page.locator("main a[href='http://x'], main img, main b:text('bold')").count() == 0
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent.length)")
    assert all(length > 0 for length in scripts)
    assert opened.dialogs == []
    # In the charts too: labels and tooltips show the characters, not markup.
    ticks = page.eval_on_selector_all(
        "#chart-objectives text.label", "els => els.map(e => e.textContent)"
    )
    assert HOSTILE["script"] in ticks and HOSTILE["formula"] in ticks
    assert page.locator("svg.chart-svg a, svg.chart-svg script, svg.chart-svg image").count() == 0
    hovers = page.evaluate(TITLES, "chart-objectives")
    assert any(HOSTILE["script"] in h for h in hovers), hovers
    assert any("R&D <Ops> · " + HOSTILE["img"] in h for h in hovers), hovers
    assert opened.errors == [] and opened.dialogs == []
    page.context.close()


def test_print_layout_keeps_tables_whole(browser, hostile_html: Path):
    opened = open_offline(browser, hostile_html)
    page = opened.page
    page.emulate_media(media="print")
    assert page.eval_on_selector("table.data thead", "e => getComputedStyle(e).display") == (
        "table-header-group"
    )
    assert page.eval_on_selector("table.data tr", "e => getComputedStyle(e).breakInside") == (
        "avoid"
    )
    notes = page.locator("#objectives th.notes")
    assert notes.is_visible()  # an empty Notes column to write on, on paper only
    # Charts scale to the page: none is wider than the landscape page's printable width.
    page.set_viewport_size({"width": 1046, "height": 740})  # A4 landscape less 12 mm margins
    widths = page.eval_on_selector_all(
        "svg.chart-svg", "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert len(widths) == 3 and all(0 < w <= 1046 for w in widths), widths
    pdf = page.pdf(landscape=True, format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    page.context.close()


def test_screenshot_of_a_demo_department(browser, demo_store: Path, tmp_path: Path):
    """The largest demo department's pack for the running cycle, as the README shows it."""
    dataset = dataset_of(demo_store)
    pack = build_closing_pack(dataset, None, largest_department(dataset))
    out = tmp_path / "department.html"
    out.write_text(pack_to_html(pack))
    opened = open_offline(browser, out)
    assert opened.errors == [] and opened.blocked == []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    opened.page.set_viewport_size({"width": 1300, "height": 1700})  # headline to objectives
    opened.page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
    opened.page.context.close()


def largest_department(dataset) -> str:
    from metrics.scores.rollups import team_lineage

    lineage = team_lineage(dataset.teams)
    per = dataset.objectives.merge(lineage, on="team_id")["department_id"].value_counts()
    return str(per.index[0])
