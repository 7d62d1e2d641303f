"""`okr-health`: the command line (docs/cli.md). Thin: it parses, calls pipelines/metrics,
prints. The commands live by what they do: writing the store (`store_commands.py`), reading
its report (`report_commands.py`), serving the dashboard (`serve_command.py`)."""

from __future__ import annotations

import sys
from typing import Any

import typer

from okr_health import brief_commands, report_commands, serve_command, store_commands
from okr_health.flag_help import FlagCommand, FlagGroup
from okr_health.terminal import echo
from pipelines.settings import SettingsError
from pipelines.store.connection import StoreBusy, StoreReadOnly
from pipelines.store.faults import StoreUnusable
from pipelines.store.undo import UndoError


class _App(typer.Typer):
    """Typer, with the store's expected refusals (busy, read-only, bad settings) printed as
    one line and exit code 1 instead of a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except (StoreBusy, StoreReadOnly, StoreUnusable, SettingsError, UndoError) as exc:
            echo(f"error: {exc}", err=True)
            sys.exit(1)


app = _App(
    help="OKR Health: load OKR spreadsheets into a DuckDB store and report on their health.",
    no_args_is_help=True,
    add_completion=False,
    cls=FlagGroup,
)

for command in (
    store_commands.demo,
    store_commands.ingest,
    store_commands.history,
    store_commands.undo,
    report_commands.summary,
    report_commands.scores,
    report_commands.report,
    brief_commands.brief,
    brief_commands.digest,
    serve_command.serve,
):
    app.command(cls=FlagCommand)(command)


if __name__ == "__main__":
    app()
