"""What the store's history adds to the pages and the closing pack: goalposts that moved
(Coach, owner and objective pages, the pack's findings) on a quarter of weekly snapshot
imports; next quarter's targets (owner page, pack) and the chance of landing (Overview,
Objective page) on the demo."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from exports import build_closing_pack
from metrics.coaching.goalposts import PATTERNS
from pipelines.ingest import ingest_paths
from reporting.cache import load_or_compute
from reporting.goalposts import store_goalposts
from reporting.next_quarter import store_next_quarter
from tests.support.pages import link_text, open_app
from tests.support.snapshots import import_weeks, quarter


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_weeks(tmp_path_factory.mktemp("planted"), quarter(planted=True))


def goalpost_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if {"pattern", "when"} <= set(d.value.columns))


def open_with(db: Path, monkeypatch, page: str, **query: str) -> AppTest:
    at = open_app(db, monkeypatch)
    at.query_params.clear()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def test_the_coach_page_lists_every_goalpost_with_its_evidence(planted, monkeypatch):
    at = open_with(planted, monkeypatch, "coach")
    table = goalpost_table(at)
    assert len(table) == 9 and set(table["pattern"]) == set(PATTERNS)
    eased = table[table["title"] == "Revenue to 100k"].iloc[0]
    assert eased["pattern"] == "target eased" and link_text(eased["owner_link"]) == "Ann"
    assert eased["evidence"].startswith("target 100 → 70 (the key result increases) in import 4")
    owners = next(d.value for d in at.dataframe if "findings" in d.value.columns)
    counts = dict(zip(owners["owner_link"].map(link_text), owners["findings"], strict=True))
    assert counts == {"Bob": 4, "Cara": 3, "Ann": 2}


def test_an_owner_page_shows_their_goalposts_only(planted, monkeypatch):
    at = open_with(planted, monkeypatch, "owner", name="Bob")
    table = goalpost_table(at)
    assert sorted(table["pattern"]) == ["dropped while behind", "re-scoped", "re-scoped",
                                        "target eased"]  # fmt: skip
    assert any("recurs across finished cycles" in c.value for c in at.caption)  # one quarter


def test_an_objective_page_shows_its_goalposts_and_its_chance(planted, monkeypatch):
    at = open_with(planted, monkeypatch, "objective", id="O2")
    table = goalpost_table(at)
    assert sorted(table["pattern"]) == ["dropped while behind", "re-scoped", "re-scoped",
                                        "target eased"]  # fmt: skip
    # One running quarter and no finished one: no forecast error measured, so no chance.
    assert any(c.value.startswith("No chance of landing yet") for c in at.caption)


def test_the_closing_pack_lists_the_cycles_goalposts(planted):
    loaded = load_or_compute(planted, write=False)
    assert loaded.report is not None
    found = store_goalposts(planted, loaded.dataset, loaded.report)
    pack = build_closing_pack(loaded.dataset, "2026-Q4", "Sales", loaded.report, goalposts=found)
    rows = pack.findings[pack.findings["category"] == "Goalposts"]
    assert len(rows) == 9
    k6 = rows[rows["subject"] == "Partners to 10 (Cara)"].iloc[0]
    assert k6["finding"] == "late jump" and k6["detail"].startswith("score 0.10 → 0.70")


def test_the_overview_and_objective_page_show_the_chance_beside_the_forecast(
    demo_store, monkeypatch
):
    report = load_or_compute(demo_store, write=False).report
    assert report is not None
    at = open_app(demo_store, monkeypatch)
    risky = next(d.value for d in at.dataframe if "chance" in d.value.columns)
    ids = risky["objective_link"].map(lambda link: link.split("id=")[1].split("&")[0].split("#")[0])
    expected = report.objectives.set_index("objective_id").loc[ids.tolist(), "chance"]
    assert risky["chance"].tolist() == pytest.approx(expected.tolist())
    assert risky["chance"].max() < 0.5  # objectives at risk: a poor chance of the sweet spot
    running = report.objectives[report.objectives["chance"].notna()].iloc[0]
    page = open_with(demo_store, monkeypatch, "objective", id=running["objective_id"])
    sentence = f"Chance of ending in the sweet spot or above (≥ 0.6): {running['chance']:.0%}"
    assert any(c.value.startswith(sentence) for c in page.caption)


def test_an_owner_page_proposes_next_quarters_targets(demo_store, monkeypatch):
    loaded = load_or_compute(demo_store, write=False)
    assert loaded.report is not None
    proposals = store_next_quarter(loaded.dataset, loaded.report)
    owner = proposals["owner"].value_counts().index[0]
    theirs = proposals[proposals["owner"] == owner]
    at = open_with(demo_store, monkeypatch, "owner", name=owner)
    table = next(d.value for d in at.dataframe if "proposed" in d.value.columns)
    assert sorted(table["proposed"].round(6)) == sorted(theirs["proposed"].round(6))
    assert set(table["match"]) == set(theirs["match"])
    pack = build_closing_pack(loaded.dataset, "2026-Q4", str(theirs["team_id"].iloc[0]),
                              loaded.report)  # fmt: skip
    nq = pack.findings[pack.findings["category"] == "Next quarter"]
    assert set(theirs["title"] + " (" + owner + ")") <= set(nq["subject"])


def test_okr_health_report_writes_the_goalposts_into_the_pack(planted, tmp_path):
    out = tmp_path / "pack.xlsx"
    env = {**os.environ, "OKR_HEALTH_REPORT_CACHE": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "okr_health.cli", "report", "--team", "Sales", "--cycle",
         "2026-Q4", "--out", str(out), "--db", str(planted)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out, read_only=True)["Findings"]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells.count("Goalposts") == 9
    assert any(c.startswith("re-scoped in import 5 of 02 Nov 2026") for c in cells)


def test_the_coach_page_compares_owners_projections_with_their_finals(tmp_path, monkeypatch):
    # A grading sheet as people keep it: each key result's own Projected Score beside its
    # final value, for two finished quarters. Ann projects 0.9 and ends at 0.5; Bob projects
    # 0.3 and ends at 0.6.
    sheet = tmp_path / "grading.csv"
    rows: list[list[object]] = [["Quarter", "Team", "Objective", "Key Result", "Owner", "Start",
                                 "Target", "Current", "Projected Score"]]  # fmt: skip
    for quarter_id in ("2026-Q1", "2026-Q2"):
        for i in range(3):
            rows.append([quarter_id, "Sales", "Grow", f"Ann KR {i}", "Ann", 0, 100, 50, 0.9])
            rows.append([quarter_id, "Sales", "Grow", f"Bob KR {i}", "Bob", 0, 100, 60, 0.3])
    with sheet.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    db = tmp_path / "okrs.duckdb"
    assert ingest_paths([sheet], db, as_of=date(2026, 7, 15)).ok
    at = open_with(db, monkeypatch, "coach")
    owners = next(d.value for d in at.dataframe if {"owner", "leaning"} <= set(d.value.columns))
    shown = owners.set_index("owner")
    assert shown.loc["Ann", "leaning"] == "projects high"
    assert shown.loc["Ann", "bias"] == pytest.approx(0.4)
    assert shown.loc["Bob", "leaning"] == "projects low"
    assert shown.loc["Bob", "bias"] == pytest.approx(-0.3)
    assert shown.loc["Ann", "key_results"] == 6
