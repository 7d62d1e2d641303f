"""Mapping files for database exports: several sources per table, constants, ignore, values."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipelines.ingest import ingest_paths, read_sources
from pipelines.map.mapping import mapping_toml, parse_mapping_file, suggest_mapping
from pipelines.store.connection import open_store
from tests.support.ingest import write_xlsx

MAPPING = """
[[teams]]
sheet = "Departments"
team_id = "id"
name = "name"
parent_team_id = "organization"
level = { value = "department" }

[[teams]]
sheet = "Products"
team_id = "id"
name = "name"
parent_team_id = "department"
level = { value = "team" }

[objectives]
sheet = "Objectives"
objective_id = "id"
cycle_id = "period"
team_id = "team"
title = "name"
archived = "deleted_at"

[key_results]
sheet = "KeyResults"
kr_id = "id"
objective_id = "objective"
title = "name"
kr_type = "type"
start_value = "from"
target_value = "to"
current_value = "now"
archived = "archived"
ignore = ["internal"]

[key_results.values.kr_type]
metric = "increase"
shrink = "decrease"
"""


def workbook(tmp_path: Path) -> Path:
    sheets: dict[str, list[list[object]]] = {
        "Departments": [["id", "name", "organization"], ["d1", "Sales", None]],
        "Products": [["id", "name", "department"], ["p1", "Web", "d1"], ["p2", "App", "d1"]],
        "Objectives": [
            ["id", "name", "period", "team", "deleted_at"],
            ["o1", "Grow", "2026-Q1", "p1", None],
            ["o2", "Old goal", "2026-Q1", "p2", "2026-02-03 10:00:00+00"],
        ],
        "KeyResults": [
            ["id", "objective", "name", "type", "from", "to", "now", "archived", "internal"],
            ["k1", "o1", "Sell more", "metric", 0, 10, 5, "false", "x"],
            ["k2", "o1", "Fewer refunds", "shrink", 10, 0, 4, "false", "y"],
            ["k3", "o1", "Dropped idea", "metric", 0, 10, 1, "true", "z"],
            ["k4", "o2", "Of the old goal", "metric", 0, 10, 1, "false", "w"],
        ],
        "Users": [["id", "email"], ["u1", "a@example.org"]],
    }
    return write_xlsx(tmp_path / "db_export.xlsx", sheets)


def test_a_database_export_loads_with_its_mapping(tmp_path: Path):
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([workbook(tmp_path)], db, tmp_path / "mapping.toml")
    assert report.ok, [str(p) for p in report.problems]
    assert "db_export.xlsx:Users: not named in mapping.toml; not loaded" in report.notes
    assert not any("internal" in c for c in report.unmapped_columns)
    with open_store(db, read_only=True) as conn:
        teams = conn.execute(
            "SELECT team_id, parent_team_id, level FROM teams ORDER BY 1"
        ).fetchall()
        krs = conn.execute("SELECT kr_id, kr_type, archived FROM key_results ORDER BY 1").fetchall()
        objectives = conn.execute("SELECT objective_id, archived FROM objectives ORDER BY 1")
        archived_objectives = objectives.fetchall()
    assert teams == [("d1", None, "department"), ("p1", "d1", "team"), ("p2", "d1", "team")]
    assert krs == [
        ("k1", "increase", False), ("k2", "decrease", False), ("k3", "increase", True),
        ("k4", "increase", False),
    ]  # fmt: skip
    # a deleted_at timestamp marks the row archived; an empty cell leaves it active
    assert [(o, bool(a)) for o, a in archived_objectives] == [("o1", False), ("o2", True)]


def test_the_mapping_written_back_keeps_constants_values_and_ignores(tmp_path: Path):
    mapping_file = parse_mapping_file("mapping.toml", MAPPING)
    assert not mapping_file.problems
    path = workbook(tmp_path)
    sources = read_sources([(path.name, path.read_bytes())], mapping_file)
    written = tomllib.loads(
        mapping_toml(sources.tables, suggest_mapping(sources.tables, mapping_file))
    )
    assert [t["level"] for t in written["teams"]] == [{"value": "department"}, {"value": "team"}]
    assert written["key_results"]["ignore"] == ["internal"]
    assert written["key_results"]["values"]["kr_type"] == {
        "metric": "increase",
        "shrink": "decrease",
    }
    assert "Users" not in str(written)


def test_mistakes_in_a_mapping_file_are_named():
    text = '[key_results]\nsheet = "KR"\nlevel = { value = "team" }\nignore = "type"\n'
    text += 'kr_type = { fixed = "x" }\n[key_results.values.colour]\nred = "x"\n'
    problems = [str(p) for p in parse_mapping_file("m.toml", text).problems]
    assert problems == [
        "m.toml: [key_results] has no column 'level'",
        'm.toml: [key_results] ignore must be a list of column names: ignore = ["a", "b"]',
        'm.toml: [key_results] kr_type: a constant is written kr_type = { value = "…" }',
        "m.toml: [key_results] values.colour: no such column, or not a table of values",
    ]


def test_a_second_source_adds_parents_to_objectives_of_the_same_id(tmp_path: Path):
    sheets: dict[str, list[list[object]]] = {
        "objective": [["id", "title", "quarter"], [1, "Top", "Q1"], [2, "Child", "Q1"],
                      [3, "Kid", "Q1"]],
        "alignment": [["aligned", "target_objective", "target_kr"], [2, 1, None], [3, None, 11],
                      [9, 1, None]],
        "key_result": [["id", "objective_id", "title"], [11, 1, "Sell"]],
    }  # fmt: skip
    write_xlsx(tmp_path / "export.xlsx", sheets)
    mapping = """
[[objectives]]
sheet = "objective"
objective_id = "id"
title = "title"
cycle_id = "quarter"

[[objectives]]
sheet = "alignment"
objective_id = "aligned"
parent_objective_id = "target_objective"
parent_kr_id = "target_kr"

[key_results]
sheet = "key_result"
kr_id = "id"
objective_id = "objective_id"
title = "title"
"""
    (tmp_path / "m.toml").write_text(mapping, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([tmp_path / "export.xlsx"], db, tmp_path / "m.toml")
    errors = [str(p) for p in report.problems if p.is_error]
    assert errors == [
        'export.xlsx:alignment:4:objective_id: objective_id "9" is not in any other source of '
        "objectives"
    ]
    assert not db.exists() or _count(db) == 0
    sheets["alignment"].pop()  # the stray alignment row removed
    write_xlsx(tmp_path / "export.xlsx", sheets)
    report = ingest_paths([tmp_path / "export.xlsx"], db, tmp_path / "m.toml")
    assert report.ok, [str(p) for p in report.problems]
    with open_store(db, read_only=True) as conn:
        rows = conn.execute(
            "SELECT objective_id, parent_objective_id, parent_kr_id FROM objectives ORDER BY 1"
        ).fetchall()
    assert rows == [("1", None, None), ("2", "1", None), ("3", None, "11")]


def _count(db: Path) -> int:
    with open_store(db, read_only=True) as conn:
        return conn.execute("SELECT count(*) FROM objectives").fetchone()[0]
