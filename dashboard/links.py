"""Links to a view, as pure functions (the entry script, app.py, keeps the address in step).

`/coach?cycle=2026-Q3&department=Engineering` opens the Coach page on that cycle and
department: the page is the path, the global filters are the query. Links to one objective
or owner are relative (`objective?id=…`), so they keep working behind a reverse proxy that
serves the dashboard under a path prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlencode

import pandas as pd

FILTER_KEYS = ("cycle", "department", "team", "level")
ALL = "All"
UNIT_PARAM = "unit"  # the Closing meeting's department or team: `closing?unit=engineering`


def pick(
    key: str, wanted: str | None, options: Sequence[str], default: str
) -> tuple[str, str | None]:
    """The value a filter takes from the address: `wanted` when it is one of `options`,
    else `default` and a notice saying so (None when nothing was asked for)."""
    if wanted is None or wanted in options:
        return (default if wanted is None else wanted), None
    return default, f"No {key} “{wanted}” in this store: showing {default_label(default)}."


def unit_from_address(wanted: str | None, units: pd.DataFrame) -> tuple[str | None, str | None]:
    """The unit id the address asks for (`units`: unit_id, name; matched by id, else by name
    ignoring case), and a notice when it names no unit (None, None when it asks for none)."""
    if not wanted:
        return None, None
    if wanted in set(units["unit_id"]):
        return wanted, None
    by_name = units[units["name"].astype(str).str.casefold() == wanted.casefold()]
    if len(by_name) == 1:
        return str(by_name["unit_id"].iloc[0]), None
    return None, f"No department or team “{wanted}” in this store: showing another unit."


def default_label(default: str) -> str:
    return "all" if default == ALL else f"“{default}”"


def address_for(values: Mapping[str, str | None]) -> dict[str, str]:
    """The query parameters of a filter state: the cycle always (so the link keeps showing
    that cycle when the next one starts), the other filters when narrowed."""
    out = {}
    for key in FILTER_KEYS:
        value = values.get(key)
        if value is not None and (key == "cycle" or value != ALL):
            out[key] = str(value)
    return out


def _text_anchor(text: object) -> str:
    """What a table's link column shows (after `#`; see dashboard.table_formats)."""
    return "#" + quote("" if text is None or text != text else str(text), safe="")


def objective_link(objective_id: str, title: object = "", cycle: str | None = None) -> str:
    """A relative link to an objective's page that shows `title` in a table."""
    query = {"id": objective_id, **({"cycle": cycle} if cycle else {})}
    return f"objective?{urlencode(query)}{_text_anchor(title)}"


def owner_link(name: str) -> str:
    """A relative link to an owner's page that shows the name in a table."""
    return f"owner?{urlencode({'name': name})}{_text_anchor(name)}"


def team_coach_link(team: str) -> str:
    """A relative link to the Coach page narrowed to one team (the sidebar's team filter),
    that shows the team's name in a table: a team has no page of its own."""
    return f"coach?{urlencode({'team': team})}{_text_anchor(team)}"


def objective_links(frame: pd.DataFrame, title: str = "title") -> pd.Series:
    """One objective link per row of `frame` (columns objective_id, `title`, cycle_id)."""
    cycles = frame["cycle_id"] if "cycle_id" in frame else pd.Series(None, index=frame.index)
    return pd.Series(
        [
            objective_link(str(o), t, None if c is None or c != c else str(c))
            for o, t, c in zip(frame["objective_id"], frame[title], cycles, strict=True)
        ],
        index=frame.index,
        dtype="object",
    )


def owner_links(names: pd.Series) -> pd.Series:
    return names.map(lambda n: owner_link(str(n)) if isinstance(n, str) and n else None)
