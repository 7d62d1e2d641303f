"""Numbers and lists as the brief writes them: the pages' rounding (scores to two decimals,
shares as whole percentages) and plain English counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def score(value: Any) -> str:
    """A score as every page shows it: 0.62."""
    return f"{float(value):.2f}"


def share(value: Any) -> str:
    """A share as every page shows it: 62%."""
    return f"{float(value):.0%}"


def counted(n: int, noun: str) -> str:
    """`1 objective`, `3 objectives`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def listing(parts: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if not parts:
        return "none"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
