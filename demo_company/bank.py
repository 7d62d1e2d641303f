"""The bank of titles and metrics, read from `bank.toml` at import.

The words of the demo company are data, not code: what the company and each department
write objectives and key results about, the descriptions and check-in notes, and the names
people are drawn from. They live in `bank.toml` beside this module, where they can be read
and edited as one table per department without touching the generator, and this module
turns them into frozen `Bank` and `Metric` records and one frame of all metric templates.
The order of every list in the file is part of the demo: the generator draws positions.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pipelines.kr_types import KrType

# Key-result kinds of the templates, as small codes the generator computes on with numpy
# (their names are bank.toml's words); ACTIVITY is an increase KR worded as a task.
INC, DEC, RNG, MIL, BAS, ACTIVITY = range(6)
KIND_NAMES = ("increase", "decrease", "range", "milestone", "baseline", "activity")
# The key-result type each kind is stored as, by name (never by a position in a tuple).
KIND_TYPES = {
    INC: KrType.INCREASE,
    DEC: KrType.DECREASE,
    RNG: KrType.RANGE,
    MIL: KrType.MILESTONE,
    BAS: KrType.BASELINE,
    ACTIVITY: KrType.INCREASE,
}


def kr_types_of(kinds: NDArray[np.int64]) -> NDArray[np.object_]:
    """The stored `kr_type` of each kind code: "increase" for INC and for ACTIVITY, …"""
    names = np.array([KIND_TYPES[k].value for k in range(len(KIND_NAMES))], dtype=object)
    return names[kinds]


@dataclass(frozen=True)
class Metric:
    """A key-result template.

    increase/decrease: start drawn from [a, b], relative change from [c, d].
    range: the band is [a, b], the start is drawn from [c, d] (possibly outside the band).
    baseline: a recorded value lies in [a, b].  activity: the target is drawn from [c, d].
    `dec` is the rounding (decimals, negative for tens/thousands); `cap` an upper bound.
    """

    kind: int
    template: str
    unit: str | None = None
    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0
    dec: int = 0
    cap: float = np.inf


@dataclass(frozen=True)
class Bank:
    """Names and OKR texts of one department (or of the company)."""

    key: str
    name: str
    focuses: tuple[str, ...]
    objectives: tuple[str, ...]
    team_objectives: tuple[str, ...]  # "{f}" is the team's focus, e.g. "EMEA"
    metrics: tuple[Metric, ...]


def _metric(kind: int, entry: Any) -> Metric:
    """One template of `kind` from its TOML entry (a table, or a plain title)."""
    if kind == MIL:
        return Metric(MIL, entry)
    title, unit, dec = entry["title"], entry.get("unit"), entry.get("decimals", 0)
    if kind in (INC, DEC):
        (a, b), (c, d) = entry["start"], entry["change"]
        return Metric(kind, title, unit, a, b, c, d, dec, entry.get("cap", np.inf))
    if kind == RNG:
        (a, b), (c, d) = entry["band"], entry["start"]
        return Metric(RNG, title, unit, a, b, c, d, dec)
    if kind == BAS:
        a, b = entry["value"]
        return Metric(BAS, title, unit, a, b, dec=dec)
    c, d = entry["count"]
    return Metric(ACTIVITY, title, "count", 0, 0, c, d)


def _bank(table: dict[str, Any]) -> Bank:
    """A bank from its TOML table; metrics grouped by kind, in file order within a kind."""
    metrics = tuple(
        _metric(kind, entry)
        for kind, name in enumerate(KIND_NAMES)
        for entry in table.get(name, ())
    )
    return Bank(
        table["key"],
        table["name"],
        tuple(table.get("focuses", ())),
        tuple(table["objectives"]),
        tuple(table.get("team_objectives", ())),
        metrics,
    )


def _load() -> dict[str, Any]:
    return tomllib.loads(files(__package__).joinpath("bank.toml").read_text(encoding="utf-8"))


_DATA = _load()

DEPARTMENT_BANKS: tuple[Bank, ...] = tuple(_bank(t) for t in _DATA["departments"])
COMPANY_BANK = _bank(_DATA["company"])
COMPANY_ID = COMPANY_BANK.key
COMPANY_NAME = COMPANY_BANK.name
BANKS: tuple[Bank, ...] = (*DEPARTMENT_BANKS, COMPANY_BANK)
COMPANY_BANK_INDEX = len(BANKS) - 1

OBJECTIVE_DESCRIPTIONS: tuple[str, ...] = tuple(_DATA["objective_descriptions"])
CHECK_IN_NOTES: dict[str, tuple[str, ...]] = {
    status: tuple(notes) for status, notes in _DATA["check_in_notes"].items()
}
FIRST_NAMES: tuple[str, ...] = tuple(_DATA["first_names"])
LAST_NAMES: tuple[str, ...] = tuple(_DATA["last_names"])


def metric_table() -> tuple[pd.DataFrame, NDArray[np.int_], NDArray[np.int_]]:
    """All metric templates in one frame, with [bank, kind] → (first row, count) indices."""
    rows: list[Metric] = []
    start = np.zeros((len(BANKS), 6), int)
    count = np.zeros((len(BANKS), 6), int)
    for b, bank in enumerate(BANKS):
        for kind in range(6):
            start[b, kind] = len(rows)
            members = [m for m in bank.metrics if m.kind == kind]
            rows += members
            count[b, kind] = len(members)
    table = pd.DataFrame([m.__dict__ for m in rows])
    return table, start, count


METRICS, METRIC_START, METRIC_COUNT = metric_table()
