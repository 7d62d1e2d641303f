"""The closing pack's findings from history: goalposts that moved in the pack's cycle, and
the targets proposed for next quarter for the unit's recurring key results (docs/metrics.md,
"Goalposts that moved", "Targets for next quarter"). Rows in the pack's FINDING_COLUMNS:
category, finding, subject, team, detail."""

from __future__ import annotations

import pandas as pd

from exports.findings import FINDING_COLUMNS
from metrics.report import HealthReport
from pipelines.store.dataset import Dataset
from reporting.next_quarter import store_next_quarter


def _number(x: object) -> str:
    value = float(str(x))
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def goalpost_findings(
    goalposts: pd.DataFrame | None, cycle_id: str, team_ids: set[str] | None,
    team_names: pd.Series,
) -> pd.DataFrame:  # fmt: skip
    """The goalpost findings of the cycle in the unit's teams (every team: `team_ids` None)."""
    if goalposts is None or goalposts.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS, dtype="object")
    mine = goalposts[goalposts["cycle_id"] == cycle_id]
    if team_ids is not None:
        mine = mine[mine["team_id"].isin(team_ids)]
    owner = mine["owner"].fillna("no owner").astype(str)
    return pd.DataFrame(
        {"category": "Goalposts", "finding": mine["pattern"],
         "subject": mine["title"].astype(str) + " (" + owner + ")",
         "team": mine["team_id"].map(team_names), "detail": mine["evidence"]},
    ).astype("object")[FINDING_COLUMNS]  # fmt: skip


def next_quarter_findings(
    dataset: Dataset, report: HealthReport, team_ids: set[str] | None, team_names: pd.Series
) -> pd.DataFrame:
    """A proposed next target for each recurring key result of the unit's teams."""
    proposals = store_next_quarter(dataset, report)
    if team_ids is not None and not proposals.empty:
        proposals = proposals[proposals["team_id"].isin(team_ids)]
    if proposals.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS, dtype="object")
    detail = [
        f"matched by {p.match}; achieved ÷ targeted: {p.ratios}; from {_number(p.start)}, "
        f"propose {_number(p.proposed)} ({_number(p.low)}–{_number(p.high)}) on the "
        f"{p.basis}"
        for p in proposals.itertuples(index=False)
    ]
    return pd.DataFrame(
        {"category": "Next quarter", "finding": "proposed target",
         "subject": proposals["title"].astype(str) + " (" + proposals["owner"].astype(str) + ")",
         "team": proposals["team_id"].map(team_names), "detail": detail},
    ).astype("object")[FINDING_COLUMNS]  # fmt: skip


def history_findings(
    dataset: Dataset,
    report: HealthReport,
    cycle_id: str,
    team_ids: set[str] | None,
    team_names: pd.Series,
    goalposts: pd.DataFrame | None,
) -> pd.DataFrame:
    """Goalposts first, then next quarter's targets."""
    parts = [goalpost_findings(goalposts, cycle_id, team_ids, team_names),
             next_quarter_findings(dataset, report, team_ids, team_names)]  # fmt: skip
    kept = [p for p in parts if not p.empty]
    if not kept:
        return pd.DataFrame(columns=FINDING_COLUMNS, dtype="object")
    return pd.concat(kept, ignore_index=True)
