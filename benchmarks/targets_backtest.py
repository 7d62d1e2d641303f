"""How often the proposed targets would have landed in the sweet spot on the demo, against
the targets people set (docs/metrics.md, "Targets for next quarter").

    python -m benchmarks.targets_backtest [--rows]
"""

from __future__ import annotations

import argparse

import pandas as pd

from benchmarks.demo_history import demo_report
from metrics.coaching.targets import (
    backtest_summary,
    recurring,
    target_backtest,
    with_units,
)
from metrics.scores.bands import score_bands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", action="store_true", help="print every key result replayed")
    args = parser.parse_args()
    dataset, report = demo_report()
    krs = with_units(report.key_results, dataset.key_results)
    series = recurring(krs, report.calendar)
    tested = target_backtest(series)
    print(
        f"sweet spot {score_bands().sweet_text()}; recurring metrics: "
        f"{series['series'].nunique()} ({len(series)} key results); replayed: {len(tested)}"
    )
    with pd.option_context("display.width", 200, "display.float_format", "{:.2f}".format):
        print(backtest_summary(tested).to_string(index=False))
        if args.rows:
            print(tested.drop(columns="series").to_string(index=False))


if __name__ == "__main__":
    main()
