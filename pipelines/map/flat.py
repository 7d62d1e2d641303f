"""Flat sheets: one row per key result, with its objective (cycle, team, owner) repeated.

Objectives are grouped out of the repeated columns and get ids derived from their content
(cycle + team + objective title; a key result: objective id + its title), so re-importing the
same sheet yields the same ids. Rows below an objective whose objective cell is empty (merged
cells, or "same as above") belong to that objective; the cycle column is filled down likewise.
"""

from __future__ import annotations

import hashlib
import threading

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.map.canonical import LOCATION, Canonical, to_table
from pipelines.map.cycle_hints import Guess
from pipelines.map.cycles import Found, find_cycle, period_cycles, period_table
from pipelines.map.implied import dated_check_ins, midpoint_check_ins, progress_as_value
from pipelines.map.repeats import defined_from_log, log_note, log_rows, restart_note
from pipelines.map.scope import scoped_ids
from pipelines.map.words import is_summary_label
from pipelines.problems import Problem
from pipelines.read.sources import SourceTable

CYCLE = "objectives.cycle_id"
OBJECTIVE = "objectives.objective_id"
TITLE = "objectives.title"
KR_TITLE = "key_results.title"
ASCII_SPACE = "[ \\t\\n\\r\\f\\v\\x1c-\\x1f]+"  # what Python's regex \s matches, within ASCII


def _normalised(part: pd.Series) -> pd.Series:
    """A part case folded, whitespace collapsed, missing as empty: worked out once per
    distinct value (a cycle, team or objective repeats on many rows). ASCII text, which is
    nearly all of it, is folded in Arrow; other text by Python's casefold and `\\s`."""
    codes, uniques = pd.factorize(part.astype("str"))
    distinct = _text_array(uniques)
    ascii_ = pc.string_is_ascii(distinct)
    if pc.all(ascii_).as_py():
        text = _fold_ascii(distinct)
    else:
        folded = pd.Series(distinct.to_pylist(), dtype="str").str.casefold()
        folded = folded.str.replace(r"\s+", " ", regex=True).str.strip()
        python = pa.array(folded.to_numpy(dtype=object), pa.large_string(), from_pandas=True)
        text = pc.if_else(ascii_, _fold_ascii(distinct), python)
    values = pa.concat_arrays([text, pa.array([""], pa.large_string())])  # code -1 → ""
    taken = values.take(pa.array(np.where(codes < 0, len(text), codes)))
    return pd.Series(pd.array(taken, dtype="str"), index=part.index)


def _fold_ascii(text: pa.Array) -> pa.Array:
    """casefold, `\\s+` → " " and strip, as Python does them, for ASCII text."""
    lower = pc.ascii_lower(text)
    spaced = pc.replace_substring_regex(lower, ASCII_SPACE, " ")
    return pc.utf8_trim(spaced, " ")


def _text_array(values: pd.Index | pd.Series) -> pa.Array:
    """Text values as one Arrow large_string array (no copy when pandas keeps them in Arrow)."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        chunked = values.array.__arrow_array__()
        return chunked.combine_chunks().cast(pa.large_string())
    return pa.array(np.asarray(values, dtype=object), pa.large_string(), from_pandas=True)


def normalised_key(parts: list[pd.Series]) -> pd.Series:
    """Parts joined after case folding and collapsing whitespace (what a re-typed cell keeps)."""
    assert parts
    texts = [_text_array(_normalised(part)) for part in parts]
    text = pa.large_string()
    key = (
        pc.binary_join_element_wise(*texts, pa.scalar("\x1f", text)) if len(texts) > 1 else texts[0]
    )
    return pd.Series(pd.array(key, dtype="str"), index=parts[0].index)


def stable_ids(prefix: str, parts: list[pd.Series]) -> pd.Series:
    """Ids like `O-3f9c0a1b2d` from a hash of the content (one hash per distinct key): the
    first ten hex digits of the SHA-1 of the key's UTF-8 bytes."""
    key = normalised_key(parts)  # never missing: a missing part is ""
    codes, distinct = pd.factorize(key)
    digests = _sha1_hex(_text_array(distinct))
    short = pc.utf8_slice_codeunits(digests, 0, 10)
    text = pa.large_string()
    ids = pc.binary_join_element_wise(pa.scalar(prefix, text), short, pa.scalar("", text))
    return pd.Series(pd.array(ids.take(pa.array(codes)), dtype="str"), index=key.index)


_HASHER = threading.local()  # one in-memory DuckDB per thread, for the hashing only


def _sha1_hex(keys: pa.Array) -> pa.Array:
    """The SHA-1 hex digest of each text, computed by DuckDB (in C++, on every core)."""
    if len(keys) == 0 or pc.any(pc.match_substring(keys, "\x00")).as_py():
        digests = [hashlib.sha1(k.encode()).hexdigest() for k in keys.to_pylist()]
        return pa.array(digests, pa.large_string())
    conn = getattr(_HASHER, "conn", None)
    if conn is None:
        conn = _HASHER.conn = duckdb.connect()
    conn.register("keys", pa.table({"k": keys}))
    try:
        # a plain scan keeps the rows in order (preserve_insertion_order is on by default)
        result = conn.sql("SELECT sha1(k) AS h FROM keys").to_arrow_table()
    finally:
        conn.unregister("keys")
    return result.column("h").combine_chunks().cast(pa.large_string())


def _fill_cycle(rows: pd.DataFrame, source: SourceTable, canonical: Canonical) -> Found | None:
    """Fill the cycle column down; without one, find the cycle elsewhere (`map.cycles`)."""
    if CYCLE in rows:
        rows[CYCLE] = rows[CYCLE].ffill()
        dated = period_cycles(source, rows, rows[CYCLE])  # `Period start`/`Period end`
        if dated is not None:
            canonical.notes.append(dated.message)
        return dated
    found = find_cycle(source, rows, canonical.cycle_hints)
    rows[CYCLE] = found.cycles
    if found.guessed:
        canonical.guessed = Guess(str(found.cycles.iloc[0]), found.message)
        canonical.problems.append(Problem(source.file, None, None, None, found.message, "warning"))
    else:
        canonical.notes.append(found.message)
    return found


def _most_common(rows: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per `key`: the value of `column` given most often (ties: the first one given)."""
    given = rows.loc[rows[column].notna(), [key, column]]
    counts = given.groupby([key, column], sort=False).size().rename("n").reset_index()
    counts["seen"] = np.arange(len(counts))
    best = counts.sort_values([key, "n", "seen"], ascending=[True, False, True], kind="stable")
    return best.drop_duplicates(key).set_index(key)[column]


def _objectives(rows: pd.DataFrame, canonical: Canonical) -> pd.DataFrame:
    """One row per objective: the first value given for each of its columns."""
    fields = [c for c in rows.columns if c.startswith("objectives.") and c != OBJECTIVE]
    grouped = rows.groupby(OBJECTIVE, sort=False)
    objectives = grouped[[*fields, *LOCATION]].first()
    if "objectives.owner" not in rows and "key_results.owner" in rows:
        owners = _most_common(rows, OBJECTIVE, "key_results.owner")
        objectives["objectives.owner"] = owners.reindex(objectives.index).astype("str")
    for name in fields:
        first = grouped[name].transform("first")
        clash = rows[name].notna() & (rows[name] != first).fillna(False)
        if not clash.any():
            continue
        once = pd.Series(rows.index.isin(rows[clash].drop_duplicates(OBJECTIVE).index), rows.index)
        messages = (
            'objective "' + rows.loc[once, TITLE].astype("str") + f'": {name.split(".", 1)[1]} '
            'differs from its first row ("' + first[once].astype("str") + '"), which is used'
        )
        canonical.report(rows, once, name, messages, "warning")
    return objectives.reset_index()


def split_flat(
    typed: pd.DataFrame, source: SourceTable, canonical: Canonical
) -> dict[str, pd.DataFrame]:
    """Objectives, key results and (with a date column) check-ins of one flat sheet."""
    rows = _without_summary_rows(typed.copy(), source, canonical)
    found = _fill_cycle(rows, source, canonical)
    block = rows[TITLE].notna().cumsum()
    carried = [c for c in rows.columns if c.startswith("objectives.") and c != CYCLE]
    rows[carried] = rows.groupby(block)[carried].transform("first")
    kr_data = [c for c in rows.columns if c.startswith("key_results.") and c != "key_results.owner"]
    has_kr_data = rows[kr_data].notna().any(axis=1)
    orphan = has_kr_data & rows[TITLE].isna()
    canonical.report(rows, orphan, TITLE, "key result without an objective (the cell is empty)")
    no_title = has_kr_data & rows[TITLE].notna() & rows[KR_TITLE].isna()
    canonical.report(rows, no_title, KR_TITLE, "key result title is empty")
    rows = rows[rows[TITLE].notna()]
    no_team = pd.Series(pd.NA, index=rows.index, dtype="str")
    team = rows.get("objectives.team_id", no_team)
    derived = stable_ids("O-", [rows[CYCLE], team, rows[TITLE]])
    if OBJECTIVE in rows:  # `Objective #` restarting on each team's sheet: read in its scope
        rows[OBJECTIVE] = scoped_ids(rows[OBJECTIVE], [rows[CYCLE], team], rows[TITLE])
    rows[OBJECTIVE] = rows[OBJECTIVE].fillna(derived) if OBJECTIVE in rows else derived
    objectives = to_table(_objectives(rows, canonical), "objectives")

    krs = rows[rows[KR_TITLE].notna()].copy()
    kr_ids = stable_ids("KR-", [krs[OBJECTIVE], krs[KR_TITLE]])
    if "key_results.kr_id" in krs:  # `KR1`, `KR2` restarting inside each objective
        given = scoped_ids(krs["key_results.kr_id"], [krs[OBJECTIVE]], krs[KR_TITLE])
        canonical.notes += restart_note(krs["key_results.kr_id"], given, source.label)
        kr_ids = given.fillna(kr_ids)
    krs["key_results.kr_id"] = kr_ids
    krs["key_results.objective_id"] = krs[OBJECTIVE]
    first_row = krs.groupby("key_results.kr_id")["_row"].transform("first").astype("str")
    in_log, older = log_rows(krs)  # one row per key result per date: its history
    if in_log.any():
        canonical.notes.append(log_note(krs, in_log, source.label))
    repeated = krs["key_results.kr_id"].duplicated() & ~in_log
    messages = (
        'key result "' + krs[KR_TITLE] + '" appears twice in objective "' + krs[TITLE]
        + '" (first on row ' + first_row + ")"
    )  # fmt: skip
    canonical.report(krs, repeated, KR_TITLE, messages)
    history = progress_as_value(krs[~repeated])
    krs = defined_from_log(history[~older[~repeated]], history)
    words = source.label in canonical.milestone_words
    check_ins = [dated_check_ins(history), midpoint_check_ins(krs, canonical)]
    out = {"objectives": objectives, "key_results": to_table(krs, "key_results", words)}
    dated = [c for c in check_ins if c is not None]
    if dated:
        out["check_ins"] = pd.concat(dated, ignore_index=True)
    if found is not None and found.dates is not None:
        canonical.read_columns.update(f"{source.label}: {c}" for c in found.columns)
        out["cycles"] = period_table(found.dates, source.label, int(rows["_row"].iloc[0]))
    return out


MEASURES = ("start_value", "target_value", "current_value", "range_low", "range_high", "owner")


def _without_summary_rows(
    rows: pd.DataFrame, source: SourceTable, canonical: Canonical
) -> pd.DataFrame:
    """Rows that summarise others are not objectives or key results: a title `Total`,
    `Average` or `Objective average`, or a row with scores but no key-result title, owner or
    numbers (a per-objective average). Skipped with one note."""
    labelled = pd.Series(False, index=rows.index)
    for name in (TITLE, KR_TITLE):
        if name in rows:
            labelled |= is_summary_label(rows[name].fillna(""))
    scored = [c for c in rows.columns if c.startswith("key_results.")]
    measured = [f"key_results.{c}" for c in MEASURES if f"key_results.{c}" in rows]
    untitled = rows[KR_TITLE].isna() if KR_TITLE in rows else pd.Series(False, index=rows.index)
    only_scores = untitled & rows[scored].notna().any(axis=1)
    if measured:
        only_scores &= rows[measured].isna().all(axis=1)
    summary = labelled | only_scores
    if not summary.any():
        return rows
    lines = ", ".join(str(r) for r in rows.loc[summary, "_row"].head(10))
    more = ", …" if summary.sum() > 10 else ""
    canonical.notes.append(
        f"{source.label}: {int(summary.sum())} summary rows skipped (rows {lines}{more}): "
        "totals and averages, not objectives or key results"
    )
    # An objective's own row above its key results (their Objective cells empty) may carry
    # its average grades: the grades are skipped, the row stays to name the objective.
    heading = only_scores & ~labelled
    heading &= rows[TITLE].notna() if TITLE in rows else pd.Series(False, index=rows.index)
    if heading.any():
        rows.loc[heading, scored] = None
    return rows[~summary | heading]
