"""The understanding report as the command line prints it: a few lines, read in seconds.

Counts per cycle and team, two sample objectives with their first key results, the column
that fed each field, what was not used, and "loaded N, set aside M" (the set-aside items
themselves are among the located problems printed after it). Long lists are cut with a
count of the rest, so that any file's report stays short.
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


def field_words(name: str) -> str:
    """`key_results.current_value` → `key result current value`; a title is the thing."""
    table, _, column = name.partition(".")
    thing = TABLE_WORDS.get(table, table)
    if column == "title":
        return thing
    column = column.removesuffix("_id") if column.endswith("_id") and column != "kr_id" else column
    return f"{thing} {column.replace('_', ' ')}"


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
    """One line per source: `fields from file.csv: objective ← B (Objective), …`."""
    per_source: dict[str, list[str]] = {}
    for fed in understood.fed:
        per_source.setdefault(fed.source, []).append(f"{field_words(fed.field)} ← {fed.column}")
    return [f"fields from {s}: {_listed(f, MOST_FIELDS)}" for s, f in per_source.items()]


def not_used_lines(understood: Understanding) -> list[str]:
    return [
        f"not used in {source}: {_listed(columns, MOST_COLUMNS)}"
        for source, columns in understood.not_used.items()
    ]


def report_lines(understood: Understanding | None, outcome: str, ok: bool) -> list[str]:
    """The report of one import, its verb chosen by its outcome; none without a report."""
    if understood is None:
        return []
    verb = "read" if not ok else "would load" if outcome == "dry-run" else "loaded"
    return understanding_lines(understood, verb)


def understanding_lines(understood: Understanding, verb: str = "loaded") -> list[str]:
    """The whole report (see the module); `verb` says what became of the objectives and key
    results read: "loaded", "would load" (a dry run) or "read" (a refused import)."""
    aside = understood.set_aside
    tail = f"{verb} {understood.loaded:,}, set aside {aside:,}" + (
        " (listed below)" if aside else ""
    )
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
