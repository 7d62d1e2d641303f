"""What every command shares: the options that name a store, a cycle and a moment, the store
they name (refused plainly when it is missing), and the one-line failure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okr_health.terminal import echo
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.dataset import Dataset, read_dataset

if TYPE_CHECKING:  # imported where used: the command line starts without the metrics
    from reporting.cache import StoreReport

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB store (default: $OKR_HEALTH_DB or data/okr.duckdb)."),
]
CYCLE_DEFAULT = "the latest cycle with objectives: the running one when it has some"
CycleOption = Annotated[
    str | None, typer.Option("--cycle", help=f"Cycle id, e.g. 2026-Q4 (default: {CYCLE_DEFAULT}).")
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="The store as it stood after an import (its number in `okr-health history`) or "
        "at the end of a day (YYYY-MM-DD): the figures exactly as they were then.",
    ),
]


def fail(message: str, code: int = 1) -> None:
    """Print `message` on stderr and end the command with exit code `code`."""
    echo(message, err=True)
    raise typer.Exit(code)


def existing(db: Path | None) -> Path:
    """The store's path; a missing store ends the command with what to run instead."""
    path = resolve_db_path(db)
    if not path.exists():
        fail(f"error: no store at {path}; run `okr-health demo` or `okr-health ingest FILE`.")
    return path


def check_cycle(dataset: Dataset, cycle: str | None) -> None:
    """Ends the command when `cycle` names no cycle of the store (the same words everywhere)."""
    known = [str(c) for c in dataset.cycles["cycle_id"]]
    if cycle is not None and cycle not in known:
        fail(f"error: unknown cycle {cycle!r}; known: {', '.join(known) or 'none'}")


def chosen_cycle(dataset: Dataset, cycle: str | None) -> str | None:
    """The cycle a command reports on: `cycle` when the store has it (else the command ends),
    by default the one every surface opens on (`metrics.progress.cycle_choice.opening_cycle`)."""
    from metrics.progress.cycle_choice import opening_cycle

    check_cycle(dataset, cycle)
    return cycle or opening_cycle(dataset.cycles, dataset.objectives, dataset.reference_date())


def dataset_of(db: Path | None, include_archived: bool = False, at: str | None = None) -> Dataset:
    """The store's dataset (with `at`, as the store stood then)."""
    from pipelines.store.undo import dataset_at

    with open_store(existing(db), read_only=True) as conn:
        if at:
            return dataset_at(conn, at, include_archived)
        return read_dataset(conn, include_archived=include_archived)


def store_report(db: Path | None, at: str | None = None) -> StoreReport:
    """The dataset and health report, from the report cache when the store is unchanged
    since it was last computed (see reporting/cache.py); with `at`, as the store stood then."""
    from reporting.cache import load_or_compute
    from reporting.versions import load_at

    if at:
        return load_at(existing(db), at)
    return load_or_compute(existing(db))
