"""Pure pieces of the dashboard: link builders, the table vocabulary, an objective's history,
the import log in words, the week in progress. No Streamlit run needed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import charts_coach, links, table_formats, transforms
from tests.support.pages import link_id, link_text

START, END = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31")


@pytest.mark.parametrize(
    ("key", "wanted", "options", "default", "value", "notice"),
    [
        ("cycle", "2026-Q3", ["2026-Q3", "2026-Q4"], "2026-Q4", "2026-Q3", None),
        ("cycle", None, ["2026-Q3", "2026-Q4"], "2026-Q4", "2026-Q4", None),
        ("cycle", "1999-Q1", ["2026-Q4"], "2026-Q4", "2026-Q4",
         "No cycle “1999-Q1” in this store: showing “2026-Q4”."),
        ("department", "Nope", ["All", "Sales"], "All", "All",
         "No department “Nope” in this store: showing all."),
    ],
)  # fmt: skip
def test_a_filter_takes_the_address_value_when_known(key, wanted, options, default, value, notice):
    assert links.pick(key, wanted, options, default) == (value, notice)


@pytest.mark.parametrize(
    ("values", "address"),
    [
        ({"cycle": "2026-Q4", "department": "All", "team": "All", "level": "All"},
         {"cycle": "2026-Q4"}),
        ({"cycle": "2026-Q3", "department": "R&D", "team": None, "level": "team"},
         {"cycle": "2026-Q3", "department": "R&D", "level": "team"}),
    ],
)  # fmt: skip
def test_the_address_of_a_filter_state(values, address):
    assert links.address_for(values) == address


def test_links_are_relative_and_carry_their_text_after_the_hash():
    link = links.objective_link("o 1&x", '<b>"Grow" #1</b>', "2026-Q1")
    assert link.startswith("objective?id=o+1%26x&cycle=2026-Q1#")
    assert link_id(link) == "o 1&x" and link_text(link) == '<b>"Grow" #1</b>'
    owner = links.owner_link("javascript:alert(1)")
    assert owner.startswith("owner?name=javascript%3Aalert%281%29#")  # a query, never a scheme
    assert link_text(owner) == "javascript:alert(1)"


@pytest.mark.parametrize(
    ("column", "dtype", "header", "kind"),
    [
        ("team_id", "object", "Team ID", "text"),
        ("score_source", "object", "Score from", "text"),
        ("kr_type", "object", "Type", "text"),
        ("score", "float64", "Score", "score"),
        ("maxed_share", "float64", "Share at 1.0", "share"),
        ("objective_link", "object", "Objective", "link"),
        ("evidence", "object", "Evidence", "long"),
        ("some_new_share", "float64", "Some new share", "share"),
        ("last_check_in_at", "datetime64[us]", "Last check-in", "date"),
    ],
)
def test_every_column_gets_a_header_in_words_and_a_format(column, dtype, header, kind):
    assert table_formats.header(column) == header
    assert table_formats.kind_of(column, np.dtype(dtype)) == kind


def test_column_config_formats_scores_shares_and_links():
    frame = pd.DataFrame({"score": [0.4855], "maxed_share": [0.25], "objective_link": ["x"]})
    config = table_formats.column_config(frame)
    assert config["score"]["label"] == "Score"
    assert config["score"]["type_config"]["format"] == "%.2f"
    assert config["maxed_share"]["type_config"]["format"] == "percent"
    assert config["objective_link"]["type_config"]["display_text"] == "#(.*)$"


def test_readable_turns_categories_into_text():
    frame = pd.DataFrame({"band": pd.Categorical(["low", None])})
    assert table_formats.readable(frame)["band"].dtype == object


def test_the_expected_pace_runs_from_zero_to_the_sweet_spots_lower_edge():
    line = transforms.pace_line(START, END)
    assert line["expected"].tolist() == [0.0, 0.6]
    assert line["when"].tolist() == [START, END]
    later = END + pd.Timedelta(days=30)
    when = pd.Series([START - pd.Timedelta(days=3), START + (END - START) / 2, END, later])
    assert transforms.expected_at(when, START, END).tolist() == pytest.approx([0, 0.5, 1, 1])


def test_the_forecast_runs_from_the_last_scored_check_in_to_the_cycle_end():
    history = pd.DataFrame(
        {"checked_at": pd.to_datetime(["2026-01-08", "2026-02-05", "2026-02-12"]),
         "score": [0.1, 0.4, np.nan]}
    )  # fmt: skip
    line = transforms.forecast_line(history, END, 0.8)
    assert line["when"].tolist() == [pd.Timestamp("2026-02-05"), END]
    assert line["score"].tolist() == [0.4, 0.8]
    assert transforms.forecast_line(history, END, None).empty
    assert transforms.forecast_line(history, END, float("nan")).empty


def test_key_result_history_scores_each_check_in_like_the_engine():
    from metrics.progress.calendar import cycle_calendar

    key_results = pd.DataFrame(
        {"kr_id": ["k1"], "objective_id": ["o1"], "cycle_id": ["c1"], "kr_type": ["increase"],
         "start_value": [100.0], "target_value": [110.0]}
    )  # fmt: skip
    stated = key_results.assign(range_low=np.nan, range_high=np.nan)
    check_ins = pd.DataFrame(
        {"kr_id": ["k1", "k1", "k1", "k1"],
         "checked_at": pd.to_datetime(["2026-01-01", "2026-02-15", "2026-03-01", "2026-04-20"]),
         "value": [100.0, 106.0, np.nan, 120.0], "grade": [np.nan, np.nan, 0.7, np.nan],
         "confidence": [0.5, 0.6, 0.7, 0.9], "status": ["", "", "", ""],
         "note": ["start", None, "graded", "future"], "author": ["a", "a", "a", "a"]}
    ).astype({"checked_at": "datetime64[us]"})  # fmt: skip
    cycles = pd.DataFrame(
        {"cycle_id": ["c1"], "name": ["Q1"], "start_date": [date(2026, 1, 1)],
         "end_date": [date(2026, 3, 31)]}
    )  # fmt: skip
    objectives = pd.DataFrame({"objective_id": ["o1"], "cycle_id": ["c1"]})
    calendar = cycle_calendar(cycles, objectives, key_results, check_ins, date(2026, 3, 31))
    history = transforms.key_result_history(key_results, stated, check_ins, calendar,
                                            date(2026, 3, 31))  # fmt: skip
    assert history["note"].fillna("").tolist() == ["start", "", "graded"]  # not the future one
    assert history["score"].tolist() == pytest.approx([0.0, 0.6, 0.7])
    # half-way through (15 Feb of Q1): half of the sweet spot's lower edge, as the pace line
    assert history["expected"].iloc[0] == 0.0 and 0.3 < history["expected"].iloc[1] < 0.33


def test_owner_objectives_holds_theirs_and_those_they_hold_key_results_in():
    objectives = pd.DataFrame(
        {"objective_id": ["o1", "o2", "o3"], "cycle_id": ["c1", "c2", "c2"],
         "title": ["A", "B", "C"], "team": ["t", "t", "t"], "owner": ["Ann", "Bob", "Bob"],
         "score": [0.5, 0.7, 0.9], "kr_count": [2, 3, 1]}
    )  # fmt: skip
    key_results = pd.DataFrame({"objective_id": ["o2", "o2", "o3"], "owner": ["Ann", "Ann", "Bob"]})
    held = transforms.owner_objectives(objectives, key_results, "Ann")
    assert held[["objective_id", "role", "owned_krs"]].values.tolist() == [
        ["o2", "key results", 2], ["o1", "owner", 0],
    ]  # fmt: skip


def test_the_week_holding_the_as_of_day_is_in_progress_and_drawn_grey():
    weeks = pd.DataFrame(
        {"week_start": pd.to_datetime(["2026-11-16", "2026-11-23"]), "team": ["A", "A"],
         "share": [0.8, 0.0], "checked_krs": [4, 0], "active_krs": [5, 5]}
    )  # fmt: skip
    marked = transforms.discipline_weeks(weeks, date(2026, 11, 25))
    assert marked["in_progress"].tolist() == [False, True]
    fig = charts_coach.discipline_heatmap(marked)
    done, partial = fig.data
    assert list(done.x) == ["16 Nov", "23 Nov (in progress)"]
    # The week that ended shows what was missed (1 of 5); the running one is not a miss.
    assert done.z[0][0] == pytest.approx(0.2) and np.isnan(done.z[0][1])
    assert list(done.text[0]) == ["1", ""]
    assert np.isnan(partial.z[0][0]) and partial.z[0][1] == 0.0
    assert partial.showscale is False


@pytest.mark.parametrize(
    ("pack", "score", "source"),
    [("objectives", "Score", "Score from"), ("movement", "Now", "Score from"),
     ("key_results", "Score", "Score source"), (None, "Score", "Score from")],
)  # fmt: skip
def test_the_closing_page_uses_each_pack_tables_own_headers(pack, score, source):
    frame = pd.DataFrame({"score": [0.5], "score_source": ["computed"]})
    config = table_formats.column_config(frame, pack=pack)
    assert (config["score"]["label"], config["score_source"]["label"]) == (score, source)
