"""The step graph of a procedure as a networkx graph, for drawing, exports and checks off the hot path.

The analysis of durations works on the steps directly (analysis/critical_path.py): building a graph object costs
more than the whole longest-path pass.
"""

from __future__ import annotations

import networkx as nx

from models.procedure import Procedure


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
