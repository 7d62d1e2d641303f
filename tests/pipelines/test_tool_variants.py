"""The tool fixtures as they really reach us: saved again by Excel (as a workbook, or as CSV by
a European or US Excel, in UTF-16 "Unicode text"), downloaded from Google Sheets, indented by
cell format, numbered `1.1.a` / `KR1.2`, moved to another sheet, wrapped or line-delimited
JSON. Each file is built in its real format (tests/pipelines/tool_variants.py), ingested into a
real DuckDB file and compared with the fixture's own oracle: the same counts and every key
result's score, or a located refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment

from pipelines.ingest import ingest_paths
from tests.pipelines import tool_variants as tv
from tests.pipelines.test_tool_profiles import assert_matches_oracle, dataset, kr_scores

Build = Callable[[Path], Path | list[Path]]
CSV_FIXTURES = {
    "viva_goals_csv": "VivaGoals_48213_new_view_2025_06_30_1751290862.csv",
    "perdoo_export": "perdoo_goals_export_2026-04-01.csv",
    "tability_export": "tability-export-pinecone-studio-2026-04-01.csv",
    "tracker_flat_archived": "okr_tracker_export_2025-Q4.csv",
    "grading_sheet_google": "Team Atlas OKRs - Q3 2025 grading.csv",
}


def load(fixture: str, build: Build, tmp_path: Path) -> None:
    """Build the variant, ingest it as a user would, compare with the fixture's oracle."""
    built = build(tmp_path)
    db = tmp_path / "okr.duckdb"
    report = ingest_paths(built if isinstance(built, list) else [built], db)
    assert_matches_oracle(fixture, report, db)


def resaved(fixture: str, style: str) -> Build:
    source = tv.TOOLS / fixture / CSV_FIXTURES[fixture]
    if style == "xlsx":
        return lambda folder: tv.xlsx_resaved(source, folder)
    return lambda folder: tv.excel_resaved(source, folder, style)


@pytest.mark.parametrize("style", ["german", "us", "unicode", "xlsx"])
@pytest.mark.parametrize("fixture", list(CSV_FIXTURES))
def test_a_csv_export_saved_again_by_excel_loads_and_scores_the_same(
    fixture: str, style: str, tmp_path: Path
):
    # viva_goals_csv/german failed before: `Start 1,8` was read cell by cell as 18, and the
    # key result scored 1.0 instead of 0.5; viva_goals_csv/xlsx refused 12 key results.
    load(fixture, resaved(fixture, style), tmp_path)


@pytest.mark.parametrize("style", ["us", "xlsx"])
def test_the_numbered_outline_saved_again_by_excel(style: str, tmp_path: Path):
    # As a workbook, `1.1` comes back as the number 1.1 and `1.` as 1: still the outline.
    # (A German Excel turns `1.1` into the date 1 January: not rebuilt, see the README.)
    source = tv.TOOLS / "outline_numbered" / "Quillfeather_OKRs_2026_outline.csv"
    if style == "xlsx":
        load("outline_numbered", lambda f: tv.xlsx_resaved(source, f), tmp_path)
    else:
        load("outline_numbered", lambda f: tv.excel_resaved(source, f, style), tmp_path)


VIVA_VARIANTS: dict[str, Build] = {
    "German Excel: ;, Windows-1252, 01.04.2025, 58,0": tv.viva_german_excel,
    "Unicode text: UTF-16, tabs": tv.viva_unicode_text,
    "US Excel: UTF-8 BOM, 4/1/2025": tv.viva_us_excel,
    "Progress % as 58% text": lambda f: tv.viva_progress_as(f, "text"),
    "Progress % as 0.58": lambda f: tv.viva_progress_as(f, "fraction"),
    "saved as .xlsx, ids typed as numbers": tv.viva_xlsx,
}


@pytest.mark.parametrize("variant", list(VIVA_VARIANTS))
def test_viva_list_view_as_users_save_it(variant: str, tmp_path: Path):
    load("viva_goals_csv", VIVA_VARIANTS[variant], tmp_path)


def test_viva_list_view_saved_as_a_workbook_keeps_its_links_and_check_ins(tmp_path: Path):
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([tv.viva_xlsx(tmp_path)], db)
    assert report.ok, [str(p) for p in report.problems]
    krs = dataset(db).key_results.set_index("kr_id")
    assert krs.at["3104601", "objective_id"] == "3104517"  # not 3104517.0, not an orphan
    assert krs.at["3104602", "start_value"] == pytest.approx(1.8)


def test_viva_german_excel_reads_decimal_commas_as_decimals(tmp_path: Path):
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([tv.excel_resaved(tv.VIVA, tmp_path, "german")], db)
    assert report.ok, [str(p) for p in report.problems]
    krs = dataset(db).key_results.set_index("kr_id")
    assert krs.at["3104602", "start_value"] == pytest.approx(1.8)  # `1,8`, not 18
    assert kr_scores(dataset(db))["3104602"] == pytest.approx(0.5)


GRADING_VARIANTS: dict[str, Build] = {
    "header on row 3, 0% cells, 70% and 0.7 text, blank rows": tv.grading_google_xlsx,
    "header on row 4": lambda f: tv.grading_google_xlsx(f, header_row=4),
    "objective on its own row, key results below (fill down)": lambda f: tv.grading_google_xlsx(
        f, fill_down=True
    ),
    # before: the objective's row, holding its average grades, was skipped as a summary row
    # and every key result below it refused ("key result without an objective")
    "fill down, the objective's row with its average grades": lambda f: tv.grading_google_xlsx(
        f, fill_down=True, averages=True
    ),
}


@pytest.mark.parametrize("variant", list(GRADING_VARIANTS))
def test_google_sheets_grading_download(variant: str, tmp_path: Path):
    load("grading_sheet_google", GRADING_VARIANTS[variant], tmp_path)


OUTLINE_VARIANTS: dict[str, Build] = {
    "Type column, titles indented by cell format": tv.outline_indented,
    "titles led by 'Objective 1:' / 'KR 1.2:', indented": lambda f: tv.outline_indented(
        f, typed=False, numbering="objective"
    ),
    "titles led by '1.2 ', a Type column, not indented": lambda f: tv.outline_indented(
        f, numbering="bare", indent=False
    ),
    "No. column O1 / KR1.2, no Type column": lambda f: tv.outline_indented(
        f, typed=False, numbering="okr"
    ),
    "No. column 1. / 1.1. / 1.1.a, not indented": lambda f: tv.outline_indented(
        f, numbering="letters", indent=False
    ),
}


@pytest.mark.parametrize("variant", list(OUTLINE_VARIANTS))
def test_outline_variants_keep_the_six_level_tree(variant: str, tmp_path: Path):
    # Before: indentation by format was invisible (every key result hung on the objective
    # above, `Publish 24 new titles` lost its child objective and scored nothing), and the
    # labelled outlines were not seen as outlines at all (refused: no objective_id column).
    load("outline_parent_row", OUTLINE_VARIANTS[variant], tmp_path)


def test_an_outline_indented_by_format_without_types_alternates_objectives_and_krs(
    tmp_path: Path,
):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "OKRs 2026"
    sheet.append(["Title", "Owner", "Progress"])
    rows = [
        (0, "Win the Nordics", "Ana", None),
        (1, "Sign 10 distributors", "Ana", 0.5),
        (2, "Open a Copenhagen office", "Ben", None),
        (3, "Hire a country lead", "Ben", 1.0),
        (1, "Reach 2M revenue", "Ana", 0.25),
        (0, "Be a great place to work", "Cy", None),
        (1, "Engagement from 62 to 75", "Cy", 0.4),
    ]
    for level, title, owner, progress in rows:
        sheet.append([title, owner, progress])
        sheet.cell(sheet.max_row, 1).alignment = Alignment(indent=level)
    path = tmp_path / "OKRs 2026.xlsx"
    book.save(path)
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    data = dataset(db)
    assert len(data.objectives) == 3 and len(data.key_results) == 4
    objectives = data.objectives.set_index("title")
    krs = data.key_results.set_index("kr_id")
    office = objectives.loc["Open a Copenhagen office"]
    assert krs.at[office["parent_kr_id"], "title"] == "Sign 10 distributors"  # strict link
    scores = kr_scores(data)
    assert scores["Reach 2M revenue"] == pytest.approx(0.25)
    assert scores["Hire a country lead"] == pytest.approx(1.0)


def test_cell_indents_are_read_from_the_sheet_xml(tmp_path: Path):
    from pipelines.read.indents import indented_cells

    path = tv.outline_indented(tmp_path)
    cells = indented_cells(path.read_bytes(), limit=1000)["OKRs 2026"]
    levels = {row: level for row, letter, level in cells if letter == "B"}
    assert levels[3] == 1 and levels[5] == 2 and levels[10] == 5  # rows 2 and 16: level 0
    assert 2 not in levels
    assert indented_cells(path.read_bytes(), limit=3)["OKRs 2026"] == cells[:3]


def test_quantive_workbook_with_okrs_last_and_retyped_headers(tmp_path: Path):
    load("quantive_import", tv.quantive_resaved, tmp_path)


@pytest.mark.parametrize("form", ["data", "named", "jsonl", "ndjson"])
def test_asana_json_wrapped_or_one_record_a_line(form: str, tmp_path: Path):
    # jsonl/ndjson failed before: "not a CSV, Excel, JSON or zip file (.jsonl); skipped"
    load("asana_goals_export", lambda f: tv.asana_wrapped(f, form), tmp_path)


NESTED = {
    "objectives": [
        {"id": "O-1", "title": "Grow revenue", "owner": "Ana", "cycle": "Q1 2026",
         "key_results": [
             {"id": "KR-1", "title": "Reach 100 customers", "owner": "Ben", "start": 50,
              "target": 100, "current": 75},
             {"id": "KR-2", "title": "Cut churn to 2%", "start": 5, "target": 2, "current": 3.5},
         ]},
        {"id": "O-2", "title": "Ship v2", "owner": "Ben", "cycle": "Q1 2026",
         "key_results": [{"id": "KR-3", "title": "Launch beta", "start": 0, "target": 1,
                          "current": 1}]},
    ]
}  # fmt: skip


@pytest.mark.parametrize("with_ids", [True, False])
def test_json_objectives_holding_their_key_results(with_ids: bool, tmp_path: Path):
    # Before: 2 objectives and no key results, `key_results` listed as not mapped.
    body = json.loads(json.dumps(NESTED))
    if not with_ids:
        for objective in body["objectives"]:
            del objective["id"]
            for kr in objective["key_results"]:
                del kr["id"]
    path = tmp_path / "goals.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    data = dataset(db)
    assert len(data.objectives) == 2 and len(data.key_results) == 3
    krs = data.key_results.set_index("title")
    assert krs.at["Reach 100 customers", "owner"] == "Ben"
    if with_ids:
        assert krs.at["Cut churn to 2%", "objective_id"] == "O-1"
    objectives = data.objectives.set_index("title")
    assert objectives.at["Grow revenue", "owner"] == "Ana"
    scores = kr_scores(data)
    assert scores["Reach 100 customers"] == pytest.approx(0.5)
    assert scores["Cut churn to 2%"] == pytest.approx(0.5)


def test_problems_in_json_name_the_record(tmp_path: Path):
    body = json.loads(json.dumps(NESTED))
    body["objectives"][1]["key_results"][0]["target"] = "ten"
    path = tmp_path / "goals.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok  # not a number: set aside, listed by its record (issue 21)
    texts = [str(p) for p in report.problems]
    assert (
        'goals.json:key_results, a row each:record 3:field target: warning: "ten" is not a number:'
        " set aside, loaded without this value (unscored by it)"
    ) in texts


def test_a_broken_json_line_is_refused_with_its_line(tmp_path: Path):
    path = tmp_path / "goals.jsonl"
    path.write_text('{"title": "A"}\n{"title": "B",\n', encoding="utf-8")
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert not report.ok
    assert any("goals.jsonl: not valid JSON" in str(p) and "line 2" in str(p)
               for p in report.problems)  # fmt: skip


def test_cli_loads_a_viva_list_view_saved_as_xlsx(tmp_path: Path):
    path = tv.viva_xlsx(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "ingest", str(path), "--db",
         str(tmp_path / "okr.duckdb"), "--no-warm", "--json"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["rows"]["objectives"] == 6 and out["rows"]["key_results"] == 12
    assert out["rows"]["check_ins"] == 28


def test_json_saved_by_windows_powershell_in_utf16(tmp_path: Path):
    # `ConvertTo-Json | Out-File goals.json` writes UTF-16 with a BOM; before: "not UTF-8 text"
    path = tmp_path / "goals.json"
    path.write_text(json.dumps(NESTED, indent=4), encoding="utf-16")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert len(dataset(db).key_results) == 3


def test_a_table_of_objectives_numbered_o1_o2_is_not_taken_for_an_outline(tmp_path: Path):
    book = Workbook()
    objectives = book.active
    assert objectives is not None
    objectives.title = "Objectives"
    objectives.append(["objective_id", "cycle_id", "title", "owner"])
    objectives.append(["OBJ-7", "2026-Q1", "Objective 1: Grow revenue", "Ana"])
    objectives.append(["OBJ-9", "2026-Q1", "Objective 2: Ship v2", "Ben"])
    krs = book.create_sheet("KeyResults")
    krs.append(["kr_id", "objective_id", "title", "start_value", "target_value", "current_value"])
    krs.append(["KR-1", "OBJ-7", "KR 1.1: Reach 100 customers", 50, 100, 75])
    krs.append(["KR-2", "OBJ-9", "KR 2.1: Launch beta", 0, 1, 1])
    path = tmp_path / "okrs.xlsx"
    book.save(path)
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    data = dataset(db)
    assert sorted(data.objectives["objective_id"]) == ["OBJ-7", "OBJ-9"]
    assert "Objective 1: Grow revenue" in set(data.objectives["title"])
    assert kr_scores(data)["KR-1"] == pytest.approx(0.5)


@pytest.mark.parametrize("shape", ["data around objectives", "keyed by id (Firebase)"])
def test_json_records_one_level_down_or_keyed_by_their_ids(shape: str, tmp_path: Path):
    # Before: the whole file was one record (columns data.objectives…), no key results.
    if shape.startswith("data"):
        body: object = {"data": NESTED}
    else:
        body = {"objectives": {o["id"]: {k: v for k, v in o.items() if k != "id"}
                               for o in NESTED["objectives"]}}  # fmt: skip
    path = tmp_path / "okrs.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    data = dataset(db)
    assert sorted(data.objectives["objective_id"]) == ["O-1", "O-2"]
    assert len(data.key_results) == 3
    assert kr_scores(data)["Reach 100 customers"] == pytest.approx(0.5)
