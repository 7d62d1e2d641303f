"""The report cache's key: what a report is computed from, as one digest.

The key cannot go stale: it is a digest of
- the store's content, hashed by DuckDB row by row (every canonical table and the settings
  table, with their columns and types), so an import, the demo, a clear or an edit made
  outside this program all give a new key (the import log is not part of it: a rejected or
  unchanged import keeps the report);
- the as-of date actually used (the store's pinned date, else today: a new day is a new key);
- the HealthConfig and the bands in force; the code: the source of `metrics/` and of the
  pipelines modules the report is read and computed with, and the versions of Python,
  pandas, numpy, pyarrow, DuckDB.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

import duckdb

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.scores.bands import score_bands
from pipelines.store.schema import ENTITY_TABLES
from reporting.cache_format import FORMAT

PROJECT_DIR = Path(__file__).resolve().parent.parent
# What the report is computed with: every metric, and every module of this project that
# the metrics, the store and this module import, followed import by import (see `code_files`).
CODE_ROOTS = ("metrics/*.py", "metrics/*/*.py", "pipelines/__init__.py", "pipelines/store/*.py",
              "reporting/*.py")  # fmt: skip
_FROM = re.compile(r"^[ \t]*from[ \t]+((?:metrics|pipelines|reporting)(?:\.\w+)*)[ \t]+import[ \t]+"
                   r"(\([^)]*\)|[^\n]*)", re.M)  # fmt: skip
_IMPORT = re.compile(r"^[ \t]*import[ \t]+((?:metrics|pipelines|reporting)(?:\.\w+)*)", re.M)
LIBRARIES = ("pandas", "numpy", "pyarrow", "duckdb")


def code_fingerprint() -> str:
    """A digest of the source files the report is computed with, and of the libraries, as
    they were when this module was imported (right after `metrics`: the code in memory)."""
    return _CODE


def _module_file(name: str) -> Path | None:
    base = PROJECT_DIR.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def code_files() -> list[Path]:
    """The source files a report depends on: CODE_ROOTS and, transitively, every module of
    `metrics` or `pipelines` they import (at the top or inside a function)."""
    todo = [p for pattern in CODE_ROOTS for p in PROJECT_DIR.glob(pattern)]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        text = path.read_text(encoding="utf-8")
        names = [m.group(1) for m in _IMPORT.finditer(text)]
        for match in _FROM.finditer(text):
            module, imported = match.group(1), match.group(2).split("#")[0]
            names.append(module)
            names += [f"{module}.{item.split()[0]}" for item in imported.strip("()").split(",")
                      if item.split()]  # fmt: skip
        todo += [f for f in map(_module_file, names) if f is not None and f not in seen]
    return sorted(seen)


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.relative_to(PROJECT_DIR).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = {name: metadata.version(name) for name in LIBRARIES}
    digest.update(json.dumps([sys.version, versions, FORMAT]).encode())
    return digest.hexdigest()


_CODE = _code_fingerprint()


def content_digest(conn: duckdb.DuckDBPyConnection) -> str:
    """A digest of what the store holds: each canonical table's and the settings table's
    columns and types, row count and the sum of DuckDB's hash of every row (independent of
    row order, so equal content gives an equal digest however it was written)."""
    tables = [t.name for t in ENTITY_TABLES] + ["settings"]
    cursor = conn.cursor()
    columns = cursor.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'main' ORDER BY table_name, column_index"
    ).fetchall()
    sums = " UNION ALL ".join(
        f"SELECT '{name}', count(*), coalesce(sum(hash(_row)::HUGEINT), 0)::VARCHAR "
        f'FROM "{name}" AS _row'
        for name in tables
    )
    rows = cursor.execute(sums).fetchall()
    digest = hashlib.sha256()
    digest.update(json.dumps([[list(c) for c in columns if c[0] in tables],
                              [list(r) for r in rows]]).encode())  # fmt: skip
    return digest.hexdigest()


def store_as_of(conn: duckdb.DuckDBPyConnection, today: date | None = None) -> date:
    """The as-of date a report of this store is computed at: the pinned one, else today."""
    row = conn.cursor().execute("SELECT value FROM settings WHERE key = 'as_of'").fetchone()
    if row and row[0]:
        return date.fromisoformat(row[0])
    return today or date.today()


def report_key(
    conn: duckdb.DuckDBPyConnection,
    config: HealthConfig = DEFAULT_CONFIG,
    today: date | None = None,
) -> tuple[str, date]:
    """The cache key of the store's report, and the as-of date it stands for."""
    as_of = store_as_of(conn, today)
    parts = {
        "format": FORMAT,
        "content": content_digest(conn),
        "as_of": as_of.isoformat(),
        "config": repr((config, score_bands())),  # the sweet spot is a setting
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest(), as_of
