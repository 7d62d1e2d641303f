"""A generic outline: one table of objectives and key results told apart by a type column,
outline numbers (1, 1.1, 1.1.2), labels (`O1`, `KR1.2`), a level column or indentation, and
linked by a parent column (`Parent Row`, a parent id, the parent's title) or by the numbering.
`outline_items` reads such a table into `Items` for `hierarchy.split_items`; the columns it
looks for are the outline view of the synonym table (`synonyms.OUTLINE`, `OUTLINE_COLUMNS`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pandas as pd

from pipelines.map.items import (
    KEY_RESULT,
    OBJECTIVE,
    Items,
    as_column,
    blank_to_none,
    kind_of,
    missing,
    prose_score,
    row_number,
)
from pipelines.map.synonyms import OUTLINE, OUTLINE_COLUMNS, normalise_header
from pipelines.read.sources import SourceTable

SAMPLE = 50  # labels tried on a table's first rows before all of them
# An outline label as people write it: `1.`, `1.2`, `1.1.a`, `1.2)`, `O1`, `KR1.2`, `Objective 1`.
LABEL = re.compile(
    r"^\s*(?:(?P<kind>objective|obj|key\s*result|kr|o|k)\s*\.?\s*)?"
    r"(?P<number>\d+(?:\s*\.\s*(?:\d+|[a-z]))*)\.?\)?\s*$",
    re.IGNORECASE,
)
# A title led by its label: `Objective 1: Grow…`, `KR 1.2 – Publish…`, `O2. Be…`.
TITLE_LABEL = re.compile(
    r"^\s*(?:(?P<label>(?:objective|obj|key\s*result|kr|o)\s*\.?\s*\d+(?:\.(?:\d+|[a-z]))*)"
    r"\s*[:.)\-–—]|(?P<number>\d+(?:\.(?:\d+|[a-z]))*)\.?\)?\s)\s*(?P<title>\S.*)$",
    re.IGNORECASE | re.S,
)  # or a title led by its number alone: `1.2 Publish…`, `1.2.a) Sign…`
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
TYPE_HEADERS = OUTLINE_COLUMNS["type"]
OUTLINE_HEADERS = OUTLINE_COLUMNS["number"]
PARENT_ROW_HEADERS = OUTLINE_COLUMNS["parent_row"]
PARENT_ID_HEADERS = OUTLINE_COLUMNS["parent_id"]
PARENT_TITLE_HEADERS = OUTLINE_COLUMNS["parent_title"]
TITLE_HEADERS = OUTLINE_COLUMNS["title"]
LEVEL_HEADERS = OUTLINE_COLUMNS["level"]
OUTCOME_HEADERS = OUTLINE_COLUMNS["outcome"]
PROGRESS_HEADERS = OUTLINE_COLUMNS["progress"]
OWN_ID_HEADERS = OUTLINE_COLUMNS["own_id"]


def _find(headers: list[str], wanted: tuple[str, ...]) -> str | None:
    """The first header naming one of `wanted`: as written (case and spacing aside) first,
    then normalised — so `Result %` is the progress and a prose `Result` beside it is not."""
    written = {" ".join(w.casefold().split()) for w in wanted}
    exact = next((h for h in headers if " ".join(str(h).casefold().split()) in written), None)
    if exact is not None:
        return exact
    keys = {normalise_header(w) for w in wanted}
    return next((h for h in headers if normalise_header(h) in keys), None)


def _text(column: pd.Series) -> pd.Series:
    return column.map(lambda v: None if v is None or pd.isna(v) else str(v).strip() or None)


def _first_texts(column: pd.Series, count: int) -> pd.Series:
    """`_text(column).dropna().head(count)`, reading only as many rows as that takes (most
    tables are not outlines, and their first rows say so)."""
    rows = 4 * count
    while True:
        found = _text(column.iloc[:rows]).dropna()
        if len(found) >= count or rows >= len(column):
            return found.head(count)
        rows *= 8


def outline_items(source: SourceTable) -> Items | None:
    """A generic outline (a type column naming objectives and key results, or outline numbers
    1, 1.1, 1.1.2), or None when the table is not one."""
    headers, data = source.headers, source.data
    flat_titles = [h for h in headers if normalise_header(h) in ("objective", "keyresult", "kr")]
    type_col = _find(headers, TYPE_HEADERS)
    kinds = data[type_col].map(kind_of) if type_col else None
    number_col = next(
        (h for h in headers if normalise_header(h) in OUTLINE_HEADERS and _is_outline(data[h])),
        None,
    )
    typed = kinds is not None and {OBJECTIVE, KEY_RESULT} <= set(kinds.dropna())
    if typed and kinds is not None and kinds[data[type_col].notna()].notna().mean() < 0.6:
        typed = False
    title_col = _find(headers, TITLE_HEADERS)
    if title_col is None or len(flat_titles) >= 2:
        return None
    labels = _labels(data[number_col]) if number_col else None
    titles, led = _title_labels(data[title_col])
    labels = labels if labels is not None else led
    indents = _indent_levels(source, title_col)
    if not typed and labels is None and indents is None:
        return None
    frame = pd.DataFrame(index=data.index)
    letters = {"title": source.letters[title_col]}
    raw_titles = data[title_col].map(lambda v: None if v is None or pd.isna(v) else str(v))
    if indents is not None:  # the cells' Indent format, as leading spaces are read
        raw_titles = raw_titles.map(lambda t: t and t.strip())
        raw_titles = raw_titles.combine(indents, lambda t, n: t and " " * int(n) + t)
    frame["title"] = _text(titles)
    numbers = labels["number"] if labels is not None else None
    depth: pd.Series | None = None
    if numbers is not None:
        depth = numbers.map(lambda n: None if n is None else n.count(".") + 1)
    elif indents is not None:
        depth = indents + 1
    if kinds is not None and typed:
        frame["kind"] = kinds
    elif labels is not None and labels["kind"].notna().mean() >= 0.9:  # O1 / KR1.2
        frame["kind"] = labels["kind"]
    elif depth is not None:  # no types: objectives on odd levels, key results on even ones
        frame["kind"] = depth.map(_kind_by_depth)
    frame["parents"] = as_column(_parents(source, data, frame, numbers, raw_titles), frame.index)
    parent_title = _find(headers, PARENT_TITLE_HEADERS)
    if parent_title is not None:  # names a holder for rows whose parent is no row here
        frame["parent_name"] = _text(data[parent_title])
    for name, synonyms in OUTLINE.items():
        header = _find([h for h in headers if h not in (title_col, type_col, number_col)], synonyms)
        if header is not None and header not in _parent_headers(headers):
            frame[name] = data[header].map(blank_to_none)
            letters[name] = source.letters[header]
    progress, outcome = _find(headers, PROGRESS_HEADERS), _find(headers, OUTCOME_HEADERS)
    outcome = None if outcome == progress else outcome
    if outcome is not None:  # `Done`, `80%: shipped`: as a percent, never rescaled again
        said = data[outcome].map(prose_score).map(_as_percent)
        frame["reported_progress"] = said
        letters["reported_progress"] = source.letters[outcome]
    if progress is not None:  # the tool's own figure (`Result %`) wins over the prose
        figure = data[progress].map(blank_to_none)
        if outcome is not None:
            figure = figure.where(figure.notna(), frame["reported_progress"])
        frame["reported_progress"] = figure
        letters["reported_progress"] = source.letters[progress]
    if "cycle_id" not in frame:
        frame["cycle_id"] = None
    name = source.sheet or Path(source.file).stem
    year = YEAR.search(name) or YEAR.search(Path(source.file).stem)
    return Items(source, frame, letters, None, year.group(1) if year else None)


def _as_percent(score: float | None) -> str | None:
    """A prose outcome's score as the percent a person wrote (`0.8` → `80%`): the value
    parser reads a percent as such, and never puts it on a 0–100 scale a second time."""
    return None if score is None or pd.isna(score) else f"{score * 100:g}%"


def _label_text(value: object) -> str | None:
    """An outline label cell as text: `1.2` typed into Excel comes back as the number 1.2."""
    if missing(value):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() or None


def _parse_labels(texts: pd.Series) -> pd.DataFrame | None:
    """Labels (`1.`, `1.1.a`, `KR1.2`, `Objective 2`) as `number` (`1.1.a`, `1.2`, `2`) and
    `kind` (from a leading O / KR / Objective / Key result, else None); None unless nearly
    every label reads and the outline goes deeper than one level somewhere."""
    present = texts.dropna()
    if present.empty or present.head(SAMPLE).map(LABEL.match).map(bool).mean() < 0.9:
        return None  # most tables are not outlines: a sample says so before every row is read
    parsed = present.map(LABEL.match)
    if parsed.map(bool).mean() < 0.9:
        return None
    number = parsed.map(lambda m: m and ".".join(re.split(r"\s*\.\s*", m["number"].lower())))
    kind = parsed.map(lambda m: m and m["kind"] and kind_of(m["kind"]))
    out = pd.DataFrame({"number": number, "kind": kind}).reindex(texts.index)
    out = out.astype("object").where(out.notna(), None)
    # an outline has labels of both kinds (`O1`, `KR1.2`), or, when they name no kind, two
    # levels somewhere (`1.2`); `O1`, `O2`… or `KR 1.1`, `KR 2.1`… alone number a table of
    # objectives or of key results, which is not one
    kinds = set(out["kind"].dropna())
    if kinds:
        return out if {OBJECTIVE, KEY_RESULT} <= kinds else None
    return out if out["number"].dropna().str.contains(".", regex=False).any() else None


def _labels(column: pd.Series) -> pd.DataFrame | None:
    return _parse_labels(column.map(_label_text))


def _title_labels(column: pd.Series) -> tuple[pd.Series, pd.DataFrame | None]:
    """Titles led by their label (`Objective 1: Grow…`, `KR 1.2 – Publish…`): the titles
    without it and the labels, when nearly every title has one; else the titles as given."""
    sample = _first_texts(column, SAMPLE)
    if sample.empty or sample.map(TITLE_LABEL.match).map(bool).mean() < 0.9:
        return column, None
    text = _text(column)
    found = text.map(lambda t: TITLE_LABEL.match(t) if isinstance(t, str) else None)
    if text.dropna().empty or found[text.notna()].map(bool).mean() < 0.9:
        return column, None
    labels = _parse_labels(found.map(lambda m: m and (m["label"] or m["number"])))
    if labels is None:
        return column, None
    return found.map(lambda m: m["title"] if m else None).where(found.map(bool), text), labels


def _indent_levels(source: SourceTable, title_col: str) -> pd.Series | None:
    """The titles' indent levels (the cells' Indent format; 0 where none), when they make
    more than one level; None otherwise."""
    levels = source.indents.get(title_col)
    if not levels:
        return None
    depth = pd.Series([levels.get(row_number(r), 0) for r in source.data.index],
                      index=source.data.index, dtype="int64")  # fmt: skip
    return depth if depth.nunique() > 1 else None


def _parent_headers(headers: list[str]) -> set[str]:
    wanted = set(PARENT_ROW_HEADERS + PARENT_ID_HEADERS + PARENT_TITLE_HEADERS)
    return {h for h in headers if normalise_header(h) in wanted}


def _is_outline(column: pd.Series) -> bool:
    return _labels(column) is not None


def _parents(
    source: SourceTable,
    data: pd.DataFrame,
    frame: pd.DataFrame,
    numbers: pd.Series | None,
    raw_titles: pd.Series,
) -> list[list[tuple[int, float | None]]]:
    """Each row's parent rows, by the first way the table says it."""
    headers = source.headers
    rows = list(data.index)
    parent_row = _find(headers, PARENT_ROW_HEADERS)
    if parent_row is not None:
        numbers_given = pd.to_numeric(data[parent_row], errors="coerce")
        by_row = _own_rows(headers, data)
        return [
            [(by_row[int(p)], None)] if pd.notna(p) and int(p) in by_row else []
            for p in numbers_given
        ]
    parent_col = _find(headers, PARENT_ID_HEADERS) or _find(headers, PARENT_TITLE_HEADERS)
    if parent_col is not None:  # ids where the table has an id column, else titles
        id_col = _find(headers, OWN_ID_HEADERS)
        by_ref: dict[str, int] = {}
        for r, t in frame["title"].items():
            if t:
                by_ref.setdefault(str(t).casefold(), row_number(r))
        if id_col is not None:
            by_ref.update({str(v).strip().casefold(): row_number(r)
                           for r, v in data[id_col].items() if not missing(v)})  # fmt: skip
        return [_refs(v, by_ref) for v in data[parent_col]]
    if numbers is not None:
        by_number = {n: row_number(r) for r, n in numbers.items() if n}
        return [
            [(by_number[n.rsplit(".", 1)[0]], None)] if n and "." in n and n.rsplit(".", 1)[0]
            in by_number else []
            for n in numbers
        ]  # fmt: skip
    level_col = _find(headers, LEVEL_HEADERS)
    if level_col is not None:
        depth = pd.to_numeric(data[level_col], errors="coerce")
    else:
        depth = raw_titles.map(lambda t: None if t is None else len(t) - len(t.lstrip()))
    if depth.nunique() > 1:
        return _by_depth(rows, depth)
    # one level only: a key result belongs to the objective above it
    out: list[list[tuple[int, float | None]]] = []
    last: int | None = None
    for r in rows:
        if frame.at[r, "kind"] == OBJECTIVE:
            last = r
            out.append([])
        else:
            out.append([(last, None)] if last is not None else [])
    return out


def _own_rows(headers: list[str], data: pd.DataFrame) -> dict[int, int]:
    """Row numbers a `Parent Row` refers to → the rows: the table's own `Row` (or id)
    column when it numbers every row once, else the spreadsheet's rows."""
    own = _find(headers, OWN_ID_HEADERS)
    if own is not None:
        numbers = pd.to_numeric(data[own], errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round())
        if whole.all() and numbers.is_unique:
            return {int(n): row_number(r) for r, n in numbers.items()}
    return {row_number(r): row_number(r) for r in data.index}


def _refs(value: object, by_ref: dict[str, int]) -> list[tuple[int, float | None]]:
    """A parent cell as rows: the whole text (a title may hold commas), else its parts."""
    if blank_to_none(value) is None:
        return []
    text = str(value).strip().casefold()
    if text in by_ref:
        return [(by_ref[text], None)]
    parts = [p.strip() for p in re.split(r"[;,]", text)]
    return [(by_ref[p], None) for p in parts if p in by_ref]


def _kind_by_depth(depth: object) -> str | None:
    """Outline numbers without types: objectives on odd levels, key results on even ones."""
    if missing(depth):
        return None
    return KEY_RESULT if int(cast(int, depth)) % 2 == 0 else OBJECTIVE


def _by_depth(rows: list[int], depth: pd.Series) -> list[list[tuple[int, float | None]]]:
    out: list[list[tuple[int, float | None]]] = []
    stack: list[tuple[float, int]] = []
    for r in rows:
        d = depth.get(r)
        d = 0.0 if d is None or pd.isna(d) else float(d)
        while stack and stack[-1][0] >= d:
            stack.pop()
        out.append([(stack[-1][1], None)] if stack else [])
        stack.append((d, r))
    return out
