"""Since the last import: what the latest import moved (the Overview's block; docs/pages.md,
"Overview").

Pure: two frames of scored key results (`HealthReport.key_results`, before the latest import
and after it) and the stale lists of both; the caller reads the store as it stood before.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.progress.status import OFF_TRACK
from pipelines.arrow import isin

# The columns of every frame below; `link` is the objective page of the key result.
COLUMNS = ["kr_id", "objective_id", "title", "team", "before", "after", "link"]


@dataclass(frozen=True)
class SinceImport:
    """moved_up / moved_down: key results whose score changed, largest move first (score
    after − score before, before missing counts as 0 for a new key result);
    newly_off_track: behind or at risk now, on track or unknown before (before/after
    hold the status); went_stale: in the stale list now, not before (after: days silent)."""

    moved_up: pd.DataFrame
    moved_down: pd.DataFrame
    newly_off_track: pd.DataFrame
    went_stale: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        return all(f.empty for f in (self.moved_up, self.moved_down, self.newly_off_track,
                                     self.went_stale))  # fmt: skip


def objective_link(objective_id: pd.Series) -> pd.Series:
    return "objective?id=" + objective_id.astype("str")


def _frame(rows: pd.DataFrame, before: pd.Series, after: pd.Series) -> pd.DataFrame:
    team = rows["team"] if "team" in rows else pd.Series("", index=rows.index)
    out = pd.DataFrame({
        "kr_id": rows["kr_id"].astype("str"),
        "objective_id": rows["objective_id"].astype("str"),
        "title": rows["title"].astype("str"),
        "team": team.astype("object"),
        "before": before.to_numpy(),
        "after": after.to_numpy(),
    }, index=rows.index)  # fmt: skip
    out["link"] = objective_link(out["objective_id"])
    return out.reset_index(drop=True)[COLUMNS]


def since_import(
    before: pd.DataFrame,
    after: pd.DataFrame,
    stale_before: pd.DataFrame,
    stale_after: pd.DataFrame,
    top: int = 5,
) -> SinceImport:
    """The `top` largest score moves up and down, the key results newly behind or at risk,
    and those newly stale, between two scored key-result frames (kr_id, objective_id,
    title, team, score, status) and two stale lists (kr_id, days_silent)."""
    old = before.set_index("kr_id")
    now = after.set_index("kr_id", drop=False)
    was = old["score"].reindex(now.index).astype("float64")
    score = now["score"].astype("float64")
    move = score - was.fillna(0.0)
    moved = now[score.notna() & move.ne(0) & move.notna()]
    delta = move.loc[moved.index]
    up = moved.loc[delta[delta > 0].sort_values(ascending=False).index[:top]]
    down = moved.loc[delta[delta < 0].sort_values().index[:top]]
    old_status = old["status"].reindex(now.index).astype("object")
    new_status = now["status"].astype("object")
    off = new_status.isin(OFF_TRACK) & ~old_status.isin(OFF_TRACK)
    stale_now = stale_after.set_index("kr_id")
    # ids looked up in C++ (pandas' isin on Arrow text loops over the ids in Python)
    newly = ~isin(pd.Series(stale_now.index), stale_before["kr_id"]).to_numpy()
    stale = now.loc[isin(pd.Series(now.index), pd.Series(stale_now.index[newly])).to_numpy()]
    return SinceImport(
        _frame(up, was.loc[up.index], score.loc[up.index]),
        _frame(down, was.loc[down.index], score.loc[down.index]),
        _frame(now[off], old_status[off], new_status[off]),
        _frame(
            stale,
            pd.Series(None, index=stale.index, dtype="object"),
            stale_now["days_silent"].reindex(stale.index),
        ),  # fmt: skip
    )
