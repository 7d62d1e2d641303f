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
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    evidence: pd.DataFrame,
    owner: str,
    cycle_order: Sequence[str],
) -> pd.DataFrame:
    """Per cycle in which `owner` owns an objective or holds key results, in `cycle_order`
    (unknown cycles last): cycle_id, cycle_state, held, graded, judged, mean_score (the mean
    over graded; missing where none is graded). A cycle where they own objectives but hold
    no key result has held 0."""
    theirs = key_results[key_results["owner"] == owner]
    judged_ids = set(evidence.loc[evidence["owner"] == owner, "kr_id"])
    frame = theirs.assign(judged=theirs["kr_id"].isin(judged_ids))
    out = (
        frame.groupby("cycle_id", sort=False)
        .agg(
            held=("kr_id", "count"),
            graded=("score", "count"),
            judged=("judged", "sum"),
            mean_score=("score", "mean"),
        )
        .astype({"judged": "int64"})
    )
    owned = objectives.loc[objectives["owner"] == owner, "cycle_id"].dropna()
    cycles = pd.Index(pd.unique(pd.concat([theirs["cycle_id"], owned]).dropna()), name="cycle_id")
    out = out.reindex(cycles).reset_index()
    out[["held", "graded", "judged"]] = out[["held", "graded", "judged"]].fillna(0)
    out = out.astype({"held": "int64", "graded": "int64", "judged": "int64"})
    states = pd.concat([key_results[["cycle_id", "cycle_state"]],
                        objectives[["cycle_id", "cycle_state"]]])  # fmt: skip
    state_of = states.dropna().drop_duplicates("cycle_id").set_index("cycle_id")["cycle_state"]
    out["cycle_state"] = out["cycle_id"].map(state_of)
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
