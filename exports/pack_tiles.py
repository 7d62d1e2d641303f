"""The closing pack's headline tiles as the page and the HTML pack show them: a figure, its
value, and its change against the unit's previous cycle, said with what it compares with
("-0.03 vs Engineering Q3 2026"; see exports/pack_context.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exports.pack_columns import COMPARED, headline_figures

if TYPE_CHECKING:  # the pack imports nothing from here
    from exports.closing_pack import ClosingPack

PAGE_TILES = ("objective_mean", "kr_mean", "sweet_spot_share", "graded_key_results")
TILE_CHARS = 30  # a change longer than this is cut on a page tile: said without the unit
_PAGE_LABELS = {"sweet_spot_share": "In the sweet spot"}


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str  # "–" when there is no value
    change: str | None  # the signed change ("-0.03"); None when not compared
    versus: str | None  # what it compares with: "vs Engineering Q3 2026"
    short_versus: str | None  # the same for a narrow tile: without the unit's name when long

    @property
    def delta(self) -> str | None:
        """The change with what it compares with: "-0.03 vs Engineering Q3 2026"."""
        return None if self.change is None else f"{self.change} {self.versus}"


def figure_text(value: Any, kind: str) -> str:
    """A headline value as a tile shows it: shares in whole %, scores with two decimals."""
    if value is None:
        return "–"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "score":
        return f"{value:.2f}"
    return str(value)


def change_text(change: float | None, kind: str) -> str | None:
    """A change as signed text (shares in points of %), None when there is none."""
    if change is None:
        return None
    return f"{change:+.0%}" if kind == "share" else f"{change:+.2f}"


def pack_tiles(pack: ClosingPack, keys: tuple[str, ...] | None = PAGE_TILES) -> list[Tile]:
    """The tiles of `keys` (None: every headline figure), each with its change against the
    unit's previous cycle when the figure is compared and both values are known."""
    changes = pack.comparison.set_index("figure")["difference"] if len(pack.comparison) else None
    tiles = []
    for key, label, kind in headline_figures():
        if keys is not None and key not in keys:
            continue
        text = versus = short = None
        if key in COMPARED and changes is not None and label in changes.index:
            change = changes.loc[label]
            text = change_text(None if change is None or change != change else change, kind)
            if text is not None:
                versus = short = pack.against.label
                if len(f"{text} {versus}") > TILE_CHARS:
                    short = f"vs {pack.against.cycle_name}"
        value = figure_text(pack.headline.get(key), kind)
        shown = _PAGE_LABELS.get(key, label) if keys == PAGE_TILES else label
        tiles.append(Tile(key, shown, value, text, versus, short))
    if keys is not None:
        tiles.sort(key=lambda t: keys.index(t.key))
    return tiles
