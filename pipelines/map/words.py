"""Other tools' words for what the model says in its own (issue 13): key-result types,
lifecycle and status words, summary-row labels.

Words are compared after `word_key`: case, spacing and `_-/` do not matter, and a trailing
` x` or ` y` placeholder ("Stay above X", "From X to Y") is dropped.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.kr_types import KrType

# Canonical key-result types, plus two spellings of a one-sided range that `to_table` turns into
# `range` with the target as its bound, and `None` for "infer from the numbers".
ABOVE, BELOW = "range_above", "range_below"
FROM_NUMBERS = ""
KR_TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("increase", "increasing", "up", "more", "higher", "grow", "maximise",
                     "maximize", "higher is better", "more is better", "increase from",
                     "increase to", "reach", "should increase to", "should increase",
                     "at least", "raise", "add"), KrType.INCREASE),
    **dict.fromkeys(("decrease", "decreasing", "reduce", "down", "less", "lower", "minimise",
                     "minimize", "lower is better", "less is better", "decrease to",
                     "decrease from", "should decrease to", "should decrease", "reduce to",
                     "cut"), KrType.DECREASE),
    **dict.fromkeys(("range", "between", "stay between", "keep", "keep between",
                     "should stay between", "within range"), KrType.RANGE),
    **dict.fromkeys(("stay above", "should stay above", "keep above", "above", "at or above",
                     "maintain", "maintain above", "not less than", "minimum"), ABOVE),
    **dict.fromkeys(("stay below", "should stay below", "keep below", "below", "at or below",
                     "maintain below", "at most", "not more than", "maximum"), BELOW),
    **dict.fromkeys(("milestone", "binary", "boolean", "yes no", "done not done", "task",
                     "achieved or not", "achieved not achieved", "checkbox", "check box",
                     "complete incomplete", "done"), KrType.MILESTONE),
    **dict.fromkeys(("baseline", "measure", "establish", "first measurement"), KrType.BASELINE),
    # Graded in zones or grades: the latest grade (or the value, read as one) is the score.
    **dict.fromkeys(("ordinal", "zone", "zones", "graded", "grade", "grading", "scored",
                     "non measurable", "not measurable", "qualitative", "manual"), KrType.GRADED),
    # A number of some kind: increase or decrease, from the start and the target.
    **dict.fromkeys(("metric", "kpi", "number", "numeric", "currency", "money", "percentage",
                     "percent", "from to", "quantitative", "measurable", "standard",
                     "rollup", "roll up", "numerical", "value", "count"), FROM_NUMBERS),
    # Objective types written in a shared Type column say nothing of how a key result scores.
    **dict.fromkeys(("committed", "uncommitted", "aspirational", "big rock", "committed goal",
                     "aspirational goal", "stretch goal", "moonshot", "roofshot", "okr",
                     "key result", "kr", "objective", "goal", "initiative", "project",
                     "deliverable", "outcome"), FROM_NUMBERS),
}  # fmt: skip

# A row the source archived, deleted, drafted or cancelled (kept, out of every score).
LIFECYCLE_OUT = (
    "archived", "deleted", "draft", "cancelled", "canceled", "removed", "discarded",
    "abandoned", "dropped", "obsolete", "inactive", "trashed",
)  # fmt: skip
# Statuses and health words that leave a row in: understood, never an error.
STATUS_WORDS = (
    "on track", "behind", "at risk", "off track", "not started", "closed", "postponed",
    "done", "completed", "complete", "in progress", "open", "active", "needs attention",
    "accomplished", "achieved", "missed", "blocked", "paused", "on hold", "green", "amber",
    "yellow", "red", "live", "published", "committed", "uncommitted", "stretch", "fail",
    "commit", "target", "ok", "new", "planned", "ongoing", "overdue", "late",
)  # fmt: skip
# Rows that summarise others: a per-objective or per-sheet average or total.
SUMMARY_LABEL = (
    r"(?i)\s*(?:(?:objective|team|sheet|grand|overall|sub|okr|department)\s*)?"
    r"(?:total|average|avg|mean|summary)s?\s*:?\s*"
)
SUMMARY_WORDS = "total|average|avg|mean|summary"  # one of them is in every summary label


def word_key(text: pd.Series) -> pd.Series:
    """`Stay Above X` → `stay above`; `Yes/No` → `yes no`; `From X to Y` → `from to`.

    Computed once per distinct cell (a status column of 100,000 rows holds a handful of
    words) and spread back over the rows; missing cells stay missing."""
    text = text.astype("str")
    codes, distinct = pd.factorize(text, use_na_sentinel=True)
    words = pd.Series(distinct, dtype="str")
    key = words.str.lower().str.replace(r"[\s_\-/]+", " ", regex=True).str.strip()
    key = key.str.replace(r"\b[xy]\b", " ", regex=True)
    key = key.str.replace(r"\s+", " ", regex=True).str.strip()
    return pd.Series(key.array.take(codes, allow_fill=True), index=text.index, name=text.name)


def is_lifecycle_out(text: pd.Series) -> pd.Series:
    """Whether a status, state or lifecycle cell says the row is archived, deleted, draft or
    cancelled (a word such as `Archived` or `Cancelled - merged`); missing is False."""
    key = word_key(text.fillna(""))
    pattern = r"^(?:" + "|".join(re.escape(w) for w in LIFECYCLE_OUT) + r")\b"
    return key.str.contains(pattern, regex=True).fillna(False).astype(bool)


def is_summary_label(text: pd.Series) -> pd.Series:
    """Whether a title cell labels a summary row: `Total`, `Objective average`, `Summary`."""
    text = text.astype("str")
    # pandas runs the label's pattern with Python's re, a row at a time: only on the cells
    # holding one of its words, which pyarrow's RE2 finds in C++ (case folded as re folds).
    worded = text.str.contains(SUMMARY_WORDS, case=False, regex=True).fillna(False).astype(bool)
    found = pd.Series(False, index=text.index)
    if worded.any():
        found[worded] = text[worded].str.fullmatch(SUMMARY_LABEL).fillna(False).astype(bool)
    return found
