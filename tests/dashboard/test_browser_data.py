"""The Data page in Chromium: the import template, downloaded from the page and uploaded
back onto the demo company, asks before it removes anything, and refused, the store stays
as it was (read from the DuckDB file)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.dashboard import test_browser
from tests.dashboard.test_browser import (
    CHROMIUM,
    check_clean,
    screenshot,
    serving,
    wait_for_page,
)

# The `browser_page` fixture of test_browser.py (Chromium), here opening `server` below.
browser_page = test_browser.browser_page
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

COUNTED = ("objectives", "key_results", "check_ins")
REMOVAL = "Remove 8 objectives, 24 key results and 299 check-ins"


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


@pytest.fixture(scope="module")
def store(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store: the page could write it."""
    return Path(shutil.copy(demo_store, tmp_path_factory.mktemp("data") / "demo.duckdb"))


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`okr-health serve` on the copy (the `browser_page` fixture opens it)."""
    with serving(store, tmp_path_factory) as url:
        yield url


def test_the_template_onto_the_demo_asks_and_refused_changes_nothing(
    browser_page,
    server: str,
    store: Path,
    tmp_path: Path,  # noqa: F811 (the fixture)
) -> None:
    page = browser_page
    before = counts(store)
    page.console_errors.clear()
    page.goto(f"{server}/data")
    wait_for_page(page, "Data")
    with page.expect_download(timeout=60_000) as download:  # the template, as a user gets it
        page.get_by_role("button", name="Download the import template (XLSX)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)

    uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    uploader.set_input_files(str(template))
    warning = page.get_by_text("Loading would remove 8 objectives, 24 key results and 299")
    warning.wait_for(timeout=120_000)
    wait_for_page(page, "Data")
    main = page.locator('[data-testid="stMain"]')
    said = main.inner_text()
    assert said.index("Loading would remove") < said.index("Column mapping")  # first
    assert "Cycle 2026-Q1: remove 8 objectives, 24 key results and 299 check-ins." in said
    page.get_by_text(REMOVAL, exact=True).wait_for(timeout=60_000)  # the box's label
    box = page.get_by_role("checkbox", name=REMOVAL)
    assert box.count() == 1 and not box.is_checked()
    load = page.get_by_role("button", name="Load into the store")
    assert load.is_disabled()
    screenshot(page, "data_confirmation")  # (with OKR_HEALTH_SCREENSHOTS set)
    load.click(force=True)  # pressed anyway: a disabled button does nothing
    page.wait_for_timeout(1500)
    wait_for_page(page, "Data")
    assert counts(store) == before
    check_clean(page)


def test_confirmed_the_template_loads_and_the_page_shows_what_was_loaded(
    browser_page, server: str, store: Path, tmp_path: Path
) -> None:
    page = browser_page
    before = counts(store)
    page.console_errors.clear()
    page.goto(f"{server}/data")
    wait_for_page(page, "Data")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download the import template (XLSX)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(template))
    page.get_by_text(REMOVAL, exact=True).wait_for(timeout=120_000)
    wait_for_page(page, "Data")
    page.get_by_text(REMOVAL, exact=True).click()  # the box's label ticks it
    load = page.get_by_role("button", name="Load into the store")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some("
        "b => b.innerText.includes('Load into the store') && !b.disabled)",
        timeout=60_000,
    )
    load.click()
    page.get_by_role("heading", name="Loaded").wait_for(timeout=120_000)
    wait_for_page(page, "Data")
    assert counts(store) == {
        "objectives": before["objectives"] - 8 + 3,
        "key_results": before["key_results"] - 24 + 8,
        "check_ins": before["check_ins"] - 299 + 14,
    }
    said = page.locator('[data-testid="stMain"]').inner_text()
    assert "Column mapping" not in said and "Loading would remove" not in said  # no preview
    assert page.get_by_role("button", name="Load into the store").count() == 0
    screenshot(page, "data_loaded")  # (with OKR_HEALTH_SCREENSHOTS set)
    check_clean(page)
    undo = page.get_by_role("button", name=re.compile(r"^Undo import #\d+$"))
    undo.click()  # the hint's way back: the store as it was, for the test above on a rerun
    page.wait_for_timeout(1000)
    wait_for_page(page, "Data")
    assert counts(store) == before
