"""The chance of landing's reliability on the demo's finished cycles: of the objectives (and
key results) given a chance in each bin, how many landed (docs/metrics.md, "Chance of
landing").

    python -m benchmarks.chance_calibration [--bins 5]
"""

from __future__ import annotations

import argparse

import pandas as pd

from benchmarks.demo_history import demo_report
from metrics.progress.chance import objective_backtest, reliability
from metrics.scores.bands import score_bands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bins", type=int, default=5, help="bins of predicted chance")
    args = parser.parse_args()
    _, report = demo_report()
    bands = score_bands()
    levels = {
        "objectives": objective_backtest(report.forecast_backtest, report.key_results),
        "key results": report.forecast_backtest,
    }
    with pd.option_context("display.width", 200, "display.float_format", "{:.2f}".format):
        for level, frame in levels.items():
            for edge, name in ((bands.sweet_low, "sweet spot"), (bands.low_below, "low edge")):
                table = reliability(frame, edge, args.bins)
                print(
                    f"\n{level}: chance of ending ≥ {edge:g} ({name}), "
                    f"{len(frame)} backtested over {frame['cycle_id'].nunique()} cycles"
                )
                print(table.to_string(index=False))


if __name__ == "__main__":
    main()
