"""What an ingest made of its files: `Prepared` (the canonical frames, checked, before the
load) and `IngestReport` (what the load did, or would do), shared by the command line and the
Data page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipelines.map.canonical import LOCATION, Canonical, archived_counts
from pipelines.map.cycle_hints import Guess
from pipelines.problems import Problem, count_errors
from pipelines.store.impact import LoadImpact
from pipelines.store.undo import Described
from pipelines.understanding import Understanding, headline


@dataclass
class IngestReport:
    ok: bool
    outcome: str  # loaded | unchanged | rejected | dry-run
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)  # stored rows a newer export dropped
    notes: list[str] = field(default_factory=list)  # what was detected and decided
    recognised: list[str] = field(default_factory=list)  # tools whose export this is
    not_scored: dict[str, int] = field(default_factory=dict)  # initiatives… by kind
    archived: dict[str, int] = field(default_factory=dict)  # rows kept out of scores
    as_of: date | None = None  # the day its value changes are dated (None: the import's day)
    described: Described | None = None  # what the load changed (or, dry, would change)
    source_files: list[str] = field(default_factory=list)
    guessed: Guess | None = None  # the cycle loaded into when the files name none
    understanding: Understanding | None = None  # what the reader made of the files
    impact: LoadImpact | None = None  # what the load removes and overwrites (a dry run's)
    import_id: int | None = None  # the version a load made

    @property
    def headline(self) -> list[str]:
        """`Recognised as a Viva Goals organisation export`, `3 deliverables not scored …`."""
        return headline(self.recognised, self.not_scored, self.guessed)


@dataclass
class Prepared:
    """Canonical frames of an ingest, validated, ready for `load` when `ok`."""

    canonical: Canonical
    problems: list[Problem]
    unmapped: list[str]
    removals: dict[str, list[str]]
    source_files: list[str]
    notes: list[str]
    recognised: list[str] = field(default_factory=list)
    not_scored: dict[str, int] = field(default_factory=dict)
    # A flat sheet with a date per row (`Last updated`) and no check-in table: its dated
    # values extend the stored history instead of replacing it (see `load_tables`).
    dated_snapshot: bool = False
    guessed: Guess | None = None  # the cycle loaded into when the files name none
    understanding: Understanding | None = None  # what the reader made of the files

    @property
    def headline(self) -> list[str]:
        """What the import report opens with: the tool recognised, what is not scored."""
        return headline(self.recognised, self.not_scored, self.guessed)

    @property
    def ok(self) -> bool:
        return count_errors(self.problems) == 0

    @property
    def rows(self) -> dict[str, int]:
        rows = {}
        for table in ("cycles", "teams", "objectives", "key_results", "check_ins"):
            n = sum(len(src[table]) for src in (self.canonical.tables, self.canonical.derived)
                    if table in src)  # fmt: skip
            if n or table in self.canonical.tables:
                rows[table] = n
        return rows

    @property
    def archived(self) -> dict[str, int]:
        """Archived (deleted, draft, cancelled) rows of this ingest: kept, out of scores."""
        return archived_counts(self.canonical.tables)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The frames to write, without their source locations."""
        return {t: f.drop(columns=LOCATION) for t, f in self.canonical.tables.items()}

    def derived(self) -> dict[str, pd.DataFrame]:
        return {t: f.drop(columns=LOCATION) for t, f in self.canonical.derived.items()}
