"""The Overview page, run by Streamlit's AppTest against a real store file."""

from __future__ import annotations

from tests.support.pages import charts, metric, open_app, plotly_values


def test_overview_shows_the_scores_of_the_store(small_store, monkeypatch):
    at = open_app(small_store, monkeypatch)
    assert metric(at, "Key-result score (mean)") == "0.81"  # (0.6+0.8+0.667+1+1)/5
    assert metric(at, "Objective score (mean)") == "0.84"  # (0.7+0.833+1)/3
    assert metric(at, "In the sweet spot") == "40%"
    assert metric(at, "Key results graded") == "5/6"
    spec = charts(at)[0]
    counts = {t["name"]: sum(plotly_values(t["y"])) for t in spec["data"]}
    counts = {name: n for name, n in counts.items() if n}
    assert counts == {"Sweet spot (0.6–0.7)": 2, "High (0.7–1.0)": 1, "Maxed (1.0)": 2}
    shapes = spec["layout"]["shapes"]
    assert any(s["x0"] == 0.6 and s["x1"] == 0.7 for s in shapes), "sweet spot band drawn"


def test_department_filter_narrows_the_numbers(small_store, monkeypatch):
    at = open_app(small_store, monkeypatch)
    at.sidebar.selectbox(key="department").set_value("Sales").run()
    assert not at.exception
    assert metric(at, "Key-result score (mean)") == "0.70"
    assert metric(at, "Objectives") == "1"


def test_empty_store_explains_how_to_load_data(tmp_path, monkeypatch):
    from pipelines.store.connection import open_store

    with open_store(tmp_path / "empty.duckdb"):
        pass
    at = open_app(tmp_path / "empty.duckdb", monkeypatch)
    assert "okr-health demo" in at.info[0].value
