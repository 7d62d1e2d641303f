"""Other tools' words (issue 13, item 2): key-result types, lifecycle, progress, formulas,
task sheets and multi-valued cells, on fixtures in the tools' own shapes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest import ingest_paths
from pipelines.map.canonical import parse_kr_type
from tests.pipelines.tool_fixtures import TOOLS, expected, load_tool, scores_by
from tests.support.ingest import store_tables, write_csv

CLI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "okr-health"


@pytest.mark.parametrize(
    ("word", "kr_type"),
    [
        ("metric", None),  # a number: increase or decrease from the start and target
        ("KPI", None),
        ("Currency", None),
        ("Percentage", None),
        ("From X to Y", None),
        ("Increase From", "increase"),
        ("Reach", "increase"),
        ("should increase to", "increase"),
        ("Decrease To", "decrease"),
        ("should decrease to", "decrease"),
        ("Stay Above X", "range_above"),
        ("should stay below", "range_below"),
        ("Maintain", "range_above"),
        ("binary", "milestone"),
        ("Boolean", "milestone"),
        ("Achieved or not", "milestone"),
        ("Yes/No", "milestone"),
        ("ordinal", "graded"),
        ("zone", "graded"),
        ("graded", "graded"),
        ("Non-measurable", "graded"),
        ("increase", "increase"),
    ],
)
def test_key_result_type_words(word: str, kr_type: str | None) -> None:
    parsed = parse_kr_type(pd.Series([word], dtype="str"))
    value = parsed.values.iloc[0]
    assert (None if pd.isna(value) else value) == kr_type
    assert parsed.errors.isna().all() and parsed.warnings.isna().all()


def test_an_unknown_type_word_is_one_grouped_warning_and_the_numbers_decide(
    tmp_path: Path,
) -> None:
    """211 rows of a word nobody knows: loaded, typed from the numbers, one report line."""
    header = ["kr_id", "objective_id", "title", "owner", "start_value", "target_value",
              "current_value", "unit", "weight", "key_result_type"]  # fmt: skip
    krs = [header] + [
        [f"K{i}", "O1", f"Key result {i}", "Ann", 10, 0 if i % 2 else 20, 5, "", 1, "sideways"]
        for i in range(211)
    ]
    objectives = [["objective_id", "cycle_id", "title"], ["O1", "2025-Q3", "Grow"]]
    folder = tmp_path / "export"
    folder.mkdir()
    write_csv(folder / "KeyResults.csv", krs)
    write_csv(folder / "Objectives.csv", objectives)
    result = subprocess.run(
        [str(CLI), "ingest", str(folder), "--db", str(tmp_path / "okr.duckdb"), "--no-warm"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [s for s in result.stderr.splitlines() if s.startswith("KeyResults.csv")]
    assert lines == [
        'KeyResults.csv: rows 2–212 (211 rows), J (key_result_type): warning: "sideways" is not '
        "a key-result type we know: the type is inferred from the numbers (increase, decrease, "
        "range or milestone)"
    ]
    krs_stored = store_tables(tmp_path / "okr.duckdb")["key_results"]
    assert krs_stored["kr_type"].isna().all()  # inferred when scored
    from tests.support.ingest import kr_scores

    scores = kr_scores(tmp_path / "okr.duckdb")
    assert scores["K0"] == 0.0  # 10 → 20, now 5: an increase gone backwards
    assert scores["K1"] == pytest.approx(0.5)  # 10 → 0, now 5: a decrease half-way


def test_tracker_export_keeps_archived_rows_out_of_scores(tmp_path: Path) -> None:
    """(a) `Archived` and `Objective archived`: 1 objective and 6 key results kept out."""
    oracle = expected("tracker_flat_archived")
    db = tmp_path / "okr.duckdb"
    result = subprocess.run(
        [str(CLI), "ingest", str(TOOLS / "tracker_flat_archived" / oracle["files"][0]),
         "--db", str(db), "--no-warm"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 archived objective and 6 archived key results kept out of scores" in result.stdout
    loaded = load_tool("tracker_flat_archived", tmp_path / "again.duckdb")
    counts = oracle["counts"]
    assert len(loaded.data.objectives) == counts["objectives"]
    assert len(loaded.data.key_results) == counts["key_results"]
    assert loaded.data.archived == counts["archived"]
    assert len(loaded.data.check_ins) == counts["check_ins"]
    assert len(loaded.data.cycles) == counts["cycles"]
    assert len(loaded.data.teams) == counts["teams"]
    assert scores_by(loaded.scores, "kr_id") == pytest.approx(oracle["kr_scores"], abs=1e-6)
    stored = store_tables(tmp_path / "again.duckdb")
    archived = stored["key_results"].loc[stored["key_results"]["archived"].fillna(False), "kr_id"]
    assert sorted(archived) == oracle["archived_ids"]["key_results_archived_themselves"]
    objectives = stored["objectives"]
    assert objectives.loc[objectives["archived"].fillna(False), "objective_id"].tolist() == [
        "OBJ-106"
    ]


def test_quantive_workbook_reads_its_type_phrases_and_cached_formulas(tmp_path: Path) -> None:
    """(h) 'should increase to', a target as a formula, and Tasks and Users sheets."""
    oracle = expected("quantive_import")
    loaded = load_tool("quantive_import", tmp_path / "okr.duckdb")
    counts = oracle["counts"]
    assert len(loaded.data.objectives) == counts["objectives"]
    assert len(loaded.data.key_results) == counts["key_results"]
    assert len(loaded.data.cycles) == counts["cycles"]
    # no check-in history of its own: the first import records each current value once
    assert len(loaded.data.check_ins) == counts["check_ins"]
    titles = set(loaded.data.objectives["title"])
    assert "Redesign the slot picker for mobile" not in titles  # a task, not an objective
    assert any("Tasks: 8 rows of tasks" in n for n in loaded.report.notes)
    targets = loaded.data.key_results.set_index("title")["target_value"]
    for title, target in oracle["kr_targets"].items():
        assert targets[title] == pytest.approx(target)  # the formula's cached value
    scores = scores_by(loaded.scores, "title")
    expect = dict(oracle["kr_scores"])
    # Quantive compares stay-above/below strictly (actual 400 on a 'below 400' target is 0.0):
    # the workbook is recognised as Quantive's, and its profile applies that rule (issue 13b).
    assert scores["Keep p95 booking latency below 400 ms"] == 0.0
    assert scores == pytest.approx(expect, abs=1e-6)
    raw = loaded.scores.set_index("title")["attainment"]
    for title, value in oracle["kr_raw_attainment"].items():
        assert raw[title] == pytest.approx(value, abs=1e-6)


def test_a_formula_without_a_cached_value_is_a_located_error(tmp_path: Path) -> None:
    variant = expected("quantive_import")["variants"][0]
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([TOOLS / "quantive_import" / variant["file"]], db)
    assert not report.ok and report.outcome == "rejected"
    errors = [p for p in report.problems if p.is_error]
    assert len(errors) == 1
    error = errors[0]
    want = variant["errors"][0]
    assert (error.sheet, error.row, error.column) == (
        want["sheet"], want["row"], f"{want['column']} ({want['header']})"
    )  # fmt: skip
    assert error.message.startswith(want["problem"])
    assert all(len(frame) == 0 for frame in store_tables(db).values())


def test_jira_align_states_tiers_and_dated_values(tmp_path: Path) -> None:
    """Two sheets; State 'Canceled' is out with its key result; 'Completed' and 'Not
    Started' stay in; 'Completion %' is the reported progress; 'Last Updated' dates a value."""
    oracle = expected("jira_align_export")
    loaded = load_tool("jira_align_export", tmp_path / "okr.duckdb")
    counts = oracle["counts"]
    assert len(loaded.data.objectives) == counts["objectives"]
    assert len(loaded.data.key_results) == counts["key_results"]
    assert loaded.data.archived == counts["archived"]
    assert len(loaded.data.check_ins) == counts["check_ins"]
    assert len(loaded.data.cycles) == counts["cycles"]
    assert scores_by(loaded.scores, "kr_id") == pytest.approx(oracle["kr_scores"], abs=1e-6)
    progress = loaded.data.key_results.set_index("kr_id")["reported_progress"]
    assert progress["KR-1008"] == pytest.approx(0.6833)
    parents = loaded.data.objectives.set_index("objective_id")["parent_objective_id"]
    for child, links in oracle["objective_links"].items():
        assert parents[child] == links[0]["parent"]


def test_status_words_archive_only_lifecycle_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Quarter", "Objective", "Key Result", "Owner", "Start", "Target", "Current", "Status"],
        ["2025-Q3", "Grow", "Win 10 deals", "Ann Lee", 0, 10, 6, "On Track"],
        ["2025-Q3", "Grow", "Open 2 offices", "Ann Lee", 0, 2, 1, "Behind"],
        ["2025-Q3", "Grow", "Hire 5 reps", "Ann Lee", 0, 5, 1, "Cancelled"],
        ["2025-Q3", "Grow", "Old idea", "Ann Lee", 0, 5, 1, "Draft"],
        ["2025-Q3", "Grow", "Ship the app", "Ann Lee", 0, 1, 1, "Done"],
        ["2025-Q3", "Grow", "Postponed one", "Ann Lee", 0, 4, 1, "Postponed"],
    ]
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_csv(tmp_path / "okrs.csv", rows)], db)
    assert report.ok and report.archived == {"key_results": 2}
    from tests.support.ingest import kr_scores

    assert len(kr_scores(db)) == 4


def test_reported_progress_is_the_score_and_a_dated_check_in(tmp_path: Path) -> None:
    rows = [
        ["Quarter", "Objective", "Key Result", "Owner", "Progress %", "Last updated"],
        ["2025-Q3", "Grow", "Win the market", "Ann Lee", "60", "2025-08-01"],
        ["2025-Q3", "Grow", "Delight users", "Ann Lee", "25", "2025-08-03"],
        ["2025-Q3", "Grow", "Beat the plan", "Ann Lee", "124", "2025-08-04"],
    ]
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_csv(tmp_path / "okrs.csv", rows)], db)
    assert report.ok, report.problems
    stored = store_tables(db)
    krs = stored["key_results"].set_index("title")
    assert krs["reported_progress"].to_dict() == pytest.approx(
        {"Win the market": 0.6, "Delight users": 0.25, "Beat the plan": 1.24}
    )
    check_ins = stored["check_ins"].merge(stored["key_results"][["kr_id", "title"]])
    assert check_ins.set_index("title")["value"].to_dict() == pytest.approx(
        {"Win the market": 0.6, "Delight users": 0.25, "Beat the plan": 1.24}
    )
    from tests.support.ingest import kr_scores

    assert sorted(kr_scores(db).values()) == pytest.approx([0.25, 0.6, 1.0])


def test_multi_valued_owners_keep_the_first_and_say_so_once(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Quarter", "Objective", "Key Result", "Owner", "Start", "Target", "Current"],
        ["2025-Q3", "Grow", "Win 10 deals", "Ana Lopez, Ben Okoye", 0, 10, 5],
        ["2025-Q3", "Grow", "Win 5 more", "Smith, John", 0, 10, 5],
        ["2025-Q3", "Grow", "Ship it", "ana@x.example; ben@x.example", 0, 10, 5],
    ]
    path = tmp_path / "okrs.csv"
    path.write_text(
        "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n", encoding="utf-8"
    )
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, report.problems
    owners = store_tables(db)["key_results"].set_index("title")["owner"].to_dict()
    assert owners == {"Win 10 deals": "Ana Lopez", "Win 5 more": "Smith, John",
                      "Ship it": "ana@x.example"}  # fmt: skip
    notes = [n for n in report.notes if "name several" in n]
    assert len(notes) == 1
    assert "Ana Lopez, Ben Okoye" in notes[0] and "ana@x.example; ben@x.example" in notes[0]
