"""What an import knows of its cycle beyond its tables, and the cycle it guessed: shared by
`pipelines.map.canonical` and `pipelines.map.cycles` (which finds the cycle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CycleHints:
    """What an import knows beyond its tables: the cycle the person named, the title rows of
    each file, the file's date (`--as-of`, a date in its name) and today."""

    given: str | None = None
    titles: dict[str, list[str]] = field(default_factory=dict)
    day: date | None = None
    today: date | None = None


@dataclass(frozen=True)
class Guess:
    """The cycle an import was loaded into because its files name none, and the line saying so."""

    cycle: str
    line: str
