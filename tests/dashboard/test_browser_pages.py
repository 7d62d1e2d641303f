"""The Alignment page's map of objectives and the Objective page's notes in Chromium, each
opened by its address on the demo store (`okr-health serve`, the fixtures of test_browser)."""

from __future__ import annotations

from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from tests.dashboard.test_browser import (  # noqa: F401  (fixtures used as arguments)
    browser_page,
    check_clean,
    open_address,
    pytestmark,
    server,
)


def test_the_alignment_page_draws_the_map_of_objectives(browser_page, server, demo_store):  # noqa: F811
    from metrics.alignment.links import objective_links

    with open_store(demo_store, read_only=True) as conn:
        ds = read_dataset(conn)
    links = objective_links(ds.objectives, ds.key_results, ds.teams)
    tops = links[(links["cycle_id"] == "2026-Q4") & links["is_top"]]
    title = str(tops.sort_values("children", ascending=False)["title"].iloc[0])
    page = browser_page
    open_address(page, server, "/alignment?cycle=2026-Q4", "Alignment")
    treemap = page.locator(".js-plotly-plot .treemaplayer").first
    treemap.wait_for(timeout=90_000)
    page.wait_for_timeout(500)
    drawn = treemap.locator("text").all_text_contents()
    assert title in drawn, drawn[:20]
    assert any("All objectives · 2026-Q4" in t for t in drawn)  # the view's root
    check_clean(page)


def test_the_objective_page_shows_notes_without_a_click(browser_page, server, demo_store):  # noqa: F811
    objective_id = "2026-Q3-engineering-o1"
    with open_store(demo_store, read_only=True) as conn:
        found = conn.execute(
            """SELECT c.note FROM check_ins c JOIN key_results k USING (kr_id)
               WHERE k.objective_id = ? AND c.note IS NOT NULL AND trim(c.note) <> ''
               ORDER BY c.checked_at DESC, k.title LIMIT 1""",
            [objective_id],
        ).fetchone()
    assert found is not None, "the demo has notes on this objective's check-ins"
    note = str(found[0])
    page = browser_page
    open_address(page, server, f"/objective?id={objective_id}", "Objective")
    page.get_by_text("Notes, newest first").first.wait_for(timeout=90_000)
    shown = page.get_by_text(note)
    assert shown.count() >= 1
    assert shown.first.is_visible()
    chart = page.locator(".js-plotly-plot").filter(has_text="Check-ins over the cycle").first
    chart.wait_for(timeout=90_000)
    assert "confidence" in (chart.locator(".g-y2title").first.text_content() or "")
    check_clean(page)
