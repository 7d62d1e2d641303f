"""The Closing meeting page as a department head uses it: the unit kept in the address, the
changes said against the unit's own previous cycle, and a running cycle that says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.progress.comparison import scores_at_same_point
from metrics.report import analyse
from tests.exports.test_exports_pack import dataset_of
from tests.exports.test_pack_against import CLOSED, RUNNING, two_quarters
from tests.support.pages import APP, charts, link_text, open_all
from tests.support.stores import write_store


def open_closing(db: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    """The Closing meeting page opened by an address carrying `query`."""
    monkeypatch.setenv("OKR_HEALTH_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/closing.py").run()
    assert not at.exception, at.exception
    return at


def tiles(at: AppTest) -> dict[str, tuple[str, str]]:
    """Each tile's label → (value, change) as shown (Markdown's escapes left out)."""
    return {m.label.replace("\\", ""): (m.value, m.proto.delta.replace("\\", ""))
            for m in at.metric}  # fmt: skip


@pytest.fixture(scope="module")
def running_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("page") / "two.duckdb", two_quarters(), RUNNING)


def test_changes_are_against_the_units_previous_cycle(running_store, monkeypatch):
    at = open_closing(running_store, monkeypatch, unit="sales")
    shown = tiles(at)
    # Sales now (0.40 + 0.05 + 0.20) / 3 = 0.22; Sales in Q4 2025 at the same point 0.40.
    assert shown["Mean objective score"] == ("0.22", "-0.18 vs Sales Q4 2025")
    assert shown["Mean key-result score"] == ("0.22", "-0.18 vs Sales Q4 2025")
    captions = [c.value for c in at.caption]
    assert any("Changes are against Sales in Q4 2025 at the same point" in c for c in captions)


def test_a_running_cycle_says_so_with_its_objectives_behind_or_at_risk(running_store, monkeypatch):
    at = open_closing(running_store, monkeypatch, unit="sales")
    notices = [i.value.replace("\\", "") for i in at.info]
    assert any(n.startswith("Q1 2026 is still running: as of 2026-02-15") for n in notices)
    assert "Behind or at risk" in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if "expected" in d.value.columns)
    judged = analyse(dataset_of(running_store)).objectives.set_index("objective_id")["status"]
    sales = ["q1-sales", "q1-sales2", "q1-emea"]
    assert len(table) == int(judged[sales].isin(["behind", "at risk"]).sum())
    first = table.iloc[0]
    assert link_text(first["objective_link"]) == "Win back lost clients"
    assert first["status"] == "at risk"


def test_a_finished_cycle_has_no_running_notice(tmp_path: Path, monkeypatch):
    db = write_store(tmp_path / "closed.duckdb", two_quarters(), CLOSED)
    at = open_closing(db, monkeypatch, unit="sales")
    assert not [i for i in at.info if "still running" in i.value]
    assert "Behind or at risk" not in [h.value for h in at.subheader]
    # At Q4 2025's end Sales stood at (0.8 + 0.9) / 2 = 0.85.
    assert tiles(at)["Mean objective score"] == ("0.22", "-0.63 vs Sales Q4 2025")


def test_the_unit_is_kept_in_the_address(running_store, monkeypatch):
    at = open_closing(running_store, monkeypatch, unit="Operations")  # a name opens it too
    assert at.selectbox(key="closing_unit").value == "ops"
    assert _param(at, "unit") == "ops"
    at.selectbox(key="closing_unit").set_value("sales-emea").run()
    assert _param(at, "unit") == "sales-emea"
    assert at.caption[0].value.startswith("Sales EMEA · Q1 2026")


def test_an_unknown_unit_in_the_address_is_said(running_store, monkeypatch):
    at = open_closing(running_store, monkeypatch, unit="legal")
    warnings = [w.value for w in at.warning]
    assert any("No department or team “legal” in this store" in w for w in warnings), warnings
    assert _param(at, "unit") == at.selectbox(key="closing_unit").value


def _param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else str(value)


def test_demo_engineering_against_its_own_last_quarter(demo_store, monkeypatch):
    at = open_closing(demo_store, monkeypatch, unit="engineering")
    dataset = dataset_of(demo_store)
    report = analyse(dataset)
    objectives = report.objectives
    now = objectives[(objectives["cycle_id"] == "2026-Q4")
                     & (objectives["department"] == "Engineering")]  # fmt: skip
    then, _ = scores_at_same_point(dataset, report.calendar, "2026-Q4", "2026-Q3")
    then = then[then["department"] == "Engineering"]
    assert len(now) and len(then)
    value, change = tiles(at)["Mean objective score"]
    assert value == f"{now['score'].mean():.2f}"
    assert change == f"{now['score'].mean() - then['score'].mean():+.2f} vs Engineering Q3 2026"
    notices = [i.value.replace("\\", "") for i in at.info]
    assert any(n.startswith("Q4 2026 is still running: as of 2026-11-25") for n in notices)
    off = next(d.value for d in at.dataframe if "expected" in d.value.columns)
    assert len(off) == int(now["status"].isin(["behind", "at risk"]).sum())


def test_demo_movement_chart_is_sorted_by_movement_with_whole_titles(demo_store, monkeypatch):
    at = open_closing(demo_store, monkeypatch, unit="engineering")
    figure = charts(at)[0]
    rows = [t.replace("<br>", " ") for t in figure["layout"]["yaxis"]["ticktext"]]
    assert not any("mid_score" in d.value.columns for d in at.dataframe)  # until opened
    assert "Numbers behind the chart" in [e.label for e in at.expander]
    movement = next(d.value for d in open_all(at).dataframe if "mid_score" in d.value.columns)
    moved = movement[movement["mid_score"].notna() | movement["score"].notna()]
    assert not any("…" in r for r in rows)
    assert set(rows) == set(moved["objective"])  # every objective, its title in full
    ordered = moved.sort_values("delta", ascending=False, na_position="last", kind="stable")
    changes = dict(zip(moved["objective"], moved["delta"], strict=True))
    shown = [changes[r] for r in rows if changes[r] == changes[r]]  # NaN: new since mid-cycle
    assert shown == sorted(shown, reverse=True) == list(ordered["delta"].dropna())
