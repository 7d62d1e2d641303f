"""The health report, computed once per store content and kept on disk beside the store.

Reading a store into pandas and running `metrics.report.analyse` costs seconds at 100k key
results, yet the data only changes on an import. So the report (and the dataset it was
computed from) is written to a sidecar folder next to the store, `okr.duckdb.cache/<key>/`,
and every later process that asks for the same key reads it back in a fraction of the time.

This module is the door (`load_or_compute`, `warm`); the parts live beside it: where the
cache is and whether it may be used (`cache_place.py`), its key (`cache_key.py`), its
Arrow/JSON format (`cache_format.py`), its entries (`cache_entries.py`) and the Overview's
comparison kept with the report (`same_point.py`).
The key and the dataset are read within one read-only connection, so an entry always holds
the report of the content its key names. Nothing here may break a page: a store whose folder
cannot be written (read-only disk, `OKR_HEALTH_READ_ONLY=1`) is computed in memory, and an
entry that cannot be read for any reason is computed again. `OKR_HEALTH_REPORT_CACHE=0`
switches the cache off.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.report import HealthReport, KeyResultFrames, analyse_parts
from metrics.report_update import update_report
from metrics.summary import summaries_by_cycle
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.dataset import Dataset, read_dataset
from reporting.cache_entries import KEEP_PREVIOUS, MANIFEST, clear, load_entry, save_entry
from reporting.cache_format import Unsupported
from reporting.cache_key import (
    code_files,
    code_fingerprint,
    content_digest,
    report_key,
    store_as_of,
)
from reporting.cache_place import ENABLE_VAR, cache_dir, enabled, writable
from reporting.incremental import (
    UPDATE_OBJECT,
    StoreMarks,
    incremental_enabled,
    previous_entry,
    store_marks,
    update_object,
)
from reporting.same_point import SamePoint, running_same_point

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreReport:
    """A store's dataset and its health report, and where the report came from."""

    dataset: Dataset
    report: HealthReport | None  # None when the store holds no OKRs
    key: str
    source: str  # "cache": read back; "computed": analysed here; "updated": from an older entry
    same_point: SamePoint | None = None  # None when no cycle is running after another


def load_or_compute(
    db: str | Path | None = None,
    config: HealthConfig = DEFAULT_CONFIG,
    *,
    write: bool | None = None,
) -> StoreReport:
    """The store's dataset and health report: read back from the cache when an entry for
    the store's current content exists, else read from the store, analysed, and (when this
    process may write, see `writable`; `write` overrides) cached for the next process.

    Raises what reading the store raises (FileNotFoundError, StoreBusy); never a cache error.
    """
    path = resolve_db_path(db)
    use = enabled()
    write = writable() if write is None else write
    folder = cache_dir(path)
    key, as_of = "", None
    with open_store(path, read_only=True) as conn:
        if use or write:
            try:
                key, as_of = report_key(conn, config)
            except Exception as exc:  # e.g. a column type DuckDB cannot hash: in memory
                log.warning("report cache: no key for %s (%s)", path, exc)
        if use and key:
            try:
                found = load_entry(folder, key)
                if found is not None:
                    return StoreReport(found["dataset"], found["report"], key, "cache",
                                       found["same_point"])  # fmt: skip
            except Exception as exc:
                log.warning("report cache: entry %s unreadable (%s); computing again",
                            key[:12], exc)  # fmt: skip
                log.debug("report cache: the unreadable entry", exc_info=True)
                if write:  # make room for the entry computed below
                    shutil.rmtree(folder / key, ignore_errors=True)
        dataset = read_dataset(conn)
        marks = None
        if key and as_of is not None and not dataset.is_empty:
            try:
                marks = store_marks(conn, config, as_of)
            except Exception as exc:  # (a store DuckDB cannot hash): no update, no harm
                log.warning("report cache: no fingerprints for %s (%s)", path, exc)
    if dataset.is_empty:
        return StoreReport(dataset, None, key, "computed")
    found_report, rows, source = (
        _updated(folder, key, marks, dataset, config) if use else (None, None, "computed")
    )
    report = found_report
    if report is None or rows is None:
        report, rows = analyse_parts(dataset, config)
    same_point = running_same_point(dataset, report)
    if write and key and report.as_of == as_of:  # (a day may have turned meanwhile)
        try:
            kept = summaries_by_cycle(dataset, report)  # read by reporting/summaries.py
            objects = {
                "dataset": dataset,
                "report": report,
                "same_point": same_point,
                "summaries": {c: json.dumps(v, default=str) for c, v in kept.items()},
            }
            if marks is not None:
                objects[UPDATE_OBJECT] = update_object(marks, dataset, rows)
            save_entry(folder, key, objects)
        except OSError as exc:  # a folder we cannot write: the report stays in memory
            log.debug("report cache: not written (%s)", exc)
        except Exception as exc:  # (Unsupported: a value the format cannot hold)
            log.warning("report cache: not written (%s)", exc)
            log.debug("report cache: what could not be written", exc_info=True)
    return StoreReport(dataset, report, key, source, same_point)


def _updated(
    folder: Path, key: str, marks: StoreMarks | None, dataset: Dataset, config: HealthConfig
) -> tuple[HealthReport | None, KeyResultFrames | None, str]:
    """The report updated from the newest earlier entry (`reporting.incremental`), or
    (None, None, "computed") when there is none to start from or updates are off."""
    if marks is None or not incremental_enabled():
        return None, None, "computed"
    try:
        found = previous_entry(folder, key, marks)
        if found is None:
            return None, None, "computed"
        done = update_report(dataset, found.previous, found.changed, config)
    except Exception as exc:  # an update that fails is a full computation, never an error
        log.warning("report cache: update failed (%s); computing the report whole", exc)
        log.debug("report cache: the failed update", exc_info=True)
        return None, None, "computed"
    log.info("report cache: updated from %s, %d of %d objectives computed again",
             found.key[:12], done.affected, done.objectives)  # fmt: skip
    return done.report, done.rows, "updated"


def warm(db: str | Path | None = None, config: HealthConfig = DEFAULT_CONFIG) -> str:
    """Make sure the cache holds the report of the store's current content (after an import).

    Returns "present" (it did already), "written" (computed whole), "updated" (from the
    entry before, `reporting.incremental`), "empty" (no OKRs: nothing to cache) or "off"
    (the cache is switched off or may not be written here)."""
    path = resolve_db_path(db)
    if not writable():
        return "off"
    with open_store(path, read_only=True) as conn:
        key, _ = report_key(conn, config)
    if (cache_dir(path) / key / MANIFEST).exists():
        return "present"
    found = load_or_compute(path, config, write=True)
    if found.report is None:
        return "empty"
    if not (cache_dir(path) / found.key / MANIFEST).exists():
        return "off"
    return "updated" if found.source == "updated" else "written"


__all__ = [  # the parts, for callers that knew them here
    "ENABLE_VAR", "KEEP_PREVIOUS", "MANIFEST", "SamePoint", "StoreReport", "Unsupported",
    "cache_dir", "clear", "code_files", "code_fingerprint", "content_digest", "enabled",
    "load_entry", "load_or_compute", "report_key", "running_same_point", "save_entry",
    "store_as_of", "warm", "writable",
]  # fmt: skip
