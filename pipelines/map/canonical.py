"""Source tables + mapping → canonical frames: typed values, each row keeping where it came from.

Every canonical frame carries two extra columns, `_source` (the source's `file[:sheet]` label)
and `_row` (the Excel row), so a problem found at any later stage is reported where a person
can find it. `Canonical.report` turns a mask over such a frame into located problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from pipelines.arrow import per_distinct
from pipelines.kr_types import KrType
from pipelines.map.identity_text import (
    KEY_FIELDS,
    identity_collisions,
    identity_keys,
    is_id_field,
)
from pipelines.map.owners import first_owner, several_owners
from pipelines.map.sane_numbers import bounded
from pipelines.map.setaside import set_aside_unreadable
from pipelines.map.units import with_units
from pipelines.map.values import (
    MILESTONE_WORDS,
    Parsed,
    parse_choice,
    parse_date,
    parse_flag,
    parse_number,
    parse_text,
    per_cell,
    text_cells,
)
from pipelines.map.words import (
    ABOVE,
    BELOW,
    KR_TYPE_WORDS,
    STATUS_WORDS,
    is_lifecycle_out,
    word_key,
)
from pipelines.problems import Problem, Severity, row_ranges
from pipelines.read.sources import SourceTable
from pipelines.store.schema import BOOLEAN, DATE, NUMBER, TABLES_BY_NAME, TEXT, TIMESTAMP

if TYPE_CHECKING:
    from pipelines.map.cycle_hints import CycleHints, Guess

LOCATION = ["_source", "_row"]
MAX_PER_COLUMN = 1000  # problems listed per column and kind; the rest are counted
LEVEL_WORDS = {
    **dict.fromkeys(("company", "organisation", "organization", "org", "corporate"), "company"),
    **dict.fromkeys(("department", "dept", "division", "function", "business unit"),
                    "department"),
    **dict.fromkeys(("team", "squad", "group"), "team"),
    **dict.fromkeys(("individual", "person", "personal", "employee"), "individual"),
}  # fmt: skip
NUMBER_KINDS = {
    "key_results.manual_score": "score",
    "check_ins.grade": "score",
    "check_ins.confidence": "confidence",
    "key_results.current_value": "value",
    "check_ins.value": "value",
    "key_results.projected_score": "score",
    "key_results.midpoint_grade": "score",
    "key_results.reported_progress": "progress",
}
# Fields a flat sheet may fill that the model has no column for: used while splitting it.
EXTRA_FIELDS = {"key_results.midpoint_grade": NUMBER}


def empty_column(sql_type: str, index: pd.Index) -> pd.Series:
    if sql_type == NUMBER:
        return pd.Series(float("nan"), index=index, dtype="float64")
    if sql_type in (DATE, TIMESTAMP):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    if sql_type == BOOLEAN:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return pd.Series(pd.NA, index=index, dtype="str")


def parse_column(column: pd.Series, name: str, hint: str | None) -> Parsed:
    """Parse one source column as the canonical field `table.column` it feeds."""
    table, col = name.split(".", 1)
    sql_type = EXTRA_FIELDS.get(name) or TABLES_BY_NAME[table].types()[col]
    if col == "kr_type":
        return parse_kr_type(column)
    if col == "archived":
        return parse_lifecycle(column)
    if col == "level":
        parsed = parse_choice(column, LEVEL_WORDS, "a level")
        if table == "objectives":  # an objective's level is informative: keep unknown words
            text = parse_text(column).values
            parsed.values = parsed.values.fillna(text.str.lower())
            parsed.warnings, parsed.errors = parsed.errors, parsed.errors.iloc[0:0]
        return parsed
    if sql_type == NUMBER:
        return bounded(parse_number(column, NUMBER_KINDS.get(name, "number"), hint), column)
    if sql_type in (DATE, TIMESTAMP):
        return parse_date(column, with_time=sql_type == TIMESTAMP)
    if sql_type == TEXT:
        return parse_text(column)
    if sql_type == BOOLEAN:
        return parse_flag(column)
    raise ValueError(f"no parser for {name} ({sql_type})")


def parse_kr_type(column: pd.Series) -> Parsed:
    """Key-result types in any tool's words (`words.KR_TYPE_WORDS`). A word that only says
    "a number" (metric, KPI, currency…) leaves the type to the numbers; an unknown word is a
    warning and the type is inferred from the numbers too: never a reason to reject a file."""
    text = parse_text(column).values
    distinct = pd.Series(text.dropna().unique(), dtype="str")
    found = word_key(distinct).map(KR_TYPE_WORDS)
    values = text.map(dict(zip(distinct, found, strict=True))).astype("str")
    unknown = text.notna() & values.isna()
    values = values.where(values != "")
    warnings = text.where(unknown)
    if unknown.any():
        warnings = '"' + warnings + '" is not a key-result type we know: the type is inferred '
        warnings += "from the numbers (increase, decrease, range or milestone)"
    return Parsed(values, pd.Series(pd.NA, index=text.index, dtype="str"), warnings)


def parse_lifecycle(column: pd.Series) -> Parsed:
    """An archived/deleted flag, or a state or status word: archived, deleted, draft and
    cancelled rows are True; yes/no as flags; statuses (On Track, Done…) False; any other
    word is a warning and the row stays in."""
    return per_cell(column, _parse_lifecycle)


def _parse_lifecycle(column: pd.Series) -> Parsed:
    parsed = parse_flag(column)
    text = parse_text(column).values
    out = is_lifecycle_out(text)
    status = word_key(text.fillna("")).isin(STATUS_WORDS)
    values = parsed.values.mask(out, True).mask(status & ~out, False)
    unknown = parsed.errors.notna() & ~out & ~status
    warnings = ('"' + text + '" is not a lifecycle word we know (archived, deleted, draft, '
                'cancelled): the row is kept in the scores').where(unknown)  # fmt: skip
    values = values.mask(unknown, False)
    return Parsed(values, pd.Series(pd.NA, index=text.index, dtype="str"), warnings)


@dataclass
class Canonical:
    """Canonical frames of one ingest, with the problems found so far."""

    sources: dict[str, SourceTable]
    refs: dict[tuple[str, str], str] = field(default_factory=dict)  # (label, field) → "F (x)"
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)  # added only when absent
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    milestone_words: set[str] = field(default_factory=set)  # sources writing done/not done
    cycle_hints: CycleHints | None = None  # for sheets with no cycle column (map.cycles)
    guessed: Guess | None = None  # the cycle loaded into when the file names none
    read_columns: set[str] = field(default_factory=set)  # `label: header` read, not mapped

    def locate(
        self, label: str, row: int | None, name: str | None, message: str, severity: Severity
    ) -> Problem:
        source = self.sources.get(label)
        file, sheet = (source.file, source.sheet) if source else (label, None)
        ref = self.refs.get((label, name)) if name else None
        if ref is None and name:
            ref = name.split(".", 1)[-1]
        return Problem(file, sheet, row, ref, message, severity)

    def report(
        self,
        frame: pd.DataFrame,
        mask: pd.Series,
        name: str | None,
        messages: pd.Series | str,
        severity: Severity = "error",
        unless_reported: bool = False,
    ) -> None:
        """A problem for every row of `frame` where `mask` holds (the first MAX_PER_COLUMN).

        With `unless_reported`, a cell that already has an error (say, a value that could not
        be read and is therefore empty now) is not reported a second time.
        """
        if not mask.any():  # the usual case; three passes over a million rows saved
            return
        mask = mask.reindex(frame.index).fillna(False).astype(bool)
        hits = frame.loc[mask, LOCATION]
        if hits.empty:
            return
        texts = messages.reindex(frame.index)[mask] if isinstance(messages, pd.Series) else None
        seen = {p.location for p in self.problems if p.is_error} if unless_reported else set()
        found: list[Problem] = []
        for i, (label, row) in enumerate(hits.itertuples(index=False)):
            text = str(texts.iloc[i]) if texts is not None else str(messages)
            problem = self.locate(label, int(row), name, text, severity)
            if problem.location not in seen:
                found.append(problem)
            if len(found) > MAX_PER_COLUMN and not seen:
                break
        self.problems.extend(found[:MAX_PER_COLUMN])
        if len(found) > MAX_PER_COLUMN:
            rest = len(hits) - MAX_PER_COLUMN if not seen else len(found) - MAX_PER_COLUMN
            last = found[MAX_PER_COLUMN]
            more = f"… and {rest} more rows with problems like these"
            self.problems.append(
                Problem(last.file, last.sheet, last.row, last.column, more, severity)
            )


def typed_source(
    source: SourceTable, columns: dict[str, str], canonical: Canonical
) -> pd.DataFrame:
    """The mapped columns of one source parsed into canonical types (named `table.column`)."""
    out = pd.DataFrame(index=source.data.index)
    out["_source"] = source.label
    out["_row"] = source.data.index.astype("int64")
    for name, header in columns.items():
        canonical.refs[(source.label, name)] = source.ref(header)
        parsed = parse_column(source.data[header], name, source.decimal_hint)
        out[name] = parsed.values
        if name in KEY_FIELDS:
            out[name] = identity_keys(parsed.values, is_id_field(name))
            twins = identity_collisions(parsed.values, out[name])
            canonical.report(out, twins.notna(), name, twins, "warning")
        errors, warnings = set_aside_unreadable(name, parsed.errors, parsed.warnings)
        canonical.report(out, errors.notna(), name, errors)
        canonical.report(out, warnings.notna(), name, warnings, "warning")
        if parsed.note:
            canonical.notes.append(f"{source.label}: {source.ref(header)}: {parsed.note}")
    with_units(out, source.data, columns)  # `4.3 sec`: the unit kept beside the number
    for name in MULTI_VALUED:
        if name in out:
            out[name] = first_of_many(out, name, source, canonical)
    if "key_results.current_value" in columns:
        words = text_cells(source.data[columns["key_results.current_value"]]).str.lower()
        if words.isin(list(MILESTONE_WORDS)).any():
            canonical.milestone_words.add(source.label)
    return out.reset_index(drop=True)


MULTI_VALUED = ("objectives.owner", "key_results.owner", "objectives.team_id")
_SEPARATED = r"\s*;\s*|\s*,\s*(?=\S+(?:\s+\S+|@))"  # ';', or ',' before a full name or e-mail


def first_of_many(
    typed: pd.DataFrame, name: str, source: SourceTable, canonical: Canonical
) -> pd.Series:
    """`A, B` or `A; B` in an owner or team cell: the first is the owner (team); all of them
    stay in the import report, said once per column. Owners are split by
    `pipelines.map.owners` (`A and B`, `A/B`; `Smith, John A.` is one person)."""
    values = typed[name]
    text = values.astype("str")
    pattern = r"\s*[;,]\s*" if name == "objectives.team_id" else _SEPARATED

    def several(cells: pd.Series) -> pd.Series:  # Python's re (a lookahead): once per name
        if name != "objectives.team_id":
            return several_owners(cells)  # split as pipelines/map/owners.py says
        found = cells.str.contains(_SEPARATED, regex=True).fillna(False).astype(bool)
        return found | cells.str.contains(",", regex=False).fillna(False).astype(bool)

    def first_named(cells: pd.Series) -> pd.Series:
        if name != "objectives.team_id":
            return first_owner(cells)
        return cells.str.split(pattern, n=1, regex=True).str[0].str.strip()

    has_many = per_distinct(text, several)
    if not has_many.any():
        return values
    first = per_distinct(text[has_many], first_named)
    what = "team" if name.endswith("team_id") else "owner"
    rows = typed.loc[has_many, "_row"].astype("int64").tolist()
    examples = "; ".join(
        f"row {r}: {v}" for r, v in zip(rows[:5], text[has_many].head(5), strict=False)
    )
    where = canonical.refs.get((source.label, name), name)
    canonical.notes.append(
        f"{source.label}: {where}: {len(rows)} cells name several (rows {row_ranges(rows)}): "
        f"the first is the {what}, all are listed here ({examples}{'; …' if len(rows) > 5 else ''})"
    )
    return values.mask(has_many, first).astype(values.dtype)


def to_table(typed: pd.DataFrame, table: str, words_used: bool = False) -> pd.DataFrame:
    """Columns `table.x` of a typed source as the canonical table (absent columns empty)."""
    spec = TABLES_BY_NAME[table]
    out = pd.DataFrame(index=typed.index)
    for column in spec.columns:
        name = f"{table}.{column.name}"
        out[column.name] = (
            typed[name] if name in typed else empty_column(column.sql_type, typed.index)
        )
    out[LOCATION] = typed[LOCATION]
    if table == "key_results":
        out = one_sided_ranges(out)
        out = milestones_not_done(out, words_used)
    return out


def one_sided_ranges(krs: pd.DataFrame) -> pd.DataFrame:
    """ "Stay above X" / "stay below X": a range with one bound, X from the target column
    (range_low for above, range_high for below) unless a bound is given."""
    above, below = (krs["kr_type"] == ABOVE).fillna(False), (krs["kr_type"] == BELOW).fillna(False)
    if not (above.any() or below.any()):
        return krs
    krs = krs.copy()
    krs["range_low"] = krs["range_low"].mask(above & krs["range_low"].isna(), krs["target_value"])
    krs["range_high"] = krs["range_high"].mask(
        below & krs["range_high"].isna(), krs["target_value"]
    )
    krs["kr_type"] = krs["kr_type"].mask(above | below, KrType.RANGE.value)
    return krs


def milestones_not_done(krs: pd.DataFrame, words_used: bool) -> pd.DataFrame:
    """An empty cell means "not done" (0) for a milestone key result: one typed as such, or,
    where the column is written in done/not-done words, one without a target or range."""
    implied = words_used & krs["target_value"].isna() & krs["range_low"].isna()
    milestone = (krs["kr_type"] == KrType.MILESTONE).fillna(False) | implied
    krs = krs.copy()
    krs["current_value"] = krs["current_value"].mask(milestone & krs["current_value"].isna(), 0.0)
    return krs


def combine(parts: list[pd.DataFrame], table: str) -> pd.DataFrame:
    if not parts:
        empty = to_table(pd.DataFrame({"_source": pd.Series(dtype="str"), "_row": []}), table)
        return empty.astype({"_row": "int64"})
    return pd.concat(parts, ignore_index=True)


def archived_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Archived objectives, and key results archived themselves or under an archived objective."""
    out: dict[str, int] = {}
    objectives, krs = tables.get("objectives"), tables.get("key_results")
    gone: set[str] = set()
    if objectives is not None and "archived" in objectives:
        flagged = objectives["archived"].fillna(False).astype(bool)
        gone = set(objectives.loc[flagged, "objective_id"])
        if flagged.any():
            out["objectives"] = int(flagged.sum())
    if krs is not None and "archived" in krs:
        flagged = krs["archived"].fillna(False).astype(bool) | krs["objective_id"].isin(gone)
        if flagged.any():
            out["key_results"] = int(flagged.sum())
    return out


def archived_words(archived: dict[str, int]) -> str:
    """`1 archived objective and 6 archived key results kept out of scores`, or ''."""
    nouns = {
        "objectives": ("objective", "objectives"),
        "key_results": ("key result", "key results"),
    }
    parts = []
    for table, (one, many) in nouns.items():
        n = archived.get(table, 0)
        if n:
            parts.append(f"{n} archived {one if n == 1 else many}")
    return " and ".join(parts) + " kept out of scores" if parts else ""
