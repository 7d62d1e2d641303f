"""Deployment settings: how big an import may be, how long to wait for the store, read-only.

One object, `Settings`, read from the environment each time it is asked for (so a test or a
deployment changes a limit by setting a variable, nothing else). Every field `name` is
overridden by the variable `OKR_HEALTH_<NAME>`, e.g. `OKR_HEALTH_MAX_ROWS=200000`.
A limit that is hit is reported with the variable that raises it.

Two sets of import limits: the Data page's (strangers' uploads through the browser: the
fields' defaults, `OKR_HEALTH_MAX_*`) and `okr-health ingest`'s (`operator_settings`, run by
whoever runs the store: sized for a 100,000-person company's exports, `OKR_HEALTH_INGEST_*`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

PREFIX = "OKR_HEALTH_"
OPERATOR_PREFIX = "OKR_HEALTH_INGEST_"
# `okr-health ingest`'s own limits. The benchmark's largest company (size L: 100,000 owners,
# 907k key results; its CheckIns.csv has 11.6M rows at ~103 bytes a row, about 1.2 GB) loads
# within them with room to spare (4x); a workbook's parts may unpack to 8 GB and be read
# for an hour in a child process of up to 16 GB address space, as the benchmark raises them.
OPERATOR_LIMITS: dict[str, int | float] = {
    "max_upload_mb": 4096,
    "max_rows": 50_000_000,
    "max_cells": 2_000_000_000,
    "max_unzipped_mb": 8192,
    "parse_memory_mb": 16384,
    "parse_timeout_s": 3600.0,
}
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """An environment variable holds a value its setting cannot take."""


@dataclass(frozen=True)
class Settings:
    max_upload_mb: int = 50  # one uploaded or ingested file; also Streamlit's upload limit
    max_rows: int = 500_000  # rows of one sheet or CSV file
    max_columns: int = 500  # columns of one sheet or CSV file
    max_cells: int = 50_000_000  # rows × columns of one CSV file, counted before reading it
    max_nesting: int = 100  # levels of brackets in one JSON file, counted before parsing it
    max_zip_entries: int = 10_000  # parts inside one workbook (.xlsx/.ods are zip archives)
    max_unzipped_mb: int = 1024  # what one workbook's parts add up to, unpacked
    max_zip_ratio: int = 200  # how many times a part may expand (parts over 1 MB unpacked)
    parse_memory_mb: int = 4096  # address space of the child process that reads a workbook
    parse_timeout_s: float = 300.0  # wall time the child may take to read one workbook
    isolate_parsing: bool = True  # read workbooks in a child process (pipelines/read/sandbox.py)
    isolate_text: bool = True  # parse CSV/JSON/YAML in one too (pipelines/read/text_child.py)
    lock_timeout_s: float = 30.0  # how long to wait for another process to release the store
    read_only: bool = False  # no writes at all: the Data page is not offered, imports refused
    importers: tuple[str, ...] = ()  # with login configured: who may import (e-mail addresses)
    # The scores a company calls success: `OKR_HEALTH_SWEET_SPOT=0.7-0.8`. Every band, text
    # and Excel rule follows it (metrics/scores/bands.py; docs/scoring.md, "Bands").
    sweet_spot: tuple[float, float] = (0.6, 0.7)
    limits_prefix: str = PREFIX  # the variables that set the import limits in force

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable of a setting: max_rows → OKR_HEALTH_MAX_ROWS."""
        return PREFIX + name.upper()

    def limit_variable(self, name: str) -> str:
        """The variable that raises the limit `name` in force: `OKR_HEALTH_MAX_ROWS` for the
        Data page, `OKR_HEALTH_INGEST_MAX_ROWS` for `okr-health ingest`."""
        prefix = self.limits_prefix if name in OPERATOR_LIMITS else PREFIX
        return prefix + name.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}  # each parsed to its field's type by _parse
        for f in fields(cls):
            if f.name == "limits_prefix":
                continue
            raw = env.get(cls.variable(f.name))
            if raw is not None:
                values[f.name] = _parse(cls.variable(f.name), raw, type(f.default))
        return cls(**values)


def _parse(variable: str, raw: str, kind: type) -> object:
    text = raw.strip()
    if variable == Settings.variable("sweet_spot"):
        return parse_sweet_spot(variable, text)
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


def parse_sweet_spot(variable: str, text: str) -> tuple[float, float]:
    """`0.7-0.8` (or `0.7–0.8`, `0.7,0.8`) → (0.7, 0.8): two scores, 0 < low < high < 1."""
    parts = [p.strip() for p in text.replace("–", "-").replace(",", "-").split("-")]
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise SettingsError(
            f"{variable} must be two scores between 0 and 1 such as 0.6-0.7, not {text!r}"
        ) from None
    if not 0 < low < high < 1:
        raise SettingsError(
            f"{variable} must be two scores with 0 < low < high < 1 such as 0.6-0.7, not {text!r}"
        )
    return (low, high)


def settings() -> Settings:
    """The settings in force: the defaults above, overridden by OKR_HEALTH_* variables."""
    return Settings.from_env()


def operator_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of `okr-health ingest`: import limits from `OPERATOR_LIMITS`, each
    overridden by `OKR_HEALTH_INGEST_<NAME>`; everything else as `settings()`."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}  # each parsed to its field's type by _parse
    for name, default in OPERATOR_LIMITS.items():
        variable = OPERATOR_PREFIX + name.upper()
        raw = env.get(variable)
        values[name] = default if raw is None else _parse(variable, raw, type(default))
    # the operator's own files, up to gigabytes, parse in `ingest`'s own process
    raw = env.get(OPERATOR_PREFIX + "ISOLATE_TEXT")
    values["isolate_text"] = (
        False if raw is None else _parse(OPERATOR_PREFIX + "ISOLATE_TEXT", raw, bool)
    )
    return replace(Settings.from_env(env), limits_prefix=OPERATOR_PREFIX, **values)
