"""Files in: each passes the safety checks, then goes to the reader its kind needs."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from pipelines.problems import Problem
from pipelines.read.archives import ARCHIVE_SUFFIXES, JSON_SUFFIXES, read_archive, read_json_bytes
from pipelines.read.delimited import read_csv_bytes
from pipelines.read.safety import check_file, scan_zip_parts
from pipelines.read.sources import READ_CHUNK, TEXT_SUFFIXES, WORKBOOK_SUFFIXES, IsHeader, Sources
from pipelines.read.text_child import parsed_in_child, read_text_in_child
from pipelines.read.unsupported import unsupported_kind
from pipelines.read.workbooks import read_workbook_bytes
from pipelines.read.yaml_docs import YAML_SUFFIXES, read_yaml_bytes
from pipelines.settings import Settings, settings

READABLE = WORKBOOK_SUFFIXES + TEXT_SUFFIXES + JSON_SUFFIXES + YAML_SUFFIXES + ARCHIVE_SUFFIXES


def read_files(
    files: Iterable[tuple[str, bytes]],
    is_header: IsHeader,
    wanted_sheets: Iterable[str] = (),
    limits: Settings | None = None,
) -> Sources:
    """Read uploaded or on-disk files given as (file name, bytes); unreadable files are problems.

    Each file first passes the checks of `pipelines.read.safety` (size, kind, zip bombs, XML
    entities, sheet extents); a file that fails one is reported and not parsed at all.
    """
    limits = limits or settings()
    sources = Sources()
    wanted = set(wanted_sheets)
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if unsupported_kind(name):  # said first, with how to convert it
            sources.problems.append(Problem(name, None, None, None, str(unsupported_kind(name))))
            continue
        # The unpacking scan of a zip workbook runs beside the child process that reads it
        # (see `read_workbook_bytes`); everything else is checked before any reading starts.
        if suffix in ARCHIVE_SUFFIXES:  # its own checks: entries, sizes, ratios, nesting
            if parsed_in_child(name, limits):  # its CSV and JSON entries too
                _in_child(name, data, is_header, sources, limits)
            else:
                read_archive(name, data, is_header, sources, limits)
            continue
        beside = limits.isolate_parsing and suffix in WORKBOOK_SUFFIXES
        refused = check_file(name, data, limits, scan_parts=not beside)
        if refused:
            sources.problems.extend(refused)
            continue
        try:
            if suffix in WORKBOOK_SUFFIXES:
                scan = (lambda n=name, d=data: scan_zip_parts(n, d, limits)) if beside else None
                read_workbook_bytes(name, data, is_header, wanted, sources, limits, scan)
            elif parsed_in_child(name, limits):  # CSV, JSON, YAML: in a memory-capped child
                read_text_in_child(name, data, is_header, sources, limits)
            elif suffix in JSON_SUFFIXES:
                read_json_bytes(name, data, sources)
            elif suffix in YAML_SUFFIXES:
                read_yaml_bytes(name, data, sources)
            elif suffix in TEXT_SUFFIXES or not suffix:
                read_csv_bytes(name, data, is_header, sources, limits)
            else:
                message = f"not a CSV, Excel, JSON, YAML or zip file ({suffix}); skipped"
                sources.problems.append(Problem(name, None, None, None, message, "warning"))
        except Exception as exc:  # a corrupt file, or a reader stopped in its child process
            message = f"could not be read: {exc}"
            sources.problems.append(Problem(name, None, None, None, message))
    return sources


def _in_child(
    name: str, data: bytes, is_header: IsHeader, sources: Sources, limits: Settings
) -> None:
    try:
        read_text_in_child(name, data, is_header, sources, limits)
    except Exception as exc:  # stopped in its child process: out of memory or time
        sources.problems.append(Problem(name, None, None, None, f"could not be read: {exc}"))


def expand_paths(paths: Iterable[Path], limits: Settings | None = None) -> list[tuple[str, bytes]]:
    """Files as (name, bytes); a folder contributes its CSV, workbook, JSON and zip files,
    sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.iterdir())
                if p.suffix.lower()
                in WORKBOOK_SUFFIXES
                + TEXT_SUFFIXES
                + JSON_SUFFIXES
                + YAML_SUFFIXES
                + ARCHIVE_SUFFIXES
                and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    limit = (limits or settings()).max_upload_mb * 1024 * 1024
    return [(p.name, _read_at_most(p, limit + 1)) for p in found]


def _read_at_most(path: Path, size: int) -> bytes:
    """The file's bytes, stopping past `size` (enough for the size check to refuse it).

    Never asks for more memory than the file holds: a limit of terabytes reads a small
    file as it is, where `read(size)` would reserve the whole limit first.
    """
    with path.open("rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISREG(info.st_mode):
            return f.read(min(size, info.st_size + 1))  # +1: a file grown since still shows
        chunks: list[bytes] = []
        got = 0
        while got < size and (chunk := f.read(min(READ_CHUNK, size - got))):
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
