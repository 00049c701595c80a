"""Drawings of a procedure's step graph: Mermaid text (for the site and Markdown) and a standalone SVG.

Every catalogue string is data: in Mermaid it is written with Mermaid's entity codes (`#34;` for a quote...), in
SVG with XML escaping. Node ids are generated (`s0`, `s1`...), never taken from the catalogue.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import pairwise
from xml.sax.saxutils import escape as xml_escape

import networkx as nx

from analysis.graph import step_graph
from models.catalogue import Catalogue
from models.procedure import APPLICANT, Procedure, Step

APPLICANT_LABEL_VI = "Người nộp hồ sơ"

# Characters that end or change a Mermaid label, written as Mermaid entity codes (`#<decimal>;`). `#` and `;`
# are escaped too, in the same single pass, so an entity already in the text stays literal.
_MERMAID_ACTIVE = "\"'`[](){}<>|#;&\\"
_MERMAID_TABLE = str.maketrans({c: f"#{ord(c)};" for c in _MERMAID_ACTIVE})

CRITICAL_FILL = "#fde68a"
CRITICAL_STROKE = "#b45309"
PALETTE = ("#dbeafe", "#dcfce7", "#fce7f3", "#ede9fe", "#e0f2fe", "#fef9c3", "#ffedd5", "#f1f5f9")


def mermaid_text(text: str) -> str:
    """Catalogue text for inside a quoted Mermaid label: one line, active characters as entity codes.

    >>> mermaid_text('Nộp "đơn" [mẫu 01] | <b>#1;')
    'Nộp #34;đơn#34; #91;mẫu 01#93; #124; #60;b#62;#35;1#59;'
    """
    return " ".join(text.split()).translate(_MERMAID_TABLE)


def actor_name(actor: str, catalogue: Catalogue) -> str:
    if actor == APPLICANT:
        return APPLICANT_LABEL_VI
    agency = catalogue.agencies.get(actor)
    return agency.name if agency is not None else actor


def _days(step: Step) -> str:
    return f"{step.duration.likely:g} ngày LV"


def mermaid_step_graph(procedure: Procedure, catalogue: Catalogue, critical_path: Sequence[str]) -> str:
    """A Mermaid flowchart: one subgraph per actor (agencies, the applicant), critical steps and edges highlighted.

    >>> from tests.factories import tiny_procedure
    >>> from tests.analysis_records import catalogue
    >>> print(mermaid_step_graph(tiny_procedure(), catalogue(), ["a", "b", "c"]).splitlines()[1])
      subgraph g0["Người nộp hồ sơ"]
    """
    node = {s.id: f"s{i}" for i, s in enumerate(procedure.steps)}
    actors: dict[str, list[Step]] = {}
    for step in procedure.steps:
        actors.setdefault(step.actor, []).append(step)
    lines = ["flowchart LR"]
    for g, (actor, steps) in enumerate(actors.items()):
        lines.append(f'  subgraph g{g}["{mermaid_text(actor_name(actor, catalogue))}"]')
        for step in steps:
            lines.append(f'    {node[step.id]}["{mermaid_text(step.name)}<br/>{mermaid_text(_days(step))}"]')
        lines.append("  end")
    critical = set(critical_path)
    critical_edges = set(pairwise(critical_path))
    highlighted: list[int] = []
    edge = 0
    for step in procedure.steps:
        for before in step.after:
            if before not in node:
                continue
            lines.append(f"  {node[before]} --> {node[step.id]}")
            if (before, step.id) in critical_edges:
                highlighted.append(edge)
            edge += 1
    lines.append(f"  classDef critical fill:{CRITICAL_FILL},stroke:{CRITICAL_STROKE},stroke-width:3px")
    on_path = [node[s] for s in critical_path if s in node and s in critical]
    if on_path:
        lines.append(f"  class {','.join(on_path)} critical")
    if highlighted:
        lines.append(f"  linkStyle {','.join(map(str, highlighted))} stroke:{CRITICAL_STROKE},stroke-width:3px")
    return "\n".join(lines) + "\n"


def layered_layout(procedure: Procedure) -> list[list[str]]:
    """Step ids by layer: the topological generations of the step graph (a step sits right of its predecessors)."""
    return [list(layer) for layer in nx.topological_generations(step_graph(procedure))]


BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 74, 60, 26, 24


def svg_step_graph(procedure: Procedure, catalogue: Catalogue, critical_path: Sequence[str]) -> str:
    """A standalone SVG of the step graph in layers, left to right; colour by actor; critical path in bold."""
    layers = layered_layout(procedure)
    steps = {s.id: s for s in procedure.steps}
    position: dict[str, tuple[int, int]] = {}
    for col, layer in enumerate(layers):
        for row, sid in enumerate(sorted(layer, key=lambda i: procedure.steps.index(steps[i]))):
            position[sid] = (MARGIN + col * (BOX_W + GAP_X), MARGIN + 40 + row * (BOX_H + GAP_Y))
    actors = list(dict.fromkeys(s.actor for s in procedure.steps))
    colour = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}
    rows = max((len(layer) for layer in layers), default=1)
    legend_y = MARGIN + 40 + rows * (BOX_H + GAP_Y) + 10
    width = MARGIN * 2 + max(len(layers), 1) * (BOX_W + GAP_X) - GAP_X
    height = legend_y + 22 * (len(actors) + 1) + MARGIN
    critical = set(critical_path)
    critical_edges = set(pairwise(critical_path))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="sans-serif" font-size="12">',
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#475569"/></marker>',
        f'<marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{CRITICAL_STROKE}"/></marker>',
        "</defs>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 8}" font-size="15" font-weight="bold">{xml_escape(f"{procedure.code} · {procedure.name}")}</text>',
    ]
    for step in procedure.steps:
        for before in step.after:
            if before not in position:
                continue
            (x1, y1), (x2, y2) = position[before], position[step.id]
            on_path = (before, step.id) in critical_edges
            stroke = CRITICAL_STROKE if on_path else "#475569"
            marker = "arrow-critical" if on_path else "arrow"
            sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H // 2, x2, y2 + BOX_H // 2
            mid = (sx + ex) // 2
            out.append(f'<path d="M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}" fill="none" stroke="{stroke}" '
                       f'stroke-width="{3 if on_path else 1.2}" marker-end="url(#{marker})"/>')
    for sid, (x, y) in position.items():
        step = steps[sid]
        on_path = sid in critical
        out.append(f'<g><title>{xml_escape(step.name)}</title>')
        out.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{colour[step.actor]}" '
                   f'stroke="{CRITICAL_STROKE if on_path else "#64748b"}" stroke-width="{3 if on_path else 1}"/>')
        wrapped = textwrap.wrap(step.name, 30)[:3]
        if len(textwrap.wrap(step.name, 30)) > 3:
            wrapped[-1] = wrapped[-1][:28] + "…"
        for i, line in enumerate(wrapped):
            out.append(f'<text x="{x + 8}" y="{y + 17 + i * 15}">{xml_escape(line)}</text>')
        out.append(f'<text x="{x + 8}" y="{y + BOX_H - 8}" fill="#334155" font-size="11">{xml_escape(_days(step))}</text></g>')
    for i, actor in enumerate(actors):
        y = legend_y + i * 22
        out.append(f'<rect x="{MARGIN}" y="{y}" width="16" height="14" fill="{colour[actor]}" stroke="#64748b"/>')
        out.append(f'<text x="{MARGIN + 24}" y="{y + 11}">{xml_escape(actor_name(actor, catalogue))}</text>')
    y = legend_y + len(actors) * 22
    out.append(f'<rect x="{MARGIN}" y="{y}" width="16" height="14" fill="white" stroke="{CRITICAL_STROKE}" stroke-width="3"/>')
    out.append(f'<text x="{MARGIN + 24}" y="{y + 11}">Đường găng (chuỗi bước dài nhất)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
