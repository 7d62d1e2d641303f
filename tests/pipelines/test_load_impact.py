"""What a load would remove and overwrite, per cycle, from a dry run on real files and a real
store (docs/ingestion.md, "What a destructive load asks"); and the fields in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest import ingest_files
from pipelines.map.field_words import field_words
from pipelines.map.mapping import ROLES, fields_for
from tests.support.ingest import CANONICAL_SHEETS, store_tables, write_xlsx


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> list[tuple[str, bytes]]:
    return [(path.name, write_xlsx(path, sheets).read_bytes())]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    store = tmp_path / "store.duckdb"
    report = ingest_files(workbook(tmp_path / "first.xlsx", CANONICAL_SHEETS), store)
    assert report.outcome == "loaded"
    return store


def edited() -> dict[str, list[list[object]]]:
    """The first workbook a quarter later: O1 renamed, O2 (and K3, K4) gone for a new sales
    objective O3, K2's target changed, K1's current value updated, K1's September check-in
    corrected."""
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items()}
    objectives = sheets["Objectives"]
    objectives[1][2] = "Grow revenue profitably"
    objectives[2] = ["O3", "2025-Q3", "Open a partner channel", "sales", "Bob", "department", "O1"]
    krs = sheets["KeyResults"]
    krs[1][9] = 108  # K1's current value: a weekly update, not an overwrite
    krs[2][6] = 1  # K2's target: the key result is overwritten
    krs[3] = ["K5", "O3", "Sign 5 partners", "increase", "Bob", 0, 5, None, None, 1, None]
    del krs[4]
    sheets["CheckIns"][2][2] = 107
    return sheets


def test_a_dry_run_counts_what_the_load_removes_and_overwrites_per_cycle(
    db: Path, tmp_path: Path
) -> None:
    before = store_tables(db)
    report = ingest_files(workbook(tmp_path / "later.xlsx", edited()), db, dry_run=True)
    impact = report.impact
    assert impact is not None and impact.destructive
    assert impact.totals == {
        "removed": {"objectives": 1, "key_results": 2, "check_ins": 0},
        "overwritten": {"objectives": 1, "key_results": 1, "check_ins": 1},
    }
    assert impact.titles == {"removed": ["Win more deals"], "overwritten": ["Grow revenue"]}
    assert impact.per_cycle.to_dict("records") == [
        {"cycle": "2025-Q3", "kind": "overwritten", "table": "check_ins", "rows": 1},
        {"cycle": "2025-Q3", "kind": "overwritten", "table": "key_results", "rows": 1},
        {"cycle": "2025-Q3", "kind": "overwritten", "table": "objectives", "rows": 1},
        {"cycle": "2025-Q3", "kind": "removed", "table": "key_results", "rows": 2},
        {"cycle": "2025-Q3", "kind": "removed", "table": "objectives", "rows": 1},
    ]
    after = store_tables(db)  # a dry run: the store as it was
    for table, frame in before.items():
        assert after[table].equals(frame), table


def test_updating_current_values_alone_is_not_destructive(db: Path, tmp_path: Path) -> None:
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL_SHEETS.items() if k != "CheckIns"}
    sheets["KeyResults"][1][9] = 108  # the weekly update of K1
    report = ingest_files(workbook(tmp_path / "week.xlsx", sheets), db, dry_run=True)
    assert report.impact is not None and not report.impact.destructive
    assert report.described is not None and len(report.described.value_changes) == 1


def test_every_mapping_field_reads_as_words() -> None:
    fields = {name for role in ROLES for name in fields_for(role)}
    assert field_words("objectives.parent_kr_id") == "Objective: parent key result"
    assert field_words("check_ins.checked_at") == "Check-in: date"
    unread = [f for f in fields if "_" in field_words(f) or "." in field_words(f)]
    assert not unread
    assert len({field_words(f) for f in fields}) == len(fields)  # no two fields read alike
