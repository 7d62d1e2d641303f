"""The brief of a unit for a cycle, composed from the health report (docs/pages.md, "The
brief"): deterministic words, no language model, every number one a page shows (scores to
two decimals, shares as whole percentages).

Sections, in order:
  verdict    where the unit stands: its objectives counted per status, the unit's status,
             score, what is expected by now and where it is heading against the sweet spot
             (a running cycle); its score and bands (a finished one)
  health     its programme health and the parts it rests on (metrics/programme/health.py)
  changes    what the last import and the last week moved (reporting/brief/changes.py)
  attention  the three objectives that most need attention: at risk first, then behind,
             each furthest below what is expected by now first (a running cycle)
  coach      who to talk to and about what: goal-setting flags, stale key results, lint
  lessons    a finished cycle: what landed in the sweet spot, what did not, the pattern
"""

from __future__ import annotations

import pandas as pd

from metrics.progress.status import STATUSES, unit_status
from metrics.report import HealthReport
from metrics.scores.bands import score_bands
from pipelines.arrow import isin
from reporting.brief.changes import History, changes_section
from reporting.brief.coach import coach_section
from reporting.brief.model import Brief, Scope, Section, Sentence, Text, objective_link
from reporting.brief.words import counted, listing, score, share

ATTENTION = 3  # objectives named under "needs attention"
NAMED = 3  # objectives named per line of the lessons


def scoped(report: HealthReport, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The objectives and key results of the scope's unit in its cycle (a department or a
    team as the dashboard's filters narrow them; an owner: the objectives they own)."""
    objectives = report.objectives[report.objectives["cycle_id"] == scope.cycle_id]
    for column in ("department", "team", "owner"):
        value = getattr(scope, column)
        if value is not None:
            objectives = objectives[objectives[column] == value]
    key_results = report.key_results
    key_results = key_results[isin(key_results["objective_id"], objectives["objective_id"])]
    return objectives, key_results


def unit_words(scope: Scope) -> Sentence:
    """The unit as a sentence's subject: `the company`, or its name as user text."""
    if scope.name is None:
        return ("The company",)
    label = {"department": "department", "team": "team", "owner": "owner"}[scope.level]
    return (f"The {label} ", Text(scope.name))


def _verdict_running(objectives: pd.DataFrame, elapsed: float) -> list[Sentence]:
    lines: list[Sentence] = [(f"{share(elapsed)} of the cycle has gone.",)]
    unit = unit_status(objectives, by=[])
    if not unit.empty:
        row = unit.iloc[0]
        bands = score_bands()
        heading = row["heading"]
        towards = (
            f", heading for {score(heading)} at the end (the sweet spot is {bands.sweet_text()})"
            if pd.notna(heading)
            else ""
        )
        lines.append(
            (f"As a whole it is {row['status']}: its objectives score {score(row['score'])} "
             f"on average where {score(row['expected'])} is expected by now{towards}.",)
        )  # fmt: skip
    return lines


def status_words(objectives: pd.DataFrame) -> str:
    """`12 on track, 6 behind and 4 at risk`: the objectives counted per status (none left
    out but those at zero)."""
    counts = objectives["status"].value_counts()
    return listing([f"{int(counts.get(s, 0))} {s}" for s in STATUSES if counts.get(s, 0)])


def _verdict_finished(objectives: pd.DataFrame, key_results: pd.DataFrame) -> list[Sentence]:
    graded = key_results["band"].dropna()
    n = len(graded)
    bands = score_bands()
    sweet = int((graded == "sweet").sum())
    above = int(graded.isin(["high", "maxed"]).sum())
    below = n - sweet - above
    mean = objectives["score"].dropna()
    lines: list[Sentence] = [
        (f"The cycle is finished. Its {counted(len(objectives), 'objective')} scored "
         f"{score(mean.mean()) if len(mean) else '–'} on average.",)
    ]  # fmt: skip
    if n:
        lines.append(
            (f"Of {counted(n, 'graded key result')}, {sweet} ({share(sweet / n)}) landed in the "
             f"sweet spot ({bands.sweet_text()}), {above} ({share(above / n)}) above it and "
             f"{below} ({share(below / n)}) below it.",)
        )  # fmt: skip
    return lines


def verdict_section(
    report: HealthReport, scope: Scope, objectives: pd.DataFrame, key_results: pd.DataFrame
) -> Section:
    """Where the unit stands (module docstring)."""
    calendar = report.calendar.set_index("cycle_id")
    state = str(calendar["state"].get(scope.cycle_id, ""))
    subject = unit_words(scope)
    has = f" has {counted(len(objectives), 'objective')} in this cycle"
    if state == "running" and objectives["status"].notna().any():
        has += f": {status_words(objectives)}"
    opening: Sentence = (*subject, has + ".")
    if objectives.empty:
        return Section("verdict", "Where it stands", (opening,))
    if state == "running":
        elapsed = float(calendar["elapsed_share"].get(scope.cycle_id, 0.0))
        lines = _verdict_running(objectives, elapsed)
    elif state == "finished":
        lines = _verdict_finished(objectives, key_results)
    else:
        lines = [("The cycle has not begun yet.",)]
    return Section("verdict", "Where it stands", (opening, *lines))


def attention_section(objectives: pd.DataFrame) -> Section:
    """The objectives that most need attention: at risk, then behind, each lowest heading
    first, as the Overview's table of objectives at risk (ties by score, then title)."""
    rank = {"at risk": 0, "behind": 1}
    off = objectives[objectives["status"].isin(list(rank))]
    off = off.assign(_rank=off["status"].map(rank)).sort_values(
        ["_rank", "heading", "score", "title"], kind="stable"
    )
    items: list[Sentence] = []
    for row in off.head(ATTENTION).itertuples(index=False):
        heading = pd.to_numeric(pd.Series([row.heading]), errors="coerce").iloc[0]
        towards = f", heading for {score(heading)}" if heading == heading else ""
        items.append(
            (Text(str(row.title), objective_link(str(row.objective_id), str(row.cycle_id))),
             " (", Text(_name(row.team)), ", ", Text(_name(row.owner)), f"): {row.status}, "
             f"{score(row.score)} now where {score(row.expected)} is expected by now{towards}.")
        )  # fmt: skip
    if not items:
        return Section("attention", "Needs attention", (("No objective is behind or at risk.",),))
    more = len(off) - len(items)
    lines: tuple[Sentence, ...] = (
        (f"{counted(len(off), 'objective')} behind or at risk; "
         + ("the ones heading lowest:" if more else "all of them:"),),
    )  # fmt: skip
    return Section("attention", "Needs attention", lines, tuple(items))


def _name(value: object) -> str:
    return "–" if value is None or value != value else str(value)


def _named(frame: pd.DataFrame) -> list[Sentence]:
    out: list[Sentence] = []
    for row in frame.head(NAMED).itertuples(index=False):
        out.append((Text(str(row.title), objective_link(str(row.objective_id),
                                                        str(row.cycle_id))),
                    f" ({score(row.score)})"))  # fmt: skip
    return out


def _joined(parts: list[Sentence]) -> Sentence:
    out: list[str | Text] = []
    for i, part in enumerate(parts):
        if i:
            out.append(", " if i < len(parts) - 1 else " and ")
        out.extend(part)
    return tuple(out)


def lessons_section(
    report: HealthReport, objectives: pd.DataFrame, key_results: pd.DataFrame
) -> Section:
    """A finished cycle's lessons: objectives in the sweet spot, below it, above it, and the
    goal-setting pattern of the unit's key results (the Coach page's thresholds)."""
    graded = objectives[objectives["score"].notna()].sort_values(
        ["score", "title"], ascending=[False, True], kind="stable"
    )
    bands = score_bands()
    items: list[Sentence] = []
    for band, words, frame in (
        ("sweet", f"Landed in the sweet spot ({bands.sweet_text()})", graded),
        ("below", f"Fell short (below {score(bands.sweet_low)})",
         graded.sort_values(["score", "title"], kind="stable")),
        ("above", f"Overshot (above {score(bands.sweet_high)})", graded),
    ):  # fmt: skip
        if band == "sweet":
            rows = frame[frame["band"] == "sweet"]
        elif band == "below":
            rows = frame[frame["band"].isin(["low", "mid"])]
        else:
            rows = frame[frame["band"].isin(["high", "maxed"])]
        head: Sentence = (f"{words}: {len(rows)} of {len(graded)} objectives",)
        named = _named(rows)
        items.append((*head, *((", e.g. ", *_joined(named)) if named else ()), "."))
    scores = key_results["score"].dropna()
    lines: list[Sentence] = []
    if len(scores):
        config = report.config
        mean = float(scores.mean())
        if mean >= config.sandbag_mean:
            pattern = "goals were set too low"
        elif mean < config.over_ambition_mean:
            pattern = "goals were set too high, or stalled"
        else:
            pattern = "neither too easy nor out of reach on the whole"
        maxed = float((scores >= 1.0).mean())
        low = float((key_results["band"] == "low").mean())
        lines.append(
            (f"The goal-setting pattern: key results scored {score(mean)} on average, "
             f"{share(maxed)} at 1.0 and {share(low)} below {score(bands.low_below)}: "
             f"{pattern}.",)
        )  # fmt: skip
    return Section("lessons", "Lessons of the cycle", tuple(lines), tuple(items))


def compose_brief(
    report: HealthReport,
    scope: Scope,
    history: History | None = None,
    health: pd.DataFrame | None = None,
) -> Brief:
    """The brief of `scope` (module docstring). `history`: the store's earlier versions for
    "what changed" (left out without it); `health`: programme_health(report) (computed
    once by callers that brief many units; the section is left out without it)."""
    from reporting.brief.health_words import health_section

    objectives, key_results = scoped(report, scope)
    calendar = report.calendar.set_index("cycle_id")
    state = str(calendar["state"].get(scope.cycle_id, ""))
    name = str(calendar["name"].get(scope.cycle_id, scope.cycle_id) or scope.cycle_id)
    sections = [verdict_section(report, scope, objectives, key_results)]
    if health is not None:
        sections.append(health_section(health, scope))
    if history is not None and state == "running":
        sections.append(changes_section(history, key_results, report.stale))
    if state == "running":
        sections.append(attention_section(objectives))
    sections.append(coach_section(report, scope))
    if state == "finished":
        sections.append(lessons_section(report, objectives, key_results))
    subject = ("Company",) if scope.name is None else (Text(scope.name),)
    return Brief(
        scope=scope,
        title=(*subject, f" · {name}"),
        cycle_name=name,
        cycle_state=state,
        as_of=report.as_of,
        sections=tuple(s for s in sections if s.lines or s.items),
    )
