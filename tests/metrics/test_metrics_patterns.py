"""Sandbagging and over-ambition: who is flagged, on what evidence, and who is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from metrics.config import HealthConfig
from tests.support.frames import Q1, Q2, check_in, kr, objective, report

TEN = {"start_value": 0.0, "target_value": 10.0}
HUNDRED = {"start_value": 0.0, "target_value": 100.0}

OBJECTIVES = [
    objective("os", team_id="t1", owner="Sam"),
    objective("oo", team_id="t2", owner="Olga"),
    objective("child", team_id="t2", owner="Olga", parent_kr_id="o-linked"),
    objective("next", "Q2", team_id="t2", owner="Olga"),
]
KEY_RESULTS = [
    # Sam: 3 of 4 maxed — one early, one with a target equal to its start, one far above.
    kr("s-early", "os", owner="Sam", **TEN),
    kr("s-flat", "os", owner="Sam", kr_type="increase", start_value=10.0, target_value=10.0,
       current_value=12.0),
    kr("s-far", "os", owner="Sam", current_value=20.0, **TEN),
    kr("s-half", "os", owner="Sam", current_value=5.0, **TEN),
    kr("s-ungraded", "os", owner="Sam", **TEN),
    # Olga: 2 of 3 low, one of them stuck across three check-ins.
    kr("o-stuck", "oo", owner="Olga", **HUNDRED),
    kr("o-low", "oo", owner="Olga", current_value=20.0, **HUNDRED),
    kr("o-mid", "oo", owner="Olga", current_value=50.0, **HUNDRED),
    kr("o-linked", "oo", owner="Olga"),  # scored by the child objective: not her evidence
    kr("c-1", "child", owner="Carl", current_value=10.0, **TEN),
    kr("o-next", "next", owner="Olga", current_value=0.0, **HUNDRED),  # running: not judged
    # Tim: two maxed key results are too little evidence.
    kr("t-1", "oo", owner="Tim", current_value=10.0, **TEN),
    kr("t-2", "oo", owner="Tim", current_value=10.0, **TEN),
]  # fmt: skip
CHECK_INS = [
    check_in("s-early", "2026-01-10", 10.0),
    check_in("s-early", "2026-03-20", 10.0),
    check_in("o-stuck", "2026-01-10", 5.0),
    check_in("o-stuck", "2026-02-10", 6.0),
    check_in("o-stuck", "2026-03-20", 7.0),
]


def patterns(config: HealthConfig | None = None):
    """The report of the data above, where one finished cycle is enough evidence (the
    default asks for two: see test_one_cycle_is_a_result_not_a_pattern)."""
    return report(
        OBJECTIVES, KEY_RESULTS, CHECK_INS, cycles=[Q1, Q2], as_of=date(2026, 5, 1),
        config=replace(config or HealthConfig(), min_cycles=1),
    )  # fmt: skip


def test_owner_flags_with_evidence():
    rep = patterns()
    owners = rep.owner_patterns.set_index("owner")
    assert owners["pattern"].to_dict() == {
        "Carl": None,
        "Olga": "over-ambitious",
        "Sam": "sandbagging",
        "Tim": None,
    }
    assert owners.loc["Sam", "evidence"] == (
        "scored 1.0 on 3 of 4 key results across 1 cycle (mean 0.88); "
        "1 was reached in the first third of the cycle; "
        "1 target was at or below the start value; "
        "1 beat the target by 50% of the planned gain or more"
    )
    assert owners.loc["Olga", "evidence"] == (
        "scored below 0.4 on 2 of 3 key results across 1 cycle (mean 0.26); "
        "1 barely moved across its check-ins"
    )
    assert owners.loc["Tim", "evidence"] == (
        "too little evidence: 2 graded key results (3 needed) across 1 cycle"
    )
    assert list(rep.sandbagging("owner")["owner"]) == ["Sam"]
    assert list(rep.over_ambitious("owner")["owner"]) == ["Olga"]


def test_only_graded_key_results_of_finished_cycles_count():
    evidence = set(patterns().evidence["kr_id"])
    assert {"s-ungraded", "o-linked", "o-next"}.isdisjoint(evidence)
    assert {"s-early", "o-stuck", "c-1", "t-1"} <= evidence


def test_team_flags():
    teams = patterns().team_patterns.set_index("team_id")
    assert teams.loc["t1", ["team", "pattern"]].tolist() == ["Team One", "sandbagging"]
    # Team Two mixes Olga's low scores with Tim's and Carl's maxed ones: no clear pattern.
    assert teams.loc["t2", "pattern"] is None


@pytest.mark.parametrize(
    ("config", "sam", "olga"),
    [
        (HealthConfig(min_graded_krs=4), "sandbagging", None),
        (HealthConfig(min_graded_krs=5), None, None),
        (HealthConfig(sandbag_maxed_share=0.8), None, "over-ambitious"),
        (HealthConfig(sandbag_maxed_share=0.8, sandbag_mean=0.85), "sandbagging",
         "over-ambitious"),
        (HealthConfig(over_ambition_mean=0.2, over_ambition_low_share=0.7), "sandbagging", None),
    ],
)  # fmt: skip
def test_thresholds_are_configurable(config, sam, olga):
    owners = patterns(config).owner_patterns.set_index("owner")["pattern"]
    assert (owners["Sam"], owners["Olga"]) == (sam, olga)


def test_running_cycles_can_be_judged_on_request():
    rep = patterns(HealthConfig(patterns_include_running=True))
    assert "o-next" in set(rep.evidence["kr_id"])
    assert rep.owner_patterns.set_index("owner").loc["Olga", "key_results"] == 4


def test_one_cycle_is_a_result_not_a_pattern():
    """By default a flag needs evidence from two finished cycles: Sam's maxed key results and
    Olga's low ones in Q1 alone flag nobody, and the evidence says why."""
    rep = report(OBJECTIVES, KEY_RESULTS, CHECK_INS, cycles=[Q1, Q2], as_of=date(2026, 5, 1))
    owners = rep.owner_patterns.set_index("owner")
    assert owners["pattern"].isna().all()
    assert rep.sandbagging("owner").empty and rep.over_ambitious("owner").empty
    assert owners.loc["Sam", "evidence"] == (
        "too little evidence: 4 graded key results across 1 cycle (a pattern needs 2)"
    )


def test_the_same_goals_in_two_cycles_are_a_pattern():
    objectives = [objective("q1", team_id="t1", owner="Sam"),
                  objective("q2", "Q2", team_id="t1", owner="Sam")]  # fmt: skip
    key_results = [kr(f"{o}-{i}", o, owner="Sam", current_value=10.0, **TEN)
                   for o in ("q1", "q2") for i in range(2)]  # fmt: skip
    rep = report(objectives, key_results, [], cycles=[Q1, Q2], as_of=date(2026, 8, 1))
    owners = rep.owner_patterns.set_index("owner")
    assert owners.loc["Sam", "pattern"] == "sandbagging"
    assert (
        owners.loc["Sam", "evidence"]
        == "scored 1.0 on 4 of 4 key results across 2 cycles (mean 1.00)"
    )
