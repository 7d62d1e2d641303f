"""The Coach page's lint frames, kept per filter set (dashboard/memo.py): the cycle's
findings of the teams shown, and those of the rules chosen with their objective's link and
the rule in words, the same objects on every run with the same filters."""

from __future__ import annotations

import pandas as pd

from dashboard import transforms
from dashboard.memo import memoized
from metrics.coaching.lint_rules import lint_rules
from metrics.config import HealthConfig


@memoized(max_entries=32)
def cycle_lint(lint: pd.DataFrame, cycle: str, teams_shown: frozenset[str]) -> pd.DataFrame:
    """Findings of `cycle` about the teams shown (or about no team)."""
    lint = lint[lint["cycle_id"] == cycle]
    return lint[lint["team_id"].isin(teams_shown) | lint["team_id"].isna()]


@memoized(max_entries=32)
def shown_lint(
    lint: pd.DataFrame,
    chosen: tuple[str, ...],
    key_results: pd.DataFrame,
    objectives: pd.DataFrame,
    config: HealthConfig,
) -> pd.DataFrame:
    """The findings of the rules `chosen`, each with its objective's link, its team, and
    its rule's title in `rule`."""
    words = lint_rules(config)
    shown = lint[lint["rule"].isin(chosen)]
    return transforms.lint_with_links(shown, key_results, objectives).assign(
        rule=shown["rule"].map(lambda r: words[r].title)
    )


@memoized(max_entries=32)
def rules_found(lint: pd.DataFrame, config: HealthConfig) -> list[str]:
    """The rules with a finding in `lint`, in the order the rules are listed."""
    found = set(lint["rule"])
    return [rule for rule in lint_rules(config) if rule in found]


@memoized(max_entries=32)
def teams_shown(
    objectives: pd.DataFrame, department: str | None, team: str | None
) -> frozenset[str]:
    """The teams of the department and team chosen (all when None)."""
    for column, value in (("department", department), ("team", team)):
        if value is not None:
            objectives = objectives[objectives[column] == value]
    return frozenset(objectives["team_id"].dropna())
