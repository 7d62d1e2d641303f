"""Every page opened by its own address, in Chromium, as a new viewer: not one console error,
failed request or HTTP error, Streamlit's subpage probe included (dashboard/base_address.py
tells the browser where the app lives; docs/pages.md, "Opening a page by its address")."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, server, wait_for_page

__all__ = ["server"]  # the module's fixture: the demo store served by `okr-health serve`

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def browser(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def addresses(demo_store: Path) -> dict[str, str]:
    from reporting.cache import load_or_compute

    report = load_or_compute(demo_store).report
    objective = str(report.objectives["objective_id"].iloc[0])
    owner = str(report.owner_patterns["owner"].iloc[0])
    return {
        "/": "Overview",
        "/?cycle=2026-Q3&department=Sales": "Overview",
        "/alignment": "Alignment",
        "/coach?cycle=2026-Q3": "Coach",
        "/closing": "Closing meeting",
        f"/objective?{urlencode({'id': objective})}": "Objective",
        "/objective": "Objective",
        f"/owner?{urlencode({'name': owner})}": "Owner",
        "/data": "Data",
    }


def opened(browser, url: str, heading: str, wanted: str | None = None) -> dict[str, object]:
    """Open `url` in a new viewer's browser: every error it logged, whether the heading
    `wanted` shows, and where the sidebar's first link (the Overview) leads."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on(
        "response",
        lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    try:
        page.goto(url)
        wait_for_page(page, heading)
        boxes = page.locator('[data-testid="stException"]').count()
        shows = wanted is None or page.get_by_role("heading", name=wanted).count() == 1
        home = page.locator('[data-testid="stSidebarNav"] a').first.get_attribute("href")
    finally:
        context.close()
    return {"errors": errors, "exceptions": boxes, "shows": shows, "home": home}


def test_every_page_opened_by_its_address_logs_no_error(browser, server, addresses):
    seen = {}
    for address, heading in addresses.items():
        found = opened(browser, server + address, heading)
        seen[address] = (found["errors"], found["exceptions"])
    assert seen == {address: ([], 0) for address in addresses}


def test_the_app_still_knows_its_root_when_opened_at_a_page(browser, server):
    found = opened(browser, f"{server}/coach?cycle=2026-Q3", "Coach", "Quality lint · 2026-Q3")
    assert found == {"errors": [], "exceptions": 0, "shows": True, "home": f"{server}/"}
