"""Flags read as flags in `--help`: an on/off option (`--dry-run`, `--json`, `--help`) shows
no value after it. Typer shows the type of every option, so a flag read `--dry-run <bool>`,
as if it took `true` or `false`."""

from __future__ import annotations

from typing import Any

import typer.core


def _without_flag_values(params: list[Any]) -> list[Any]:
    """The parameters, each on/off option given an empty metavar (shown as nothing)."""
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
    return params


class FlagCommand(typer.core.TyperCommand):
    """A command whose help shows its flags without a value."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _without_flag_values(super().get_params(ctx))


class FlagGroup(typer.core.TyperGroup):
    """The app's command group, its own --help shown without a value too."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _without_flag_values(super().get_params(ctx))
