"""Rule 1, once-only (chỉ cung cấp thông tin một lần): the applicant hands over a document the state already holds.

A document the state holds is one issued by an agency or kept in a national database (e.g. residence data in the
national population database, which replaced the household book: Nghị định 104/2022/NĐ-CP), or one that an
earlier step of the same procedure produced. Suggestion: the agency obtains it itself, and the applicant's errand
to ask for it, if the procedure has one, goes too (`analysis.proposals.errands`). A record the state no longer
holds (`Issuer.held`: the register of a birth or marriage registered again was lost) is not one of them, nor an
original handed in to be endorsed, replaced or cancelled (`Document.surrendered`: the passport last issued), nor a
paper asked only when the agency's own lookup fails (`Document.fallback`): there the rule already applies. Nor is an
identity paper shown at the counter (`Document.identity`): it proves who is there, which no database lookup does.
A paper that has ceased to exist (`Document.ceased`: the household book) is not obtained but dropped: its
information is in the database that replaced it.
"""

from __future__ import annotations

from analysis.findings.context import Context, Draft, build
from analysis.proposals import errands
from models.common import cited_text
from models.procedure import APPLICANT
from models.proposal import DropDocument, LegalChange, ObtainFromState, Operation

RULE = "once-only"


def find(ctx: Context) -> list[Draft]:
    ops: list[Operation] = []
    names: list[str] = []
    ceased: list[str] = []
    for doc in ctx.procedure.documents:
        supplied = ctx.applicant_supplies(doc.id)
        if not supplied:
            continue
        if doc.ceased is not None and doc.ceased <= ctx.rates.as_of:
            ceased.append(f"«{doc.name}» (từ {doc.ceased:%d/%m/%Y})")
            ops.append(build(DropDocument, document=doc.id,
                rationale=f"Giấy tờ không còn giá trị từ {doc.ceased:%d/%m/%Y}; thông tin có trong cơ sở dữ liệu thay "
                "thế nó: bỏ khỏi thành phần hồ sơ.",
                legal_change=ctx.legal_change(doc.legal_basis, f"Bỏ thành phần hồ sơ {doc.name}.")))
            continue
        made_by = ctx.producers.get(doc.id, [])
        earlier = [p for p in made_by if ctx.by_id[p].actor != APPLICANT and any(ctx.is_before(p, s.id) for s in supplied)]
        if earlier:
            where = f"bước «{ctx.by_id[earlier[0]].name}» của chính thủ tục này đã tạo ra"
            where += "".join(f"; bỏ cả bước «{s.name}»" for s in errands(ctx.procedure.steps, doc.id))
            database, agency = "", ctx.by_id[earlier[0]].actor
        elif made_by or not doc.issuer.held or doc.surrendered or doc.fallback or doc.identity:
            continue
        elif doc.issuer.kind == "national_database":
            where = f"đã có trong {doc.issuer.database}"
            database, agency = doc.issuer.database, None
        elif doc.issuer.kind == "agency":
            where = f"do {ctx.agency_name(doc.issuer.agency)} {doc.issued_verb}"
            database, agency = "", doc.issuer.agency
        else:
            continue
        verb = "xuất trình" if doc.presented else "nộp"
        drop = f"Bỏ yêu cầu {verb} {doc.name}; cơ quan giải quyết khai thác, sử dụng thông tin sẵn có"
        if doc.exempted_by:
            # The law already spares it: the published record is behind the law, and only the record changes.
            exempt = "; ".join(cited_text(c.ref, c.articles) for c in doc.exempted_by)
            where += f"; {exempt} đã cho không phải {verb}, nhưng thủ tục đã công bố vẫn yêu cầu"
            decision = ctx.procedure.provenance.publishing_decision
            changes = [build(LegalChange, ref=decision, text=f"{drop} ({exempt}): sửa thủ tục đã công bố.")] \
                if decision else []
        else:
            changes = ctx.legal_change(doc.legal_basis, f"{drop} (nguyên tắc chỉ cung cấp thông tin một lần).")
        names.append(f"«{doc.name}» ({where})")
        ops.append(build(ObtainFromState,
            document=doc.id, database=database, agency=agency,
            rationale=f"Giấy tờ {where}; cơ quan giải quyết tự khai thác, người dân không phải {verb}.",
            legal_change=changes,
        ))
    if not ops:
        return []
    said = []
    if names:
        said.append("Người thực hiện phải cung cấp giấy tờ mà cơ quan nhà nước đã nắm giữ: " + "; ".join(names) + ". "
                    "Theo nguyên tắc chỉ cung cấp thông tin một lần, cơ quan giải quyết tự khai thác từ cơ sở dữ liệu "
                    "hoặc từ cơ quan đã cấp, lập giấy tờ, không yêu cầu người dân nộp lại.")
    if ceased:
        said.append("Hồ sơ còn yêu cầu giấy tờ đã không còn giá trị: " + "; ".join(ceased) + ". Thông tin của giấy tờ "
                    "này nay nằm trong cơ sở dữ liệu thay thế nó, nên bỏ khỏi thành phần hồ sơ.")
    return [Draft(
        rule=RULE,
        title="Yêu cầu giấy tờ mà Nhà nước đã có" if names else "Yêu cầu giấy tờ không còn giá trị",
        explanation=" ".join(said),
        documents=[op.document for op in ops if isinstance(op, ObtainFromState | DropDocument)],
        suggestion=ops,
    )]
