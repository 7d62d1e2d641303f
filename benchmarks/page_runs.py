"""The server's CPU per page view without a browser: every page run over Streamlit's AppTest
on a store, beside the bare reference page of benchmarks/browser.py, in the same run.

    python -m benchmarks.page_runs --size M                       # the M store
    python -m benchmarks.page_runs --size M --compare /tmp/before  # and another checkout

Each app runs in its own process (`--compare` runs the other checkout's code on the same
store). Per page: the page is opened, run twice more (its caches warm, as for a viewer who
comes after the first), then `--repeat` runs are timed in CPU seconds (time.process_time)
and the median is printed with its ratio to the reference's median. This is the script's
own work (the page, the sidebar, turning tables and charts into Streamlit's messages); the
browser benchmark adds the websocket, the static files and the browser. Never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PAGES = ("overview", "alignment", "coach", "closing", "objective", "owner", "data")

RUNNER = """
import json, os, sys, time
from streamlit.testing.v1 import AppTest
app, page, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
at = AppTest.from_file(app, default_timeout=900)
if page not in ("", "overview"):
    at.switch_page(f"views/{page}.py")
at.run()
assert not at.exception, at.exception
at.run()
at.run()
runs = []
for _ in range(repeat):
    started = time.process_time()
    at.run()
    runs.append(time.process_time() - started)
print(json.dumps(runs))
"""


def page_runs(checkout: Path, app: Path, db: Path, page: str, repeat: int) -> list[float]:
    """CPU seconds of `repeat` runs of `page` of `app`, with `checkout`'s modules first."""
    env = dict(os.environ, OKR_HEALTH_DB=str(db), PYTHONPATH=str(checkout))
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, str(app), page, str(repeat)],
        cwd=checkout, env=env, capture_output=True, text=True, check=True, timeout=1800,
    )  # fmt: skip
    runs: list[float] = json.loads(out.stdout.strip().splitlines()[-1])
    return runs


def main(argv: list[str] | None = None) -> None:
    from benchmarks.browser import REFERENCE_APP, demo_store, sized_store

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="demo", help="demo (default) or a benchmark size: M")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--compare", type=Path, metavar="CHECKOUT")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="okr-page-runs-") as name:
        folder = Path(name)
        db = demo_store(folder) if args.size == "demo" else sized_store(args.size)
        reference = folder / "reference.py"
        reference.write_text(REFERENCE_APP)
        ref = statistics.median(page_runs(PROJECT_DIR, reference, db, "", args.repeat))
        apps = {"this checkout": PROJECT_DIR}
        if args.compare:
            apps[str(args.compare)] = args.compare.resolve()
        medians = {
            label: {
                page: statistics.median(
                    page_runs(checkout, checkout / "dashboard" / "app.py", db, page, args.repeat)
                )
                for page in PAGES
            }
            for label, checkout in apps.items()
        }
    print(f"\n{args.size}: CPU seconds per page run (median of {args.repeat}), × the bare page")
    print(f"reference (three st.metric): {ref:.4f} s\n")
    labels = list(medians)
    print("| page | " + " | ".join(f"{label} | ×" for label in labels) + " |")
    print("|---|" + "---:|---:|" * len(labels))
    for page in PAGES:
        cells = " | ".join(f"{medians[lb][page]:.3f} s | {medians[lb][page] / ref:.0f}×"
                           for lb in labels)  # fmt: skip
        print(f"| {page} | {cells} |")


if __name__ == "__main__":
    main()
