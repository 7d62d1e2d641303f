"""Identity in its scope: ids people number locally (`Objective #` 1, 2, 3 on each team's
sheet, `KR1`, `KR2` inside each objective, an outline's `1.2`) name one thing only within
their team, quarter, sheet or parent. An id given again under another scope with another
title is another thing: it is read within its scope (`2019 Q3 · Team B · 1`), never merged
with the first. A given id that repeats with the same title is the same thing, left as is.
"""

from __future__ import annotations

import pandas as pd

SEPARATOR = " · "


def scoped_ids(ids: pd.Series, scope: list[pd.Series], titles: pd.Series) -> pd.Series:
    """`ids` with each id that names different titles in different scopes prefixed by its
    scope (the scope's parts joined, missing parts left out); other ids unchanged."""
    if ids.empty or not scope:
        return ids
    given = ids.notna()
    key = _joined(scope)
    frame = pd.DataFrame(
        {"id": ids.astype("object"), "scope": key, "title": titles.astype("object")}
    )[given]
    spread = frame.groupby("id", sort=False).agg(
        scopes=("scope", "nunique"), titles=("title", "nunique")
    )
    local = spread.index[(spread["scopes"] > 1) & (spread["titles"] > 1)]
    if local.empty:
        return ids
    relocate = given & ids.isin(local)
    out = ids.astype("object").copy()
    out[relocate] = key[relocate] + SEPARATOR + ids[relocate].astype("str")
    return out


def _joined(parts: list[pd.Series]) -> pd.Series:
    texts = [p.map(lambda v: "" if v is None or pd.isna(v) else str(v).strip()) for p in parts]
    joined = texts[0]
    for t in texts[1:]:
        joined = joined.combine(t, lambda a, b: SEPARATOR.join(x for x in (a, b) if x))
    return joined
