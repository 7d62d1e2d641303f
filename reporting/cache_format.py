"""The report cache's format: any report, dataset or dataclass of frames written to a folder
and read back exactly.

Generic over `dataclasses.fields`: frames as Arrow IPC files (one per frame, dtypes checked
on the way back), everything else (dates, numbers, text, lists, tuples, dicts, nested
dataclasses such as `Scores` and `HealthConfig`) as a JSON tree for the entry's manifest.
What the format cannot hold exactly raises `Unsupported` at save time.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

FORMAT = 1  # bump when the layout of an entry changes
ALLOWED_MODULES = ("metrics.", "pipelines.", "reporting.")  # dataclasses an entry may name
SCALARS = (str, int, float, bool, type(None))


class Unsupported(TypeError):
    """A value the cache format cannot hold exactly (the report is then not cached)."""


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


class Encoder:
    """Encodes values into a JSON tree, writing each frame as an Arrow file in `directory`."""

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


def decode(directory: Path, node: dict[str, Any]) -> Any:
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
        return cls(**{k: decode(directory, v) for k, v in node["fields"].items()})
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
        return [decode(directory, v) for v in node["list"]]
    if "tuple" in node:
        return tuple(decode(directory, v) for v in node["tuple"])
    if "dict" in node:
        return {k: decode(directory, v) for k, v in node["dict"].items()}
    if "value" in node:
        return node["value"]
    raise ValueError(f"unknown node {sorted(node)}")


def check_round_trip(node: Any, original: Any) -> None:
    """Every scalar of the manifest decodes to what was encoded (frames are checked by
    dtype on the way back); raises Unsupported otherwise."""
    if isinstance(original, pd.DataFrame | pd.Series | pd.Index):
        return
    if dataclasses.is_dataclass(original) and not isinstance(original, type):
        for f in dataclasses.fields(original):
            if f.init:
                check_round_trip(node["fields"][f.name], getattr(original, f.name))
        return
    if type(original) in (list, tuple):
        for item, value in zip(node[type(original).__name__], original, strict=True):
            check_round_trip(item, value)
        return
    if type(original) is dict:
        for k, value in original.items():
            check_round_trip(node["dict"][k], value)
        return
    back = decode(Path("."), json.loads(json.dumps(node)))
    same = back == original or (back != back and original != original)  # NaN is NaN
    if type(back) is not type(original) or not same:
        raise Unsupported(f"{original!r} would come back as {back!r}")
