"""The Findings of a closing pack: what the health engine says about this unit's OKRs.

The rows come from `metrics.report.HealthReport` (the same flags and lint the Coach page
shows), narrowed to the unit and cycle of the pack:

Goal setting  sandbagging / over-ambitious flags of the unit's owners and teams, with the
              evidence in words (judged across all cycles in the store)
Alignment     orphan, broken-link, looping and unsupported top objectives
Writing       quality-lint findings on the unit's objectives, key results and owners
Check-ins     stale key results of a running cycle
Scoring       key results with no value, grade or manual score yet

Columns: category, finding, subject (the owner, team, objective or key result it is about),
team (its team's name), detail (the evidence).
"""

from __future__ import annotations

import pandas as pd

from metrics.coaching.lint import RULES
from metrics.report import HealthReport
from pipelines.arrow import isin

FINDING_COLUMNS = ["category", "finding", "subject", "team", "detail"]
CATEGORIES = ["Goal setting", "Alignment", "Writing", "Check-ins", "Scoring", "Goalposts",
              "Next quarter"]  # fmt: skip


def _rows(
    category: str,
    finding: str | pd.Series,
    subject: pd.Series,
    team: pd.Series,
    detail: str | pd.Series,
    index: pd.Index,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"category": category, "finding": finding, "subject": subject, "team": team,
         "detail": detail},
        index=index,
    )  # fmt: skip
    return frame.astype("object")


def _goal_setting(
    report: HealthReport, owner_teams: pd.Series, team_ids: set[str], team_names: pd.Series
) -> list[pd.DataFrame]:
    owner = report.owner_patterns
    owner = owner[owner["pattern"].notna() & isin(owner["owner"], owner_teams.index)]
    team = report.team_patterns
    team = team[team["pattern"].notna() & isin(team["team_id"], team_ids)]
    return [
        _rows("Goal setting", owner["pattern"], owner["owner"], owner["owner"].map(owner_teams),
              owner["evidence"], owner.index),
        _rows("Goal setting", team["pattern"], team["team_id"].map(team_names),
              team["team_id"].map(team_names),
              team["evidence"], team.index),
    ]  # fmt: skip


def _alignment(report: HealthReport, objectives: pd.DataFrame) -> list[pd.DataFrame]:
    links = objectives[["objective_id", "objective", "team"]].merge(
        report.links, on="objective_id", how="inner"
    )
    missing = links["parent_kr_id"].where(
        links["parent_kr_id"].notna(), links["parent_objective_id"]
    )
    broken = links[links["broken"]]
    orphan = links[links["status"] == "orphan"]
    looped = links[links["in_loop"]]
    unsupported = links[links["unsupported_top"]]
    return [
        _rows("Alignment", "orphan objective", orphan["objective"], orphan["team"],
              "not linked to any objective or key result of the level above", orphan.index),
        _rows("Alignment", "broken link", broken["objective"], broken["team"],
              "links to " + missing[broken.index].astype(str) + ", which is not in the store",
              broken.index),
        _rows("Alignment", "alignment loop", looped["objective"], looped["team"],
              "following its parent links leads back to itself", looped.index),
        _rows("Alignment", "unsupported top objective", unsupported["objective"],
              unsupported["team"], "no objective supports it", unsupported.index),
    ]  # fmt: skip


def _writing(
    report: HealthReport,
    cycle_id: str,
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    team_ids: set[str] | None,
    team_names: pd.Series,
) -> pd.DataFrame:
    lint = report.lint[report.lint["cycle_id"] == cycle_id]
    owners = set(objectives["owner"].dropna())
    mine = (
        ((lint["kind"] == "objective") & isin(lint["id"], objectives["objective_id"]))
        | ((lint["kind"] == "key_result") & isin(lint["id"], key_results["kr_id"]))
        | (
            (lint["kind"] == "owner")
            & isin(lint["owner"], owners)
            & (isin(lint["team_id"], team_ids) if team_ids is not None else True)
        )
    )
    lint = lint[mine]
    subject = lint["title"].where(lint["kind"] != "owner", lint["owner"])
    finding = lint["rule"].map(RULES)
    return _rows("Writing", finding.fillna(lint["rule"]), subject,
                 lint["team_id"].map(team_names), lint["reason"], lint.index)  # fmt: skip


def closing_findings(
    report: HealthReport,
    cycle_id: str,
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    team_ids: set[str] | None,
    team_names: pd.Series,
) -> pd.DataFrame:
    """The findings about a pack's objectives and key results (the pack's own frames).

    `team_ids` are the unit's teams (None for the company: every team); `team_names` maps
    team ids to names. Rows are ordered by CATEGORIES, then as the engine ordered them.
    """
    krs = key_results.assign(team=key_results["objective_id"].map(
        objectives.set_index("objective_id")["team"]))  # fmt: skip
    # Each owner of the unit with the (first) team they own objectives or key results in.
    owned = pd.concat([objectives[["owner", "team"]], krs[["owner", "team"]]])
    owner_teams = owned.dropna(subset=["owner"]).drop_duplicates("owner").set_index("owner")
    teams = set(objectives["team_id"].dropna()) if team_ids is None else team_ids
    stale = report.stale[isin(report.stale["kr_id"], krs["kr_id"])]
    stale = stale.merge(krs[["kr_id", "team"]], on="kr_id", how="left", suffixes=("_", ""))
    ungraded = krs[krs["score"].isna()]
    parts = [
        *_goal_setting(report, owner_teams["team"], teams, team_names),
        *_alignment(report, objectives),
        _writing(report, cycle_id, objectives, krs, team_ids, team_names),
        _rows("Check-ins", "stale key result", stale["title"], stale["team"], stale["reason"],
              stale.index),
        _rows("Scoring", "ungraded key result", ungraded["title"], ungraded["team"],
              "no value, grade or manual score yet: left out of every mean", ungraded.index),
    ]  # fmt: skip
    found = [p for p in parts if not p.empty]
    if not found:
        return pd.DataFrame(columns=FINDING_COLUMNS, dtype="object")
    return pd.concat(found, ignore_index=True)[FINDING_COLUMNS]
