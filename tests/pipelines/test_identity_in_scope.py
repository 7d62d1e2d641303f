"""Identity in its scope, on files written here in the shapes real teams publish: numbers and
local ids that restart per team, quarter or objective; a `Parent Row` that refers to the
table's own `Row` column; titles repeated across an outline; key results with no objective
above them; a prose `Result` beside `Result %`; a Viva Goals export whose parents are only in
`Parent IDs` and whose closed KPIs carry a 0.0 score."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd

from metrics.scores.scoring import score_all
from pipelines.ingest import IngestReport, ingest_paths
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def loaded(path: Path, tmp_path: Path) -> tuple[IngestReport, Dataset]:
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    with open_store(db, read_only=True) as conn:
        return report, read_dataset(conn)


def tree(data: Dataset) -> set[tuple[str, str, str]]:
    """(cycle, objective title, key-result title) of every key result."""
    objectives = data.objectives.set_index("objective_id")
    return {
        (str(objectives.at[o, "cycle_id"]), str(objectives.at[o, "title"]), str(t))
        for o, t in zip(data.key_results["objective_id"], data.key_results["title"], strict=True)
    }


def test_objective_numbers_restarting_per_team_and_quarter_never_merge(tmp_path: Path):
    path = write(
        tmp_path,
        "gradings.csv",
        "Team,Quarter,Objective #,Objective,Key Result,End-Q\n"
        "Blue,2025 Q1,1,Ship the app,Beta in the store,0.7\n"
        "Blue,2025 Q1,1,Ship the app,100 testers,0.4\n"
        "Blue,2025 Q1,2,Hire well,Two engineers,1.0\n"
        "Red,2025 Q2,1,Cut costs,Hosting down 10%,0.3\n"
        "Red,2025 Q2,2,Grow revenue,Ten new deals,0.5\n",
    )
    report, data = loaded(path, tmp_path)
    assert tree(data) == {
        ("2025 Q1", "Ship the app", "Beta in the store"),
        ("2025 Q1", "Ship the app", "100 testers"),
        ("2025 Q1", "Hire well", "Two engineers"),
        ("2025 Q2", "Cut costs", "Hosting down 10%"),
        ("2025 Q2", "Grow revenue", "Ten new deals"),
    }
    assert not [p for p in report.problems if "differs from its first row" in p.message]


def test_key_result_ids_restarting_in_each_objective_stay_apart(tmp_path: Path):
    path = write(
        tmp_path,
        "2025-Q3.csv",
        "Objective,KR ID,Key Result,Current,Target\n"
        "Grow revenue,KR1,Ten new deals,4,10\n"
        "Grow revenue,KR2,Renew all,8,10\n"
        "Happy staff,KR1,Survey above 8,6,8\n",
    )
    _, data = loaded(path, tmp_path)
    assert len(data.key_results) == 3
    assert {t for _, _, t in tree(data)} == {"Ten new deals", "Renew all", "Survey above 8"}
    happy = data.objectives.loc[data.objectives["title"] == "Happy staff", "objective_id"]
    under_happy = data.key_results.loc[data.key_results["objective_id"].isin(happy), "title"]
    assert under_happy.tolist() == ["Survey above 8"]


def test_parent_row_is_looked_up_in_the_tables_own_row_column(tmp_path: Path):
    # `Row` numbers the items from 101, in an order unlike the sheet's: a Parent Row of 102
    # is the item numbered 102, not the sheet's row 102 (which does not exist here).
    path = write(
        tmp_path,
        "2025-Q1.csv",
        "Row,Type,Title,Parent Row\n"
        "103,Key Result,Ship the beta,102\n"
        "101,Objective,Win the market,\n"
        "102,Objective,Launch the app,101\n"
        "104,Key Result,Market share 20%,101\n",
    )
    report, data = loaded(path, tmp_path)
    assert tree(data) == {
        ("2025", "Launch the app", "Ship the beta"),
        ("2025", "Win the market", "Market share 20%"),
    }
    launch = data.objectives.set_index("title").loc["Launch the app"]
    win = data.objectives.set_index("title").loc["Win the market", "objective_id"]
    assert launch["parent_objective_id"] == win
    assert not report.problems


def test_repeated_titles_in_an_outline_are_items_of_their_own(tmp_path: Path):
    path = write(
        tmp_path,
        "2025-Q2.csv",
        "Row,Type,Title,Parent Row\n"
        "1,Objective,Grow sales,\n"
        "2,Objective,Hire to plan,1\n"
        "3,Key Result,Five hires,2\n"
        "4,Objective,Ship faster,\n"
        "5,Objective,Hire to plan,4\n"
        "6,Key Result,Five hires,5\n",
    )
    report, data = loaded(path, tmp_path)
    assert len(data.objectives) == 4 and len(data.key_results) == 2
    hiring = data.objectives[data.objectives["title"] == "Hire to plan"]
    parents = data.objectives.set_index("objective_id").loc[hiring["parent_objective_id"], "title"]
    assert sorted(parents) == ["Grow sales", "Ship faster"]
    assert set(data.key_results["objective_id"]) == set(hiring["objective_id"])
    assert not [p for p in report.problems if "O-" in p.message or "KR-" in p.message]


def test_key_results_under_a_heading_that_is_no_row_go_under_a_holder_named_after_it(
    tmp_path: Path,
):
    path = write(
        tmp_path,
        "2025-Q4.csv",
        "Row,Type,Title,Parent Row,Parent Title\n"
        "1,Objective,Build pipeline,,CEO: Revenue\n"
        "2,Key Result,Pipeline at 2x,1,Build pipeline\n"
        "3,Key Result,Ship the roadmap,,CEO: Product\n"
        "4,Key Result,Two demos per stage,,CEO: Product\n",
    )
    report, data = loaded(path, tmp_path)
    assert tree(data) == {
        ("2025", "Build pipeline", "Pipeline at 2x"),
        ("2025", "CEO: Product (no objective row)", "Ship the roadmap"),
        ("2025", "CEO: Product (no objective row)", "Two demos per stage"),
    }
    assert [p.message for p in report.problems] == [
        "2 key results with no objective above them (rows 4, 5): loaded under "
        '"CEO: Product (no objective row)", an objective made to hold them'
    ]


def test_result_percent_is_the_progress_and_a_prose_result_is_not_a_number(tmp_path: Path):
    path = write(
        tmp_path,
        "2025-Q1.csv",
        "Quarter,Objective,Key Result,Result,Result %\n"
        "2025-Q1,Grow,Ten deals,Done and dusted,100\n"
        '2025-Q1,Grow,Renew all,"In progress, 3 of 10",30\n'
        "2025-Q1,Grow,New market,Not started,\n",
    )
    report, data = loaded(path, tmp_path)
    assert not [p for p in report.problems if "not a number" in p.message]
    scores = score_all(data.objectives, data.key_results, data.check_ins).key_results
    by_title = scores.set_index("title")["score"]
    assert by_title[["Ten deals", "Renew all"]].tolist() == [1.0, 0.3]
    assert pd.isna(by_title["New market"])
    assert "2025-Q1.csv: Result" in report.unmapped_columns


def _viva_record(
    ident: int,
    kind: str,
    title: str,
    parents: list[int],
    status: str,
    progress: float,
    score: float,
) -> dict[str, object]:
    return {
        "ID": ident, "Title": title, "Type": kind, "Owner": [{"Name": "Ann"}], "Teams": None,
        "Time Period": {"ID": 9, "Name": "Annual 2025"}, "Alignment": None,
        "Description": None, "Progress": progress, "Status": status,
        "Outcome": {"Outcome Type": "Metric", "Metric Name": "Deals", "Start": 0.0,
                    "Target": 10.0, "Target Type": "Increase From"},
        "Parent IDs": parents, "Score": score,
    }  # fmt: skip


def test_viva_parent_ids_orphans_and_a_closed_zero_score(tmp_path: Path):
    records = [
        _viva_record(1, "Big rock", "Grow the business", [], "On Track", 50.0, 0.0),
        _viva_record(2, "Kpi", "Ten deals", [1], "On Track", 5.0, 0.0),
        _viva_record(3, "Kpi", "Ten renewals", [1], "Closed", 10.0, 0.0),
        _viva_record(4, "Kpi", "Ten referrals", [], "On Track", 2.0, 0.0),
    ]
    periods = [{"Time Period Name": "Annual 2025", "Start Date": "2025-01-01",
                "End Date": "2025-12-31"}]  # fmt: skip
    path = tmp_path / "Organization_CompleteData_1.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("objectives_export_file_1.json", json.dumps(records))
        z.writestr("TimePeriods_export_file_1.json", json.dumps(periods))
    report, data = loaded(path, tmp_path)
    assert tree(data) == {
        ("Annual 2025", "Grow the business", "Ten deals"),
        ("Annual 2025", "Grow the business", "Ten renewals"),
        ("Annual 2025", "Key results with no objective", "Ten referrals"),
    }
    warned = [p.message for p in report.problems if "no objective above" in p.message]
    assert warned == [
        "1 key result with no objective above them (records 4): loaded under "
        '"Key results with no objective", an objective made to hold them'
    ]
    scores = score_all(data.objectives, data.key_results, data.check_ins).key_results
    renewals = scores.set_index("title").loc["Ten renewals"]
    assert (renewals["score"], renewals["score_source"]) == (1.0, "computed")  # not its 0.0
