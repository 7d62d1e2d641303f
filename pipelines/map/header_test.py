"""Which cells read like a header: the test the readers use to find a file's header row.

A plain object, not a closure, so that it pickles: the Data page parses uploads in a
memory-capped child process (`pipelines/read/text_child.py`) and sends it there.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.map.mapping import known_header
from pipelines.map.synonyms import normalise_header


@dataclass(frozen=True)
class HeaderTest:
    """A cell is a header when it names a known column of any role, or a header a mapping
    file names (`extra`, normalised as `normalise_header` does)."""

    extra: frozenset[str] = frozenset()

    def __call__(self, text: str) -> bool:
        return known_header(text) or normalise_header(text) in self.extra
