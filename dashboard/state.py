"""The dashboard's only door to the store: cached loading and the global filters.

The store is opened read-only for the moment of a read and closed again, so a command-line
import can write while the dashboard is open; results are cached per store version, so
a landed import is seen on the next interaction and a filter change costs no database trip.
While an import holds the store, a read waits (OKR_HEALTH_LOCK_TIMEOUT_S) and then says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import NoReturn

import pandas as pd
import streamlit as st

from dashboard import links
from dashboard.memo import memoized
from dashboard.text import md
from exports.closing_pack import ClosingPack, build_closing_pack, known_units
from exports.excel import pack_to_xlsx_bytes
from exports.html import pack_to_html
from metrics.progress import cycle_choice
from metrics.progress.comparison import scores_at_same_point
from metrics.report import HealthReport
from metrics.summary import default_cycle, ordered_cycles
from pipelines.arrow import isin
from pipelines.store.connection import StoreBusy, open_store, resolve_db_path, store_version
from pipelines.store.dataset import Dataset
from pipelines.store.faults import StoreUnusable
from reporting.brief import Brief as Brief
from reporting.brief import Scope, compose_brief
from reporting.brief.changes import History
from reporting.cache import SamePoint, load_or_compute
from reporting.goalposts import store_goalposts
from reporting.next_quarter import store_next_quarter
from reporting.versions import Before, before_latest

FILTER_KEYS, ALL = links.FILTER_KEYS, links.ALL


@dataclass(frozen=True)
class Loaded:
    """What every page works on: the raw tables and every metric computed from them."""

    dataset: Dataset
    report: HealthReport
    same_point: SamePoint | None = None  # the running cycle's comparison, computed with it

    @property
    def objectives(self) -> pd.DataFrame:
        """Scored objectives with team, department, pace, forecast and alignment status."""
        return self.report.objectives

    @property
    def key_results(self) -> pd.DataFrame:
        """Scored key results with their units, pace, forecast and check-in features."""
        return self.report.key_results

    # Asked on every run of every page (the sidebar): computed once per loaded store.
    @cached_property
    def cycle_order(self) -> tuple[str, ...]:
        """The cycles in calendar order."""
        return tuple(ordered_cycles(self.dataset.cycles))

    @cached_property
    def opening(self) -> str | None:
        """The cycle the sidebar opens on (see `opening_cycle`)."""
        dataset = self.dataset
        return cycle_choice.opening_cycle(
            dataset.cycles, dataset.objectives, dataset.reference_date()
        )


@st.cache_resource(max_entries=2, ttl=3600, show_spinner="Loading OKRs…")
def _load(db_path: str, version: float, day: date) -> Loaded | None:
    """The store and every metric, once per store version and day (an as-of date that is not
    pinned is today). The report comes from the report cache beside the store when its
    content has not changed since it was computed (reporting/cache.py), else it is
    computed here (the expensive step) and cached for the next process.

    One object shared by every session and rerun, never copied: cache_data would pickle it
    (750 MB at 100k key results) on the first run and unpickle it on every click. Pages only
    filter what it holds (pandas' copy-on-write keeps their derived frames apart); nothing
    may assign into it."""
    found = load_or_compute(db_path)
    if found.report is None:
        return None
    return Loaded(dataset=found.dataset, report=found.report, same_point=found.same_point)


def db_path() -> Path:
    return resolve_db_path()


def _version(path: Path) -> tuple[str, float, date]:
    """What the cached layers are keyed by: the store, its version, and the day."""
    return str(path), store_version(path), date.today()


def load() -> Loaded | None:
    """The store's data, or None when there is no store or it holds no OKRs yet."""
    path = db_path()
    if not path.exists():
        return None
    try:
        return _load(*_version(path))
    except StoreBusy as exc:
        show_busy(exc)
    except StoreUnusable as exc:  # not a store, truncated, unreadable: say so, show nothing
        st.error(md(exc))
        st.stop()


def show_busy(exc: StoreBusy) -> NoReturn:
    """What a page shows instead of data while another process holds the store; stops the run."""
    st.warning(f"{md(exc)}\n\nThe data will be back on the next interaction.")
    st.stop()


def cycle_options(loaded: Loaded) -> list[str]:
    return list(loaded.cycle_order)


def running_cycle(loaded: Loaded) -> str | None:
    return default_cycle(loaded.dataset.cycles, loaded.dataset.reference_date())


def opening_cycle(loaded: Loaded) -> str | None:
    """The cycle the sidebar opens on: the same one `okr-health summary` reports on."""
    return loaded.opening


def selected(key: str) -> str | None:
    """The value of a global sidebar filter, None for 'All' or unset."""
    value = st.session_state.get(key)
    return None if value in (None, ALL) else str(value)


def filter_units(frame: pd.DataFrame, levels: bool = True) -> pd.DataFrame:
    """Rows narrowed by the sidebar's department and team (and objective level, when the
    frame has one and `levels` is set). The cycle filter is applied by each page."""
    out = frame
    keys = [("department", "department"), ("team", "team")]
    if levels:
        keys.append(("level", "level"))
    for key, column in keys:
        value = selected(key)
        if value is not None and column in out.columns:
            out = out[out[column] == value]
    return out


def current_cycle(loaded: Loaded) -> str:
    """The cycle chosen in the sidebar (default: the one it opens on)."""
    return str(st.session_state.get("cycle") or opening_cycle(loaded))


def previous_cycle(loaded: Loaded, cycle: str) -> str | None:
    """The cycle before `cycle` in calendar order, if any."""
    cycles = cycle_options(loaded)
    position = cycles.index(cycle) if cycle in cycles else 0
    return cycles[position - 1] if position > 0 else None


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _same_point(
    db_path: str, version: float, day: date, cycle: str, previous: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    loaded = _load(db_path, version, day)
    assert loaded is not None
    known = loaded.same_point
    if known is not None and (known.cycle, known.previous) == (cycle, previous):
        return known.objectives, known.key_results
    return scores_at_same_point(loaded.dataset, loaded.report.calendar, cycle, previous)


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _same_point_scoped(
    db_path: str, version: float, day: date, cycle: str, previous: str,
    units: tuple[str | None, ...],
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """One filter set's share of `_same_point`: the same objects on every run (see `_scoped`)."""
    objectives, key_results = _same_point(db_path, version, day, cycle, previous)
    for column, value in zip(("department", "team", "level"), units, strict=True):
        if value is not None and column in objectives.columns:
            objectives = objectives[objectives[column] == value]
    return objectives, key_results[isin(key_results["objective_id"], objectives["objective_id"])]


def previous_at_same_point(cycle: str, previous: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The previous cycle's objectives and key results as they stood at the same point of
    the cycle as `cycle` stands now, under the sidebar filters (read-only: shared)."""
    units = tuple(selected(key) for key in ("department", "team", "level"))
    return _same_point_scoped(*_version(db_path()), cycle, previous, units)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner="Preparing the closing pack…")
def _closing_pack(db_path: str, version: float, day: date, cycle: str, unit_id: str) -> ClosingPack:
    loaded = _load(db_path, version, day)
    assert loaded is not None
    goalposts = _history(db_path, version, day)[0]
    known = loaded.same_point  # the running cycle's comparison, kept with the report
    kept = None
    if known is not None and known.cycle == cycle:
        kept = (known.previous, known.objectives, known.key_results)
    return build_closing_pack(
        loaded.dataset, cycle, unit_id, loaded.report, kept, goalposts=goalposts
    )


def closing_pack(cycle: str, unit_id: str) -> ClosingPack:
    """The closing pack of a unit for a cycle, once per store version: the same object for
    every viewer (cache_resource: not copied per run; read-only), so the page's tables and
    chart built from it are kept too (dashboard/closing_frames.py)."""
    return _closing_pack(*_version(db_path()), cycle, unit_id)


def closing_xlsx(pack: ClosingPack) -> bytes:
    """The pack as the bytes of an Excel workbook (built when the button is pressed)."""
    return pack_to_xlsx_bytes(pack)


def closing_html(pack: ClosingPack) -> str:
    """The pack as one standalone HTML page (built when the button is pressed)."""
    return pack_to_html(pack)


def pack_units(loaded: Loaded) -> pd.DataFrame:
    """Departments and teams a closing pack can be made for (unit_id, name, level), once per
    loaded store (read-only: shared)."""
    return _pack_units(loaded.dataset.teams, loaded.dataset.objectives)


@memoized(max_entries=4)
def _pack_units(teams: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    units = known_units(teams, objectives)
    return units[units["level"].isin(["department", "team"])].reset_index(drop=True)


def _filtered(
    loaded: Loaded, cycle: str | None, units: tuple[str | None, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    objectives = loaded.objectives
    for column, value in zip(("department", "team", "level"), units, strict=True):
        if value is not None and column in objectives.columns:
            objectives = objectives[objectives[column] == value]
    if cycle is not None:
        objectives = objectives[objectives["cycle_id"] == cycle]
    key_results = loaded.key_results
    key_results = key_results[isin(key_results["objective_id"], objectives["objective_id"])]
    return objectives, key_results


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _scoped(
    db_path: str, version: float, day: date, cycle: str | None, units: tuple[str | None, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The filtered frames of one filter set, once per store version, shared by every session
    (cache_resource: no pickling; the same objects on every run, which lets the pages'
    transforms and charts find their memoized results, see dashboard/memo.py)."""
    loaded = _load(db_path, version, day)
    assert loaded is not None
    return _filtered(loaded, cycle, units)


def scoped(loaded: Loaded, cycle: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Objectives and key results of `cycle` (all cycles when None) under the filters
    (read-only: shared by every session with the same filters)."""
    units = tuple(selected(key) for key in ("department", "team", "level"))
    path, version, day = _version(db_path())
    if loaded is not _load(path, version, day):  # a Loaded not from this store's cache
        return _filtered(loaded, cycle, units)
    return _scoped(path, version, day, cycle, units)


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def _before(db_path: str, version: float, day: date) -> Before | None:
    return before_latest(db_path)  # kept beside the report cache: computed once per import


def before_latest_import() -> Before | None:
    """The scored key results, stale list and objectives as they stood before the latest
    write, and its day (None when there is none): what "Since the last import" and the
    Overview's verdict compare with."""
    return _before(*_version(db_path()))


@st.cache_resource(max_entries=4, ttl=3600, show_spinner="Reading the store's history…")
def _history(db_path: str, version: float, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    loaded = _load(db_path, version, day)
    if loaded is None:
        return pd.DataFrame(), pd.DataFrame()
    return (store_goalposts(db_path, loaded.dataset, loaded.report),
            store_next_quarter(loaded.dataset, loaded.report))  # fmt: skip


def goalposts_and_targets() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Goalposts that moved (from the change log) and next quarter's proposed targets, per
    store version (reporting/goalposts.py, reporting/next_quarter.py): shared, not copied
    per view (read-only)."""
    try:
        return _history(*_version(db_path()))
    except StoreBusy as exc:
        show_busy(exc)


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def _brief_history(db_path: str, version: float, day: date, as_of: date) -> History:
    from reporting.brief.history import store_history

    return store_history(db_path, as_of)


def brief_history(loaded: Loaded) -> History:
    """What the brief compares with: the store before its latest import and a week ago."""
    return _brief_history(*_version(db_path()), loaded.report.as_of)


@st.cache_resource(max_entries=2, ttl=3600, show_spinner=False)
def _health(db_path: str, version: float, day: date) -> pd.DataFrame:
    from metrics.programme.health import programme_health
    from reporting.roster import roster_of

    loaded = _load(db_path, version, day)
    assert loaded is not None
    return programme_health(loaded.report, roster_of())


def programme_health() -> pd.DataFrame:
    """Programme health of every unit and cycle (metrics/programme/health.py), once per store
    version; the roster of $OKR_HEALTH_ROSTER counts when set."""
    return _health(*_version(db_path()))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _brief(
    db_path: str, version: float, day: date, cycle: str, department: str | None, team: str | None
) -> Brief:
    loaded = _load(db_path, version, day)
    assert loaded is not None
    scope = Scope(cycle, department=department, team=team)
    history = _brief_history(db_path, version, day, loaded.report.as_of)
    return compose_brief(loaded.report, scope, history, _health(db_path, version, day))


def brief(loaded: Loaded, cycle: str, department: str | None, team: str | None) -> Brief:
    """The brief of a department or team (the company when neither) in `cycle`: composed
    once per store version and unit, shared by every viewer (read-only)."""
    path, version, day = _version(db_path())
    if loaded is _load(path, version, day):
        return _brief(path, version, day, cycle, department, team)
    scope = Scope(cycle, department=department, team=team)
    return compose_brief(loaded.report, scope, brief_history(loaded), programme_health())


def show_empty_store() -> None:
    """What a page shows when there is nothing to analyse yet."""
    st.info(
        "There are no OKRs in the store yet "
        f"({md(db_path())}).\n\n"
        "- Load the demo company: `okr-health demo`\n"
        "- Or load your own spreadsheet on the **Data** page, or with "
        "`okr-health ingest FILE.xlsx`."
    )


CHECK_IN_COLUMNS = ["kr_id", "checked_at", "value", "grade", "confidence", "status", "note",
                    "author"]  # fmt: skip


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _check_ins_of(db_path: str, version: float, day: date, kr_ids: tuple[str, ...]) -> pd.DataFrame:
    columns = ", ".join(f'"{c}"' for c in CHECK_IN_COLUMNS)
    sql = (
        f"SELECT {columns} FROM check_ins WHERE list_contains(?, kr_id) ORDER BY kr_id, checked_at"
    )
    with open_store(db_path, read_only=True) as conn:
        frame = conn.cursor().execute(sql, [list(kr_ids)]).df()
    return frame.astype({"checked_at": "datetime64[us]"})


def check_ins_of(kr_ids: list[str]) -> pd.DataFrame:
    """Every stored check-in of these key results, notes and authors included (the report
    keeps only the numbers): kr_id, checked_at, value, grade, confidence, status, note, author."""
    try:
        return _check_ins_of(*_version(db_path()), tuple(sorted(kr_ids)))
    except StoreBusy as exc:
        show_busy(exc)


def stated_key_results(loaded: Loaded, objective_id: str) -> pd.DataFrame:
    """An objective's key results as stored (range bounds, units, due dates)."""
    stated = loaded.dataset.key_results
    return stated[stated["objective_id"] == objective_id]
