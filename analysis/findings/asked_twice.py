"""Rule 2: a document asked for twice, within a procedure or across the procedures of one liên thông group.

Within a procedure: two entries of the dossier with the same name, or one document handed over at two
applicant steps. Across a group (Procedure.interagency_group: the procedures done together on one dossier, e.g.
khai sinh – thường trú – cấp thẻ BHYT): a document of the same name that another procedure of the group, earlier
in code order, already collects; one desk passes it on. Documents are matched by name: a document id is local to
its record (`bien-ban-hop` is the founding minutes in one record and the closing minutes in another).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from analysis.findings.context import Context, Draft, build
from models.catalogue import Catalogue, group_of
from models.common import fold
from models.procedure import Procedure
from models.proposal import DropDocument, ObtainFromState, Operation

RULE = "asked-twice"

_GROUPS: dict[int, tuple[Mapping[str, Procedure], int, dict[str, list[str]]]] = {}


def group_members(catalogue: Catalogue, group: str) -> list[str]:
    """Codes of the procedures of a liên thông group, in code order (indexed once per catalogue)."""
    procedures = catalogue.procedures
    hit = _GROUPS.get(id(procedures))
    if hit is None or hit[0] is not procedures or hit[1] != len(procedures):
        index: dict[str, list[str]] = {}
        for code in sorted(procedures):
            g = group_of(procedures, code)  # from the record index: a national catalogue is not decoded for it
            if g is not None:
                index.setdefault(g, []).append(code)
        if len(_GROUPS) > 8:
            _GROUPS.clear()
        hit = _GROUPS[id(procedures)] = (procedures, len(procedures), index)
    return hit[2].get(group, [])


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    return " ".join(fold(name).split())


def find(ctx: Context) -> list[Draft]:
    p = ctx.procedure
    out: list[Draft] = []

    seen: dict[str, str] = {}
    ops: list[Operation] = []
    twice: list[str] = []
    for doc in p.documents:
        key = _key(doc.name) + "|" + doc.case
        if key in seen and doc.id not in ctx.producers:
            first = ctx.documents[seen[key]]
            twice.append(doc.id)
            ops.append(build(DropDocument,
                document=doc.id,
                rationale=f"Trùng với thành phần hồ sơ «{first.name}» đã yêu cầu.",
                legal_change=ctx.legal_change(doc.legal_basis, f"Bỏ thành phần hồ sơ trùng lặp: {doc.name}."),
            ))
        else:
            seen.setdefault(key, doc.id)
    handed: list[str] = [d.id for d in p.documents if len(ctx.applicant_supplies(d.id)) > 1]
    if twice or handed:
        parts = []
        if twice:
            parts.append("thành phần hồ sơ ghi hai lần: " + ", ".join(f"«{ctx.documents[d].name}»" for d in twice))
        if handed:
            parts.append("giấy tờ phải nộp ở nhiều bước: " + ", ".join(
                f"«{ctx.documents[d].name}» ({len(ctx.applicant_supplies(d))} bước)" for d in handed))
        out.append(Draft(
            rule=RULE, title="Giấy tờ bị yêu cầu hai lần trong cùng thủ tục",
            explanation="Người thực hiện phải cung cấp cùng một giấy tờ nhiều lần: " + "; ".join(parts) + ". "
            "Chỉ nên yêu cầu một lần; bước sau dùng lại hồ sơ đã nhận.",
            documents=twice + handed,
            steps=[s.id for d in handed for s in ctx.applicant_supplies(d)],
            suggestion=ops,
        ))

    if p.interagency_group is not None:
        members = group_members(ctx.catalogue, p.interagency_group)
        earlier = [c for c in members if c < p.code]
        held: dict[str, str] = {}
        for code in earlier:
            for d in ctx.catalogue.procedures[code].documents:
                held.setdefault(_key(d.name), code)
        group_ops: list[Operation] = []
        found: list[str] = []
        for doc in p.documents:
            if not ctx.applicant_supplies(doc.id) or doc.id in ctx.producers:
                continue
            asked_by = held.get(_key(doc.name))
            if asked_by is None:
                continue
            other = ctx.catalogue.procedures[asked_by]
            found.append(f"«{doc.name}» (đã nộp cho thủ tục {asked_by} – {other.name})")
            group_ops.append(build(ObtainFromState,
                document=doc.id, agency=other.agencies.competent[0],
                rationale=f"Đã nộp cho thủ tục {asked_by} cùng nhóm liên thông; cơ quan chuyển hồ sơ cho nhau.",
                legal_change=ctx.legal_change(
                    doc.legal_basis, f"Bỏ yêu cầu nộp {doc.name} khi thực hiện liên thông với thủ tục {asked_by}."),
            ))
        if group_ops:
            out.append(Draft(
                rule=RULE, title="Giấy tờ đã nộp cho thủ tục khác trong nhóm liên thông",
                explanation="Trong nhóm thủ tục liên thông, người dân phải nộp lại giấy tờ đã nộp: " + "; ".join(found)
                + ". Cơ quan tiếp nhận chuyển hồ sơ cho nhau, người dân chỉ nộp một lần.",
                documents=[op.document for op in group_ops if isinstance(op, ObtainFromState)],
                suggestion=group_ops,
            ))
    return out
