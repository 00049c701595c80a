"""Rule 7: certified copies where a plain copy checked against the original is enough.

Nghị định 23/2015/NĐ-CP, Điều 6: an agency that receives a copy may not require a certified copy when the
applicant shows the original for comparison. So a certified copy handed over at a counter (or one the record marks
`plain_copy_allowed`) can become a plain copy, saving the trip, the wait and the certification fee.
"""

from __future__ import annotations

from analysis.findings.context import Context, Draft, build
from models.proposal import AcceptPlainCopy, LegalChange, Operation

RULE = "certified-copy"
PRINCIPLE = LegalChange(
    ref="23/2015/NĐ-CP", articles=["Điều 6"], action="amend",
    text="Cơ quan tiếp nhận bản sao không được yêu cầu bản sao có chứng thực nếu người nộp xuất trình bản chính để đối chiếu.",
)


def find(ctx: Context) -> list[Draft]:
    ops: list[Operation] = []
    for doc in ctx.procedure.documents:
        if not doc.certified_copies or doc.presented:
            continue
        at_counter = any(s.in_person for s in ctx.applicant_supplies(doc.id))
        if not (doc.plain_copy_allowed or at_counter):
            continue
        ops.append(build(AcceptPlainCopy,
            document=doc.id,
            rationale="Nộp bản sao kèm bản chính để đối chiếu thay cho bản sao chứng thực (Nghị định 23/2015/NĐ-CP, Điều 6).",
            legal_change=[*ctx.legal_change(
                doc.legal_basis, f"Cho phép nộp bản sao {doc.name} kèm bản chính để đối chiếu, hoặc bản sao từ sổ gốc."),
                PRINCIPLE],
        ))
    if not ops:
        return []
    docs = [op.document for op in ops if isinstance(op, AcceptPlainCopy)]
    return [Draft(
        rule=RULE, title="Yêu cầu bản sao chứng thực",
        explanation="Hồ sơ yêu cầu bản sao có chứng thực của: " + ", ".join(f"«{ctx.documents[d].name}»" for d in docs)
        + ". Người dân phải đi chứng thực, chờ và trả phí. Theo Điều 6 Nghị định 23/2015/NĐ-CP, chỉ cần bản sao "
        "kèm bản chính để cán bộ đối chiếu.",
        documents=docs, suggestion=ops,
    )]
