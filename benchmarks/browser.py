"""Speed a person feels: every page of the dashboard in Chromium, against a bare Streamlit page.

    python -m benchmarks.browser                    # make bench-browser: the demo company
    python -m benchmarks.browser --size M --repeat 5
    python -m benchmarks.browser --compare /tmp/before   # and another checkout, same run

The dashboard is started as `make run` starts it (`okr-health serve` on a free loopback
port) on the demo company (or, with `--size M`, a store loaded from the M benchmark files,
its report cached as `okr-health ingest` leaves it), and Debian's Chromium is driven with
Playwright. Measured per page, `--repeat` times, median and spread:

- **first render**: a new viewer (a fresh browser context) opens the page's address; the
  clock runs from the navigation until the page's last element has rendered;
- **page switch**: on an open page, a click on the sidebar's link to the next page until
  that page's last element has rendered.

"Rendered" means: the server said the run finished (Streamlit's `script_finished`, read from
the websocket), the status widget no longer says running, the page's heading is there, no
element of the previous run is left stale, every Plotly chart has drawn its SVG and every
table its canvas. The server's share (the `script_finished` message) is reported apart.

A reference is measured in the same run, served with the same Streamlit options as `serve`:
a bare Streamlit app of two pages with three `st.metric` each. Figures are also given as
ratios to it, and the machine's load average (os.getloadavg) is printed with them: the
machine may be shared, so read the ratios and the load. With `--compare CHECKOUT` another
checkout of the project (an earlier commit: `git archive COMMIT | tar -x -C /tmp/before`) is
served the same way beside it, and the apps are measured in turn, one repetition each. A
table is printed and the figures are written as JSON under benchmarks/out/. Loopback only;
every wait is bounded, and the servers stop with the benchmark (SIGTERM included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PROJECT_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = Path(__file__).resolve().parent / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1440, "height": 900}
WAIT_MS = 180_000
START_TIMEOUT_S = 120.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The page is rendered: no run going on, its heading shown, nothing stale from the run
# before, every chart drawn and every table painted (those on screen: a collapsed expander
# or a hidden tab draws nothing until it is opened).
RENDERED = """(heading) => {
  if (document.querySelector('[data-testid^="stStatusWidgetRunning"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const failed = main.querySelector('[data-testid="stException"]');
  if (failed) return 'exception: ' + failed.innerText.slice(0, 300);
  const titles = [...main.querySelectorAll('h1')].map((h) => h.textContent.trim());
  if (!titles.includes(heading)) return false;
  if (main.querySelector('[data-stale="true"]')) return false;
  for (const chart of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (chart.checkVisibility() && !chart.querySelector('.main-svg')) return false;
  }
  for (const table of main.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (table.checkVisibility() && !table.querySelector('canvas')) return false;
  }
  return true;
}"""

REFERENCE_APP = '''"""The reference: a bare Streamlit app, two pages of three metrics."""
import streamlit as st


def page(title: str) -> None:
    st.title(title)
    for column, (label, value) in zip(
        st.columns(3), [("Objectives", "158"), ("Score", "0.48"), ("On track", "35%")]
    ):
        column.metric(label, value)


pages = [
    st.Page(lambda: page("Reference"), title="Reference", url_path="reference", default=True),
    st.Page(lambda: page("Second"), title="Second", url_path="second"),
]
st.navigation(pages).run()
'''


@dataclass(frozen=True)
class Page:
    """One page as the benchmark opens it: its sidebar label (also its heading) and the
    address a first render opens (with an id or a name for the Objective and Owner pages)."""

    label: str
    address: str


@dataclass
class Timings:
    """Seconds to rendered, to the server's `script_finished`, and the server process's CPU
    seconds (from /proc), per repetition."""

    rendered: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, rendered: float, server: float, cpu: float) -> None:
        self.rendered.append(rendered)
        self.server.append(server)
        self.cpu.append(cpu)

    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def median(self) -> float:
        return statistics.median(self.rendered) if self.rendered else float("nan")

    def spread(self) -> tuple[float, float]:
        return (min(self.rendered), max(self.rendered)) if self.rendered else (0.0, 0.0)

    def server_median(self) -> float:
        return statistics.median(self.server) if self.server else float("nan")


@dataclass
class AppFigures:
    """One served app's figures: page label -> first render, page switch into it."""

    first: dict[str, Timings] = field(default_factory=dict)
    switch: dict[str, Timings] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not start:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu(self) -> float:
        """User + system CPU seconds the server process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextmanager
def served(
    command: Callable[[int], list[str]], folder: Path, name: str, env: dict[str, str],
    cwd: Path = PROJECT_DIR,
) -> Iterator[Server]:  # fmt: skip
    """Run `command(port)` (a server on that loopback port) in `cwd` until the block ends."""
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command(port),
            stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield Server(url, proc.pid)  # `okr-health serve` execs Streamlit: the same process
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def dashboard_command(db: Path, port: int) -> list[str]:
    """The dashboard as `make run` serves it."""
    return [sys.executable, "-m", "okr_health.cli", "serve", "--db", str(db), "--port", str(port)]


def reference_command(app: Path, port: int) -> list[str]:
    """The reference app served with the options `okr-health serve` gives Streamlit."""
    from okr_health.serving import streamlit_configured, streamlit_options
    from pipelines.settings import settings

    options = streamlit_options({}, streamlit_configured(), settings().max_upload_mb)
    args = [sys.executable, "-m", "streamlit", "run", str(app)]
    for key, value in options.items():
        args += [f"--{key}", value]
    return [*args, "--server.port", str(port)]


# --- the stores -----------------------------------------------------------------------------


def demo_store(folder: Path) -> Path:
    """The demo company in a fresh store, its report cached (as `okr-health demo` leaves it)."""
    db = folder / "demo.duckdb"
    subprocess.run([sys.executable, "-m", "okr_health.cli", "demo", "--db", str(db)],
                   check=True, capture_output=True, cwd=PROJECT_DIR)  # fmt: skip
    return db


def sized_store(size: str) -> Path:
    """A store loaded from a benchmark size's CSV files (benchmarks/sizes.py), with the
    size's as-of date and its report cached; kept under benchmarks/out/ between runs."""
    import duckdb

    from benchmarks.sizes import ensure
    from reporting.cache import warm

    files = ensure(size)
    db = OUT_DIR / f"browser-{files.folder.name}.duckdb"
    if not db.exists():
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        partial = db.with_name(db.name + ".partial")
        partial.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "okr_health.cli", "ingest", str(files.csv_folder),
                        "--db", str(partial)], check=True, capture_output=True,
                       cwd=PROJECT_DIR)  # fmt: skip
        with duckdb.connect(str(partial)) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings VALUES ('as_of', ?)", [files.manifest["as_of"]]
            )
        shutil.rmtree(partial.with_name(partial.name + ".cache"), ignore_errors=True)
        partial.with_name(partial.name + ".gate").unlink(missing_ok=True)
        partial.rename(db)
    warm(db)
    return db


def pages_of(db: Path) -> list[Page]:
    """The dashboard's pages in sidebar order, with an objective and an owner to open."""
    from reporting.cache import load_or_compute

    report = load_or_compute(db).report
    assert report is not None, f"{db} holds no OKRs"
    objectives = report.objectives
    running = objectives[objectives["status"].notna()]
    chosen = (running if len(running) else objectives).iloc[0]
    owner = str(chosen["owner"]) if isinstance(chosen["owner"], str) else ""
    return [
        Page("Overview", "/"),
        Page("Alignment", "/alignment"),
        Page("Coach", "/coach"),
        Page("Closing meeting", "/closing"),
        Page("Objective", "/objective?" + urlencode({"id": chosen["objective_id"]})),
        Page("Owner", "/owner?" + urlencode({"name": owner})),
        Page("Data", "/data"),
    ]


REFERENCE_PAGES = [Page("Reference", "/"), Page("Second", "/second")]


# --- the browser ----------------------------------------------------------------------------


class Watcher:
    """Notes when the server says a script run finished (from the websocket's frames)."""

    def __init__(self) -> None:
        self.finished: list[float] = []

    def attach(self, page: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def frame(payload: str | bytes) -> None:
            if isinstance(payload, str):
                return
            message = ForwardMsg()
            try:
                message.ParseFromString(payload)
            except Exception:  # noqa: BLE001 - a frame that is not a ForwardMsg
                return
            if message.WhichOneof("type") == "script_finished":
                self.finished.append(time.perf_counter())

        page.on("websocket", lambda ws: ws.on("framereceived", frame))

    def since(self, started: float) -> float | None:
        """Seconds from `started` to the first run finished after it (None: none yet)."""
        after = [t - started for t in self.finished if t >= started]
        return after[0] if after else None


def _rendered(page: Any, heading: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        done = page.wait_for_function(RENDERED, arg=heading, polling="raf", timeout=WAIT_MS)
    except PlaywrightTimeout as exc:
        seen = page.evaluate("() => [...document.querySelectorAll('h1')].map(h => h.textContent)")
        raise RuntimeError(f"{page.url}: “{heading}” did not render (headings: {seen})") from exc
    value = done.json_value()
    if value is not True:
        raise RuntimeError(f"{page.url}: {value}")


def _timed(
    page: Any, server: Server, watcher: Watcher, heading: str, action: Callable[[], None]
) -> tuple[float, float, float]:
    """Seconds from `action` to the page rendered and to the server's finished run, and the
    server's CPU seconds meanwhile. The frames are handed over while Playwright waits, so it
    waits in short steps until a run that started after the action has finished, then for
    the page to render."""
    cpu = server.cpu()
    started = time.perf_counter()
    action()
    deadline = started + WAIT_MS / 1000
    while watcher.since(started) is None:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{page.url}: no run of “{heading}” finished")
        page.wait_for_timeout(10)
    _rendered(page, heading)
    took = time.perf_counter() - started
    finished = watcher.since(started)
    assert finished is not None
    return took, finished, server.cpu() - cpu


def measure_app(browser: Any, server: Server, pages: list[Page], repeat: int) -> AppFigures:
    """First render of each page in a new context, and page switches around the sidebar."""
    figures = AppFigures()
    for _ in range(repeat):
        for spec in pages:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            watcher = Watcher()
            watcher.attach(page)
            goto = partial(page.goto, server.url + spec.address, wait_until="commit")
            took = _timed(page, server, watcher, spec.label, goto)
            figures.first.setdefault(spec.label, Timings()).add(*took)
            context.close()
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watcher = Watcher()
    watcher.attach(page)
    page.goto(server.url + pages[0].address)
    _rendered(page, pages[0].label)
    nav = page.locator('[data-testid="stSidebarNav"]')
    for _ in range(repeat):
        for spec in [*pages[1:], pages[0]]:
            click = partial(nav.get_by_text(spec.label, exact=True).click, timeout=WAIT_MS)
            took = _timed(page, server, watcher, spec.label, click)
            figures.switch.setdefault(spec.label, Timings()).add(*took)
            page.wait_for_timeout(200)  # as a person would: a look before the next click
    context.close()
    return figures


# --- the report ---------------------------------------------------------------------------


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR,
                             capture_output=True, text=True, check=True)  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=PROJECT_DIR,
                               capture_output=True, text=True, check=True)  # fmt: skip
        return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version()}


def _seconds(timing: Timings | None) -> str:
    if timing is None or not timing.rendered:
        return "–"
    low, high = timing.spread()
    return f"{timing.median():.2f} s ({low:.2f}–{high:.2f}; run {timing.server_median():.2f})"


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}×" if reference > 0 else "–"


def table(product: AppFigures, reference: AppFigures, targets: tuple[float, float]) -> str:
    """Markdown: per page the median first render and page switch (min–max; when the
    server's run finished), the server's CPU per switch, and each as a ratio to the
    reference's median of the same kind."""
    ref_first = statistics.median(t.median() for t in reference.first.values())
    ref_switch = statistics.median(t.median() for t in reference.switch.values())
    ref_cpu = statistics.median(t.cpu_median() for t in reference.switch.values())
    ref_first_cpu = statistics.median(t.cpu_median() for t in reference.first.values())
    first_target, switch_target = targets
    lines = [
        "| page | first render | × ref | page switch to it | × ref | server CPU per switch "
        "| × ref | server CPU per first render | × ref |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| *reference: three st.metric* | {ref_first:.2f} s | 1× | {ref_switch:.2f} s | 1× "
        f"| {ref_cpu:.3f} s | 1× | {ref_first_cpu:.3f} s | 1× |",
    ]
    for label, first in product.first.items():
        switch = product.switch.get(label)
        cpu = switch.cpu_median() if switch else float("nan")
        lines.append(
            f"| {label} | {_seconds(first)} | {_ratio(first.median(), ref_first)} "
            f"| {_seconds(switch)} | {_ratio(switch.median(), ref_switch) if switch else '–'} "
            f"| {cpu:.3f} s | {_ratio(cpu, ref_cpu)} "
            f"| {first.cpu_median():.3f} s | {_ratio(first.cpu_median(), ref_first_cpu)} |"
        )
    worst_first = max(t.median() for t in product.first.values())
    worst_switch = max(t.median() for t in product.switch.values())
    lines += [
        "",
        f"worst median first render {worst_first:.2f} s (target ≤ {first_target} s on an idle "
        f"machine: {'met' if worst_first <= first_target else 'not met'}); worst median page "
        f"switch {worst_switch:.2f} s (target ≤ {switch_target} s: "
        f"{'met' if worst_switch <= switch_target else 'not met'})",
    ]
    return "\n".join(lines)


TARGETS = {"demo": (1.5, 0.5), "M": (3.0, 1.0)}  # (first render, page switch), idle machine


def merge(into: AppFigures, more: AppFigures) -> None:
    for mine, theirs in ((into.first, more.first), (into.switch, more.switch)):
        for label, timing in theirs.items():
            kept = mine.setdefault(label, Timings())
            kept.rendered += timing.rendered
            kept.server += timing.server
            kept.cpu += timing.cpu


def measure_all(
    browser: Any, servers: dict[str, tuple[Server, list[Page]]], repeat: int
) -> dict[str, AppFigures]:
    """Every app warmed once (not counted), then one repetition of each in turn, `repeat`
    times: a change of the machine's load falls on all of them alike."""
    for server, pages in servers.values():
        measure_app(browser, server, pages, 1)
    figures = {name: AppFigures() for name in servers}
    for _ in range(repeat):
        for name, (server, pages) in servers.items():
            merge(figures[name], measure_app(browser, server, pages, 1))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="demo", help="demo (default) or a benchmark size: M")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of every measure")
    parser.add_argument(
        "--compare", type=Path, metavar="CHECKOUT",
        help="also serve another checkout of the project (e.g. `git archive` of an earlier "
        "commit, unpacked) the same way, in the same run: before and after",
    )  # fmt: skip
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # the servers stop too
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium (make browser installs it)")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="okr-browser-") as name, ExitStack() as stack:
        folder = Path(name)
        db = demo_store(folder) if args.size == "demo" else sized_store(args.size)
        pages = pages_of(db)
        app = folder / "reference.py"
        app.write_text(REFERENCE_APP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        serve = partial(dashboard_command, db)
        servers = {
            "reference": (stack.enter_context(served(partial(reference_command, app), folder,
                                                     "reference", env)), REFERENCE_PAGES),
            "product": (stack.enter_context(served(serve, folder, "dashboard", env)), pages),
        }  # fmt: skip
        if args.compare:
            checkout = args.compare.resolve()  # its modules first: run there, on its path
            other = dict(env, PYTHONPATH=str(checkout))
            servers["compare"] = (stack.enter_context(served(serve, folder, "compare", other,
                                                             checkout)), pages)  # fmt: skip
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            figures = measure_all(browser, servers, args.repeat)
            browser.close()
    load_after = os.getloadavg()
    targets = TARGETS.get(args.size, TARGETS["M"])
    commit = _git_commit()
    print(
        f"\n{args.size}: median of {args.repeat} (min–max; when the server's run finished), "
        f"× the reference's median; commit {commit}; {machine()['cores']} cores "
        f"({machine()['cpu']}); load average before {load_before[0]:.2f} / {load_before[1]:.2f}"
        f", after {load_after[0]:.2f} / {load_after[1]:.2f} (1 / 5 min)\n"
    )
    print(table(figures["product"], figures["reference"], targets))
    if "compare" in figures:
        print(f"\nthe same run, {args.compare}:\n")
        print(table(figures["compare"], figures["reference"], targets))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = OUT_DIR / f"browser-{args.size}-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "size": args.size,
                "repeat": args.repeat,
                "commit": commit,
                "compare": str(args.compare) if args.compare else None,
                "machine": machine(),
                "load_before": load_before,
                "load_after": load_after,
                "targets": {"first_render_s": targets[0], "page_switch_s": targets[1]},
                **{name: asdict(found) for name, found in figures.items()},
            },
            indent=1,
        )
    )
    print(f"\nwritten: {out.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
