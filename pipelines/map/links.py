"""Alignment and reference columns (`Aligned to`, `Supports`, `Contributes to`) as links.

People write the objective they align to by its title more often than by an id. After every
source is read, a parent reference that is no objective id of the import but is the title of
exactly one of its objectives (case and spacing aside) links to that objective; one that is
the title of exactly one key result (and of no objective) links to that key result
(`parent_kr_id`). References that stay unresolved are left to validation, which reports
them as broken links.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import arrow
from pipelines.map.canonical import Canonical

PARENT = "parent_objective_id"
# The ASCII characters Python's `\s` (and `str.isspace`) name: tab to carriage return, the
# four information separators, and the space.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def _fold(title: str) -> str:
    """A title folded for matching: case and runs of white space aside."""
    return re.sub(r"\s+", " ", title.casefold()).strip()


def _fold_ascii(titles: pa.Array) -> pa.Array:
    """`_fold` of ASCII titles, in Arrow (casefold is lower case in ASCII)."""
    spaced = pc.replace_substring_regex(pc.utf8_lower(titles), _ASCII_SPACE, " ")
    return arrow.strip(spaced)


def _key(text: pd.Series) -> pd.Series:
    """`_fold` of each title (missing stays missing): Arrow kernels for the ASCII titles,
    Python for the rest, each distinct title once."""
    return arrow.series(arrow.exact(arrow.text(text), _fold_ascii, _fold), text.index)


def _unique_titles(frame: pd.DataFrame, id_column: str) -> dict[str, str]:
    """Folded title → id, for titles held by exactly one row."""
    keys = _key(frame["title"])
    once = ~keys.duplicated(keep=False) & keys.notna()
    return dict(zip(keys[once], frame.loc[once, id_column].astype("str"), strict=True))


def resolve_title_links(canonical: Canonical) -> None:
    """Parent references by title → ids (in place; see the module docstring)."""
    objectives = canonical.tables.get("objectives")
    if objectives is None or PARENT not in objectives or objectives[PARENT].isna().all():
        return
    ids = set(objectives["objective_id"].astype("str"))
    given = objectives[PARENT]
    open_ = given.notna() & ~given.astype("str").isin(ids)
    if not open_.any():
        return
    keys = _key(given[open_])
    by_title = _unique_titles(objectives, "objective_id")
    to_objective = keys.map(by_title)
    krs = canonical.tables.get("key_results")
    to_kr = pd.Series(pd.NA, index=keys.index, dtype="str")
    if krs is not None and len(krs):
        kr_titles = {k: v for k, v in _unique_titles(krs, "kr_id").items() if k not in by_title}
        to_kr = keys.map(kr_titles).astype("str")
    objectives = objectives.copy()
    found_objective = to_objective.dropna()
    objectives.loc[found_objective.index, PARENT] = found_objective
    found_kr = to_kr.dropna()
    if len(found_kr) and "parent_kr_id" in objectives:
        free = objectives.loc[found_kr.index, "parent_kr_id"].isna()
        found_kr = found_kr[free.to_numpy()]
        objectives.loc[found_kr.index, "parent_kr_id"] = found_kr
        objectives.loc[found_kr.index, PARENT] = None
    canonical.tables["objectives"] = objectives
    n = len(found_objective) + len(found_kr)
    if n:
        canonical.notes.append(
            f"{n} alignment(s) written as a title linked to that objective or key result"
        )
