"""User text made safe to show: exactly as typed, never as markup.

Titles, names, cycle ids and file names come from whoever wrote the spreadsheet. Two
renderers on the page would read them as markup:

- Streamlit's `st.markdown`, `st.caption`, `st.title`/`st.subheader`, expander and widget
  labels render Markdown — links, emphasis, emoji shortcodes, `:red[colours]`, `$LaTeX$`.
  Raw HTML is escaped (no `unsafe_allow_html` anywhere), but a `[link](javascript:…)` or
  `**bold**` would still be rendered rather than shown. `md` backslash-escapes every
  character Markdown gives a meaning to, so the text reads back literally.
- Plotly renders a subset of HTML in labels and hover text: charts go through
  `exports.plot_text` (shared with the closing packs).

Tables (`st.dataframe`) draw cells as plain text and need nothing.

One gap `md` cannot close: Streamlit's GFM autolinks a URL or e-mail address inside text even
when every character is escaped, so `=HYPERLINK("http://x.org")` shows its exact characters
with `http://x.org…` clickable (an http(s) or mailto link, never a script).
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # invisible, no line break: breaks `:name:` without changing the look
# C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates
# (U+202A–U+202E, U+2066–U+2069): a right-to-left override shows `exe.txt` as `txt.exe`
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SHORTCODE = re.compile(r":(?=[\w+\-])")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%@])")


def md(value: object) -> str:
    """`value` as Markdown source that renders as exactly its text, on one line, control and
    bidirectional characters spelled out (`visible_controls`); a colon
    before a word gets an invisible word joiner, so no `:material/…:` icon, `:emoji:` or
    `:red[…]` code is read from it (Streamlit finds those after unescaping)."""
    text = visible_controls(str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " "))
    text = SHORTCODE.sub(":" + WORD_JOINER, text)
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def visible_controls(text: str) -> str:
    """`text` with each control character (a tab aside) and bidirectional control spelled
    `\\u202e`, as the command line shows them: seen, never acting on the text around it."""
    return CONTROL.sub(lambda c: "\t" if c.group() == "\t" else f"\\u{ord(c.group()):04x}", text)


def md_code(value: object) -> str:
    """`value` as a Markdown code span, whatever backticks it holds (nothing inside a code
    span is interpreted, so it needs no escaping, only a fence longer than its backticks)."""
    text = visible_controls(str(value).replace("\r\n", " ").replace("\r", " ").replace("\n", " "))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
