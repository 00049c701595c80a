"""Export a procedure's step graph as BPMN 2.0 XML with diagram interchange, so bpmn.io and BPMN engines open it.

One pool (the procedure) with one lane per actor (the applicant, then each agency), one task per step, sequence
flows along `after`, parallel gateways where the graph forks or joins, and a data object per document wired to
the steps that consume or produce it. The layout is layered: a node's column is its longest distance from the
start, its row is its lane.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from lxml import etree

from analysis.graph import step_graph
from catalogue.console import num
from models.catalogue import Catalogue
from models.procedure import APPLICANT, STEP_KIND_LABELS_VI, Procedure

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}

SIZES = {"task": (100, 80), "startEvent": (36, 36), "endEvent": (36, 36), "parallelGateway": (50, 50), "data": (36, 50)}
COLUMN_WIDTH = 150
ROW_HEIGHT = 110
LANE_PADDING = 20
POOL_LABEL_WIDTH = 30
LANE_LABEL_WIDTH = 30
LEFT = 40 + POOL_LABEL_WIDTH + LANE_LABEL_WIDTH


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _id(prefix: str, key: str) -> str:
    """An XML NCName id: step ids are slugs, prefixed so they never start with a digit."""
    return f"{prefix}_{key}".replace(".", "_")


@dataclass
class _Node:
    id: str
    kind: str
    """task, startEvent, endEvent or parallelGateway."""
    name: str
    lane: str
    documentation: str = ""
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)


@dataclass
class _Flow:
    id: str
    source: str
    target: str


def _flow_graph(p: Procedure) -> tuple[dict[str, _Node], list[_Flow]]:
    """Tasks, events and gateways with their sequence flows, from the step DAG."""
    graph = step_graph(p)
    nodes: dict[str, _Node] = {}
    flows: list[_Flow] = []
    for s in p.steps:
        doc = f"{STEP_KIND_LABELS_VI[s.kind]}; {num(s.duration.low)}/{num(s.duration.likely)}/{num(s.duration.high)} ngày làm việc"
        nodes[_id("Step", s.id)] = _Node(_id("Step", s.id), "task", s.name, s.actor, doc + (f"; {s.unit}" if s.unit else ""))
    starts = [n for n in graph if graph.in_degree(n) == 0]
    ends = [n for n in graph if graph.out_degree(n) == 0]
    nodes["StartEvent_1"] = _Node("StartEvent_1", "startEvent", "Bắt đầu", p.step(starts[0]).actor if starts else APPLICANT)
    nodes["EndEvent_1"] = _Node("EndEvent_1", "endEvent", "Có kết quả", p.step(ends[-1]).actor if ends else APPLICANT)

    def connect(source: str, target: str) -> None:
        flow = _Flow(f"Flow_{len(flows) + 1}", source, target)
        flows.append(flow)
        nodes[source].outgoing.append(flow.id)
        nodes[target].incoming.append(flow.id)

    def gateway(key: str, lane: str) -> str:
        gid = f"Gateway_{key}".replace(".", "_")
        nodes[gid] = _Node(gid, "parallelGateway", "", lane)
        return gid

    out_of: dict[str, str] = {}
    into: dict[str, str] = {}
    edges: list[tuple[str, str]] = [("StartEvent_1", _id("Step", s)) for s in starts]
    edges += [(_id("Step", a), _id("Step", b)) for a, b in graph.edges]
    edges += [(_id("Step", e), "EndEvent_1") for e in ends]
    out_degree: dict[str, int] = {}
    in_degree: dict[str, int] = {}
    for a, b in edges:
        out_degree[a] = out_degree.get(a, 0) + 1
        in_degree[b] = in_degree.get(b, 0) + 1
    for node_id, degree in out_degree.items():
        if degree > 1:
            split = gateway(f"split_{node_id}", nodes[node_id].lane)
            connect(node_id, split)
            out_of[node_id] = split
    for node_id, degree in in_degree.items():
        if degree > 1:
            into[node_id] = gateway(f"join_{node_id}", nodes[node_id].lane)
    for a, b in edges:
        connect(out_of.get(a, a), into.get(b, b))
    for node_id, join in into.items():
        connect(join, node_id)
    return nodes, flows


def _lanes(p: Procedure, catalogue: Catalogue | None) -> list[tuple[str, str]]:
    """(actor, lane name): the applicant first, then agencies in order of first appearance."""
    actors = [APPLICANT] + [a for a in dict.fromkeys(s.actor for s in p.steps) if a != APPLICANT]
    names = []
    for actor in actors:
        if actor == APPLICANT:
            names.append((actor, "Người nộp hồ sơ"))
        else:
            agency = catalogue.agencies.get(actor) if catalogue else None
            names.append((actor, agency.name if agency else actor))
    return names


def _layout(nodes: dict[str, _Node], flows: list[_Flow], lanes: list[str]) -> tuple[dict[str, tuple[int, int, int, int]], dict[str, tuple[int, int]]]:
    """Node bounds (x, y, w, h) and each lane's (y, height): column = longest path from the start."""
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from((f.source, f.target) for f in flows)
    column: dict[str, int] = {}
    for n in nx.topological_sort(g):
        column[n] = max((column[p] + 1 for p in g.predecessors(n)), default=0)
    rows: dict[tuple[str, int], int] = {}
    row_of: dict[str, int] = {}
    for n in sorted(nodes, key=lambda n: (column[n], n)):
        key = (nodes[n].lane, column[n])
        row_of[n] = rows.get(key, 0)
        rows[key] = row_of[n] + 1
    lane_rows = {lane: max([r for (ln, _), r in rows.items() if ln == lane], default=1) for lane in lanes}
    lane_box: dict[str, tuple[int, int]] = {}
    y = 40
    for lane in lanes:
        height = lane_rows[lane] * ROW_HEIGHT + 2 * LANE_PADDING
        lane_box[lane] = (y, height)
        y += height
    bounds: dict[str, tuple[int, int, int, int]] = {}
    for n, node in nodes.items():
        w, h = SIZES[node.kind]
        lane_y, _ = lane_box[node.lane]
        cx = LEFT + 60 + column[n] * COLUMN_WIDTH
        cy = lane_y + LANE_PADDING + row_of[n] * ROW_HEIGHT + ROW_HEIGHT // 2
        bounds[n] = (cx - w // 2, cy - h // 2, w, h)
    return bounds, lane_box


def bpmn_xml(p: Procedure, catalogue: Catalogue | None = None) -> bytes:
    """BPMN 2.0 XML of one procedure, valid against the OMG schema, with a diagram."""
    nodes, flows = _flow_graph(p)
    lanes = _lanes(p, catalogue)
    lane_ids = {actor: _id("Lane", actor) for actor, _ in lanes}
    process_id = _id("Process", p.code)
    defs = etree.Element(_q(BPMN, "definitions"), nsmap=NSMAP, id=_id("Definitions", p.code),
                         targetNamespace="urn:tthc:bpmn", exporter="tthc", exporterVersion="1")
    collab = etree.SubElement(defs, _q(BPMN, "collaboration"), id=_id("Collaboration", p.code))
    etree.SubElement(collab, _q(BPMN, "participant"), id=_id("Participant", p.code), name=f"{p.code} · {p.name}", processRef=process_id)
    process = etree.SubElement(defs, _q(BPMN, "process"), id=process_id, name=p.name, isExecutable="true")
    etree.SubElement(process, _q(BPMN, "documentation")).text = f"Mã thủ tục {p.code}; lĩnh vực {p.field}."
    lane_set = etree.SubElement(process, _q(BPMN, "laneSet"), id=_id("LaneSet", p.code))
    for actor, name in lanes:
        lane = etree.SubElement(lane_set, _q(BPMN, "lane"), id=lane_ids[actor], name=name)
        for node in nodes.values():
            if node.lane == actor:
                etree.SubElement(lane, _q(BPMN, "flowNodeRef")).text = node.id
    consumers: dict[str, list[str]] = {}
    producers: dict[str, list[str]] = {}
    for s in p.steps:
        for d in s.consumes:
            consumers.setdefault(d, []).append(_id("Step", s.id))
        for d in s.produces:
            producers.setdefault(d, []).append(_id("Step", s.id))
    data_refs = {d.id: _id("DataObjectReference", d.id) for d in p.documents}
    associations: list[tuple[str, str, str]] = []
    for node in nodes.values():
        attrs = {"id": node.id}
        if node.name:
            attrs["name"] = node.name
        if node.kind == "parallelGateway":
            attrs["gatewayDirection"] = "Diverging" if len(node.outgoing) > 1 else "Converging"
        el = etree.SubElement(process, _q(BPMN, node.kind), attrs)
        if node.documentation:
            etree.SubElement(el, _q(BPMN, "documentation")).text = node.documentation
        for flow_id in node.incoming:
            etree.SubElement(el, _q(BPMN, "incoming")).text = flow_id
        for flow_id in node.outgoing:
            etree.SubElement(el, _q(BPMN, "outgoing")).text = flow_id
        if node.kind != "task":
            continue
        step_id = node.id.removeprefix("Step_")
        step = p.step(step_id)
        if step.consumes:
            prop_id = f"Property_{step_id}"
            etree.SubElement(el, _q(BPMN, "property"), id=prop_id, name="__targetRef_placeholder")
            for d in step.consumes:
                assoc_id = f"DataInputAssociation_{step_id}_{d}"
                assoc = etree.SubElement(el, _q(BPMN, "dataInputAssociation"), id=assoc_id)
                etree.SubElement(assoc, _q(BPMN, "sourceRef")).text = data_refs[d]
                etree.SubElement(assoc, _q(BPMN, "targetRef")).text = prop_id
                associations.append((assoc_id, data_refs[d], node.id))
        for d in step.produces:
            assoc_id = f"DataOutputAssociation_{step_id}_{d}"
            assoc = etree.SubElement(el, _q(BPMN, "dataOutputAssociation"), id=assoc_id)
            etree.SubElement(assoc, _q(BPMN, "targetRef")).text = data_refs[d]
            associations.append((assoc_id, node.id, data_refs[d]))
    for flow in flows:
        etree.SubElement(process, _q(BPMN, "sequenceFlow"), id=flow.id, sourceRef=flow.source, targetRef=flow.target)
    for document in p.documents:
        obj_id = _id("DataObject", document.id)
        etree.SubElement(process, _q(BPMN, "dataObject"), id=obj_id, name=document.name)
        etree.SubElement(process, _q(BPMN, "dataObjectReference"), id=data_refs[document.id], name=document.name, dataObjectRef=obj_id)

    bounds, lane_box = _layout(nodes, flows, [a for a, _ in lanes])
    right = max(x + w for x, _, w, _ in bounds.values()) + 60
    pool_bottom = max(y + h for y, h in lane_box.values())
    first_use: dict[str, str | None] = {d: next(iter(consumers.get(d) or producers.get(d) or []), None) for d in data_refs}
    used_x: dict[int, int] = {}
    for d, ref in data_refs.items():
        anchor = first_use[d]
        x = bounds[anchor][0] + 32 if anchor else LEFT
        used_x[x] = used_x.get(x, 0) + 1
        w, h = SIZES["data"]
        bounds[ref] = (x + (used_x[x] - 1) * 44, pool_bottom + 40, w, h)

    diagram = etree.SubElement(defs, _q(BPMNDI, "BPMNDiagram"), id=_id("BPMNDiagram", p.code))
    plane = etree.SubElement(diagram, _q(BPMNDI, "BPMNPlane"), id=_id("BPMNPlane", p.code), bpmnElement=collab.get("id"))

    def shape(element: str, x: int, y: int, w: int, h: int, **extra: str) -> None:
        sh = etree.SubElement(plane, _q(BPMNDI, "BPMNShape"), id=f"{element}_di", bpmnElement=element, **extra)
        etree.SubElement(sh, _q(DC, "Bounds"), x=str(x), y=str(y), width=str(w), height=str(h))

    pool_x = 40
    shape(_id("Participant", p.code), pool_x, 40, right - pool_x, pool_bottom - 40, isHorizontal="true")
    for actor, _ in lanes:
        y, h = lane_box[actor]
        shape(lane_ids[actor], pool_x + POOL_LABEL_WIDTH, y, right - pool_x - POOL_LABEL_WIDTH, h, isHorizontal="true")
    for node_id, (x, y, w, h) in bounds.items():
        shape(node_id, x, y, w, h)

    def edge(element: str, points: list[tuple[int, int]]) -> None:
        ed = etree.SubElement(plane, _q(BPMNDI, "BPMNEdge"), id=f"{element}_di", bpmnElement=element)
        for px, py in points:
            etree.SubElement(ed, _q(DI, "waypoint"), x=str(px), y=str(py))

    for flow in flows:
        sx, sy, sw, sh = bounds[flow.source]
        tx, ty, _tw, th = bounds[flow.target]
        start, end = (sx + sw, sy + sh // 2), (tx, ty + th // 2)
        if start[1] == end[1]:
            edge(flow.id, [start, end])
        else:
            mid = (start[0] + end[0]) // 2
            edge(flow.id, [start, (mid, start[1]), (mid, end[1]), end])
    for assoc_id, source, target in associations:
        sx, sy, sw, sh = bounds[source]
        tx, ty, tw, th = bounds[target]
        if source in data_refs.values():
            edge(assoc_id, [(sx + sw // 2, sy), (tx + tw // 2, ty + th)])
        else:
            edge(assoc_id, [(sx + sw // 2, sy + sh), (tx + tw // 2, ty)])
    return etree.tostring(defs, xml_declaration=True, encoding="UTF-8", pretty_print=True)
