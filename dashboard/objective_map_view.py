"""The Alignment page's map of objectives, ready to draw: the forest of
metrics/alignment/objective_map.py with each objective's verdict (its status in a running
cycle, its band in a finished one) and the coverage of the view in words. Pure, no Streamlit."""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from dashboard.memo import memoized
from dashboard.transforms import with_objective_links
from metrics.alignment.objective_map import objective_map
from metrics.scores.bands import band_labels

INDENT = "\u2003"  # an em space per level of the tree table
VIEW_COLUMNS = ["score", "band", "status", "heading", "expected", "cycle_state", "team",
                "department", "kr_count"]  # fmt: skip


@memoized()
def map_view(links: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """The map of `objectives` (the page's scope) with their scores and verdicts.

    Adds to the map's columns: score, band, status, heading, expected, cycle_state, team,
    department, kr_count, and `verdict`: the status in words for a running cycle, else the
    band's label ("not graded" without a score); `tree_title`: the title indented by depth.
    """
    shown = objectives.drop_duplicates("objective_id")
    tree = objective_map(links, shown["objective_id"])
    facts = shown.set_index("objective_id")[[c for c in VIEW_COLUMNS if c in shown.columns]]
    out = tree.join(facts, on="objective_id")
    out["verdict"] = verdicts(out)
    marks = out["depth"].map(lambda d: INDENT * d + ("↳ " if d else ""))
    out["tree_title"] = marks + out["title"].astype("object").fillna("").astype(str)
    return out


def verdicts(frame: pd.DataFrame) -> pd.Series:
    """One word per objective: `status` where it has one (a running cycle), else its band's
    label, else "not graded"."""
    labels = band_labels()
    empty = pd.Series(None, index=frame.index, dtype="object")
    status = frame["status"].astype("object") if "status" in frame else empty
    band = frame["band"].astype("object") if "band" in frame else empty
    by_band = band.map(lambda b: labels.get(str(b), "not graded") if isinstance(b, str) else None)
    return status.where(status.notna(), by_band.fillna("not graded"))


class Coverage(TypedDict):
    """The alignment of a view in numbers: objectives, those below the top level, the
    aligned among them (None when there are none), orphans, top objectives and the top
    objectives nothing in the view supports."""

    objectives: int
    below_top: int
    aligned: int
    aligned_share: float | None
    orphans: int
    broken: int
    tops: int
    unsupported_tops: int


def coverage(tree: pd.DataFrame, links: pd.DataFrame) -> Coverage:
    """Coverage of the objectives in `tree` by the rules of metrics/alignment/links.py:
    aligned is a link that resolves; an unsupported top objective has nothing under it in
    the view."""
    shown = links.drop_duplicates("objective_id").set_index("objective_id")
    shown = shown.reindex(tree["objective_id"])
    below = shown[~shown["is_top"].fillna(False).astype(bool)]
    aligned = int(below["status"].eq("aligned").sum())
    tops = tree[tree["root_reason"] == "top"]
    return {
        "objectives": len(tree),
        "below_top": len(below),
        "aligned": aligned,
        "aligned_share": aligned / len(below) if len(below) else None,
        "orphans": int(below["status"].eq("orphan").sum()),
        "broken": int(below["status"].eq("broken").sum()),
        "tops": len(tops),
        "unsupported_tops": int((tops["supported_by"] == 0).sum()),
    }


def coverage_text(figures: Coverage) -> str:
    """The coverage in one sentence."""
    share = figures["aligned_share"]
    aligned = (
        "no objective below the top level"
        if share is None
        else f"{figures['aligned']} of {figures['below_top']} objectives below the top level "
        f"are aligned ({share:.0%})"
    )
    tops = (
        f"{figures['unsupported_tops']} of {figures['tops']} top objective(s) have nothing "
        "under them"
        if figures["tops"]
        else "no top objective in this view"
    )
    return (
        f"{aligned}; {figures['orphans']} orphan(s), {figures['broken']} with a broken link; "
        f"{tops}."
    )


@memoized()
def map_list(tree: pd.DataFrame) -> pd.DataFrame:
    """The map as a list: each objective's indented title, linked to its page (kept per map,
    so a view does not build the links again)."""
    return with_objective_links(tree.assign(title=tree["tree_title"]))


@memoized()
def issue_list(issues: pd.DataFrame) -> pd.DataFrame:
    """An alignment issue's objectives, each linked to its page, without their cycle."""
    return with_objective_links(issues).drop(columns="cycle_id")


@memoized()
def link_tiles(links: pd.DataFrame, objectives: pd.DataFrame) -> tuple[float | None, int, int]:
    """Of the objectives shown below the top level: the share linked to a parent (None when
    there are none), and the strict and directional links among them."""
    shown = links[links["objective_id"].isin(objectives["objective_id"])]
    non_top = shown[~shown["is_top"].fillna(False).astype(bool)]
    aligned = non_top["status"].eq("aligned")
    strict = int((aligned & non_top["link"].eq("strict")).sum())
    share = None if non_top.empty else float(aligned.mean())
    return share, strict, int(aligned.sum()) - strict
