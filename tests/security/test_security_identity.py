"""One identity for what prints the same: ids and keying names in another Unicode form, with
invisible characters or in full-width letters are the same id; two such forms in one column
are a located warning; a re-import that only changes the form of an id changes nothing."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from pipelines.ingest import ingest_paths
from pipelines.map.identity_text import identity_keys, identity_text
from tests.support.ingest import history, store_tables, write_csv, write_xlsx

COMPOSED = unicodedata.normalize("NFC", "Obj-é")
DECOMPOSED = unicodedata.normalize("NFD", "Obj-é")
HEADER_O: list[object] = ["objective_id", "cycle_id", "title", "owner"]
HEADER_K: list[object] = [
    "kr_id",
    "objective_id",
    "title",
    "start_value",
    "target_value",
    "current_value",
]
HEADER_C: list[object] = ["kr_id", "checked_at", "value"]


def sheets(objective: str, kr: str, cycle: str, owner: str) -> dict[str, list[list[object]]]:
    return {
        "Objectives": [HEADER_O, [objective, cycle, "Grow revenue", owner]],
        "KeyResults": [HEADER_K, [kr, objective, "Revenue 0 → 10", 0, 10, 4]],
        "CheckIns": [
            HEADER_C,
            [kr, "2025-07-10", 1],
            [kr, "2025-08-10", 2],
            [kr, "2025-09-10", 4],
        ],
    }


def test_the_rule_folds_forms_that_print_the_same() -> None:
    assert identity_text(DECOMPOSED) == COMPOSED
    assert identity_text("\ufeff2025-Q3\u200b ") == "2025-Q3"
    assert identity_text("ＯＫＲ１", fold_width=True) == "OKR1"
    assert identity_text("ＯＫＲ１") == "ＯＫＲ１"  # names keep their width; ids fold it
    keys = identity_keys(pd.Series(["a", "\u200b", None, "b\u2060"], dtype="str"))
    assert keys.tolist()[0] == "a" and keys.isna().tolist() == [False, True, True, False]
    assert keys.iloc[3] == "b"


def test_a_reimport_in_decomposed_form_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    first = write_xlsx(tmp_path / "a.xlsx", sheets(COMPOSED, "KR-ñ", "2025-Q3", "José"))
    nfd_kr = unicodedata.normalize("NFD", "KR-ñ")
    again = sheets(
        DECOMPOSED, "\u200b" + nfd_kr, "\ufeff2025-Q3", unicodedata.normalize("NFD", "José")
    )
    second = write_xlsx(tmp_path / "b.xlsx", again)
    assert ingest_paths([first], db).ok
    before = store_tables(db)
    report = ingest_paths([second], db)
    assert report.ok, [str(p) for p in report.problems]
    assert report.outcome == "unchanged" and not report.removed
    after = store_tables(db)
    assert after["objectives"]["objective_id"].tolist() == [COMPOSED]
    assert after["cycles"]["cycle_id"].tolist() == ["2025-Q3"]
    assert after["objectives"]["owner"].tolist() == ["José"]
    assert len(after["check_ins"]) == 3  # the check-in history is kept
    for table in ("objectives", "key_results", "check_ins", "cycles"):
        pd.testing.assert_frame_equal(before[table], after[table])
    assert history(db)["outcome"].tolist()[-1] in ("unchanged", "loaded")


def test_full_width_and_zero_width_ids_are_one_objective(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    objectives = write_csv(
        tmp_path / "objectives.csv",
        [HEADER_O, ["ＯＫＲ１", "2025-Q3", "Grow", "Ann"]],
    )
    krs = write_csv(
        tmp_path / "key_results.csv",
        [HEADER_K, ["K1", "OKR\u200b1", "Revenue", 0, 10, 4], ["K2", "OKR1", "Deals", 0, 10, 5]],
    )
    report = ingest_paths([objectives, krs], db)
    assert report.ok, [str(p) for p in report.problems]
    tables = store_tables(db)
    assert tables["objectives"]["objective_id"].tolist() == ["OKR1"]
    assert tables["key_results"]["objective_id"].tolist() == ["OKR1", "OKR1"]
    warned = [str(p) for p in report.problems]
    assert any(
        w.startswith("key_results.csv:2:B (objective_id): warning:") and "OKR\\u200b1" in w
        for w in warned
    ), warned


def test_two_forms_of_one_id_in_one_sheet_are_a_located_problem(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    path = write_csv(
        tmp_path / "objectives.csv",
        [HEADER_O, [COMPOSED, "2025-Q3", "Grow", "Ann"], [DECOMPOSED, "2025-Q3", "Sell", "Bo"]],
    )
    report = ingest_paths([path], db)
    assert not report.ok  # one id twice: never a silent merge
    texts = [str(p) for p in report.problems]
    assert any(t.startswith("objectives.csv:3:A (objective_id): warning:") for t in texts), texts
    assert any("e\\u0301" in t and "prints the same" in t for t in texts), texts
    assert any(t.startswith("objectives.csv:3:A (objective_id): duplicate") for t in texts), texts
    assert store_tables(db)["objectives"].empty


def test_a_bom_before_a_cycle_name_makes_no_second_cycle(tmp_path: Path) -> None:
    db = tmp_path / "okr.duckdb"
    header: list[object] = [
        "Quarter",
        "Team",
        "Objective",
        "Key Result",
        "Owner",
        "Start",
        "Target",
        "Current",
    ]
    rows: list[list[object]] = [
        header,
        ["2025-Q3", "Sales", "Grow revenue", "Revenue 0 → 10", "Ann", 0, 10, 4],
        ["\ufeff2025-Q3", "Sales\u200d", "Happy customers", "NPS 0 → 10", "Ann", 0, 10, 5],
    ]
    report = ingest_paths([write_xlsx(tmp_path / "okrs.xlsx", {"OKRs": rows})], db)
    assert report.ok, [str(p) for p in report.problems]
    tables = store_tables(db)
    assert tables["cycles"]["cycle_id"].tolist() == ["2025-Q3"]
    assert len(tables["teams"]) == 1
    assert len(tables["objectives"]) == 2
