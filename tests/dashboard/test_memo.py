"""The pages' memo: the same input gives the same result without recomputing; a change
of content, or a different large frame, computes again."""

from __future__ import annotations

import gc
from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard import charts_overview, overview_frames
from dashboard.memo import SMALL_CELLS, memoized


def counting() -> tuple[list[int], Callable[[pd.DataFrame, str], float]]:
    calls: list[int] = []

    @memoized(max_entries=4)
    def total(frame: pd.DataFrame, column: str) -> float:
        calls.append(1)
        return float(frame[column].sum())

    return calls, total


def test_small_frames_are_keyed_by_content() -> None:
    calls, total = counting()
    assert total(pd.DataFrame({"a": [1, 2]}), "a") == 3.0
    assert total(pd.DataFrame({"a": [1, 2]}), "a") == 3.0
    assert len(calls) == 1
    assert total(pd.DataFrame({"a": [1, 5]}), "a") == 6.0
    assert len(calls) == 2


def test_large_frames_are_keyed_by_identity_while_they_live() -> None:
    calls, total = counting()
    big = pd.DataFrame({"a": np.ones(SMALL_CELLS + 1)})
    assert total(big, "a") == SMALL_CELLS + 1
    assert total(big, "a") == SMALL_CELLS + 1
    assert len(calls) == 1
    other = big.copy()
    other.loc[0, "a"] = 2.0
    assert total(other, "a") == SMALL_CELLS + 2
    del big, other
    gc.collect()
    again = pd.DataFrame({"a": np.zeros(SMALL_CELLS + 1)})  # may reuse a dead frame's id
    assert total(again, "a") == 0.0


def test_transforms_and_figures_are_the_same_objects_for_the_same_data() -> None:
    objectives = pd.DataFrame(
        {"objective_id": ["o1", "o2"], "cycle_id": ["Q1", "Q1"], "department": ["Ops", "Sales"],
         "score": [0.8, 0.1], "expected": [0.3, 0.3], "heading": [0.9, 0.2],
         "status": ["on track", "at risk"]}
    )  # fmt: skip
    first = overview_frames.department_status(objectives)
    assert overview_frames.department_status(objectives.copy()) is first
    assert list(first["department"]) == ["Sales", "Ops"]  # worst first
    histogram = charts_overview.score_histogram(pd.Series([0.1, 0.65, 1.0]))
    figure = charts_overview.distribution_figure(histogram, "Key-result scores")
    assert charts_overview.distribution_figure(histogram.copy(), "Key-result scores") is figure
    assert charts_overview.distribution_figure(histogram, "Objective scores") is not figure


def test_a_frame_seen_before_is_hashed_once_and_a_column_added_in_place_is_seen(
    monkeypatch,
) -> None:
    from dashboard import memo

    hashed: list[int] = []
    content_key = memo._content_key

    def counted(value, shape):
        hashed.append(1)
        return content_key(value, shape)

    monkeypatch.setattr(memo, "_content_key", counted)
    calls, total = counting()
    frame = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    assert total(frame, "a") == 3.0
    assert total(frame, "a") == 3.0
    assert total(frame, "b") == 7.0
    assert (len(calls), len(hashed)) == (2, 1)  # the same object: its content hashed once
    frame["c"] = [10, 20]  # a page that adds a column in place gets a new key
    assert total(frame, "c") == 30.0
    assert len(hashed) == 2
    assert total(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), "a") == 3.0  # same content
    assert len(calls) == 3


def test_labels_given_as_a_dict_or_list_find_the_result_kept_for_them() -> None:
    calls: list[int] = []

    @memoized(max_entries=4)
    def labelled(frame: pd.DataFrame, labels: dict[str, str], order: list[str]) -> list[str]:
        calls.append(1)
        return [labels[c] for c in order if c in frame.columns]

    frame = pd.DataFrame({"a": [1], "b": [2]})
    assert labelled(frame, {"a": "A", "b": "B"}, ["b", "a"]) == ["B", "A"]
    assert labelled(frame, {"a": "A", "b": "B"}, ["b", "a"]) == ["B", "A"]
    assert len(calls) == 1
    assert labelled(frame, {"a": "A", "b": "Bee"}, ["b", "a"]) == ["Bee", "A"]
    assert labelled(frame, {"a": "A", "b": "B"}, ["a", "b"]) == ["A", "B"]
    assert len(calls) == 3
