"""The report cache beside the store: read back exactly what `analyse` computes, never stale,
and never the reason a page or a command fails."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import streamlit as st

from metrics.config import HealthConfig
from metrics.progress.comparison import scores_at_same_point
from metrics.report import analyse
from metrics.summary import build_summary
from pipelines.store.connection import open_store
from pipelines.store.dataset import read_dataset
from pipelines.store.load import write_tables
from pipelines.store.rows import clear_store
from reporting import cache as report_cache
from reporting import cache_key
from reporting.cache import cache_dir, load_entry, load_or_compute, report_key, save_entry
from tests.support.pages import open_app
from tests.support.stores import canonical, small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]


def same(left, right, where: str = "") -> None:
    """Equal in every field, dtype and value type (frames exactly, NaN where NaN)."""
    assert type(left) is type(right), where
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right, check_exact=True, obj=where)
        for column in [c for c in left.columns if left[c].dtype == object]:
            assert list(map(type, left[column])) == list(map(type, right[column])), where
    elif isinstance(left, pd.Series):
        pd.testing.assert_series_equal(left, right, check_exact=True, obj=where)
    elif isinstance(left, pd.Index):
        pd.testing.assert_index_equal(left, right, exact=True, check_exact=True, obj=where)
    elif dataclasses.is_dataclass(left):
        for f in dataclasses.fields(left):
            same(getattr(left, f.name), getattr(right, f.name), f"{where}.{f.name}")
    elif isinstance(left, dict):
        assert left.keys() == right.keys(), where
        for key in left:
            same(left[key], right[key], f"{where}[{key}]")
    elif isinstance(left, list | tuple):
        assert len(left) == len(right), where
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            same(a, b, f"{where}[{i}]")
    else:
        assert left == right or (left != left and right != right), where


def computed(db: Path):
    """What the product computes without any cache: the store read, then analysed."""
    with open_store(db, read_only=True) as conn:
        dataset = read_dataset(conn)
    return dataset, analyse(dataset)


def key_of(db: Path, **kwargs) -> str:
    with open_store(db, read_only=True) as conn:
        return report_key(conn, **kwargs)[0]


def entries(db: Path) -> list[str]:
    folder = cache_dir(db)
    """The report entries (folders); the small files kept beside them are not entries."""
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


@pytest.fixture
def demo_copy(demo_store: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (the session's one stays untouched)."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_store, path)
    return path


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(report_cache.ENABLE_VAR, raising=False)
    monkeypatch.delenv("OKR_HEALTH_READ_ONLY", raising=False)


# --- reading back exactly ------------------------------------------------------------------


def test_the_cached_report_equals_analyse_exactly(demo_copy: Path):
    dataset, report = computed(demo_copy)
    first = load_or_compute(demo_copy)
    assert first.source == "computed" and entries(demo_copy) == [first.key]
    again = load_or_compute(demo_copy)
    assert again.source == "cache" and again.key == first.key
    same(report, again.report, "report")
    same(dataset, again.dataset, "dataset")
    opening = scores_at_same_point(dataset, report.calendar, "2026-Q4", "2026-Q3")
    assert (again.same_point.cycle, again.same_point.previous) == ("2026-Q4", "2026-Q3")
    same(opening, (again.same_point.objectives, again.same_point.key_results), "same point")
    assert again.report is not None
    assert {f.name for f in dataclasses.fields(again.report)} == {
        f.name for f in dataclasses.fields(report)
    }


def test_every_kind_of_value_the_format_holds_comes_back_as_it_was(small_store: Path,
                                                                   tmp_path: Path):  # fmt: skip
    dataset, report = computed(small_store)
    odd = pd.DataFrame({
        "text": pd.Series(["a", None, "c"], dtype="str"),
        "objects": pd.Series(["x", None, "z"], dtype=object),
        "nan_objects": pd.Series(["x", np.nan, "z"], dtype=object),
        "count": pd.array([1, None, 3], dtype="Int64"),
        "flag": [True, False, True],
        "band": pd.Categorical(["low", "high", None], categories=["low", "mid", "high"],
                               ordered=True),
        "kr": pd.Categorical(["k1", "k2", "k1"], categories=pd.Index(["k1", "k2", "k9"],
                                                                     name="kr_id")),
        # pandas-stubs take no None in the list; pandas reads it as NaT
        "when": pd.to_datetime(["2026-01-01", None, "2026-03-01"]).as_unit("us"),  # type: ignore[arg-type]
        "span": pd.to_timedelta([1, 2, None], unit="D"),
        "score": [0.1, np.nan, -0.0],
    }, index=pd.Index(["k1", "k2", "k3"], name="kr_id"))  # fmt: skip
    weird = dataclasses.replace(
        report,
        calendar=odd,
        company_scores=odd.iloc[0:0],
        loops=["o-1", "o-2"],
        config=HealthConfig(stale_days=21, activity_verbs=("run",)),
    )
    objects = {"report": weird, "dataset": dataset, "series": odd["score"],
               "numbers": [np.int64(3), np.float64(0.5), 1 / 3, float("nan"), None, True],
               "moments": (pd.Timestamp("2026-05-01 12:30", tz="UTC"), date(2026, 5, 1)),
               "named": {"a": 1, "b": "two"},
               "indexes": [pd.Index(["k2", "k1"], name="kr_id"), pd.RangeIndex(2, 9, 3),
                           pd.Index([3, 1], dtype="int64")]}  # fmt: skip
    save_entry(tmp_path / "cache", "k" * 64, objects)
    same(objects, load_entry(tmp_path / "cache", "k" * 64), "entry")


def test_a_value_the_format_cannot_hold_exactly_is_not_cached(small_store: Path,
                                                              tmp_path: Path):  # fmt: skip
    _, report = computed(small_store)
    mixed = pd.DataFrame({"x": pd.Series([1, "one"], dtype=object)})
    with pytest.raises(report_cache.Unsupported):
        save_entry(
            tmp_path / "cache", "k" * 64, {"report": dataclasses.replace(report, calendar=mixed)}
        )
    assert [p.name for p in (tmp_path / "cache").iterdir()] == []  # no half entry left


# --- the key: never a stale report --------------------------------------------------------


def test_an_import_gives_a_new_key_and_the_new_numbers(small_store: Path):
    before = load_or_compute(small_store)
    assert build_summary(before.dataset, report=before.report)["scores"]["kr_mean"] == (
        pytest.approx((0.6 + 0.8 + 2 / 3 + 1 + 1) / 5, 1e-3))  # fmt: skip
    krs = small_company()["key_results"]
    krs.loc[krs["kr_id"] == "k1", "current_value"] = 110.0  # 0.6 -> 1.0
    checkins = canonical("check_ins", [{"kr_id": "k1", "checked_at": pd.Timestamp("2026-03-01"),
                                        "value": 110.0}])  # fmt: skip
    with open_store(small_store) as conn:
        write_tables(conn, {"key_results": krs, "check_ins": checkins}, ["newer.csv"])
    after = load_or_compute(small_store)
    assert after.source == "computed" and after.key != before.key
    summary = build_summary(after.dataset, report=after.report)
    assert summary["scores"]["kr_mean"] == pytest.approx((1.0 + 0.8 + 2 / 3 + 1 + 1) / 5, 1e-3)
    assert summary["scores"]["bands"]["maxed"] == 3
    same(computed(small_store)[1], after.report, "report")
    assert load_or_compute(small_store).source == "cache"


def test_an_unchanged_or_rejected_import_keeps_the_report(small_store: Path):
    first = load_or_compute(small_store)
    with open_store(small_store) as conn:
        write_tables(conn, small_company(), ["again.xlsx"])  # same content: "unchanged"
        conn.execute("INSERT INTO imports (import_id, outcome) VALUES (99, 'rejected')")
    assert load_or_compute(small_store).source == "cache"
    assert key_of(small_store) == first.key


def test_clearing_the_store_gives_a_new_key_and_no_report(small_store: Path):
    first = load_or_compute(small_store)
    with open_store(small_store) as conn:
        clear_store(conn)
    cleared = load_or_compute(small_store)
    assert cleared.key != first.key and cleared.report is None and cleared.dataset.is_empty


def source_in_a_new_process(db: Path) -> str:
    """Where a new process gets the report from. (A process, not this one: the key holds the
    code as it was imported, and this checkout may be edited while the tests run.)"""
    script = "import sys; from reporting import cache as c; print(c.load_or_compute(" \
             "sys.argv[1]).source)"  # fmt: skip
    env = {**os.environ, report_cache.ENABLE_VAR: "1"}
    result = subprocess.run([sys.executable, "-c", script, str(db)], env=env, text=True,
                            capture_output=True, check=True)  # fmt: skip
    return result.stdout.strip()


def digest_of(db: Path) -> str:
    with open_store(db, read_only=True) as conn:
        return report_cache.content_digest(conn)


def test_the_demo_written_over_a_store_gives_a_new_key(tmp_path: Path):
    db = write_store(tmp_path / "s.duckdb", small_company(), as_of=date(2026, 3, 31))
    small = load_or_compute(db)
    before = digest_of(db)
    assert subprocess.run([*CLI, "demo", "--db", str(db)], capture_output=True).returncode == 0
    assert source_in_a_new_process(db) == "cache"  # the demo command warmed it
    demo = load_or_compute(db)
    assert digest_of(db) != before and demo.key != small.key
    assert build_summary(demo.dataset, report=demo.report)["cycle"] == "2026-Q4"


def test_a_new_as_of_date_gives_a_new_key_and_new_numbers(small_store: Path):
    end = load_or_compute(small_store)
    with open_store(small_store) as conn:
        conn.execute("UPDATE settings SET value = '2026-02-14' WHERE key = 'as_of'")
    middle = load_or_compute(small_store)
    assert middle.key != end.key and middle.report.as_of == date(2026, 2, 14)
    elapsed = middle.report.calendar.set_index("cycle_id")["elapsed_share"]
    assert elapsed["2026-Q1"] == pytest.approx(45 / 90, abs=0.02)
    assert end.report.calendar.set_index("cycle_id")["elapsed_share"]["2026-Q1"] == 1.0


def test_a_store_without_an_as_of_date_is_keyed_by_today(tmp_path: Path):
    db = write_store(tmp_path / "s.duckdb", small_company())
    today = key_of(db, today=date(2026, 3, 1))
    assert key_of(db, today=date(2026, 3, 2)) != today
    assert key_of(db, today=date(2026, 3, 1)) == today
    assert load_or_compute(db).report.as_of == date.today()


def test_the_config_and_the_code_are_in_the_key(small_store: Path,
                                                monkeypatch: pytest.MonkeyPatch):  # fmt: skip
    key = key_of(small_store)
    assert key_of(small_store, config=HealthConfig(stale_days=7)) != key
    monkeypatch.setattr(cache_key, "code_fingerprint", lambda: "metrics edited")
    assert key_of(small_store) != key


def test_the_code_in_the_key_covers_every_module_that_computes_the_report(small_store: Path):
    """Every module of metrics/ or pipelines/ that a process loads to read the store and
    compute the report (and nothing else) is among the files the key fingerprints."""
    script = (
        "import sys, json\n"
        "from reporting import cache as report_cache\n"
        "found = report_cache.load_or_compute(sys.argv[1], write=False)\n"
        "assert found.source == 'computed' and found.report is not None\n"
        "loaded = [m.__file__ for n, m in list(sys.modules.items())\n"
        "          if n.split('.')[0] in ('metrics', 'pipelines')]\n"
        "print(json.dumps([loaded, [str(p) for p in report_cache.code_files()]]))\n"
    )
    env = {**os.environ, report_cache.ENABLE_VAR: "0"}
    result = subprocess.run([sys.executable, "-c", script, str(small_store)], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    loaded, fingerprinted = json.loads(result.stdout)
    assert {str(Path(f).resolve()) for f in loaded} <= set(fingerprinted)
    assert any(f.endswith("metrics/report.py") for f in fingerprinted)


def test_an_edit_made_outside_the_program_gives_a_new_key(small_store: Path):
    first = load_or_compute(small_store)
    conn = duckdb.connect(str(small_store))
    try:
        conn.execute("UPDATE key_results SET manual_score = 0.2 WHERE kr_id = 'k4'")
    finally:
        conn.close()
    after = load_or_compute(small_store)
    assert after.key != first.key and after.source == "computed"
    scores = after.report.key_results.set_index("kr_id")
    assert scores.at["k4", "score"] == pytest.approx(0.2)


def test_older_entries_are_removed(small_store: Path):
    keys = [load_or_compute(small_store).key]
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        with open_store(small_store) as conn:
            conn.execute("UPDATE settings SET value = ? WHERE key = 'as_of'", [day])
        keys.append(load_or_compute(small_store).key)
    assert entries(small_store) == sorted(keys[-1 - report_cache.KEEP_PREVIOUS :])


# --- never the reason something fails -----------------------------------------------------


@pytest.mark.parametrize("damage", ["frame", "manifest", "dtype", "missing file"])
def test_a_damaged_entry_is_computed_again(small_store: Path, damage: str):
    first = load_or_compute(small_store)
    entry = cache_dir(small_store) / first.key
    manifest = entry / "manifest.json"
    if damage == "frame":
        (entry / "005.arrow").write_bytes(b"not arrow at all")
    elif damage == "manifest":
        manifest.write_text(manifest.read_text()[:100])
    elif damage == "dtype":
        manifest.write_text(manifest.read_text().replace("dtype('float64')", "dtype('int64')"))
    else:
        (entry / "002.arrow").unlink()
    again = load_or_compute(small_store)
    assert again.source == "computed"
    same(computed(small_store)[1], again.report, "report")
    assert load_or_compute(small_store).source == "cache"  # and the entry was written anew


def test_a_folder_that_cannot_be_written_computes_in_memory(small_store: Path):
    cache_dir(small_store).write_text("a file where the folder would go")
    found = load_or_compute(small_store)
    assert found.source == "computed"
    same(computed(small_store)[1], found.report, "report")


def test_read_only_deployments_and_switched_off_caches_write_nothing(
    small_store: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OKR_HEALTH_READ_ONLY", "1")
    assert load_or_compute(small_store).source == "computed" and entries(small_store) == []
    monkeypatch.delenv("OKR_HEALTH_READ_ONLY")
    monkeypatch.setenv(report_cache.ENABLE_VAR, "0")
    assert load_or_compute(small_store).source == "computed" and entries(small_store) == []
    monkeypatch.delenv(report_cache.ENABLE_VAR)
    load_or_compute(small_store)
    monkeypatch.setenv("OKR_HEALTH_READ_ONLY", "1")  # a read-only deployment reads an entry
    assert load_or_compute(small_store).source == "cache"


# --- the surfaces --------------------------------------------------------------------------


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_dashboard_shows_the_same_tiles_with_and_without_the_cache(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    def fresh_process() -> None:  # what a server restart forgets
        st.cache_resource.clear()
        st.cache_data.clear()

    fresh_process()
    monkeypatch.setenv(report_cache.ENABLE_VAR, "0")
    without = open_app(demo_copy, monkeypatch)
    assert entries(demo_copy) == []
    monkeypatch.delenv(report_cache.ENABLE_VAR)
    fresh_process()
    computing = open_app(demo_copy, monkeypatch)
    assert len(entries(demo_copy)) == 1

    def no_analysis(*args, **kwargs):
        raise AssertionError("the report was computed, not read back")

    fresh_process()
    monkeypatch.setattr(report_cache, "analyse_parts", no_analysis)
    monkeypatch.setattr(report_cache, "update_report", no_analysis)
    monkeypatch.setattr("dashboard.state.scores_at_same_point", no_analysis)
    cached = open_app(demo_copy, monkeypatch)
    assert tiles(without) and tiles(without) == tiles(computing) == tiles(cached)
    assert [c.value for c in without.caption] == [c.value for c in cached.caption]
    fresh_process()


def test_ingest_warms_the_cache_and_summary_reads_it(tmp_path: Path):
    db = write_store(tmp_path / "s.duckdb", small_company(), as_of=date(2026, 3, 31))
    source = tmp_path / "more.csv"
    source.write_text("Quarter,Team,Objective,Key Result,Owner,Start,Target,Current\n"
                      "2026-Q1,Support,Answer faster,Reply time 10 → 5,Cy,10,5,7\n")  # fmt: skip
    env = {**os.environ, report_cache.ENABLE_VAR: "1"}
    loaded = subprocess.run([*CLI, "ingest", str(source), "--db", str(db)], env=env,
                            capture_output=True, text=True)  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    assert "\nloaded:" in loaded.stdout and "cached" in loaded.stdout
    assert source_in_a_new_process(db) == "cache"

    def summary(**extra: str) -> dict:
        result = subprocess.run([*CLI, "summary", "--json", "--db", str(db)], text=True,
                                capture_output=True, env={**env, **extra})  # fmt: skip
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    cached = summary()
    assert cached == summary(**{report_cache.ENABLE_VAR: "0"})
    assert cached["counts"]["objectives"] == 4 and cached["counts"]["key_results"] == 7
