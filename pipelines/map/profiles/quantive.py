"""Quantive (formerly Gtmhub): the OKR import workbook, sheets `OKRs`, `Tasks` and `Users`.

`OKRs` holds one row per key result with its objective repeated (`Session, objective,
keyResultName, owner, initialValue, targetValue, type`, and the `actual` value); `type` is a
phrase: "should increase to", "should decrease to", "should stay above", "should stay below".
Tasks are initiatives (counted, not scored); Users is the account list (not loaded).
Quantive's rule for stay above / below is strict: 1.0 only while the value is on the right
side of the target (equal is 0.0), which a range's bound cannot say (it includes the bound), so
such a key result carries Quantive's own 0 or 1 as its reported progress.
"""

from __future__ import annotations

import pandas as pd

from pipelines.map.synonyms import normalise_header
from pipelines.map.values import parse_number
from pipelines.read.sources import Sources, SourceTable

TOOL = "Quantive (Gtmhub) import workbook"
COLUMNS = {  # normalised header → flat field
    "session": "objectives.cycle_id",
    "objective": "objectives.title",
    "keyresultname": "key_results.title",
    "owner": "key_results.owner",
    "initialvalue": "key_results.start_value",
    "targetvalue": "key_results.target_value",
    "actual": "key_results.current_value",
    "type": "key_results.kr_type",
    "description": "objectives.description",
}
TYPES = {
    "should increase to": "increase",
    "should decrease to": "decrease",
    "should stay above": "above",
    "should stay below": "below",
}


def _is_okrs(source: SourceTable) -> bool:
    keys = {normalise_header(h) for h in source.headers}
    return {"keyresultname", "initialvalue", "targetvalue", "objective"} <= keys


def recognise(sources: Sources) -> None:
    okrs = [s for s in sources.tables if s.role is None and _is_okrs(s)]
    if not okrs:
        return
    files = {s.file for s in okrs}
    kept: list[SourceTable] = []
    for source in sources.tables:
        sheet = normalise_header(source.sheet or "")
        if source.file in files and sheet == "tasks":
            n = len(source.data)
            sources.not_scored["task"] = sources.not_scored.get("task", 0) + n
            sources.notes.append(
                f"{source.label}: {n} rows of tasks, not key results: not scored; not loaded"
            )
            continue
        if source.file in files and sheet == "users":
            sources.notes.append(f"{source.label}: {len(source.data)} rows of people; not loaded")
            continue
        kept.append(_okrs(source) if source in okrs else source)
    sources.tables = kept
    sources.recognised.append(TOOL)


def _numbers(column: pd.Series, hint: str | None) -> list[float | None]:
    """A column's numbers, the decimal separator decided per column (`4,5` from a European
    Excel is 4.5, not 45); no number: None."""
    values = parse_number(column, "number", hint).values
    return [None if pd.isna(v) else float(v) for v in values]


def _okrs(source: SourceTable) -> SourceTable:
    """The OKRs sheet as a flat sheet with canonical field names (letters kept)."""
    named = {
        h: COLUMNS[normalise_header(h)] for h in source.headers if normalise_header(h) in COLUMNS
    }
    data = source.data[list(named)].rename(columns=named).astype("object")
    letters = {named[h]: source.letters[h] for h in named}
    if "key_results.kr_type" in data:
        phrase = data["key_results.kr_type"].map(
            lambda v: TYPES.get(" ".join(str(v).casefold().split()), v) if pd.notna(v) else v
        )
        stay = phrase.isin(["above", "below"])
        actual = data.get("key_results.current_value", pd.Series(None, index=data.index))
        target = data.get("key_results.target_value", pd.Series(None, index=data.index))
        progress: list[float | None] = []
        for side, value, bound in zip(
            phrase,
            _numbers(actual, source.decimal_hint),
            _numbers(target, source.decimal_hint),
            strict=True,
        ):
            if side not in ("above", "below") or value is None or bound is None:
                progress.append(None)
            else:
                progress.append(float(value > bound if side == "above" else value < bound))
        data["key_results.reported_progress"] = progress
        letters["key_results.reported_progress"] = letters.get("key_results.current_value", "type")
        for column in ("key_results.start_value", "key_results.target_value",
                       "key_results.current_value"):  # fmt: skip
            if column in data:
                data[column] = data[column].where(~stay, None)
        data["key_results.kr_type"] = phrase.where(~stay, None)
    return SourceTable(
        source.file, source.sheet, data, letters, source.header_row, source.decimal_hint, "flat"
    )
