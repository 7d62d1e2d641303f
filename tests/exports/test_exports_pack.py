"""The closing pack's assembly (exports.closing_pack) and the `report` command.

Also defines `hostile_company()`, the store with user text that tries to be a formula or
markup, used by the Excel and HTML tests too.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exports import PackError, build_closing_pack, pack_to_html, pack_to_xlsx_bytes
from exports.findings import CATEGORIES
from metrics.config import HealthConfig
from metrics.report import analyse
from metrics.summary import build_summary
from pipelines.store.connection import open_store
from pipelines.store.dataset import Dataset, read_dataset
from tests.support.stores import canonical, small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]
HOSTILE = {
    "formula": '=HYPERLINK("http://x","y")',
    "plus": "+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "script": "<script>alert(1)</script>",
    "markup": '<b>bold</b> & <a href="http://x">link</a>',
    "img": "<img src=x onerror=alert(2)>",
}


def hostile_company() -> dict[str, pd.DataFrame]:
    """The small company with every user-typed text replaced by something hostile, plus a
    company objective that the departments align to (strictly, directionally, brokenly)."""
    t = small_company()
    t["teams"].loc[t["teams"]["team_id"] == "ops", "name"] = "R&D <Ops>"
    objs = t["objectives"].astype({"parent_objective_id": "object", "parent_kr_id": "object"})
    objs.loc[objs["objective_id"] == "o-sales", ["title", "parent_objective_id"]] = [
        HOSTILE["formula"], "o-top"]  # fmt: skip
    objs.loc[objs["objective_id"] == "o-ops", ["title", "parent_kr_id", "owner"]] = [
        HOSTILE["script"], "k-top", HOSTILE["img"]]  # fmt: skip
    objs.loc[objs["objective_id"] == "o-ops2", ["title", "parent_objective_id"]] = [
        HOSTILE["at"], "o-gone"]  # fmt: skip
    t["objectives"] = pd.concat(
        [objs, canonical("objectives", [{"objective_id": "o-top", "cycle_id": "2026-Q1",
                                         "title": "Be the best", "team_id": "co",
                                         "level": "company", "owner": "CEO"}])],
        ignore_index=True,
    )  # fmt: skip
    krs = t["key_results"]
    for kr_id, key in (("k1", "plus"), ("k2", "minus"), ("k3", "markup"), ("k5", "script")):
        krs.loc[krs["kr_id"] == kr_id, "title"] = HOSTILE[key]
    t["key_results"] = pd.concat(
        [krs, canonical("key_results", [{"kr_id": "k-top", "objective_id": "o-top",
                                         "title": "Suppliers paid in 2 weeks"}])],
        ignore_index=True,
    )  # fmt: skip
    return t


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "hostile.duckdb", hostile_company(), as_of=date(2026, 3, 31))


def dataset_of(db: Path) -> Dataset:
    with open_store(db, read_only=True) as conn:
        return read_dataset(conn)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))  # fmt: skip


# (unit asked for, objective ids the pack covers)
UNITS = [
    ("co", {"o-sales", "o-ops", "o-ops2"}),
    ("ops", {"o-ops", "o-ops2"}),
    ("sales", {"o-sales"}),
    ("Operations", {"o-ops", "o-ops2"}),  # a name, matched ignoring case
    ("SALES", {"o-sales"}),
]


@pytest.mark.parametrize(("unit", "objectives"), UNITS)
def test_a_unit_covers_its_own_objectives(small_store: Path, unit: str, objectives: set[str]):
    pack = build_closing_pack(dataset_of(small_store), "2026-Q1", unit)
    assert set(pack.objectives["objective_id"]) == objectives
    assert set(pack.key_results["objective_id"]) <= objectives
    assert pack.headline["objectives"] == len(objectives)


def test_a_department_covers_the_teams_below_it(tmp_path: Path):
    t = small_company()
    t["teams"] = pd.concat(
        [t["teams"], canonical("teams", [
            {"team_id": "ops-ap", "name": "Payables", "parent_team_id": "ops", "level": "team"},
            {"team_id": "ops-ap-1", "name": "Ana", "parent_team_id": "ops-ap",
             "level": "individual"},
        ])],
        ignore_index=True,
    )  # fmt: skip
    t["objectives"].loc[t["objectives"]["objective_id"] == "o-ops2", "team_id"] = "ops-ap-1"
    db = write_store(tmp_path / "deep.duckdb", t)
    dataset = dataset_of(db)
    ops = build_closing_pack(dataset, "2026-Q1", "ops")
    assert set(ops.objectives["objective_id"]) == {"o-ops", "o-ops2"}
    team = build_closing_pack(dataset, "2026-Q1", "ops-ap")
    assert set(team.objectives["objective_id"]) == {"o-ops2"}
    assert team.objectives["team"].tolist() == ["Ana"]


def test_headline_figures_agree_with_the_summary(small_store: Path):
    dataset = dataset_of(small_store)
    summary = build_summary(dataset, "2026-Q1")
    pack = build_closing_pack(dataset, "2026-Q1", "co")
    assert pack.headline["kr_mean"] == pytest.approx(summary["scores"]["kr_mean"], abs=1e-4)
    assert pack.headline["objective_mean"] == pytest.approx(
        summary["scores"]["objective_mean"], abs=1e-4
    )
    assert pack.headline["sweet_spot_share"] == pytest.approx(summary["scores"]["sweet_spot_share"])
    assert pack.headline["key_results"] == summary["counts"]["key_results"] == 6
    assert pack.headline["graded_key_results"] == 5
    bands = pack.bands.set_index("band")["key_results"].to_dict()
    assert bands == summary["scores"]["bands"]
    assert pack.headline == pack.company  # the company against itself


def test_department_beside_the_company_with_no_earlier_cycle(small_store: Path):
    pack = build_closing_pack(dataset_of(small_store), "2026-Q1", "sales")
    row = pack.comparison.set_index("figure").loc["Mean objective score"]
    assert row["unit"] == pytest.approx(0.7)
    assert row["company"] == pytest.approx((0.7 + (2 / 3 + 1) / 2 + 1.0) / 3)
    # The one cycle has none before it: no change is shown, and the pack says why.
    assert row["previous"] is None and row["difference"] is None
    assert pack.against.cycle_id is None
    assert pack.against.note.startswith("There is no earlier cycle to compare with")


def test_scorecard_alignment_and_owners(hostile_store: Path):
    pack = build_closing_pack(dataset_of(hostile_store), "2026-Q1", "co")
    card = pack.objectives.set_index("objective_id")
    assert card.loc["o-sales", "link"] == "directional"
    assert card.loc["o-sales", "aligned_to"] == "Be the best"
    assert card.loc["o-ops", "link"] == "strict"
    assert card.loc["o-ops", "aligned_to"] == "Be the best › Suppliers paid in 2 weeks"
    assert card.loc["o-ops2", "link"] == "broken"
    assert card.loc["o-top", "link"] == "top"
    assert card.loc["o-ops", "team"] == "R&D <Ops>"
    # A key result without an owner of its own shows its objective's owner.
    krs = pack.key_results.set_index("kr_id")
    assert krs.loc["k3", "owner"] == HOSTILE["img"]
    findings = pack.findings
    assert set(findings.loc[findings["finding"] == "broken link", "subject"]) == {HOSTILE["at"]}


def test_movement_rows_follow_their_objective(small_store: Path):
    pack = build_closing_pack(dataset_of(small_store), "2026-Q1", "sales")
    assert pack.midpoint == date(2026, 2, 14) and pack.midpoint_reached
    moved = pack.movement
    assert moved["level"].tolist() == ["objective", "key result", "key result"]
    first = moved.iloc[0]
    assert (first["mid_score"], first["score"]) == pytest.approx((0.8, 0.7))
    assert first["change"] == "down"


def test_unknown_cycle_or_unit_names_the_known_ones(small_store: Path):
    dataset = dataset_of(small_store)
    with pytest.raises(PackError, match=r"unknown cycle '1999-Q1'; known: 2026-Q1"):
        build_closing_pack(dataset, "1999-Q1", "co")
    with pytest.raises(PackError, match=r"unknown team 'nope'; known: co \(Small Co, company\)"):
        build_closing_pack(dataset, "2026-Q1", "nope")


def test_default_cycle_is_the_running_one(small_store: Path):
    pack = build_closing_pack(dataset_of(small_store), None, "co")
    assert pack.cycle_id == "2026-Q1" and pack.cycle_name == "Q1 2026"


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_report_command_writes_the_pack(small_store: Path, tmp_path: Path, suffix: str):
    out = tmp_path / "packs" / f"ops{suffix}"
    result = run("report", "--cycle", "2026-Q1", "--team", "ops", "--out", str(out),
                 "--db", str(small_store))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 objectives, 4 key results" in result.stdout
    data = out.read_bytes()
    assert data.startswith(b"PK") if suffix == ".xlsx" else data.startswith(b"<!doctype html>")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no partial file left


# (arguments, output suffix, text the error must contain)
BAD = [
    (["--cycle", "2026-Q1", "--team", "nope"], ".xlsx",
     "unknown team 'nope'; known: co (Small Co, company), ops (Operations, department), "
     "sales (Sales, department)"),
    (["--cycle", "2031-Q9", "--team", "ops"], ".html", "unknown cycle '2031-Q9'; known: 2026-Q1"),
    (["--cycle", "2026-Q1", "--team", "ops"], ".pdf", "must end in .xlsx or .html"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "suffix", "message"), BAD)
def test_report_rejects_bad_input_and_writes_nothing(
    small_store: Path, tmp_path: Path, args: list[str], suffix: str, message: str
):
    out = tmp_path / f"pack{suffix}"
    result = run("report", *args, "--out", str(out), "--db", str(small_store))
    assert result.returncode == 1
    assert message in result.stderr
    assert not out.exists()


def test_findings_come_from_the_health_engine_narrowed_to_the_unit(tmp_path: Path):
    db = write_store(tmp_path / "closed.duckdb", small_company(), as_of=date(2026, 4, 15))
    dataset = dataset_of(db)  # Q1 is over: goal-setting patterns are judged
    judged = analyse(dataset, HealthConfig(min_cycles=1))  # (a flag needs two cycles by default)
    ops = build_closing_pack(dataset, "2026-Q1", "ops", judged).findings
    rows = {(r.category, r.finding, r.subject): r for r in ops.itertuples()}
    flag = rows[("Goal setting", "sandbagging", "Ben")]
    detail = flag.detail  # itertuples: pandas-stubs type each field as any scalar
    assert flag.team == "Operations" and isinstance(detail, str)
    assert detail.startswith("scored 1.0 on 2 of 3")
    assert ("Goal setting", "sandbagging", "Operations") in rows  # the team's own flag
    assert ("Alignment", "orphan objective", "Pay suppliers faster") in rows
    assert ("Writing", "an owner holds too few or too many objectives", "Ben") in rows
    assert ("Scoring", "ungraded key result", "Baseline coupon redemption") in rows
    assert list(ops.columns) == ["category", "finding", "subject", "team", "detail"]
    assert ops["category"].tolist() == sorted(ops["category"], key=CATEGORIES.index)
    sales = build_closing_pack(dataset, "2026-Q1", "sales", judged).findings
    assert "Ben" not in set(sales["subject"]) and "Operations" not in set(sales["team"])


def test_a_unit_without_okrs_in_the_cycle_still_makes_a_pack(tmp_path: Path):
    t = small_company()
    t["teams"] = pd.concat(
        [t["teams"], canonical("teams", [{"team_id": "legal", "name": "Legal",
                                          "parent_team_id": "co", "level": "department"}])],
        ignore_index=True,
    )  # fmt: skip
    pack = build_closing_pack(dataset_of(write_store(tmp_path / "e.duckdb", t)), None, "legal")
    assert pack.headline["objectives"] == 0 and pack.headline["objective_mean"] is None
    assert pack.objectives.empty and pack.movement.empty and pack.findings.empty
    assert pack.company["objectives"] == 3
    workbook = openpyxl.load_workbook(io.BytesIO(pack_to_xlsx_bytes(pack)))
    assert [ws.max_row for ws in workbook][2:] == [1, 1, 1, 1]  # header rows only (after
    # the brief and the summary)
    assert "Nothing to show." in pack_to_html(pack)
