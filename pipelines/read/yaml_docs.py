"""YAML documents (`.yaml`, `.yml`): read as JSON is, records and the whole tree (rules in
docs/ingestion.md, "Documents (JSON)").

Parsed with PyYAML's safe loader (plain data only: no Python objects), and aliases (`*name`)
are refused: an alias repeats a node without copying it, so a few lines can stand for
billions of values (the "billion laughs"). Several documents in one file (`---`) are a list.
"""

from __future__ import annotations

import yaml

from pipelines.problems import Problem
from pipelines.read.archives import add_document
from pipelines.read.sources import Sources

YAML_SUFFIXES = (".yaml", ".yml")


class _NoAliases(yaml.SafeLoader):
    """The safe loader, refusing aliases."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            message = "an alias (*name), which is not read: write the values out"
            raise yaml.MarkedYAMLError(problem=message, problem_mark=event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def read_yaml_bytes(name: str, data: bytes, sources: Sources) -> None:
    """One YAML file: its documents as JSON's are (`pipelines.read.archives`)."""
    try:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
        documents = list(yaml.load_all(text, Loader=_NoAliases))  # noqa: S506 (safe + no alias)
    except UnicodeDecodeError as exc:
        sources.problems.append(Problem(name, None, None, None, f"not UTF-8 text ({exc})"))
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
        message = f"not valid YAML: {reason}{where}"
        sources.problems.append(Problem(name, None, None, None, message))
        return
    documents = [d for d in documents if d is not None]
    add_document(name, documents[0] if len(documents) == 1 else documents, sources)
