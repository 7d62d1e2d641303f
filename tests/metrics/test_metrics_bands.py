"""The bands follow the sweet spot in force (`OKR_HEALTH_SWEET_SPOT`); one set of edges
makes the codes, the labels and the Excel rules."""

from __future__ import annotations

import pandas as pd
import pytest

from exports.excel import band_formulas
from metrics.scores.bands import ScoreBands, band_labels, band_of, score_bands, sweet_spot_share
from pipelines.settings import Settings, SettingsError

SCORES = pd.Series([0.0, 0.45, 0.55, 0.6, 0.7, 0.75, 0.8, 0.85, 1.0, None])


def test_default_bands_are_the_okr_literature_s():
    assert score_bands() == ScoreBands(0.6, 0.7)
    assert band_labels() == {
        "low": "Low (< 0.4)",
        "mid": "Mid (0.4–0.6)",
        "sweet": "Sweet spot (0.6–0.7)",
        "high": "High (0.7–1.0)",
        "maxed": "Maxed (1.0)",
    }
    assert band_of(SCORES).astype(object).fillna("–").tolist() == [
        "low", "mid", "mid", "sweet", "sweet", "high", "high", "high", "maxed", "–",
    ]  # fmt: skip


def test_the_setting_moves_the_sweet_spot_and_the_bands_beside_it(monkeypatch):
    monkeypatch.setenv("OKR_HEALTH_SWEET_SPOT", "0.7–0.8")
    assert score_bands().sweet_spot == (0.7, 0.8)
    assert band_of(SCORES).astype(object).tolist()[:9] == [
        "low", "low", "mid", "mid", "sweet", "sweet", "sweet", "high", "maxed",
    ]  # fmt: skip
    assert band_labels()["low"] == "Low (< 0.5)"
    assert band_labels()["sweet"] == "Sweet spot (0.7–0.8)"
    assert sweet_spot_share(SCORES) == pytest.approx(3 / 9)


def test_excel_rules_are_written_from_the_same_edges():
    rules = band_formulas("s", ScoreBands(0.65, 0.75))
    assert rules == {
        "low": "s<0.45",
        "mid": "AND(s>=0.45,s<0.65)",
        "sweet": "AND(s>=0.65,s<=0.75)",
        "high": "AND(s>0.75,s<1.0)",
        "maxed": "s>=1.0",
    }


@pytest.mark.parametrize("text", ["0.8-0.7", "0.6", "high-low", "0-0.5", "0.5-1"])
def test_a_sweet_spot_that_is_not_two_scores_inside_0_1_is_refused(text):
    with pytest.raises(SettingsError, match="OKR_HEALTH_SWEET_SPOT must be two scores"):
        Settings.from_env({"OKR_HEALTH_SWEET_SPOT": text})
