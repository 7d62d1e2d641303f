"""Alignment by title: the folded title a reference is matched on, the same for every title
whether Arrow or Python folds it (pipelines/map/links.py)."""

from __future__ import annotations

import re

import pandas as pd

from pipelines.map.links import _key


def python_fold(title: object) -> object:
    """How the titles were folded before Arrow did it: missing stays missing."""
    if title is None or (isinstance(title, float) and pd.isna(title)):
        return None
    return re.sub(r"\s+", " ", str(title).casefold()).strip()


def as_list(folded: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in folded]


def test_a_title_folds_as_python_folds_it_in_any_script_and_spacing() -> None:
    titles = [
        "Grow  Revenue", " grow revenue\t", "GROW\x0bREVENUE", "grow\x1crevenue\x1f",
        "Straße ausbauen", "STRASSE AUSBAUEN", "ΟΔΟΣ", "οδος", "Grow\u00a0revenue",
        "Grow\u2003 revenue", "", "   ", None, "Ünïcödé  Title", "ﬁnance ﬁrst", "İstanbul",
        "KR 12: cut churn to 3%", "tabs\t\tand\r\nlines",
    ]  # fmt: skip
    column = pd.Series(titles * 3, dtype="str")  # titles repeat: each is folded once
    folded = _key(column)
    assert as_list(folded) == [python_fold(t) for t in titles * 3]
    before = column.str.casefold().str.replace(r"\s+", " ", regex=True).str.strip()
    pd.testing.assert_series_equal(folded, before)  # what pandas gave, dtype and all
    assert folded.iloc[0] == folded.iloc[1] == folded.iloc[2] == folded.iloc[3] == "grow revenue"
    assert folded.iloc[4] == folded.iloc[5] == "strasse ausbauen"  # ß folds to ss


def test_numbers_read_as_titles_fold_as_their_text() -> None:
    column = pd.Series([12, None, 3.5], dtype="object")
    assert as_list(_key(column)) == ["12", None, "3.5"]
