"""The key-result types are one enum (pipelines/kr_types.py): every stage speaks it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from demo_company.bank import ACTIVITY, INC, KIND_NAMES, MIL, kr_types_of
from metrics.scores.scoring import attainment
from pipelines.kr_types import KrType
from pipelines.map.words import ABOVE, BELOW, FROM_NUMBERS, KR_TYPE_WORDS
from pipelines.store.schema import KR_TYPES


def test_the_store_holds_every_type_graded_included():
    assert KR_TYPES == ("increase", "decrease", "range", "milestone", "baseline", "graded")


def test_every_type_is_scored():
    # each type: (start, target, low, high, current) → attainment
    cases = {
        KrType.INCREASE: ((0.0, 10.0, None, None, 6.0), 0.6),
        KrType.DECREASE: ((10.0, 0.0, None, None, 6.0), 0.4),
        KrType.RANGE: ((None, None, 4.0, 8.0, 6.0), 1.0),
        KrType.MILESTONE: ((None, None, None, None, 1.0), 1.0),
        KrType.BASELINE: ((None, None, None, None, 42.0), 1.0),
        KrType.GRADED: ((None, None, None, None, 0.7), 0.7),
    }
    assert set(cases) == set(KrType)
    rows = [values for values, _ in cases.values()]
    frame = pd.DataFrame(
        rows, columns=["start_value", "target_value", "range_low", "range_high", "current"]
    ).astype("float64")
    types = pd.Series([t.value for t in cases])
    found = attainment(frame, types, frame["current"])
    assert found.round(9).tolist() == [expected for _, expected in cases.values()]


def test_other_tools_words_name_a_type_or_say_how_to_infer_one():
    assert set(KR_TYPE_WORDS.values()) == {*KrType, ABOVE, BELOW, FROM_NUMBERS}
    assert KR_TYPE_WORDS["zones"] == KrType.GRADED
    assert KrType.GRADED.value == "graded"


def test_the_demo_stores_types_by_name_not_position():
    kinds = np.array([INC, MIL, ACTIVITY], dtype=np.int64)
    assert kr_types_of(kinds).tolist() == ["increase", "milestone", "increase"]
    assert len(KIND_NAMES) == 6
