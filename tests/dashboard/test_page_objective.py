"""The objective and owner pages, and the address, with AppTest on the demo store."""

from __future__ import annotations

import pytest

from dashboard.charts_objective import pace_name
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from tests.support.pages import charts, link_text, metric, open_app

OBJECTIVE = "2026-Q3-engineering-o1"  # a finished cycle: every check-in is in the past


@pytest.fixture(scope="module")
def stored(demo_store):
    """The store's own key results, scores and check-in counts (no dashboard code)."""
    from metrics.scores.scoring import score_all

    with open_store(demo_store, read_only=True) as conn:
        dataset = read_dataset(conn)
        counts = dict(
            conn.execute("SELECT kr_id, count(*) FROM check_ins GROUP BY kr_id").fetchall()
        )
    scores = score_all(dataset.objectives, dataset.key_results, dataset.check_ins)
    return dataset, scores, counts


def open_objective(demo_store, monkeypatch, objective_id: str = OBJECTIVE):
    at = open_app(demo_store, monkeypatch)
    at.query_params.clear()
    at.query_params["id"] = objective_id
    at.switch_page("views/objective.py").run()
    assert not at.exception, at.exception
    return at


def test_objective_page_shows_the_stores_scores_and_check_ins(demo_store, stored, monkeypatch):
    dataset, scores, counts = stored
    at = open_objective(demo_store, monkeypatch)
    objective = scores.objectives.set_index("objective_id").loc[OBJECTIVE]
    assert [s.value for s in at.subheader][0] == objective["title"]
    assert metric(at, "Score") == f"{objective['score']:.2f}"
    krs = scores.key_results[scores.key_results["objective_id"] == OBJECTIVE]
    table = next(d.value for d in at.dataframe if "check_in_count" in d.value.columns)
    shown = table.set_index("title")
    expected = krs.set_index("title")
    assert sorted(shown.index) == sorted(expected.index)
    for title, kr in expected.iterrows():
        assert shown.at[title, "score"] == pytest.approx(kr["score"], nan_ok=True)
        assert shown.at[title, "check_in_count"] == counts.get(kr["kr_id"], 0)
    histories = [
        c for c in charts(at) if c["layout"]["title"]["text"] == "Check-ins over the cycle"
    ]
    with_check_ins = [k for k in krs["kr_id"] if counts.get(k, 0)]
    assert len(histories) == len(with_check_ins) >= 1
    names = {t["name"] for t in histories[0]["data"]}
    assert {pace_name(), "score", "confidence (right axis)"} <= names


def test_objective_page_lists_the_notes_of_its_check_ins(demo_store, stored, monkeypatch):
    _, scores, counts = stored
    at = open_objective(demo_store, monkeypatch)
    logs = [d.value for d in at.dataframe if "note" in d.value.columns]
    krs = scores.key_results[scores.key_results["objective_id"] == OBJECTIVE]
    assert sorted(len(log) for log in logs) == sorted(
        counts[k] for k in krs["kr_id"] if k in counts
    )
    with open_store(demo_store, read_only=True) as conn:
        notes = {n for (n,) in conn.execute(
            "SELECT note FROM check_ins WHERE list_contains(?, kr_id) AND note IS NOT NULL",
            [list(krs["kr_id"])],
        ).fetchall()}  # fmt: skip
    assert notes and notes == {n for log in logs for n in log["note"].dropna()}


def test_a_running_objective_draws_its_forecast(demo_store, monkeypatch):
    at = open_objective(demo_store, monkeypatch, "2026-Q4-engineering-o1")
    histories = [
        c for c in charts(at) if c["layout"]["title"]["text"] == "Check-ins over the cycle"
    ]
    assert any("forecast" in {t["name"] for t in h["data"]} for h in histories)
    assert "Expected by now" in [m.label for m in at.metric]


def test_an_unknown_objective_gets_a_notice_and_a_picker(demo_store, monkeypatch):
    at = open_objective(demo_store, monkeypatch, "no-such-objective")
    assert "No objective with the id" in at.warning[0].value
    assert at.selectbox(key="objective_pick").value is None


def test_owner_page_shows_the_coach_pages_pattern(demo_store, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="coach")
    at.radio(key="coach_by").set_value("owner").run()
    flagged = at.dataframe[0].value  # the sandbagging owners, as the Coach page shows them
    owner = link_text(flagged["owner_link"].iloc[0])
    evidence = flagged["evidence"].iloc[0]
    at.query_params.clear()
    at.query_params["name"] = owner
    at.switch_page("views/owner.py").run()
    assert not at.exception
    assert metric(at, "Goal-setting pattern") == "sandbagging"
    shown = next(m.value for m in at.markdown if m.value.startswith("**Evidence:**"))
    assert shown.replace("\\", "") == f"**Evidence:** {evidence}"
    objectives = next(d.value for d in at.dataframe if "owned_krs" in d.value.columns)
    assert len(objectives) > 0 and objectives["owned_krs"].sum() > 0


def test_the_address_holds_the_filters(demo_store, monkeypatch):
    at = open_app(demo_store, monkeypatch)
    assert at.query_params == {"cycle": "2026-Q4"}  # the cycle always: a stable link
    at.sidebar.selectbox(key="department").set_value("Sales").run()
    assert at.query_params == {"cycle": "2026-Q4", "department": "Sales"}
    at.sidebar.selectbox(key="department").set_value("All").run()
    assert at.query_params == {"cycle": "2026-Q4"}


def test_a_link_with_an_unknown_value_says_so_and_uses_the_default(demo_store, monkeypatch):
    monkeypatch.setenv("OKR_HEALTH_DB", str(demo_store))
    from streamlit.testing.v1 import AppTest

    from tests.support.pages import APP

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["cycle"] = "2026-Q2"
    at.query_params["department"] = "Atlantis"
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="cycle").value == "2026-Q2"
    assert at.sidebar.selectbox(key="department").value == "All"
    assert [w.value for w in at.warning] == [
        "No department “Atlantis” in this store\\: showing all\\."
    ]
