"""The Data page's guard on a load: what it would remove and overwrite, said first and
confirmed by name before Load acts, and what was loaded once it has (docs/pages.md, "Data";
docs/ingestion.md, "What a destructive load asks")."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import table_formats
from dashboard.state_writes import LoadImpact
from dashboard.text import md
from pipelines.store.schema import ROW_NOUNS, counted

SHOWN_TITLES = 5  # objectives named before "and N more"
COUNTED = ("objectives", "key_results", "check_ins")
LOADED = "loaded_import"  # the session's last load: its files, version and rows per cycle


def _and(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


def rows_words(rows: Mapping[str, int]) -> str:
    """`8 objectives, 24 key results and 299 check-ins` (tables without rows left out)."""
    return _and([counted(rows[t], *ROW_NOUNS[t]) for t in COUNTED if rows.get(t)])


def _kind(impact: LoadImpact, kind: str) -> dict[str, int]:
    return {t: impact.rows(kind, t) for t in COUNTED}


def confirmation_label(impact: LoadImpact) -> str:
    """What the person confirms, naming the counts: `Remove 8 objectives, 24 key results
    and 299 check-ins` (`; overwrite 2 objectives` when the load overwrites too)."""
    removed, overwritten = (
        rows_words(_kind(impact, "removed")),
        rows_words(_kind(impact, "overwritten")),
    )
    parts = ([f"remove {removed}"] if removed else []) + (
        [f"overwrite {overwritten}"] if overwritten else []
    )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def titles_words(titles: list[str], shown: int = SHOWN_TITLES) -> str:
    """The first `shown` titles in quotes, then `and N more`."""
    named = [f"“{t}”" for t in titles[:shown]]
    more = len(titles) - shown
    return _and([*named, f"{more} more"]) if more > 0 else _and(named)


def impact_lines(impact: LoadImpact) -> list[str]:
    """The totals in plain words, then per cycle, then the objectives concerned by title."""
    said = {"removed": "remove", "overwritten": "overwrite"}
    totals = [f"{said[k]} {rows_words(_kind(impact, k))}" for k in said
              if rows_words(_kind(impact, k))]  # fmt: skip
    lines = [f"Loading would {_and(totals)} already in the store."]
    per_cycle = impact.per_cycle
    for cycle in sorted(set(per_cycle.get("cycle", []))):
        rows = per_cycle[per_cycle["cycle"] == cycle]
        parts = []
        for kind, verb in said.items():
            mine = rows[rows["kind"] == kind]
            words = rows_words(dict(zip(mine["table"], mine["rows"], strict=True)))
            if words:
                parts.append(f"{verb} {words}")
        lines.append(f"Cycle {cycle}: {_and(parts)}.")
    for kind, heading in (("removed", "Objectives removed"), ("overwritten", "Overwritten")):
        if impact.titles.get(kind):
            lines.append(f"{heading}: {titles_words(impact.titles[kind])}.")
    return lines


def show_impact(where: Any, impact: LoadImpact | None) -> None:
    """The totals at the top of the preview (`where`: a container placed there)."""
    if impact is None or not impact.destructive:
        return
    lines = [*impact_lines(impact), f"Load waits until you tick “{confirmation_label(impact)}” "
             "beside it, below."]  # fmt: skip
    where.error("**" + md(lines[0]) + "**  \n" + "  \n".join(md(line) for line in lines[1:]))


def confirmed(impact: LoadImpact | None) -> bool:
    """Whether Load may act: at once when the load only adds (or changes values), else
    once the person ticks the box naming what goes (the box is new whenever the counts
    change, so a confirmation never carries over to another load)."""
    if impact is None or not impact.destructive:
        return True
    label = confirmation_label(impact)
    return bool(
        st.checkbox(
            label,
            value=False,
            key=f"confirm_load:{label}",
            help="Undo takes a load back (Import history below), but nothing is removed "
            "or overwritten unless you say so here.",
        )
    )


def files_key(files: tuple[tuple[str, bytes], ...]) -> str:
    """The uploaded files' names and content as one key: a load is of these files."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def rows_per_cycle(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Objectives, key results and check-ins a load holds, per cycle of their objective."""
    objectives = tables.get("objectives", pd.DataFrame(columns=["objective_id", "cycle_id"]))
    cycle_of = objectives.set_index("objective_id")["cycle_id"]
    krs = tables.get("key_results", pd.DataFrame(columns=["kr_id", "objective_id"]))
    kr_cycle = pd.Series(krs["objective_id"].map(cycle_of).to_numpy(), index=krs["kr_id"])
    check_ins = tables.get("check_ins", pd.DataFrame(columns=["kr_id"]))
    counts = {
        "objectives": objectives["cycle_id"].value_counts(),
        "key results": kr_cycle.value_counts(),
        "check-ins": check_ins["kr_id"].map(kr_cycle).value_counts(),
    }
    frame = pd.DataFrame(counts).fillna(0).astype(int).rename_axis("cycle").reset_index()
    return frame.sort_values("cycle", ignore_index=True)


def remember_load(files: tuple[tuple[str, bytes], ...], summary: Mapping[str, object]) -> None:
    """Keep what was loaded from these files: the page shows it instead of their preview."""
    st.session_state[LOADED] = {"files": files_key(files), **summary}


def forget_load() -> None:
    """The files may be loaded again (after an undo)."""
    st.session_state.pop(LOADED, None)


def loaded_from(files: tuple[tuple[str, bytes], ...]) -> dict[str, Any] | None:
    """What the last load of exactly these files was, if they were loaded this session."""
    loaded = st.session_state.get(LOADED)
    if isinstance(loaded, dict) and loaded.get("files") == files_key(files):
        return loaded
    return None


def show_loaded(loaded: dict[str, Any]) -> None:
    """What was loaded, per cycle, its version and how to take it back; no Load button
    until another file is chosen."""
    version = loaded.get("import_id")
    st.subheader("Loaded")
    if version is None:
        st.info(md(f"{loaded.get('outcome', 'unchanged')}: the store already held this "
                   "content, nothing was written."))  # fmt: skip
    else:
        st.success(md(f"Loaded as version #{version}: {loaded.get('rows', '')}."))
    per_cycle = loaded.get("per_cycle")
    if isinstance(per_cycle, pd.DataFrame) and not per_cycle.empty:
        table_formats.show(per_cycle, "loaded_per_cycle")
    if version is not None:
        st.caption(
            f"Not what you meant? **Undo import #{int(version)}** under Import history below "
            f"(or `okr-health undo {int(version)}`) puts the store back as it was."
        )
    st.caption("Choose another file above to load it.")


__all__ = [
    "confirmation_label", "confirmed", "files_key", "forget_load", "impact_lines",
    "loaded_from", "remember_load", "rows_per_cycle", "rows_words", "show_impact",
    "show_loaded", "titles_words",
]  # fmt: skip
