"""One owner's record cycle by cycle (docs/pages.md, "Objective and Owner"): the key results
they hold, how many are graded, and how many their goal-setting pattern was judged on.

Every count on the Owner page comes from this one frame, so the tiles, the chart and the
table count the same key results: *held* (every key result they own, their own or inherited
from the objective), *graded* (with a score), *judged* (graded with a score of their own in
a finished cycle: what the pattern reads, as `pattern_evidence` keeps them).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

OWNER_CYCLE_COLUMNS = ["cycle_id", "cycle_state", "held", "graded", "judged", "mean_score"]


def owner_cycles(
    key_results: pd.DataFrame, evidence: pd.DataFrame, owner: str, cycle_order: Sequence[str]
) -> pd.DataFrame:
    """Per cycle in which `owner` holds key results, in `cycle_order` (unknown cycles last):
    cycle_id, cycle_state, held, graded, judged, mean_score (the mean over graded)."""
    theirs = key_results[key_results["owner"] == owner]
    judged_ids = set(evidence.loc[evidence["owner"] == owner, "kr_id"])
    frame = theirs.assign(judged=theirs["kr_id"].isin(judged_ids))
    grouped = frame.groupby("cycle_id", sort=False)
    out = grouped.agg(
        cycle_state=("cycle_state", "first"),
        held=("kr_id", "count"),
        graded=("score", "count"),
        judged=("judged", "sum"),
        mean_score=("score", "mean"),
    ).reset_index()
    out = out.astype({"held": "int64", "graded": "int64", "judged": "int64"})
    order = {c: i for i, c in enumerate(cycle_order)}
    position = out["cycle_id"].map(order).fillna(len(order))
    out = out.assign(_at=position).sort_values(["_at", "cycle_id"], kind="stable")
    return out[OWNER_CYCLE_COLUMNS].reset_index(drop=True)


def owner_totals(per_cycle: pd.DataFrame) -> dict[str, int]:
    """The page's tiles from the same frame: cycles held in, cycles judged, and the held,
    graded and judged key results over all of them."""
    return {
        "cycles": len(per_cycle),
        "judged_cycles": int((per_cycle["judged"] > 0).sum()),
        "held": int(per_cycle["held"].sum()),
        "graded": int(per_cycle["graded"].sum()),
        "judged": int(per_cycle["judged"].sum()),
    }
