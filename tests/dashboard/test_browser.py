"""The dashboard in a real browser: `okr-health serve` on the demo store, driven by Chromium.

Fails on any Streamlit exception box or browser console error. With OKR_HEALTH_SCREENSHOTS
set to a folder, it also saves a screenshot of each page there (the README's pictures).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# The pages as the sidebar's navigation names them (and as their headings read).
PAGES = ["Overview", "Alignment", "Coach", "Closing meeting", "Data"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "okr_health.cli", "serve", "--db", str(demo_store),
             "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"dashboard did not start:\n{log.read_text()}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser_page(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.on(
            "response",
            lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )
        # the tests read the errors from the page: an attribute Playwright's Page does not declare
        page.console_errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def wait_for_page(page, heading: str) -> None:
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)  # let a rerun that was just triggered start
    page.wait_for_function(
        "() => !document.querySelector('[data-testid^=\"stStatusWidgetRunning\"]')",
        timeout=60_000,
    )
    page.wait_for_timeout(300)


def check_clean(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()
    assert page.console_errors == [], page.console_errors


def screenshot(page, name: str) -> None:
    folder = os.environ.get("OKR_HEALTH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # Streamlit scrolls inside its own container: a tall viewport shows the whole page.
        page.set_viewport_size({"width": 1400, "height": 2600})
        page.wait_for_timeout(1500)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
        page.set_viewport_size({"width": 1400, "height": 1000})


@pytest.mark.parametrize("heading", PAGES)
def test_every_page_renders_without_errors(browser_page, server, heading):
    page = browser_page
    page.console_errors.clear()
    page.goto(server)
    wait_for_page(page, "Overview")
    if heading != "Overview":
        nav = page.locator('[data-testid="stSidebarNav"]')
        nav.get_by_text(heading, exact=True).click()
        wait_for_page(page, heading)
    check_clean(page)
    screenshot(page, heading.lower().replace(" ", "_"))


def test_department_filter_changes_the_overview(browser_page, server):
    page = browser_page
    page.console_errors.clear()
    page.goto(server)
    wait_for_page(page, "Overview")
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Objectives").first
    before = tile.locator('[data-testid="stMetricValue"]').inner_text()
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Department"
    ).click()
    page.get_by_role("option").nth(1).click()
    page.wait_for_timeout(500)
    wait_for_page(page, "Overview")
    after = tile.locator('[data-testid="stMetricValue"]').inner_text()
    assert int(after) < int(before), (before, after)
    check_clean(page)


def test_closing_meeting_downloads_a_real_workbook(browser_page, server, tmp_path):
    from openpyxl import load_workbook

    page = browser_page
    page.console_errors.clear()
    page.goto(server)
    wait_for_page(page, "Overview")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Closing meeting").click()
    wait_for_page(page, "Closing meeting")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download Excel").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.name.startswith("closing-") and target.suffix == ".xlsx"
    workbook = load_workbook(target)
    assert "Objectives" in workbook.sheetnames and "Summary" in workbook.sheetnames
    check_clean(page)
