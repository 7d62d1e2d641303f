"""Plausibility checks: signs that a file was read, but read wrong (see docs/ingestion.md).

Each check looks at what the reader made of a file (the canonical frames, the mapping, the
source tables) and says what looks like a misread: a warning when the result may still be
right, an error when it would surely be wrong. None is silent; every one is located where a
person can find it (file, sheet, row, column as Excel shows them).
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.arrow import isin
from pipelines.holders import is_holder
from pipelines.map.canonical import Canonical
from pipelines.map.mapping import Mapping, loaded_columns
from pipelines.map.values import parse_date, parse_text, text_cells
from pipelines.problems import Problem, row_ranges
from pipelines.read.sources import SourceTable

CROWDED_TIMES = 5  # an objective with this many times the median number of key results…
CROWDED_AT_LEAST = 15  # …and at least this many is crowded
NUMBERED = re.compile(r"^[A-Za-z]{0,4}[ ._-]?(\d{1,4})$")  # `1`, `KR1`, `O-2`, `#3`
SCORED_FIELDS = (
    "key_results.current_value",
    "key_results.target_value",
    "key_results.start_value",
    "key_results.reported_progress",
    "key_results.manual_score",
    "check_ins.value",
    "check_ins.grade",
)
UNREADABLE = ("is not a number", "is not a score", "set aside: not a number")
# Header words of columns worth mapping, by what they would feed.
LOOKS_LIKE = {
    "a parent or alignment": ("parent", "align", "aligns", "aligned", "alignment", "contributes",
                              "supports", "linked", "child"),
    "a date": ("date", "due", "deadline", "updated", "modified", "created", "when"),
    "an owner": ("owner", "owners", "assignee", "responsible", "accountable", "lead", "dri"),
    "a progress or score": ("progress", "percent", "score", "grade", "achieved", "actual",
                            "completion", "complete", "%"),
}  # fmt: skip


def _words(header: str) -> set[str]:
    text = header.casefold()
    return set(re.findall(r"[a-z]+", text)) | ({"%"} if "%" in text else set())


def _where(source: SourceTable, header: str) -> str:
    return source.ref(header)


def no_objectives(canonical: Canonical, sources: list[SourceTable]) -> list[Problem]:
    """Records read, but no objective, key result or check-in made of them: an error (a file
    is never "loaded" with nothing in it worth loading)."""
    found = sum(
        len(src.get(t, ())) for src in (canonical.tables, canonical.derived)
        for t in ("objectives", "key_results", "check_ins")
    )  # fmt: skip
    if found or not canonical.tables:
        return []  # an empty read is already "no OKR table found"
    rows: dict[str, int] = {}
    for source in sources:
        rows[source.file] = rows.get(source.file, 0) + len(source.data)
    message = ("{n} records read, but no objective or key result found in them: nothing is "
               "loaded (map the columns of its objectives and key results)")  # fmt: skip
    return [Problem(f, None, None, None, message.format(n=n)) for f, n in rows.items() if n]


def crowded_objectives(canonical: Canonical) -> list[Problem]:
    """An objective holding many times the median number of key results (and at least
    CROWDED_AT_LEAST): key results of several objectives read as one's (a warning)."""
    krs, objectives = canonical.tables.get("key_results"), canonical.tables.get("objectives")
    if krs is None or objectives is None or krs.empty:
        return []
    counts = krs["objective_id"].dropna().value_counts()
    if len(counts) < 3:
        return []
    median = float(counts.median())
    limit = max(CROWDED_TIMES * median, CROWDED_AT_LEAST)
    crowded = counts[counts >= limit]
    out = []
    few = objectives[isin(objectives["objective_id"], crowded.index.astype("str"))]
    rows = few.drop_duplicates("objective_id").set_index("objective_id").to_dict("index")
    for objective_id, n in crowded.items():
        row = rows.get(str(objective_id))
        if row is None or is_holder(str(objective_id)):
            continue  # a holder of key results without an objective is said as such
        source = canonical.sources.get(str(row["_source"]))
        message = (
            f'objective "{row["title"]}" collects {n} key results, {n / median:.0f} times the '
            f"median ({median:g}): are key results of several objectives read as one's?"
        )
        file, sheet = (source.file, source.sheet) if source else (str(row["_source"]), None)
        out.append(Problem(file, sheet, int(row["_row"]), None, message, "warning"))
    return out


def _numbers(text: pd.Series) -> pd.Series | None:
    """The numbers of local ids (`1`, `KR1`, `O-2`), or None when the column holds other ids
    (decided on its first cells first: a large sheet of long ids costs nothing)."""
    head = text.head(200).str.fullmatch(NUMBERED)
    if len(head) and head.mean() < 0.8:
        return None
    found = text.str.extract(NUMBERED, expand=False)
    if found.notna().sum() < max(2, 0.8 * len(text)):
        return None
    return pd.to_numeric(found, errors="coerce")


def _scopes(source: SourceTable, columns: dict[str, str], field: str) -> list[tuple[str, str]]:
    """The columns that may scope an id (as `(word, header)`): team, cycle, objective."""
    table = field.split(".", 1)[0]
    scopes = [("team", "objectives.team_id"), ("quarter", "objectives.cycle_id"),
              ("quarter", "key_results.cycle_id")]  # fmt: skip
    if table == "key_results":
        scopes += [("objective", "key_results.objective_id"), ("objective", "objectives.title"),
                   ("objective", "objectives.objective_id")]  # fmt: skip
    return [(word, columns[f]) for word, f in scopes if f in columns and columns[f] in source.data]


def restarting_numbers(sources: list[SourceTable], mapping: Mapping) -> list[Problem]:
    """Local ids (`1`, `KR1`) that go back to their first number within a sheet, and ids
    that repeat across teams, quarters or objectives of one sheet (warnings: each should be
    read within its scope, and a reader that does not would merge them)."""
    out: list[Problem] = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            continue
        columns = loaded_columns(m)
        for field in ("objectives.objective_id", "key_results.kr_id"):
            header = columns.get(field)
            if header is None or header not in source.data:
                continue
            text = parse_text(source.data[header]).values  # typed numbers too, as text
            present = text.notna()
            numbers = _numbers(text[present])
            what = "objective" if field.startswith("objectives") else "key result"
            ref = _where(source, header)
            if numbers is not None:
                changed = numbers.ne(numbers.shift()) & numbers.notna()
                steps = numbers[changed]
                back = steps[(steps < steps.shift()) & (steps == steps.min())]
                if len(back):
                    rows = [int(r) for r in back.index]
                    on = "row" if len(rows) == 1 else "rows"
                    message = (f"{what} numbering restarts at {steps.min():g} on {on} "
                               f"{row_ranges(rows)}: numbers repeat, each to be read within "
                               "its sheet, team, objective or quarter")  # fmt: skip
                    out.append(Problem(source.file, source.sheet, rows[0], ref, message,
                                       "warning"))  # fmt: skip
            for word, scope in _scopes(source, columns, field) if numbers is not None else []:
                if scope == header:
                    continue
                pairs = pd.DataFrame({"id": text, "scope": parse_text(source.data[scope]).values})
                pairs = pairs[present & pairs["scope"].notna()]
                spread = pairs.groupby("id")["scope"].nunique()
                repeated = spread[spread > 1]
                if repeated.empty:
                    continue
                ids = ", ".join(f'"{i}"' for i in list(repeated.index)[:4])
                rows = [int(r) for r in pairs.index[pairs["id"].isin(repeated.index)]]
                message = (f"{len(repeated)} {what} id(s) repeat across {word}s ({ids}"
                           f"{', …' if len(repeated) > 4 else ''}; rows {row_ranges(rows)}): "
                           f"the same id in two {word}s names two {what}s")  # fmt: skip
                out.append(Problem(source.file, source.sheet, rows[0], ref, message, "warning"))
                break
    return out + _repeated_across_sheets(sources, mapping)


def _repeated_across_sheets(sources: list[SourceTable], mapping: Mapping) -> list[Problem]:
    """The same local ids in two sheets of the same role (numbering per sheet)."""
    seen: dict[tuple[str, str], tuple[SourceTable, set[str]]] = {}
    out: list[Problem] = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            continue
        for field, header in loaded_columns(m).items():
            if field not in ("objectives.objective_id", "key_results.kr_id"):
                continue
            if header not in source.data:
                continue
            text = parse_text(source.data[header]).values.dropna()
            if _numbers(text) is None:
                continue
            ids = set(text)
            first = seen.get((m.role, field))
            if first is None:
                seen[(m.role, field)] = (source, ids)
                continue
            common = sorted(ids & first[1])
            if common:
                shown = ", ".join(f'"{c}"' for c in common[:4])
                message = (f"{len(common)} id(s) of this sheet are also ids of {first[0].label} "
                           f"({shown}{', …' if len(common) > 4 else ''}): numbered per sheet, "
                           "the same id names two different rows")  # fmt: skip
                ref = _where(source, header)
                out.append(Problem(source.file, source.sheet, source.header_row, ref, message,
                                   "warning"))  # fmt: skip
    return out


def _looks_by_content(column: pd.Series) -> str | None:
    text = text_cells(column).dropna()
    if len(text) < 2:
        typed = column.dropna()
        if len(typed) >= 2 and pd.api.types.is_datetime64_any_dtype(typed):
            return "a date"
        return None
    sample = text.head(200)
    if sample.str.fullmatch(r"-?\d+(?:[.,]\d+)?\s*%").mean() >= 0.8:
        return "a progress or score"
    if sample.str.contains(r"^[^@\s]+@[^@\s]+\.\w+$", regex=True).mean() >= 0.8:
        return "an owner"
    digits = sample.str.contains(r"\d", regex=True).mean() >= 0.8
    if digits and not sample.str.fullmatch(r"-?\d+(?:\.\d+)?").all():
        dates = parse_date(sample.reset_index(drop=True)).values
        if dates.notna().mean() >= 0.8:
            return "a date"
    return None


def unused_lookalikes(sources: list[SourceTable], mapping: Mapping) -> list[Problem]:
    """A column that feeds nothing yet reads like a parent, alignment, date, owner or
    progress column, by its header's words or by its content (a warning: map it, or say in a
    mapping that it is ignored on purpose)."""
    out: list[Problem] = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            continue
        used = set(loaded_columns(m).values()) | set(m.ignored)
        for header in source.headers:
            if header in used or header not in source.data:
                continue
            words = _words(header)
            kind = next((k for k, ws in LOOKS_LIKE.items() if words & set(ws)), None)
            how = "header reads"
            if kind is None:
                kind, how = _looks_by_content(source.data[header]), "cells read"
            if kind is None:
                continue
            message = (f'column "{header}" is not used, but its {how} like {kind} '
                       "column: map it, or mark it ignored in a mapping")  # fmt: skip
            out.append(Problem(source.file, source.sheet, source.header_row,
                               _where(source, header), message, "warning"))  # fmt: skip
    return out


def unreadable_columns(
    sources: list[SourceTable], mapping: Mapping, problems: list[Problem]
) -> list[Problem]:
    """A scored column none of whose cells reads as a number: surely not the column it was
    taken for (an error: every key result would be unscored by a misread)."""
    bad: dict[tuple[str, str | None, str | None], set[int]] = {}
    for p in problems:
        if p.row is not None and any(word in p.message for word in UNREADABLE):
            bad.setdefault((p.file, p.sheet, p.column), set()).add(p.row)
    if not bad:
        return []
    out: list[Problem] = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            continue
        for field, header in loaded_columns(m).items():
            if field not in SCORED_FIELDS or header not in source.data:
                continue
            ref = _where(source, header)
            rows = bad.get((source.file, source.sheet, ref))
            if not rows:
                continue
            cells = source.data[header]
            blank = cells.isna() | cells.map(lambda v: isinstance(v, str) and not v.strip())
            filled = int((~blank).sum())
            if len(rows) < filled or filled < 2:
                continue
            what = field.split(".", 1)[1]
            message = (
                f"none of the {filled} cells of this column reads as a number: it is not the "
                f"{what} column (map another column, or none)"
            )
            out.append(Problem(source.file, source.sheet, source.header_row, ref, message))
    return out


def plausibility(
    canonical: Canonical, sources: list[SourceTable], mapping: Mapping, problems: list[Problem]
) -> list[Problem]:
    """Every plausibility check of one ingest (see the module); `problems`: those found so
    far (a column all of whose cells were unreadable is found among them)."""
    return [
        *no_objectives(canonical, sources),
        *crowded_objectives(canonical),
        *restarting_numbers(sources, mapping),
        *unused_lookalikes(sources, mapping),
        *unreadable_columns(sources, mapping, problems),
    ]
