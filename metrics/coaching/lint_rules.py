"""The quality-lint rules in words (docs/metrics.md, "Quality lint"): for each rule id, the
finding's title (what is wrong, said of the item found) and the advice (what a good OKR does
instead). Pages, packs and the summary show these words, never the bare id.

A title is said of the item that broke the rule: "a key result names an activity, not an
outcome" — never the rule's own wording, which would read as the opposite of the finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.config import DEFAULT_CONFIG, HealthConfig


@dataclass(frozen=True)
class LintRule:
    title: str  # the finding, said of the item found
    advice: str  # what to write instead


def _range(bounds: tuple[int, int]) -> str:
    return f"{bounds[0]}–{bounds[1]}"


def lint_rules(config: HealthConfig = DEFAULT_CONFIG) -> dict[str, LintRule]:
    """Every rule id → its title and advice, in the order the lint runs them (the advice
    states the thresholds of `config`)."""
    verbs = ", ".join(f"“{v}”" for v in config.activity_verbs)
    return {
        "objectives-per-owner": LintRule(
            "an owner holds too few or too many objectives",
            f"Give each owner {_range(config.objectives_per_owner)} objectives a cycle: "
            "fewer leaves work unstated, more dilutes focus.",
        ),
        "krs-per-objective": LintRule(
            "an objective has too few or too many key results",
            f"Give each objective {_range(config.krs_per_objective)} key results: one "
            "cannot show whether it was achieved, many dilute it.",
        ),
        "not-measurable": LintRule(
            "a key result has nothing to measure it by",
            "State a number, a target or a range, or say it is a milestone.",
        ),
        "activity-not-outcome": LintRule(
            "a key result names an activity, not an outcome",
            f"Say what should change (a number that moves), not the work done to change it "
            f"(titles starting with {verbs}).",
        ),
        "missing-owner": LintRule(
            "an objective has no owner",
            "Name one person who answers for the objective.",
        ),
        "duplicate-title": LintRule(
            "a title is used twice",
            "Give each objective of a cycle, and each key result of an objective, its own "
            "title, so a reader can tell them apart.",
        ),
        "missing-start": LintRule(
            "a key result does not say where it starts",
            "State the start value of an increase or decrease key result: scored from 0, "
            "it looks further along than it is.",
        ),
        "target-not-beyond-start": LintRule(
            "a target asks for no progress",
            "Set a target beyond the start value (above it for an increase, below it for a "
            "decrease).",
        ),
    }


RULE_TITLES: dict[str, str] = {rule: words.title for rule, words in lint_rules().items()}
