"""Deployment settings: how big an import may be, how long to wait for the store, read-only.

One object, `Settings`, read from the environment each time it is asked for (so a test or a
deployment changes a limit by setting a variable, nothing else). Every field `name` is
overridden by the variable `OKR_HEALTH_<NAME>`, e.g. `OKR_HEALTH_MAX_ROWS=200000`.
A limit that is hit is reported with the variable that raises it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

PREFIX = "OKR_HEALTH_"
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """An environment variable holds a value its setting cannot take."""


@dataclass(frozen=True)
class Settings:
    max_upload_mb: int = 50  # one uploaded or ingested file; also Streamlit's upload limit
    max_rows: int = 500_000  # rows of one sheet or CSV file
    max_columns: int = 500  # columns of one sheet or CSV file
    max_zip_entries: int = 10_000  # parts inside one workbook (.xlsx/.ods are zip archives)
    max_unzipped_mb: int = 1024  # what one workbook's parts add up to, unpacked
    max_zip_ratio: int = 200  # how many times a part may expand (parts over 1 MB unpacked)
    parse_memory_mb: int = 4096  # address space of the child process that reads a workbook
    parse_timeout_s: float = 300.0  # wall time the child may take to read one workbook
    isolate_parsing: bool = True  # read workbooks in a child process (pipelines/read/sandbox.py)
    lock_timeout_s: float = 30.0  # how long to wait for another process to release the store
    read_only: bool = False  # no writes at all: the Data page is not offered, imports refused
    importers: tuple[str, ...] = ()  # with login configured: who may import (e-mail addresses)

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable of a setting: max_rows → OKR_HEALTH_MAX_ROWS."""
        return PREFIX + name.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}  # each parsed to its field's type by _parse
        for f in fields(cls):
            raw = env.get(cls.variable(f.name))
            if raw is not None:
                values[f.name] = _parse(cls.variable(f.name), raw, type(f.default))
        return cls(**values)


def _parse(variable: str, raw: str, kind: type) -> object:
    text = raw.strip()
    if kind is bool:
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise SettingsError(f"{variable} must be 1 or 0 (true or false), not {raw!r}")
    if kind is tuple:
        return tuple(p.strip().lower() for p in text.replace(";", ",").split(",") if p.strip())
    try:
        value = kind(text)
    except ValueError:
        raise SettingsError(f"{variable} must be a number, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{variable} must be above 0, not {raw!r}")
    return value


def settings() -> Settings:
    """The settings in force: the defaults above, overridden by OKR_HEALTH_* variables."""
    return Settings.from_env()
