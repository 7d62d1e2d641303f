"""The dashboard in a real browser: `okr-health serve` on the demo store, driven by Chromium.

Fails on any Streamlit exception box or browser console error. With OKR_HEALTH_SCREENSHOTS
set to a folder, it also saves a screenshot of each page there (the README's pictures).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# The pages as the sidebar's navigation names them (and as their headings read).
PAGES = ["Overview", "Alignment", "Coach", "Closing meeting", "Objective", "Owner", "Data"]
SCREENSHOTS = {"Overview", "Alignment", "Coach", "Closing meeting", "Data"}  # the rest: below
# Opening a page's own address, Streamlit's frontend first probes `/<page>/_stcore/health`
# and `/<page>/_stcore/host-config` (404) before the app's root (streamlit/streamlit#7074):
# its own probing, not an error of the app, so these two and their console lines are let be.
PROBE = re.compile(r"HTTP 404: http://[^/]+/[a-z]+/_stcore/(health|host-config)$")
PROBE_CONSOLE = "Failed to load resource: the server responded with a status of 404 (Not Found)"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`okr-health serve` on `db` on a free loopback port, until the block ends: its address."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "okr_health.cli", "serve", "--db", str(db),
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
def server(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(demo_store, tmp_path_factory) as url:
        yield url


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


def app_errors(errors: list[str]) -> list[str]:
    """`errors` without Streamlit's base-path probing (see PROBE), one console line each."""
    probes = [e for e in errors if PROBE.match(e)]
    left = [e for e in errors if not PROBE.match(e)]
    for _ in probes:
        if PROBE_CONSOLE in left:
            left.remove(PROBE_CONSOLE)
    return left


def check_clean(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()
    assert app_errors(page.console_errors) == [], page.console_errors


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
    if heading in SCREENSHOTS:
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


# --- links: the address is the view ------------------------------------------------------


def open_address(page, server: str, address: str, heading: str) -> None:
    page.console_errors.clear()
    page.goto(f"{server}{address}")
    wait_for_page(page, heading)


def filter_value(page, label: str) -> str:
    sidebar = page.locator('[data-testid="stSidebar"]')
    return sidebar.get_by_role("combobox", name=label).input_value()


def watch(page, errors: list[str]) -> None:
    """Record `page`'s console errors and failed responses in `errors`."""
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )


def test_a_link_opens_exactly_that_view(browser_page, server):
    page = browser_page
    open_address(page, server, "/coach?cycle=2026-Q3&department=Engineering", "Coach")
    assert filter_value(page, "Cycle") == "2026-Q3"
    assert filter_value(page, "Department") == "Engineering"
    assert page.get_by_role("heading", name="Quality lint · 2026-Q3").count() == 1
    check_clean(page)


def test_choosing_another_department_updates_the_address(browser_page, server):
    page = browser_page
    open_address(page, server, "/coach?cycle=2026-Q3&department=Engineering", "Coach")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Department"
    ).click()
    page.get_by_role("option", name="Sales", exact=True).click()
    page.wait_for_url(re.compile(r"/coach\?cycle=2026-Q3&department=Sales$"), timeout=30_000)
    wait_for_page(page, "Coach")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Alignment", exact=True).click()
    wait_for_page(page, "Alignment")  # the filters follow to the next page, in the address too
    page.wait_for_url(re.compile(r"/alignment\?cycle=2026-Q3&department=Sales$"), timeout=30_000)
    check_clean(page)


def test_an_unknown_value_in_a_link_gets_a_notice_and_the_default(browser_page, server):
    page = browser_page
    open_address(page, server, "/?cycle=2026-Q4&department=Nowhere", "Overview")
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="Nowhere")
    assert "No department “Nowhere” in this store: showing all." in notice.inner_text()
    assert filter_value(page, "Department") == "All"
    page.wait_for_url(re.compile(r"/\?cycle=2026-Q4$"), timeout=30_000)
    check_clean(page)


def test_an_objective_page_shows_its_key_results_over_time(browser_page, server, demo_store):
    from reporting.cache import load_or_compute

    objectives = load_or_compute(demo_store).report.objectives.set_index("objective_id")
    objective_id = "2026-Q4-engineering-o1"
    page = browser_page
    open_address(page, server, f"/objective?id={objective_id}", "Objective")
    title = str(objectives.at[objective_id, "title"])
    page.get_by_role("heading", name=title).wait_for(timeout=30_000)
    charts = page.locator(".js-plotly-plot").filter(has_text="Check-ins over the cycle")
    charts.first.wait_for(timeout=30_000)
    assert charts.count() >= 1
    assert filter_value(page, "Cycle") == "2026-Q4"  # the objective's own cycle
    check_clean(page)
    screenshot(page, "objective")


def test_an_owner_page_shows_the_pattern_and_evidence(browser_page, server, demo_store):
    from reporting.cache import load_or_compute

    patterns = load_or_compute(demo_store).report.owner_patterns
    owner = str(patterns.loc[patterns["pattern"] == "sandbagging", "owner"].iloc[0])
    page = browser_page
    open_address(page, server, f"/owner?{urlencode({'name': owner})}", "Owner")
    page.get_by_role("heading", name=owner).wait_for(timeout=30_000)
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Goal-setting pattern")
    assert tile.locator('[data-testid="stMetricValue"]').inner_text() == "sandbagging"
    check_clean(page)
    screenshot(page, "owner")


def test_clicking_an_at_risk_objective_opens_its_page(browser_page, server, demo_store):
    from reporting.cache import load_or_compute

    objectives = load_or_compute(demo_store).report.objectives
    running = objectives[objectives["cycle_id"] == "2026-Q4"]
    at_risk = running[running["status"] == "at risk"]
    first = at_risk.sort_values(["heading", "score"]).iloc[0]  # the first row: heading lowest
    page = browser_page
    open_address(page, server, "/?cycle=2026-Q4", "Overview")
    table = page.locator(
        '[data-testid="stElementContainer"]:has(h3:has-text("Objectives at risk")) ~ '
        '[data-testid="stElementContainer"]:has([data-testid="stDataFrame"])'
    ).first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box is not None
    x, y = box["x"] + 40, box["y"] + 35 + 18  # the first row's link, below the header row
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    errors: list[str] = []
    page.context.on("page", lambda new: watch(new, errors))  # from its very first request
    with page.expect_popup(timeout=15_000) as opened:
        page.mouse.click(x, y)
    objective = opened.value
    objective.get_by_role("heading", name=str(first["title"])).wait_for(timeout=60_000)
    assert f"objective?id={first['objective_id']}&cycle=2026-Q4" in objective.url
    assert objective.locator('[data-testid="stException"]').count() == 0
    assert app_errors(errors) == [], errors
    objective.close()


def test_viewers_see_no_deploy_button_or_developer_menu(browser_page, server):
    page = browser_page
    open_address(page, server, "/", "Overview")
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
    assert page.get_by_role("button", name="Deploy").count() == 0
    menu = page.locator('[data-testid="stMainMenu"]')
    if menu.count():
        menu.click()
        items = page.locator('[data-testid="stMainMenuPopover"]').inner_text()
        for developer in ("Rerun", "Clear cache", "Deploy", "Developer"):
            assert developer not in items, items
        page.keyboard.press("Escape")
    check_clean(page)
