"""The Overview in Chromium on the demo store: the Marketing-filtered trend draws Marketing
only, histogram bars and their legend agree with the bands, and a phone (390×844) sees the
verdict and a chart on its first screen with no toolbar over the titles.

With OKR_HEALTH_SCREENSHOTS set to a folder, the phone screenshot is saved there as
overview-phone.png (docs/screenshots/ for the README)."""

from __future__ import annotations

import os
import re
from html import unescape
from pathlib import Path

import pytest

from metrics.scores.bands import BAND_COLORS, band_labels, score_bands
from tests.dashboard import test_browser
from tests.dashboard.test_browser import CHROMIUM, check_clean, open_address, wait_for_page

# The server on the demo store and the browser page of tests/dashboard/test_browser.py.
server = test_browser.server
browser_page = test_browser.browser_page

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

# Every Plotly chart on the page: its title, traces as Plotly drew them (`_fullData`: typed
# arrays decoded) and what the browser shows: legend swatches, bar fills.
FIGURES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
  title: (el.layout.title && el.layout.title.text) || '',
  data: el._fullData.map(t => ({
    name: t.name, type: t.type, x: Array.from(t.x || []), y: Array.from(t.y || []),
    width: t.width === undefined ? null
      : (typeof t.width === 'number' ? [t.width] : Array.from(t.width)),
    color: t.marker && t.marker.color, dash: t.line && t.line.dash || null,
    symbol: t.marker && t.marker.symbol,
  })),
  legend: Array.from(el.querySelectorAll('.legend .traces')).map(item => ({
    text: item.querySelector('.legendtext').textContent,
    fill: (item.querySelector('.legendpoints path') || {style: {}}).style.fill,
  })),
  bars: Array.from(el.querySelectorAll('.barlayer .trace')).map(trace =>
    Array.from(trace.querySelectorAll('.point path')).map(p => p.style.fill)),
}))"""


def figures(page) -> list[dict]:
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 5", timeout=90_000
    )
    return page.evaluate(FIGURES)


def titled(found: list[dict], start: str) -> dict:
    """The first chart whose title (bold tags of Streamlit's theme aside) starts with `start`."""
    matches = [f for f in found if unescape(re.sub(r"</?b>", "", f["title"])).startswith(start)]
    assert matches, [f["title"] for f in found]
    return matches[0]


def rgb(color: str) -> str:
    """'#1a9850' as the browser writes a fill: 'rgb(26, 152, 80)'."""
    value = color.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i : i + 2], 16) for i in (0, 2, 4)))


def test_the_marketing_filtered_trend_draws_only_marketing(browser_page, server, demo_store):
    from reporting.cache import load_or_compute

    objectives = load_or_compute(demo_store).report.objectives
    marketing = objectives[objectives["department"] == "Marketing"]
    finished = marketing[marketing["cycle_id"] != "2026-Q4"].groupby("cycle_id")["score"].mean()
    heading = marketing.loc[marketing["cycle_id"] == "2026-Q4", "heading"].mean()
    company = objectives[objectives["cycle_id"] != "2026-Q4"].groupby("cycle_id")["score"].mean()
    assert (finished - company).abs().max() > 0.005  # Marketing is not the company

    page = browser_page
    open_address(page, server, "/?department=Marketing", "Overview")
    trend = titled(figures(page), "Objective score: Marketing")
    measured, forecast = trend["data"]
    assert dict(zip(measured["x"], measured["y"], strict=True)) == pytest.approx(finished.to_dict())
    assert measured["dash"] == "solid"  # measured
    assert "forecast" in forecast["name"] and forecast["dash"] == "dash"
    assert forecast["x"][-1] == "2026-Q4" and forecast["y"][-1] == pytest.approx(heading)
    assert forecast["symbol"][-1] == "circle-open"  # hollow: not a measured point
    check_clean(page)


def test_histogram_bars_match_their_band_and_their_legend(browser_page, server):
    page = browser_page
    open_address(page, server, "/", "Overview")
    histogram = titled(figures(page), "Key-result scores")
    names = {label: band for band, label in band_labels().items()}
    low, high = score_bands().sweet_spot
    assert histogram["legend"], "the histogram has a legend"
    legend = {unescape(item["text"]): item["fill"] for item in histogram["legend"]}
    for trace, fills in zip(histogram["data"], histogram["bars"], strict=True):
        band = names[unescape(trace["name"])]
        colour = rgb(BAND_COLORS[band])
        assert legend[unescape(trace["name"])] == colour  # the legend's swatch ...
        assert set(fills) == {colour}  # ... is the colour of every bar drawn for it
        for x, width in zip(trace["x"], trace["width"], strict=True):
            left, right = x - width / 2, x + width / 2
            if band == "sweet":
                assert low - 1e-6 <= left and right <= high + 1e-6
            elif band == "high":
                assert left >= high - 1e-6  # the 0.7–0.8 bar is not the sweet spot's
    check_clean(page)


def test_a_phone_sees_the_verdict_and_a_chart_first(browser_page, server, tmp_path):
    browser = browser_page.context.browser
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True)  # fmt: skip
    try:
        page = phone.new_page()
        page.goto(server)
        wait_for_page(page, "Overview")
        page.wait_for_timeout(1500)  # the charts draw after the page settles
        verdict = page.locator(".st-key-verdict")
        box = verdict.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
        assert "objectives" in verdict.inner_text()
        chart = page.locator(".js-plotly-plot").first.bounding_box()
        assert chart is not None and chart["y"] < 844, chart  # a chart starts on screen one
        assert page.locator(".modebar-btn").count() == 0  # no toolbar over the titles
        shot = tmp_path / "overview-phone.png"
        page.screenshot(path=str(shot))
        folder = os.environ.get("OKR_HEALTH_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / "overview-phone.png"))
    finally:
        phone.close()
    assert shot.stat().st_size > 10_000
