"""Data — upload CSV/XLSX, check the column mapping, see every problem, load; import history.

The page only lays out: reading, mapping, validation and loading are the functions of
`pipelines.ingest`, the same ones `okr-health ingest` runs.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, state_writes, table_formats
from dashboard.sections import import_history as history_parts
from dashboard.sections import load_guard as guard
from dashboard.sections.import_template import show_template
from dashboard.sections.understanding import show_understanding
from dashboard.state_writes import Prepared
from dashboard.text import md, md_code
from pipelines.asof import date_in_name
from pipelines.map.canonical import archived_words
from pipelines.map.field_words import field_words
from pipelines.map.mapping import (
    ROLES,
    Mapping,
    MappingFile,
    SourceMapping,
    columns_for_role,
    fields_for,
    mapping_toml,
    required_fields,
)
from pipelines.map.mapping_bytes import mapping_text as read_mapping_text
from pipelines.problems import group_problems
from pipelines.read.sources import Sources
from pipelines.store.history_words import changes_lines
from pipelines.store.schema import ROW_NOUNS, counted, row_counts

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "json", "jsonl", "ndjson", "zip",
                "yaml", "yml"]  # fmt: skip
NONE = "—"
ROLE_LABELS = {
    "cycles": "Cycles",
    "teams": "Teams",
    "objectives": "Objectives",
    "key_results": "Key results",
    "check_ins": "Check-ins",
    "flat": "Flat sheet: one row per key result, objective repeated",
    "ignore": "Nothing to load (skip)",
}


def _mapping_editor(sources: Sources, suggested: Mapping) -> Mapping:
    """One role selector and one column selector per canonical field, per source."""
    chosen: Mapping = {}
    for source in sources.tables:
        label = source.label
        with st.expander(f"**{md(label)}** · header on row {source.header_row}", expanded=True):
            preview = source.data.head(10).astype("string")  # as typed; empty cells blank
            st.dataframe(preview, key=f"preview:{label}", placeholder="")
            role = st.selectbox(
                "This sheet holds",
                ROLES,
                index=ROLES.index(suggested[label].role),
                format_func=ROLE_LABELS.__getitem__,
                key=f"role:{label}",
            )
            defaults = columns_for_role(source, role, suggested)
            options = [NONE, *source.headers]
            required = set(required_fields(role))
            columns: dict[str, str] = {}
            grid = st.columns(3)
            for i, name in enumerate(fields_for(role)):
                picked = grid[i % 3].selectbox(
                    f"{md(field_words(name))}{' *' if name in required else ''}",
                    options,
                    index=options.index(defaults.get(name, NONE)),
                    key=f"map:{label}:{role}:{name}",
                )
                if picked != NONE:
                    columns[name] = picked
            base = suggested[label]  # a mapping file's constants, value maps and ignores stay
            chosen[label] = (
                SourceMapping(role, columns, base.constants, base.values, base.ignored)
                if role == base.role
                else SourceMapping(role, columns)
            )
    return chosen


def _cycle_field(prepared: Prepared) -> str | None:
    """A cycle name for files that name none, shown only then, defaulting to the guess; the
    name typed, or None to keep the guess."""
    if prepared.guessed is None:
        return None
    typed = st.text_input(
        "Cycle of these files (they name none)",
        value=prepared.guessed.cycle,
        key="import_cycle",
        help="Named after the quarter of the files' date, else the current one: change it to "
        "the cycle these OKRs belong to (2026-Q4, FY26-Q4, H1 2026…).",
    ).strip()
    return typed if typed and typed != prepared.guessed.cycle else None


def _show_report(prepared: Prepared) -> None:
    errors = [p for p in prepared.problems if p.is_error]
    warnings = [p for p in prepared.problems if not p.is_error]
    counts = row_counts(prepared.rows)
    for line in prepared.headline:  # "Recognised as a Viva Goals organisation export"
        st.info(md(line))
    if errors:
        st.error(f"{counted(len(errors), 'error')}: nothing can be loaded until they are fixed.")
    else:
        st.success(f"Ready to load: {counts or 'nothing'}.")
    if warnings:
        st.warning(f"{counted(len(warnings), 'warning')}: loaded as shown.")
    archived = archived_words(prepared.archived)
    if archived:
        st.info(archived + " (they stay in the store; the source marks them archived, deleted, "
                "draft or cancelled).")  # fmt: skip
    if prepared.problems:
        groups = group_problems(prepared.problems)  # the same message on many rows: one line
        table = pd.DataFrame(
            {
                "severity": [g.severity for g in groups],
                "where": [g.where for g in groups],
                "rows": [g.count for g in groups],
                "problem": [g.message for g in groups],
            }
        )
        table_formats.show(table, "problems")
    removed = {t: len(ids) for t, ids in prepared.removals.items() if ids}
    if removed:
        st.info(
            "This import replaces its cycles and teams: "
            + ", ".join(
                counted(n, f"stored {ROW_NOUNS[t][0]}", f"stored {ROW_NOUNS[t][1]}")
                for t, n in removed.items()
            )
            + " no longer in it will be removed."
        )
    if prepared.unmapped:
        st.markdown("**Columns not loaded** (map them above to keep them):")
        st.markdown("\n".join(f"- {md_code(c)}" for c in prepared.unmapped))
    if prepared.notes:
        with st.expander("What was detected"):
            st.markdown("\n".join(f"- {md(n)}" for n in prepared.notes))


class StageStatus:
    """The stages of an import (read, check, load, compute the report: as the command line
    names them) shown in an `st.status` box with an `st.progress` bar."""

    STAGES = ("read", "check", "load", "compute the report")

    def __init__(self, box: Any, bar: Any) -> None:
        self.box, self.bar = box, bar

    def __call__(self, stage: str, said: str | None = None) -> None:
        step = self.STAGES.index(stage)
        self.box.update(label=f"Importing: {stage}…")
        self.bar.progress(step / len(self.STAGES), text=f"{step + 1}/{len(self.STAGES)} {stage}")
        self.box.write(f"**{stage}**" + (f" — {md(said)}" if said else ""))

    def done(self, label: str) -> None:
        self.bar.progress(1.0, text="done")
        self.box.update(label=label, state="complete", expanded=False)  # our words only


st.title("Data")
refusal = access.import_refusal()
if refusal == access.LOGIN:
    st.info("Importing changes everyone's data: log in first.")
    st.button("Log in", on_click=st.login, key="login", type="primary")
    st.stop()
if refusal:
    st.error(refusal)
    st.stop()
if access.login_configured():
    st.caption(f"Logged in as {md(st.user.get('email') or st.user.get('name') or '?')}")
    st.button("Log out", on_click=st.logout, key="logout")
st.caption(
    "Load OKRs from CSV, Excel or JSON files, or a tool's whole export as a zip: the canonical "
    "template, one flat sheet, or an export of another OKR tool (Viva Goals, Quantive, Perdoo, "
    "Tability, Asana, Jira Align…). Nothing is written until every error is fixed."
)

uploads = st.file_uploader(
    "Spreadsheets or exports (CSV, Excel, JSON or zip; several at once)",
    type=UPLOAD_TYPES,
    accept_multiple_files=True,
    key="uploads",
)
mapping_upload = st.file_uploader("Mapping file (optional, TOML)", type=["toml"], key="mapping")
files = tuple((f.name, f.getvalue()) for f in uploads or [])
mapping_text, unreadable = (
    read_mapping_text(mapping_upload.name, mapping_upload.getvalue())
    if mapping_upload
    else (None, None)
)
if unreadable is not None:
    st.error(md(unreadable))

loaded = guard.loaded_from(files) if files else None
if loaded is not None:
    guard.show_loaded(loaded)  # until another file is chosen: no preview, no Load
elif files:
    preview = st.empty()
    with preview.container():
        top = st.container()  # a destructive load's totals, first
        sources, suggested, mapping_file = state_writes.read_uploads(files, mapping_text)
        if not sources.tables:
            st.error("No table could be read from these files.")
        st.subheader("Column mapping")
        chosen = _mapping_editor(sources, suggested)
        toml_text = mapping_toml(sources.tables, chosen)
        st.download_button(
            "Download this mapping (TOML)",
            toml_text,
            file_name="okr_mapping.toml",
            mime="application/toml",
            key="download_mapping",
            help="Use it with `okr-health ingest FILE --mapping okr_mapping.toml` next time.",
        )
        with st.expander("The mapping as a file"):
            st.code(toml_text, language="toml")
        file_for_checks = mapping_file or MappingFile("mapping.toml")
        day = max(filter(None, (date_in_name(name) for name, _ in files)), default=None)
        # a cycle guessed for files naming none is the quarter of their date (`day`)
        prepared = state_writes.prepare_import(sources, chosen, file_for_checks, as_of=day)
        cycle = _cycle_field(prepared)  # files naming no cycle: the person may name it
        if cycle:
            prepared = state_writes.prepare_import(
                sources, chosen, file_for_checks, cycle=cycle, as_of=day
            )
        show_understanding(prepared.understanding)  # before the problems found in it
        st.subheader("Validation")
        _show_report(prepared)
        as_of = history_parts.as_of_field(files, sources.titles)
        dry = history_parts.show_changes(prepared, as_of)
        impact = dry.impact if dry else None
        guard.show_impact(top, impact)  # what it destroys, said first and confirmed
        may_load = prepared.ok and guard.confirmed(impact)
        clicked = st.button("Load into the store", type="primary", disabled=not may_load,
                            key="load")  # fmt: skip
    if clicked and may_load:  # (a disabled button never acts, however it was pressed)
        preview.empty()  # the stale preview goes: what was loaded replaces it
        with st.status("Importing…", expanded=True) as box:
            stage = StageStatus(box, st.progress(0.0))
            stage("read", f"{counted(len(prepared.source_files), 'file')} read")
            stage("check", f"checked: {counted(len(prepared.problems), 'problem')}, no error")
            stage("load")
            try:
                report = state_writes.load_import(prepared, as_of)
            except state_writes.WRITE_REFUSALS as exc:
                box.update(label="Not loaded", state="error")
                st.error(md(exc))
                st.stop()
            rows = row_counts(report.rows)
            stage("compute the report", f"{report.outcome}: {rows}")
            stage.done(f"Loaded: {rows}" if report.outcome == "loaded" else report.outcome)
        changed = changes_lines(report.described) if report.described else []
        lines = [f"{report.outcome}: {rows}", *changed]  # titles: shown as typed, never as markup
        st.session_state["last_load"] = "  \n".join(md(line) for line in lines)
        tables = {**prepared.derived(), **prepared.tables()}
        summary = {"import_id": report.import_id, "outcome": report.outcome, "rows": rows,
                   "per_cycle": guard.rows_per_cycle(tables)}  # fmt: skip
        guard.remember_load(files, summary)
        guard.show_loaded(guard.loaded_from(files) or dict(summary))
if st.session_state.get("last_load"):
    st.success(f"Last load — {st.session_state['last_load']}")

history_parts.show_history()

show_template()
