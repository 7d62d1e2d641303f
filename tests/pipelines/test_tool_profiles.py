"""Other OKR tools' exports, loaded as downloaded, scored by each tool's own rule.

Each fixture folder in tests/fixtures/tools holds the files in the tool's exact shape and an
`expected.json` oracle computed by that tool's rule; these tests ingest them as a user would
(into a real DuckDB file, no mapping file unless the fixture is a database export with its
mapping) and compare counts and every key result's score.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics.report import check_ins_known_on
from metrics.scores.scoring import NO_CHECK_IN, score_all
from pipelines.ingest import IngestReport, ingest_paths
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset

TOOLS = Path(__file__).parents[1] / "fixtures" / "tools"
FIXTURES = [
    "viva_goals_csv",
    "viva_goals_org_export",
    "outline_parent_row",
    "outline_numbered",
    "oslo_okr_tracker",
    "quantive_import",
    "perdoo_export",
    "tability_export",
    "asana_goals_export",
    "jira_align_export",
    "puzzle_okr",
    "open_okr",
    "tracker_flat_archived",
    "grading_sheet_google",
]


def expected(name: str) -> dict:
    return json.loads((TOOLS / name / "expected.json").read_text(encoding="utf-8"))


def ingest_fixture(name: str, db: Path, files: list[str] | None = None) -> IngestReport:
    oracle = expected(name)
    mapping = TOOLS / name / oracle["mapping"] if oracle.get("mapping") else None
    paths = [TOOLS / name / f for f in (files or oracle["files"])]
    return ingest_paths(paths, db, mapping)


def dataset(db: Path) -> Dataset:
    with open_store(db, read_only=True) as conn:
        return read_dataset(conn)


def kr_scores(data: Dataset) -> dict[str, float | None]:
    known = check_ins_known_on(data.check_ins, pd.Timestamp(data.reference_date()))
    scored = score_all(data.objectives, data.key_results, known).key_results
    out: dict[str, float | None] = {}
    for kr_id, title, score in zip(scored["kr_id"], scored["title"], scored["score"], strict=True):
        value = None if pd.isna(score) else float(score)
        out[str(kr_id)] = value
        out.setdefault(str(title), value)
    return out


def not_checked_in(data: Dataset) -> set[str]:
    """Ids and titles of the numeric key results scored at their start for want of a
    check-in (`no check-in yet`)."""
    known = check_ins_known_on(data.check_ins, pd.Timestamp(data.reference_date()))
    scored = score_all(data.objectives, data.key_results, known).key_results
    started = scored[scored["score_source"] == NO_CHECK_IN]
    return {str(k) for k in started["kr_id"]} | {str(t) for t in started["title"]}


def assert_matches_oracle(name: str, report: IngestReport, db: Path) -> None:
    oracle = expected(name)
    counts = oracle["counts"]
    assert report.ok, [str(p) for p in report.problems]
    data = dataset(db)
    assert len(data.objectives) == counts["objectives"]
    assert len(data.key_results) == counts["key_results"]
    assert len(data.check_ins) == counts["check_ins"]
    assert len(data.cycles) == counts["cycles"]
    assert len(data.teams) == counts["teams"]
    assert report.not_scored == {k: v for k, v in counts["not_scored"].items() if v}
    archived = counts["archived"]
    assert data.archived.get("objectives", 0) == archived["objectives"]
    assert data.archived.get("key_results", 0) == archived["key_results"]
    scores = kr_scores(data)
    at_start = not_checked_in(data)
    for key, want in oracle["kr_scores"].items():
        assert key in scores, f"{name}: key result {key} not loaded"
        got = scores[key]
        if want is None:  # never checked in: at its start (0) is the same answer
            ungraded = got is None or (got == 0.0 and key in at_start)
            assert ungraded, f"{name}: {key} scored {got}, expected ungraded"
        else:
            assert got is not None and abs(got - want) < 1e-6, f"{name}: {key}: {got} != {want}"
    if oracle.get("tool"):
        article = "an" if oracle["tool"][0].lower() in "aeiou" else "a"
        assert f"Recognised as {article} {oracle['tool']}" in report.headline


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_loads_and_scores_as_its_tool_does(name: str, tmp_path: Path):
    db = tmp_path / "okr.duckdb"
    assert_matches_oracle(name, ingest_fixture(name, db), db)


def test_viva_csv_with_a_header_that_stops_at_checkins_loads_the_same(tmp_path: Path):
    variant = expected("viva_goals_csv")["variants"][0]["file"]
    db = tmp_path / "okr.duckdb"
    assert_matches_oracle("viva_goals_csv", ingest_fixture("viva_goals_csv", db, [variant]), db)


def test_viva_csv_links_weights_and_packed_check_ins(tmp_path: Path):
    oracle = expected("viva_goals_csv")
    db = tmp_path / "okr.duckdb"
    ingest_fixture("viva_goals_csv", db)
    data = dataset(db)
    krs = data.key_results.set_index("kr_id")
    for kr_id, objective in oracle["kr_objective"].items():
        assert krs.at[kr_id, "objective_id"] == objective
    for kr_id, weight in oracle["kr_weights"].items():
        assert krs.at[kr_id, "weight"] == pytest.approx(weight)
    objectives = data.objectives.set_index("objective_id")
    for child, links in oracle["objective_links"].items():
        first = links[0]
        column = "parent_kr_id" if first["kind"] == "strict" else "parent_objective_id"
        assert objectives.at[child, column] == first["parent"]
        got = float(str(objectives.at[child, "weight"]))
        want = first["weight"]
        assert math.isnan(got) if want is None else got == pytest.approx(want)
    for kr_id, score in oracle["manual_scores"].items():
        assert krs.at[kr_id, "manual_score"] == pytest.approx(score)
    with open_store(db, read_only=True) as conn:
        stored = conn.sql("SELECT * FROM check_ins").df()
    checks = stored[stored["kr_id"] == "3104601"]
    notes = set(checks["note"].dropna())
    note = "Two partners slipped to July; legal review pending.\nFollow-up with Dana on Friday;"
    assert note in notes
    assert set(checks["author"]) == {"Marcus Webb", "Dana Ekström"}
    latest = oracle["latest_check_in"]["3104620"]
    mine = data.check_ins[data.check_ins["kr_id"].astype("str") == "3104620"]
    newest = mine.sort_values("checked_at").iloc[-1]
    assert str(newest["checked_at"].date()) == latest["date"]
    assert newest["value"] == latest["value"]


def test_viva_org_export_cycles_and_teams_come_from_their_files(tmp_path: Path):
    db = tmp_path / "okr.duckdb"
    ingest_fixture("viva_goals_org_export", db)
    data = dataset(db)
    cycles = data.cycles.set_index("cycle_id")
    assert str(cycles.at["Annual 2025", "start_date"])[:10] == "2025-01-01"
    assert str(cycles.at["Q3 2025", "end_date"])[:10] == "2025-09-30"
    teams = data.teams.set_index("team_id")
    assert teams.at["Commercial", "parent_team_id"] == "Kestrel Freight"
    objectives = data.objectives.set_index("objective_id")
    assert objectives.at["4200160", "parent_kr_id"] == "4200202"  # a Big rock under a Kpi
    krs = data.key_results.set_index("kr_id")
    assert krs.at["4200212", "kr_type"] == "range" and krs.at["4200212", "range_low"] == 92


def test_outline_six_levels_links_and_one_line_per_message(tmp_path: Path):
    oracle = expected("outline_parent_row")
    db = tmp_path / "okr.duckdb"
    report = ingest_fixture("outline_parent_row", db)
    data = dataset(db)
    titles = data.objectives.set_index("title")
    kr_titles = data.key_results.set_index("kr_id")["title"]
    deepest = titles.loc["Build a debut-author programme"]
    assert kr_titles[deepest["parent_kr_id"]] == "Commission 6 debut authors"
    run = titles.loc["Run a 24-title list on time"]
    assert kr_titles[run["parent_kr_id"]] == "Publish 24 new titles"
    audio = titles.loc["Make our audiobooks a second engine"]
    top = titles.loc["Become the independent publisher readers seek out"]
    assert audio["parent_objective_id"] == top["objective_id"]  # directional
    assert kr_scores(data)["Publish 24 new titles"] == pytest.approx(
        oracle["kr_scores"]["Publish 24 new titles"]
    )
    messages = [p.message for p in report.problems] + report.notes
    assert len(messages) == len(set(messages))  # no message printed once per row


def test_cli_says_which_tool_it_recognised(tmp_path: Path):
    db = tmp_path / "okr.duckdb"
    zip_file = TOOLS / "viva_goals_org_export" / expected("viva_goals_org_export")["files"][0]
    result = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", str(zip_file), "--db", str(db),
         "--no-warm"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Recognised as a Viva Goals organisation export" in lines
    assert "2 projects not scored (not key results)" in lines
    loaded = next(i for i, line in enumerate(lines) if line.startswith("loaded: "))
    assert lines[loaded] == "loaded: 4 cycles, 6 teams, 5 objectives, 11 key results, 22 check-ins"
    assert not any("Recognised" in line for line in lines[1:])  # said once
