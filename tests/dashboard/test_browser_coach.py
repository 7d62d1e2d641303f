"""The Coach page in Chromium: every flagged owner's name is written on the scatter, where a
person can read it (inside the chart, no two names on top of each other)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.test_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    browser_page,
    check_clean,
    filter_value,
    open_address,
    server,
    wait_for_page,
)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_the_coach_scatter_shows_every_flagged_owner_by_name(
    browser_page,  # noqa: F811
    server,  # noqa: F811
    demo_store,
):
    from reporting.cache import load_or_compute

    report = load_or_compute(demo_store).report
    flagged = set(report.sandbagging()["owner"]) | set(report.over_ambitious()["owner"])
    assert len(flagged) == 14
    page = browser_page
    open_address(page, server, "/coach", "Coach")
    page.get_by_text("Owners", exact=True).click(timeout=120_000)  # a busy machine renders slowly
    page.wait_for_timeout(500)
    wait_for_page(page, "Coach")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Score patterns by owner")
    chart.scroll_into_view_if_needed()
    labels = chart.locator(".annotation-text")
    labels.first.wait_for(timeout=30_000)
    names = [t.strip() for t in labels.evaluate_all("els => els.map(e => e.textContent)")]
    assert sorted(names) == sorted(flagged)
    plot = chart.locator(".main-svg").first.bounding_box()
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert plot is not None and all(b is not None for b in boxes)
    for box in boxes:  # each name inside the chart ...
        assert plot["x"] <= box["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"]
        assert plot["y"] <= box["y"] and box["y"] + box["height"] <= plot["y"] + plot["height"]
    for i, a in enumerate(boxes):  # ... and none on another
        assert not any(_overlap(a, b) for b in boxes[i + 1 :]), names[i]
    check_clean(page)


def test_clicking_a_flagged_owners_dot_opens_their_page(
    browser_page,  # noqa: F811
    server,  # noqa: F811
    demo_store,
):
    from urllib.parse import parse_qs, urlsplit

    from reporting.cache import load_or_compute

    report = load_or_compute(demo_store).report
    over_ambitious = set(report.over_ambitious()["owner"])
    page = browser_page
    open_address(page, server, "/coach", "Coach")
    page.get_by_text("Owners", exact=True).click(timeout=120_000)  # a busy machine renders slowly
    page.wait_for_timeout(500)
    wait_for_page(page, "Coach")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Score patterns by owner")
    chart.scroll_into_view_if_needed()
    # The traces in order: no flag, sandbagging, over-ambitious.
    dots = chart.locator(".scatterlayer .trace").nth(2).locator(".point")
    assert dots.count() == len(over_ambitious)
    box = dots.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/owner?**", timeout=60_000)
    wait_for_page(page, "Owner")
    (name,) = parse_qs(urlsplit(page.url).query)["name"]
    assert name in over_ambitious
    page.get_by_role("heading", name=name).wait_for(timeout=30_000)
    check_clean(page)


def test_clicking_a_flagged_teams_dot_narrows_the_page_to_it(
    browser_page,  # noqa: F811
    server,  # noqa: F811
    demo_store,
):
    from reporting.cache import load_or_compute

    report = load_or_compute(demo_store).report
    teams = report.team_patterns
    sandbagging = set(teams.loc[teams["pattern"] == "sandbagging", "team"])
    page = browser_page
    open_address(page, server, "/coach", "Coach")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Score patterns by team")
    chart.scroll_into_view_if_needed()
    dots = chart.locator(".scatterlayer .trace").nth(1).locator(".point")  # sandbagging
    assert dots.count() == len(sandbagging)
    box = dots.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**team=**", timeout=60_000)
    wait_for_page(page, "Coach")
    team = filter_value(page, "Team")
    assert team in sandbagging
    # Narrowed to that team, the page flags it alone.
    flagged = page.locator('[data-testid="stMarkdown"]').filter(has_text="Sandbagging (goals")
    assert "Sandbagging (goals set too low): 1" in flagged.first.inner_text()
    check_clean(page)
