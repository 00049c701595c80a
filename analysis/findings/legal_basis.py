"""Rule 8: requirements and steps with no legal basis; a likely critical path longer than the legal time limit.

A record that cites legal bases for some documents the applicant must provide (or steps) but not for others points
at requirements that no text sets (the result, and the papers agencies draw up on the way, are not requirements):
by Nghị định 63/2010/NĐ-CP every part of a procedure must be set by a legal text, so the unsupported ones must find
a basis or go. Staff check them (no automatic suggestion: the record may simply not cite the article); a time
limit shorter than the likely days it counts (from the agency's receipt to the result: `days_in_time_limit`) is
reported for review.
"""

from __future__ import annotations

from analysis.critical_path import days_in_time_limit
from analysis.findings.context import Context, Draft
from models.procedure import APPLICANT

NO_BASIS = "no-legal-basis"
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
    return _no_basis(ctx) + _over_limit(ctx)
