"""Quality lint: one table of cases per OKR writing rule."""

from __future__ import annotations

import pytest

from metrics.coaching.lint import FINDING_COLUMNS, RULES, quality_lint
from metrics.config import HealthConfig
from metrics.conformed_frames import conform_dataset
from metrics.scores.scoring import resolve_kr_type
from tests.support.frames import dataset, kr, objective

GOOD = {"start_value": 0.0, "target_value": 10.0}


def two_krs(objective_id: str) -> list[dict]:
    return [
        kr(f"{objective_id}-1", objective_id, title=f"Grow {objective_id} to 10", **GOOD),
        kr(f"{objective_id}-2", objective_id, title=f"Cut {objective_id} to 2", **GOOD),
    ]


def lint(objectives, key_results, config=None):
    ds = conform_dataset(dataset(objectives, key_results))
    found = quality_lint(
        ds.objectives, ds.key_results, resolve_kr_type(ds.key_results), config or HealthConfig()
    )
    assert list(found.columns) == FINDING_COLUMNS
    assert set(found["rule"]) <= set(RULES)
    return found


def owned(n: int, owner: str = "Ana") -> list[dict]:
    return [objective(f"o{i}", owner=owner, title=f"Objective {i}") for i in range(n)]


@pytest.mark.parametrize(
    ("case", "objectives", "key_results", "findings"),
    [
        ("three objectives, two KRs each", owned(3), two_krs("o0") + two_krs("o1") + two_krs("o2"),
         set()),
        ("two objectives per owner", owned(2), two_krs("o0") + two_krs("o1"),
         {("objectives-per-owner", "Ana")}),
        ("six objectives per owner", owned(6), sum((two_krs(f"o{i}") for i in range(6)), []),
         {("objectives-per-owner", "Ana")}),
        ("one KR", owned(3), two_krs("o0") + two_krs("o1") + two_krs("o2")[:1],
         {("krs-per-objective", "o2")}),
        ("six KRs", owned(3),
         two_krs("o0") + two_krs("o1") + [kr(f"k{i}", "o2", title=f"KR {i}") for i in range(6)],
         {("krs-per-objective", "o2")}),
        ("no KRs", owned(3), two_krs("o0") + two_krs("o1"), {("krs-per-objective", "o2")}),
    ],
)  # fmt: skip
def test_counts(case, objectives, key_results, findings):
    found = lint(objectives, key_results)
    assert set(zip(found["rule"], found["id"], strict=True)) == findings, case


def krs_of(*key_results: dict) -> set[tuple[str, str]]:
    """Findings about these key results (in an objective that is otherwise clean)."""
    krs = [*key_results, kr("filler", "o0", title="Filler 1 to 2", **GOOD)]
    found = lint(owned(3)[:1], krs, HealthConfig(objectives_per_owner=(1, 5)))
    found = found[found["kind"] == "key_result"]
    return set(zip(found["rule"], found["id"], strict=True))


@pytest.mark.parametrize(
    ("case", "key_result", "rules"),
    [
        ("numbers and a target", kr("k", "o0", title="Grow MRR to 10", **GOOD), set()),
        ("no number, no target", kr("k", "o0", title="Make customers happier"),
         {"not-measurable"}),
        ("a number in the title is measurable", kr("k", "o0", title="Reach 10 customers"), set()),
        ("a range is a target", kr("k", "o0", title="Keep churn low", range_low=1.0,
                                   range_high=2.0), set()),
        ("a stated milestone is measurable", kr("k", "o0", title="Launch the app",
                                                kr_type="milestone"), set()),
        ("a stated baseline is measurable", kr("k", "o0", title="Measure churn",
                                               kr_type="baseline"), set()),
        ("run", kr("k", "o0", title="Run 4 webinars", **GOOD), {"activity-not-outcome"}),
        ("hold", kr("k", "o0", title="hold 3 reviews", **GOOD), {"activity-not-outcome"}),
        ("work on", kr("k", "o0", title="Work on  10 case studies", **GOOD),
         {"activity-not-outcome"}),
        ("help", kr("k", "o0", title="Help 20 customers migrate", **GOOD),
         {"activity-not-outcome"}),
        ("analyse", kr("k", "o0", title="Analyse 30 lost deals", **GOOD),
         {"activity-not-outcome"}),
        ("outcome naming help later", kr("k", "o0", title="Cut time to help from 5 to 2", **GOOD),
         set()),
        ("running is not run", kr("k", "o0", title="Runway from 10 to 12 months", **GOOD), set()),
        ("missing start", kr("k", "o0", title="Grow MRR to 10", target_value=10.0),
         {"missing-start"}),
        ("target equal to start", kr("k", "o0", title="Keep 10 to 10", kr_type="increase",
                                     start_value=10.0, target_value=10.0),
         {"target-not-beyond-start"}),
        ("decrease target above start", kr("k", "o0", title="Cut to 12", kr_type="decrease",
                                           start_value=10.0, target_value=12.0),
         {"target-not-beyond-start"}),
    ],
)  # fmt: skip
def test_key_result_rules(case, key_result, rules):
    assert {rule for rule, kr_id in krs_of(key_result) if kr_id == "k"} == rules, case


def test_missing_owner_and_duplicates():
    objectives = [
        objective("a", owner="Ana", title="Win the market"),
        objective("b", owner="Ben", title="  win the MARKET!"),
        objective("c", title="Something else"),
        objective("d", "Q2", owner="Ana", title="Win the market"),  # another cycle: fine
    ]
    key_results = [
        kr("a1", "a", title="Grow to 10", **GOOD),
        kr("a2", "a", title="grow to 10", **GOOD),
        kr("b1", "b", title="Grow to 10", **GOOD),  # same title, other objective: fine
    ]
    found = lint(objectives, key_results, HealthConfig(objectives_per_owner=(1, 5)))
    found = found[found["rule"].isin(["missing-owner", "duplicate-title"])]
    assert set(zip(found["rule"], found["id"], strict=True)) == {
        ("missing-owner", "c"),
        ("duplicate-title", "a"),
        ("duplicate-title", "b"),
        ("duplicate-title", "a1"),
        ("duplicate-title", "a2"),
    }
    reason = found.set_index("id").loc["a", "reason"]
    assert reason == '"Win the market" is also the title of 1 other objective in Q1'


def test_findings_carry_the_item_and_a_reason():
    objectives = [objective("o", owner="Ana", team_id="t1", title="Grow")]
    key_results = [kr("k", "o", title="Run 4 webinars", **GOOD), kr("k2", "o", title="x 1")]
    found = lint(objectives, key_results, HealthConfig(objectives_per_owner=(1, 5)))
    row = found.set_index("rule").loc["activity-not-outcome"]
    assert row[["kind", "id", "title", "owner", "team_id", "cycle_id"]].tolist() == [
        "key_result",
        "k",
        "Run 4 webinars",
        "Ana",
        "t1",
        "Q1",
    ]
    assert row["reason"] == (
        'key result "Run 4 webinars" names an activity ("run") rather than the outcome it '
        "should change"
    )


def test_text_rules_read_unicode_titles_as_python_does():
    """The rules match ASCII titles in Arrow and the rest in Python: both must agree with
    Python's casefold and its Unicode \\w, \\d and \\s."""
    objectives = [
        objective("a", owner="Ana", title="Straße ausbauen"),
        objective("b", owner="Ana", title="STRASSE  ausbauen!"),  # casefold: the same title
        objective("c", owner="Ana", title="Café"),
        objective("d", owner="Ana", title="Cafe"),  # é is a letter, not punctuation
    ]
    key_results = [
        kr("k1", "a", title="«Run» 4 webinars", **GOOD),
        kr("k2", "a", title="Work\x0bon 10 case studies", **GOOD),  # \v is Python whitespace
        kr("k3", "a", title="Reach ٣ customers"),  # an Arabic-Indic digit is a number
        kr("k4", "a", title="Rünning 4 sessions", **GOOD),
        kr("k5", "a", title="Make customers happier"),
    ]
    found = lint(objectives, key_results, HealthConfig(objectives_per_owner=(1, 5)))
    rules = set(zip(found["rule"], found["id"], strict=True))
    assert {("duplicate-title", "a"), ("duplicate-title", "b")} <= rules
    assert not {("duplicate-title", "c"), ("duplicate-title", "d")} & rules
    assert {("activity-not-outcome", "k1"), ("activity-not-outcome", "k2")} <= rules
    assert ("activity-not-outcome", "k4") not in rules
    assert ("not-measurable", "k3") not in rules
    assert ("not-measurable", "k5") in rules
    reason = found.set_index(["rule", "id"]).loc[("activity-not-outcome", "k2"), "reason"]
    assert '("work\x0bon")' in reason


def test_key_results_of_unknown_objectives_keep_their_own_owner():
    objectives = [objective("o", owner="Ana", team_id="t1", title="Grow")]
    key_results = [
        kr("k", "o", title="Grow to 10", **GOOD),
        kr("k2", "o", title="Cut to 2", **GOOD),
        kr("lost", "gone", owner="Ben", title="Make customers happier"),
        kr("blank", "o", owner="  ", title="Make users happier"),
    ]
    found = lint(objectives, key_results, HealthConfig(objectives_per_owner=(1, 5)))
    rows = found[found["rule"] == "not-measurable"]
    assert rows["id"].tolist() == ["blank", "lost"]  # the cycle-less finding sorts last
    assert rows["owner"].tolist() == ["Ana", "Ben"]
    assert rows["cycle_id"].isna().tolist() == [False, True]
    assert rows["team_id"].isna().tolist() == [False, True]


def test_owner_findings_name_the_main_team():
    objectives = [
        objective("o1", owner="Ana", team_id="t2", title="One"),
        objective("o2", owner="Ana", team_id="t1", title="Two"),
        objective("o3", owner="Ben", team_id="t2", title="Three"),
        objective("o4", owner="Ben", team_id="t2", title="Four"),
        objective("o5", owner="Ben", team_id="t1", title="Five"),
    ]
    key_results = sum((two_krs(f"o{i}") for i in range(1, 6)), [])
    found = lint(objectives, key_results, HealthConfig(objectives_per_owner=(4, 5)))
    rows = found[found["rule"] == "objectives-per-owner"].set_index("id")
    assert rows["team_id"].to_dict() == {"Ana": "t1", "Ben": "t2"}  # ties: the first id
    assert rows["title"].tolist() == [None, None]
    assert rows.loc["Ana", "reason"] == "Ana owns 2 objectives in Q1 (4–5 recommended)"
