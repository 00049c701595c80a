"""Checks across records that a schema cannot express: references resolve, the step graph is a proper DAG,
documents are used, codes are unique, the likely critical path fits in the legal time limit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import networkx as nx

from analysis.critical_path import days_in_time_limit
from analysis.graph import step_graph
from models.catalogue import Catalogue
from models.procedure import APPLICANT, Procedure

Location = tuple[int | str, ...]


@dataclass(frozen=True)
class Inconsistency:
    kind: str
    """The kind of record: procedure, agency, legal."""
    key: str
    location: Location
    message: str
    severity: Literal["error", "warning"] = "error"


def check_procedure(p: Procedure, cat: Catalogue, unreadable: Collection[str] = ()) -> list[Inconsistency]:
    """The problems of one record against the catalogue. `unreadable`: codes whose files failed to load, which
    references are not reported against (their own errors say what is wrong, not that they are missing)."""
    out: list[Inconsistency] = []

    def err(loc: Location, msg: str, severity: Literal["error", "warning"] = "error") -> None:
        out.append(Inconsistency("procedure", p.code, loc, msg, severity))

    for role in ("competent", "implementing", "coordinating"):
        for i, agency in enumerate(getattr(p.agencies, role)):
            if agency not in cat.agencies:
                err(("agencies", role, i), f"unknown agency {agency!r} (not in data/agencies/)")
    for i, cite in enumerate(p.legal_basis):
        if cite.ref not in cat.legal:
            err(("legal_basis", i, "ref"), f"unknown legal document {cite.ref!r} (not in data/legal/)")
    for ci, channel in enumerate(p.channels):
        for fi, fee in enumerate(channel.fees):
            for li, cite in enumerate(fee.legal_basis):
                if cite.ref not in cat.legal:
                    err(("channels", ci, "fees", fi, "legal_basis", li, "ref"), f"unknown legal document {cite.ref!r}")
    kinds = Counter(c.kind for c in p.channels)
    for kind, n in kinds.items():
        if n > 1:
            err(("channels",), f"channel {kind} is listed {n} times")

    doc_ids = Counter(d.id for d in p.documents)
    for i, d in enumerate(p.documents):
        if doc_ids[d.id] > 1:
            err(("documents", i, "id"), f"document id {d.id!r} is used twice")
        if d.issuer.agency is not None and d.issuer.agency not in cat.agencies:
            err(("documents", i, "issuer", "agency"), f"unknown agency {d.issuer.agency!r}")
        for li, cite in enumerate(d.legal_basis):
            if cite.ref not in cat.legal:
                err(("documents", i, "legal_basis", li, "ref"), f"unknown legal document {cite.ref!r}")
        if d.originals + d.copies + d.certified_copies == 0:
            err(("documents", i), "a document needs at least one original, copy or certified copy")

    step_ids = Counter(s.id for s in p.steps)
    used: set[str] = set()
    for i, s in enumerate(p.steps):
        if step_ids[s.id] > 1:
            err(("steps", i, "id"), f"step id {s.id!r} is used twice")
        if s.actor != APPLICANT and s.actor not in cat.agencies:
            err(("steps", i, "actor"), f"unknown actor {s.actor!r}: `applicant` or an agency id")
        if s.office is not None and s.office not in cat.agencies:
            err(("steps", i, "office"), f"unknown agency {s.office!r}")
        if s.in_person and s.office is None and s.actor == APPLICANT:
            err(("steps", i, "office"), "an in-person step of the applicant names the `office` visited")
        for j, before in enumerate(s.after):
            if before not in step_ids:
                err(("steps", i, "after", j), f"unknown step {before!r}")
            elif before == s.id:
                err(("steps", i, "after", j), "a step cannot follow itself")
        for field in ("consumes", "produces"):
            for j, doc in enumerate(getattr(s, field)):
                if doc not in doc_ids:
                    err(("steps", i, field, j), f"unknown document {doc!r}")
                used.add(doc)
        for li, cite in enumerate(s.legal_basis):
            if cite.ref not in cat.legal:
                err(("steps", i, "legal_basis", li, "ref"), f"unknown legal document {cite.ref!r}")
    for i, d in enumerate(p.documents):
        if d.id not in used:
            err(("documents", i, "id"), f"document {d.id!r} is used by no step (add it to a step's `consumes`)")
    for i, code in enumerate(p.related):
        if code not in cat.procedures and code not in unreadable:
            err(("related", i), f"related procedure {code} is not in the catalogue", "warning")
    for i, code in enumerate(p.replaces):
        old = cat.procedures.get(code)
        if code == p.code:
            err(("replaces", i), "a record cannot replace its own code")
        elif old is not None and old.status != "abolished":
            err(("replaces", i), f"replaces {code}, which the catalogue still has in force: remove its file or mark it "
                                 "`status: abolished`")

    if any(m.severity == "error" and m.location[:1] == ("steps",) for m in out):
        return out  # the graph is not well formed enough to walk
    graph = step_graph(p)
    if not nx.is_directed_acyclic_graph(graph):
        cycle = nx.find_cycle(graph)
        first = [s.id for s in p.steps].index(cycle[0][0])
        err(("steps", first, "after"), "the steps form a cycle: " + " → ".join([e[0] for e in cycle] + [cycle[0][0]]))
        return out
    if not nx.is_weakly_connected(graph):
        err(("steps",), f"the step graph falls apart into {nx.number_weakly_connected_components(graph)} pieces")
    ends = [n for n in graph if graph.out_degree(n) == 0]
    if len(ends) > 1:
        err(("steps",), f"the step graph has {len(ends)} ends ({', '.join(ends)}): one step should finish it", "warning")
    likely = days_in_time_limit(p)
    limit = p.time_limit_working_days
    if likely > limit:
        err(
            ("channels", p.channels.index(p.main_channel), "time_limit", "working_days"),
            f"from the agency's receipt to the result takes {likely:g} working days (likely), more than the legal "
            f"limit of {limit:g}",
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
                out.append(Inconsistency("agency", a.id, (field,), f"unknown agency {ref!r}"))
    for d in cat.legal.values():
        for field in ("amends", "replaces"):
            for i, ref in enumerate(getattr(d, field)):
                if ref not in cat.legal:
                    out.append(Inconsistency("legal", d.number, (field, i), f"unknown legal document {ref!r}", "warning"))
        if d.ended is not None and d.ended < d.effective:
            out.append(Inconsistency("legal", d.number, ("ended",), "ends before it takes effect"))
    successors: dict[str, str] = {}
    for p in cat.procedures.values():
        out += check_procedure(p, cat, unreadable)
        for i, code in enumerate(p.replaces):
            if code == p.code:  # reported by check_procedure
                continue
            if code in successors:
                out.append(Inconsistency("procedure", p.code, ("replaces", i),
                                         f"{code} is replaced by {successors[code]} already"))
            successors.setdefault(code, p.code)
    return out
