"""The understanding report as the command line prints it: a few lines, read in seconds.

Counts per cycle and team, two sample objectives with their first key results, the column
that fed each field (and the fields the reader derived), what was not used, and "read N
objectives and key results, set aside M" (the set-aside items themselves are among the
located problems printed after it). Long lists are cut with a count of the rest, so that
any file's report stays short.
"""

from __future__ import annotations

from pipelines.map.setaside import SET_ASIDE
from pipelines.problems import Problem, group_problems, problem_lines
from pipelines.store.schema import counted
from pipelines.understanding import NO_TEAM, Understanding

MOST_CYCLES = 3  # cycle lines shown
MOST_TEAMS = 4  # teams named per cycle
MOST_COLUMNS = 8  # unused columns named per source
MOST_FIELDS = 10  # fields named per source
WIDTH = 70  # characters of a title shown
TABLE_WORDS = {
    "objectives": "objective",
    "key_results": "key result",
    "check_ins": "check-in",
    "cycles": "cycle",
    "teams": "team",
}


def _short(text: str, width: int = WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


OWN_IDS = {"objectives.objective_id", "key_results.kr_id", "teams.team_id", "cycles.cycle_id"}
REFERENCES = {"kr_id": "key result", "objective_id": "objective", "team_id": "team",
              "cycle_id": "cycle", "parent_team_id": "parent team",
              "parent_objective_id": "parent objective",
              "parent_kr_id": "parent key result"}  # fmt: skip


def field_words(name: str) -> str:
    """A field in plain words: `key_results.current_value` → `key result current value`;
    a title is the thing, a table's own id its `id` (`objective id`), a reference the thing
    it names (`key result objective`), `kr type` a `type`."""
    table, _, column = name.partition(".")
    thing = TABLE_WORDS.get(table, table)
    if column == "title":
        return thing
    if name in OWN_IDS:
        return f"{thing} id"
    words = REFERENCES.get(column) or column.removeprefix("kr_").replace("_", " ")
    return f"{thing} {words}"


def _listed(items: list[str], most: int) -> str:
    shown = ", ".join(items[:most])
    return shown + (f", … (+{len(items) - most} more)" if len(items) > most else "")


def structure_lines(understood: Understanding) -> list[str]:
    """`understood: 2 cycles, 5 teams, 12 objectives, 40 key results (…)`, then a line per
    cycle: `2026-Q1 2/3: Sales 1/2, Support 1/1` (objectives/key results)."""
    branches = understood.structure
    if not branches:
        return ["understood: no objectives"]
    teams = {t for b in branches for t in b.teams if t != NO_TEAM}
    objectives = sum(b.objectives for b in branches)
    krs = sum(b.key_results for b in branches)
    lines = [
        "understood: "
        + ", ".join([counted(len(branches), "cycle"), counted(len(teams), "team"),
                     counted(objectives, "objective"), counted(krs, "key result")])
        + " (objectives/key results per cycle and team, archived ones out):"
    ]  # fmt: skip
    for branch in branches[:MOST_CYCLES]:
        per_team = [f"{_short(t, 30)} {o}/{k}" for t, (o, k) in branch.teams.items()]
        named = set(branch.teams) != {NO_TEAM}  # a file without teams: no list of them
        lines.append(
            f"  {_short(branch.cycle, 30)} {branch.objectives}/{branch.key_results}"
            + (": " + _listed(per_team, MOST_TEAMS) if named else "")
        )
    if len(branches) > MOST_CYCLES:
        lines.append(f"  … and {counted(len(branches) - MOST_CYCLES, 'more cycle')}")
    return lines


def sample_lines(understood: Understanding) -> list[str]:
    lines = []
    for sample in understood.samples:
        lines.append(
            f"  e.g. {_short(sample.objective)}  [{_short(sample.team, 30)}, "
            f"{_short(sample.cycle, 20)}; {sample.where}]"
        )
        lines.extend(f"       - {_short(title)}" for title in sample.key_results)
        if sample.more:
            lines.append(f"       - … and {counted(sample.more, 'more key result')}")
    return lines


def fed_lines(understood: Understanding) -> list[str]:
    """One line per source: `fields from file.csv: objective ← B (Objective), …`, then the
    fields the reader derived itself (no column of the file holds them)."""
    per_source: dict[str, list[str]] = {}
    derived: dict[str, list[str]] = {}
    for fed in understood.fed:
        per_source.setdefault(fed.source, [])
        if fed.derived:
            derived.setdefault(fed.source, []).append(field_words(fed.field))
        else:
            per_source[fed.source].append(f"{field_words(fed.field)} ← {fed.column}")
    lines = []
    for source, fields in per_source.items():
        made = derived.get(source, [])
        tail = f"; derived by the reader (no column): {', '.join(made)}" if made else ""
        lines.append(f"fields from {source}: {_listed(fields, MOST_FIELDS)}{tail}")
    return lines


def not_used_lines(understood: Understanding) -> list[str]:
    return [
        f"not used in {source}: {_listed(columns, MOST_COLUMNS)}"
        for source, columns in understood.not_used.items()
    ]


def report_lines(understood: Understanding | None) -> list[str]:
    """The report of one import; none without a report."""
    return [] if understood is None else understanding_lines(understood)


def understanding_lines(understood: Understanding) -> list[str]:
    """The whole report (see the module), ending on what was read and set aside: "read N
    objectives and key results, set aside M" (what was loaded, or would be, is said after
    the problems; a refused import loads nothing)."""
    aside = understood.set_aside
    read = counted(understood.loaded, "objective or key result", "objectives and key results")
    tail = f"read {read}, set aside {aside:,}" + (" (listed below)" if aside else "")
    return [
        *structure_lines(understood),
        *sample_lines(understood),
        *fed_lines(understood),
        *not_used_lines(understood),
        tail,
    ]


def _set_aside_cell(problem: Problem) -> bool:
    return not problem.is_error and problem.message.endswith(SET_ASIDE)


def problem_text_lines(problems: list[Problem], most: int = 3) -> list[str]:
    """`problem_lines`, with the cells of one column set aside for different texts said on
    one line (its rows, and the first texts), so that a column of prose stays one line."""
    cells = [p for p in problems if _set_aside_cell(p)]
    lines = problem_lines([p for p in problems if not _set_aside_cell(p)])
    per_column: dict[tuple[str, str | None, str | None], list[Problem]] = {}
    for p in cells:
        per_column.setdefault((p.file, p.sheet, p.column), []).append(p)
    for found in per_column.values():
        groups = group_problems(found)
        if len(groups) == 1:
            lines.append(str(groups[0]))
            continue
        merged = group_problems([Problem(p.file, p.sheet, p.row, p.column, "", p.severity)
                                 for p in found])[0]  # fmt: skip
        texts = [g.message.removesuffix(SET_ASIDE).rsplit(" is not ", 1)[0] for g in groups]
        shown = ", ".join(texts[:most]) + (", …" if len(texts) > most else "")
        lines.append(f"{merged.where}: warning: {len(found)} cells are not numbers ({shown})"
                     ": set aside, loaded without these values (unscored by them)")  # fmt: skip
    return lines


__all__ = ["field_words", "problem_text_lines", "report_lines", "understanding_lines"]
