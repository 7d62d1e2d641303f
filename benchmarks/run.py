"""The benchmark suite: every product figure beside its limit and its peer, measured in the
same run on the same files, for each size.

    python -m benchmarks.run --sizes S,M          # make bench
    python -m benchmarks.run --sizes S,M,L2,L     # make bench-l (L takes a long while)

Each job runs in a fresh process (`benchmarks.measure`), so a peak memory figure is that
job's own and a cold start is cold. Writes `benchmarks/out/results.json` and
`benchmarks/out/results.md` (the table, the targets met or not, growth with size, and the
machine). The machine is shared: compare ratios, not seconds, across runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.sizes import SIZES, ensure
from demo_company.generate import DEMO_SEED

PROJECT_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "out"
PAGE_SIZES = {"T", "S", "M"}  # first page render is measured up to M
PAGE_MEASUREMENTS = {"page_render", "page_render_cached"}
COLUMNS = [
    "size", "measurement", "product_s", "rows", "rows_per_s", "peak_mb", "limit_s",
    "of_limit", "peer_s", "vs_peer", "target", "met",
]  # fmt: skip


@dataclass(frozen=True)
class Measurement:
    name: str
    label: str
    jobs: tuple[str, ...]  # product job first; jobs shared by several measurements run once


MEASUREMENTS = (
    Measurement("csv_ingest", "CSV ingest, end to end", ("csv_ingest", "csv_limit", "csv_peer")),
    Measurement("xlsx_ingest", "XLSX flat sheet ingest, end to end",
                ("xlsx_ingest", "xlsx_limit", "xlsx_peer")),
    Measurement("summary_cold", "summary, cold (fresh process: read + analyse + summary)",
                ("summary", "summary_limit", "summary_peer")),
    Measurement("summary_warm", "summary, warm (the dashboard's cached layer + summary)",
                ("summary_again", "summary_limit", "summary_peer")),
    Measurement("summary_recompute", "summary recomputed (dataset in memory: analyse + summary)",
                ("summary_again", "summary_limit", "summary_peer")),
    Measurement("filter_change", "filter change on the dashboard's data layer",
                ("filter_change",)),
    Measurement("page_render", "first render of the Overview (AppTest)",
                ("page_render", "page_limit", "page_peer")),
    Measurement("summary_cold_cached",
                "summary, cold with the report cache (fresh process: key + the kept summary)",
                ("summary_cached", "summary_limit", "summary_peer")),
    Measurement("cache_warm",
                "writing the report cache after an import (fresh process: read + analyse + write)",
                ("summary_cached", "summary_limit", "summary_peer")),
    Measurement("page_render_cached", "first render of the Overview with the report cache",
                ("page_render_cached", "page_limit", "page_peer")),
)  # fmt: skip


@dataclass(frozen=True)
class Target:
    text: str
    sizes: frozenset[str]
    check: Callable[[dict[str, Any]], bool]


LARGE = frozenset({"M", "L2", "L4", "L"})
SMALL = frozenset({"T", "S"})  # fixed costs dominate: growth is judged from M up
LINEAR_K = 1.1  # time ∝ rows^k; up to 1.1 is linear within a shared machine's noise
TARGETS: dict[str, list[Target]] = {
    "csv_ingest": [
        Target("≥ 30% of DuckDB read_csv's rate", LARGE, lambda r: r["of_limit"] >= 0.3),
        Target("≥ 1M rows/s", LARGE, lambda r: r["rows_per_s"] >= 1e6),
    ],
    "xlsx_ingest": [
        Target("≥ 50% of calamine's rate", frozenset({"M"}), lambda r: r["of_limit"] >= 0.5),
        Target("≥ 5× the openpyxl peer", frozenset({"M"}), lambda r: r["vs_peer"] >= 5),
    ],
    "summary_warm": [Target("< 1 s", frozenset({"M"}), lambda r: r["product_s"] < 1)],
    "summary_cold": [
        Target("≤ 4 s", frozenset({"L4"}), lambda r: r["product_s"] <= 4),
        Target("≤ 10 s", frozenset({"L"}), lambda r: r["product_s"] <= 10),
        Target("peak < 4 GB", frozenset({"L"}), lambda r: r["peak_mb"] < 4096),
    ],
    "filter_change": [Target("< 1 s", frozenset({"M"}), lambda r: r["product_s"] < 1)],
    "page_render": [Target("≤ 2 s", frozenset({"M"}), lambda r: r["product_s"] <= 2)],
    "page_render_cached": [Target("< 3 s", frozenset({"M"}), lambda r: r["product_s"] < 3)],
    "summary_cold_cached": [
        Target("< 1 s", frozenset({"M"}), lambda r: r["product_s"] < 1),
        Target("≤ 0.5 s", frozenset({"L4"}), lambda r: r["product_s"] <= 0.5),
    ],
}


def jobs_for(size: str) -> list[str]:
    has_xlsx = SIZES[size].flat_xlsx
    jobs: list[str] = []
    for m in MEASUREMENTS:
        if m.name == "xlsx_ingest" and not has_xlsx:
            continue
        if m.name in PAGE_MEASUREMENTS and size not in PAGE_SIZES:
            continue
        jobs += [j for j in m.jobs if j not in jobs]
    # the product's CSV ingest writes the store the summary, filter and page jobs read
    jobs.remove("csv_ingest")
    return ["csv_ingest", *jobs]


def machine() -> dict[str, Any]:
    def cpu_model() -> str:
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return platform.processor() or "unknown"

    def memory_gb() -> float | None:
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
        except OSError:
            pass
        return None

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "-"

    def git(*args: str) -> str:
        try:
            out = subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True)
            return out.stdout.strip()
        except OSError:
            return ""

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gb": memory_gb(),
        "cpu": cpu_model(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("duckdb", "pandas", "pyarrow", "numpy",
                                             "python-calamine", "openpyxl", "streamlit")},
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_product_files": len(
            git("status", "--short", "--", "pipelines", "metrics", "dashboard").splitlines()
        ),
        "started": datetime.now().isoformat(timespec="seconds"),
    }  # fmt: skip


def run_job_child(job: str, size: str, seed: int, work: Path, data: Path | None,
                  repeat: int) -> dict[str, Any]:  # fmt: skip
    cmd = [sys.executable, "-m", "benchmarks.measure", job, "--size", size, "--seed", str(seed),
           "--work", str(work), "--repeat", str(repeat)]  # fmt: skip
    if data is not None:
        cmd += ["--data", str(data)]
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        return {"job": job, "error": "\n".join(tail)}
    outcome: dict[str, Any] = json.loads(lines[-1])
    return outcome


def run_job_here(job: str, size: str, seed: int, work: Path, data: Path | None,
                 repeat: int) -> dict[str, Any]:  # fmt: skip
    ctx = measure.Context(ensure(size, seed, data), work / size, repeat)
    try:
        return measure.run_job(job, ctx)
    except Exception as exc:  # reported in the table, not fatal to the run
        return {"job": job, "error": f"{type(exc).__name__}: {exc}"}


def _ratio(
    product: dict[str, Any] | None, other: dict[str, Any] | None, faster_is_higher: bool
) -> float | None:
    """product rate / other rate (rows per second when both count rows, else by time)."""
    if not product or not other or not product["seconds"] or not other["seconds"]:
        return None
    mine: float
    theirs: float
    if product["rows"] and other["rows"]:
        mine, theirs = product["rows"] / product["seconds"], other["rows"] / other["seconds"]
    else:
        mine, theirs = 1 / product["seconds"], 1 / other["seconds"]
    return mine / theirs if faster_is_higher else theirs / mine


def assemble(size: str, outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per measurement of a size: product, limit and peer side by side."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for out in outputs:
        if "error" in out:
            errors[out["job"]] = out["error"]
            continue
        role = measure.ROLE.get(out["job"], "product")
        for key, result in out["results"].items():
            name, _, own_role = key.partition(":")
            found[(name, own_role or role)] = {**result, "peak_mb": out["maxrss_mb"]}
    rows = []
    for m in MEASUREMENTS:
        product = found.get((m.name, "product"))
        limit, peer = found.get((m.name, "limit")), found.get((m.name, "peer"))
        if product is None and not any(j in errors for j in m.jobs):
            continue
        row: dict[str, Any] = {c: None for c in COLUMNS}
        row.update(size=size, measurement=m.name, label=m.label)
        if product:
            row.update(
                product_s=product["seconds"],
                product_cpu_s=product.get("cpu_seconds"),
                rows=product["rows"],
                rows_per_s=product["rows"] / product["seconds"] if product["seconds"] else None,
                peak_mb=product["peak_mb"],
                detail={k: v for k, v in product.items()
                        if k not in ("seconds", "rows", "peak_mb")},
            )  # fmt: skip
        if limit:
            row.update(limit_s=limit["seconds"], limit_what=limit.get("what"),
                       limit_peak_mb=limit["peak_mb"])  # fmt: skip
        if peer:
            row.update(peer_s=peer["seconds"], peer_what=peer.get("what"),
                       peer_peak_mb=peer["peak_mb"])  # fmt: skip
        row["of_limit"] = _ratio(product, limit, faster_is_higher=True)
        row["vs_peer"] = _ratio(product, peer, faster_is_higher=True)
        failed = {j: errors[j] for j in m.jobs if j in errors}
        if failed:
            row["errors"] = failed
        verdicts: list[dict[str, Any]] = []
        for target in TARGETS.get(m.name, []):
            if size in target.sizes:
                try:
                    met = bool(product) and target.check(row)
                except TypeError:  # a figure the target reads is missing
                    met = False
                verdicts.append({"target": target.text, "met": met})
        row["target"] = "; ".join(v["target"] for v in verdicts) or None
        row["met"] = all(v["met"] for v in verdicts) if verdicts else None
        row["verdicts"] = verdicts
        rows.append(row)
    return rows


def growth(rows: list[dict[str, Any]], sizes: list[str]) -> list[dict[str, Any]]:
    """Per measurement: microseconds per row at each size, and the exponent k of
    time ∝ rows^k between consecutive sizes (k ≤ 1 is linear or better)."""
    out = []
    for m in MEASUREMENTS:
        points = [(r["size"], r["rows"], r["product_s"]) for s in sizes for r in rows
                  if r["size"] == s and r["measurement"] == m.name and r["product_s"]
                  and r["rows"]]  # fmt: skip
        if len(points) < 2:
            continue
        steps = []
        for (s1, n1, t1), (s2, n2, t2) in zip(points, points[1:], strict=False):
            k = math.log(t2 / t1) / math.log(n2 / n1) if n2 != n1 else None
            steps.append({"from": s1, "to": s2, "exponent": k})
        judged = [st["exponent"] for st in steps if st["from"] not in SMALL and st["exponent"]]
        out.append({
            "measurement": m.name,
            "us_per_row": {s: 1e6 * t / n for s, n, t in points},
            "steps": steps,
            "linear": all(k <= LINEAR_K for k in judged) if judged else None,
        })  # fmt: skip
    return out


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _rate(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1e3:
        return f"{value:.0f}"
    return f"{value / 1e6:.2f}M" if value >= 1e6 else f"{value / 1e3:.0f}k"


def _x(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    lines = [
        "| size | measurement | product (CPU) | rows/s | peak RSS | limit | product / limit "
        "| peer | product vs peer | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in result["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        if r.get("errors"):
            met = "error"
        peak = f"{r['peak_mb'] / 1024:.2f} GB" if r["peak_mb"] else "–"
        lines.append(
            f"| {r['size']} | {r['measurement']} | {_s(r['product_s'])}"
            f" ({_s(r.get('product_cpu_s'))}) | {_rate(r['rows_per_s'])}"
            f" | {peak} | {_s(r['limit_s'])} | {_x(r['of_limit'], percent=True)}"
            f" | {_s(r['peer_s'])} | {_x(r['vs_peer'])} | {r['target'] or ''} | {met} |"
        )
    sizes = result["sizes"]
    commits = {info.get("measured", {}).get("commit") for info in sizes.values()}

    def measured(info: dict[str, Any]) -> str:
        if len(commits) < 2 or "measured" not in info:
            return ""
        run = info["measured"]
        return f" (measured at {run['commit']}, {run['started']}, load {run['load_average'][0]})"

    size_lines = [
        f"- **{s}** ({info['description']}){measured(info)}: "
        + ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in info["rows"].items())
        + f"; {info['owners']:,} owners" + (f"; flat XLSX {info['flat_rows']:,} rows"
                                            if info.get("flat_rows") else "")
        for s, info in sizes.items()
    ]  # fmt: skip
    growth_lines = []
    for g in result["growth"]:
        per_row = ", ".join(f"{s} {v:.2f} µs" for s, v in g["us_per_row"].items())
        steps = ", ".join(f"{st['from']}→{st['to']} k={st['exponent']:.2f}"
                          for st in g["steps"] if st["exponent"] is not None)  # fmt: skip
        verdict = {True: "linear", False: "**super-linear**", None: "not judged"}
        growth_lines.append(f"- {g['measurement']}: per row {per_row}; time ∝ rows^k: {steps}"
                            f" → {verdict[g.get('linear')]}")  # fmt: skip
    legend = sorted({f"{r['measurement']}: limit = {r.get('limit_what')}; peer = "
                     f"{r.get('peer_what')}" for r in result["rows"]
                     if r.get("limit_what") or r.get("peer_what")})  # fmt: skip
    errors = [f"- {r['size']} {r['measurement']}: {j}: {e.splitlines()[-1] if e else ''}"
              for r in result["rows"] for j, e in (r.get("errors") or {}).items()]  # fmt: skip
    load = m["load_average"], result.get("load_average_end")
    out = [
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB; Python {m['python']}; "
        f"{versions}; commit {m['commit']} (+{m['uncommitted_product_files']} uncommitted "
        f"product files in the shared checkout); load average {load[0]} at start, {load[1]} at end "
        "(a shared machine: read the ratios, measured in the same run).",
        "",
        *lines,
        "",
        "Sizes:",
        *size_lines,
        "",
        "References (same files, same run): " if legend else "",
        *[f"- {line}" for line in legend],
        "",
        "product / limit and product vs peer compare rows per second (time when the reference "
        "has no rows); above 100% / 1× the product is faster.",
        "",
        f"Growth with size (judged from M up: k ≤ {LINEAR_K} between consecutive sizes):",
        *growth_lines,
    ]
    checks = [(r["size"], r.get("detail") or {}) for r in result["rows"]
              if r["measurement"] == "summary_cold"]  # fmt: skip
    checks = [(size, d) for size, d in checks if "report_changed" in d]
    if checks:
        out += ["", "The report, frame by frame, against the digest kept in benchmarks/expected/:"]
        for size, d in checks:
            same = ("equal" if not d["report_changed"] else
                    f"**differs** in {', '.join(d['report_changed'])}")  # fmt: skip
            out.append(f"- {size}: {same} ({d['report_frames']} frames, digest taken at "
                       f"{d['report_reference']})")  # fmt: skip
    if result.get("weekly"):
        from benchmarks.weekly import lines as weekly_lines

        out += ["", *weekly_lines(result["weekly"])]
    if errors:
        out += ["", "Errors:", *errors]
    return "\n".join(out) + "\n"


def run(
    sizes: list[str],
    seed: int = DEMO_SEED,
    out_dir: Path = OUT_DIR,
    data_dir: Path | None = None,
    repeat: int = 5,
    isolate: bool = True,
    log: Callable[[str], None] = lambda line: print(line, flush=True),
    only: set[str] | None = None,
    merge: bool = False,
    weekly: str | None = None,
) -> dict[str, Any]:
    """Run every job of every size; write results.json and results.md into `out_dir`.

    With `merge`, the sizes of an earlier results.json that this run does not measure are
    kept (each size records the commit and load it was measured at)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "work"
    result: dict[str, Any] = {"machine": machine(), "sizes": {}, "rows": [], "jobs": []}
    order = list(sizes)
    previous = out_dir / "results.json"
    if merge and previous.exists():
        old = json.loads(previous.read_text())
        kept = [s for s in old["sizes"] if s not in sizes]
        then = {k: old["machine"][k] for k in ("commit", "started", "load_average")}
        result["sizes"] = {s: {"measured": then, **old["sizes"][s]} for s in kept}
        result["rows"] = [r for r in old["rows"] if r["size"] in kept]
        result["jobs"] = [j for j in old["jobs"] if j["size"] in kept]
        order = [s for s in SIZES if s in kept or s in sizes]
    for size in sizes:
        started = time.perf_counter()
        result["sizes"] = {s: result["sizes"][s] for s in order if s in result["sizes"]}
        if isolate:
            cmd = [sys.executable, "-m", "benchmarks.sizes", "--size", size, "--seed", str(seed)]
            env = None
            if data_dir is not None:
                cmd = [sys.executable, "-c",
                       "import sys; from pathlib import Path; from benchmarks.sizes import "
                       "ensure; ensure(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))",
                       size, str(seed), str(data_dir)]  # fmt: skip
            subprocess.run(cmd, cwd=PROJECT_DIR, check=True, capture_output=True, env=env)
        files = ensure(size, seed, data_dir)
        result["sizes"][size] = {
            **files.manifest,
            "measured": {k: result["machine"][k] for k in ("commit", "started", "load_average")},
        }
        log(f"[{size}] files ready in {time.perf_counter() - started:.1f} s: {files.rows}")
        outputs = []
        for job in jobs_for(size):
            if only and job not in only:
                continue
            t = time.perf_counter()
            runner = run_job_child if isolate else run_job_here
            out = runner(job, size, seed, work, data_dir, repeat)
            outputs.append(out)
            status = "error" if "error" in out else f"peak {out['maxrss_mb']:.0f} MB"
            log(f"[{size}] {job}: {time.perf_counter() - t:.1f} s wall ({status})")
            if "error" in out:
                log(out["error"])
        result["jobs"] += [{"size": size, **o} for o in outputs]
        result["rows"] += assemble(size, outputs)
        result["rows"].sort(key=lambda r: order.index(r["size"]))
        _write(result, order, out_dir)  # after every size, so a long run leaves results
    result["sizes"] = {s: result["sizes"][s] for s in order if s in result["sizes"]}
    if weekly:  # 13 weekly imports against one (benchmarks/weekly.py), in its own process
        t = time.perf_counter()
        target = out_dir / "weekly.json"
        cmd = [sys.executable, "-m", "benchmarks.weekly", "--size", weekly, "--json", str(target)]
        done = subprocess.run(cmd, cwd=PROJECT_DIR, capture_output=True, text=True)
        if done.returncode == 0:
            result["weekly"] = json.loads(target.read_text())
        else:
            log(f"[{weekly}] weekly imports failed: {done.stderr[-2000:]}")
        log(f"[{weekly}] weekly imports: {time.perf_counter() - t:.1f} s wall")
    return _write(result, order, out_dir)


def _write(
    result: dict[str, Any], sizes: list[str], out_dir: Path, stamp: bool = True
) -> dict[str, Any]:
    result["growth"] = growth(result["rows"], sizes)
    if stamp:
        result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    (out_dir / "results.json").write_text(json.dumps(result, indent=2, default=str))
    (out_dir / "results.md").write_text(markdown(result))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated: " + ",".join(SIZES))
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the quick measurements")
    parser.add_argument("--jobs", default="", help="only these jobs (comma-separated)")
    parser.add_argument(
        "--merge", action="store_true", help="keep the other sizes of the existing results.json"
    )
    parser.add_argument("--render", action="store_true", help="only rewrite results.md")
    parser.add_argument(
        "--weekly",
        default="auto",
        help="size of the 13-weekly-imports growth run (benchmarks/weekly.py); 'auto': M when "
        "measured, else the largest of T and S; 'none' to skip",
    )
    args = parser.parse_args(argv)
    if args.render:
        result = json.loads((args.out / "results.json").read_text())
        print(markdown(_write(result, list(result["sizes"]), args.out, stamp=False)))
        return
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {list(SIZES)}")
    only = {j.strip() for j in args.jobs.split(",") if j.strip()} or None
    unknown_jobs = (only or set()) - set(measure.JOBS)
    if unknown_jobs:
        parser.error(f"unknown job(s) {sorted(unknown_jobs)}; choose from {list(measure.JOBS)}")
    weekly = args.weekly
    if weekly == "auto":
        weekly = next((s for s in ("M", "S", "T") if s in sizes), "none")
    result = run(sizes, args.seed, args.out, repeat=args.repeat, only=only, merge=args.merge,
                 weekly=None if weekly == "none" else weekly)  # fmt: skip
    print()
    print(markdown(result))
    print(f"written: {args.out / 'results.json'}, {args.out / 'results.md'}")


if __name__ == "__main__":
    main()
