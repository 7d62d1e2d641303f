"""The understanding report: what the reader made of a file, shown before anything is stored
(see docs/ingestion.md).

Built from the canonical frames and the mapping decisions of one ingest: the structure
understood (cycles → teams → objectives → key results, with counts), a few sample objectives
with their key results, which column or JSON key fed each field, what was set aside and why,
and what in the file was not used. A person reading it should see a misread at a glance.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from pipelines.arrow import isin
from pipelines.map.canonical import Canonical
from pipelines.map.cycle_hints import Guess
from pipelines.map.hierarchy import not_scored_line
from pipelines.map.mapping import Mapping, loaded_columns
from pipelines.map.profiles.common import recognised_line
from pipelines.plausibility import plausibility
from pipelines.problems import Problem, group_problems
from pipelines.read.sources import SourceTable

SAMPLE_OBJECTIVES = 2  # objectives shown as a small tree
SAMPLE_KEY_RESULTS = 3  # key results shown under each
# Warnings that say a cell, row or part of the file was set aside (not loaded as it stands).
SET_ASIDE_WORDS = ("set aside", "not loaded", "loaded under", "is not a key-result type")
NO_CYCLE = "(no cycle)"
NO_TEAM = "(no team)"
DERIVED = "(derived by the reader)"


def headline(
    recognised: list[str], not_scored: dict[str, int], guessed: Guess | None = None
) -> list[str]:
    """What an import report opens with: the cycle guessed for a file naming none, the tools
    recognised, then what is not scored."""
    lines = [guessed.line] if guessed else []
    lines += [recognised_line(tool) for tool in dict.fromkeys(recognised)]  # once per tool
    line = not_scored_line(not_scored)
    return [*lines, line] if line else lines


@dataclass
class Branch:
    """One cycle's objectives and key results, in all and per team."""

    cycle: str
    objectives: int
    key_results: int
    teams: dict[str, tuple[int, int]] = field(default_factory=dict)  # team → (objectives, krs)


@dataclass
class Sample:
    """An objective with its first key results, where it was read."""

    objective: str
    cycle: str
    team: str
    where: str
    key_results: list[str]
    more: int  # key results not shown


@dataclass
class Fed:
    """A field and the column (or JSON key) that fed it."""

    source: str
    field: str
    column: str  # `F (Owner)`, or a JSON field's name, or `= value` for a constant
    derived: bool = False  # made by the reader (an outline's ids): no column of the file


@dataclass
class Understanding:
    structure: list[Branch]
    samples: list[Sample]
    fed: list[Fed]
    loaded: int  # objectives and key results that will be loaded
    set_aside: int  # located items (cells, rows) set aside
    set_aside_lines: list[str]  # the set-aside items, grouped
    not_used: dict[str, list[str]]  # source → columns (or the whole sheet / collection)
    checks: list[str]  # what the plausibility checks found, as located lines

    def record(self) -> dict[str, Any]:
        """The report as `ingest --json` prints it."""
        out = asdict(self)
        out["structure"] = [
            {"cycle": b.cycle, "objectives": b.objectives, "key_results": b.key_results,
             "teams": [{"team": t, "objectives": o, "key_results": k}
                       for t, (o, k) in b.teams.items()]}
            for b in self.structure
        ]  # fmt: skip
        return out


def _names(canonical: Canonical, table: str, key: str) -> dict[str, str]:
    """Id → name of the import's (or derived) cycles or teams."""
    out: dict[str, str] = {}
    for tables in (canonical.derived, canonical.tables):
        frame = tables.get(table)
        if frame is None or "name" not in frame:
            continue
        named = frame.dropna(subset=[key])
        out.update(zip(named[key].astype("str"),
                       named["name"].fillna(named[key]).astype("str"), strict=True))  # fmt: skip
    return out


def _active(frame: pd.DataFrame) -> pd.DataFrame:
    if "archived" not in frame:
        return frame
    return frame[~frame["archived"].fillna(False).astype(bool)]


def _named(ids: pd.Series, names: dict[str, str], missing: str) -> pd.Series:
    """Each id's name (the id itself when it has none); `missing` where there is no id.
    Looked up once per distinct id."""
    codes, uniques = pd.factorize(ids.astype("object"))
    looked = [names.get(str(u), str(u)) for u in uniques] + [missing]  # code -1: no id
    return pd.Series([looked[c] for c in codes], index=ids.index, dtype="object")


def structure(canonical: Canonical) -> list[Branch]:
    """Cycles → teams with their counts of objectives and key results (archived ones out)."""
    objectives = canonical.tables.get("objectives")
    if objectives is None or objectives.empty:
        return []
    objectives = _active(objectives)
    krs = canonical.tables.get("key_results")
    per_objective = (
        _active(krs)["objective_id"].value_counts() if krs is not None else pd.Series(dtype=int)
    )
    cycles, teams = _names(canonical, "cycles", "cycle_id"), _names(canonical, "teams", "team_id")
    frame = pd.DataFrame({
        "cycle": _named(objectives["cycle_id"], cycles, NO_CYCLE),
        "team": _named(objectives["team_id"], teams, NO_TEAM),
        "krs": objectives["objective_id"].map(per_objective).fillna(0).astype(int),
    })  # fmt: skip
    counts = frame.groupby(["cycle", "team"], sort=True)["krs"].agg(["size", "sum"])
    branches: dict[str, Branch] = {}
    for (cycle, team), n, k in zip(counts.index, counts["size"], counts["sum"], strict=True):
        branch = branches.setdefault(str(cycle), Branch(str(cycle), 0, 0))
        branch.objectives += int(n)
        branch.key_results += int(k)
        branch.teams[str(team)] = (int(n), int(k))
    out = list(branches.values())
    return sorted(out, key=lambda b: -b.objectives)  # the largest cycles first


def _given(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and value != value)
        and (value is not pd.NA)
    )


def samples(canonical: Canonical) -> list[Sample]:
    """The first objectives holding key results (of different teams, where there are
    several), each with its first key results."""
    objectives, krs = canonical.tables.get("objectives"), canonical.tables.get("key_results")
    if objectives is None or krs is None or objectives.empty:
        return []
    objectives, krs = _active(objectives), _active(krs)
    cycles, teams = _names(canonical, "cycles", "cycle_id"), _names(canonical, "teams", "team_id")
    held = objectives[isin(objectives["objective_id"], krs["objective_id"].dropna())]
    picked = held.drop_duplicates("team_id").head(SAMPLE_OBJECTIVES)
    if len(picked) < SAMPLE_OBJECTIVES:
        rest = held[~held.index.isin(picked.index)]
        picked = pd.concat([picked, rest.head(SAMPLE_OBJECTIVES - len(picked))])
    theirs = krs[isin(krs["objective_id"], picked["objective_id"])]
    by_objective = theirs.groupby("objective_id", sort=False)["title"].agg(list)
    lists: dict[str, list[object]] = {str(k): v for k, v in by_objective.items()}
    out = []
    for row in picked.to_dict("records"):
        titles = [str(t) for t in lists[str(row["objective_id"])]]
        source = canonical.sources.get(str(row["_source"]))
        place = ":".join(p for p in (source.file, source.sheet) if p) if source else ""
        cycle, team = row["cycle_id"], row["team_id"]
        out.append(Sample(
            str(row["title"]), cycles.get(str(cycle), str(cycle)) if _given(cycle) else NO_CYCLE,
            teams.get(str(team), str(team)) if _given(team) else NO_TEAM,
            f"{place}:{row['_row']}",
            titles[:SAMPLE_KEY_RESULTS], max(len(titles) - SAMPLE_KEY_RESULTS, 0),
        ))  # fmt: skip
    return out


def _derived(source: SourceTable, header: str) -> bool:
    """A column the reader added to a table (its "letter" is its own name, or it has none):
    an outline's ids, a parent found by indentation."""
    letter = source.letters.get(header)
    return letter is None or (letter == header and not re.fullmatch(r"[A-Z]{1,3}", header))


def fed_by(sources: list[SourceTable], mapping: Mapping) -> list[Fed]:
    """Which column (or JSON key) fed each field, per source; constants as `= value`; a
    field the reader derived (a column it added to the table, no letter of the file) as
    `derived`, never as if the file had a column of that name."""
    out = []
    for source in sources:
        m = mapping.get(source.label)
        if m is None or m.role == "ignore":
            continue
        for name, header in loaded_columns(m).items():
            if source.records or not _derived(source, header):
                out.append(Fed(source.label, name, source.ref(header)))
            else:
                out.append(Fed(source.label, name, DERIVED, derived=True))
        out.extend(Fed(source.label, name, f"= {value}") for name, value in m.constants.items())
    return out


def not_used(unmapped: list[str]) -> dict[str, list[str]]:
    """`file[:sheet]: header` entries grouped per source."""
    out: dict[str, list[str]] = {}
    for entry in unmapped:
        label, _, header = entry.rpartition(": ")
        out.setdefault(label or entry, []).append(header if label else entry)
    return out


def is_set_aside(problem: Problem) -> bool:
    return not problem.is_error and any(w in problem.message for w in SET_ASIDE_WORDS)


def understand(
    canonical: Canonical,
    sources: list[SourceTable],
    mapping: Mapping,
    problems: list[Problem],
    unmapped: list[str],
    checks: list[Problem],
) -> Understanding:
    """The understanding report of one ingest (see the module). `problems`: all of them;
    `checks`: those of the plausibility checks."""
    aside = [p for p in problems if is_set_aside(p)]
    located = {(p.file, p.sheet, p.row, p.column) for p in aside if p.row is not None}
    loaded = sum(
        len(_active(canonical.tables[t])) for t in ("objectives", "key_results")
        if t in canonical.tables
    )  # fmt: skip
    return Understanding(
        structure=structure(canonical),
        samples=samples(canonical),
        fed=fed_by(sources, mapping),
        loaded=loaded,
        set_aside=len(located) + sum(1 for p in aside if p.row is None),
        set_aside_lines=[str(g) for g in group_problems(aside)],
        not_used=not_used(
            [
                *unmapped,
                *(
                    f"{p.file}: {p.message.split(' was ', 1)[0]}"
                    for p in problems
                    if p.message.startswith("collection `")
                ),
            ]
        ),
        checks=[str(g) for g in group_problems(checks)],
    )


def review(
    canonical: Canonical,
    sources: list[SourceTable],
    mapping: Mapping,
    problems: list[Problem],
    unmapped: list[str],
) -> tuple[list[Problem], Understanding]:
    """The plausibility checks' problems (to add to the ingest's) and the understanding
    report, which lists them among everything else found."""
    checks = plausibility(canonical, sources, mapping, problems)
    return checks, understand(canonical, sources, mapping, [*problems, *checks], unmapped, checks)
