"""The brief written out: Markdown (the command line), HTML (mail, packs, `--format html`) and
plain text (a mail's text part). User text is escaped for each; our words are not.

Links lead to the dashboard: relative (`objective?id=…`) without a base URL, absolute under
it (mail, where a relative link leads nowhere).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from reporting.brief.model import Brief, Sentence, Text, absolute, plain

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%@])")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def markdown_text(value: str) -> str:
    """User text as Markdown that renders as exactly its characters, on one line."""
    one_line = CONTROL.sub(" ", value.replace("\r\n", " ").replace("\n", " "))
    return MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


def _line(sentence: Sentence, text: Callable[[Text], str], ours: Callable[[str], str]) -> str:
    return "".join(text(p) if isinstance(p, Text) else ours(p) for p in sentence)


plain_line = plain


def to_markdown(brief: Brief, base_url: str | None = None) -> str:
    """The brief as Markdown: a heading, one paragraph and bullet list per section, links to
    the dashboard's pages."""

    def text(t: Text) -> str:
        shown = markdown_text(t.value)
        return f"[{shown}](<{absolute(t.link, base_url)}>)" if t.link else shown

    view = absolute(brief.scope.view_link(), base_url)
    out = [f"# Brief: {_line(brief.title, text, str)}", "",
           f"As of {brief.as_of} · [open the dashboard](<{view}>)", ""]  # fmt: skip
    for section in brief.sections:
        out += [f"## {section.heading}", ""]
        if section.lines:
            out += [" ".join(_line(s, text, str) for s in section.lines), ""]
        if section.items:
            out += [f"- {_line(s, text, str)}" for s in section.items] + [""]
    return "\n".join(out)


def to_html_fragment(brief: Brief, base_url: str | None = None, level: int = 2) -> str:
    """The brief as an HTML `<section>` (headings at `level`), for a page or a pack."""

    def text(t: Text) -> str:
        shown = html.escape(t.value)
        if t.link:
            return f'<a href="{html.escape(absolute(t.link, base_url))}">{shown}</a>'
        return shown

    ours = html.escape
    view = html.escape(absolute(brief.scope.view_link(), base_url))
    parts = [
        f'<section class="brief"><h{level}>Brief: {_line(brief.title, text, ours)}</h{level}>',
        f'<p class="brief-meta">As of {brief.as_of} · <a href="{view}">open the dashboard</a></p>',
    ]
    sub = min(level + 1, 6)
    for section in brief.sections:
        parts.append(f"<h{sub}>{ours(section.heading)}</h{sub}>")
        if section.lines:
            parts.append("<p>" + " ".join(_line(s, text, ours) for s in section.lines) + "</p>")
        if section.items:
            bullets = "".join(f"<li>{_line(s, text, ours)}</li>" for s in section.items)
            parts.append(f"<ul>{bullets}</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def to_html(brief: Brief, base_url: str | None = None) -> str:
    """The brief as one standalone HTML document."""
    title = html.escape("Brief: " + plain_line(brief.title))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;"
        "line-height:1.45;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.4em}"
        "</style></head><body>\n"
        + to_html_fragment(brief, base_url, level=1)
        + "\n</body></html>\n"
    )


def to_text(brief: Brief, base_url: str | None = None) -> str:
    """The brief as plain text (a mail's text part): links written out after the text."""

    def text(t: Text) -> str:
        return f"{t.value} <{absolute(t.link, base_url)}>" if t.link and base_url else t.value

    out = [f"Brief: {plain_line(brief.title)}", f"As of {brief.as_of}"]
    if base_url:
        out.append(f"Dashboard: {absolute(brief.scope.view_link(), base_url)}")
    for section in brief.sections:
        out += ["", section.heading.upper()]
        if section.lines:
            out.append(" ".join(_line(s, text, str) for s in section.lines))
        out += [f"- {_line(s, text, str)}" for s in section.items]
    return "\n".join(out) + "\n"
