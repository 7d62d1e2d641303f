"""Ingest of the spreadsheets people really have (docs/ingestion.md): each built as a real file in
its real format, loaded into a real DuckDB file, and checked by the rows, values and scores."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines.ingest import ingest_paths, read_sources
from pipelines.map.mapping import mapping_toml, parse_mapping_file, suggest_mapping
from pipelines.store.connection import open_store
from pipelines.store.rows import import_history
from tests.support.ingest import (
    CANONICAL_SCORES,
    CANONICAL_SHEETS,
    audit,
    kr_scores,
    store_tables,
    write_csv,
    write_xlsx,
)

TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "okr_template.xlsx"
CANONICAL_ROWS = {"cycles": 1, "teams": 2, "objectives": 2, "key_results": 4, "check_ins": 2}


def assert_canonical_loaded(db: Path) -> None:
    tables = store_tables(db)
    assert {t: len(f) for t, f in tables.items()} == CANONICAL_ROWS
    assert kr_scores(db) == pytest.approx(CANONICAL_SCORES)
    check_ins = tables["check_ins"]
    assert check_ins["confidence"].tolist() == pytest.approx([0.6, 0.7])
    assert tables["cycles"]["end_date"].astype(str).tolist() == ["2025-09-30"]
    assert tables["key_results"].set_index("kr_id").loc["K4", "current_value"] == 1.0
    assert audit(db) == {}


def test_canonical_workbook_with_readme_and_hidden_sheet(tmp_path: Path) -> None:
    sheets: dict[str, list[list[object]]] = {
        "README": [["How to fill this template"], ["One row per key result…"]],
        **CANONICAL_SHEETS,
        "Old KeyResults": [["kr_id", "objective_id", "title"], ["K9", "nowhere", "stale"]],
    }
    path = write_xlsx(tmp_path / "okrs.xlsx", sheets, hidden=("Old KeyResults",))
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok and report.outcome == "loaded"
    assert report.problems == []
    assert report.unmapped_columns == []
    assert report.rows == CANONICAL_ROWS
    assert_canonical_loaded(tmp_path / "okr.duckdb")


def test_folder_of_canonical_csvs(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name, rows in CANONICAL_SHEETS.items():
        write_csv(folder / f"{name}.csv", rows)
    report = ingest_paths([folder], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows == CANONICAL_ROWS
    assert_canonical_loaded(tmp_path / "okr.duckdb")


@pytest.mark.skipif(not TEMPLATE.exists(), reason="data/okr_template.xlsx not written yet")
def test_shipped_template_loads_as_it_is(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(TEMPLATE, read_only=True)
    expected = {
        "Cycles": "cycles",
        "Teams": "teams",
        "Objectives": "objectives",
        "KeyResults": "key_results",
        "CheckIns": "check_ins",
    }
    counts = {
        table: sum(1 for row in book[sheet].iter_rows(min_row=2) if any(c.value for c in row))
        for sheet, table in expected.items()
        if sheet in book.sheetnames
    }
    report = ingest_paths([TEMPLATE], tmp_path / "okr.duckdb")
    assert report.ok and [p for p in report.problems if p.is_error] == []
    assert {t: len(f) for t, f in store_tables(tmp_path / "okr.duckdb").items()} == counts
    assert audit(tmp_path / "okr.duckdb") == {}


FLAT_HEADER = ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target",
               "Current", "Score"]  # fmt: skip
FLAT_ROWS: list[list[object]] = [
    ["2025-Q3", "Sales", "Grow revenue", "Revenue from 100 to 110", "Ann", 100, 110, 106, None],
    ["2025-Q3", "Sales", "Grow revenue", "NPS from 30 to 50", "Bob", 30, 50, 40, None],
    [None] * 9,
    ["2025-Q3", "Sales", "Happy customers", "Churn from 5% to 2%", "Cleo", "5%", "2%", "3%", None],
    ["2025-Q3", "Sales", "Happy customers", "Launch the portal", "Cleo", None, None, "done", "0,9"],
    ["2025-Q3", "Support", "Happy customers", "Tickets answered within a day", "Dan", 50, 90, 80,
     None],
]  # fmt: skip


def flat_sheet(path: Path, rows: list[list[object]] = FLAT_ROWS) -> Path:
    title: list[list[object]] = [
        ["Sales OKRs — Q3 2025"],
        ["Owner: Sales leadership", None, "as of 2025-09-30"],
    ]
    return write_xlsx(path, {"OKRs": [*title, FLAT_HEADER, *rows]})


def test_flat_sheet_below_two_title_rows(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([flat_sheet(tmp_path / "flat.xlsx")], db)
    assert report.ok and report.problems == []
    assert report.rows == {"cycles": 1, "teams": 2, "objectives": 3, "key_results": 5}
    tables = store_tables(db)
    objectives = tables["objectives"].set_index(["team_id", "title"])
    assert objectives.loc[("Sales", "Grow revenue"), "owner"] == "Ann"  # most KRs, then first
    assert objectives.loc[("Support", "Happy customers"), "owner"] == "Dan"
    assert tables["objectives"]["objective_id"].str.fullmatch(r"O-[0-9a-f]{10}").all()
    teams = tables["teams"]
    assert teams[["team_id", "name", "level"]].values.tolist() == [
        ["Sales", "Sales", "team"],
        ["Support", "Support", "team"],
    ]
    assert teams["parent_team_id"].isna().all()
    cycle = tables["cycles"].iloc[0]
    assert (cycle["cycle_id"], str(cycle["start_date"])[:10], str(cycle["end_date"])[:10]) == (
        "2025-Q3",
        "2025-07-01",
        "2025-09-30",
    )
    by_title = tables["key_results"].set_index("title")
    assert by_title.loc["Churn from 5% to 2%", ["start_value", "target_value"]].tolist() == [
        0.05,
        0.02,
    ]
    assert by_title.loc["Launch the portal", "manual_score"] == 0.9
    scores = {title: kr_scores(db)[kr] for title, kr in by_title["kr_id"].items()}
    assert scores["Revenue from 100 to 110"] == pytest.approx(0.6)
    assert scores["Churn from 5% to 2%"] == pytest.approx(2 / 3)
    assert scores["Launch the portal"] == pytest.approx(0.9)
    assert audit(db) == {}


def test_flat_sheet_problems_name_the_rows_excel_shows(tmp_path: Path) -> None:
    rows = [list(r) for r in FLAT_ROWS]
    rows[1][6] = "ten"  # Excel row 5: two title rows, the header on row 3
    rows[4][2] = None  # row 8: a key result with no objective … belongs to the one above
    report = ingest_paths([flat_sheet(tmp_path / "flat.xlsx", rows)], tmp_path / "okr.duckdb")
    assert [str(p) for p in report.problems] == [
        'flat.xlsx:OKRs:5:G (Target): warning: "ten" is not a number: set aside, loaded '
        "without this value (unscored by it)"
    ]  # a cell that is not a number is set aside, listed where it is (issue 21)
    assert report.ok and report.outcome == "loaded"
    assert report.understanding is not None and report.understanding.set_aside == 1


def test_flat_sheet_with_merged_objective_cells(tmp_path: Path) -> None:
    path = flat_sheet(tmp_path / "flat.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["OKRs"]
    sheet["C8"] = None  # Happy customers spans rows 7–8 as one merged cell
    sheet.merge_cells("C7:C8")
    book.save(path)
    report = ingest_paths([path], tmp_path / "okr.duckdb")
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows["key_results"] == 5 and report.rows["objectives"] == 3


@pytest.mark.parametrize("excel_sep_line", [True, False])
def test_semicolon_csv_with_decimal_commas_in_cp1252(tmp_path: Path, excel_sep_line: bool) -> None:
    rows = [
        ["Quarter", "Team", "Objective", "Key Result", "Owner", "Start", "Target", "Current"],
        ["2025-Q3", "Vertrieb", "Umsatz steigern", "Umsatz in Tsd. €", "Müller", "1.000,5",
         "1.500", "1.250,25"],
        ["2025-Q3", "Vertrieb", "Umsatz steigern", "Abschlussquote", "José", "0,5", "0,75", "0,6"],
        ["2025-Q3", "Vertrieb", "Kunden halten", "Kündigungen", "Françoise", "12", "4", "6"],
    ]  # fmt: skip
    if excel_sep_line:
        rows.insert(0, ["sep=;"])
    path = write_csv(tmp_path / "okr_de.csv", rows, sep=";", encoding="cp1252")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    krs = store_tables(db)["key_results"].set_index("title")
    assert krs.loc["Umsatz in Tsd. €", ["owner", "start_value", "target_value"]].tolist() == [
        "Müller",
        1000.5,
        1500.0,
    ]
    assert krs.loc["Umsatz in Tsd. €", "current_value"] == 1250.25
    assert krs.loc["Abschlussquote", "owner"] == "José"
    assert krs.loc["Kündigungen", "owner"] == "Françoise"
    score = kr_scores(db)[krs.loc["Kündigungen", "kr_id"]]
    assert score == pytest.approx(0.75)  # decrease 12 → 4, now 6


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    rows = [
        ["Cycle", "Objective", "Key Result", "Owner", "Start", "Target", "Current"],
        ["2025-Q4", "Ärger vermeiden", "Offene Tickets", "Zoë", "40", "10", "25"],
        ["2025-Q4", "Ärger vermeiden", "Antwortzeit (h)", "Ødegaard", "24", "4", "14"],
    ]
    path = write_csv(tmp_path / "export.txt", rows, sep="\t", encoding="utf-16")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert any("utf-16, tab-separated" in note for note in report.notes)
    krs = store_tables(db)["key_results"].set_index("title")
    assert krs.loc["Offene Tickets", "owner"] == "Zoë"
    assert kr_scores(db)[krs.loc["Antwortzeit (h)", "kr_id"]] == pytest.approx(0.5)
    assert store_tables(db)["objectives"]["title"].tolist() == ["Ärger vermeiden"]


def test_other_tool_export_mapped_by_synonyms_alone(tmp_path: Path) -> None:
    rows = [
        ["Goal Title", "KR Title", "Owner Emails", "Goal Cycle", "Starting Value",
         "Target Value", "Current Value", "Progress Notes"],
        ["Grow revenue", "Revenue 100 to 110", "ann@acme.com", "Q3 2025", "100", "110", "106",
         "on track"],
        ["Grow revenue", "Deals 10 to 20", "bob@acme.com", "Q3 2025", "10", "20", "15", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "goals_export.csv", rows, encoding="utf-8-sig")
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([path], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.unmapped_columns == ["goals_export.csv: Progress Notes"]
    tables = store_tables(db)
    krs = tables["key_results"].set_index("title")
    assert krs.loc["Deals 10 to 20", ["owner", "start_value", "target_value"]].tolist() == [
        "bob@acme.com",
        10.0,
        20.0,
    ]
    assert tables["cycles"][["cycle_id", "start_date"]].astype(str).values.tolist() == [
        ["Q3 2025", "2025-07-01"]
    ]
    assert sorted(kr_scores(db).values()) == pytest.approx([0.5, 0.6])


GERMAN = [
    ["Zeitraum", "Ziel", "Messgröße", "Verantwortlich", "Ausgangswert", "Zielwert", "Istwert"],
    ["2025-Q3", "Mehr Umsatz", "Umsatz (Tsd. €)", "Müller", "100", "110", "106"],
    ["2025-Q3", "Mehr Umsatz", "Neukunden", "Weber", "10", "20", "20"],
]
GERMAN_MAPPING = """
[objectives]
sheet = "Ziele"
title = "Ziel"
cycle_id = "Zeitraum"

[key_results]
sheet = "Ziele"
title = "Messgröße"
owner = "Verantwortlich"
start_value = "Ausgangswert"
target_value = "Zielwert"
current_value = "Istwert"
"""


def test_export_needing_a_mapping_file(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ziele.xlsx", {"Ziele": GERMAN})
    db = tmp_path / "okr.duckdb"
    unmapped = ingest_paths([path], db)
    assert not unmapped.ok
    assert [str(p) for p in unmapped.problems if p.is_error] == [
        "ziele.xlsx: no OKR table found: map its columns (a mapping file or the Data page)"
    ]
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GERMAN_MAPPING, encoding="utf-8")
    report = ingest_paths([path], db, mapping=mapping)
    assert report.ok, [str(p) for p in report.problems]
    assert report.unmapped_columns == []
    krs = store_tables(db)["key_results"].set_index("title")
    assert krs.loc["Neukunden", ["owner", "target_value", "current_value"]].tolist() == [
        "Weber",
        20.0,
        20.0,
    ]
    assert sorted(kr_scores(db).values()) == pytest.approx([0.6, 1.0])


def test_mapping_file_reads_a_hidden_sheet_it_names(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ziele.xlsx", {"Start": [["nothing here"]], "Ziele": GERMAN},
                      hidden=("Ziele",))  # fmt: skip
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GERMAN_MAPPING, encoding="utf-8")
    report = ingest_paths([path], tmp_path / "okr.duckdb", mapping=mapping)
    assert report.ok and report.rows["key_results"] == 2


def test_mapping_file_naming_a_missing_column_is_an_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ziele.xlsx", {"Ziele": GERMAN})
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GERMAN_MAPPING.replace('"Istwert"', '"Ist-Wert aktuell"'), "utf-8")
    report = ingest_paths([path], tmp_path / "okr.duckdb", mapping=mapping)
    assert not report.ok
    assert (
        'mapping.toml: [key_results] current_value = "Ist-Wert aktuell": '
        "no such column in ziele.xlsx:Ziele" in [str(p) for p in report.problems]
    )


def test_mapping_written_by_the_page_reproduces_itself(tmp_path: Path) -> None:
    files = [("ziele.xlsx", write_xlsx(tmp_path / "ziele.xlsx", {"Ziele": GERMAN}).read_bytes())]
    mapping_file = parse_mapping_file("mapping.toml", GERMAN_MAPPING)
    sources = read_sources(files, mapping_file)
    mapping = suggest_mapping(sources.tables, mapping_file)
    written = parse_mapping_file("again.toml", mapping_toml(sources.tables, mapping))
    assert written.problems == []
    assert suggest_mapping(read_sources(files, written).tables, written) == mapping


def test_several_files_at_once(tmp_path: Path) -> None:
    """Objectives in a CSV, key results in a workbook, check-ins in a UTF-8-with-BOM CSV."""
    objectives = write_csv(tmp_path / "objectives.csv", CANONICAL_SHEETS["Objectives"])
    krs = write_xlsx(tmp_path / "krs.xlsx", {"KeyResults": CANONICAL_SHEETS["KeyResults"]})
    check_ins = write_csv(tmp_path / "updates.csv", CANONICAL_SHEETS["CheckIns"], sep=";",
                          encoding="utf-8-sig")  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([objectives, krs, check_ins], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.rows == {
        "cycles": 1,
        "teams": 2,
        "objectives": 2,
        "key_results": 4,
        "check_ins": 2,
    }
    assert kr_scores(db) == pytest.approx(CANONICAL_SCORES)
    teams = store_tables(db)["teams"]
    assert teams["team_id"].tolist() == ["co", "sales"]  # derived from the objectives
    assert audit(db) == {}


CLI = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "okr-health"


@pytest.mark.skipif(not CLI.exists(), reason="the okr-health console script is not installed")
def test_cli_ingest_dry_run_then_load_then_unchanged(tmp_path: Path) -> None:
    path, db = write_xlsx(tmp_path / "okrs.xlsx", CANONICAL_SHEETS), tmp_path / "okr.duckdb"

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        args = [str(CLI), "ingest", str(path), "--db", str(db), *extra]
        return subprocess.run(args, capture_output=True, text=True, timeout=120)

    dry = run("--dry-run")
    assert dry.returncode == 0 and "\ndry-run: 1 cycle, " in dry.stdout
    assert not db.exists()
    first, second = run(), run()
    assert (first.returncode, second.returncode) == (0, 0)
    assert "\nloaded: 1 cycle, 2 teams, 2 objectives, 4 key results" in first.stdout
    assert "\nunchanged:" in second.stdout
    assert kr_scores(db) == pytest.approx(CANONICAL_SCORES)


def test_flat_sheet_with_a_date_column_records_check_ins(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Quarter", "Objective", "Key Result", "Owner", "Target", "Current", "Confidence",
         "Last updated", "Comment"],
        ["2025-Q3", "Grow revenue", "Revenue 0 → 10", "Ann", 10, 4, "7", "14/08/2025", "ok"],
        ["2025-Q3", "Grow revenue", "Deals 0 → 20", "Ann", 20, 5, "6", "15/08/2025", None],
        ["2025-Q3", "Grow revenue", "Pilots 0 → 2", "Bob", 2, None, None, None, None],
    ]  # fmt: skip
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_xlsx(tmp_path / "flat.xlsx", {"OKRs": rows})], db)
    assert report.ok and report.problems == [], [str(p) for p in report.problems]
    assert report.rows["check_ins"] == 2
    check_ins = store_tables(db)["check_ins"].sort_values("checked_at")
    assert check_ins["checked_at"].tolist() == [
        pd.Timestamp("2025-08-14"),
        pd.Timestamp("2025-08-15"),
    ]
    assert check_ins[["value", "confidence"]].values.tolist() == [[4.0, 0.7], [5.0, 0.6]]
    assert check_ins["note"].tolist()[0] == "ok"


def test_flat_sheet_objective_details_that_disagree_are_warned(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Quarter", "Objective", "Objective owner", "Key Result", "Target", "Current"],
        ["2025-Q3", "Grow revenue", "Ann", "Revenue 0 → 10", 10, 4],
        ["2025-Q3", "Grow revenue", "Bob", "Deals 0 → 20", 20, 5],
    ]
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([write_xlsx(tmp_path / "flat.xlsx", {"OKRs": rows})], db)
    assert report.ok
    assert [str(p) for p in report.problems] == [
        'flat.xlsx:OKRs:3:C (Objective owner): warning: objective "Grow revenue": owner '
        'differs from its first row ("Ann"), which is used'
    ]
    assert store_tables(db)["objectives"]["owner"].tolist() == ["Ann"]


def test_a_missing_path_is_rejected_and_logged(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    report = ingest_paths([tmp_path / "nowhere.xlsx"], db)
    assert not report.ok and report.outcome == "rejected"
    assert str(report.problems[0]).endswith("nowhere.xlsx: no such file or folder")
    with open_store(db, read_only=True) as conn:
        assert import_history(conn)["outcome"].tolist() == ["rejected"]


def test_check_in_columns_without_a_date_are_reported_not_dropped(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Quarter", "Objective", "Key Result", "Target", "Current", "Confidence"],
        ["2025-Q3", "Grow revenue", "Revenue 0 → 10", 10, 4, "70%"],
    ]
    report = ingest_paths([write_xlsx(tmp_path / "f.xlsx", {"OKRs": rows})], tmp_path / "o.db")
    assert report.ok
    assert report.unmapped_columns == ["f.xlsx:OKRs: Confidence"]
    assert [str(p) for p in report.problems] == [
        "f.xlsx:OKRs:1:F (Confidence): warning: confidence is a check-in column: it needs a "
        "date column (checked_at: Date, Last updated…) and is not loaded"
    ]
