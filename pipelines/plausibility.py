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
from pipelines.map.consumed import layout_columns
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
LOOKALIKES_NAMED = 5  # unused look-alike columns named per sheet
UNREADABLE = ("is not a number", "is not a score", "set aside: not a number")
# Header words of columns worth mapping, by what they would feed.
LOOKS_LIKE = {
    "parent or alignment": ("parent", "align", "aligns", "aligned", "alignment", "contributes",
                            "supports", "linked", "child"),
    "date": ("date", "due", "deadline", "when"),
    "owner": ("owner", "owners", "assignee", "responsible", "accountable", "lead", "dri"),
    "progress or score": ("progress", "percent", "score", "grade", "achieved", "actual",
                          "completion", "complete", "%"),
}  # fmt: skip
# Record metadata: when and by whom a row was written, its version. Not an OKR's dates or
# owners, so never a look-alike: `created_on`, `createdBy`, `modified_by_id`, `Last edited`.
AUDIT = {"created", "modified", "edited", "updated", "changed", "deleted", "inserted", "version",
         "slug", "etag", "revision", "rev"}  # fmt: skip
AUDIT_ALSO = {"on", "at", "by", "id", "date", "time", "timestamp", "last", "user", "name", "no"}


def _words(header: str) -> set[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", header).casefold()  # `createdBy`: two words
    return set(re.findall(r"[a-z]+", text)) | ({"%"} if "%" in text else set())


def is_audit(header: str) -> bool:
    """A record's metadata column: an audit word (`created`, `edited`, `version`…) with at
    most `on`, `at`, `by`, `id`, `date`, `last`… beside it."""
    words = _words(header)
    return bool(words & AUDIT) and words <= AUDIT | AUDIT_ALSO


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
    """Local ids (`1`, `KR1`) that go back to their first number within a sheet, a number
    met before further up (unique ids merely unsorted never restart), and ids
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
                again = numbers.duplicated()[changed]  # a number met before, not just above
                back = steps[(steps < steps.shift()) & (steps == steps.min()) & again]
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
            return "date"
        return None
    sample = text.head(200)
    if sample.str.fullmatch(r"-?\d+(?:[.,]\d+)?\s*%").mean() >= 0.8:
        return "progress or score"
    if sample.str.contains(r"^[^@\s]+@[^@\s]+\.\w+$", regex=True).mean() >= 0.8:
        return "owner"
    digits = sample.str.contains(r"\d", regex=True).mean() >= 0.8
    if digits and not sample.str.fullmatch(r"-?\d+(?:\.\d+)?").all():
        dates = parse_date(sample.reset_index(drop=True)).values
        if dates.notna().mean() >= 0.8:
            return "date"
    return None


def unused_lookalikes(
    sources: list[SourceTable], mapping: Mapping, read: set[str] | None = None
) -> list[Problem]:
    """Columns that feed nothing yet read like a parent, alignment, date, owner or progress
    column, by their header's words or by their content: one warning per sheet naming them
    (map them, or say in a mapping that they are ignored on purpose). Columns a reader
    consumed (`read`: `label: header`) are used; record metadata (`created_on`, `editedBy`,
    `version`) is no look-alike."""
    out: list[Problem] = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            continue
        used = set(loaded_columns(m).values()) | set(m.ignored)
        used |= {h for h in source.headers if f"{source.label}: {h}" in (read or set())}
        found: list[str] = []
        for header in source.headers:
            if header in used or header not in source.data or is_audit(header):
                continue
            words = _words(header)
            kind = next((k for k, ws in LOOKS_LIKE.items() if words & set(ws)), None)
            kind = kind or _looks_by_content(source.data[header])
            if kind is not None:
                letter = None if source.records else source.letters.get(header)
                found.append(f"{header} ({letter + ', ' if letter else ''}{kind})")
        if not found:
            continue
        n = len(found)
        named = ", ".join(found[:LOOKALIKES_NAMED]) + (", …" if n > LOOKALIKES_NAMED else "")
        what = "column looks like an OKR field" if n == 1 else "columns look like OKR fields"
        message = f"{n} unused {what}: {named}: map {'it' if n == 1 else 'them'} or mark " + (
            "it ignored" if n == 1 else "them ignored"
        )
        out.append(Problem(source.file, source.sheet, source.header_row, None, message,
                           "warning"))  # fmt: skip
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
    read = set(canonical.read_columns)
    read |= {f"{s.label}: {h}" for s in sources for h in layout_columns(s, mapping)}
    return [
        *no_objectives(canonical, sources),
        *crowded_objectives(canonical),
        *restarting_numbers(sources, mapping),
        *unused_lookalikes(sources, mapping, read),
        *unreadable_columns(sources, mapping, problems),
    ]
