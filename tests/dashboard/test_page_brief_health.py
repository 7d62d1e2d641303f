"""The brief and programme health on the Overview and the Closing meeting page (AppTest on
the demo store): the same words and figures the engine gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.sections.programme_health import TILE_LABELS
from metrics.programme.health import PARTS, programme_health
from reporting.cache import load_or_compute
from tests.support.pages import charts, metric, open_app

CYCLE = "2026-Q4"


@pytest.fixture(scope="module")
def health(demo_store: Path):
    report = load_or_compute(demo_store).report
    assert report is not None
    return programme_health(report)


def bodies(at) -> list[str]:
    return [str(m.value) for m in at.markdown]


def test_the_overview_shows_programme_health_and_its_parts(demo_store, monkeypatch, health):
    at = open_app(demo_store, monkeypatch)
    company = health[(health["cycle_id"] == CYCLE) & (health["level"] == "company")].iloc[0]
    assert metric(at, "Programme health") == f"{company['index']:.0f}/100"
    for part in PARTS:
        shown = metric(at, TILE_LABELS[part])
        assert shown == ("–" if company[part] != company[part] else f"{company[part]:.0%}")
    assert metric(at, "Calibration") == "–"  # the running cycle is not judged yet
    captions = [str(c.value) for c in at.caption]
    assert any(c.startswith("Rests on participation, check") for c in captions)
    trend = next(c for c in charts(at) if "Programme health" in c["layout"]["title"]["text"])
    names = {t["name"] for t in trend["data"]}
    assert {"Company", "Engineering", "Sales"} <= names  # the company and each department


def test_the_overview_opens_with_the_brief_of_the_filtered_unit(demo_store, monkeypatch):
    at = open_app(demo_store, monkeypatch)
    assert at.subheader[0].value == "The brief"
    assert any(b.startswith("**Where it stands.** The company has 158 objectives")
               for b in bodies(at))  # fmt: skip
    at.sidebar.selectbox(key="department").set_value("Engineering").run()
    assert not at.exception
    text = " ".join(bodies(at)).replace("\\", "")
    assert "The department Engineering has 22 objectives in this cycle" in text
    assert "**Needs attention.**" in text
    links = at.dataframe[0].value  # the objectives needing attention, each with its page
    assert list(links.columns) == ["Objective", "Page"] and len(links) == 3
    assert links["Page"].str.startswith("objective?id=2026-Q4-engineering-").all()


def test_the_closing_page_shows_the_units_brief(demo_store, monkeypatch):
    at = open_app(demo_store, monkeypatch, "closing")
    at.selectbox(key="closing_unit").set_value("engineering").run()
    assert not at.exception
    text = " ".join(bodies(at)).replace("\\", "")
    assert "The department Engineering has 22 objectives in this cycle" in text
