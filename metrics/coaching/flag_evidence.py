"""The key results behind each goal-setting flag: a flag's sentence counts ("9 targets were
at or below the start value"); this names them (docs/metrics.md, "Goal-setting patterns
(Coach page)").

For each flagged owner or team, every key result its pattern was judged on, with the
signals of that pattern it shows in words. The rows showing a signal are exactly the ones the
flag's sentence counts, so a coach can open each one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.coaching.patterns import fraction_words
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.scores.bands import number, score_bands

# The signals each pattern's sentence counts, in the order it names them.
PATTERN_SIGNALS = {
    "sandbagging": ["maxed", "reached_early", "target_not_beyond_start", "far_above_target"],
    "over-ambitious": ["low", "no_movement"],
}
FLAG_KR_COLUMNS = [
    "pattern",
    "kr_id",
    "objective_id",
    "cycle_id",
    "title",
    "owner",
    "team",
    "score",
    "signals",
]


def signal_words(config: HealthConfig = DEFAULT_CONFIG) -> dict[str, str]:
    """Each signal of `pattern_evidence` as said of one key result."""
    far = config.far_above_attainment - 1
    return {
        "maxed": "scored 1.0",
        "low": f"scored below {number(score_bands().low_below)}",
        "reached_early": f"reached in the first {fraction_words(config.early_share)} of the cycle",
        "target_not_beyond_start": "target at or below the start value (above it for a decrease)",
        "far_above_target": f"beat the target by {far:.0%} of the planned gain or more",
        "no_movement": "barely moved across its check-ins",
    }


def flag_key_results(
    evidence: pd.DataFrame,
    patterns: pd.DataFrame,
    by: str,
    config: HealthConfig = DEFAULT_CONFIG,
) -> pd.DataFrame:
    """The key results behind the flags of `patterns` (grouped `by` 'owner' or 'team_id').

    One row per flagged unit and key result it was judged on (`evidence` is
    `pattern_evidence`): the `by` column, FLAG_KR_COLUMNS, and the signal columns. `signals`
    lists, '; '-joined, the signals of the unit's pattern this key result shows (empty when
    none). Rows with signals come first, then by cycle and title.
    """
    flagged = patterns.loc[patterns["pattern"].notna(), [by, "pattern"]]
    rows = evidence.merge(flagged, on=by, how="inner")
    words = signal_words(config)
    said = np.full(len(rows), "", dtype="object")
    for pattern, signals in PATTERN_SIGNALS.items():
        mine = (rows["pattern"] == pattern).to_numpy()
        for signal in signals:
            shows = mine & rows[signal].to_numpy(dtype=bool)
            joiner = np.where(said[shows] == "", "", "; ")
            said[shows] = said[shows] + joiner + words[signal]
    rows["signals"] = pd.Series(said, index=rows.index, dtype="object")
    rows["_quiet"] = rows["signals"] == ""
    rows = rows.sort_values([by, "_quiet", "cycle_id", "title"], kind="stable")
    keep = [by, *(c for c in FLAG_KR_COLUMNS if c != by)]
    signal_columns = [s for signals in PATTERN_SIGNALS.values() for s in signals]
    return rows[[*keep, *signal_columns]].reset_index(drop=True)
