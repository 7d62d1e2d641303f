"""Monday's benchmark as one table: figure, product, reference, ratio, target, met.

CPU figures are the least of the repetitions with their range; a ratio divides the product's
least by the reference's least (for a rate, the product's rate by the reference's). The
targets are issue 26's; they are judged at every size, though the issue sets the report's
at L4.
"""

from __future__ import annotations

from typing import Any

FULL_CPU, FULL_MEMORY, UPDATED_CPU = 5.0, 3.0, 1.5  # × the limit report
INGEST_SHARE, INGEST_RATE = 0.5, 1e6  # of read_csv's rate; check-ins per CPU second
VIEW_CPU, FIRST_RENDER_S = 1.5, 1.0  # × the bare page; seconds at M
SAME = 1e-4  # the limit report's figures equal the product's to the fourth decimal


def _least(runs: list[dict[str, Any]], key: str = "cpu_s") -> float:
    return min(float(r[key]) for r in runs)


def _cpu(runs: list[dict[str, Any]], key: str = "cpu_s") -> str:
    values = [float(r[key]) for r in runs]
    if len(values) == 1:
        return f"{values[0]:.2f} s"
    return f"{min(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def _mb(runs: list[dict[str, Any]]) -> str:
    values = [float(r["peak_mb"]) for r in runs]
    return f"{min(values):.0f} MB ({min(values):.0f}–{max(values):.0f})"


def _row(figure: str, product: str, reference: str, ratio: float | None, target: str,
         met: bool | None, ratio_text: str | None = None) -> dict[str, Any]:  # fmt: skip
    text = ratio_text if ratio_text is not None else ("–" if ratio is None else f"{ratio:.2f}×")
    return {"figure": figure, "product": product, "reference": reference, "ratio": ratio,
            "ratio_text": text, "target": target, "met": met}  # fmt: skip


def _report_rows(f: dict[str, Any]) -> list[dict[str, Any]]:
    full, limit1 = f["full"], f["limit_first"]
    updated, limit2 = f["updated"], f["limit_monday"]
    cpu_full = _least(full) / _least(limit1)
    mem_full = _least(full, "peak_mb") / _least(limit1, "peak_mb")
    cpu_updated = _least(updated) / _least(limit2)
    mem_updated = _least(updated, "peak_mb") / _least(limit2, "peak_mb")
    sources = sorted({r["source"] for r in updated})
    rows = [
        _row("limit report (DuckDB SQL), first load: CPU", "–", _cpu(limit1), None,
             "the denominator", None),
        _row("full report, cold: CPU", _cpu(full), _cpu(limit1), cpu_full,
             f"≤ {FULL_CPU:g}×", cpu_full <= FULL_CPU),
        _row("full report, cold: peak memory", _mb(full), _mb(limit1), mem_full,
             f"≤ {FULL_MEMORY:g}×", mem_full <= FULL_MEMORY),
        _row(f"report after Monday's import ({'/'.join(sources)}): CPU", _cpu(updated),
             _cpu(limit2), cpu_updated, f"≤ {UPDATED_CPU:g}×", cpu_updated <= UPDATED_CPU),
        _row("report after Monday's import: peak memory", _mb(updated), _mb(limit2),
             mem_updated, f"≤ {FULL_MEMORY:g}×", mem_updated <= FULL_MEMORY),
    ]  # fmt: skip
    check = f["check"]
    same = not check["differ"]
    rows.append(_row("report after Monday's import = a full computation",
                     f"equal ({check['frames']} frames)" if same
                     else "differs: " + ", ".join(check["differ"]),
                     "full computation", None, "equal", same))  # fmt: skip
    compared = (full[0].get("versus_limit") or {}) if full else {}
    if compared:
        worst = max((v["max_abs_diff"] or 0.0) for v in compared.values())
        missing = sum(v["missing_on_one_side"] for v in compared.values())
        detail = ", ".join(f"{k} {v['max_abs_diff'] or 0:.1e}" for k, v in compared.items())
        rows.append(_row("product's figures − limit report's (max abs diff)",
                         detail + (f"; {missing} graded on one side only" if missing else ""),
                         "limit report", None, f"≤ {SAME:g}", worst <= SAME and not missing,
                         f"{worst:.1e}"))  # fmt: skip
    return rows


def _ingest_rows(f: dict[str, Any], which: str, label: str) -> list[dict[str, Any]]:
    mine, theirs = f[f"ingest_{which}"], f[f"read_csv_{which}"]
    rate = mine[0]["check_ins"] / _least(mine)
    limit_rate = theirs[0]["check_ins"] / _least(theirs)
    share = rate / limit_rate
    return [
        _row(f"CSV ingest, {label}: CPU", _cpu(mine), _cpu(theirs), _least(mine) /
             _least(theirs), "–", None),
        _row(f"CSV ingest, {label}: check-ins per CPU second", f"{rate / 1e6:.2f}M",
             f"{limit_rate / 1e6:.2f}M (read_csv)", share, f"≥ {INGEST_SHARE:.0%} of read_csv",
             share >= INGEST_SHARE, f"{share:.0%}"),
        _row(f"CSV ingest, {label}: ≥ 1M check-ins per CPU second", f"{rate / 1e6:.2f}M", "–",
             None, "≥ 1M/s", rate >= INGEST_RATE),
    ]  # fmt: skip


def _view_rows(views: dict[str, Any], where: str) -> list[dict[str, Any]]:
    if "error" in views:
        return [_row(f"page views ({where})", "error: " + views["error"].splitlines()[-1], "–",
                     None, "–", None)]  # fmt: skip
    mine, theirs = views["view_cpu_s"], views["reference_view_cpu_s"]
    ratio = mine / theirs if theirs else None  # a bare page's view may round to no tick
    low, high = views["view_cpu_range"]
    ref_low, ref_high = views["reference_view_cpu_range"]
    rows = [_row(f"server CPU per page view, mean ({where})",
                 f"{mine:.3f} s (runs {low:.3f}–{high:.3f})",
                 f"{theirs:.3f} s (runs {ref_low:.3f}–{ref_high:.3f}) bare page", ratio,
                 f"≤ {VIEW_CPU:g}× bare",
                 None if ratio is None else ratio <= VIEW_CPU)]  # fmt: skip
    if where != "demo":
        first, worst = views["first_render_s"], views["first_render_worst_s"]
        reference = views["reference_first_render_s"]
        rows += [
            _row(f"first render, new viewer, Overview ({where})", f"{first:.2f} s",
                 f"{reference:.2f} s bare page", first / reference,
                 f"≤ {FIRST_RENDER_S:g} s idle", first <= FIRST_RENDER_S),
            _row(f"first render, new viewer, slowest page: {views['first_render_worst_page']}"
                 f" ({where})", f"{worst:.2f} s", f"{reference:.2f} s bare page",
                 worst / reference, f"≤ {FIRST_RENDER_S:g} s idle", worst <= FIRST_RENDER_S),
        ]  # fmt: skip
    return rows


def rows_of(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's rows from `benchmarks.monday.measure`'s figures."""
    rows = _report_rows(figures)
    rows += _ingest_rows(figures, "first", "first load")
    rows += _ingest_rows(figures, "monday", "Monday's import")
    first, monday = _least(figures["ingest_first"]), _least(figures["ingest_monday"])
    rows.append(_row("Monday's import / the first load (CPU)", _cpu(figures["ingest_monday"]),
                     _cpu(figures["ingest_first"]), monday / first, "–", None))  # fmt: skip
    for key in sorted((k for k in figures if k.startswith("views_")),
                      key=lambda k: k != "views_demo"):  # fmt: skip
        rows += _view_rows(figures[key], key.removeprefix("views_"))
    return rows


def markdown(result: dict[str, Any]) -> str:
    """The table with the machine, the load before and after, the commit and the sizes."""
    m, f = result["machine"], result["figures"]
    rows = f["files"]["rows"]
    lines = [
        f"Monday morning at {f['size']} ({rows['key_results']:,} key results, "
        f"{rows['check_ins']:,} check-ins; Monday: {f['week']['changed']:,} key results with "
        f"a new check-in on {f['week']['day']}); {f['repeat']} repetitions, product and "
        "reference in turn, each in a fresh process; CPU seconds (least, range).",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB; Python {m['python']};"
        f" duckdb {m['versions']['duckdb']}, pandas {m['versions']['pandas']}, streamlit "
        f"{m['versions']['streamlit']}; commit {m['commit']}; load average "
        f"{result['load_before']} before, {result['load_after']} after (1/5/15 min).",
        "",
        "| figure | product | reference | ratio | target | met |",
        "|---|---|---|---:|---|---|",
    ]
    for r in result["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        lines.append(f"| {r['figure']} | {r['product']} | {r['reference']} | "
                     f"{r['ratio_text']} | {r['target']} | {met} |")  # fmt: skip
    return "\n".join(lines) + "\n"
