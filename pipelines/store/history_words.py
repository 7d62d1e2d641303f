"""What a write changed, and the history of writes, in words for people (CLI, Data page)."""

from __future__ import annotations

from datetime import date, datetime

from pipelines.store.history import Changes
from pipelines.store.schema import ROW_NOUNS, counted, row_counts
from pipelines.store.undo import Described

# The longest list of titles or values printed before "… and N more".
SHOWN = 20
MOST_VALUE_CHANGES = 10  # value changes of a later import written out


def _values(old: float | None, new: float | None) -> str:
    def num(x: float | None) -> str:
        return "–" if x is None else f"{x:g}"

    return f"{num(new)} (new)" if old is None else f"{num(old)} → {num(new)}"


def _listed(items: list[str], shown: int = SHOWN, total: int | None = None) -> list[str]:
    """The first `shown` items indented, then how many more of `total` (default: all the
    items given) there are."""
    more = (len(items) if total is None else total) - shown
    return [f"    {item}" for item in items[:shown]] + (
        [f"    … and {more} more"] if more > 0 else []
    )


def changes_lines(described: Described, *, dry_run: bool = False) -> list[str]:
    """Removals first and plainly, then counts added and changed per table, then the value
    changes that became (or, in a dry run, would become) check-ins."""
    would = "would be " if dry_run else ""
    lines: list[str] = []
    if described.removed_objectives:
        n = len(described.removed_objectives)
        lines.append(f"{counted(n, 'objective')} {would}removed:")
        lines += _listed(described.removed_objectives)
    if described.removed_key_results:
        n = len(described.removed_key_results)
        lines.append(f"{counted(n, 'key result')} {would}removed:")
        lines += _listed(described.removed_key_results)
    lines += counts_lines(described.changes, would)
    lines += value_change_lines(described, dry_run=dry_run)
    if not lines:
        lines.append(f"nothing {would or 'was '}changed")
    return lines


def value_change_lines(described: Described, *, dry_run: bool = False) -> list[str]:
    """The values that became check-ins. Values new to the store (a first load) are one
    line, counted, since each is merely the value read; changes of values already held are
    listed, the first MOST_VALUE_CHANGES written out and the others counted."""
    would = "would become" if dry_run else "recorded as"
    first = [v for v in described.value_changes if v[1] is None]
    changed = [v for v in described.value_changes if v[1] is not None]
    lines = []
    if first:
        noun = "current value" if len(first) == 1 else "current values"
        lines.append(f"{len(first):,} {noun} {would} first check-ins")
    if changed:
        lines.append(f"{counted(len(changed), 'value change')} {would} check-ins:")
        shown = [
            f"{title}: {_values(old, new)} on {day:%d %b %Y}"
            for title, old, new, day in changed[:MOST_VALUE_CHANGES]
        ]  # the first written out, the others counted
        lines += _listed(shown, MOST_VALUE_CHANGES, total=len(changed))
    return lines


def counts_lines(changes: Changes, would: str = "") -> list[str]:
    out = []
    for kind in ("added", "changed", "removed"):
        rows = changes.total(kind)
        if rows:
            out.append(f"{would}{kind}: {row_counts(rows)}")
    return out


def _when(moment: object) -> str:
    if isinstance(moment, datetime):
        return f"{moment:%d %b %Y %H:%M}"
    return "–"


def history_line(row: dict[str, object]) -> str:
    """One import (or undo) of the history in words."""
    files = row.get("files") or []
    number = f"#{row['import_id']}"
    when = _when(row.get("finished_at") or row.get("started_at"))
    outcome = str(row.get("outcome") or "")
    changes = row.get("changes")
    assert isinstance(changes, Changes)
    if row.get("kind") == "undo":
        what = f"{number}  {when}  undo: {row.get('message') or ''}"
    else:
        names = ", ".join(str(f) for f in files) if isinstance(files, list) else ""
        what = f"{number}  {when}  {names or 'no files'}: {outcome}"
    parts = [", ".join(counts_lines(changes)) or ""]
    if changes.check_ins_recorded:
        dated = row.get("as_of")
        day = f" dated {dated:%d %b %Y}" if isinstance(dated, (date, datetime)) else ""
        parts.append(f"{counted(changes.check_ins_recorded, 'check-in')} recorded{day}")
    if row.get("undone_by"):
        parts.append(f"undone by #{row['undone_by']}")
    if outcome in ("rejected", "failed", "interrupted") and row.get("message"):
        parts.append(str(row["message"]))
    detail = "; ".join(p for p in parts if p)
    return f"{what}" + (f" ({detail})" if detail else "")


__all__ = ["ROW_NOUNS", "changes_lines", "counts_lines", "history_line"]
