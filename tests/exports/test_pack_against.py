"""The closing pack against the unit's own previous cycle, and a running cycle that says so.

`two_quarters()` is a small company over Q4 2025 and Q1 2026 whose numbers are worked out by
hand below; the packs are read back from real Excel and HTML files written by the command.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exports import build_closing_pack
from metrics.report import analyse
from tests.exports.test_exports_pack import dataset_of, run
from tests.support.stores import canonical, write_store

RUNNING = date(2026, 2, 15)  # half of Q1 2026 has passed
CLOSED = date(2026, 4, 15)  # Q1 2026 is over


def _kr(kr_id: str, objective_id: str, title: str, current: float) -> dict:
    return {"kr_id": kr_id, "objective_id": objective_id, "title": title,
            "start_value": 0.0, "target_value": 100.0, "current_value": current}  # fmt: skip


def _check_in(kr_id: str, day: str, value: float) -> dict:
    return {"kr_id": kr_id, "checked_at": pd.Timestamp(day), "value": value, "confidence": 0.7}


def two_quarters() -> dict[str, pd.DataFrame]:
    """Sales (with its team EMEA below it) and Operations over two quarters; every key result
    goes from 0 to 100, so a score is its value / 100.

    Q4 2025   Sales 30 by 1 Nov, 80 by 1 Dec · EMEA 50 by 1 Nov, 90 by 1 Dec · Ops 10 / 20
              at mid-November (the same point as 15 Feb in Q1): Sales unit (0.3 + 0.5) / 2 = 0.40
              at the end: Sales unit (0.8 + 0.9) / 2 = 0.85
    Q1 2026   Sales 40, Sales second objective 5, EMEA 20, Ops 70 (checked in by 10 Feb)
              Sales unit (0.4 + 0.05 + 0.2) / 3 = 0.2167
    """
    cycles = [
        {"cycle_id": "2025-Q4", "name": "Q4 2025", "start_date": date(2025, 10, 1),
         "end_date": date(2025, 12, 31)},
        {"cycle_id": "2026-Q1", "name": "Q1 2026", "start_date": date(2026, 1, 1),
         "end_date": date(2026, 3, 31)},
    ]  # fmt: skip
    teams = [
        {"team_id": "co", "name": "Two Co", "level": "company"},
        {"team_id": "sales", "name": "Sales", "parent_team_id": "co", "level": "department"},
        {"team_id": "sales-emea", "name": "Sales EMEA", "parent_team_id": "sales",
         "level": "team"},
        {"team_id": "ops", "name": "Operations", "parent_team_id": "co", "level": "department"},
    ]  # fmt: skip
    objectives = []
    for cycle in ("2025-Q4", "2026-Q1"):
        q = cycle[-2:].lower()
        objectives += [
            {"objective_id": f"{q}-sales", "cycle_id": cycle, "title": f"Sell more {q}",
             "team_id": "sales", "owner": "Ana Lind", "level": "department"},
            {"objective_id": f"{q}-emea", "cycle_id": cycle, "title": f"Open EMEA {q}",
             "team_id": "sales-emea", "owner": "Eve Moss", "level": "team"},
            {"objective_id": f"{q}-ops", "cycle_id": cycle, "title": f"Pay faster {q}",
             "team_id": "ops", "owner": "Ben Ode", "level": "department"},
        ]  # fmt: skip
    objectives.append(
        {"objective_id": "q1-sales2", "cycle_id": "2026-Q1", "title": "Win back lost clients",
         "team_id": "sales", "owner": "Ana Lind", "level": "department"}
    )  # fmt: skip
    key_results = [
        _kr("k4-sales", "q4-sales", "Deals 0 to 100", 80),
        _kr("k4-emea", "q4-emea", "EMEA deals 0 to 100", 90),
        _kr("k4-ops", "q4-ops", "Invoices paid 0 to 100", 20),
        _kr("k1-sales", "q1-sales", "Deals 0 to 100", 40),
        _kr("k1-sales2", "q1-sales2", "Clients back 0 to 100", 5),
        _kr("k1-emea", "q1-emea", "EMEA deals 0 to 100", 20),
        _kr("k1-ops", "q1-ops", "Invoices paid 0 to 100", 70),
    ]
    check_ins = [
        _check_in("k4-sales", "2025-11-01", 30), _check_in("k4-sales", "2025-12-01", 80),
        _check_in("k4-emea", "2025-11-01", 50), _check_in("k4-emea", "2025-12-01", 90),
        _check_in("k4-ops", "2025-11-01", 10), _check_in("k4-ops", "2025-12-01", 20),
        _check_in("k1-sales", "2026-01-20", 40), _check_in("k1-sales2", "2026-01-20", 5),
        _check_in("k1-emea", "2026-02-01", 20), _check_in("k1-ops", "2026-02-10", 70),
    ]  # fmt: skip
    return {
        "cycles": canonical("cycles", cycles),
        "teams": canonical("teams", teams),
        "objectives": canonical("objectives", objectives),
        "key_results": canonical("key_results", key_results),
        "check_ins": canonical("check_ins", check_ins),
    }


@pytest.fixture(scope="module")
def running_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("running")
    return write_store(folder / "two.duckdb", two_quarters(), as_of=RUNNING)


@pytest.fixture(scope="module")
def closed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("closed")
    return write_store(folder / "two.duckdb", two_quarters(), as_of=CLOSED)


def _row(pack, figure: str = "Mean objective score") -> pd.Series:
    return pack.comparison.set_index("figure").loc[figure]


def test_a_running_cycle_is_compared_with_the_units_previous_cycle_at_the_same_point(
    running_store: Path,
):
    pack = build_closing_pack(dataset_of(running_store), "2026-Q1", "sales")
    row = _row(pack)
    assert row["unit"] == pytest.approx((0.4 + 0.05 + 0.2) / 3)
    assert row["previous"] == pytest.approx((0.3 + 0.5) / 2)  # as it stood in mid-November
    assert row["difference"] == pytest.approx((0.4 + 0.05 + 0.2) / 3 - 0.4)
    assert row["company"] == pytest.approx((0.4 + 0.05 + 0.2 + 0.7) / 4)  # context only
    assert pack.against.label == "vs Sales Q4 2025"
    assert pack.against.same_point is not None
    assert date(2025, 11, 1) <= pack.against.same_point < date(2025, 12, 1)
    assert pack.against.figures["objectives"] == 2  # Sales and its team EMEA, not Operations


def test_a_finished_cycle_is_compared_with_the_previous_cycles_end(closed_store: Path):
    pack = build_closing_pack(dataset_of(closed_store), "2026-Q1", "sales")
    row = _row(pack)
    assert row["previous"] == pytest.approx((0.8 + 0.9) / 2)
    assert row["difference"] == pytest.approx((0.4 + 0.05 + 0.2) / 3 - 0.85)
    assert pack.against.same_point is None
    assert "at the end of that cycle" in pack.against.note
    assert not pack.standing.running and pack.standing.notice("Q1 2026", CLOSED) is None


def test_a_running_cycle_says_so_and_lists_what_is_behind_or_at_risk(running_store: Path):
    dataset = dataset_of(running_store)
    report = analyse(dataset)
    pack = build_closing_pack(dataset, "2026-Q1", "sales", report)
    assert pack.standing.running
    assert pack.standing.elapsed_share == pytest.approx(0.5, abs=0.03)
    notice = pack.standing.notice(pack.cycle_name, pack.as_of)
    assert notice is not None
    assert re.match(
        r"Q1 2026 is still running: as of 2026-02-15, (49|50|51)% of it has passed", notice
    )
    # The statuses are the report's own (one status model), narrowed to the unit.
    judged = report.objectives.set_index("objective_id")["status"]
    expected = {
        o for o in ("q1-sales", "q1-sales2", "q1-emea") if judged[o] in ("behind", "at risk")
    }
    assert set(pack.off_track["objective_id"]) == expected
    assert "q1-sales2" in expected and judged["q1-sales2"] == "at risk"  # 0.05 at half-time
    assert pack.off_track["objective_id"].iloc[0] == "q1-sales2"  # at risk first
    assert pack.off_track["objective"].iloc[0] == "Win back lost clients"
    assert set(pack.objectives.set_index("objective_id")["status"].dropna().index) == {
        "q1-sales", "q1-sales2", "q1-emea"}  # fmt: skip


def test_excel_pack_names_the_unit_and_compares_with_its_previous_cycle(
    running_store: Path, tmp_path: Path
):
    out = tmp_path / "sales.xlsx"
    result = run("report", "--db", str(running_store), "--cycle", "2026-Q1", "--team", "sales",
                 "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Summary"]
    assert ws["A2"].value.startswith("Department Sales · cycle Q1 2026 (2026-01-01 – 2026-03-31)")
    assert "sales" not in ws["A2"].value and "2026-Q1" not in ws["A2"].value  # names, not ids
    assert ws["A3"].value.startswith("Q1 2026 is still running: as of 2026-02-15")
    rows = [r for r in ws.iter_rows(values_only=True) if r[0]]
    header = next(r for r in rows if r[0] == "Figure")
    assert header[1].startswith("Sales Q1 2026") and header[2].startswith(
        "Sales Q4 2025 as of 2025-11"
    )
    assert header[3] == "Change"
    mean = [r for r in rows if r[0] == "Mean objective score"][-1]
    assert mean[2] == pytest.approx(0.4) and mean[3] == pytest.approx((0.65 / 3) - 0.4)
    at_risk = next(r for r in rows if r[0] == "Win back lost clients")
    assert at_risk[1:4] == ("Sales", "Ana Lind", "at risk")


def test_html_pack_says_running_and_labels_changes_with_the_previous_cycle(
    running_store: Path, tmp_path: Path
):
    out = tmp_path / "sales.html"
    result = run("report", "--db", str(running_store), "--cycle", "2026-Q1", "--team", "sales",
                 "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Q1 2026 is still running: as of 2026-02-15" in result.stdout  # the command says so
    text = out.read_text()
    assert "Q1 2026 is still running: as of 2026-02-15" in text
    assert "-0.18 vs Sales Q4 2025" in text  # the mean objective score tile: 0.22 against 0.40
    assert "company:" not in text
    assert 'id="off-track"' in text and "Win back lost clients" in text
    assert "(sales)" not in text  # the header names the unit, no id beside it


def test_the_dashboards_kept_comparison_gives_the_same_pack(running_store: Path):
    """The page passes the same-point scores kept with the report; the pack is unchanged."""
    from reporting.same_point import running_same_point

    dataset = dataset_of(running_store)
    report = analyse(dataset)
    kept = running_same_point(dataset, report)
    assert kept is not None and kept.previous == "2025-Q4"
    computed = build_closing_pack(dataset, "2026-Q1", "sales", report)
    reused = build_closing_pack(
        dataset, "2026-Q1", "sales", report, (kept.previous, kept.objectives, kept.key_results)
    )
    pd.testing.assert_frame_equal(reused.comparison, computed.comparison)
    assert reused.against == computed.against
