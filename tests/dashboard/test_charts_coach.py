"""The Coach page's figure helpers on their own: points that would hide each other are
spread, every flagged name is a label, and a team's link narrows the Coach page."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import charts_coach, links
from tests.support.pages import link_text


def test_points_on_one_spot_are_spread_and_a_lone_point_stays():
    x = pd.Series([1.0, 1.0, 1.0, 0.5])
    y = pd.Series([1.0, 1.0, 1.0, 0.2])
    placed = charts_coach.spread_points(x, y)
    assert placed["spot"].tolist()[:3] == [placed["spot"].iloc[0]] * 3
    assert placed.loc[3, ["x", "y"]].tolist() == [0.5, 0.2]
    spots = set(zip(placed["x"].round(6)[:3], placed["y"].round(6)[:3], strict=True))
    assert len(spots) == 3  # three dots, not one
    assert ((placed["x"][:3] - 1.0).abs() <= charts_coach.SPREAD).all()


def test_every_flagged_name_is_a_label_and_the_others_are_not():
    patterns = pd.DataFrame(
        {"owner": ["Ann", "Bo", "Cy", "Di"], "mean_score": [1.0, 1.0, 0.1, 0.65],
         "maxed_share": [1.0, 1.0, 0.0, 0.2], "key_results": [5, 6, 7, 8],
         "pattern": ["sandbagging", "sandbagging", "over-ambitious", None]}
    )  # fmt: skip
    fig = charts_coach.patterns_figure(patterns, "owner")
    labels = [a.text for a in fig.layout.annotations]
    assert sorted(labels) == ["Ann", "Bo", "Cy"]
    tops = sorted(a.ay for a in fig.layout.annotations if a.text in ("Ann", "Bo"))
    assert tops[1] - tops[0] == pytest.approx(charts_coach.LABEL_DY)  # a column, not a pile
    assert [t.name for t in fig.data] == ["no flag", "sandbagging", "over-ambitious"]


def test_a_teams_link_opens_the_coach_page_on_that_team():
    link = links.team_coach_link("Sales & APAC")
    assert link.startswith("coach?team=Sales+%26+APAC")
    assert link_text(link) == "Sales & APAC"
