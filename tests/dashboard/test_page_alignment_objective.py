"""The Alignment page's map of objectives and the Objective page, with AppTest on a small
linked company written here and on the demo: what a user reads (the map's parent → child
pairs, coverage, notes without expanding, values in units, the confidence axis)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.charts_objective import pace_name
from metrics.alignment.links import objective_links
from metrics.report import analyse
from metrics.scores.bands import score_bands
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from tests.support.pages import charts, link_id, metric, open_app, plotly_values
from tests.support.stores import canonical, write_store

CYCLE = "2026-Q4"


def linked_company() -> dict[str, pd.DataFrame]:
    """A running quarter: two company objectives (one nothing supports), Marketing's
    objective under the first and its Brand team's under Marketing's key result (strict),
    Operations' objective under the first and an orphan; key results in euros, customers,
    percent and days; check-ins on Marketing's key result with notes and authors."""
    objectives = [
        ("top1", "Win the market", "co", "company", None, None),
        ("top2", "Be a great place to work", "co", "company", None, None),
        ("mk1", "Grow the brand", "mk", "department", "top1", None),
        ("br1", "Launch the spring campaign", "mk-brand", "team", None, "mk1-kr1"),
        ("ops1", "Ship faster", "ops", "department", "top1", None),
        ("ops2", "Tidy the warehouse", "ops", "department", None, None),
    ]
    krs = [
        ("top1-kr1", "top1", "Reach 40% market share", "%", 30, 40, 33, "increase"),
        ("top2-kr1", "top2", "Engagement from 60 to 70", None, 60, 70, 62, "increase"),
        ("mk1-kr1", "mk1", "Raise brand revenue from 20k to 50k", "EUR", 20000, 50000, 32000,
         "increase"),
        ("mk1-kr2", "mk1", "Win 5 reference customers", "customers", 0, 5, 3, "increase"),
        ("br1-kr1", "br1", "Lift aided awareness from 12% to 20%", "%", 12, 20, 15, "increase"),
        ("ops1-kr1", "ops1", "Cut lead time from 10 to 5 days", "days", 10, 5, 8, "decrease"),
        ("ops2-kr1", "ops2", "Label every shelf", None, 0, 100, 20, "increase"),
    ]  # fmt: skip
    check_ins = [
        ("mk1-kr1", "2026-10-05", 21000, 0.5, "Kick-off with the agency", "Ana Costa"),
        ("mk1-kr1", "2026-10-19", 26000, 0.6, None, "Ana Costa"),
        ("mk1-kr1", "2026-11-02", 30000, 0.7, "Signed the Lisbon reseller", "Ben Ode"),
        ("mk1-kr1", "2026-11-09", 32000, 0.65, "Pipeline slipped a week", "Ana Costa"),
        ("mk1-kr2", "2026-10-12", 1, 0.8, "First reference live", "Ben Ode"),
        ("mk1-kr2", "2026-11-09", 3, 0.75, None, None),
    ]
    return {
        "cycles": canonical(
            "cycles",
            [
                {
                    "cycle_id": CYCLE,
                    "name": "Q4 2026",
                    "start_date": date(2026, 10, 1),
                    "end_date": date(2026, 12, 31),
                }
            ],
        ),  # fmt: skip
        "teams": canonical(
            "teams",
            [
                {"team_id": "co", "name": "Linked Co", "level": "company"},
                {
                    "team_id": "mk",
                    "name": "Marketing",
                    "parent_team_id": "co",
                    "level": "department",
                },
                {"team_id": "mk-brand", "name": "Brand", "parent_team_id": "mk", "level": "team"},
                {
                    "team_id": "ops",
                    "name": "Operations",
                    "parent_team_id": "co",
                    "level": "department",
                },
            ],
        ),  # fmt: skip
        "objectives": canonical(
            "objectives",
            [
                {
                    "objective_id": o,
                    "cycle_id": CYCLE,
                    "title": t,
                    "team_id": team,
                    "level": lv,
                    "owner": "Owner " + o,
                    "parent_objective_id": po,
                    "parent_kr_id": pk,
                }
                for o, t, team, lv, po, pk in objectives
            ],
        ),  # fmt: skip
        "key_results": canonical(
            "key_results",
            [
                {
                    "kr_id": k,
                    "objective_id": o,
                    "title": t,
                    "unit": u,
                    "start_value": s,
                    "target_value": g,
                    "current_value": c,
                    "kr_type": kind,
                    "owner": "Ana Costa",
                }
                for k, o, t, u, s, g, c, kind in krs
            ],
        ),  # fmt: skip
        "check_ins": canonical(
            "check_ins",
            [
                {
                    "kr_id": k,
                    "checked_at": pd.Timestamp(d),
                    "value": v,
                    "confidence": c,
                    "note": n,
                    "author": a,
                }
                for k, d, v, c, n, a in check_ins
            ],
        ),  # fmt: skip
    }


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("linked") / "linked.duckdb"
    return write_store(path, linked_company(), as_of=date(2026, 11, 15))


def objective_map_of(at) -> dict:
    return next(c for c in charts(at) if c["data"] and c["data"][0]["type"] == "treemap")


def drawn_pairs(figure: dict) -> set[tuple[str, str]]:
    """(parent, child) objective ids the treemap draws."""
    trace = figure["data"][0]
    prefix = "objective/"
    return {
        (p.removeprefix(prefix), i.removeprefix(prefix))
        for i, p in zip(trace["ids"], trace["parents"], strict=True)
        if i.startswith(prefix) and p.startswith(prefix)
    }


def stored_pairs(db: Path, cycle: str) -> set[tuple[str, str]]:
    """(parent, child) of every objective of `cycle` whose parent is in the cycle too, from
    the store's links (no dashboard code)."""
    with open_store(db, read_only=True) as conn:
        ds = read_dataset(conn)
    links = objective_links(ds.objectives, ds.key_results, ds.teams)
    links = links[(links["cycle_id"] == cycle) & ~links["in_loop"]]
    hung = links[links["parent_id"].isin(set(links["objective_id"]))]
    return set(zip(hung["parent_id"], hung["objective_id"], strict=True))


def test_the_map_draws_which_objective_supports_which(linked_store, monkeypatch):
    at = open_app(linked_store, monkeypatch, page="alignment")
    figure = objective_map_of(at)
    assert drawn_pairs(figure) == {("top1", "mk1"), ("mk1", "br1"), ("top1", "ops1")}
    assert drawn_pairs(figure) == stored_pairs(linked_store, CYCLE)
    trace = figure["data"][0]
    labels = dict(zip(trace["ids"], trace["labels"], strict=True))
    assert labels["objective/br1"] == "Launch the spring campaign"
    assert labels["group/unlinked"] == "Linked to no top objective (1)"  # the orphan
    assert dict(zip(trace["ids"], trace["parents"], strict=True))["objective/ops2"] == (
        "group/unlinked"
    )
    coverage = next(c.value for c in at.caption if "below the top level" in c.value)
    coverage = coverage.replace("\\", "")
    assert "3 of 4 objectives below the top level are aligned (75%)" in coverage
    assert "1 of 2 top objective(s) have nothing under them" in coverage
    listed = next(d.value for d in at.dataframe if "supports_title" in d.value.columns)
    # reading order: each top objective (by title) with what hangs below it, then the orphan
    assert list(listed["objective_link"].map(link_id)) == [
        "top2", "top1", "mk1", "br1", "ops1", "ops2",
    ]  # fmt: skip


def test_the_map_is_coloured_by_status_in_a_running_cycle(linked_store, monkeypatch):
    with open_store(linked_store, read_only=True) as conn:
        report = analyse(read_dataset(conn))
    status = report.objectives.set_index("objective_id")["status"]
    at = open_app(linked_store, monkeypatch, page="alignment")
    figure = objective_map_of(at)
    legend = {t["name"] for t in figure["data"][1:]}
    assert legend == set(status.dropna())
    colors = {t["name"]: t["marker"]["color"] for t in figure["data"][1:]}
    trace = figure["data"][0]
    fill = dict(zip(trace["ids"], trace["marker"]["colors"], strict=True))
    for oid, word in status.items():
        assert fill[f"objective/{oid}"] == colors[word], oid


def test_a_department_filter_roots_the_map_at_the_department(linked_store, monkeypatch):
    at = open_app(linked_store, monkeypatch)
    at.sidebar.selectbox(key="department").set_value("Marketing").run()
    at.switch_page("views/alignment.py").run()
    assert not at.exception
    trace = objective_map_of(at)["data"][0]
    parents = dict(zip(trace["ids"], trace["parents"], strict=True))
    labels = dict(zip(trace["ids"], trace["labels"], strict=True))
    assert {i for i in trace["ids"] if i.startswith("objective/")} == {
        "objective/mk1", "objective/br1",
    }  # fmt: skip
    assert labels["root"] == f"Marketing · {CYCLE}"
    assert labels[parents["objective/mk1"]] == "Supports “Win the market”"
    assert parents["objective/br1"] == "objective/mk1"
    assert any("Rooted at **Marketing**" in c.value for c in at.caption)


def test_the_demo_map_draws_every_link_of_the_cycle(demo_store, monkeypatch):
    at = open_app(demo_store, monkeypatch, page="alignment")
    pairs = drawn_pairs(objective_map_of(at))
    assert len(pairs) > 100
    assert pairs == stored_pairs(demo_store, "2026-Q4")


def open_objective(db: Path, monkeypatch, objective_id: str):
    at = open_app(db, monkeypatch)
    at.query_params["id"] = objective_id
    at.switch_page("views/objective.py").run()
    assert not at.exception, at.exception
    return at


def outside_expanders(at) -> list[str]:
    """Markdown the page shows without opening any expander."""
    hidden = {id(m) for e in at.expander for m in e.markdown}
    hidden_values = {m.value for e in at.expander for m in e.markdown}
    return [m.value for m in at.markdown if id(m) not in hidden and m.value not in hidden_values]


def test_notes_are_visible_newest_first_with_date_author_value_and_confidence(
    linked_store, monkeypatch
):
    at = open_objective(linked_store, monkeypatch, "mk1")
    shown = [v.replace("\\", "") for v in outside_expanders(at)]
    lines = [line for v in shown for line in v.split("\n\n")]
    notes = [line for line in lines if line.startswith("**") and "  \n" in line]
    revenue = [n for n in notes if "€" in n]
    assert [n.split("  \n")[1] for n in revenue] == [
        "Pipeline slipped a week", "Signed the Lisbon reseller", "Kick-off with the agency",
    ]  # fmt: skip
    assert revenue[0].split("  \n")[0] == "**09 Nov 2026** · Ana Costa · € 32k · confidence 65%"
    assert "First reference live" in "".join(notes)
    assert sum("Notes, newest first" in v for v in shown) == 2


def test_values_are_shown_with_their_units(linked_store, monkeypatch):
    at = open_objective(linked_store, monkeypatch, "mk1")
    table = next(d.value for d in at.dataframe if "start_text" in d.value.columns)
    by_title = table.set_index("title")
    revenue = by_title.loc["Raise brand revenue from 20k to 50k"]
    assert (revenue["start_text"], revenue["target_text"], revenue["current_text"]) == (
        "€ 20k", "€ 50k", "€ 32k",
    )  # fmt: skip
    customers = by_title.loc["Win 5 reference customers"]
    assert customers["current_text"] == "3 customers"
    headers = [v.replace("\\", "") for v in outside_expanders(at)]
    assert any(h.startswith("**Win 5 reference customers** · 3 customers of 5 customers")
               for h in headers)  # fmt: skip
    ops = open_objective(linked_store, monkeypatch, "ops1")
    headers = [v.replace("\\", "") for v in outside_expanders(ops)]
    assert any("8 days now, target 5 days" in h for h in headers)


def test_confidence_has_its_own_axis_and_the_pace_ends_at_the_sweet_spot(linked_store, monkeypatch):
    at = open_objective(linked_store, monkeypatch, "mk1")
    chart = next(
        c for c in charts(at) if c["layout"]["title"]["text"] == "Check-ins over the cycle"
    )
    assert chart["layout"]["yaxis"]["title"]["text"] == "score"
    assert chart["layout"]["yaxis2"]["title"]["text"] == "confidence"
    traces = {t["name"]: t for t in chart["data"]}
    assert traces["confidence (right axis)"]["yaxis"] == "y2"
    assert traces["score"].get("yaxis", "y") == "y"
    pace = traces[pace_name()]
    assert plotly_values(pace["y"]) == [0.0, score_bands().sweet_low]
    assert pace_name() == "expected pace (to 0.6 at the end)"
    hover = traces["score"]["customdata"]
    assert hover[-1] == "€ 32k"


def test_status_and_heading_in_words_match_the_report(linked_store, monkeypatch):
    with open_store(linked_store, read_only=True) as conn:
        report = analyse(read_dataset(conn))
    objective = report.objectives.set_index("objective_id").loc["mk1"]
    at = open_objective(linked_store, monkeypatch, "mk1")
    assert metric(at, "Status") == objective["status"]
    assert metric(at, "Expected by now") == f"{objective['expected']:.2f}"
    sentence = next(m.value for m in at.markdown if m.value.startswith("This objective:"))
    assert sentence.replace("\\", "") == (
        f"This objective: **{objective['status']}** · heading for {objective['heading']:.2f} "
        f"at the end · {objective['score']:.2f} now, {objective['expected']:.2f} expected by now."
    )
    krs = report.key_results.set_index("kr_id")
    kr = krs.loc["mk1-kr2"]
    header = next(m.value for m in at.markdown if m.value.startswith("**Win 5"))
    assert f"**{kr['status']}** · heading for {kr['heading']:.2f} at the end" in header.replace(
        "\\", ""
    )
