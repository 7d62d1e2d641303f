"""Three weekly copies of one flat sheet (dates only in the file names), loaded with
`okr-health ingest`: the pages show the history they make (AppTest on the real store)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.support.pages import open_all, open_app
from tests.support.weekly import ok, weekly


@pytest.fixture
def weekly_store(tmp_path: Path) -> Path:
    db = tmp_path / "weekly.duckdb"
    for path in weekly(tmp_path / "weeks"):
        ok("ingest", str(path), "--db", str(db), "--no-warm")
    return db


def table(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_overview_says_what_the_last_import_moved(weekly_store, monkeypatch) -> None:
    at = open_app(weekly_store, monkeypatch)
    assert "Since the last import" in [h.value for h in at.subheader]
    moved = table(at, "Score now")
    assert moved["Key result"].tolist() == ["KR 3", "KR 1"]  # +0.10, then +0.05
    assert moved["Score before"].tolist() == pytest.approx([0.40, 0.20])
    assert moved["Score now"].tolist() == pytest.approx([0.50, 0.25])
    assert set(moved["Objective"].str.startswith("objective?id=O-")) == {True}


def test_coach_discipline_counts_the_weekly_check_ins(weekly_store, monkeypatch) -> None:
    at = open_all(open_app(weekly_store, monkeypatch, "coach"))  # the numbers behind the heatmap
    weeks = table(at, "checked_krs")
    checked = weeks[weeks["checked_krs"] > 0].sort_values("week_start")
    assert checked["checked_krs"].tolist() == [4, 2, 2]  # week 1 every value, then 2 a week


def test_closing_meeting_shows_movement_since_mid_cycle(weekly_store, monkeypatch) -> None:
    at = open_all(open_app(weekly_store, monkeypatch, "closing"))  # the numbers behind the chart
    moved = table(at, "mid_score").sort_values("mid_score").set_index("objective")
    # Mid-cycle (16 Nov) the objectives stood at (10+20)/2 % and (30+40)/2 %; now
    # (15+25)/2 % and (35+50)/2 %: the check-ins of the 23 November copy moved them.
    assert moved["mid_score"].tolist() == pytest.approx([0.15, 0.35])
    assert moved["score"].tolist() == pytest.approx([0.20, 0.425])
    assert moved["change"].tolist() == ["up", "up"]
