"""What the Coach and Owner pages name: the key results behind each flag, an owner's record
counted one way, the lint rules in words (in the right sense), and a calibration hit defined
by the sweet spot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from exports.closing_pack import build_closing_pack
from metrics.coaching.calibration import calibration_outcomes, confidence_calibration, hit_score
from metrics.coaching.flag_evidence import flag_key_results
from metrics.coaching.lint import RULES, quality_lint
from metrics.coaching.lint_rules import lint_rules
from metrics.coaching.owner_record import owner_cycles, owner_totals
from metrics.scores.bands import ScoreBands
from metrics.scores.scoring import resolve_kr_type
from tests.metrics.test_metrics_patterns import patterns
from tests.support.frames import Q1, Q2, check_in, dataset, kr, objective, report

DOCS = Path(__file__).resolve().parents[2] / "docs"
PEN_TEST = "Work on 13 findings from the penetration test"


# --- the key results behind each flag ------------------------------------------------------


def test_each_flag_names_the_key_results_its_sentence_counts():
    rep = patterns()
    krs = flag_key_results(rep.evidence, rep.owner_patterns, "owner").set_index("kr_id")
    assert set(krs["owner"]) == {"Sam", "Olga"}  # Tim and Carl are not flagged
    sam = krs[krs["owner"] == "Sam"]
    assert list(sam.index) == ["s-early", "s-far", "s-flat", "s-half"]  # signals first
    assert sam.loc["s-early", "signals"] == "scored 1.0; reached in the first third of the cycle"
    assert str(sam.loc["s-flat", "signals"]).startswith("scored 1.0; target at or below the start")
    assert sam.loc["s-far", "signals"] == (
        "scored 1.0; beat the target by 50% of the planned gain or more"
    )
    assert sam.loc["s-half", "signals"] == ""
    olga = krs[krs["owner"] == "Olga"]
    assert olga["signals"].to_dict() == {
        "o-stuck": "scored below 0.4; barely moved across its check-ins",
        "o-low": "scored below 0.4",
        "o-mid": "",
    }
    # The sentence's counts are the rows that show each signal.
    counts = rep.owner_patterns.set_index("owner")
    for owner, signal, words in [
        ("Sam", "maxed", "scored 1.0"),
        ("Sam", "reached_early", "reached in the first"),
        ("Sam", "target_not_beyond_start", "target at or below"),
        ("Olga", "low", "scored below"),
        ("Olga", "no_movement", "barely moved"),
    ]:
        mine = krs[krs["owner"] == owner]
        assert mine["signals"].str.contains(words).sum() == counts.loc[owner, signal]
        assert len(mine) == counts.loc[owner, "key_results"]


def test_a_team_flag_names_its_key_results_too():
    rep = patterns()
    krs = flag_key_results(rep.evidence, rep.team_patterns, "team_id")
    assert set(krs["team_id"]) == {"t1"}
    assert set(krs["kr_id"]) == {"s-early", "s-far", "s-flat", "s-half"}


# --- an owner's record, counted one way ----------------------------------------------------


def test_an_owners_record_counts_every_figure_from_one_set():
    """Ann owns o1 (Q1, finished) with three key results, one never checked in (scored an
    assumed 0: graded, but no evidence of how she sets goals), and o2 (Q2, running), whose
    only key result Bob holds."""
    rep = report(
        [objective("o1", owner="Ann", team_id="t1"), objective("o2", "Q2", owner="Ann",
                                                             team_id="t1")],
        [
            kr("a1", "o1", current_value=10.0, start_value=0.0, target_value=10.0),
            kr("a2", "o1", current_value=6.5, start_value=0.0, target_value=10.0),
            kr("a3", "o1", start_value=0.0, target_value=10.0),  # no check-in: 0
            kr("b1", "o2", owner="Bob", current_value=2.0, start_value=0.0, target_value=10.0),
        ],
        cycles=[Q1, Q2],
        as_of=date(2026, 5, 1),
    )  # fmt: skip
    per_cycle = owner_cycles(rep.objectives, rep.key_results, rep.evidence, "Ann", ["Q1", "Q2"])
    assert per_cycle[["cycle_id", "cycle_state", "held", "graded", "judged"]].values.tolist() == [
        ["Q1", "finished", 3, 3, 2],
        ["Q2", "running", 0, 0, 0],  # she owns the objective, Bob holds its key result
    ]
    assert per_cycle["mean_score"].iloc[0] == pytest.approx((1.0 + 0.65 + 0.0) / 3)
    assert owner_totals(per_cycle) == {
        "cycles": 2, "judged_cycles": 1, "held": 3, "graded": 3, "judged": 2,
    }  # fmt: skip
    bob = owner_totals(owner_cycles(rep.objectives, rep.key_results, rep.evidence, "Bob", []))
    assert bob == {"cycles": 1, "judged_cycles": 0, "held": 1, "graded": 1, "judged": 0}


# --- lint rules in words ---------------------------------------------------------------------


def test_every_lint_rule_has_a_title_and_advice_stated_in_the_docs():
    words = lint_rules()
    assert list(words) == list(RULES)
    metrics_md = (DOCS / "metrics.md").read_text()
    for rule, said in words.items():
        assert said.title and said.advice.endswith(".")
        assert RULES[rule] == said.title
        assert f"| `{rule}` | {said.title.capitalize()} |" in metrics_md, rule


def test_the_activity_finding_says_the_key_result_names_an_activity():
    data = dataset(
        [objective("o1", owner="Vera", team_id="t1", title="Harden the platform")],
        [kr("k1", "o1", title=PEN_TEST, start_value=0.0, target_value=13.0),
         kr("k2", "o1", title="Cut open critical findings from 13 to 0", start_value=13.0,
            target_value=0.0)],
    )  # fmt: skip
    found = quality_lint(data.objectives, data.key_results, resolve_kr_type(data.key_results))
    (row,) = found[found["title"] == PEN_TEST].itertuples()
    assert row.rule == "activity-not-outcome"
    assert RULES[row.rule] == "a key result names an activity, not an outcome"
    assert row.reason == (
        f'key result "{PEN_TEST}" names an activity ("work on") rather than the outcome it '
        "should change"
    )
    # The closing pack (its Excel and HTML alike) says the same, in the same sense.
    pack = build_closing_pack(data, "Q1", "co")
    writing = pack.findings[
        (pack.findings["subject"] == PEN_TEST) & (pack.findings["category"] == "Writing")
    ]
    assert writing["finding"].tolist() == ["a key result names an activity, not an outcome"]
    assert not pack.findings["finding"].str.contains("states an outcome").any()


# --- calibration: a hit is a score in the sweet spot or above --------------------------------


def _outcomes(scores: list[float], confidence: float, bands: ScoreBands | None) -> pd.DataFrame:
    units = pd.DataFrame(
        {"kr_id": [f"k{i}" for i in range(len(scores))], "cycle_id": "Q1", "owner": "Ann",
         "team_id": "t1", "team": "Team One", "department": "D", "score": scores,
         "latest_confidence": confidence, "strict_linked": False}
    )  # fmt: skip
    calendar = pd.DataFrame({"cycle_id": ["Q1"], "state": ["finished"]})
    return calibration_outcomes(units, calendar, bands)


def test_a_score_inside_the_sweet_spot_is_a_hit():
    assert hit_score() == 0.6
    outcomes = _outcomes([0.65, 0.6, 0.59], 0.9, None)
    assert outcomes["hit"].tolist() == [1.0, 1.0, 0.0]
    assert confidence_calibration(outcomes)["hit_rate"].iloc[0] == pytest.approx(2 / 3)
    # A company that grades 0.7–0.8 counts 0.65 as a miss.
    assert _outcomes([0.65, 0.7], 0.9, ScoreBands(0.7, 0.8))["hit"].tolist() == [0.0, 1.0]


def test_the_report_counts_a_final_065_as_a_hit():
    rep = report(
        [objective("o1", team_id="t1")],
        [kr("k", "o1", current_value=6.5, start_value=0.0, target_value=10.0)],
        [check_in("k", "2026-03-20", None, confidence=0.8)],
        cycles=[Q1, Q2],
        as_of=date(2026, 5, 1),
    )
    row = rep.calibration.iloc[0]
    assert (row["key_results"], row["hit_rate"]) == (1, 1.0)
    assert row["brier"] == pytest.approx(0.04)  # (0.8 - 1)²
