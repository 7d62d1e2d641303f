"""Page views for Monday's benchmark, in Chromium: the server's CPU per page view and a new
viewer's first render, the dashboard against the bare Streamlit page of three metrics served
with the same options (both from `benchmarks.browser`, measured in turn in the same run):

    python -m benchmarks.monday_views --size demo|M [--repeat 3]

prints one JSON line. A *page view* is a click on the sidebar's link to a page in an open
session until the page has rendered; its CPU is what the server process used meanwhile
(/proc): the figure is the mean over every view, with the range of the repetitions' means.
A *first render* is a new browser context opening a page's address until it has rendered
(median of the repetitions, per page).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import browser


def per_view(figures: browser.AppFigures) -> list[float]:
    """Per repetition, the server's mean CPU seconds per page view (page switches)."""
    runs = min((len(t.cpu) for t in figures.switch.values()), default=0)
    return [statistics.fmean(t.cpu[i] for t in figures.switch.values()) for i in range(runs)]


def mean_view(figures: browser.AppFigures) -> float | None:
    """The server's CPU seconds per page view over every view measured (/proc counts in
    clock ticks of 10 ms: a bare page's view is a tick or none, so only a mean of many
    views is a figure)."""
    views = [c for t in figures.switch.values() for c in t.cpu]
    return statistics.fmean(views) if views else None


def summarise(product: browser.AppFigures, reference: browser.AppFigures) -> dict[str, Any]:
    """The figures the benchmark's table reads, and every page's own."""
    mine, theirs = per_view(product), per_view(reference)
    first = {label: t.median() for label, t in product.first.items()}
    worst = max(first, key=lambda label: first[label]) if first else None
    return {
        "view_cpu_s": mean_view(product),
        "view_cpu_range": [min(mine), max(mine)] if mine else None,
        "reference_view_cpu_s": mean_view(reference),
        "reference_view_cpu_range": [min(theirs), max(theirs)] if theirs else None,
        "first_render_s": first.get("Overview"),
        "first_render_worst_page": worst,
        "first_render_worst_s": first[worst] if worst else None,
        "reference_first_render_s": statistics.median(
            t.median() for t in reference.first.values()
        ),
        "pages": {
            label: {
                "first_render_s": t.median(),
                "first_render_range": list(t.spread()),
                "first_render_cpu_s": t.cpu_median(),
                "view_cpu_s": product.switch[label].cpu_median() if label in product.switch
                else None,
            }
            for label, t in product.first.items()
        },
    }  # fmt: skip


def measure(size: str, repeat: int) -> dict[str, Any]:
    """Serve the dashboard on `size`'s store (the demo, or a benchmark size with its report
    cached) and the bare page, and measure both in turn `repeat` times."""
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="okr-monday-views-") as name, ExitStack() as stack:
        folder = Path(name)
        db = browser.demo_store(folder) if size == "demo" else browser.sized_store(size)
        app = folder / "reference.py"
        app.write_text(browser.REFERENCE_APP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        reference = partial(browser.reference_command, app)
        servers = {
            "reference": (stack.enter_context(browser.served(reference, folder, "reference", env)),
                          browser.REFERENCE_PAGES),
            "product": (stack.enter_context(browser.served(
                partial(browser.dashboard_command, db), folder, "dashboard", env)),
                browser.pages_of(db)),
        }  # fmt: skip
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS
            )
            figures = browser.measure_all(chromium, servers, repeat)
            chromium.close()
    return {
        "size": size,
        "repeat": repeat,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        **summarise(figures["product"], figures["reference"]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="demo", help="demo or a benchmark size (M)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not Path(browser.CHROMIUM).exists():
        sys.exit(f"{browser.CHROMIUM} is missing: apt-get install chromium")
    sys.stdout.write("\n" + json.dumps(measure(args.size, args.repeat)) + "\n")


if __name__ == "__main__":
    main()
