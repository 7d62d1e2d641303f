"""Expected failures of the store in words: what happened and what to do, never a traceback.

A `--db` that names a folder, a text file, a workbook or a truncated store; a store that
cannot be written (permissions, a read-only disk); a disk that fills up during a load. Each
becomes a `StoreUnusable` whose message is one sentence naming the file; the caller (the
command line, the Data page) shows it as it shows a busy store. The load that failed is rolled
back (the store is as it was) and its record in the import history is closed at once.
"""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb
import pandas as pd

DUCKDB_MAGIC = b"DUCK"  # bytes 8–11 of every DuckDB database file
INTERRUPTED_NOTHING_WRITTEN = "interrupted: nothing was written"


class StoreUnusable(RuntimeError):
    """The store cannot be opened or written; the message says why, in a sentence."""


def _what_it_is(path: Path) -> str | None:
    """What a file that is no DuckDB store is, from its first bytes (None: it may be one)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if not head:
        return "an empty file"
    if head[8:12] == DUCKDB_MAGIC:
        return None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "a workbook (or another zip file)"
    if all(32 <= b < 127 or b in (9, 10, 13) for b in head) or head.startswith(b"\xef\xbb\xbf"):
        return "a text file"
    return "a file of another kind"


def unusable_store(path: Path, error: BaseException) -> StoreUnusable:
    """The sentence for a store that could not be opened (`error` as DuckDB or the OS gave it)."""
    text = str(error)
    fix = "name a store file with --db (or OKR_HEALTH_DB), or a new file to create one"
    if path.is_dir():
        return StoreUnusable(f"the store {path} is a folder, not a store file: {fix}")
    kind = _what_it_is(path) if path.exists() else None
    if kind:
        return StoreUnusable(f"{path} is {kind}, not an OKR Health store: {fix}")
    if _no_space(error):
        return StoreUnusable(disk_full(path))
    if isinstance(error, PermissionError) or "Permission denied" in text or "Read-only" in text:
        return StoreUnusable(
            f"the store {path} cannot be written (permission denied): give the account running "
            "OKR Health write access to the file and its folder, or open it read-only"
        )
    if "read enough bytes" in text or "Corrupt" in text or "checksum" in text.lower():
        return StoreUnusable(
            f"the store {path} is damaged or truncated (it ends before its data does): restore "
            "it from a backup, or ingest your files into a new store with --db"
        )
    return StoreUnusable(f"the store {path} could not be opened ({text.strip()}): {fix}")


def _no_space(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "No space left" in str(error) or "Disk quota" in str(error)


def disk_full(path: Path | str) -> str:
    store = f"the store {path}" if str(path) else "the store"
    return (
        f"the disk holding {store} is full: nothing of this import was written; free "
        "some space (or move the store with --db) and run it again"
    )


def failed_write(path: Path | str, error: BaseException) -> StoreUnusable | None:
    """The sentence for a load that the disk or the OS stopped (None: an error of another
    kind, raised as it is)."""
    if _no_space(error):
        return StoreUnusable(disk_full(path))
    if isinstance(error, OSError | duckdb.IOException):
        store = f"the store {path}" if str(path) else "the store"
        return StoreUnusable(
            f"{store} could not be written ({str(error).strip()}): nothing of this "
            "import was written; check the disk and the file's permissions, then run it again"
        )
    return None


STALE = "the process stopped before this finished (seen by a reader); nothing of it was written"


def stale_running(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """The import log as a reader should show it: on a read-only connection no writer can hold
    the store (DuckDB lets readers or one writer in, never both), so an attempt still
    `running` belongs to a process that died (a killed import or undo): it is shown as
    `interrupted` at once, and the next writer records it so."""
    if "outcome" not in frame or not (frame["outcome"] == "running").any():
        return frame
    mode = conn.execute("SELECT current_setting('access_mode')").fetchone()
    if not mode or mode[0] != "read_only":
        return frame
    frame = frame.copy()
    running = frame["outcome"] == "running"
    frame.loc[running, "outcome"] = "interrupted"
    if "message" in frame:
        frame.loc[running, "message"] = STALE
    return frame
