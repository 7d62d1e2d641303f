"""JSON documents read whole (pipelines/map/tree.py): OKR collections found by their content
anywhere in the tree, keys as cycles and teams, nested measures as values, other collections
named as not scored. Every document here is written by the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.ingest import ingest_paths
from tests.pipelines.test_tool_profiles import dataset, kr_scores


def _kr(title: str, current: float, total: float) -> dict[str, object]:
    return {"title": title, "metrics": {"current": current, "total": total}}


YEAR_UNDER_QUARTERS = {
    "2018": {
        "quarters": {
            "Q3": {
                "objectives": [
                    {"title": "Grow the community", "owner": "Ana", "key_results": [
                        _kr("Reach 500 members", 250, 500), _kr("Hold 6 meetups", 3, 6)]},
                    {"title": "Ship the app", "key_results": [_kr("Release 2 versions", 2, 2)]},
                ]
            },
            "Q4": {"objectives": [
                {"title": "Raise funds", "key_results": [_kr("Sign 4 sponsors", 1, 4)]}]},
        },
        "general": [{"title": "Be sustainable", "key_results": [_kr("Cover costs", 50, 100)]}],
    }
}  # fmt: skip


def _write(tmp_path: Path, name: str, body: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_year_of_okrs_under_quarter_keys_loads_every_key_result_scored(tmp_path: Path):
    # Before: 15 of 48 key results loaded from a document of this shape, none scored.
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "club.json", YEAR_UNDER_QUARTERS)], db)
    assert report.ok, [str(p) for p in report.problems]
    data = dataset(db)
    assert len(data.objectives) == 4 and len(data.key_results) == 5
    cycles = data.objectives.set_index("title")["cycle_id"]
    assert cycles["Grow the community"] == "2018-Q3"
    assert cycles["Raise funds"] == "2018-Q4"
    assert cycles["Be sustainable"] == "2018"
    stored = data.cycles.set_index("cycle_id")
    assert str(stored.at["2018-Q3", "start_date"])[:10] == "2018-07-01"
    scores = kr_scores(data)
    assert scores["Reach 500 members"] == pytest.approx(0.5)
    assert scores["Sign 4 sponsors"] == pytest.approx(0.25)
    assert scores["Release 2 versions"] == pytest.approx(1.0)
    krs = data.key_results.set_index("title")
    assert krs.at["Hold 6 meetups", "target_value"] == 6
    assert data.objectives.set_index("title").at["Grow the community", "owner"] == "Ana"


def test_an_okr_tree_beside_projects_loads_the_okrs_and_names_the_projects(tmp_path: Path):
    # Before: "loaded 5 teams", 0 objectives, no warning.
    body = {
        "okrs": [
            {"team": "Platform", "objective": "Make deploys boring", "results": [
                {"name": "Deploys per day to 10", "start": 2, "target": 10, "current": 6}]},
            {"team": "Growth", "objective": "Double signups", "results": [
                {"name": "Signups to 2000", "start": 1000, "target": 2000, "current": 1500},
                {"name": "Launch referrals", "start": 0, "target": 1, "current": 0}]},
        ],
        "projects": [{"name": "Migrate CI", "team": "Platform"}, {"name": "New onboarding"},
                     {"name": "Billing v2"}, {"name": "Docs site"}],
    }  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "plan_2025-Q2.json", body)], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows["objectives"] == 2 and report.rows["key_results"] == 3
    assert "4 projects not scored (not key results)" in report.headline
    warnings = [str(p) for p in report.problems if not p.is_error]
    assert any("`projects`: 4 records" in w and "not scored" in w for w in warnings), warnings
    data = dataset(db)
    teams = data.objectives.set_index("title")["team_id"]
    assert set(teams) == {"Platform", "Growth"}
    assert set(data.objectives["cycle_id"]) == {"2025-Q2"}
    assert kr_scores(data)["Deploys per day to 10"] == pytest.approx(0.5)


SPANISH = {
    "empresa": "Acme",
    "año": 2024,
    "objetivos_q3": [
        {"objetivo": "Mejorar la retención", "krs": [
            {"nombre": "Churn bajo 3%", "valor_inicial": 5, "valor_actual": 4, "meta": 3},
            {"nombre": "NPS a 50", "medicion": {"inicio": 30, "actual": 40, "meta": 50}}]},
        {"objetivo": "Crecer en LATAM", "krs": [
            {"nombre": "3 países nuevos", "valor_inicial": 0, "valor_actual": 1, "meta": 3}]},
    ],
    "kpis": [{"nombre": f"KPI {i}", "valor": i, "meta": 10} for i in range(9)],
}  # fmt: skip


def test_spanish_krs_beside_a_longer_list_of_kpis_takes_the_okrs(tmp_path: Path):
    # Before: "no OKR table found" (the longer list of KPIs was taken as the records).
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "okrs.json", SPANISH)], db)
    assert report.ok, [str(p) for p in report.problems]
    assert "9 KPIs not scored (not key results)" in report.headline
    data = dataset(db)
    assert sorted(data.objectives["title"]) == ["Crecer en LATAM", "Mejorar la retención"]
    assert set(data.objectives["cycle_id"]) == {"2024-Q3"}  # the quarter key + `año`
    scores = kr_scores(data)
    assert scores["Churn bajo 3%"] == pytest.approx(0.5)
    assert scores["NPS a 50"] == pytest.approx(0.5)
    assert scores["3 países nuevos"] == pytest.approx(1 / 3)


def test_a_quarter_key_without_a_year_says_which_year_it_took(tmp_path: Path):
    body = {k: v for k, v in SPANISH.items() if k != "año"}
    report = ingest_paths([_write(tmp_path, "okrs.json", body)], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert any("names quarter Q3 and no year" in n for n in report.notes), report.notes


def test_teams_keyed_by_name_hold_their_objectives(tmp_path: Path):
    body = {"cycle": "2026-Q1", "teams": {
        "Sales": {"objectives": [{"title": "Win EMEA", "key_results": [
            {"title": "Close 10 deals", "progress": {"current": 4, "target": 10}}]}]},
        "Support": {"objectives": [{"title": "Answer fast", "key_results": [
            {"title": "Reply in 1 hour", "current": 2, "target": 1, "start": 4}]}]},
    }}  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "okrs.json", body)], db)
    assert report.ok, [str(p) for p in report.problems]
    objectives = dataset(db).objectives.set_index("title")
    assert objectives.at["Win EMEA", "team_id"] == "Sales"
    assert objectives.at["Answer fast", "team_id"] == "Support"
    assert set(objectives["cycle_id"]) == {"2026-Q1"}
    scores = kr_scores(dataset(db))
    assert scores["Close 10 deals"] == pytest.approx(0.4)
    assert scores["Reply in 1 hour"] == pytest.approx(2 / 3)


def test_a_plain_list_of_objectives_reads_as_before(tmp_path: Path):
    body = [{"title": "Grow revenue", "cycle": "Q1 2026", "key_results": [
        {"title": "Reach 100 customers", "start": 50, "target": 100, "current": 75}]}]  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "goals.json", body)], db)
    assert report.ok, [str(p) for p in report.problems]
    assert any("read as a row per key result" in n for n in report.notes), report.notes
    assert kr_scores(dataset(db))["Reach 100 customers"] == pytest.approx(0.5)


def test_a_document_with_no_records_at_all_is_a_warning(tmp_path: Path):
    path = _write(tmp_path, "settings.json", {"theme": "dark", "version": 3, "tags": ["a"]})
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    messages = [str(p) for p in report.problems]
    assert any("JSON without a list of records" in m for m in messages), messages


YAML_DOC = """\
# a year of OKRs under quarter keys, as a person writes them by hand
2025:
  quarters:
    Q2:
      objectives:
        - title: Grow the community
          key_results:
            - title: Reach 500 members
              metrics: {current: 250, total: 500}
        - title: Ship the app
          key_results:
            - title: Release 2 versions
              metrics: {current: 2, total: 2}
initiatives:
  - name: Redesign the website
  - name: Hire a community manager
"""


def test_a_yaml_document_reads_as_a_json_one(tmp_path: Path):
    path = tmp_path / "okrs.yaml"
    path.write_text(YAML_DOC, encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert "2 initiatives not scored (not key results)" in report.headline
    data = dataset(db)
    assert set(data.objectives["cycle_id"]) == {"2025-Q2"}
    assert kr_scores(data)["Reach 500 members"] == pytest.approx(0.5)


def test_yaml_aliases_are_refused_with_their_line(tmp_path: Path):
    # An alias repeats a node without copying it: nine lines can stand for a billion values.
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]"
              for a, b in zip("abcdefgh", "bcdefghi", strict=True)]  # fmt: skip
    path = tmp_path / "laughs.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert not report.ok
    messages = [str(p) for p in report.problems if p.is_error]
    assert any("laughs.yml: not valid YAML: an alias" in m and "line 2" in m for m in messages), (
        messages
    )


def test_an_okr_tree_of_objectives_under_objectives_keeps_every_level(tmp_path: Path):
    body = {
        "cycle": "2026-Q2",
        "okrs": [{"id": "C1", "title": "Be the reference in our market", "children": [
            {"id": "T1", "title": "Win 20 enterprise deals", "key_results": [
                {"title": "Sign 20 contracts", "start": 0, "target": 20, "current": 10}]},
            {"id": "T2", "title": "Make onboarding self-serve", "key_results": [
                {"title": "Onboard in 1 day", "start": 10, "target": 1, "current": 10}]},
        ]}],
        "projects": [{"name": "CRM migration"}],
    }  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "tree.json", body)], db)
    assert report.ok, [str(p) for p in report.problems]
    objectives = dataset(db).objectives.set_index("objective_id")
    assert sorted(objectives.index) == ["C1", "T1", "T2"]
    assert objectives.at["T1", "parent_objective_id"] == "C1"
    assert objectives.at["T2", "parent_objective_id"] == "C1"
    assert set(objectives["cycle_id"]) == {"2026-Q2"}
    assert "1 project not scored (not key results)" in report.headline


def test_a_list_of_teams_each_holding_objectives_names_the_teams(tmp_path: Path):
    body = {"period": "Q1 2026", "teams": [
        {"name": "Platform", "objectives": [{"title": "Make deploys boring", "key_results": [
            {"title": "Deploy 10 times a day", "start": 2, "target": 10, "current": 6}]}]},
        {"name": "Growth", "objectives": [{"title": "Double signups", "key_results": [
            {"title": "Reach 2000 signups", "start": 1000, "target": 2000, "current": 1500}]}]},
    ]}  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([_write(tmp_path, "teams.json", body)], db)
    assert report.ok, [str(p) for p in report.problems]
    objectives = dataset(db).objectives.set_index("title")
    assert objectives.at["Make deploys boring", "team_id"] == "Platform"
    assert objectives.at["Double signups", "team_id"] == "Growth"
    assert set(objectives["cycle_id"]) == {"Q1 2026"}
