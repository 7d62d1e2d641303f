"""Rows of a hierarchical table (objectives, key results and what is not scored, one table)
and the words and cells that tell them apart: a type word (`Big rock`, `KPI`, `Deliverable`),
an outcome written as prose (`Done`, `80%: shipped`), an empty cell.

The readers of such tables (`outline.py`, the tool profiles) fill an `Items`; `hierarchy.py`
splits it into the canonical tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import cast

import pandas as pd

from pipelines.problems import Problem
from pipelines.read.sources import SourceTable

OBJECTIVE, KEY_RESULT = "objective", "key_result"
KIND_WORDS: dict[str, str] = {
    **dict.fromkeys(("objective", "objectives", "goal", "goals", "big rock", "bigrock", "okr",
                     "theme", "strategic objective", "company objective", "team objective",
                     "aspirational goal", "committed goal", "o"), OBJECTIVE),
    **dict.fromkeys(("key result", "key results", "keyresult", "kr", "krs", "kpi", "metric",
                     "measure", "outcome", "kr metric", "k"), KEY_RESULT),
    **{w: w for w in ("initiative", "project", "deliverable", "task", "milestone", "action",
                      "epic", "feature", "activity")},
    "initiatives": "initiative", "projects": "project", "deliverables": "deliverable",
    "tasks": "task", "milestones": "milestone", "actions": "action", "epics": "epic",
}  # fmt: skip
NOT_SCORED_PLURAL = {"activity": "activities"}
PERCENT_LEAD = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%")
DONE_WORDS = ("done", "achieved", "complete", "completed", "met", "yes", "shipped", "delivered")
NOT_DONE_WORDS = ("not done", "not achieved", "missed", "not met", "no", "failed", "dropped")


@dataclass
class Items:
    """Rows of one hierarchical table, by Excel row: `kind`, `title`, `parents` (a list of
    (parent row, weight or None)) and canonical fields by their column names."""

    source: SourceTable
    frame: pd.DataFrame  # index: Excel row
    letters: dict[str, str] = field(default_factory=dict)  # canonical field → source letter
    check_ins: pd.DataFrame | None = None  # kr_row, checked_at, value, status, note, author
    default_cycle: str | None = None


@dataclass
class Split:
    tables: list[SourceTable] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT: a cell with nothing in it."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def blank_to_none(value: object) -> object:
    """A cell, or None when it is missing or only whitespace."""
    return None if missing(value) or not str(value).strip() else value


def as_column(values: Sequence[object], index: pd.Index) -> pd.Series:
    """Python values as an object column on `index` (a frame column of any content)."""
    return pd.Series(list(values), index=index, dtype="object")


def row_number(label: Hashable) -> int:
    """A frame's index label, which is an Excel row or record number here."""
    return int(cast(int, label))


def kind_of(text: object) -> str | None:
    """`Key Result` → key_result, `Big rock` → objective, `Deliverable` → deliverable."""
    if missing(text):
        return None
    key = re.sub(r"[\s_\-]+", " ", str(text).strip().casefold())
    return KIND_WORDS.get(key) or KIND_WORDS.get(key.rstrip("s"))


def prose_score(text: object) -> float | None:
    """An outcome as people write it: `Done` 1.0, `Not done` 0.0, `80%: shipped …` 0.8."""
    if missing(text):
        return None
    if isinstance(text, int | float):
        return float(text) / 100 if text > 1 else float(text)
    value = str(text).strip()
    if match := PERCENT_LEAD.match(value):
        return float(match.group(1).replace(",", ".")) / 100
    head = re.split(r"[:;,.(\-–—]", value.casefold(), maxsplit=1)[0].strip()
    if head in NOT_DONE_WORDS:
        return 0.0
    if head in DONE_WORDS:
        return 1.0
    return None


def plural(kind: str, n: int) -> str:
    return kind if n == 1 else NOT_SCORED_PLURAL.get(kind, kind + "s")


def not_scored_line(counts: dict[str, int]) -> str:
    """`21 deliverables, 2 projects not scored (not key results)`."""
    parts = [f"{n:,} {plural(k, n)}" for k, n in sorted(counts.items()) if n]
    return f"{', '.join(parts)} not scored (not key results)" if parts else ""
