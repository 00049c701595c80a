"""Checks across records that a schema cannot express: references resolve, the step graph is a proper DAG,
documents are used, codes are unique, the likely critical path fits in the legal time limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import networkx as nx

from analysis.critical_path import days_in_time_limit, over_time_limit
from analysis.graph import step_graph
from analysis.metrics import STATE_HELD
from models.catalogue import Catalogue
from models.procedure import APPLICANT, CHANNEL_LABELS_VI, Citation, Procedure

Location = tuple[int | str, ...]


@dataclass(frozen=True)
class Inconsistency:
    kind: str
    """The kind of record: procedure, agency, legal."""
    key: str
    location: Location
    message: str
    severity: Literal["error", "warning"] = "error"


def unknown_text(number: str) -> str:
    return f"không có văn bản {number!r} trong data/legal/"


def unknown_agency(agency_id: str) -> str:
    return f"không có cơ quan {agency_id!r} trong data/agencies/"


def unknown_procedure(code: str) -> str:
    return f"không có thủ tục {code} trong data/procedures/"


def check_procedure(p: Procedure, cat: Catalogue, unreadable: Collection[str] = ()) -> list[Inconsistency]:
    """The problems of one record against the catalogue. `unreadable`: codes whose files failed to load, which
    references are not reported against (their own errors say what is wrong, not that they are missing)."""
    out: list[Inconsistency] = []

    def err(loc: Location, msg: str, severity: Literal["error", "warning"] = "error") -> None:
        out.append(Inconsistency("procedure", p.code, loc, msg, severity))

    def cites(loc: Location, citations: list[Citation]) -> None:
        for i, cite in enumerate(citations):
            if cite.ref not in cat.legal:
                err((*loc, i, "ref"), unknown_text(cite.ref))

    for role in ("competent", "implementing", "coordinating"):
        for i, agency in enumerate(getattr(p.agencies, role)):
            if agency not in cat.agencies:
                err(("agencies", role, i), unknown_agency(agency))
    cites(("legal_basis",), p.legal_basis)
    for ci, channel in enumerate(p.channels):
        for fi, fee in enumerate(channel.fees):
            cites(("channels", ci, "fees", fi, "legal_basis"), fee.legal_basis)
    kinds = Counter(c.kind for c in p.channels)
    for kind, n in kinds.items():
        if n > 1:
            err(("channels",), f"kênh {CHANNEL_LABELS_VI[kind].lower()} ({kind}) được ghi {n} lần")

    doc_ids = Counter(d.id for d in p.documents)
    for i, d in enumerate(p.documents):
        if doc_ids[d.id] > 1:
            err(("documents", i, "id"), f"mã giấy tờ {d.id!r} bị trùng")
        if d.issuer.agency is not None and d.issuer.agency not in cat.agencies:
            err(("documents", i, "issuer", "agency"), unknown_agency(d.issuer.agency))
        cites(("documents", i, "legal_basis"), d.legal_basis)
        cites(("documents", i, "exempted_by"), d.exempted_by)
        if d.originals + d.copies + d.certified_copies == 0:
            err(("documents", i), "giấy tờ phải có ít nhất một bản chính, bản sao hoặc bản sao chứng thực")

    step_ids = Counter(s.id for s in p.steps)
    used: set[str] = set()
    for i, s in enumerate(p.steps):
        if step_ids[s.id] > 1:
            err(("steps", i, "id"), f"mã bước {s.id!r} bị trùng")
        if s.actor != APPLICANT and s.actor not in cat.agencies:
            err(("steps", i, "actor"), f"không rõ ai thực hiện {s.actor!r}: ghi `applicant` hoặc mã một cơ quan trong data/agencies/")
        if s.office is not None and s.office not in cat.agencies:
            err(("steps", i, "office"), unknown_agency(s.office))
        for j, told in enumerate(s.notifies):
            if told not in cat.agencies:
                err(("steps", i, "notifies", j), unknown_agency(told))
        if s.in_person and s.office is None and s.actor == APPLICANT:
            err(("steps", i, "office"), "bước người dân đến trực tiếp phải ghi nơi đến (`office`)")
        for j, before in enumerate(s.after):
            if before not in step_ids:
                err(("steps", i, "after", j), f"không có bước {before!r}")
            elif before == s.id:
                err(("steps", i, "after", j), "một bước không thể đứng sau chính nó")
        for field in ("consumes", "produces"):
            for j, doc in enumerate(getattr(s, field)):
                if doc not in doc_ids:
                    err(("steps", i, field, j), f"không có giấy tờ {doc!r} trong `documents`")
                used.add(doc)
        cites(("steps", i, "legal_basis"), s.legal_basis)
    handed = {d for s in p.steps if s.actor == APPLICANT for d in s.consumes}
    produced = {d for s in p.steps for d in s.produces}
    for i, d in enumerate(p.documents):
        if d.id not in used:
            err(("documents", i, "id"), f"giấy tờ {d.id!r} không bước nào dùng (thêm vào `consumes` của một bước)")
        elif d.id not in handed and d.id not in produced and not d.fallback and (
                d.presented or d.issuer.kind not in STATE_HELD or not d.issuer.held):
            # The once-only rule asks which applicant step hands a paper over: without one it cannot be found.
            err(("documents", i, "id"), f"giấy tờ {d.id!r} do người dân cung cấp nhưng chỉ bước của cơ quan dùng: thêm vào "
                                        "`consumes` của bước người dân nộp hoặc xuất trình giấy tờ này", "warning")
    for i, code in enumerate(p.related):
        if code not in cat.procedures and code not in unreadable:
            err(("related", i), f"thủ tục liên quan {code} không có trong danh mục", "warning")
    for i, code in enumerate(p.annual_volume.counted_in):
        if code == p.code:
            err(("annual_volume", "counted_in", i), "số hồ sơ của thủ tục không thể tính trong chính nó")
        elif code not in cat.procedures and code not in unreadable:
            err(("annual_volume", "counted_in", i), f"{unknown_procedure(code)}: tổng chi phí của danh mục sẽ tính "
                                                    "hai lần các trường hợp này nếu thủ tục đó được thêm vào", "warning")
    for i, code in enumerate(p.replaces):
        old = cat.procedures.get(code)
        if code == p.code:
            err(("replaces", i), "thủ tục không thể thay thế chính mã của mình")
        elif old is not None and old.status != "abolished":
            err(("replaces", i), f"thay thế {code} nhưng danh mục vẫn ghi {code} đang có hiệu lực: xóa tệp của {code} hoặc ghi "
                                 "`status: abolished`")

    if any(m.severity == "error" and m.location[:1] == ("steps",) for m in out):
        return out  # the graph is not well formed enough to walk
    graph = step_graph(p)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        first = [s.id for s in p.steps].index(cycle[0][0])
        err(("steps", first, "after"), "các bước tạo thành vòng lặp: " + " → ".join([e[0] for e in cycle] + [cycle[0][0]]))
        return out
    if not nx.is_weakly_connected(graph):
        err(("steps",), f"sơ đồ các bước rời thành {nx.number_weakly_connected_components(graph)} phần")
    ends = [n for n in graph if graph.out_degree(n) == 0]
    if len(ends) > 1:
        err(("steps",), f"sơ đồ các bước có {len(ends)} điểm kết thúc ({', '.join(ends)}): nên kết thúc ở một bước", "warning")
    likely = days_in_time_limit(p)
    limit = p.time_limit_working_days
    if over_time_limit(p, likely):
        err(
            ("channels", p.channels.index(p.main_channel), "time_limit", "working_days"),
            f"từ khi cơ quan nhận hồ sơ đến khi trả kết quả mất {likely:g} ngày làm việc (khả dĩ), vượt thời hạn "
            f"giải quyết {limit:g} ngày làm việc",
            "warning",
        )
    return out


def check_catalogue(cat: Catalogue, unreadable: Collection[str] = ()) -> list[Inconsistency]:
    """Every cross-record problem of the catalogue, in a stable order (`unreadable`: see `check_procedure`)."""
    out: list[Inconsistency] = []
    for a in cat.agencies.values():
        for field in ("parent", "successor"):
            ref = getattr(a, field)
            if ref is not None and ref not in cat.agencies:
                out.append(Inconsistency("agency", a.id, (field,), unknown_agency(ref)))
    for d in cat.legal.values():
        for field in ("amends", "replaces"):
            for i, ref in enumerate(getattr(d, field)):
                if ref not in cat.legal:
                    out.append(Inconsistency("legal", d.number, (field, i), unknown_text(ref), "warning"))
        if d.ended is not None and d.ended < d.effective:
            out.append(Inconsistency("legal", d.number, ("ended",), "hết hiệu lực trước ngày có hiệu lực"))
    successors: dict[str, str] = {}
    parts: dict[str, list[Procedure]] = {}
    for p in cat.procedures.values():
        for code in p.annual_volume.counted_in:
            parts.setdefault(code, []).append(p)
        out += check_procedure(p, cat, unreadable)
        for i, code in enumerate(p.replaces):
            if code == p.code:  # reported by check_procedure
                continue
            if code in successors:
                out.append(Inconsistency("procedure", p.code, ("replaces", i),
                                         f"{code} đã được {successors[code]} thay thế"))
            successors.setdefault(code, p.code)
    for code, counted in parts.items():
        whole = cat.procedures.get(code)
        if whole is not None and sum(p.annual_volume.cases for p in counted) > whole.annual_volume.cases:
            out.append(Inconsistency("procedure", code, ("annual_volume", "subjects_per_year"),
                                     f"số trường hợp mỗi năm ít hơn tổng số của các thủ tục ghi `counted_in: [{code}]` "
                                     f"({', '.join(p.code for p in counted)})", "warning"))
    return out
