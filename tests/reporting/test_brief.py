"""The brief (reporting/brief): on the demo company it names what the pages show, word for
word the same for the same store; on weekly imports it says what moved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import overview_frames
from metrics.programme.health import programme_health
from metrics.progress.status import STATUSES, unit_status
from reporting.brief import Scope, compose_brief, to_html, to_markdown, to_text
from reporting.brief.changes import Earlier, History
from reporting.brief.coach import PATTERN_WORDS
from reporting.brief.history import store_history
from reporting.cache import load_or_compute
from reporting.versions import BEFORE_KR_COLUMNS, BEFORE_STALE_COLUMNS, load_at
from tests.support.weekly import weekly

CYCLE = "2026-Q4"
CLI = [sys.executable, "-m", "okr_health.cli"]


@pytest.fixture(scope="module")
def demo(demo_store: Path):
    report = load_or_compute(demo_store).report
    assert report is not None
    return report


def engineering(report) -> pd.DataFrame:
    objectives = report.objectives
    return objectives[(objectives["department"] == "Engineering")
                      & (objectives["cycle_id"] == CYCLE)]  # fmt: skip


def text_of(section) -> str:
    return " ".join(section.plain_lines() + section.plain_items())


def test_the_engineering_brief_gives_the_verdict_the_pages_give(demo):
    brief = compose_brief(demo, Scope(CYCLE, department="Engineering"))
    verdict = text_of(brief.section("verdict"))
    mine = engineering(demo)
    counts = mine["status"].value_counts()
    assert f"The department Engineering has {len(mine)} objectives in this cycle: " in verdict
    for status in STATUSES:  # every status with objectives is counted, none invented
        if counts.get(status, 0):
            assert f"{counts[status]} {status}" in verdict
        else:
            assert f" {status}" not in verdict.split(":")[1].split(".")[0]
    unit = unit_status(mine, by=[]).iloc[0]
    assert f"As a whole it is {unit['status']}: its objectives score {unit['score']:.2f}" in verdict
    assert (
        f"{unit['expected']:.2f} is expected by now, heading for {unit['heading']:.2f}" in verdict
    )


def test_the_objectives_needing_attention_are_the_overviews_at_risk_first(demo):
    brief = compose_brief(demo, Scope(CYCLE, department="Engineering"))
    named = [title for title, _ in brief.section("attention").links()]
    at_risk = overview_frames.at_risk_objectives(engineering(demo))  # the Overview's table
    assert len(at_risk) >= 3
    assert named == at_risk["title"].head(3).tolist()
    links = [link for _, link in brief.section("attention").links()]
    assert links[0] == f"objective?id={at_risk['objective_id'].iloc[0]}&cycle={CYCLE}"


@pytest.mark.parametrize("department", ["Engineering", "Marketing", "Sales"])
def test_who_to_talk_to_are_the_coach_pages_findings(demo, department):
    """The Coach page under the department filter: owners of the department's key results
    flagged (across cycles), stale key results and lint findings of the cycle."""
    brief = compose_brief(demo, Scope(CYCLE, department=department))
    coach = brief.section("coach")
    items = coach.plain_items()
    krs = demo.key_results[demo.key_results["department"] == department]
    teams = set(demo.objectives.loc[demo.objectives["department"] == department, "team_id"])
    patterns = demo.owner_patterns
    flagged = patterns[patterns["pattern"].notna() & patterns["owner"].isin(set(krs["owner"]))]
    for row in flagged.itertuples():
        assert f"{row.owner} {PATTERN_WORDS[row.pattern]}: {row.evidence}." in items
    stale = demo.stale[(demo.stale["cycle_id"] == CYCLE) & demo.stale["team_id"].isin(teams)]
    for owner, rows in stale.groupby("owner"):
        assert any(i.startswith(f"{owner}: {len(rows)} key result") for i in items), owner
    lint = demo.lint[demo.lint["cycle_id"] == CYCLE]
    lint = lint[lint["team_id"].isin(teams) | lint["team_id"].isna()]
    for owner, rows in lint.groupby("owner"):
        word = "finding" if len(rows) == 1 else "findings"
        assert f"{owner}: {len(rows)} writing {word} (" in " ".join(items), owner
    lines = [i for i in items if not i.startswith("Team ")]
    assert len(lines) == len(flagged) + stale["owner"].nunique() + lint["owner"].nunique()


def test_the_company_brief_counts_the_flagged_owners_it_does_not_name(demo):
    items = compose_brief(demo, Scope(CYCLE)).section("coach").plain_items()
    flagged = demo.owner_patterns[demo.owner_patterns["pattern"].notna()]
    named = [i for i in items if any(w in i for w in PATTERN_WORDS.values())
             and not i.startswith("Team ")]  # fmt: skip
    more = next(i for i in items if i.endswith("more flagged owners on the Coach page."))
    assert len(named) + int(more.split()[2]) == len(flagged)


def test_the_same_store_gives_the_same_words(demo_store: Path, demo):
    again = load_or_compute(demo_store).report
    assert again is not None
    scope = Scope(CYCLE, department="Engineering")
    first = to_markdown(compose_brief(demo, scope, None, programme_health(demo)), "https://x")
    second = to_markdown(compose_brief(again, scope, None, programme_health(again)), "https://x")
    assert first.encode() == second.encode()
    assert "Programme health is " in first and " out of 100, from participation " in first


def test_a_finished_cycle_has_its_lessons(demo):
    brief = compose_brief(demo, Scope("2026-Q3", department="Engineering"))
    assert brief.section("attention") is None and brief.section("changes") is None
    mine = demo.objectives[(demo.objectives["department"] == "Engineering")
                           & (demo.objectives["cycle_id"] == "2026-Q3")]  # fmt: skip
    items = brief.section("lessons").plain_items()
    sweet = int((mine["band"] == "sweet").sum())
    below = int(mine["band"].isin(["low", "mid"]).sum())
    assert items[0].startswith(f"Landed in the sweet spot (0.6–0.7): {sweet} of {len(mine)}")
    assert items[1].startswith(f"Fell short (below 0.60): {below} of {len(mine)} objectives")
    lowest = mine.sort_values("score").iloc[0]
    assert f"e.g. {lowest['title']} ({lowest['score']:.2f})" in items[1]
    krs = demo.key_results[demo.key_results["objective_id"].isin(mine["objective_id"])]
    assert f"key results scored {krs['score'].mean():.2f} on average" in text_of(
        brief.section("lessons")
    )


def test_user_text_is_escaped_in_each_format(demo):
    brief = compose_brief(demo, Scope(CYCLE, department="Engineering"))
    hostile = brief.__class__(
        scope=brief.scope, title=(brief.title[0].__class__("<b>[x](javascript:y)</b>"), " · Q4"),
        cycle_name=brief.cycle_name, cycle_state=brief.cycle_state, as_of=brief.as_of,
        sections=brief.sections,
    )  # fmt: skip
    assert "&lt;b&gt;[x](javascript:y)&lt;/b&gt;" in to_html(hostile)
    assert r"\<b\>\[x\]\(javascript\:y\)\</b\>" in to_markdown(hostile)
    assert "Brief: <b>[x](javascript:y)</b> · Q4" in to_text(hostile)


def _ingest(path: Path, db: Path) -> None:
    env = {**os.environ, "OKR_HEALTH_REPORT_CACHE": "0"}
    done = subprocess.run([*CLI, "ingest", str(path), "--db", str(db), "--no-warm"], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_what_changed_since_the_last_import_and_an_earlier_week(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OKR_HEALTH_REPORT_CACHE", "0")
    db = tmp_path / "store.duckdb"
    for path in weekly(tmp_path / "weeks"):
        _ingest(path, db)
    report = load_or_compute(db).report
    assert report is not None
    history = store_history(db, report.as_of)
    first = load_at(db, "1").report  # the store after the first weekly import
    assert first is not None
    earlier = Earlier(
        "last week", None, first.key_results.reindex(columns=BEFORE_KR_COLUMNS),
        first.stale.reindex(columns=BEFORE_STALE_COLUMNS),
    )  # fmt: skip
    brief = compose_brief(report, Scope(CYCLE), History(history.last_import, earlier))
    lines = brief.section("changes").plain_lines()
    # the last import moved KR 1 (0.20 → 0.25) and KR 3 (0.40 → 0.50)
    assert lines[0] == "Since the last import: 2 key results moved up."
    assert lines[1] == "The largest move up: KR 3, 0.40 → 0.50."
    # since the first week all four moved but KR 2 (0.30 → 0.35) … KR 3 most
    assert lines[2] == "Since last week: 4 key results moved up."
    assert lines[3] == "The largest move up: KR 3, 0.40 → 0.50."
    quiet = compose_brief(report, Scope(CYCLE), History(None, None))
    assert quiet.section("changes").plain_lines() == [
        "There is no earlier import to compare with.",
        "The store holds no version from a week ago to compare with.",
    ]


def test_last_week_is_kept_beside_the_report_cache(tmp_path: Path, monkeypatch):
    from datetime import date, timedelta
    from unittest import mock

    from reporting.brief import history as brief_history
    from reporting.cache import cache_dir

    monkeypatch.delenv("OKR_HEALTH_REPORT_CACHE", raising=False)
    db = tmp_path / "store.duckdb"
    for path in weekly(tmp_path / "weeks")[:2]:
        _ingest(path, db)
    later = date.today() + timedelta(days=14)  # a week before it, the store held both imports
    first = brief_history.last_week(db, later)
    assert first is not None and first.day == later - timedelta(days=7)
    assert sorted(first.key_results["title"]) == ["KR 0", "KR 1", "KR 2", "KR 3"]
    kept = sorted(p.name for p in cache_dir(db).glob(f"{brief_history.PREFIX}*"))
    assert len(kept) == 2 and kept[0].endswith("-krs.parquet")
    with mock.patch.object(brief_history, "load_at", side_effect=AssertionError("recomputed")):
        again = brief_history.last_week(db, later)  # read back, not computed
    assert again is not None
    pd.testing.assert_frame_equal(again.key_results, first.key_results, check_dtype=False)
    assert brief_history.last_week(db, date(2020, 1, 8)) is None  # before the first import
    with mock.patch.object(brief_history, "load_at", side_effect=AssertionError("recomputed")):
        assert brief_history.last_week(db, date(2020, 1, 8)) is None  # kept as "nothing"
