"""The Overview in Chromium on the demo store: the numbers behind a chart are not sent until
their expander is opened, and opening it shows them (dashboard/on_open.py).

Reuses the server and browser of tests/dashboard/test_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard import test_browser as shared
from tests.dashboard.test_browser import CHROMIUM, check_clean, open_address

server = shared.server  # the demo store served, and the browser on it (fixtures by name)
browser_page = shared.browser_page

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")

TABLE = '[data-testid="stDataFrame"]'


def test_numbers_behind_a_chart_arrive_when_opened(browser_page, server):
    page = browser_page
    open_address(page, server, "/", "Overview")
    numbers = page.locator('[data-testid="stExpander"]').filter(has_text="Numbers behind")
    assert numbers.count() == 5  # the status chart's, two distributions', health's, trends'
    assert numbers.locator(TABLE).count() == 0  # nothing behind a closed expander
    boxes = numbers.filter(has_text="Numbers behind the chart")  # the two distributions
    boxes.first.locator("summary").click()
    table = boxes.first.locator(TABLE)
    table.wait_for(timeout=90_000)  # the page reran with the expander open
    table.locator("canvas").first.wait_for(timeout=30_000)
    assert numbers.locator(TABLE).count() == 1  # only the one opened
    check_clean(page)
