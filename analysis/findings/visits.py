"""Rule 6: more than one in-person visit, where one visit or none (online, toàn trình) would do.

A visit the law requires (`Step.presence_required`: both spouses at a marriage registration) stays: the others go
online, and one visit remains."""

from __future__ import annotations

from analysis.findings.context import Context, Draft, build
from models.procedure import APPLICANT
from models.proposal import GoOnline, Operation

RULE = "visits"


def find(ctx: Context) -> list[Draft]:
    visits = [s for s in ctx.order if s.in_person]
    if len(visits) < 2:
        return []
    movable = [s for s in visits if s.actor == APPLICANT and not s.presence_required]
    required = [s for s in visits if s.presence_required]
    online = any(c.kind == "online" for c in ctx.procedure.channels)
    note = (
        "Thủ tục đã có kênh trực tuyến, nhưng theo trình tự thực hiện thông thường người thực hiện vẫn phải đến trụ "
        "sở. " if online
        else "Thủ tục chưa có kênh trực tuyến. "
    )
    if required:
        note += "Pháp luật yêu cầu có mặt trực tiếp ở " + ", ".join(f"«{s.name}»" for s in required) + ": giữ lần đến đó. "
        cure = "thực hiện trực tuyến các bước còn lại bỏ những lần đến khác."
        rationale = ("Các bước còn lại thực hiện trực tuyến (kết quả điện tử hoặc qua bưu chính); chỉ đến trụ sở ở bước "
                     "pháp luật yêu cầu có mặt.")
        law = "Quy định cách thức thực hiện trực tuyến"
    else:
        cure = "thực hiện trực tuyến toàn trình bỏ các lần đến."
        rationale = "Nộp hồ sơ, nhận kết quả trực tuyến (kết quả điện tử hoặc qua bưu chính), không phải đến trụ sở."
        law = "Quy định cách thức thực hiện trực tuyến toàn trình"
    suggestion: list[Operation] = [build(GoOnline,
        steps=[s.id for s in movable], rationale=rationale,
        # Where an online channel exists the law already allows it: the change is the agencies' to make.
        legal_change=[] if online else ctx.legal_change(
            [], f"{law}; kết quả điện tử có giá trị như bản giấy (Nghị định {ctx.current_text('45/2020/NĐ-CP')}; "
            f"Nghị định {ctx.current_text('42/2022/NĐ-CP')})."),
    )] if movable else []
    return [Draft(
        rule=RULE, title=f"Phải đến trực tiếp {len(visits)} lần",
        explanation=f"Người thực hiện phải đến trụ sở {len(visits)} lần: "
        + ", ".join(f"«{s.name}»" for s in visits) + ". " + note
        + "Mỗi lần đến mất thời gian đi lại, chờ đợi và chi phí đi lại; " + cure,
        steps=[s.id for s in visits], suggestion=suggestion,
    )]
