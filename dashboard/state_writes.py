"""The door's writing side: reading an upload, what a load would change, the load itself, the
import history and undo. With `dashboard/state.py` (the reads) it is the only part of the
dashboard that opens the store or keeps a cache; after every write both caches are cleared,
so every page sees the new content on its next run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard import state
from dashboard.text import md
from pipelines.ingest import IngestReport, Prepared, load, prepare, read_sources
from pipelines.map.mapping import Mapping, MappingFile, parse_mapping_file, suggest_mapping
from pipelines.read.sources import Sources
from pipelines.store.connection import StoreBusy, StoreReadOnly, open_store, store_version
from pipelines.store.faults import StoreUnusable
from pipelines.store.impact import LoadImpact
from pipelines.store.undo import UndoError, UndoResult, history_rows, undo

# What a write can be refused with (the store busy or read-only, nothing to undo): a page
# shows the message.
WRITE_REFUSALS = (StoreBusy, StoreReadOnly, StoreUnusable, UndoError)


@st.cache_data(max_entries=4, show_spinner="Reading files…")
def read_uploads(
    files: tuple[tuple[str, bytes], ...], mapping_text: str | None
) -> tuple[Sources, Mapping, MappingFile | None]:
    """The uploaded files as source tables, the suggested mapping, and the mapping file."""
    mapping_file = parse_mapping_file("mapping.toml", mapping_text) if mapping_text else None
    sources = read_sources(list(files), mapping_file)
    return sources, suggest_mapping(sources.tables, mapping_file), mapping_file


def prepare_import(
    sources: Sources,
    mapping: Mapping,
    mapping_file: MappingFile,
    cycle: str | None = None,
    as_of: date | None = None,
) -> Prepared:
    """The import checked against the store (what it would remove), nothing written. `cycle`
    names the cycle of files that name none (else the quarter of `as_of`, or today's)."""
    try:
        return prepare(sources, mapping, state.db_path(), mapping_file, cycle=cycle, as_of=as_of)
    except StoreBusy as exc:
        state.show_busy(exc)
    except StoreUnusable as exc:  # not a store, truncated, unreadable: a sentence, then stop
        st.error(md(exc))
        st.stop()


def dry_run(prepared: Prepared, as_of: date | None) -> IngestReport:
    """What loading would change, computed on a copy: the store is not written."""
    try:
        return load(prepared, state.db_path(), dry_run=True, as_of=as_of)
    except StoreBusy as exc:
        state.show_busy(exc)
    except StoreUnusable as exc:
        st.error(md(exc))
        st.stop()


def load_import(prepared: Prepared, as_of: date | None) -> IngestReport:
    """Load into the store (raises a WRITE_REFUSALS error when it cannot), then drop the
    cached results and compute the new content's report once for every page."""
    report = load(prepared, state.db_path(), as_of=as_of)
    st.cache_data.clear()  # (the report is cached per store version: the new one is new)
    state.load()
    return report


@st.cache_resource(max_entries=4, ttl=3600, show_spinner=False)
def _history_rows(db_path: str, version: float) -> list[dict[str, object]]:
    with open_store(db_path, read_only=True) as conn:
        return history_rows(conn)


def import_history() -> list[dict[str, object]] | None:
    """The recorded imports, newest first (None when there is no store yet): read once per
    store version (any write changes it), not on every view (read-only: shared)."""
    path = state.db_path()
    if not path.exists():
        return None
    try:
        return _history_rows(str(path), store_version(path))
    except StoreBusy as exc:
        state.show_busy(exc)
    except StoreUnusable as exc:
        st.error(md(exc))
        st.stop()


def undo_import(import_id: int) -> UndoResult:
    """Return the store to before `import_id` (raises a WRITE_REFUSALS error when it cannot),
    then drop every cached result."""
    with open_store(state.db_path()) as conn:
        result = undo(conn, import_id)
    st.cache_data.clear()
    st.cache_resource.clear()
    return result


def store_path() -> Path:
    """Where the store is (for the page's words; reading and writing go through here)."""
    return state.db_path()


__all__ = [
    "WRITE_REFUSALS", "IngestReport", "LoadImpact", "Prepared", "dry_run",
    "import_history", "load_import", "prepare_import", "read_uploads", "store_path",
    "undo_import",
]  # fmt: skip
