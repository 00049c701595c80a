"""Rule 8: requirements and steps with no legal basis, or only one no longer in force; a likely critical path
longer than the legal time limit.

A record that cites legal bases for some documents the applicant must provide (or steps) but not for others points
at requirements that no text sets (the result, and the papers agencies draw up on the way, are not requirements):
by Nghị định 63/2010/NĐ-CP every part of a procedure must be set by a legal text, so the unsupported ones must find
a basis or go. Staff check them (no automatic suggestion: the record may simply not cite the article); a time
limit shorter than the likely days it counts (from the agency's receipt to the result: `days_in_time_limit`) is
reported for review.

A requirement (a document the applicant provides, a step, a fee) whose every cited text had ended on the day of the
analysis (the day of the rates: replaced, repealed or expired, `LegalDocument.ended`) stands on no text in force: the
record must cite the text that replaced it, whose terms (a fee's amount above all) may differ, or drop the
requirement. A text not yet in force is not reported: the record may have been updated ahead of it.
"""

from __future__ import annotations

from analysis.critical_path import days_in_time_limit
from analysis.findings.context import Context, Draft
from models.procedure import APPLICANT, Citation
from models.registry import LegalDocument

NO_BASIS = "no-legal-basis"
ENDED_BASIS = "ended-legal-basis"
OVER_LIMIT = "over-time-limit"


def _no_basis(ctx: Context) -> list[Draft]:
    p = ctx.procedure
    required = [d for d in p.documents if ctx.applicant_supplies(d.id)]
    docs: list[str] = []
    if any(d.legal_basis for d in required):
        docs = [d.id for d in required if not d.legal_basis]
    steps: list[str] = []
    agency_steps = [s for s in p.steps if s.actor != APPLICANT]
    if any(s.legal_basis for s in agency_steps):
        steps = [s.id for s in agency_steps if not s.legal_basis]
    if not docs and not steps:
        return []
    parts = []
    if docs:
        parts.append("giấy tờ: " + ", ".join(f"«{ctx.documents[d].name}»" for d in docs))
    if steps:
        parts.append("bước: " + ", ".join(f"«{ctx.by_id[s].name}»" for s in steps))
    return [Draft(
        rule=NO_BASIS, title="Yêu cầu, bước thực hiện không ghi căn cứ pháp lý",
        explanation="Các yêu cầu sau không dẫn căn cứ pháp lý trong khi các yêu cầu khác có: " + "; ".join(parts)
        + ". Cần xác định căn cứ; nếu không có, bãi bỏ (mọi bộ phận của thủ tục phải được quy định tại văn bản "
        "quy phạm pháp luật).",
        steps=steps, documents=docs,
    )]


def _ended(ctx: Context, citations: list[Citation]) -> list[LegalDocument]:
    """The cited texts, when every one of them had ended on the analysis day; else nothing."""
    day, legal = ctx.rates.as_of, ctx.catalogue.legal
    texts = [legal.get(c.ref) for c in citations]
    if not texts or any(t is None or t.ended is None or day < t.ended for t in texts):
        return []
    return [t for t in texts if t is not None]


def _ended_basis(ctx: Context) -> list[Draft]:
    p = ctx.procedure
    found: list[tuple[str, list[LegalDocument]]] = []
    docs: list[str] = []
    steps: list[str] = []
    for d in p.documents:
        if (ended := _ended(ctx, d.legal_basis)) and ctx.applicant_supplies(d.id):
            found.append((f"giấy tờ «{d.name}»", ended))
            docs.append(d.id)
    for s in p.steps:
        if ended := _ended(ctx, s.legal_basis):
            found.append((f"bước «{s.name}»", ended))
            steps.append(s.id)
    fees = {f.name: f for c in p.channels for f in c.fees}  # one line per fee, whichever channel it is on
    for fee in fees.values():
        if ended := _ended(ctx, fee.legal_basis):
            found.append((f"phí, lệ phí «{fee.name}»", ended))
    if not found:
        return []
    replaced_by: dict[str, list[str]] = {}
    for text in ctx.catalogue.legal.values():
        for old in text.replaces:
            replaced_by.setdefault(old, []).append(text.number)

    def ended_text(t: LegalDocument) -> str:
        assert t.ended is not None
        by = replaced_by.get(t.number)
        return f"{t.number} hết hiệu lực từ {t.ended:%d/%m/%Y}" + (f", thay bằng {', '.join(by)}" if by else "")

    return [Draft(
        rule=ENDED_BASIS, title="Căn cứ pháp lý đã hết hiệu lực",
        explanation=f"Vào ngày {ctx.rates.as_of:%d/%m/%Y}, các yêu cầu sau chỉ dẫn văn bản đã hết hiệu lực: "
        + "; ".join(f"{what} ({'; '.join(ended_text(t) for t in texts)})" for what, texts in found)
        + ". Cần dẫn văn bản đang có hiệu lực (nội dung, mức thu có thể đã khác) hoặc bãi bỏ yêu cầu.",
        steps=steps, documents=docs,
    )]


def _over_limit(ctx: Context) -> list[Draft]:
    limit = ctx.procedure.time_limit_working_days
    days = days_in_time_limit(ctx.procedure, ctx.order)
    if days <= limit:
        return []
    return [Draft(
        rule=OVER_LIMIT, title="Thời gian thực tế vượt thời hạn luật định",
        explanation=f"Từ khi cơ quan nhận hồ sơ đến khi trả kết quả mất {days:g} ngày làm việc (ước tính khả dĩ), "
        f"dài hơn thời hạn giải quyết {limit:g} ngày làm việc. Cần rà soát quy trình nội bộ hoặc thời hạn.",
    )]


def find(ctx: Context) -> list[Draft]:
    return _no_basis(ctx) + _ended_basis(ctx) + _over_limit(ctx)
