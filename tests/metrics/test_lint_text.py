"""The lint's text tests in Arrow give what the Python rules give, title by title."""

from __future__ import annotations

import re

import pandas as pd

from metrics.coaching import lint_text
from metrics.coaching.lint import activity_pattern, normalised_title, per_text
from metrics.config import HealthConfig

# ASCII titles that tell Python's `re` and RE2 apart where they differ (\v and \x1c–\x1f are
# whitespace to Python's \s; _ is a word character), non-ASCII ones the Python rule reads
# (a Kelvin sign folds to k, an Arabic-Indic digit is a \d), and missing ones.
TITLES = [
    "Launch the new onboarding",
    "  ...launch: the app",
    "LAUNCHED 3 features",
    "Launching\tthe app",
    "set\x0bup the lab",
    "set\x1cup the lab",
    "set  up 2 labs",
    "Follow_up with 40 customers",
    "Grow ARR to $4M!!",
    "  Grow   arr -- to $4m  ",
    "Réduire le churn à 2 %",
    "\u212aick off the pilot",
    "Reach \u0663 markets",
    "Ship v2.0 (beta)",
    "",
    "   ",
    None,
    "Ship v2.0 (beta)",
]
VERBS = ["launch", "set up", "kick off", "follow up", "ship"]


def titles() -> pd.Series:
    return pd.Series(TITLES, dtype="str")


def test_has_digit_matches_python() -> None:
    def rule(t: str) -> bool:
        return re.search(r"\d", t) is not None

    fast = lint_text.has_digit(titles(), rule)
    assert fast.tolist() == per_text(titles(), rule).astype(bool).tolist()
    assert fast.tolist()[12] is True  # an Arabic-Indic three is a digit to Python


def test_normalised_matches_python() -> None:
    fast = lint_text.normalised(titles(), normalised_title)
    assert fast.tolist() == per_text(titles(), normalised_title).astype("str").tolist()
    assert fast.tolist()[9] == "grow arr to 4m"


def test_leading_verb_matches_python() -> None:
    verbs = sorted(VERBS, key=len, reverse=True)
    pattern = activity_pattern(verbs)

    def rule(title: str) -> str | None:
        found = pattern.search(title)
        return None if found is None else found.group(1).lower()

    fast = lint_text.leading_verb(titles(), verbs, rule)
    assert fast is not None
    expected = per_text(titles(), rule)
    assert fast.tolist() == expected.tolist()
    assert expected.tolist()[:6] == ["launch", "launch", None, None, "set\x0bup", "set\x1cup"]
    assert expected.tolist()[11] == "\u212aick off".lower()  # Python folds the Kelvin sign


def test_default_verbs_run_in_arrow_and_others_in_python() -> None:
    default = sorted(HealthConfig().activity_verbs, key=len, reverse=True)
    assert lint_text.leading_verb(titles(), default, lambda t: None) is not None
    assert lint_text.leading_verb(titles(), ["réunir"], lambda t: None) is None
