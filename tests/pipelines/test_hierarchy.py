"""One table of objectives, key results and initiatives, split by type and parent columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest import ingest_paths
from pipelines.map.hierarchy import kind_of, not_scored_line, prose_score
from pipelines.store.connection import open_store


def tables(db: Path) -> dict[str, list[tuple]]:
    with open_store(db, read_only=True) as conn:
        return {
            "objectives": conn.execute(
                "SELECT title, parent_objective_id, parent_kr_id, cycle_id, weight "
                "FROM objectives ORDER BY title"
            ).fetchall(),
            "key_results": conn.execute(
                "SELECT k.title, o.title, k.reported_progress FROM key_results k "
                "JOIN objectives o USING (objective_id) ORDER BY k.title"
            ).fetchall(),
        }


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "score"),
    [("Done", 1.0), ("Not done", 0.0), ("80%: shipped two of three", 0.8), ("done.", 1.0),
     ("missed: budget cut", 0.0), ("", None), ("we will see", None), (0.4, 0.4), (70, 0.7)],
)  # fmt: skip
def test_outcomes_in_prose_become_scores(text: object, score: float | None):
    assert prose_score(text) == score


def test_type_words_of_other_tools():
    assert [kind_of(w) for w in ("Key Result", "KPI", "Big rock", "Deliverables", "Goal")] == [
        "key_result", "key_result", "objective", "deliverable", "objective",
    ]  # fmt: skip
    assert kind_of("Risk") is None
    assert not_scored_line({"deliverable": 21, "project": 1}) == (
        "21 deliverables, 1 project not scored (not key results)"
    )


def test_parent_by_title_weights_initiatives_and_unknown_types_grouped(tmp_path: Path):
    path = write(
        tmp_path,
        "okrs_2026.csv",
        "Type,Title,Parent,Cycle,Outcome\n"
        "Objective,Win the north,,2026-Q1,\n"
        "Key result,Open 3 depots,Win the north,,Done\n"
        "Initiative,Lease the Leeds site,Open 3 depots,,\n"
        "Objective,Hire depot leads,Open 3 depots,,\n"
        "Key result,Hire 3 leads,Hire depot leads,,50%: two signed\n"
        "Risk,Fuel prices,Win the north,,\n"
        "Risk,Strikes,Win the north,,\n"
        "Objective,Keep the south,Win the north,2026-Q1,\n"
        "KR,Keep churn under 2%,Keep the south,,Not done\n",
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.not_scored == {"initiative": 1}
    assert "1 initiative not scored (not key results)" in report.headline
    warnings = [str(p) for p in report.problems if not p.is_error]
    assert warnings == [
        "okrs_2026.csv: warning: 2 rows of no known type (rows 7, 8); not loaded (types: "
        "Objective, Key result, KPI, Initiative, Deliverable, Project, Task…)"
    ]
    stored = tables(db)
    by_title = {row[0]: row for row in stored["objectives"]}
    assert by_title["Hire depot leads"][2] is not None  # under a key result: strict
    assert by_title["Hire depot leads"][3] == "2026-Q1"  # the cycle of the objective above
    assert by_title["Keep the south"][1] is not None and by_title["Keep the south"][2] is None
    assert stored["key_results"] == [
        ("Hire 3 leads", "Hire depot leads", 0.5),
        ("Keep churn under 2%", "Keep the south", 0.0),
        ("Open 3 depots", "Win the north", 1.0),
    ]


def test_outline_numbers_without_types_alternate_objectives_and_key_results(tmp_path: Path):
    path = write(
        tmp_path,
        "plan 2026.csv",
        "No.,Title,Result\n1.,Grow,\n1.1,Sell more,60%\n1.1.1,Open a shop,\n"
        "1.1.1.1,Find a site,Done\n2.,Keep,\n2.1,Retain staff,Not done\n",
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    stored = tables(db)
    assert [row[0] for row in stored["objectives"]] == ["Grow", "Keep", "Open a shop"]
    assert [row[:2] for row in stored["key_results"]] == [
        ("Find a site", "Open a shop"), ("Retain staff", "Keep"), ("Sell more", "Grow"),
    ]  # fmt: skip
    assert {row[3] for row in stored["objectives"]} == {"2026"}  # the year in the file name


def test_indentation_gives_the_tree_when_nothing_else_does(tmp_path: Path):
    path = write(
        tmp_path,
        "2026.csv",
        "Type,Title,Outcome\nObjective,Grow,\nKey result,  Sell more,Done\n"
        "Objective,    Open a shop,\nKey result,      Find a site,40%\nObjective,Keep,\n"
        "Key result,  Retain staff,Done\n",
    )
    db = tmp_path / "okr.duckdb"
    assert ingest_paths([path], db).ok
    stored = tables(db)
    assert [row[:2] for row in stored["key_results"]] == [
        ("Find a site", "Open a shop"), ("Retain staff", "Keep"), ("Sell more", "Grow"),
    ]  # fmt: skip
    shop = next(row for row in stored["objectives"] if row[0] == "Open a shop")
    assert shop[2] is not None  # under "Sell more", a key result: strict


def test_key_results_with_no_objective_above_go_under_a_holder_listed(tmp_path: Path):
    path = write(
        tmp_path,
        "2026.csv",
        "Type,Title,Parent\nKey result,Orphan one,\nKey result,Orphan two,\n"
        "Objective,Grow,\nKey result,Sell,Grow\n",
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok  # two orphans never refuse the good rows
    warnings = [str(p) for p in report.problems if "no objective above" in p.message]
    assert warnings == [
        "2026.csv: warning: 2 key results with no objective above them (rows 2, 3): loaded "
        'under "Key results with no objective", an objective made to hold them'
    ]
    with open_store(db, read_only=True) as conn:
        held = conn.execute(
            "SELECT o.title, k.title FROM key_results k JOIN objectives o USING (objective_id) "
            "ORDER BY k.title"
        ).fetchall()
    assert held == [
        ("Key results with no objective", "Orphan one"),
        ("Key results with no objective", "Orphan two"),
        ("Grow", "Sell"),
    ]


def test_a_percent_column_is_the_progress_and_prose_fills_only_its_gaps(tmp_path: Path):
    """`Result %` (the tool's figure, overachievement included) wins over a prose `Result`
    beside it; the prose is read only where the figure is empty, and neither is put on a
    0–100 scale twice (GitLab's outline once read `100%` as 0.01)."""
    path = write(
        tmp_path,
        "fy20-q4.csv",
        "Row,Quarter,Type,Title,Parent Row,Result,Result %\n"
        "1,FY20-Q4,Objective,Grow pipeline,,,\n"
        "2,FY20-Q4,Key Result,Pipeline at 2X,1,100% of target,100\n"
        "3,FY20-Q4,Key Result,Ship 4 launches,1,1500%.,1500\n"
        "4,FY20-Q4,Key Result,Hire a lead,1,Complete,\n"
        "5,FY20-Q4,Key Result,Open an office,1,We will see,\n"
        "6,FY20-Q4,Key Result,Half the backlog,1,50%: half,50\n",
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, report.problems
    progress = {kr: value for kr, _objective, value in tables(db)["key_results"]}
    assert progress == {
        "Pipeline at 2X": 1.0,
        "Ship 4 launches": 15.0,  # overachievement kept; the score clips it to 1
        "Hire a lead": 1.0,  # no figure: the prose `Complete`
        "Open an office": None,  # no figure, prose that says nothing: unscored, not 0
        "Half the backlog": 0.5,
    }
    assert not any("not a number" in p.message for p in report.problems)
