"""The report cache's entries: one folder per key, written atomically, older ones pruned.

Entries are written into a temporary folder and renamed into place (readers never see half
an entry); a published entry replaces older ones (the one before it is kept a while for a
reader that may still be reading it).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from reporting.cache_format import FORMAT, Encoder, check_round_trip, decode
from reporting.cache_place import cache_dir

MANIFEST = "manifest.json"
KEEP_PREVIOUS = 1  # older entries kept beside the newest (a reader may still be on them)
ABANDONED_S = 3600  # a temporary folder this old belongs to a writer that died


def save_entry(directory: Path, key: str, objects: dict[str, Any]) -> Path:
    """Write `objects` (name → dataclass, frame or plain value) as the entry `key` of the
    cache folder `directory`, atomically; remove older entries. Returns the entry's folder.
    Raises Unsupported for a value the format cannot hold, OSError when it cannot write."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / key
    tmp = directory / f".tmp-{key[:12]}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()  # (not mkdtemp: its 0700 would hide the entry from other accounts)
    try:
        writer = Encoder(tmp)
        tree = {name: writer.encode(value) for name, value in objects.items()}
        for name, value in objects.items():
            check_round_trip(tree[name], value)
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
    return {k: decode(entry, v) for k, v in objects if names is None or k in names}


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
