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
requirement. A requirement that cites an ended text beside one in force, and the procedure's own legal basis
citing an ended text, are stale citations to replace: reported in the same finding, as a re-analysis after the
change that ended the text reports them («cần rà soát căn cứ pháp lý»). A text not yet in force is not reported:
the record may have been updated ahead of it.
"""

from __future__ import annotations

from analysis.critical_path import over_time_limit
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


def _ended(ctx: Context, citations: list[Citation]) -> tuple[list[LegalDocument], bool]:
    """The cited texts that had ended on the analysis day, and whether they were all the place cited (texts the
    registry does not know count as in force: nothing is known against them)."""
    day, legal = ctx.rates.as_of, ctx.catalogue.legal
    texts = [legal.get(c.ref) for c in citations]
    ended = [t for t in texts if t is not None and t.ended is not None and t.ended <= day]
    return ended, bool(ended) and len(ended) == len(texts)


def _ended_basis(ctx: Context) -> list[Draft]:
    p = ctx.procedure
    supplied = [d for d in p.documents if ctx.applicant_supplies(d.id)]
    fees = {f.name: f for c in p.channels for f in c.fees}  # one line per fee, whichever channel it is on
    # Most records cite no text that has ended: look at every citation at once before describing each requirement.
    lists: list[list[Citation]] = [p.legal_basis, *(d.legal_basis for d in supplied), *(s.legal_basis for s in p.steps),
                                   *(f.legal_basis for f in fees.values())]
    if not _ended(ctx, [c for cited in lists for c in cited])[0]:
        return []
    # (where, its citations, document id, step id); the procedure's own list names every text it rests on, so an
    # ended text there is a stale citation, never the only basis of a requirement.
    requirements: list[tuple[str, list[Citation], str | None, str | None]] = []
    requirements += [(f"giấy tờ «{d.name}»", d.legal_basis, d.id, None) for d in supplied]
    requirements += [(f"bước «{s.name}»", s.legal_basis, None, s.id) for s in p.steps]
    requirements += [(f"phí, lệ phí «{fee.name}»", fee.legal_basis, None, None) for fee in fees.values()]
    without_basis: list[tuple[str, list[LegalDocument]]] = []
    stale: list[tuple[str, list[LegalDocument]]] = []
    if ended := _ended(ctx, p.legal_basis)[0]:
        stale.append(("căn cứ pháp lý của thủ tục", ended))
    docs: list[str] = []
    steps: list[str] = []
    for what, citations, doc, step in requirements:
        ended, only = _ended(ctx, citations)
        if not ended:
            continue
        (without_basis if only else stale).append((what, ended))
        docs += [doc] if doc else []
        steps += [step] if step else []
    if not without_basis and not stale:
        return []
    def ended_text(t: LegalDocument) -> str:
        assert t.ended is not None
        by = ctx.replaced_by.get(t.number)
        return f"{t.number} hết hiệu lực từ {t.ended:%d/%m/%Y}" + (f", thay bằng {', '.join(by)}" if by else "")

    def listed(found: list[tuple[str, list[LegalDocument]]]) -> str:
        return "; ".join(f"{what} ({'; '.join(ended_text(t) for t in texts)})" for what, texts in found)

    parts = []
    if without_basis:
        parts.append(f"Vào ngày {ctx.rates.as_of:%d/%m/%Y}, các yêu cầu sau chỉ dẫn văn bản đã hết hiệu lực: "
                     f"{listed(without_basis)}. Cần dẫn văn bản đang có hiệu lực (nội dung, mức thu có thể đã khác) "
                     "hoặc bãi bỏ yêu cầu.")
    if stale:
        parts.append(f"{'Bản ghi còn' if without_basis else f'Vào ngày {ctx.rates.as_of:%d/%m/%Y}, bản ghi còn'} "
                     f"dẫn văn bản đã hết hiệu lực: {listed(stale)}. Cần bỏ hoặc thay các viện dẫn này bằng văn bản "
                     "đang có hiệu lực.")
    return [Draft(
        rule=ENDED_BASIS, title="Căn cứ pháp lý đã hết hiệu lực", explanation=" ".join(parts), steps=steps, documents=docs,
    )]


def _over_limit(ctx: Context) -> list[Draft]:
    limit = ctx.procedure.time_limit_working_days
    days = ctx.days_in_time_limit
    if not over_time_limit(ctx.procedure, days):
        return []
    return [Draft(
        rule=OVER_LIMIT, title="Thời gian thực tế vượt thời hạn luật định",
        explanation=f"Từ khi cơ quan nhận hồ sơ đến khi trả kết quả mất {days:g} ngày làm việc (ước tính khả dĩ), "
        f"dài hơn thời hạn giải quyết {limit:g} ngày làm việc. Cần rà soát quy trình nội bộ hoặc thời hạn.",
    )]


def find(ctx: Context) -> list[Draft]:
    return _no_basis(ctx) + _ended_basis(ctx) + _over_limit(ctx)
