"""Exports: the closing-meeting pack (docs/pages.md, "The closing pack") assembled from a Dataset,
written as Excel or as one standalone HTML page.

`closing_pack` assembles the tables (pure pandas); `excel` and `html` only lay them out.
"""

from exports.closing_pack import ClosingPack, PackError, build_closing_pack
from exports.excel import pack_to_xlsx_bytes
from exports.html import pack_to_html

__all__ = [
    "ClosingPack",
    "PackError",
    "build_closing_pack",
    "pack_to_html",
    "pack_to_xlsx_bytes",
]
