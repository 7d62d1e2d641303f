"""The import template: a small worked example (one cycle, three teams) with a README
sheet explaining every sheet, column and key-result type; written to
`data/okr_template.xlsx` by `generate.write_data_files`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from demo_company.canonical_shape import canonical
from pipelines.store import schema

# Columns the worked example leaves empty: the lifecycle flag and the figures that other
# tools export (reported progress, the owner's projection). Its rows list the others.
NOT_IN_EXAMPLE = ("archived", "reported_progress", "projected_score")


def _rows(table: schema.Table, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    columns = [c for c in table.column_names if c not in NOT_IN_EXAMPLE]
    return canonical(table.name, pd.DataFrame(list(rows), columns=columns))


def template_tables() -> dict[str, pd.DataFrame]:
    """The small worked example shipped as the import template (one cycle, three teams)."""
    n = None
    q = "2026-Q1"
    cycles = _rows(schema.CYCLES, [(q, "Q1 2026", date(2026, 1, 1), date(2026, 3, 31))])
    teams = _rows(
        schema.TEAMS,
        [
            ("acme", "Acme Corp", n, "company"),
            ("customer-success", "Customer Success", "acme", "department"),
            ("cs-support", "Customer Success Support", "customer-success", "team"),
        ],
    )
    objectives = _rows(
        schema.OBJECTIVES,
        [
            (
                "O1",
                q,
                "Delight customers at every touchpoint",
                "acme",
                "Maria Lindqvist",
                "company",
                n,
                n,
                1.0,
                "Company objective for the quarter.",
            ),
            (
                "O2",
                q,
                "Make support a reason customers stay",
                "customer-success",
                "Kofi Mensah",
                "department",
                "O1",
                n,
                1.0,
                "Aligned (directionally) to O1.",
            ),
            (
                "O3",
                q,
                "Cut median ticket resolution time from 30 h to 12 h",
                "cs-support",
                "Ines Duarte",
                "team",
                n,
                "KR4",
                1.0,
                "Strictly linked: this objective is key result KR4 of O2.",
            ),
        ],
    )
    key_results = _rows(
        schema.KEY_RESULTS,
        [
            (
                "KR1",
                "O1",
                "Raise company NPS from 32 to 45",
                "increase",
                "Maria Lindqvist",
                "pts",
                32,
                45,
                n,
                n,
                40,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR2",
                "O1",
                "Keep gross margin between 72% and 78%",
                "range",
                "Maria Lindqvist",
                "%",
                68,
                n,
                72,
                78,
                73,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR3",
                "O1",
                "Establish a baseline for customer lifetime value per segment",
                "baseline",
                "Maria Lindqvist",
                "EUR",
                n,
                n,
                n,
                n,
                62000,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR4",
                "O2",
                "Cut median ticket resolution time from 30 h to 12 h",
                "decrease",
                "Kofi Mensah",
                "h",
                30,
                12,
                n,
                n,
                n,
                n,
                2.0,
                date(2026, 3, 31),
            ),
            (
                "KR5",
                "O2",
                "Launch the customer academy",
                "milestone",
                "Kofi Mensah",
                n,
                0,
                1,
                n,
                n,
                1,
                n,
                1.0,
                date(2026, 2, 28),
            ),
            (
                "KR6",
                "O2",
                "Raise customer satisfaction (CSAT) from 84% to 90%",
                "increase",
                "Kofi Mensah",
                "%",
                84,
                90,
                n,
                n,
                87,
                0.5,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR7",
                "O3",
                "Reduce first response time from 180 min to 60 min",
                "decrease",
                "Ines Duarte",
                "min",
                180,
                60,
                n,
                n,
                90,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR8",
                "O3",
                "Grow the self-service resolution rate from 25% to 40%",
                "increase",
                "Tomas Novak",
                "%",
                25,
                40,
                n,
                n,
                31,
                n,
                1.0,
                date(2026, 3, 31),
            ),
        ],
    )

    def at(day: date) -> pd.Timestamp:
        return pd.Timestamp(day) + pd.Timedelta(hours=10)

    check_ins = _rows(
        schema.CHECK_INS,
        [
            (
                "KR1",
                at(date(2026, 1, 15)),
                34,
                n,
                0.7,
                "on track",
                "First survey wave in.",
                "Maria Lindqvist",
            ),
            ("KR1", at(date(2026, 2, 12)), 37, n, 0.6, "behind", n, "Maria Lindqvist"),
            (
                "KR1",
                at(date(2026, 3, 26)),
                40,
                n,
                0.6,
                "behind",
                "Closing value.",
                "Maria Lindqvist",
            ),
            ("KR2", at(date(2026, 2, 12)), 71, n, 0.8, "on track", n, "Maria Lindqvist"),
            (
                "KR2",
                at(date(2026, 3, 26)),
                73,
                n,
                0.9,
                "on track",
                "Inside the range.",
                "Maria Lindqvist",
            ),
            (
                "KR3",
                at(date(2026, 3, 26)),
                62000,
                n,
                1.0,
                "on track",
                "First measurement.",
                "Maria Lindqvist",
            ),
            ("KR5", at(date(2026, 1, 29)), 0, n, 0.7, "on track", n, "Kofi Mensah"),
            (
                "KR5",
                at(date(2026, 2, 26)),
                1,
                n,
                1.0,
                "on track",
                "Academy is live.",
                "Kofi Mensah",
            ),
            ("KR6", at(date(2026, 1, 29)), 85, n, 0.6, "behind", n, "Kofi Mensah"),
            (
                "KR6",
                at(date(2026, 3, 26)),
                87,
                n,
                0.5,
                "behind",
                "Closing grade set to 0.5.",
                "Kofi Mensah",
            ),
            ("KR7", at(date(2026, 2, 12)), 120, n, 0.7, "on track", n, "Ines Duarte"),
            ("KR7", at(date(2026, 3, 26)), 90, n, 0.8, "on track", n, "Ines Duarte"),
            (
                "KR8",
                at(date(2026, 2, 12)),
                n,
                0.3,
                0.5,
                "behind",
                "Graded in zones (0 / 0.3 / 0.7 / 1) instead of a value.",
                "Tomas Novak",
            ),
            ("KR8", at(date(2026, 3, 26)), 31, n, 0.4, "behind", n, "Tomas Novak"),
        ],
    )
    return {
        "cycles": cycles,
        "teams": teams,
        "objectives": objectives,
        "key_results": key_results,
        "check_ins": check_ins,
    }


def template_readme() -> list[list[str]]:
    """The README sheet of the import template, one list per row."""
    rows = [
        ["OKR Health import template"],
        [
            "Fill in the five sheets below (or keep the example and replace it). Only Objectives "
            "and KeyResults are required; the first row of each sheet is the header."
        ],
        [],
        ["Sheet", "What one row is", "Required columns", "All columns"],
    ]
    about = {
        "cycles": "an OKR cycle, e.g. a quarter (dates as Excel dates)",
        "teams": "a company, department, team or person; parent_team_id builds the tree",
        "objectives": "an objective; parent_objective_id aligns it to an objective above, "
        "parent_kr_id links it strictly to a key result above",
        "key_results": "a key result of an objective",
        "check_ins": "a progress update of a key result (value or grade, confidence 0-1)",
    }
    for table in schema.ENTITY_TABLES:
        rows.append(
            [
                table.sheet,
                about[table.name],
                ", ".join(table.required),
                ", ".join(table.column_names),
            ]
        )
    rows += [
        [],
        ["kr_type", "How the score (0-1) is computed"],
        ["increase", "(current - start) / (target - start); a missing start counts as 0"],
        ["decrease", "(start - current) / (start - target)"],
        [
            "range",
            "1 inside [range_low, range_high]; outside, progress from start toward the "
            "nearest bound",
        ],
        ["milestone", "1 when done (value 1), 0 when not done (value 0)"],
        ["baseline", "1 once any value has been recorded"],
        [],
        [
            "Values",
            "current = value of the latest check-in, else current_value. A manual_score "
            "(0-1) overrides the computed score. A check-in may carry a grade "
            "(0, 0.3, 0.7, 1) instead of a value. Weights default to 1.",
        ],
        ["Percentages", "Write 45 for 45% in value columns and set unit to %."],
    ]
    return rows
