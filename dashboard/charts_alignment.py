"""The Alignment page's map of objectives as a Plotly treemap: which objective supports
which, each box in the colour of its verdict (status in a running cycle, band in a finished
one), with a legend that names every colour drawn. No Streamlit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.memo import memoized
from exports.plot_text import literal_text
from metrics.progress.status import STATUS_COLORS, STATUSES
from metrics.scores.bands import BAND_COLORS, BANDS, band_labels

NOT_GRADED = "#dddddd"
CONTEXT = "#f4f4f4"  # the view's root, the groups and the parents outside the view
ROOT, UNLINKED = "root", "group/unlinked"
HOVER = "<b>%{label}</b><br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>"


def verdict_colors() -> dict[str, str]:
    """The colour of each verdict word: the statuses, the bands' labels, not graded."""
    labels = band_labels()
    by_band = {labels[b]: BAND_COLORS[b] for b in BANDS}
    return {**STATUS_COLORS, **by_band, "not graded": NOT_GRADED}


def map_nodes(tree: pd.DataFrame, root_label: str) -> pd.DataFrame:
    """The treemap's nodes: a root for the view, one node per objective under its parent,
    the roots of the map under the view's root (top objectives), under the objective they
    support outside the view, or in a group of objectives linked to no top objective.

    Columns: id, parent, label, kind (view, group, outside, objective), verdict, hover and
    hover2 (the two lines a box shows on hover)."""
    nodes = [{"id": ROOT, "parent": "", "label": root_label, "kind": "view"}]
    roots = tree[tree["parent_id"].isna()]
    unlinked = roots[roots["root_reason"].isin(["orphan", "broken", "loop"])]
    if not unlinked.empty:
        label = f"Linked to no top objective ({len(unlinked)})"
        nodes.append({"id": UNLINKED, "parent": ROOT, "label": label, "kind": "group"})
    outside = roots[roots["root_reason"] == "outside"].drop_duplicates("supports_id")
    for supports_id, title in zip(outside["supports_id"], outside["supports_title"], strict=True):
        label = f"Supports “{title if isinstance(title, str) else supports_id}”"
        nodes.append({"id": f"outside/{supports_id}", "parent": ROOT, "label": label,
                      "kind": "outside"})  # fmt: skip
    frame = pd.DataFrame(nodes)
    hover = _hover(tree)
    reason = tree["root_reason"]
    under_parent = "objective/" + tree["parent_id"].astype(str)
    under_outside = "outside/" + tree["supports_id"].astype(str)
    parent = np.select(
        [
            tree["parent_id"].notna(),
            reason.eq("outside"),
            reason.isin(["orphan", "broken", "loop"]),
        ],
        [under_parent, under_outside, UNLINKED],
        default=ROOT,
    )
    objectives = pd.DataFrame(
        {
            "id": "objective/" + tree["objective_id"].astype(str),
            "parent": parent,
            "label": tree["title"].astype("object").fillna(tree["objective_id"]),
            "kind": "objective",
            "verdict": tree["verdict"],
            "hover": hover[0],
            "hover2": hover[1],
        }
    )
    return pd.concat([frame, objectives], ignore_index=True)


def _hover(tree: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """What a box says on hover, in two lines: verdict, score and heading against expected;
    owner and how many objectives it supports directly."""
    score = tree["score"] if "score" in tree else pd.Series(np.nan, index=tree.index)
    first = tree["verdict"].astype(str) + score.map(
        lambda s: " · score –" if pd.isna(s) else f" · score {s:.2f}"
    )
    if "heading" in tree:
        first = first + [
            "" if pd.isna(h) else f", heading for {h:.2f} (expected by now {e:.2f})"
            for h, e in zip(tree["heading"], tree["expected"], strict=True)
        ]
    owner = tree["owner"].astype("object").fillna("no owner").astype(str)
    second = owner + tree["supported_by"].map(lambda n: f" · supported by {n}")
    return first, second


@memoized()
@literal_text
def objective_map_figure(tree: pd.DataFrame, root_label: str) -> go.Figure:
    """The map as a treemap (ids are the objectives' ids, each box sized by the objectives
    it holds), coloured by verdict, with one legend entry per verdict drawn."""
    nodes = map_nodes(tree, root_label)
    colors = verdict_colors()
    is_objective = nodes["kind"].eq("objective")
    fill = np.where(is_objective, nodes["verdict"].map(colors).fillna(NOT_GRADED), CONTEXT)
    hover = np.column_stack([
        nodes["hover"].where(is_objective, nodes["label"]).fillna(""),
        nodes["hover2"].where(is_objective, "").fillna(""),
    ])  # fmt: skip
    fig = go.Figure(
        go.Treemap(
            ids=nodes["id"], parents=nodes["parent"], labels=nodes["label"],
            values=is_objective.astype(int), branchvalues="remainder",
            marker={"colors": fill, "line": {"width": 1, "color": "#ffffff"}},
            customdata=hover, hovertemplate=HOVER,
            tiling={"pad": 2}, pathbar={"visible": True}, root={"color": CONTEXT},
            textfont={"size": 13},
        )
    )  # fmt: skip
    shown = [v for v in [*STATUSES, *band_labels().values(), "not graded"]
             if v in set(tree["verdict"])]  # fmt: skip
    for verdict in shown:  # a legend of the colours drawn (the treemap has none of its own)
        fig.add_scatter(
            x=[None], y=[None], mode="markers", name=verdict, showlegend=True,
            marker={"symbol": "square", "size": 12, "color": colors[verdict]},
            hoverinfo="skip",
        )  # fmt: skip
    fig.update_layout(
        height=680, margin={"t": 10, "l": 0, "r": 0, "b": 0},
        xaxis={"visible": False}, yaxis={"visible": False},
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
        plot_bgcolor="rgba(0,0,0,0)",
    )  # fmt: skip
    return fig


def objective_pairs(fig: go.Figure) -> set[tuple[str, str]]:
    """The (parent, child) objective ids a map figure draws (for tests and checks)."""
    trace = fig.data[0]
    prefix = "objective/"
    return {
        (str(p)[len(prefix) :], str(i)[len(prefix) :])
        for i, p in zip(trace.ids, trace.parents, strict=True)
        if str(p).startswith(prefix) and str(i).startswith(prefix)
    }
