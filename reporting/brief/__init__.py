"""The brief: a unit's state in a few short paragraphs of plain words (docs/pages.md, "The
brief"). `compose_brief` builds it from the report; `render` writes it out."""

from reporting.brief.compose import compose_brief, scoped
from reporting.brief.model import Brief, Scope, Section, Text
from reporting.brief.render import to_html, to_html_fragment, to_markdown, to_text

__all__ = [
    "Brief", "Scope", "Section", "Text", "compose_brief", "scoped", "to_html",
    "to_html_fragment", "to_markdown", "to_text",
]  # fmt: skip
