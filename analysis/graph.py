"""The step graph of a procedure and its longest (critical) path.

The longest path is one pass over a topological order with node weights (no path enumeration), so it stays
linear in steps + edges: the catalogue has procedures of 60 steps and the batch runs 100,000 of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from models.procedure import Procedure, Step


def step_graph(procedure: Procedure) -> nx.DiGraph:
    """Directed graph: one node per step (attribute `step`), an edge from each predecessor to its successor.

    >>> from tests.factories import tiny_procedure
    >>> sorted(step_graph(tiny_procedure()).edges)
    [('a', 'b'), ('b', 'c')]
    """
    graph = nx.DiGraph()
    for step in procedure.steps:
        graph.add_node(step.id, step=step)
    for step in procedure.steps:
        for before in step.after:
            graph.add_edge(before, step.id)
    return graph


@dataclass(frozen=True)
class CriticalPath:
    length: float
    """Working days along the path."""
    steps: tuple[str, ...]


def longest_path(graph: nx.DiGraph, weight: Callable[[Step], float]) -> CriticalPath:
    """The heaviest path through a DAG with step weights; ties go to the path met first in topological order."""
    best: dict[str, float] = {}
    previous: dict[str, str | None] = {}
    for node in nx.topological_sort(graph):
        preds = list(graph.predecessors(node))
        parent = max(preds, key=best.__getitem__) if preds else None
        start = best[parent] if parent is not None else 0.0
        best[node] = start + weight(graph.nodes[node]["step"])
        previous[node] = parent
    if not best:
        return CriticalPath(0.0, ())
    end = max(best, key=lambda n: best[n])
    path = [end]
    while (p := previous[path[-1]]) is not None:
        path.append(p)
    return CriticalPath(best[end], tuple(reversed(path)))
