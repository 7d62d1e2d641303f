"""CSV, JSON, YAML and zip files parsed in a memory-capped child process, as workbooks are.

The size, column, row, cell and nesting limits (`pipelines/read/text_limits.py`) are checked
before parsing, but a parse that passes them can still take far more memory than the file
holds. On the Data page that memory would be the server's, shared by every user, so the
Data page's reader (`Settings.isolate_text`, on by default) parses each text file in a child
process (`pipelines/read/sandbox.py`) capped at `parse_memory_mb` and stopped after
`parse_timeout_s`: a file that needs more is one located refusal, and the server keeps its
memory. `okr-health ingest` (the operator's own files, up to gigabytes) parses in its own
process, as before: sending a frame of millions of rows back through a pipe would double its
cost.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.read.archives import ARCHIVE_SUFFIXES, JSON_SUFFIXES, read_archive, read_json_bytes
from pipelines.read.collections import json_collections
from pipelines.read.delimited import read_csv_bytes
from pipelines.read.sandbox import run_in_child
from pipelines.read.sources import TEXT_SUFFIXES, IsHeader, Sources
from pipelines.read.yaml_docs import YAML_SUFFIXES, read_yaml_bytes
from pipelines.settings import Settings

# "": no suffix is CSV; a zip archive holds CSV and JSON entries (its workbooks are read in
# a child of the child, under the same cap)
TEXT_KINDS = (*TEXT_SUFFIXES, *JSON_SUFFIXES, *YAML_SUFFIXES, *ARCHIVE_SUFFIXES, "")
TOO_BIG = (
    "the file holds more than this server reads at once; split it into smaller files, or "
    "load it with `okr-health ingest`"
)


def parsed_in_child(name: str, limits: Settings) -> bool:
    """Whether the file `name` is text that the settings say to parse in a child process."""
    return limits.isolate_text and Path(name).suffix.lower() in TEXT_KINDS


def read_text_file(name: str, data: bytes, is_header: IsHeader, limits: Settings) -> Sources:
    """One CSV, JSON, YAML or zip file read by its own reader (this runs in the child)."""
    sources = Sources()
    suffix = Path(name).suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        read_archive(name, data, is_header, sources, limits)
    elif suffix in JSON_SUFFIXES:
        read_json_bytes(name, data, sources)
        found = json_collections(name, data)  # here, so the server never parses it
        if found is not None:
            sources.collections[name] = found
    elif suffix in YAML_SUFFIXES:
        read_yaml_bytes(name, data, sources)
    else:
        read_csv_bytes(name, data, is_header, sources, limits)
    return sources


def read_text_in_child(
    name: str, data: bytes, is_header: IsHeader, sources: Sources, limits: Settings
) -> None:
    """Read the file in a child process and add what it found to `sources`.

    `is_header` must pickle (`pipelines.map.header_test.HeaderTest` does). A child that runs
    out of memory or time raises `sandbox.ChildFailed`, whose message says so in one line.
    """
    found = run_in_child(
        read_text_file, name, data, is_header, limits,
        memory_mb=limits.parse_memory_mb, timeout_s=limits.parse_timeout_s, cause=TOO_BIG,
    )  # fmt: skip
    add_sources(sources, found)


def add_sources(sources: Sources, found: Sources) -> None:
    """Everything `found` holds, added to `sources` (one file's reading into the whole)."""
    sources.tables += found.tables
    sources.problems += found.problems
    sources.notes += found.notes
    sources.documents += found.documents
    sources.recognised += found.recognised
    for kind, count in found.not_scored.items():
        sources.not_scored[kind] = sources.not_scored.get(kind, 0) + count
    sources.collections.update(found.collections)
    for file, titles in found.titles.items():
        sources.titles.setdefault(file, []).extend(titles)
