"""The health report, computed once per store content and kept on disk beside the store.

Reading a store into pandas and running `metrics.report.analyse` costs seconds at 100k key
results, yet the data only changes on an import. So the report (and the dataset it was
computed from) is written to a sidecar folder next to the store, `okr.duckdb.cache/<key>/`,
and every later process that asks for the same key reads it back in a fraction of the time.

The key cannot go stale: it is a digest of
- the store's content, hashed by DuckDB row by row (every canonical table and the settings
  table, with their columns and types), so an import, the demo, a clear or an edit made
  outside this program all give a new key (the import log is not part of it: a rejected or
  unchanged import keeps the report);
- the as-of date actually used (the store's pinned date, else today: a new day is a new key);
- the HealthConfig and the bands in force; the code: `metrics/` and the pipelines modules the
  report is read and computed with, and the versions of Python, pandas, numpy, pyarrow, DuckDB.
The key and the dataset are read within one read-only connection, so an entry always holds
the report of the content its key names.

Entries are written into a temporary folder and renamed into place (readers never see half
an entry); a published entry replaces older ones (the one before it is kept a while for a
reader that may still be reading it). Nothing here may break a page: a store whose folder
cannot be written (read-only disk, `OKR_HEALTH_READ_ONLY=1`) is computed in memory, and an
entry that cannot be read for any reason is computed again. `OKR_HEALTH_REPORT_CACHE=0`
switches the cache off.

The format is generic over `dataclasses.fields`: frames as Arrow IPC files (one per frame,
dtypes checked on the way back), everything else (dates, numbers, text, lists, tuples,
dicts, nested dataclasses such as `Scores` and `HealthConfig`) in a JSON manifest. What the
format cannot hold exactly is refused at save time, and then simply not cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import logging
import os
import re
import secrets
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from metrics.bands import score_bands
from metrics.comparison import scores_at_same_point
from metrics.config import DEFAULT_CONFIG, HealthConfig
from metrics.report import HealthReport, analyse
from metrics.summary import default_cycle, ordered_cycles, summaries_by_cycle
from pipelines.settings import TRUE, settings
from pipelines.store.connection import open_store, resolve_db_path
from pipelines.store.dataset import Dataset, read_dataset
from pipelines.store.schema import ENTITY_TABLES

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the layout of an entry changes
ENABLE_VAR = "OKR_HEALTH_REPORT_CACHE"
MANIFEST = "manifest.json"
KEEP_PREVIOUS = 1  # older entries kept beside the newest (a reader may still be on them)
ABANDONED_S = 3600  # a temporary folder this old belongs to a writer that died
PROJECT_DIR = Path(__file__).resolve().parent.parent
# What the report is computed with: every metric, and every module of this project that
# the metrics, the store and this module import, followed import by import (see `code_files`).
CODE_ROOTS = ("metrics/*.py", "pipelines/__init__.py", "pipelines/store/*.py",
              "reporting/*.py")  # fmt: skip
_FROM = re.compile(r"^[ \t]*from[ \t]+((?:metrics|pipelines|reporting)(?:\.\w+)*)[ \t]+import[ \t]+"
                   r"(\([^)]*\)|[^\n]*)", re.M)  # fmt: skip
_IMPORT = re.compile(r"^[ \t]*import[ \t]+((?:metrics|pipelines|reporting)(?:\.\w+)*)", re.M)
LIBRARIES = ("pandas", "numpy", "pyarrow", "duckdb")
ALLOWED_MODULES = ("metrics.", "pipelines.", "reporting.")  # dataclasses an entry may name
SCALARS = (str, int, float, bool, type(None))


class Unsupported(TypeError):
    """A value the cache format cannot hold exactly (the report is then not cached)."""


@dataclass(frozen=True)
class SamePoint:
    """The previous cycle scored at the same point of the cycle as the running one stands
    (`metrics.comparison.scores_at_same_point`): the Overview's first comparison, kept with
    the report so that a first render needs neither the check-ins nor the rescoring."""

    cycle: str
    previous: str
    objectives: pd.DataFrame
    key_results: pd.DataFrame


@dataclass(frozen=True)
class StoreReport:
    """A store's dataset and its health report, and where the report came from."""

    dataset: Dataset
    report: HealthReport | None  # None when the store holds no OKRs
    key: str
    source: str  # "cache": read back; "computed": analysed in this process
    same_point: SamePoint | None = None  # None when no cycle is running after another


# --- where, and whether -------------------------------------------------------------------


def cache_dir(db: str | Path | None = None) -> Path:
    """The sidecar folder of a store: `okr.duckdb` → `okr.duckdb.cache/`."""
    path = resolve_db_path(db)
    return path.with_name(path.name + ".cache")


def enabled() -> bool:
    """False when OKR_HEALTH_REPORT_CACHE switches the cache off (0, false, no, off)."""
    raw = os.environ.get(ENABLE_VAR)
    return raw is None or raw.strip().lower() in TRUE | {""}


def writable() -> bool:
    """Whether this process may write the cache: not in a read-only deployment."""
    return enabled() and not settings().read_only


# --- the key ------------------------------------------------------------------------------


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


# --- the format ---------------------------------------------------------------------------


def _check_object_column(name: str, column: pd.Series) -> str | None:
    """An object column must hold text (and missing values) only; the kind of missing value
    (None or NaN) is recorded so it comes back the same. Returns 'none', 'nan' or None."""
    values = column.to_numpy()
    missing = pd.isna(values)
    kinds = {type(v) for v in values[~missing]}
    if kinds - {str}:
        raise Unsupported(f"column {name!r} holds {sorted(k.__name__ for k in kinds)}")
    nulls = {type(v) for v in values[missing]}
    if len(nulls) > 1:
        raise Unsupported(f"column {name!r} mixes missing values {nulls}")
    if not nulls:
        return None
    if nulls == {type(None)}:
        return "none"
    if all(isinstance(v, float) for v in values[missing]):
        return "nan"
    raise Unsupported(f"column {name!r} holds missing values of type {nulls}")


def _write_frame(frame: pd.DataFrame, path: Path) -> dict[str, Any]:
    if not all(isinstance(c, str) for c in frame.columns):
        raise Unsupported("frame columns must be named by text")
    if frame.columns.has_duplicates:
        raise Unsupported("frame has duplicate column names")
    nulls, categories = {}, {}
    for name in frame.columns:
        dtype = frame[name].dtype
        if pd.api.types.is_object_dtype(dtype):
            nulls[name] = _check_object_column(name, frame[name])
        elif isinstance(dtype, pd.CategoricalDtype):
            categories[name] = _categories(name, dtype, empty=frame.empty)
    table = pa.Table.from_pandas(frame, preserve_index=None)
    feather.write_feather(table, str(path), compression="lz4")
    return {
        "file": path.name,
        "columns": list(frame.columns),
        "dtypes": [repr(t) for t in frame.dtypes],
        "index": repr(frame.index),
        "rows": len(frame),
        "nulls": nulls,
        "categories": categories,
    }


def _read_frame(directory: Path, spec: dict[str, Any]) -> pd.DataFrame:
    frame: pd.DataFrame = feather.read_table(str(directory / spec["file"])).to_pandas()
    for name, kind in spec["nulls"].items():  # object columns come back as str: undo that
        column = frame[name].astype(object)
        if kind is not None:
            column = column.where(column.notna(), None if kind == "none" else np.nan)
        frame[name] = column
    for name, known in spec["categories"].items():
        column = frame[name]
        if known["values"] is not None:  # an empty column: Arrow kept no categories
            wanted = pd.Index(known["values"], dtype=known["dtype"], name=known["name"])
            frame[name] = column.astype(pd.CategoricalDtype(wanted, ordered=known["ordered"]))
        elif column.cat.categories.name != known["name"]:  # Arrow drops the name
            wanted = column.cat.categories.rename(known["name"])
            dtype = pd.CategoricalDtype(wanted, ordered=column.cat.ordered)
            frame[name] = pd.Categorical.from_codes(column.cat.codes, dtype=dtype)
    found = [list(frame.columns), [repr(t) for t in frame.dtypes], repr(frame.index),
             {n: frame[n].cat.categories.name for n in spec["categories"]}]  # fmt: skip
    written = [spec["columns"], spec["dtypes"], spec["index"],
               {n: known["name"] for n, known in spec["categories"].items()}]  # fmt: skip
    if found != written or len(frame) != spec["rows"]:
        raise ValueError(f"{spec['file']} did not come back as it was written")
    return frame


def _categories(column: str, dtype: pd.CategoricalDtype, empty: bool) -> dict[str, Any]:
    """What Arrow does not keep of a categorical column: the name of its categories, and
    the categories themselves when the column is empty."""
    name = dtype.categories.name
    if not (name is None or isinstance(name, str)):
        raise Unsupported(f"the categories of {column!r} are named {name!r}")
    values = dtype.categories.tolist() if empty else None
    if values is not None and any(type(v) not in SCALARS for v in values):
        raise Unsupported(f"categories of {column!r}")
    return {"name": name, "ordered": bool(dtype.ordered), "values": values,
            "dtype": str(dtype.categories.dtype)}  # fmt: skip


class _Writer:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.frames = 0

    def encode(self, value: Any) -> Any:
        if isinstance(value, pd.DataFrame):
            self.frames += 1
            spec = _write_frame(value, self.directory / f"{self.frames:03d}.arrow")
            return {"frame": spec}
        if isinstance(value, pd.RangeIndex):
            return {"range": [value.start, value.stop, value.step], "name": value.name}
        if isinstance(value, pd.Index) and not isinstance(value, pd.MultiIndex):
            if not (value.name is None or isinstance(value.name, str)):
                raise Unsupported("an index must be named by text")
            encoded = self.encode(pd.DataFrame({"values": value}))
            return {"index": encoded["frame"], "name": value.name}
        if isinstance(value, pd.Series):
            if not (value.name is None or isinstance(value.name, str)):
                raise Unsupported("a series must be named by text")
            name = "series" if value.name is None else value.name
            encoded = self.encode(value.to_frame(name))
            return {"series": encoded["frame"], "name": value.name}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            if not cls.__module__.startswith(ALLOWED_MODULES):
                raise Unsupported(f"dataclass {cls.__qualname__} of {cls.__module__}")
            fields = {f.name: self.encode(getattr(value, f.name))
                      for f in dataclasses.fields(value) if f.init}  # fmt: skip
            return {"dataclass": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
        if type(value) in SCALARS:
            return {"value": value}
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return {"numpy": value.dtype.str, "value": value.item()}
        if isinstance(value, pd.Timestamp):
            return {"timestamp": value.isoformat(), "unit": value.unit, "tz": str(value.tz)}
        if type(value) is datetime:
            return {"datetime": value.isoformat()}
        if type(value) is date:
            return {"date": value.isoformat()}
        if type(value) in (list, tuple):
            return {type(value).__name__: [self.encode(v) for v in value]}
        if type(value) is dict:
            if not all(isinstance(k, str) for k in value):
                raise Unsupported("dict keys must be text")
            return {"dict": {k: self.encode(v) for k, v in value.items()}}
        raise Unsupported(f"a value of type {type(value).__name__}")


def _dataclass(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not module.startswith(ALLOWED_MODULES):
        raise ValueError(f"refused to load a {name}")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
        raise ValueError(f"{name} is not a dataclass")
    return obj


def _decode(directory: Path, node: dict[str, Any]) -> Any:
    if "frame" in node:
        return _read_frame(directory, node["frame"])
    if "range" in node:
        start, stop, step = node["range"]
        return pd.RangeIndex(start, stop, step, name=node["name"])
    if "index" in node:
        return pd.Index(_read_frame(directory, node["index"])["values"]).rename(node["name"])
    if "series" in node:
        frame = _read_frame(directory, node["series"])
        return frame.iloc[:, 0].rename(node["name"])
    if "dataclass" in node:
        cls = _dataclass(node["dataclass"])
        names = {f.name for f in dataclasses.fields(cls) if f.init}
        if names != set(node["fields"]):
            raise ValueError(f"{node['dataclass']} has other fields now")
        return cls(**{k: _decode(directory, v) for k, v in node["fields"].items()})
    if "numpy" in node:
        return np.dtype(node["numpy"]).type(node["value"])
    if "timestamp" in node:
        value = pd.Timestamp(node["timestamp"]).as_unit(node["unit"])
        return value if node["tz"] == "None" else value.tz_convert(node["tz"])
    if "datetime" in node:
        return datetime.fromisoformat(node["datetime"])
    if "date" in node:
        return date.fromisoformat(node["date"])
    if "list" in node:
        return [_decode(directory, v) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(directory, v) for v in node["tuple"])
    if "dict" in node:
        return {k: _decode(directory, v) for k, v in node["dict"].items()}
    if "value" in node:
        return node["value"]
    raise ValueError(f"unknown node {sorted(node)}")


def _scalars_round_trip(node: Any, original: Any) -> None:
    """Every scalar of the manifest decodes to what was encoded (frames are checked by
    dtype on the way back); raises Unsupported otherwise."""
    if isinstance(original, pd.DataFrame | pd.Series | pd.Index):
        return
    if dataclasses.is_dataclass(original) and not isinstance(original, type):
        for f in dataclasses.fields(original):
            if f.init:
                _scalars_round_trip(node["fields"][f.name], getattr(original, f.name))
        return
    if type(original) in (list, tuple):
        for item, value in zip(node[type(original).__name__], original, strict=True):
            _scalars_round_trip(item, value)
        return
    if type(original) is dict:
        for k, value in original.items():
            _scalars_round_trip(node["dict"][k], value)
        return
    back = _decode(Path("."), json.loads(json.dumps(node)))
    same = back == original or (back != back and original != original)  # NaN is NaN
    if type(back) is not type(original) or not same:
        raise Unsupported(f"{original!r} would come back as {back!r}")


# --- entries --------------------------------------------------------------------------------


def save_entry(directory: Path, key: str, objects: dict[str, Any]) -> Path:
    """Write `objects` (name → dataclass, frame or plain value) as the entry `key` of the
    cache folder `directory`, atomically; remove older entries. Returns the entry's folder.
    Raises Unsupported for a value the format cannot hold, OSError when it cannot write."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / key
    tmp = directory / f".tmp-{key[:12]}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()  # (not mkdtemp: its 0700 would hide the entry from other accounts)
    try:
        writer = _Writer(tmp)
        tree = {name: writer.encode(value) for name, value in objects.items()}
        for name, value in objects.items():
            _scalars_round_trip(tree[name], value)
        manifest = {"format": FORMAT, "key": key, "created": time.time(), "objects": tree}
        (tmp / MANIFEST).write_text(json.dumps(manifest))
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / MANIFEST).exists():  # not another process's entry: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when the rename succeeded
    _prune(directory, keep=final)
    return final


def load_entry(
    directory: Path, key: str, names: tuple[str, ...] | None = None
) -> dict[str, Any] | None:
    """The objects of the entry `key` (only those `names`, when given: each frame is its own
    file), or None when there is none. Raises on an entry that cannot be read back exactly."""
    entry = directory / key
    try:
        text = (entry / MANIFEST).read_text()
    except FileNotFoundError:
        return None
    manifest = json.loads(text)
    if manifest.get("format") != FORMAT or manifest.get("key") != key:
        raise ValueError(f"{entry} is not the entry it is named after")
    objects = manifest["objects"].items()
    return {k: _decode(entry, v) for k, v in objects if names is None or k in names}


def _prune(directory: Path, keep: Path) -> None:
    """Remove entries older than the newest KEEP_PREVIOUS besides `keep`, and temporary
    folders of writers that died."""
    entries = []
    for path in directory.iterdir():
        try:
            age = time.time() - path.stat().st_mtime
            if path.name.startswith(".tmp-"):
                if age > ABANDONED_S:
                    shutil.rmtree(path, ignore_errors=True)
            elif path != keep and path.is_dir():
                entries.append((path.stat().st_mtime, path))
        except OSError:
            continue  # removed by another process meanwhile
    for _, path in sorted(entries, reverse=True)[KEEP_PREVIOUS:]:
        shutil.rmtree(path, ignore_errors=True)


def clear(db: str | Path | None = None) -> None:
    """Remove a store's whole cache folder (the next read computes the report again)."""
    shutil.rmtree(cache_dir(db), ignore_errors=True)


# --- the door -----------------------------------------------------------------------------


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
    if dataset.is_empty:
        return StoreReport(dataset, None, key, "computed")
    report = analyse(dataset, config)
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
            save_entry(folder, key, objects)
        except OSError as exc:  # a folder we cannot write: the report stays in memory
            log.debug("report cache: not written (%s)", exc)
        except Exception as exc:  # (Unsupported: a value the format cannot hold)
            log.warning("report cache: not written (%s)", exc)
            log.debug("report cache: what could not be written", exc_info=True)
    return StoreReport(dataset, report, key, "computed", same_point)


def running_same_point(dataset: Dataset, report: HealthReport) -> SamePoint | None:
    """The comparison the Overview opens with: the running cycle (the dashboard's default)
    against the previous one at the same point; None when no cycle is running after one."""
    cycle = default_cycle(dataset.cycles, dataset.reference_date())
    cycles = ordered_cycles(dataset.cycles)
    if cycle is None or cycle not in cycles or cycles.index(cycle) == 0:
        return None
    states = report.calendar.set_index("cycle_id")["state"]
    if states.get(cycle) != "running":
        return None
    previous = cycles[cycles.index(cycle) - 1]
    objectives, key_results = scores_at_same_point(dataset, report.calendar, cycle, previous)
    return SamePoint(cycle, previous, objectives, key_results)


def warm(db: str | Path | None = None, config: HealthConfig = DEFAULT_CONFIG) -> str:
    """Make sure the cache holds the report of the store's current content (after an import).

    Returns "present" (it did already), "written", "empty" (no OKRs: nothing to cache) or
    "off" (the cache is switched off or may not be written here)."""
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
    return "written" if (cache_dir(path) / found.key / MANIFEST).exists() else "off"
