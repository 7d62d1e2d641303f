"""Which nodes of a graph of (child → parent) edges lie on a loop: the alignment's loops of
objectives and the tree's loops of teams."""

from __future__ import annotations

import numpy as np


def on_loop(child: np.ndarray, parent: np.ndarray, n: int) -> np.ndarray:
    """Which of `n` nodes lie on a loop of the (child → parent) edges.

    Nodes that cannot reach a loop, or be reached from one, are peeled off first (all at
    once, one layer per round); the strongly connected components of what is left (in real
    data, the loops themselves) are then found one node at a time.
    """
    alive = np.zeros(n, dtype=bool)
    alive[child] = alive[parent] = True
    while True:
        edge = alive[child] & alive[parent]
        keep = (
            alive
            & (np.bincount(child[edge], minlength=n) > 0)
            & (np.bincount(parent[edge], minlength=n) > 0)
        )
        if (keep == alive).all():
            break
        alive = keep
    edge = alive[child] & alive[parent]
    on_loop = np.zeros(n, dtype=bool)
    on_loop[child[edge & (child == parent)]] = True
    for component in _strong_components(child[edge].tolist(), parent[edge].tolist()):
        if len(component) > 1:
            on_loop[component] = True
    return on_loop


def _strong_components(child: list[int], parent: list[int]) -> list[list[int]]:
    """Strongly connected components of a small graph (Tarjan's algorithm, iterative)."""
    follows: dict[int, list[int]] = {}
    for a, b in zip(child, parent, strict=True):
        follows.setdefault(a, []).append(b)
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components = []
    for start in follows:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(follows.get(start, ())))]
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in order:
                    order[nxt] = low[nxt] = len(order)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(follows.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == order[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components
