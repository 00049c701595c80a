"""Drawings of a procedure's step graph: Mermaid text (for the site and Markdown), a standalone SVG and a PNG.

Every catalogue string is data: in Mermaid it is written with Mermaid's entity codes (`#34;` for a quote...), in
SVG with XML escaping. Node ids are generated (`s0`, `s1`...), never taken from the catalogue.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal
from xml.sax.saxutils import escape as xml_escape

import networkx as nx

from analysis.graph import step_graph
from catalogue.console import num
from models.catalogue import Catalogue
from models.common import shorten
from models.procedure import APPLICANT, Procedure, Step

APPLICANT_LABEL_VI = "Người nộp hồ sơ"

# Characters that end or change a Mermaid label, written as Mermaid entity codes (`#<decimal>;`). `#` and `;`
# are escaped too, in the same single pass, so an entity already in the text stays literal.
_MERMAID_ACTIVE = "\"'`[](){}<>|#;&\\"
_MERMAID_TABLE = str.maketrans({c: f"#{ord(c)};" for c in _MERMAID_ACTIVE})

Direction = Literal["LR", "TB"]
"""Left to right (wide: a screen, a slide) or top to bottom (tall: a portrait page, as in a Word plan)."""


CRITICAL_FILL = "#fde68a"
CRITICAL_STROKE = "#b45309"
CHANGED_FILL = "#15803d"
CHANGED_VI = "bước mới hoặc thay đổi theo phương án"
"""What the changed-step mark means, in every key and caption that explains it."""
CHANGED_LEGEND_VI = CHANGED_VI.capitalize()
CHANGED_R = 6
"""A changed step's mark in the SVG and PNG drawings: a green dot in the box's top right corner (the outline already
tells the critical path); in Mermaid, a dashed green outline."""
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


HOW_VI = {"in_person": "trực tiếp", "online": "trực tuyến", "post": "bưu chính"}
"""How the applicant deals with the agency on a step, under its days: a plan that moves visits online shows it."""


def _days(step: Step) -> str:
    """«2 ngày LV», and how the applicant takes part: «· trực tiếp» for a visit, «· trực tuyến», «· bưu chính»."""
    how = "in_person" if step.in_person else step.channel if step.actor == APPLICANT else None
    return f"{num(step.duration.likely)} ngày LV" + (f" · {HOW_VI[how]}" if how in HOW_VI else "")


LANE_TITLE = 40
"""Characters of an agency's name in a Mermaid group title (a group is about one step wide)."""


def mermaid_step_graph(procedure: Procedure, catalogue: Catalogue, critical_path: Sequence[str],
                       direction: Direction = "LR", changed: Collection[str] = ()) -> str:
    """A Mermaid flowchart: one subgraph per actor (agencies, the applicant), critical steps and edges highlighted,
    the steps `changed` by a plan outlined in green dashes (their fill still tells the critical path).

    >>> from tests.factories import tiny_procedure
    >>> from tests.analysis_records import catalogue
    >>> print(mermaid_step_graph(tiny_procedure(), catalogue(), ["a", "b", "c"]).splitlines()[1])
      subgraph g0["Người nộp hồ sơ"]
    """
    node = {s.id: f"s{i}" for i, s in enumerate(procedure.steps)}
    actors: dict[str, list[Step]] = {}
    for step in procedure.steps:
        actors.setdefault(step.actor, []).append(step)
    lines = [f"flowchart {direction}"]
    for g, (actor, steps) in enumerate(actors.items()):
        # Mermaid cuts a title wider than its group mid-word: shorten it with an ellipsis instead.
        lines.append(f'  subgraph g{g}["{mermaid_text(shorten(actor_name(actor, catalogue), LANE_TITLE))}"]')
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
    marked = [node[s.id] for s in procedure.steps if s.id in changed]
    if marked:  # after the critical class, so its outline wins on a changed step of the critical path
        lines.append(f"  classDef changed stroke:{CHANGED_FILL},stroke-width:3px,stroke-dasharray:6 3")
        lines.append(f"  class {','.join(marked)} changed")
    if highlighted:
        lines.append(f"  linkStyle {','.join(map(str, highlighted))} stroke:{CRITICAL_STROKE},stroke-width:3px")
    return "\n".join(lines) + "\n"


def layered_layout(procedure: Procedure) -> list[list[str]]:
    """Step ids by layer: the topological generations of the step graph (a step sits right of its predecessors)."""
    return [list(layer) for layer in nx.topological_generations(step_graph(procedure))]


BOX_W, BOX_H, GAP_X, GAP_Y, GAP_TB, MARGIN, TITLE_LINE, MIN_WIDTH = 190, 74, 60, 26, 40, 24, 19, 420
EDGE_STROKE = "#475569"
BOX_STROKE = "#64748b"
DAYS_FILL = "#334155"
PATH_LEGEND_VI = "Đường găng (chuỗi bước dài nhất)"


@dataclass(frozen=True)
class Box:
    """A step drawn as a rounded box: top-left corner, fill by actor, name wrapped into at most three lines."""

    x: int
    y: int
    fill: str
    on_path: bool
    name: str
    lines: list[str]
    days: str
    changed: bool = False

    @property
    def mark(self) -> tuple[int, int]:
        """Centre of the changed-step dot."""
        return self.x + BOX_W - CHANGED_R - 5, self.y + CHANGED_R + 5


@dataclass(frozen=True)
class Edge:
    """An ordering edge drawn as a cubic curve: left to right, from the right middle of one box to the left middle
    of the next; top to bottom, from the bottom middle of one box to the top middle of the next."""

    sx: int
    sy: int
    ex: int
    ey: int
    on_path: bool
    downwards: bool = False

    @property
    def controls(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The curve's two control points: it leaves and enters each box square to its side."""
        if self.downwards:
            mid = (self.sy + self.ey) // 2
            return (self.sx, mid), (self.ex, mid)
        mid = (self.sx + self.ex) // 2
        return (mid, self.sy), (mid, self.ey)


@dataclass(frozen=True)
class GraphLayout:
    """Where everything goes, in pixels from the top left: one layout, drawn as SVG or as PNG."""

    width: int
    height: int
    title: list[str]
    """The code and name, wrapped to the drawing's width."""
    boxes: list[Box]
    edges: list[Edge]
    legend: list[tuple[int, str, str]]
    """(y, fill, label) per actor; the critical-path key comes below them."""
    path_legend_y: int
    changed_legend_y: int | None = None
    """Below the critical-path key, when some step is marked changed."""


def graph_layout(procedure: Procedure, catalogue: Catalogue, critical_path: Sequence[str],
                 direction: Direction = "LR", changed: Collection[str] = ()) -> GraphLayout:
    """The step graph in layers, left to right or top to bottom; colour by actor; critical path marked; the steps
    `changed` (a plan's after-graph: `EntryEvaluation.changed_steps`) marked with a dot."""
    layers = layered_layout(procedure)
    steps = {s.id: s for s in procedure.steps}
    across = max(len(layers), 1)  # layers side by side (LR), or boxes of the widest layer side by side (TB)
    rows = max((len(layer) for layer in layers), default=1)
    if direction == "TB":
        across, rows = rows, across
    actors = list(dict.fromkeys(s.actor for s in procedure.steps))
    # Wide enough for the key's longest label (~7 px a character) and for a readable title.
    key = max((len(actor_name(a, catalogue)) for a in actors), default=0)
    width = max(MARGIN * 2 + across * (BOX_W + GAP_X) - GAP_X, MARGIN * 2 + 24 + 7 * max(key, len(PATH_LEGEND_VI)), MIN_WIDTH)
    # Names of procedures run to 200 characters: wrap the title to the width (~9 px a character in bold 15 px).
    title = textwrap.wrap(f"{procedure.code} · {procedure.name}", max(40, (width - 2 * MARGIN) // 9))
    top = MARGIN + 40 + (len(title) - 1) * TITLE_LINE
    gap_y = GAP_Y if direction == "LR" else GAP_TB  # room for the arrows between layers
    position: dict[str, tuple[int, int]] = {}
    for layer_index, layer in enumerate(layers):
        for i, sid in enumerate(sorted(layer, key=lambda i: procedure.steps.index(steps[i]))):
            col, row = (layer_index, i) if direction == "LR" else (i, layer_index)
            position[sid] = (MARGIN + col * (BOX_W + GAP_X), top + row * (BOX_H + gap_y))
    colour = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(actors)}
    legend_y = top + rows * (BOX_H + gap_y) - gap_y + GAP_Y + 10
    critical = set(critical_path)
    critical_edges = set(pairwise(critical_path))
    edges = []
    for step in procedure.steps:
        for before in step.after:
            if before in position:
                (x1, y1), (x2, y2) = position[before], position[step.id]
                on_path = (before, step.id) in critical_edges
                if direction == "LR":
                    edges.append(Edge(x1 + BOX_W, y1 + BOX_H // 2, x2, y2 + BOX_H // 2, on_path))
                else:
                    edges.append(Edge(x1 + BOX_W // 2, y1 + BOX_H, x2 + BOX_W // 2, y2, on_path, downwards=True))
    boxes = []
    for sid, (x, y) in position.items():
        step = steps[sid]
        wrapped = textwrap.wrap(step.name, 27 if sid in changed else 30)  # a changed step's dot needs the corner
        lines = wrapped[:3]
        if len(wrapped) > 3:
            lines[-1] = lines[-1][:28] + "…"
        boxes.append(Box(x, y, colour[step.actor], sid in critical, step.name, lines, _days(step), sid in changed))
    marked = any(b.changed for b in boxes)
    return GraphLayout(
        width=width,
        height=legend_y + 22 * (len(actors) + 1 + marked) + MARGIN,
        title=title,
        boxes=boxes,
        edges=edges,
        legend=[(legend_y + i * 22, colour[a], actor_name(a, catalogue)) for i, a in enumerate(actors)],
        path_legend_y=legend_y + len(actors) * 22,
        changed_legend_y=legend_y + (len(actors) + 1) * 22 if marked else None,
    )


def svg_step_graph(procedure: Procedure, catalogue: Catalogue, critical_path: Sequence[str],
                   direction: Direction = "LR", changed: Collection[str] = ()) -> str:
    """A standalone SVG of the step graph (`graph_layout`); each step's full name is its tooltip."""
    g = graph_layout(procedure, catalogue, critical_path, direction, changed)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{g.width}" height="{g.height}" viewBox="0 0 {g.width} {g.height}" '
        'font-family="sans-serif" font-size="12">',
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{EDGE_STROKE}"/></marker>',
        f'<marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{CRITICAL_STROKE}"/></marker>',
        "</defs>",
        f'<rect width="{g.width}" height="{g.height}" fill="white"/>',
    ]
    out += [f'<text x="{MARGIN}" y="{MARGIN + 8 + i * TITLE_LINE}" font-size="15" font-weight="bold">{xml_escape(line)}</text>'
            for i, line in enumerate(g.title)]
    for e in g.edges:
        stroke, marker = (CRITICAL_STROKE, "arrow-critical") if e.on_path else (EDGE_STROKE, "arrow")
        (c1x, c1y), (c2x, c2y) = e.controls
        out.append(f'<path d="M{e.sx},{e.sy} C{c1x},{c1y} {c2x},{c2y} {e.ex},{e.ey}" fill="none" stroke="{stroke}" '
                   f'stroke-width="{3 if e.on_path else 1.2}" marker-end="url(#{marker})"/>')
    for b in g.boxes:
        out.append(f'<g><title>{xml_escape(b.name)}</title>')
        out.append(f'<rect x="{b.x}" y="{b.y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{b.fill}" '
                   f'stroke="{CRITICAL_STROKE if b.on_path else BOX_STROKE}" stroke-width="{3 if b.on_path else 1}"/>')
        for i, line in enumerate(b.lines):
            out.append(f'<text x="{b.x + 8}" y="{b.y + 17 + i * 15}">{xml_escape(line)}</text>')
        out.append(f'<text x="{b.x + 8}" y="{b.y + BOX_H - 8}" fill="{DAYS_FILL}" font-size="11">{xml_escape(b.days)}</text>')
        if b.changed:
            out.append(f'<circle cx="{b.mark[0]}" cy="{b.mark[1]}" r="{CHANGED_R}" fill="{CHANGED_FILL}"/>')
        out.append("</g>")
    for y, fill, label in g.legend:
        out.append(f'<rect x="{MARGIN}" y="{y}" width="16" height="14" fill="{fill}" stroke="{BOX_STROKE}"/>')
        out.append(f'<text x="{MARGIN + 24}" y="{y + 11}">{xml_escape(label)}</text>')
    y = g.path_legend_y
    out.append(f'<rect x="{MARGIN}" y="{y}" width="16" height="14" fill="white" stroke="{CRITICAL_STROKE}" stroke-width="3"/>')
    out.append(f'<text x="{MARGIN + 24}" y="{y + 11}">{PATH_LEGEND_VI}</text>')
    if g.changed_legend_y is not None:
        y = g.changed_legend_y
        out.append(f'<circle cx="{MARGIN + 8}" cy="{y + 7}" r="{CHANGED_R}" fill="{CHANGED_FILL}"/>')
        out.append(f'<text x="{MARGIN + 24}" y="{y + 11}">{CHANGED_LEGEND_VI}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def png_step_graph(procedure: Procedure, catalogue: Catalogue, critical_path: Sequence[str], scale: int = 2,
                   direction: Direction = "LR", changed: Collection[str] = ()) -> bytes:
    """The same drawing as `svg_step_graph`, as a PNG `scale` times its pixel size (for Word, slides, e-mail).

    Drawn with matplotlib's Agg renderer and its bundled DejaVu Sans, which covers Vietnamese: no system font or
    browser is needed. Catalogue text is drawn as plain text (`usetex` and mathtext off), never interpreted.
    """
    from matplotlib.figure import Figure  # a bare Figure renders with Agg; no pyplot, no global backend switch
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
    from matplotlib.path import Path as CurvePath

    g = graph_layout(procedure, catalogue, critical_path, direction, changed)
    px = 72 / 100  # points per pixel: the figure is drawn at 100 dpi, one data unit per pixel

    fig = Figure(figsize=(g.width / 100, g.height / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, g.width)
    ax.set_ylim(g.height, 0)  # y grows downwards, as in the SVG
    ax.set_axis_off()

    def text(x: float, y: float, value: str, size: float = 12, **style: object) -> None:
        ax.text(x, y, value, fontsize=size * px, va="baseline", family="DejaVu Sans", usetex=False, parse_math=False,
                **style)  # type: ignore[arg-type]

    for i, line in enumerate(g.title):
        text(MARGIN, MARGIN + 8 + i * TITLE_LINE, line, 15, weight="bold")
    for e in g.edges:
        colour = CRITICAL_STROKE if e.on_path else EDGE_STROKE
        curve = CurvePath([(e.sx, e.sy), *e.controls, (e.ex, e.ey)],
                          [CurvePath.MOVETO, CurvePath.CURVE4, CurvePath.CURVE4, CurvePath.CURVE4])
        ax.add_patch(FancyArrowPatch(path=curve, arrowstyle="-|>", mutation_scale=9, color=colour,
                                     linewidth=(3 if e.on_path else 1.2) * px))
    for b in g.boxes:
        ax.add_patch(FancyBboxPatch((b.x, b.y), BOX_W, BOX_H, boxstyle="round,pad=0,rounding_size=8", facecolor=b.fill,
                                    edgecolor=CRITICAL_STROKE if b.on_path else BOX_STROKE,
                                    linewidth=(3 if b.on_path else 1) * px))
        for i, line in enumerate(b.lines):
            text(b.x + 8, b.y + 17 + i * 15, line, 10.5)  # DejaVu Sans is wider than a browser's sans-serif
        text(b.x + 8, b.y + BOX_H - 8, b.days, 11, color=DAYS_FILL)
        if b.changed:
            ax.add_patch(Circle(b.mark, CHANGED_R, facecolor=CHANGED_FILL, edgecolor="none"))
    for y, fill, label in g.legend:
        ax.add_patch(Rectangle((MARGIN, y), 16, 14, facecolor=fill, edgecolor=BOX_STROKE, linewidth=px))
        text(MARGIN + 24, y + 11, label)
    ax.add_patch(Rectangle((MARGIN, g.path_legend_y), 16, 14, facecolor="white", edgecolor=CRITICAL_STROKE,
                           linewidth=3 * px))
    text(MARGIN + 24, g.path_legend_y + 11, PATH_LEGEND_VI)
    if g.changed_legend_y is not None:
        ax.add_patch(Circle((MARGIN + 8, g.changed_legend_y + 7), CHANGED_R, facecolor=CHANGED_FILL, edgecolor="none"))
        text(MARGIN + 24, g.changed_legend_y + 11, CHANGED_LEGEND_VI)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100 * scale, facecolor="white", metadata={"Software": "tthc"})
    return buffer.getvalue()
