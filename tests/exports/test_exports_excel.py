"""The closing pack as Excel: written by `okr-health report`, read back with openpyxl."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart
from openpyxl.workbook.workbook import Workbook

from exports import build_closing_pack, pack_to_xlsx_bytes
from metrics.scores.bands import BAND_COLORS, BANDS
from tests.exports.test_exports_pack import HOSTILE, dataset_of, hostile_company, run
from tests.support.stores import small_company, write_store

SHEETS = ["Brief", "Summary", "Objectives", "Key results", "Movement", "Findings"]


def report_xlsx(db: Path, out: Path, team: str, cycle: str) -> Workbook:
    result = run("report", "--db", str(db), "--cycle", cycle, "--team", team, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return openpyxl.load_workbook(out)


def cli_scores(db: Path, cycle: str, level: str) -> dict[str, float | None]:
    result = run("scores", "--db", str(db), "--cycle", cycle, "--level", level, "--format", "json")
    assert result.returncode == 0, result.stderr
    key = "kr_id" if level == "key_result" else "objective_id"
    return {row[key]: row["score"] for row in json.loads(result.stdout)}


def rows(ws) -> list[dict]:
    """A table sheet's rows as dicts keyed by the header row."""
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def column_of(ws, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == header)


@pytest.fixture(scope="module")
def small_xlsx(tmp_path_factory: pytest.TempPathFactory):
    db = write_store(tmp_path_factory.mktemp("x") / "s.duckdb", small_company(), date(2026, 3, 31))
    out = db.with_name("ops.xlsx")
    return db, report_xlsx(db, out, "ops", "2026-Q1")


def test_sheets_and_scores_agree_with_the_scores_command(small_xlsx):
    db, wb = small_xlsx
    assert wb.sheetnames == SHEETS
    objective_scores = cli_scores(db, "2026-Q1", "objective")
    objectives = rows(wb["Objectives"])
    assert {r["ID"] for r in objectives} == {"o-ops", "o-ops2"}
    for r in objectives:
        assert r["Score"] == pytest.approx(objective_scores[r["ID"]])
        assert r["Notes"] is None
    kr_scores = cli_scores(db, "2026-Q1", "key_result")
    krs = rows(wb["Key results"])
    assert [r["ID"] for r in krs] == ["k3", "k4", "k5", "k6"]
    for r in krs:
        expected = kr_scores[r["ID"]]
        assert r["Score"] is None if expected is None else r["Score"] == pytest.approx(expected)


def test_demo_department_scores_agree_with_the_scores_command(demo_store: Path, tmp_path: Path):
    dataset = dataset_of(demo_store)
    departments = dataset.teams[dataset.teams["level"] == "department"]["team_id"].tolist()
    cycle = "2026-Q3"  # a finished quarter
    wb = report_xlsx(demo_store, tmp_path / "dept.xlsx", departments[0], cycle)
    expected = cli_scores(demo_store, cycle, "objective")
    objectives = rows(wb["Objectives"])
    assert len(objectives) > 3
    for r in objectives:
        assert (r["Score"] is None and expected[r["ID"]] is None) or r["Score"] == pytest.approx(
            expected[r["ID"]], abs=1e-6
        )
    expected_krs = cli_scores(demo_store, cycle, "key_result")
    for r in rows(wb["Key results"]):
        want = expected_krs[r["ID"]]
        assert (r["Score"] is None and want is None) or r["Score"] == pytest.approx(want, abs=1e-6)


def test_summary_has_the_headline_the_comparison_and_a_band_chart(small_xlsx):
    _, wb = small_xlsx
    ws = wb["Summary"]
    labels = {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row[0]}
    assert labels["Objectives"][0] == 2 and labels["Key results graded"][0] == 3
    assert labels["Mean objective score"][0] == pytest.approx((5 / 6 + 1) / 2)
    assert labels["Key results in the 0.6–0.7 sweet spot"][0] == pytest.approx(1 / 3)
    assert labels["Figure"][:4] == ("Operations Q1 2026", "No earlier cycle", "Change",
                                    "Company Q1 2026")  # fmt: skip
    assert labels["Mean objective score"][1:4] == (None, None, pytest.approx((0.7 + 5 / 6 + 1) / 3))
    assert labels["Sweet spot (0.6–0.7)"][0] == 1  # the band table
    charts = ws._charts
    assert len(charts) == 1 and isinstance(charts[0], BarChart)
    assert ws.page_setup.orientation == "landscape"


def test_band_colours_are_conditional_formatting_rules(small_xlsx):
    _, wb = small_xlsx
    for name in ("Objectives", "Key results"):
        ws = wb[name]
        band = column_of(ws, "Band")
        rules = {
            rule.formula[0]: rule.dxf.fill.bgColor.rgb
            for cf in ws.conditional_formatting
            for rule in cf.rules
        }
        for b in BANDS:
            assert rules[f'${band}2="{b}"'][-6:] == BAND_COLORS[b].lstrip("#").upper()
        ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
        assert f"{column_of(ws, 'Score')}2:{band}{ws.max_row}" in ranges


def test_every_table_sheet_prints(small_xlsx):
    _, wb = small_xlsx
    frozen = {"Objectives": "B2", "Key results": "A2", "Movement": "A2", "Findings": "A2"}
    for name, cell in frozen.items():
        ws = wb[name]
        assert ws.freeze_panes == cell
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert all(6 <= w <= 60 for w in widths), widths
    krs = wb["Key results"]
    formats = {c.value: krs.cell(row=3, column=c.column).number_format for c in krs[1]}
    assert formats["Score"] == "0.00" and formats["Confidence"] == "0%"


def test_dates_and_shares_have_their_formats(small_store: Path):
    pack = build_closing_pack(dataset_of(small_store), "2026-Q1", "sales")
    wb = openpyxl.load_workbook(io.BytesIO(pack_to_xlsx_bytes(pack)))
    ws = wb["Key results"]
    headers = [c.value for c in ws[1]]
    k2 = next(r for r in ws.iter_rows(min_row=2) if r[headers.index("ID")].value == "k2")
    checked = k2[headers.index("Last check-in")]
    assert checked.value.date() == date(2026, 2, 10) and checked.number_format == "yyyy-mm-dd"
    confidence = k2[headers.index("Confidence")]
    assert confidence.value == pytest.approx(0.7) and confidence.number_format == "0%"
    movement = rows(wb["Movement"])
    assert movement[0]["Objective"] == "Grow email revenue"
    assert movement[0]["Now"] == pytest.approx(0.7)
    assert movement[0]["Change"] == pytest.approx(-0.1)


def test_hostile_text_stays_text(tmp_path: Path):
    db = write_store(tmp_path / "hostile.duckdb", hostile_company(), as_of=date(2026, 3, 31))
    out = tmp_path / "hostile.xlsx"
    wb = report_xlsx(db, out, "co", "2026-Q1")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value: dict[object, list] = {}
    for c in cells:
        by_value.setdefault(c.value, []).append(c)
    for text in HOSTILE.values():
        found = by_value.get(text)
        assert found, f"{text!r} is not in any cell"
        assert all(c.data_type == "s" for c in found)
    assert {c.parent.title for c in by_value[HOSTILE["formula"]]} == {
        "Objectives", "Key results", "Movement"
    }  # fmt: skip
    assert "Findings" in {c.parent.title for c in by_value[HOSTILE["at"]]}  # the broken link
    assert by_value["R&D <Ops>"][0].data_type == "s"
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", xml) for xml in sheets)  # no formula anywhere
