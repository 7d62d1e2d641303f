"""The Data page's history parts: the as-of date of an upload, what a load would change
(a dry run before the Load button), the import history in words, and Undo."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import state_writes
from dashboard.sections.load_guard import forget_load
from dashboard.state_writes import IngestReport, Prepared
from dashboard.text import md, md_code
from pipelines.asof import date_in_name, date_in_titles
from pipelines.store.history_words import changes_lines, counts_lines, history_line


def as_of_field(
    files: tuple[tuple[str, bytes], ...], titles: dict[str, list[str]] | None = None
) -> date | None:
    """The day the uploaded values were true: the date in the file names, else the date a
    title row states (`As of 5 Oct 2026`), else empty (the day of the import). Changed
    values are recorded as check-ins of that day."""
    named = sorted({d for d in (date_in_name(name) for name, _ in files) if d is not None})
    stated = date_in_titles(titles or {})
    names = [name for name, _ in files]
    if st.session_state.get("as_of_for") != names:  # other files: their date, not the last
        st.session_state.pop("as_of", None)
        st.session_state["as_of_for"] = names
    found = st.date_input(
        "Values as of",
        value=named[-1] if named else stated,
        key="as_of",
        format="YYYY-MM-DD",
        help="Values that changed since the last import are recorded as check-ins of this "
        "day. Left empty: the day of the import.",
    )
    return found if isinstance(found, date) else None


def values_dated_today(report: IngestReport, as_of: date | None) -> bool:
    """Whether the load would date values today for want of a date: none given or found
    for the upload, and a value it records has no date of its own (a `Last updated` column,
    a check-in's date) either."""
    if as_of is not None or report.described is None:
        return False
    today = date.today()
    return any(day == today for *_, day in report.described.value_changes)


def show_changes(prepared: Prepared, as_of: date | None) -> IngestReport | None:
    """What loading would change, before the Load button: removals first, by title. The
    dry run's report, or None when the import cannot be loaded."""
    if not prepared.ok:
        return None
    with st.spinner("Comparing with the store…"):
        report = state_writes.dry_run(prepared, as_of)
    if report.described is None:
        return report
    lines = changes_lines(report.described, dry_run=True)
    removing = report.described.removed_objectives or report.described.removed_key_results
    st.markdown("**What loading would change**")
    text = "\n".join(md(line) for line in lines)
    (st.warning if removing else st.info)(text.replace("\n", "  \n"))
    if values_dated_today(report, as_of):
        st.caption("Changed values will be dated today, the day of the import.")
    return report


def loaded_message(report_lines: list[str]) -> str:
    return "  \n".join(md(line) for line in report_lines)


def show_history() -> None:
    """The imports newest first, in words, and Undo of the latest recorded one."""
    st.subheader("Import history")
    rows = state_writes.import_history()
    if rows is None:
        st.caption(f"No store yet at {md_code(state_writes.store_path())}.")
        return
    if not rows:
        st.caption("No imports yet.")
        return
    st.markdown("\n".join(f"- {md(history_line(row))}" for row in rows[:30]))
    latest = next((r for r in rows if r.get("kind")), None)
    if latest is None:
        return
    what = "the undo" if latest.get("kind") == "undo" else "import"
    if st.button(f"Undo {what} #{latest['import_id']}", key="undo"):
        try:
            result = state_writes.undo_import(int(str(latest["import_id"])))
        except state_writes.WRITE_REFUSALS as exc:
            st.error(md(exc))
            return
        undid = ", ".join(f"#{i}" for i in sorted(result.undid))
        done = "; ".join(counts_lines(result.changes)) or "nothing changed"
        st.session_state["last_load"] = f"undone {undid}: {done}"
        forget_load()  # the files undone may be loaded again
        st.rerun()
