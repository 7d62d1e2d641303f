"""One fact, one home: the sweet spot set once (`OKR_HEALTH_SWEET_SPOT`) reaches the Overview,
both closing packs (their text and Excel's band rules) and the command line's summary.

The small company's graded key results score 0.6, 0.8, 0.667, 1 and 1: with the sweet spot
at 0.7–0.8 one of them (0.8) is in it, 0.6 and 0.667 are `mid` (0.5–0.7).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from metrics.scores.bands import BAND_COLORS
from tests.support.pages import chart_titled, charts, metric, open_app, plotly_values
from tests.support.stores import small_company, write_store

CLI = [sys.executable, "-m", "okr_health.cli"]
NEW = {"OKR_HEALTH_SWEET_SPOT": "0.7-0.8"}
OLD_TEXT = re.compile(r"0\.6\s*[–-]\s*0\.7")  # "0.6–0.7" or "0.6-0.7"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "OKR_HEALTH_SWEET_SPOT"}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=300, env={**environ, **(env or {})}
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "small.duckdb", small_company(), as_of=date(2026, 3, 31))


def test_summary_text_follows_the_setting_past_the_report_cache(store: Path):
    before = run("summary", "--db", str(store), "--cycle", "2026-Q1")
    assert before.returncode == 0, before.stderr
    assert "in the 0.6–0.7 sweet spot 40%" in before.stdout  # the default, now cached

    after = run("summary", "--db", str(store), "--cycle", "2026-Q1", env=NEW)
    assert after.returncode == 0, after.stderr
    assert "in the 0.7–0.8 sweet spot 20%" in after.stdout
    assert "bands: low 0  mid 2  sweet 1  high 0  maxed 2" in after.stdout
    assert not OLD_TEXT.search(after.stdout), after.stdout


def test_a_sweet_spot_that_is_not_two_scores_is_refused_with_the_variable(store: Path):
    result = run("summary", "--db", str(store), env={"OKR_HEALTH_SWEET_SPOT": "0.8-0.7"})
    assert result.returncode != 0
    assert "OKR_HEALTH_SWEET_SPOT must be two scores with 0 < low < high < 1" in result.stderr


def excel_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]


def test_excel_pack_text_and_band_rules_follow_the_setting(store: Path, tmp_path: Path):
    out = tmp_path / "ops.xlsx"
    result = run("report", "--db", str(store), "--cycle", "2026-Q1", "--team", "co",
                 "--out", str(out), env=NEW)  # fmt: skip
    assert result.returncode == 0, result.stderr
    texts = excel_texts(out)
    assert "Key results in the 0.7–0.8 sweet spot" in texts
    assert "Sweet spot (0.7–0.8)" in texts and "Mid (0.5–0.7)" in texts
    assert not [t for t in texts if OLD_TEXT.search(t)]

    rules = [  # (colour, formula) of every rule that colours a score by its band
        (rule.dxf.fill.bgColor.rgb[-6:], rule.formula[0])
        for ws in openpyxl.load_workbook(out)
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if rule.formula and rule.formula[0].startswith("AND(ISNUMBER(")
    ]
    assert rules, "the pack colours its score columns by band"
    colour = {band: c.lstrip("#").upper() for band, c in BAND_COLORS.items()}
    for fill, formula in rules:
        cell = formula.removeprefix("AND(ISNUMBER(").split(")")[0]
        s = f"ROUND({cell},9)"
        test = formula.removeprefix(f"AND(ISNUMBER({cell}),").removesuffix(")")
        if fill == colour["sweet"]:
            assert test == f"AND({s}>=0.7,{s}<=0.8)"
        elif fill == colour["mid"]:
            assert test == f"AND({s}>=0.5,{s}<0.7)"
        elif fill == colour["high"]:
            assert test == f"AND({s}>0.8,{s}<1.0)"
        elif fill == colour["low"]:
            assert test == f"{s}<0.5"
        assert "0.6" not in formula


def test_html_pack_follows_the_setting(store: Path, tmp_path: Path):
    out = tmp_path / "co.html"
    result = run("report", "--db", str(store), "--cycle", "2026-Q1", "--team", "co",
                 "--out", str(out), env=NEW)  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Key results in the 0.7–0.8 sweet spot" in page
    assert "Sweet spot (0.7–0.8)" in page
    assert "0.7–0.8 is the sweet spot" in page
    assert not OLD_TEXT.search(page)


def test_overview_follows_the_setting(store: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OKR_HEALTH_SWEET_SPOT", "0.7-0.8")
    at = open_app(store, monkeypatch)
    assert metric(at, "In the sweet spot") == "20%"
    tile = next(m for m in at.metric if m.label == "In the sweet spot")
    assert "scoring 0.7–0.8" in tile.help
    spec = chart_titled(at, "Key-result scores")
    counts = {t["name"]: sum(plotly_values(t["y"])) for t in spec["data"]}
    counts = {name: n for name, n in counts.items() if n}
    assert counts == {"Mid (0.5–0.7)": 2, "Sweet spot (0.7–0.8)": 1, "Maxed (1.0)": 2}
    shapes = spec["layout"]["shapes"]
    assert any(s["x0"] == 0.7 and s["x1"] == 0.8 for s in shapes), "the new sweet spot drawn"
    # Text that names bands (the histogram's 0.1-wide bins, "0.6–0.7" among them, are not bands).
    names = [str(t.get("name")) for f in charts(at) for t in f["data"]]
    notes = [str(a.get("text")) for f in charts(at) for a in f["layout"].get("annotations", [])]
    shown = [m.help or "" for m in at.metric] + names + notes + [m.value for m in at.markdown]
    assert not [t for t in shown if OLD_TEXT.search(t)]
