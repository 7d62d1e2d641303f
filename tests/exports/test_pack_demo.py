"""The demo company's closing packs as a department head gets them: small enough to mail,
findings that read in the right sense, names rather than ids, and charts with the page's
numbers. Files are written by `okr-health report`, as a user would."""

from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pytest

from exports import build_closing_pack
from exports.figures import movement_figure
from tests.exports.test_exports_pack import dataset_of, run
from tests.support.pages import plotly_values

PENTEST = "Work on 13 findings from the penetration test"
MAIL_LIMIT = 1_000_000  # bytes


@pytest.fixture(scope="module")
def engineering(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Engineering's packs for the demo's running quarter (the one every surface opens on)."""
    folder = tmp_path_factory.mktemp("engineering")
    out = {}
    for suffix in ("xlsx", "html"):
        path = folder / f"engineering.{suffix}"
        result = run("report", "--db", str(demo_store), "--team", "Engineering",
                     "--out", str(path))  # fmt: skip
        assert result.returncode == 0, result.stderr
        out[suffix] = path
    return out


def test_html_pack_is_small_enough_to_mail(engineering: dict[str, Path]):
    size = engineering["html"].stat().st_size
    assert size < MAIL_LIMIT, f"{size:,} bytes"
    assert engineering["html"].read_text().count("<svg") == 3


def _finding_rows(rows: list[tuple]) -> list[tuple]:
    return [r for r in rows if r[2] == PENTEST]


def test_excel_finding_reads_in_the_right_sense(engineering: dict[str, Path]):
    ws = openpyxl.load_workbook(engineering["xlsx"])["Findings"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("Category", "Finding", "About", "Team", "Evidence")
    found = _finding_rows(rows)
    assert len(found) == 1
    category, finding, _, team, evidence = found[0][:5]
    assert category == "Writing" and team == "Engineering Infrastructure"
    assert finding == "a key result names an activity, not an outcome"
    assert "names an activity" in evidence and "states an outcome" not in finding


def test_html_finding_reads_in_the_right_sense(engineering: dict[str, Path]):
    text = html.unescape(engineering["html"].read_text())
    findings = text[text.index('<section id="findings">') :]
    row = re.search(r"<tr>(?:(?!</tr>).)*" + re.escape(PENTEST) + r"(?:(?!</tr>).)*</tr>", findings)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))
    assert cells[:2] == ["Writing", "a key result names an activity, not an outcome"]
    assert "states an outcome, not an activity" not in text


def test_excel_names_units_owners_and_teams(engineering: dict[str, Path]):
    wb = openpyxl.load_workbook(engineering["xlsx"])
    assert wb["Summary"]["A2"].value.startswith("Department Engineering · cycle Q4 2026 (")
    objectives = list(wb["Objectives"].iter_rows(values_only=True))
    header = objectives[0]
    teams = {r[header.index("Team")] for r in objectives[1:]}
    owners = {r[header.index("Owner")] for r in objectives[1:]}
    assert "Engineering Infrastructure" in teams
    assert not any(re.fullmatch(r"[a-z0-9-]+", str(t or "")) for t in teams | owners), (
        teams | owners
    )


def test_html_charts_carry_the_numbers_of_the_page(demo_store: Path, engineering: dict[str, Path]):
    """The pack's movement chart shows each objective's mid-cycle and current score as the
    page's chart does, in the same order (sorted by movement), with whole titles."""
    pack = build_closing_pack(dataset_of(demo_store), None, "engineering")
    figure = movement_figure(pack.movement).to_plotly_json()
    mid, now = figure["data"][1], figure["data"][2]
    page = {
        "mid": [round(v, 2) for v in plotly_values(mid["x"])],
        "now": [round(v, 2) for v in plotly_values(now["x"])],
        "rows": [t.replace("<br>", " ") for t in figure["layout"]["yaxis"]["ticktext"]],
    }
    text = engineering["html"].read_text()
    svg = re.search(r'<svg id="chart-movement".*?</svg>', text, re.S)
    assert svg is not None
    marks = re.findall(r'<g class="move" ([^>]*)><title>([^<]*)</title>', svg.group(0))
    titles = [html.unescape(t).split("\n")[0] for _, t in marks]
    assert titles == page["rows"]  # the same objectives, in the same order, titles whole
    mids = [float(m) for d, _ in marks for m in re.findall(r'data-mid="([-0-9.]+)"', d)]
    nows = [float(m) for d, _ in marks for m in re.findall(r'data-now="([-0-9.]+)"', d)]
    assert mids == page["mid"] and nows == page["now"]
    deltas = [float(m) for d, _ in marks for m in re.findall(r'data-delta="([-+0-9.]+)"', d)]
    assert deltas == sorted(deltas, reverse=True) and len(deltas) > 10  # sorted by movement
    # The band chart counts the same key results as the pack's band table.
    counts = dict(re.findall(r'data-band="(\w+)" data-count="(\d+)"', text))
    assert {b: int(c) for b, c in counts.items()} == dict(
        zip(pack.bands["band"], pack.bands["key_results"], strict=True)
    )
