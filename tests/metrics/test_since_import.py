"""Since the last import: the pure comparison of two scored key-result frames."""

from __future__ import annotations

import pandas as pd

from metrics.progress.since_import import since_import


def krs(scores: dict[str, float | None], paces: dict[str, str]) -> pd.DataFrame:
    ids = list(scores)
    return pd.DataFrame({
        "kr_id": ids,
        "objective_id": [f"O{i[-1]}" for i in ids],
        "title": [f"Key result {i}" for i in ids],
        "team": "Sales",
        "score": [scores[i] for i in ids],
        "status": [paces[i] for i in ids],
    })  # fmt: skip


def stale(*ids: str) -> pd.DataFrame:
    return pd.DataFrame({"kr_id": list(ids), "days_silent": [30] * len(ids)})


def test_largest_moves_newly_off_track_and_newly_stale() -> None:
    on = "on track"
    before = krs({"K1": 0.2, "K2": 0.5, "K3": 0.9, "K4": 0.4},
                 {"K1": on, "K2": on, "K3": on, "K4": "behind"})  # fmt: skip
    after = krs({"K1": 0.6, "K2": 0.55, "K3": 0.3, "K4": 0.4, "K5": 0.1},
                {"K1": "on track", "K2": "at risk", "K3": "behind", "K4": "behind",
                 "K5": "on track"})  # fmt: skip
    found = since_import(before, after, stale("K4"), stale("K4", "K2"), top=2)
    assert found.moved_up["kr_id"].tolist() == ["K1", "K5"]  # +0.4, then new at 0.1
    assert found.moved_up["before"].tolist()[0] == 0.2
    assert found.moved_down["kr_id"].tolist() == ["K3"]
    assert found.moved_down["after"].tolist() == [0.3]
    assert found.newly_off_track["kr_id"].tolist() == ["K2", "K3"]  # K4 was behind already
    assert found.went_stale["kr_id"].tolist() == ["K2"]
    assert found.went_stale["link"].tolist() == ["objective?id=O2"]


def test_nothing_moved_is_empty() -> None:
    same = krs({"K1": 0.5}, {"K1": "on track"})
    assert since_import(same, same, stale(), stale()).is_empty
