"""The Closing meeting page's tables and chart from a closing pack, kept per pack
(dashboard/memo.py): the pack is the same object for every viewer of a unit and cycle
(dashboard/state.py), so a view does not build its links and its chart again."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.memo import memoized
from dashboard.transforms import with_objective_links
from exports.figures import movement_figure


@memoized()
def linked(objectives: pd.DataFrame, cycle_id: str) -> pd.DataFrame:
    """The pack's objectives, each linked to its page (in the pack's cycle)."""
    return with_objective_links(objectives.assign(cycle_id=cycle_id), "objective")


@memoized()
def scorecard(objectives: pd.DataFrame, cycle_id: str) -> pd.DataFrame:
    """The scorecard: every objective linked to its page."""
    return linked(objectives, cycle_id).drop(columns="cycle_id")


@memoized()
def unaligned(objectives: pd.DataFrame, cycle_id: str) -> pd.DataFrame:
    """The objectives linked to nothing above them, or to a parent that does not exist."""
    return linked(objectives[objectives["link"].isin(["orphan", "broken"])], cycle_id)


@memoized()
def moved_objectives(movement: pd.DataFrame) -> pd.DataFrame:
    """The movement since mid-cycle of the objectives (not their key results)."""
    return movement[movement["level"] == "objective"]


@memoized()
def movement_chart(movement: pd.DataFrame) -> go.Figure:
    """The movement chart of exports/figures.py, built once per pack."""
    return movement_figure(movement)
