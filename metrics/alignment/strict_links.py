"""Strict linking in one pass: a key result that *is* an objective of the level below takes
that objective's score, computed bottom-up in a topological order found once.

Work is linear in the number of links (each objective is scored once, after every objective
linked to one of its key results), so a chain of 5,000 levels costs what 5,000 unlinked
objectives cost. A loop through strict links is refused at import (`pipelines.validate`); one
found in an older store is scored once in the order given, never followed round.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque

import pandas as pd

from metrics.conformed_frames import first_match
from pipelines.arrow import isin


def _mean(values: list[float]) -> float:
    found = [v for v in values if not math.isnan(v)]
    return math.fsum(found) / len(found) if found else math.nan


def _weighted(pairs: list[tuple[float, float]]) -> float:
    """Weighted mean of the graded scores (weights scaled by the largest: no overflow)."""
    graded = [(s, w) for s, w in pairs if not math.isnan(s)]
    largest = max((abs(w) for _, w in graded), default=0.0)
    if not graded or largest == 0 or math.isnan(largest):
        return math.nan
    total = math.fsum(w / largest for _, w in graded)
    if total <= 0:
        return math.nan
    return math.fsum(s * (w / largest) for s, w in graded) / total


def linked_scores(
    objectives: pd.DataFrame,
    kr_scores: pd.DataFrame,
    objective_scores: pd.DataFrame,
    open_to_link: pd.Series | None = None,
) -> pd.Series:
    """For each key result (index of `kr_scores`) the score it takes through strict links:
    the mean of the graded objectives linked to it, for a key result with no score of its
    own (`open_to_link`; default: no score source) — missing elsewhere, and where none of
    its linked objectives is graded (it keeps its own)."""
    out = pd.Series(math.nan, index=kr_scores.index, dtype="float64")
    links = objectives.loc[objectives["parent_kr_id"].notna(), ["objective_id", "parent_kr_id"]]
    if links.empty:
        return out
    takes = kr_scores["score_source"].isna() if open_to_link is None else open_to_link
    # Columns as Python lists first: iterating an Arrow-backed column costs a call a value.
    owner = dict(zip(kr_scores["kr_id"][takes].tolist(),
                     kr_scores["objective_id"][takes].tolist(), strict=True))  # fmt: skip
    children: dict[str, list[str]] = defaultdict(list)
    for child, kr in zip(links["objective_id"].tolist(), links["parent_kr_id"].tolist(),
                         strict=True):  # fmt: skip
        if kr in owner:
            children[kr].append(child)
    if not children:
        return out
    affected = {owner[kr] for kr in children}
    score = dict(
        zip(
            objective_scores["objective_id"].tolist(),
            objective_scores["score"].astype("float64").tolist(),
            strict=False,
        )
    )
    mine = kr_scores[isin(kr_scores["objective_id"], affected)]
    members: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for kr, obj, s, w in zip(
        mine["kr_id"].tolist(),
        mine["objective_id"].tolist(),
        mine["score"].tolist(),
        mine["weight"].tolist(),
        strict=True,
    ):
        members[obj].append((kr, float(s), float(w)))
    waiting: dict[str, int] = dict.fromkeys(affected, 0)
    dependents: dict[str, list[str]] = defaultdict(list)
    for kr, kids in children.items():
        for child in kids:
            if child in affected:
                waiting[owner[kr]] += 1
                dependents[child].append(owner[kr])
    taken: dict[str, float] = {}
    ready = deque(o for o, n in waiting.items() if n == 0)
    done: set[str] = set()

    def settle(objective: str) -> None:
        pairs = []
        for kr, own, weight in members[objective]:
            value = _mean([score.get(c, math.nan) for c in children[kr]]) if kr in children else own
            if kr in children and not math.isnan(value):
                taken[kr] = value
            elif kr in children:  # no linked objective graded: its own (0 at its start)
                value = own
            pairs.append((value, weight))
        score[objective] = _weighted(pairs)
        done.add(objective)

    while ready:
        objective = ready.popleft()
        settle(objective)
        for parent in dependents[objective]:
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    for objective in sorted(affected - done):  # on a loop: once, in a stable order
        settle(objective)
    if taken:
        ids = pd.Series(list(taken), dtype="str")
        values = pd.Series(list(taken.values()), dtype="float64")
        out[:] = first_match(kr_scores["kr_id"], ids, values).to_numpy(dtype="float64")
    return out
