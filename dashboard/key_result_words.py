"""What the Objective page says about a key result in words: values with their units, the
status and heading against what was expected by now (the columns of
metrics/progress/status.py, no rule of its own), and the check-in notes newest first.
Pure; the Markdown it returns has every user text escaped with `dashboard.text.md`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.text import md
from metrics.scores.bands import band_labels

# Units written before the number ("€ 40k"), with the sign a reader expects.
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "€": "€",
                  "$": "$", "£": "£", "¥": "¥", "₹": "₹", "CHF": "CHF", "SEK": "SEK"}  # fmt: skip
NO_UNIT = {"", "count", "number", "#"}  # a plain count reads best as the number alone


def number_text(value: float) -> str:
    """A value as people write it: 40k, 1.2M, 3.5, 120, 12,500 (no float noise)."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.3g}k"
    if size >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if size >= 1 or size == 0 else f"{value:.2g}"


def value_text(value: object, unit: object = None) -> str:
    """`value` with the key result's unit: "12 %", "€ 40k", "45 days"; "–" when missing."""
    if value is None or value != value:
        return "–"
    try:
        number = number_text(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    written = "" if unit is None or unit != unit else str(unit).strip()
    if written.lower() in NO_UNIT:
        return number
    if written.upper() in CURRENCY_SIGNS or written in CURRENCY_SIGNS:
        return f"{CURRENCY_SIGNS.get(written.upper(), written)} {number}"
    return f"{number} {written}"


def with_values_in_units(key_results: pd.DataFrame, stated: pd.DataFrame) -> pd.DataFrame:
    """`key_results` with `unit` (as stored) and `start_text`, `target_text`, `current_text`:
    start, target and current value written with the unit."""
    units = stated.drop_duplicates("kr_id").set_index("kr_id")["unit"]
    out = key_results.assign(unit=key_results["kr_id"].map(units))
    for column in ("start_value", "target_value", "current"):
        name = column.removesuffix("_value") + "_text"
        out[name] = [value_text(v, u) for v, u in zip(out[column], out["unit"], strict=True)]
    return out


def progress_text(current: object, target: object, unit: object, kr_type: object = None) -> str:
    """Where a key result stands against its target: "3 of 5 customers", "€ 40k of € 50k"
    for one that grows towards its target, "640 ms now, target 450 ms" for any other."""
    if current is None or current != current:
        return "no value yet"
    if target is None or target != target:
        return value_text(current, unit)
    if kr_type in (None, "increase", "milestone") or kr_type != kr_type:
        return f"{value_text(current, unit)} of {value_text(target, unit)}"
    return f"{value_text(current, unit)} now, target {value_text(target, unit)}"


def status_words(row: Mapping[Any, Any]) -> str:
    """A key result's or objective's verdict in one sentence: in a running cycle its status,
    where it is heading and what was expected by now; otherwise its final band."""
    get = row.get
    score, status = get("score"), get("status")
    has_score = isinstance(score, float | int) and score == score
    now = f"{score:.2f}" if has_score else "–"
    if isinstance(status, str) and status:
        heading, expected = get("heading"), get("expected")
        words = [f"**{status}**"]
        if isinstance(heading, float | int) and heading == heading:
            words.append(f"heading for {heading:.2f} at the end")
        if isinstance(expected, float | int) and expected == expected:
            words.append(f"{now} now, {expected:.2f} expected by now")
        return " · ".join(words)
    band = get("band")
    if isinstance(band, str) and band:
        return f"finished at {now}: **{band_labels().get(band, band)}**"
    return "not graded"


def confidence_text(confidence: object) -> str:
    """Confidence as stored: a 0–1 share as a percent, a 0–10 mark as "7/10"."""
    if not isinstance(confidence, float | int) or confidence != confidence:
        return ""
    return f"{confidence:.0%}" if confidence <= 1 else f"{confidence:g}/10"


def notes_lines(history: pd.DataFrame, unit: object) -> list[str]:
    """One Markdown line per check-in that has a note, newest first: date, who, the value in
    its unit, the confidence, then the note. User text escaped."""
    noted = history[history["note"].astype("object").map(_has_text)]
    noted = noted.sort_values("checked_at", ascending=False)
    lines = []
    for row in noted.itertuples(index=False):
        when = pd.Timestamp(str(row.checked_at)).strftime("%d %b %Y")
        parts = [f"**{when}**"]
        if _has_text(row.author):
            parts.append(md(row.author))
        if isinstance(row.value, float | int) and row.value == row.value:
            parts.append(md(value_text(row.value, unit)))
        confidence = confidence_text(row.confidence)
        if confidence:
            parts.append(md(f"confidence {confidence}"))
        lines.append(" · ".join(parts) + f"  \n{md(row.note)}")
    return lines


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
