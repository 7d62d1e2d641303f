"""Key results in words (dashboard/key_result_words.py): values with their units, the
status sentence, the notes newest first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.key_result_words import (
    confidence_text,
    notes_lines,
    progress_text,
    status_words,
    value_text,
)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12, "%", "12 %"),
        (40000, "EUR", "€ 40k"),
        (1_250_000, "USD", "$ 1.25M"),
        (3, "customers", "3 customers"),
        (3, "count", "3"),
        (4.25, "h", "4.25 h"),
        (12500, None, "12.5k"),
        (1500, "days", "1,500 days"),
        (0.05, "x", "0.05 x"),
        (np.nan, "%", "–"),
    ],
)
def test_a_value_reads_with_its_unit(value, unit, text):
    assert value_text(value, unit) == text


def test_progress_reads_as_of_the_target_or_now_and_target():
    assert progress_text(3, 5, "customers", "increase") == "3 customers of 5 customers"
    assert progress_text(640, 450, "ms", "decrease") == "640 ms now, target 450 ms"
    assert progress_text(np.nan, 5, None, "increase") == "no value yet"


def test_confidence_reads_as_stored():
    assert confidence_text(0.7) == "70%"
    assert confidence_text(7.0) == "7/10"
    assert confidence_text(np.nan) == ""


def test_status_words_state_the_heading_against_what_was_expected_by_now():
    running = {"score": 0.3, "status": "behind", "heading": 0.52, "expected": 0.4}
    assert status_words(running) == (
        "**behind** · heading for 0.52 at the end · 0.30 now, 0.40 expected by now"
    )
    finished = {"score": 0.65, "status": None, "band": "sweet"}
    assert status_words(finished) == "finished at 0.65: **Sweet spot (0.6–0.7)**"


def test_notes_come_newest_first_and_user_text_stays_literal():
    history = pd.DataFrame(
        {"checked_at": pd.to_datetime(["2026-10-05", "2026-10-12", "2026-10-19"]),
         "value": [10.0, np.nan, 14.0], "confidence": [0.5, 0.6, np.nan],
         "note": ["first **bold**", "  ", "[click](javascript:x)"],
         "author": ["Ana", None, "Ben"]}
    )  # fmt: skip
    lines = notes_lines(history, "%")
    assert len(lines) == 2  # the blank note is no note
    assert lines[0].startswith("**19 Oct 2026** · Ben · 14 \\%")
    assert lines[0].endswith("\\[click\\]\\(javascript\\:\u2060x\\)")
    assert lines[1] == "**05 Oct 2026** · Ana · 10 \\% · confidence 50\\%  \nfirst \\*\\*bold\\*\\*"
