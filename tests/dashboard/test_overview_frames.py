"""The Overview's frames and figures on their own: the verdict counts by the status rule,
departments worst first, one scope per trend with the running cycle as a forecast, histogram
bins cut on the band edges, and marks whose colours say what the legend says."""

from __future__ import annotations

from html import unescape

import numpy as np
import pandas as pd
import pytest

from dashboard import charts_overview, overview_frames
from metrics.progress.status import STATUS_COLORS
from metrics.scores.bands import BAND_COLORS, BANDS, band_labels, score_bands


def objectives_frame(rows: list[tuple]) -> pd.DataFrame:
    """(objective_id, cycle_id, department, team, score, heading, status) rows."""
    frame = pd.DataFrame(
        rows, columns=["objective_id", "cycle_id", "department", "team", "score", "heading",
                       "status"],
    )  # fmt: skip
    expected = np.where(frame["status"].notna(), 0.3, np.nan)
    return frame.assign(expected=expected, title=frame["objective_id"], owner="Ann")


RUNNING = objectives_frame([
    ("a", "Q2", "Ops", "Ops A", 0.05, 0.10, "at risk"),
    ("b", "Q2", "Ops", "Ops A", 1.00, 1.00, "done"),
    ("c", "Q2", "Sales", "Sales A", 0.50, 0.99, "on track"),
    ("d", "Q2", "Sales", "Sales B", 0.25, 0.49, "behind"),
    ("e", "Q2", "Legal", "Legal A", 0.10, 0.20, "at risk"),
    ("f", "Q2", "Legal", "Legal A", 0.00, np.nan, "not started"),
])  # fmt: skip


def test_the_verdict_counts_each_status_and_judges_the_scope_by_the_same_rule():
    krs = pd.DataFrame({"status": ["on track", "on track", "at risk", None], "score": [0.5] * 4})
    found = overview_frames.verdict(RUNNING, krs)
    assert found.running
    assert found.objectives == {"on track": 1, "behind": 1, "at risk": 2, "not started": 1,
                                "done": 1}  # fmt: skip
    assert found.key_results == {"on track": 2, "behind": 0, "at risk": 1, "not started": 0,
                                 "done": 0}  # fmt: skip
    # the scope heads for the mean heading of its objectives: (0.1+1+0.99+0.49+0.2)/5 = 0.556
    assert found.heading == pytest.approx(0.556)
    assert found.status == "behind"
    assert found.score == pytest.approx(1.9 / 6) and found.expected == pytest.approx(0.3)


def test_a_finished_cycle_is_counted_by_final_band():
    done = objectives_frame([("a", "Q1", "Ops", "Ops A", 0.65, np.nan, None),
                             ("b", "Q1", "Ops", "Ops A", 0.75, np.nan, None),
                             ("c", "Q1", "Ops", "Ops A", 0.70, np.nan, None)])  # fmt: skip
    found = overview_frames.verdict(done, pd.DataFrame({"score": [1.0, 0.2], "status": [None] * 2}))
    assert not found.running and found.status is None
    assert found.objectives == {"low": 0, "mid": 0, "sweet": 2, "high": 1, "maxed": 0}
    assert found.key_results == {"low": 1, "mid": 0, "sweet": 0, "high": 0, "maxed": 1}


def test_status_change_counts_before_and_now():
    before = pd.DataFrame({"status": ["behind", "behind", "on track", None]})
    now = pd.DataFrame({"status": ["on track", "behind", "on track", "done"]})
    change = overview_frames.status_change(before, now).set_index("status")
    assert change.loc["on track"].tolist() == [1, 2, 1]
    assert change.loc["behind"].tolist() == [2, 1, -1]
    assert change.loc["done"].tolist() == [0, 1, 1]
    assert change.loc["at risk"].tolist() == [0, 0, 0]


def test_departments_come_worst_first_with_their_objectives_at_risk():
    departments = overview_frames.department_status(RUNNING)
    # Legal heads for 0.2 (at risk), Ops for 0.55 (behind), Sales for 0.74 (on track)
    assert list(departments["department"]) == ["Legal", "Ops", "Sales"]
    assert list(departments["status"]) == ["at risk", "behind", "on track"]
    assert list(departments["at_risk"]) == [1, 1, 0]
    teams = overview_frames.department_status(RUNNING[RUNNING["department"] == "Sales"], "team")
    assert list(teams["team"]) == ["Sales B", "Sales A"]  # behind before on track


def test_a_finished_cycle_lists_departments_lowest_score_first():
    done = RUNNING.assign(status=None, heading=np.nan)
    departments = overview_frames.department_status(done)
    assert list(departments["department"]) == ["Legal", "Sales", "Ops"]  # 0.05, 0.375, 0.525
    assert departments["status"].isna().all()


def test_objectives_at_risk_show_title_status_and_score_first_heading_lowest_first():
    risky = overview_frames.at_risk_objectives(RUNNING)
    assert list(risky["objective_id"]) == ["a", "e"]
    assert list(risky.columns[1:4]) == ["title", "status", "score"]


def test_the_trend_of_a_scope_is_that_scope_in_every_cycle_and_the_running_one_a_forecast():
    finished = objectives_frame([("p", "Q1", "Ops", "Ops A", 0.8, np.nan, None),
                                 ("q", "Q1", "Sales", "Sales A", 0.2, np.nan, None)])  # fmt: skip
    both = pd.concat([RUNNING, finished], ignore_index=True)
    ops = both[both["department"] == "Ops"]
    trend = overview_frames.scope_trend(ops, ("Q1", "Q2"), "Q2")
    assert trend.to_dict("records") == [
        {"cycle_id": "Q1", "value": pytest.approx(0.8), "kind": "score"},
        {"cycle_id": "Q2", "value": pytest.approx(0.55), "kind": "forecast"},  # mean heading
    ]
    by_department = overview_frames.scope_trend(both, ("Q1", "Q2"), "Q2", by="department")
    sales = by_department[by_department["department"] == "Sales"]
    assert sales["value"].round(3).tolist() == [0.2, 0.74]
    assert sales["kind"].tolist() == ["score", "forecast"]


@pytest.mark.parametrize("spot", ["0.6-0.7", "0.65-0.75", "0.7-0.85"])
def test_histogram_bins_never_straddle_a_band_edge(spot, monkeypatch):
    monkeypatch.setenv("OKR_HEALTH_SWEET_SPOT", spot)
    bands = score_bands()
    bins = charts_overview.histogram_bins()
    edges = {bands.low_below, bands.sweet_low, bands.sweet_high}
    for lower, upper in zip(bins["lower"].tolist(), bins["upper"].tolist(), strict=True):
        assert not any(lower < e < upper for e in edges), (lower, upper)
        assert upper - lower <= charts_overview.BIN_WIDTH + 1e-9
    assert set(bins["band"]) == set(BANDS)


def test_a_score_counts_in_the_bin_of_its_own_band():
    scores = pd.Series([0.0, 0.39, 0.4, 0.6, 0.7, 0.70001, 0.8, 0.99, 1.0, None])
    histogram = charts_overview.score_histogram(scores)
    counted = histogram[histogram["count"] > 0]
    keys = zip(counted["bin"].tolist(), counted["band"].tolist(), strict=True)
    got = dict(zip(keys, counted["count"].tolist(), strict=True))
    assert got == {
        ("0.0–0.1", "low"): 1, ("0.3–0.4", "low"): 1, ("0.4–0.5", "mid"): 1,
        ("0.6–0.7", "sweet"): 2,  # 0.6 and 0.7: the sweet spot holds its top score
        ("0.7–0.8", "high"): 1, ("0.8–0.9", "high"): 1, ("0.9–1.0", "high"): 1,
        ("1.0", "maxed"): 1,
    }  # fmt: skip
    assert histogram["count"].sum() == 9


def test_histogram_bars_take_the_colour_and_name_of_the_band_they_lie_in():
    scores = pd.Series([0.1, 0.45, 0.65, 0.7, 0.75, 0.95, 1.0])
    figure = charts_overview.distribution_figure(charts_overview.score_histogram(scores), "t")
    labels = {v: k for k, v in band_labels().items()}
    low, high = score_bands().sweet_spot
    for trace in figure.data:
        band = labels[unescape(trace.name)]  # the figure's text is literal (&lt;)
        assert trace.marker.color == BAND_COLORS[band]
        for x, w, n in zip(trace.x, trace.width, trace.y, strict=True):
            if band == "sweet" and n:
                assert low - 1e-9 <= x - w / 2 and x + w / 2 <= high + 1e-9  # inside the spot
            if band == "high" and n:
                assert x - w / 2 >= high - 1e-9
    sweet = next(t for t in figure.data if labels[unescape(t.name)] == "sweet")
    assert sum(sweet.y) == 2  # 0.65 and 0.7; 0.75 is high


def test_department_bars_take_their_status_colour_and_say_their_objectives_at_risk():
    departments = overview_frames.department_status(RUNNING)
    figure = charts_overview.department_status_figure(departments, "Departments")
    bars = [t for t in figure.data if t.type == "bar"]
    assert [b.name for b in bars] == ["on track", "behind", "at risk"]  # one legend entry each
    for bar in bars:
        assert bar.marker.color == STATUS_COLORS[bar.name]
    at_risk = next(b for b in bars if b.name == "at risk")
    assert list(at_risk.y) == ["Legal"] and list(at_risk.text) == ["1 at risk"]
    assert list(figure.layout.yaxis.categoryarray) == ["Sales", "Ops", "Legal"]  # Legal on top
    heading = next(t for t in figure.data if "forecast" in t.name)
    assert heading.marker.symbol == "diamond-open"


def test_a_forecast_is_drawn_hollow_dashed_and_named_so():
    trend = pd.DataFrame({"cycle_id": ["Q1", "Q2"], "value": [0.7, 0.6],
                          "kind": ["score", "forecast"]})  # fmt: skip
    figure = charts_overview.scope_trend_figure(trend, "Objective score: Ops")
    measured, forecast = figure.data
    assert list(measured.x) == ["Q1"] and measured.line.dash is None
    assert "forecast" in forecast.name and forecast.line.dash == "dash"
    assert list(forecast.x) == ["Q1", "Q2"] and forecast.marker.symbol[-1] == "circle-open"


def test_trend_lines_by_group_are_labelled_at_their_ends_apart_and_in_their_colour():
    trend = pd.DataFrame({
        "cycle_id": ["Q1", "Q2", "Q1", "Q2"], "department": ["Ops", "Ops", "Sales", "Sales"],
        "value": [0.5, 0.61, 0.4, 0.6], "kind": ["score", "forecast", "score", "forecast"],
    })  # fmt: skip
    figure = charts_overview.scope_trend_figure(trend, "by department", by="department")
    notes = {a.text: a for a in figure.layout.annotations if "forecast" in str(a.text)}
    assert set(notes) == {"Ops (forecast)", "Sales (forecast)"}
    assert abs(notes["Ops (forecast)"].y - notes["Sales (forecast)"].y) >= 0.04
    colours = {t.name: t.line.color for t in figure.data}
    assert notes["Ops (forecast)"].font.color == colours["Ops"] != colours["Sales"]
    assert len(set(colours.values())) == 2
