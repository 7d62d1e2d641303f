"""The Closing meeting page in Chromium on the demo store: opened by an address that names a
unit, with the pack's findings reading in the right sense for the penetration-test key result.

Reuses the server and browser of tests/dashboard/test_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.dashboard import test_browser as shared
from tests.dashboard.test_browser import CHROMIUM, check_clean, open_address, wait_for_page

server = shared.server  # the demo store served, and the browser on it (fixtures by name)
browser_page = shared.browser_page

PENTEST = "Work on 13 findings from the penetration test"
UNIT = "engineering-infrastructure"  # the team that holds that key result in Q4 2026

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def picked_unit(page) -> str:
    """The text the "Department or team" picker shows."""
    main = page.locator('[data-testid="stMain"]')
    return main.get_by_role("combobox", name="Department or team").input_value()


def shows(page, text: str) -> None:
    """Wait until the page shows `text` (a rerun draws its elements one after another)."""
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=60_000)


def test_the_address_opens_the_unit_it_names(browser_page, server):
    page = browser_page
    open_address(page, server, f"/closing?unit={UNIT}", "Closing meeting")
    assert picked_unit(page) == "Engineering Infrastructure (team)"
    assert page.get_by_text("Engineering Infrastructure · Q4 2026").count() >= 1
    assert parse_qs(urlsplit(page.url).query)["unit"] == [UNIT]
    body = page.inner_text("body")
    assert "Q4 2026 is still running: as of 2026-11-25" in body
    # The tiles' changes say what they compare with (the tiles may draw a moment later); the
    # unit's long name is said under them.
    shows(page, "vs Q3 2026")
    shows(page, "Changes are against Engineering Infrastructure in Q3 2026 at the same point")
    check_clean(page)


def test_choosing_a_unit_puts_it_in_the_address(browser_page, server):
    page = browser_page
    open_address(page, server, "/closing?unit=sales", "Closing meeting")
    assert picked_unit(page) == "Sales (department)"
    page.locator('[data-testid="stMain"]').get_by_role(
        "combobox", name="Department or team"
    ).click()
    page.get_by_role("option", name="Marketing (department)").click()
    wait_for_page(page, "Closing meeting")
    page.wait_for_function("() => location.search.includes('unit=marketing')", timeout=30_000)
    shows(page, "vs Marketing Q3 2026")  # the tiles
    assert picked_unit(page) == "Marketing (department)"
    check_clean(page)


def downloaded(page, button: str, folder):
    """The file a click on `button` downloads. The pack is built when the button is
    pressed; a click that lands while the page is re-mounting it (the address being written
    after a run, on a loaded machine) starts nothing, so the button is pressed once more
    then."""
    for attempt in (1, 2):
        try:
            with page.expect_download(timeout=45_000) as download:
                page.get_by_role("button", name=button).click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_for_page(page, "Closing meeting")
    target = folder / download.value.suggested_filename
    download.value.save_as(target)
    return target


def test_the_pack_finding_reads_in_the_right_sense(browser_page, server, tmp_path):
    page = browser_page
    open_address(page, server, f"/closing?unit={UNIT}", "Closing meeting")
    pack = downloaded(page, "Download HTML page", tmp_path)
    check_clean(page)
    page.goto(pack.as_uri())
    row = page.locator("#findings tr").filter(has_text=PENTEST)
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0] == "Writing"
    assert cells[1] == "a key result names an activity, not an outcome"
    assert re.search(r"names an activity \(\"work on\"\) rather than the outcome", cells[4])
    assert "states an outcome, not an activity" not in page.inner_text("body")
