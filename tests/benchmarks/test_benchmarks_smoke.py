"""The benchmark machinery on the tiny size: every measurement has its figures and a ratio
to its limit and to its peer (no timing is asserted: the machine is shared)."""

from __future__ import annotations

import json

import pytest

from benchmarks import run as bench
from benchmarks.measure import JOBS, ROLE


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = bench.run(
        ["T"], out_dir=out, data_dir=out / "data", repeat=1, isolate=False, log=lambda _: None
    )
    return out, result


def test_every_measurement_has_every_column_and_both_ratios(results):
    out, result = results
    rows = json.loads((out / "results.json").read_text())["rows"]
    assert [r["measurement"] for r in rows] == [m.name for m in bench.MEASUREMENTS]
    for row in rows:
        assert not row.get("errors"), row["errors"]
        assert set(bench.COLUMNS) <= set(row), row["measurement"]
        assert row["product_s"] > 0 and row["rows"] > 0 and row["peak_mb"] > 0
        assert row["limit_s"] > 0 and row["peer_s"] > 0
        assert row["of_limit"] > 0, f"{row['measurement']}: no ratio to the limit"
        assert row["vs_peer"] > 0, f"{row['measurement']}: no ratio to the peer"


def test_the_table_names_every_column_and_the_machine(results):
    out, result = results
    table = (out / "results.md").read_text()
    header = next(line for line in table.splitlines() if line.startswith("| size"))
    for column in ("product", "rows/s", "peak RSS", "limit", "product / limit", "peer",
                   "product vs peer", "target", "met"):  # fmt: skip
        assert f" {column} " in header or f" {column} (" in header, column
    assert len([line for line in table.splitlines() if line.startswith("| T |")]) == len(
        bench.MEASUREMENTS
    )
    machine = result["machine"]
    assert machine["nproc"] >= 1 and machine["cpu"] and machine["versions"]["duckdb"]
    assert "cores" in table and "duckdb" in table


def test_every_job_is_a_product_limit_or_peer_and_runs_in_its_own_process(results):
    out, _ = results
    assert set(ROLE) < set(JOBS)
    child = bench.run_job_child("summary_limit", "T", 7, out / "work", out / "data", 1)
    assert "error" not in child, child.get("error")
    assert child["maxrss_mb"] > 0
    assert child["results"]["summary_cold"]["rows"] > 0


def test_targets_are_judged_only_where_they_apply():
    rows = bench.assemble("M", [
        {"job": "csv_ingest", "maxrss_mb": 100.0,
         "results": {"csv_ingest": {"seconds": 2.0, "rows": 2_000_000}}},
        {"job": "csv_limit", "maxrss_mb": 100.0,
         "results": {"csv_ingest": {"seconds": 1.0, "rows": 1_000_000}}},
        {"job": "csv_peer", "maxrss_mb": 100.0,
         "results": {"csv_ingest": {"seconds": 8.0, "rows": 2_000_000}}},
    ])  # fmt: skip
    (row,) = rows
    assert row["of_limit"] == pytest.approx(1.0) and row["vs_peer"] == pytest.approx(4.0)
    assert row["met"] is True  # 1M rows/s and 100% of the limit


def test_the_report_is_checked_frame_by_frame_against_its_kept_digest(
    results, tmp_path, monkeypatch
):
    from benchmarks import measure
    from benchmarks.sizes import ensure
    from metrics.report import analyse
    from reporting.digest import report_digest

    out, result = results
    ctx = measure.Context(ensure("T", 7, out / "data"), out / "work" / "T")
    report = analyse(measure._read_store(ctx))
    monkeypatch.setattr(measure, "EXPECTED_DIR", tmp_path)
    assert measure.report_check(ctx, report) == {}  # no digest kept for these files

    kept = tmp_path / f"{ctx.files.folder.name}-report.json"
    frames = report_digest(report)
    kept.write_text(json.dumps({"commit": "abc1234", "frames": frames}))
    assert measure.report_check(ctx, report)["report_changed"] == []

    frames["trends"] = "0" * 64  # as if the trends had been computed differently
    kept.write_text(json.dumps({"commit": "abc1234", "frames": frames}))
    checked = measure.report_check(ctx, report)
    assert checked["report_changed"] == ["trends"]
    assert checked["report_frames"] == len(frames) and checked["report_reference"] == "abc1234"

    rows = [{**r, "detail": {**(r.get("detail") or {}), **checked}}
            if r["measurement"] == "summary_cold" else r for r in result["rows"]]  # fmt: skip
    table = bench.markdown({**result, "rows": rows})
    assert f"- T: **differs** in trends ({len(frames)} frames, digest taken at abc1234)" in table
