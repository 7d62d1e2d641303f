"""A mapping file's bytes as text: UTF-8 (with or without BOM), or a located problem saying
how to save it, never a decoding traceback (command line and Data page alike)."""

from __future__ import annotations

from pipelines.map.mapping import MappingFile, parse_mapping_file
from pipelines.problems import Problem


def mapping_text(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """The text of a mapping file, or None and the problem naming the line of the bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = (
            f"byte 0x{data[exc.start]:02X} is not UTF-8: the mapping file must be UTF-8 text "
            "(save it again as UTF-8)"
        )
        return None, Problem(name, None, line, None, message)


def mapping_from_bytes(name: str, data: bytes) -> MappingFile:
    """`parse_mapping_file` of the bytes; a file that is not UTF-8 is a mapping with one error."""
    text, problem = mapping_text(name, data)
    if problem is not None or text is None:
        return MappingFile(name, problems=[problem] if problem else [])
    return parse_mapping_file(name, text)
