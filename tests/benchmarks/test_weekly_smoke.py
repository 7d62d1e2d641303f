"""The weekly-imports growth benchmark on the tiny size: its figures and their words (no
timing is asserted: the machine is shared)."""

from __future__ import annotations

from benchmarks.weekly import lines, measure


def test_weekly_imports_against_one_import(tmp_path, monkeypatch) -> None:
    result = measure("T", weeks=3, work=tmp_path, data_dir=tmp_path / "data")
    assert [w["week"] for w in result["per_week"]] == [1, 2, 3]
    assert all(w["store_mb"] > 0 and w["import_s"] > 0 for w in result["per_week"])
    assert set(result["ratios"]) == {"store_size", "weekly_import_median",
                                     "summary_after_last_week"}  # fmt: skip
    text = "\n".join(lines(result))
    assert "Weekly imports (T, 3 weeks, 10% of values changed a week)" in text
    assert "read_dataset" in text
