"""The closing pack as one standalone HTML page: opens offline, prints cleanly.

The charts are inline SVG drawn by `exports.svg_charts` (no chart library, no script: a
department's pack is tens of kilobytes, small enough to mail); the page loads nothing from
the network (its Content-Security-Policy forbids it: no CDN, no web fonts, no script). Every
user string is HTML-escaped. For print, tables repeat their header row, rows are never split,
charts scale to the page width, and the scorecards gain an empty Notes column to write on.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from exports.closing_pack import COLUMNS, ClosingPack, Col
from exports.pack_brief import brief_html
from exports.pack_tiles import pack_tiles
from exports.svg_charts import band_svg, movement_svg, objective_scores_svg
from metrics.scores.bands import BAND_COLORS, BANDS, band_labels, score_bands

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
_DARK_TEXT = {"mid", "high"}  # bands whose colour needs dark text
_NUMERIC = {"score", "share", "int", "number", "delta"}
# Free text that may be long wraps anywhere; everything else stays on one line.
_LONG = {"objective", "title", "item", "aligned_to", "subject", "detail", "team", "owner",
         "finding"}  # fmt: skip
_IDS = {"objective_id", "kr_id"}

CSS = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --head: #374151; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: var(--ink); margin: 0; background: #f9fafb; line-height: 1.4; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
header h1 { font-size: 1.7rem; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
nav.toc { margin: 14px 0 4px; font-size: .9rem; }
nav.toc a { color: var(--head); margin-right: 14px; }
section { margin-top: 30px; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .value { font-size: 1.6rem; font-weight: 600; }
.tile .label { font-size: .85rem; color: var(--muted); }
.tile .vs { font-size: .8rem; color: var(--muted); margin-top: 2px; }
table.data { border-collapse: collapse; width: 100%; font-size: .85rem; margin-top: 10px; }
table.data th { background: var(--head); color: #fff; text-align: left; padding: 5px 7px;
                font-weight: 600; }
table.data td { border-bottom: 1px solid var(--line); padding: 4px 7px; vertical-align: top; }
table.data td.long { overflow-wrap: anywhere; min-width: 10em; }
table.data td.short { white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; }
table.data td.num { white-space: nowrap; }
table.data tr.objective-row td { font-weight: 600; background: #f3f4f6; }
table.data tr.kr-row td:first-child { padding-left: 22px; }
table.data tr.group-row td { font-weight: 600; background: #f3f4f6; padding-top: 7px; }
div.table { overflow-x: auto; }
.side { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 20px;
        align-items: center; }
.chip { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: .78rem;
        white-space: nowrap; }
.up { color: #1a7f37; } .down { color: #c62828; }
.chart { margin-top: 8px; }
.chart svg { display: block; width: 100%; height: auto; max-width: 1000px; }
.running { border-left: 4px solid #c2410c; background: #fff7ed; padding: 8px 12px;
           margin: 12px 0 0; }
.empty, .note { color: var(--muted); font-style: italic; }
.notes { display: none; }
footer { margin-top: 36px; color: var(--muted); font-size: .8rem; }
@page { size: landscape; margin: 12mm; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none !important; }
  section { break-before: auto; }
  h2 { break-after: avoid; }
  .chart { break-inside: avoid; }
  div.table { overflow: visible; }
  table.data { font-size: 8.5pt; }
  table.data thead { display: table-header-group; }
  table.data tr { break-inside: avoid; }
  table.data tr.group-row { break-after: avoid; }
  .notes { display: table-cell; min-width: 45mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def fmt(value: Any, kind: str) -> str:
    """A value as text for a table cell (already escaped)."""
    if _missing(value):
        return ""
    if kind == "score":
        return f"{value:.2f}"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "int":
        return str(int(value))
    if kind == "number":
        return _number(value)
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "delta":
        arrow = "▲" if value > 0.0049 else "▼" if value < -0.0049 else ""
        css = "up" if arrow == "▲" else "down" if arrow == "▼" else ""
        return f'<span class="{css}">{arrow} {value:+.2f}</span>'
    if kind == "band":
        return f'<span class="chip band-{esc(value)}">{esc(value)}</span>'
    return esc(value)


def _table(
    frame: pd.DataFrame,
    cols: list[Col],
    notes: bool = False,
    row_class: pd.Series | None = None,
    group: tuple[str, str] | None = None,
) -> str:
    """An HTML table of `frame`'s `cols` (ids left out: they are for the Excel file).

    With `group` = (id column, label column), rows are grouped under a heading row each time
    the id changes, and the label column is not repeated on every row.
    """
    if frame.empty:
        return '<p class="empty">Nothing to show.</p>'
    cols = [c for c in cols if c.key not in _IDS and (group is None or c.key != group[1])]
    css = {
        c.key: "num" if c.kind in _NUMERIC else "long" if c.key in _LONG else "short" for c in cols
    }
    head = "".join(f'<th class="{css[c.key]}">{esc(c.header)}</th>' for c in cols)
    if notes:
        head += '<th class="notes">Notes</th>'
    columns = {c.key: frame[c.key].tolist() for c in cols}
    classes = row_class.tolist() if row_class is not None else [""] * len(frame)
    width = len(cols) + int(notes)
    groups = frame[group[0]].tolist() if group else [None] * len(frame)
    labels = frame[group[1]].tolist() if group else [None] * len(frame)
    body = []
    for i in range(len(frame)):
        if group and (i == 0 or groups[i] != groups[i - 1]):
            body.append(f'<tr class="group-row"><td colspan="{width}">{esc(labels[i])}</td></tr>')
        cells = [f'<td class="{css[c.key]}">{fmt(columns[c.key][i], c.kind)}</td>' for c in cols]
        if notes:
            cells.append('<td class="notes"></td>')
        row = f' class="{esc(classes[i])}"' if classes[i] else ""
        body.append(f"<tr{row}>{''.join(cells)}</tr>")
    return (
        f'<div class="table"><table class="data"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _movement_table(movement: pd.DataFrame) -> str:
    """Objective rows with their key results indented below, in one column."""
    is_kr = movement["level"] == "key result"
    frame = movement.assign(item=movement["key_result"].where(is_kr, movement["objective"]))
    cols = [Col("item", "Objective / key result"), *COLUMNS["movement"][2:]]
    return _table(frame, cols, row_class=is_kr.map({True: "kr-row", False: "objective-row"}))


def _band_css() -> str:
    rules = []
    for band in BANDS:
        text = "#111827" if band in _DARK_TEXT else "#ffffff"
        rules.append(f".band-{band} {{ background: {BAND_COLORS[band]}; color: {text}; }}")
    return "\n".join(rules)


def _tiles(pack: ClosingPack) -> str:
    tiles = []
    for tile in pack_tiles(pack, None):
        vs = f'<div class="vs">{esc(tile.delta)}</div>' if tile.delta else ""
        tiles.append(
            f'<div class="tile"><div class="value">{esc(tile.value)}</div>'
            f'<div class="label">{esc(tile.label)}</div>{vs}</div>'
        )
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _comparison(pack: ClosingPack) -> str:
    """The unit against itself in the cycle before, with the company in this cycle beside."""
    if pack.against.cycle_id is None:
        return f'<p class="note">{esc(pack.against.note)}</p>'
    before = f"{pack.unit_name} {pack.against.cycle_name}"
    if pack.against.same_point:
        before += f" as of {pack.against.same_point}"
    rows = []
    for figure, kind, unit, previous, diff, company in pack.comparison.itertuples(index=False):
        delta = "" if _missing(diff) else (f"{diff:+.0%}" if kind == "share" else f"{diff:+.2f}")
        rows.append(
            f"<tr><td>{esc(figure)}</td><td class='num'>{fmt(unit, kind)}</td>"
            f"<td class='num'>{fmt(previous, kind)}</td><td class='num'>{delta}</td>"
            f"<td class='num'>{fmt(company, kind)}</td></tr>"
        )
    return (
        f'<p class="note">{esc(pack.against.note)}</p>'
        '<table class="data" id="against"><thead><tr><th>Figure</th>'
        f'<th class="num">{esc(pack.unit_name)} {esc(pack.cycle_name)}</th>'
        f'<th class="num">{esc(before)}</th><th class="num">Change</th>'
        f'<th class="num">Company {esc(pack.cycle_name)}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _meta(pack: ClosingPack) -> str:
    period = " – ".join(str(d) for d in (pack.cycle_start, pack.cycle_end) if d)
    parts = [
        f"{esc(pack.unit_level.capitalize())} <b>{esc(pack.unit_name)}</b>",
        f"cycle <b>{esc(pack.cycle_name)}</b>" + (f" ({esc(period)})" if period else ""),
        f"as of {esc(pack.as_of)}",
    ]
    return " · ".join(parts)


def _running(pack: ClosingPack) -> str:
    notice = pack.standing.notice(pack.cycle_name, pack.as_of)
    return f'<p class="running" id="running">{esc(notice)}</p>' if notice else ""


def _movement_note(pack: ClosingPack) -> str:
    if pack.midpoint is None:
        return "The cycle has no dates, so there is no mid-point to compare with."
    if not pack.midpoint_reached:
        return f"The cycle's mid-point ({pack.midpoint}) has not been reached yet."
    return (
        f"Mid-cycle scores are the scores as of {pack.midpoint}, from the check-ins made by "
        "then; a key result with no check-in by then has none."
    )


def pack_to_html(pack: ClosingPack) -> str:
    """The pack as one self-contained HTML document (str)."""
    labels = band_labels()
    legend = " ".join(f'<span class="chip band-{b}">{esc(labels[b])}</span>' for b in BANDS)
    sections = [
        ("brief", "Brief", brief_html(pack.brief)),
        (
            "summary",
            "Summary",
            _tiles(pack) + "<h3>Against the previous cycle</h3>" + _comparison(pack),
        ),
        *(
            [("off-track", "Behind or at risk", _table(pack.off_track, COLUMNS["off_track"]))]
            if pack.standing.running
            else []
        ),
        (
            "bands",
            "Scores per band",
            f'<div class="side"><div class="chart">{band_svg(pack.bands)}</div>'
            f"{_table(pack.bands, COLUMNS['bands'])}</div>",
        ),
        (
            "objectives",
            "Objectives",
            f'<div class="chart">{objective_scores_svg(pack.objectives)}</div>'
            + _table(pack.objectives, COLUMNS["objectives"], notes=True),
        ),
        (
            "movement",
            "Movement since mid-cycle",
            f'<p class="note">{esc(_movement_note(pack))}</p>'
            f'<div class="chart">{movement_svg(pack.movement)}</div>'
            + _movement_table(pack.movement),
        ),
        (
            "key-results",
            "Key results",
            _table(
                pack.key_results,
                COLUMNS["key_results"],
                notes=True,
                group=("objective_id", "objective"),
            ),
        ),
        ("findings", "Findings", _table(pack.findings, COLUMNS["findings"])),
    ]
    toc = "".join(f'<a href="#{sid}">{esc(title)}</a>' for sid, title, _ in sections)
    body = "".join(
        f'<section id="{sid}"><h2>{esc(title)}</h2>{content}</section>'
        for sid, title, content in sections
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="OKR Health">
<title>{esc(pack.title)}</title>
<style>{CSS}
{_band_css()}</style>
</head>
<body>
<main>
<header><h1>{esc(pack.title)}</h1><p>{_meta(pack)}</p>{_running(pack)}
<p>Bands: {legend}</p></header>
<nav class="toc">{toc}</nav>
{body}
<footer>Made with OKR Health. Scores follow the OKR scoring rules:
{score_bands().sweet_text()} is the sweet spot; a low score is information, not failure.</footer>
</main>
</body>
</html>
"""
