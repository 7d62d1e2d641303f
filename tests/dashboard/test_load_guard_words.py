"""The Data page's guard in words: what a person confirms, the objectives it names, and
the rows a load holds per cycle."""

from __future__ import annotations

import pandas as pd

from dashboard.sections.load_guard import (
    confirmation_label,
    impact_lines,
    rows_per_cycle,
    titles_words,
)
from pipelines.store.impact import LoadImpact


def impact() -> LoadImpact:
    per_cycle = pd.DataFrame(
        [
            ("2026-Q1", "removed", "objectives", 1),
            ("2026-Q1", "removed", "check_ins", 4),
            ("2026-Q2", "overwritten", "objectives", 2),
            ("2026-Q2", "overwritten", "key_results", 1),
        ],
        columns=["cycle", "kind", "table", "rows"],
    )
    totals = {
        "removed": {"objectives": 1, "key_results": 0, "check_ins": 4},
        "overwritten": {"objectives": 2, "key_results": 1, "check_ins": 0},
    }
    titles = {"removed": ["Grow revenue"], "overwritten": ["Cut churn", "Hire well"]}
    return LoadImpact(totals, per_cycle, titles)


def test_the_confirmation_names_every_count() -> None:
    assert confirmation_label(impact()) == (
        "Remove 1 objective and 4 check-ins; overwrite 2 objectives and 1 key result"
    )


def test_the_impact_reads_totals_first_then_cycles_then_titles() -> None:
    assert impact_lines(impact()) == [
        "Loading would remove 1 objective and 4 check-ins and overwrite 2 objectives and "
        "1 key result already in the store.",
        "Cycle 2026-Q1: remove 1 objective and 4 check-ins.",
        "Cycle 2026-Q2: overwrite 2 objectives and 1 key result.",
        "Objectives removed: “Grow revenue”.",
        "Overwritten: “Cut churn” and “Hire well”.",
    ]


def test_titles_beyond_the_first_five_are_counted() -> None:
    titles = [f"Objective {i}" for i in range(1, 9)]
    assert titles_words(titles) == (
        "“Objective 1”, “Objective 2”, “Objective 3”, “Objective 4”, “Objective 5” and 3 more"
    )


def test_rows_per_cycle_follow_each_key_result_to_its_objective() -> None:
    tables = {
        "objectives": pd.DataFrame({"objective_id": ["O1", "O2"], "cycle_id": ["Q2", "Q1"]}),
        "key_results": pd.DataFrame(
            {"kr_id": ["K1", "K2", "K3"], "objective_id": ["O1", "O1", "O2"]}
        ),
        "check_ins": pd.DataFrame({"kr_id": ["K1", "K1", "K3"]}),
    }
    assert rows_per_cycle(tables).to_dict("records") == [
        {"cycle": "Q1", "objectives": 1, "key results": 1, "check-ins": 1},
        {"cycle": "Q2", "objectives": 1, "key results": 2, "check-ins": 2},
    ]
