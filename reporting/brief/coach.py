"""Who to talk to and about what: the Coach page's findings about a unit, in the brief's words.

The same rows the Coach page shows under the same filters: goal-setting flags of the teams
of the unit and of the owners of its key results (judged across all cycles), stale key
results and quality-lint findings of the cycle, grouped by owner.
"""

from __future__ import annotations

import pandas as pd

from metrics.coaching.lint import RULES
from metrics.report import HealthReport
from reporting.brief.model import Scope, Section, Sentence, Text, owner_link
from reporting.brief.words import counted, listing

SHOWN = 8  # people named per kind of finding; the rest are counted
PATTERN_WORDS = {
    "sandbagging": "sets goals too low (sandbagging)",
    "over-ambitious": "sets goals too high, or stalls (over-ambitious)",
}
NO_OWNER = "(no owner)"


def _narrowed(frame: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Rows of any cycle under the dashboard's department and team filters (or the owner's)."""
    for column in ("department", "team", "owner"):
        value = getattr(scope, column)
        if value is not None and column in frame.columns:
            frame = frame[frame[column] == value]
    return frame


def coach_findings(report: HealthReport, scope: Scope) -> dict[str, pd.DataFrame]:
    """The Coach page's rows for the scope: team and owner flags (`teams`, `owners`), stale
    key results (`stale`) and lint findings (`lint`) of the cycle."""
    objectives = _narrowed(report.objectives, scope)
    teams = set(objectives["team_id"].dropna())
    owners = set(_narrowed(report.key_results, scope)["owner"].dropna())
    team_flags = report.team_patterns[
        report.team_patterns["pattern"].notna() & report.team_patterns["team_id"].isin(teams)
    ]
    owner_flags = report.owner_patterns[
        report.owner_patterns["pattern"].notna() & report.owner_patterns["owner"].isin(owners)
    ]
    stale = report.stale[(report.stale["cycle_id"] == scope.cycle_id)]
    lint = report.lint[report.lint["cycle_id"] == scope.cycle_id]
    if scope.level == "owner":
        stale = stale[stale["owner"] == scope.owner]
        lint = lint[lint["owner"] == scope.owner]
        team_flags = team_flags.iloc[0:0]
    else:
        stale = stale[stale["team_id"].isin(teams)]
        lint = lint[lint["team_id"].isin(teams) | lint["team_id"].isna()]
    return {"teams": team_flags, "owners": owner_flags, "stale": stale, "lint": lint}


def _person(name: object) -> Text:
    if not isinstance(name, str) or not name:
        return Text(NO_OWNER)
    return Text(name, owner_link(name))


def _more(items: list[Sentence], total: int, what: str) -> list[Sentence]:
    if total > len(items):
        items.append((f"… and {total - len(items)} more {what} on the Coach page.",))
    return items


def coach_section(report: HealthReport, scope: Scope) -> Section:
    """One line per flagged team or owner (with the evidence), per owner with stale key
    results, per owner with writing findings."""
    found = coach_findings(report, scope)
    items: list[Sentence] = []
    flags = found["teams"].sort_values("team", kind="stable")
    for row in flags.to_dict("records"):
        items.append(("Team ", Text(str(row["team"])), f" {PATTERN_WORDS[row['pattern']]}: "
                      f"{row['evidence']}."))  # fmt: skip
    owners = found["owners"].sort_values("owner", kind="stable")
    shown: list[Sentence] = [
        (_person(row["owner"]), f" {PATTERN_WORDS[row['pattern']]}: {row['evidence']}.")
        for row in owners.head(SHOWN).to_dict("records")
    ]  # fmt: skip
    items += _more(shown, len(owners), "flagged owners")
    stale = found["stale"].assign(owner=found["stale"]["owner"].fillna(NO_OWNER))
    by_owner = stale.groupby("owner", sort=True).agg(
        krs=("kr_id", "size"), days=("days_silent", "max"), title=("title", "first")
    )
    shown = [
        (_person(owner if owner != NO_OWNER else None),
         f": {counted(int(row.krs), 'key result')} without a check-in for up to "
         f"{int(row.days)} days, such as ", Text(str(row.title)), ".")
        for owner, row in by_owner.head(SHOWN).iterrows()
    ]  # fmt: skip
    items += _more(shown, len(by_owner), "owners with stale key results")
    lint = found["lint"].assign(owner=found["lint"]["owner"].fillna(NO_OWNER))
    rules = lint.groupby("owner", sort=True)["rule"].agg(lambda r: sorted(set(r)))
    sizes = lint.groupby("owner", sort=True).size()
    shown = [
        (_person(owner if owner != NO_OWNER else None),
         f": {counted(int(sizes[owner]), 'writing finding')} "
         f"({listing([RULES.get(r, r) for r in rules[owner]])}).")
        for owner in list(rules.index)[:SHOWN]
    ]  # fmt: skip
    items += _more(shown, len(rules), "owners with writing findings")
    if not items:
        return Section("coach", "Who to talk to", (("The Coach page finds nothing to raise.",),))
    return Section("coach", "Who to talk to", (), tuple(items))
