"""The deterministic demo company (demo_company/) and the workbook writer.

The demo is the fixture every metric is checked against, so these tests check that the
ground truth it claims is really in the frames, computing scores directly from the columns.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from demo_company.generate import (
    DEMO_AS_OF,
    DemoCompany,
    generate_company,
    generate_demo,
    template_tables,
    write_data_files,
)
from pipelines.kr_types import MEASURED_TYPES
from pipelines.store import schema
from pipelines.write.workbook import write_canonical_csv_folder, write_canonical_workbook

DATA = Path(__file__).resolve().parents[2] / "data"
ACTIVITY_WORDS = ("Run ", "Hold ", "Work on ", "Help ", "Analyse ")


@pytest.fixture(scope="module")
def demo() -> DemoCompany:
    return generate_demo()


@pytest.fixture(scope="module")
def scored(demo: DemoCompany) -> pd.DataFrame:
    """Key results with cycle, team and a score computed here from the raw columns."""
    t = demo.tables
    kr = t["key_results"].copy()
    objectives = t["objectives"].set_index("objective_id")
    kr["cycle_id"] = kr["objective_id"].map(objectives["cycle_id"])
    kr["team_id"] = kr["objective_id"].map(objectives["team_id"])
    ci = t["check_ins"].sort_values("checked_at")
    last = ci.groupby("kr_id")[["value", "grade"]].last()
    kr["last_grade"] = kr["kr_id"].map(last["grade"])
    kr["current"] = kr["kr_id"].map(last["value"]).fillna(kr["current_value"])
    kr["attainment"] = _attainment(kr)
    computed = kr["attainment"].clip(0, 1).where(kr["last_grade"].isna(), kr["last_grade"])
    kr["score"] = kr["manual_score"].fillna(computed)
    return kr


def _attainment(kr: pd.DataFrame) -> pd.Series:
    """Attainment (docs/scoring.md); a target equal to the start counts as reached once current ≥
    it."""
    cur = kr["current"]
    start = kr["start_value"].fillna(0.0)
    target = kr["target_value"]
    span = target - start
    inc = ((cur - start) / span.where(span != 0)).fillna((cur >= target) * 1.0)
    dec = ((start - cur) / (-span).where(span != 0)).fillna((cur <= target) * 1.0)
    low, high = kr["range_low"], kr["range_high"]
    nearest = low.where(cur < low, high)
    toward = (cur - kr["start_value"]) / (nearest - kr["start_value"])
    rng = pd.Series(np.where((cur >= low) & (cur <= high), 1.0, toward), index=kr.index)
    out = pd.Series(
        np.select(
            [
                kr["kr_type"] == "increase",
                kr["kr_type"] == "decrease",
                kr["kr_type"] == "range",
                kr["kr_type"] == "milestone",
                kr["kr_type"] == "baseline",
            ],
            [inc, dec, rng, (cur >= 0.5) * 1.0, cur.notna() * 1.0],
            np.nan,
        ),
        index=kr.index,
    )
    return out.where(cur.notna())


# --------------------------------------------------------------------------------------
# Shape and determinism
# --------------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames(demo: DemoCompany) -> None:
    again = generate_demo()
    for name, frame in demo.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name])
    assert again.truth == demo.truth
    other = generate_demo(seed=8)
    assert not other.tables["key_results"]["title"].equals(demo.tables["key_results"]["title"])


def test_frames_have_exactly_the_canonical_columns_and_types(demo: DemoCompany) -> None:
    assert list(demo.tables) == [t.name for t in schema.ENTITY_TABLES]
    for table in schema.ENTITY_TABLES:
        frame = demo.tables[table.name]
        assert list(frame.columns) == table.column_names, table.name
        for col in table.columns:
            values = frame[col.name].dropna()
            if col.sql_type == schema.NUMBER:
                assert frame[col.name].dtype == "float64", (table.name, col.name)
            elif col.sql_type == schema.DATE:
                assert all(type(v) is date for v in values), (table.name, col.name)
            elif col.sql_type == schema.TIMESTAMP:
                assert pd.api.types.is_datetime64_any_dtype(frame[col.name])
            else:
                assert all(isinstance(v, str) for v in values), (table.name, col.name)
        for required in table.required:
            assert frame[required].notna().all(), (table.name, required)
        if table.key:
            assert not frame.duplicated(list(table.key)).any(), table.name


def test_cycles_are_2026_quarters_with_q4_running(demo: DemoCompany) -> None:
    cycles = demo.tables["cycles"]
    assert list(cycles["cycle_id"]) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(cycles["name"]) == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    q4 = cycles.iloc[-1]
    assert (q4["start_date"], q4["end_date"]) == (date(2026, 10, 1), date(2026, 12, 31))
    elapsed = (DEMO_AS_OF - q4["start_date"]).days / (q4["end_date"] - q4["start_date"]).days
    assert demo.as_of == DEMO_AS_OF
    assert 0.55 <= elapsed <= 0.65


def test_sizes(demo: DemoCompany) -> None:
    t = demo.tables
    levels = t["teams"]["level"].value_counts()
    assert levels["company"] == 1 and levels["department"] == 6
    assert 28 <= levels["team"] <= 34
    company = t["teams"].set_index("team_id").loc["acme"]
    assert company["name"] == "Acme Corp"
    assert 1500 <= len(t["key_results"]) <= 2500
    assert 20_000 <= len(t["check_ins"]) <= 30_000
    per_objective = t["key_results"].groupby("objective_id").size()
    assert per_objective.reindex(t["objectives"]["objective_id"]).notna().all()
    assert per_objective.max() <= 4
    people = t["key_results"].merge(t["objectives"][["objective_id", "team_id"]])
    team_people = people[people["team_id"].isin(t["teams"].query("level == 'team'")["team_id"])]
    assert team_people.groupby("team_id")["owner"].nunique().max() <= 5


def test_every_cycle_has_every_measured_kr_type(demo: DemoCompany, scored: pd.DataFrame) -> None:
    for cycle, types in scored.groupby("cycle_id")["kr_type"]:
        assert set(types) == set(MEASURED_TYPES), cycle


def test_references_resolve_except_the_one_broken_link(demo: DemoCompany) -> None:
    t = demo.tables
    objectives, krs = t["objectives"], t["key_results"]
    assert krs["objective_id"].isin(objectives["objective_id"]).all()
    assert t["check_ins"]["kr_id"].isin(krs["kr_id"]).all()
    assert objectives["team_id"].isin(t["teams"]["team_id"]).all()
    assert objectives["cycle_id"].isin(t["cycles"]["cycle_id"]).all()
    assert t["teams"]["parent_team_id"].dropna().isin(t["teams"]["team_id"]).all()
    assert objectives["parent_kr_id"].dropna().isin(krs["kr_id"]).all()
    parents = objectives["parent_objective_id"]
    broken = objectives.loc[
        parents.notna() & ~parents.isin(objectives["objective_id"]), "objective_id"
    ]
    assert set(broken) == set(demo.truth.broken_link_objective_ids)
    assert len(broken) == 1


def test_check_ins_are_weekly_and_end_by_as_of(demo: DemoCompany) -> None:
    ci = demo.tables["check_ins"]
    assert ci["checked_at"].dt.day_of_week.nunique() == 1
    assert ci["checked_at"].max() < pd.Timestamp(DEMO_AS_OF + timedelta(days=1))
    assert ci["confidence"].between(0, 1).all()
    assert set(ci["status"]) <= {"on track", "behind", "at risk"}
    krs = demo.tables["key_results"].set_index("kr_id")
    assert (ci["author"] == ci["kr_id"].map(krs["owner"])).all()


def test_current_value_is_the_last_check_in_value(demo: DemoCompany) -> None:
    ci = demo.tables["check_ins"].sort_values("checked_at")
    last = ci.dropna(subset=["value"]).groupby("kr_id")["value"].last()
    krs = demo.tables["key_results"].set_index("kr_id")
    np.testing.assert_allclose(krs.loc[last.index, "current_value"], last)


# --------------------------------------------------------------------------------------
# The ground truth is really in the frames
# --------------------------------------------------------------------------------------


def test_truth_sets_are_non_empty(demo: DemoCompany) -> None:
    truth = demo.truth
    for name in (
        "sandbagging_teams",
        "over_ambitious_teams",
        "sandbagging_owners",
        "over_ambitious_owners",
        "broken_link_objective_ids",
        "orphan_objective_ids",
        "unsupported_top_objective_ids",
        "stale_kr_ids",
        "activity_kr_ids",
        "strict_link_kr_ids",
        "ungraded_kr_ids",
    ):
        assert getattr(truth, name), name
    assert len(truth.sandbagging_teams) == 2 and len(truth.over_ambitious_teams) == 2
    assert not truth.sandbagging_teams & truth.over_ambitious_teams


def test_flagged_teams_and_owners(demo: DemoCompany, scored: pd.DataFrame) -> None:
    truth = demo.truth
    teams = demo.tables["teams"].set_index("team_id")
    assert teams.loc[list(truth.sandbagging_teams), "parent_team_id"].nunique() == 2
    for flagged_teams, owners in (
        (truth.sandbagging_teams, truth.sandbagging_owners),
        (truth.over_ambitious_teams, truth.over_ambitious_owners),
    ):
        mine = scored[scored["owner"].isin(owners)]
        assert set(mine["team_id"]) == set(flagged_teams)  # they own KRs nowhere else
        assert set(scored.loc[scored["team_id"].isin(flagged_teams), "owner"]) == set(owners)


def test_sandbagging_teams_max_out_early_every_cycle(
    demo: DemoCompany, scored: pd.DataFrame
) -> None:
    sand = scored[scored["team_id"].isin(demo.truth.sandbagging_teams)]
    measured = sand[sand["kr_type"].isin(["increase", "decrease"])]
    assert (measured["attainment"] >= 1.0).mean() >= 0.9
    assert (measured["attainment"] > 1.1).mean() >= 0.5  # beyond the target
    assert set(sand["cycle_id"]) == set(demo.tables["cycles"]["cycle_id"])
    for _, cycle in sand.groupby("cycle_id"):
        assert (cycle["score"] >= 1.0).mean() >= 0.9
    easy = (measured["target_value"] - measured["start_value"]).abs() <= 0.03 * measured[
        "start_value"
    ].abs()
    assert easy.mean() >= 0.5  # targets at or barely beyond the start value

    # reached in the first third of the cycle
    cycles = demo.tables["cycles"].set_index("cycle_id")
    ci = demo.tables["check_ins"].merge(
        measured[["kr_id", "cycle_id", "kr_type", "start_value", "target_value"]]
    )
    up = ci["kr_type"] == "increase"
    reached = np.where(up, ci["value"] >= ci["target_value"], ci["value"] <= ci["target_value"])
    first = ci[reached].groupby("kr_id").agg(at=("checked_at", "min"), cycle=("cycle_id", "first"))
    start = pd.to_datetime(first["cycle"].map(cycles["start_date"]))
    length = pd.to_datetime(first["cycle"].map(cycles["end_date"])) - start
    assert ((first["at"] - start) <= length / 3).mean() >= 0.9


def test_over_ambitious_teams_score_low_and_barely_move(
    demo: DemoCompany, scored: pd.DataFrame
) -> None:
    amb = scored[scored["team_id"].isin(demo.truth.over_ambitious_teams)]
    for _, cycle in amb.groupby("cycle_id"):
        assert cycle["score"].mean() < 0.3
        assert (cycle["score"] < 0.4).mean() >= 0.9
    measured = amb[amb["kr_type"].isin(["increase", "decrease"])]
    ci = demo.tables["check_ins"].merge(measured[["kr_id", "start_value", "target_value"]])
    moved = ci.groupby("kr_id")["value"].agg(lambda v: v.max() - v.min())
    span = measured.set_index("kr_id").eval("abs(target_value - start_value)")
    assert (moved / span.loc[moved.index]).max() <= 0.3


def test_normal_owners_and_teams_look_normal(demo: DemoCompany, scored: pd.DataFrame) -> None:
    truth = demo.truth
    graded = scored[scored["score"].notna()]
    for key, flagged in (
        ("owner", truth.sandbagging_owners | truth.over_ambitious_owners),
        ("team_id", truth.sandbagging_teams | truth.over_ambitious_teams),
    ):
        normal = graded[~graded[key].isin(flagged)]
        stats = normal.groupby(key)["score"].agg(
            n="size", mean="mean", maxed=lambda s: (s >= 1).mean(), low=lambda s: (s < 0.4).mean()
        )
        stats = stats[stats["n"] >= 3]
        assert stats["mean"].between(0.45, 0.8).all(), stats.sort_values("mean")
        assert (stats["maxed"] <= 0.5).all(), stats.sort_values("maxed")
        assert (stats["low"] <= 0.5).all(), stats.sort_values("low")
        assert stats["mean"].std() > 0.02  # some spread


def test_alignment_truth(demo: DemoCompany) -> None:
    truth = demo.truth
    objectives = demo.tables["objectives"]
    non_top = objectives[objectives["level"] != "company"]
    orphans = non_top[non_top["parent_objective_id"].isna() & non_top["parent_kr_id"].isna()]
    assert set(orphans["objective_id"]) == set(truth.orphan_objective_ids)
    assert len(orphans) <= 0.1 * len(non_top)

    krs = demo.tables["key_results"]
    supported = set(objectives["parent_objective_id"].dropna()) | set(
        krs.loc[krs["kr_id"].isin(objectives["parent_kr_id"]), "objective_id"]
    )
    top = objectives[objectives["level"] == "company"]
    unsupported = top[~top["objective_id"].isin(supported)]
    assert set(unsupported["objective_id"]) == set(truth.unsupported_top_objective_ids)
    assert set(unsupported["cycle_id"]) == set(demo.tables["cycles"]["cycle_id"])

    dept_objs = objectives[objectives["level"] == "department"]
    aligned = dept_objs["parent_objective_id"].isin(top["objective_id"]).mean()
    assert aligned >= 0.8


def test_strict_links(demo: DemoCompany, scored: pd.DataFrame) -> None:
    objectives = demo.tables["objectives"]
    strict = scored[scored["kr_id"].isin(demo.truth.strict_link_kr_ids)]
    assert set(strict["kr_id"]) == set(objectives["parent_kr_id"].dropna())
    parent_levels = strict["objective_id"].map(objectives.set_index("objective_id")["level"])
    assert (parent_levels == "department").all()
    assert strict["current_value"].isna().all() and strict["manual_score"].isna().all()
    assert not demo.tables["check_ins"]["kr_id"].isin(strict["kr_id"]).any()
    children = objectives[objectives["parent_kr_id"].notna()]
    assert (children["level"] == "team").all()
    team_objs = objectives[objectives["level"] == "team"]
    for cycle, objs in team_objs.groupby("cycle_id"):
        share = objs["parent_kr_id"].notna().mean()
        assert 0.07 <= share <= 0.18, (cycle, share)


def test_stale_key_results(demo: DemoCompany, scored: pd.DataFrame) -> None:
    stale = demo.truth.stale_kr_ids
    assert 5 <= len(stale) <= 10
    ci = demo.tables["check_ins"]
    last = ci.groupby("kr_id")["checked_at"].max()
    cutoff = pd.Timestamp(DEMO_AS_OF) - pd.Timedelta(days=14)
    running = scored[scored["cycle_id"] == "2026-Q4"]
    assert set(stale) <= set(running["kr_id"])
    assert (last.loc[list(stale)] < cutoff).all()
    # every other running key result with check-ins had one in the last 14 days
    others = last.loc[last.index.isin(running["kr_id"]) & ~last.index.isin(stale)]
    assert (others >= cutoff).all()


def test_ungraded_key_results(demo: DemoCompany, scored: pd.DataFrame) -> None:
    ungraded = scored[scored["kr_id"].isin(demo.truth.ungraded_kr_ids)]
    assert 3 <= len(ungraded) <= 6
    assert (ungraded["cycle_id"] == "2026-Q4").all()
    assert ungraded["current_value"].isna().all() and ungraded["manual_score"].isna().all()
    assert not ungraded["kr_type"].isin(["milestone", "baseline"]).any()
    assert not demo.tables["check_ins"]["kr_id"].isin(ungraded["kr_id"]).any()


def test_activity_key_results(demo: DemoCompany, scored: pd.DataFrame) -> None:
    activity = scored["kr_id"].isin(demo.truth.activity_kr_ids)
    assert scored.loc[activity, "title"].str.startswith(ACTIVITY_WORDS).all()
    assert not scored.loc[~activity, "title"].str.startswith(ACTIVITY_WORDS).any()
    for cycle, flags in activity.groupby(scored["cycle_id"]):
        assert 0.02 <= flags.mean() <= 0.04, cycle


def test_lint_material(demo: DemoCompany, scored: pd.DataFrame) -> None:
    truth = demo.truth
    objectives = demo.tables["objectives"]
    per_objective = scored.groupby("objective_id").size()
    assert set(per_objective[per_objective == 1].index) == set(truth.single_kr_objective_ids)
    assert len(truth.single_kr_objective_ids) == 2
    running = objectives[objectives["cycle_id"] == "2026-Q4"].groupby("owner").size()
    assert set(running[running >= 6].index) == set(truth.busy_owners)
    assert len(truth.busy_owners) >= 2
    missing = scored[scored["kr_id"].isin(truth.missing_start_kr_ids)]
    assert len(missing) >= 3
    assert (missing["kr_type"] == "increase").all() and missing["start_value"].isna().all()
    weights = pd.concat([objectives["weight"], scored["weight"]])
    assert set(weights) == {1.0, 2.0} and (weights == 1.0).mean() > 0.9


def test_manual_scores_close_to_computed(demo: DemoCompany, scored: pd.DataFrame) -> None:
    manual = scored[scored["manual_score"].notna()]
    finished = scored[scored["cycle_id"] != "2026-Q4"]
    assert set(manual["kr_id"]) == set(demo.truth.manual_score_kr_ids)
    assert 0.03 <= len(manual) / len(finished) <= 0.08
    assert (manual["cycle_id"] != "2026-Q4").all()
    computed = manual["attainment"].clip(0, 1)
    diff = (manual["manual_score"] - computed).abs()
    assert ((diff > 0.005) & (diff <= 0.2)).all()


def test_zone_grading_and_over_confident_teams(demo: DemoCompany, scored: pd.DataFrame) -> None:
    truth = demo.truth
    ci = demo.tables["check_ins"].merge(scored[["kr_id", "team_id"]])
    zone = ci[ci["team_id"] == truth.zone_grading_team]
    assert len(zone) and zone["value"].isna().all()
    assert set(zone["grade"]) <= {0.0, 0.3, 0.7, 1.0}
    assert ci.loc[ci["team_id"] != truth.zone_grading_team, "grade"].isna().all()

    over = ci[ci["team_id"] == truth.overconfident_team]
    assert over["confidence"].mean() >= 0.85
    finished = scored[
        (scored["team_id"] == truth.overconfident_team) & (scored["cycle_id"] != "2026-Q4")
    ]
    assert finished["score"].mean() <= 0.7
    assert over["confidence"].mean() - finished["score"].mean() >= 0.25
    assert ci.loc[~ci["team_id"].isin([truth.overconfident_team]), "confidence"].mean() < 0.75


def test_generate_company_scales_and_stays_canonical() -> None:
    company = generate_company(
        n_departments=8, n_teams=60, n_cycles=2, seed=3, individual_okrs=True
    )
    t = company.tables
    assert (t["teams"]["level"] == "individual").any()
    assert len(t["cycles"]) == 2 and t["cycles"]["cycle_id"].iloc[-1] == "2026-Q4"
    for table in schema.ENTITY_TABLES:
        assert list(t[table.name].columns) == table.column_names
    assert t["key_results"]["objective_id"].isin(t["objectives"]["objective_id"]).all()
    individual = t["objectives"][t["objectives"]["level"] == "individual"]
    assert individual["parent_objective_id"].isin(t["objectives"]["objective_id"]).all()


# --------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------


def test_committed_demo_workbook_matches_the_generator(demo: DemoCompany) -> None:
    wb = load_workbook(DATA / "demo_company.xlsx", read_only=True)
    try:
        assert wb.sheetnames == [t.sheet for t in schema.ENTITY_TABLES]
        for table in schema.ENTITY_TABLES:
            ws = wb[table.sheet]
            rows = ws.iter_rows(values_only=True)
            assert list(next(rows)) == table.column_names
            assert sum(1 for _ in rows) == len(demo.tables[table.name]), table.sheet
        titles = [row[2] for row in wb["KeyResults"].iter_rows(min_row=2, values_only=True)]
        assert titles == demo.tables["key_results"]["title"].tolist()  # not a stale file
    finally:
        wb.close()


def test_committed_template_is_canonical() -> None:
    wb = load_workbook(DATA / "okr_template.xlsx", read_only=True)
    try:
        assert wb.sheetnames == ["README", *[t.sheet for t in schema.ENTITY_TABLES]]
        expected = template_tables()
        for table in schema.ENTITY_TABLES:
            rows = list(wb[table.sheet].iter_rows(values_only=True))
            assert list(rows[0]) == table.column_names
            assert len(rows) - 1 == len(expected[table.name])
        readme = " ".join(
            str(v) for row in wb["README"].iter_rows(values_only=True) for v in row if v
        )
        for kr_type in MEASURED_TYPES:
            assert kr_type in readme
    finally:
        wb.close()
    krs = expected["key_results"]
    assert set(krs["kr_type"]) == set(MEASURED_TYPES) and len(krs) == 8


def test_workbook_types_and_header(tmp_path: Path) -> None:
    tables = template_tables()
    path = tmp_path / "t.xlsx"
    write_canonical_workbook(tables, path)
    wb = load_workbook(path)
    ws = wb["KeyResults"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    due = ws.cell(row=2, column=schema.KEY_RESULTS.column_names.index("due_date") + 1)
    assert due.is_date and due.value == datetime(2026, 3, 31)
    start = ws.cell(row=2, column=schema.KEY_RESULTS.column_names.index("start_value") + 1)
    assert start.data_type == "n" and start.value == 32
    checked = wb["CheckIns"].cell(row=2, column=2)
    assert checked.is_date and checked.value == datetime(2026, 1, 15, 10, 0)


def test_hostile_text_is_written_as_literal_text(tmp_path: Path) -> None:
    tables = template_tables()
    hostile = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=2"]
    krs = tables["key_results"].copy()
    krs.loc[: len(hostile) - 1, "title"] = hostile
    tables["key_results"] = krs
    path = tmp_path / "hostile.xlsx"
    write_canonical_workbook(tables, path)
    ws = load_workbook(path)["KeyResults"]
    column = schema.KEY_RESULTS.column_names.index("title") + 1
    for row, text in enumerate(hostile, start=2):
        cell = ws.cell(row=row, column=column)
        assert cell.data_type == "s", text
        # XML parsers normalise a bare carriage return to a line feed; the text stays literal
        assert cell.value in (text, text.replace("\r", "\n"))


def test_csv_folder(tmp_path: Path) -> None:
    write_canonical_csv_folder(template_tables(), tmp_path)
    for table in schema.ENTITY_TABLES:
        frame = pd.read_csv(tmp_path / f"{table.sheet}.csv", encoding="utf-8")
        assert list(frame.columns) == table.column_names
    cycles = pd.read_csv(tmp_path / "Cycles.csv", dtype=str)
    assert cycles.loc[0, "start_date"] == "2026-01-01"
    check_ins = pd.read_csv(tmp_path / "CheckIns.csv", dtype=str)
    assert check_ins.loc[0, "checked_at"] == "2026-01-15T10:00:00"


def test_write_data_files(tmp_path: Path) -> None:
    demo_path, template_path = write_data_files(tmp_path)
    assert demo_path.name == "demo_company.xlsx" and template_path.name == "okr_template.xlsx"
    assert demo_path.stat().st_size > 100_000 and template_path.exists()
