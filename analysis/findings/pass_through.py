"""Rule 4: steps that only pass the dossier on (Step.forwards_only), and ping-pong hops A → B → A.

A pass-through adds a hand-over and its waiting time without a decision or a check: remove it (its successors
then follow its predecessors). It is reported only when removing it saves time or money: a hand-over that takes no
time (an electronic transfer the record models as a step) is structure, not a cost to the applicant.

Nor is the one-stop desk a pass-through: the reception that takes the dossier from the applicant and passes it on,
or the step that brings the result back for the applicant to collect, is how the applicant deals with one desk only
(bộ phận một cửa, Nghị định 118/2025/NĐ-CP, before it 61/2018/NĐ-CP); removing it would send the applicant to the
back office. Its time is cut by transferring the dossier electronically, not by removing the desk. What remains are
hand-overs between agencies (the commune passing a liên thông dossier on to the police), which an electronic liên
thông removes.

A ping-pong sends the dossier to another agency and straight back; when the middle step is a mere transfer it can go
too. What else to do depends on why the dossier went: for an opinion or a
verification, ask at once (in parallel, or through one liên thông exchange); for a decision or an issuance by the
other agency (a director's signature, a card printed centrally), the round trip goes only if the decision is
delegated (phân cấp, ủy quyền) to the agency that holds the dossier, a change of the law left to the reviewer. An
exchange between information systems (`Step.automated`: the population database returning a personal ID number) is
no ping-pong: no one waits for a desk.
"""

from __future__ import annotations

from analysis.findings.context import Context, Draft, build
from analysis.proposals import ProcedureDraft, ProposalError
from models.procedure import APPLICANT, RECEIVING_KINDS, Procedure, Step, StepKind
from models.proposal import Operation, RemoveStep

PASS_THROUGH = "pass-through"
PING_PONG = "ping-pong"

DECISION_KINDS: frozenset[StepKind] = frozenset({"approve", "issue"})
"""The other agency decides or issues: only delegating the decision removes the round trip."""


def _removals(ctx: Context, ids: list[str], why: str) -> tuple[list[Operation], Procedure]:
    ops: list[Operation] = []
    draft = ProcedureDraft(ctx.procedure)
    for sid in ids:
        step = ctx.by_id[sid]
        op = build(RemoveStep,
            step=sid, rationale=why,
            legal_change=ctx.legal_change(step.legal_basis, f"Bỏ bước «{step.name}» khỏi trình tự thực hiện.",
                                          uncited=False),
        )
        try:
            draft.apply(op)
        except ProposalError:
            continue
        ops.append(op)
    return ops, draft.procedure()


def _one_stop_desk(ctx: Context, step: Step) -> bool:
    """The step receives the dossier from the applicant (a reception whose every predecessor is the applicant's), or
    brings the result back for the applicant to collect (every successor is the applicant taking it)."""
    takes_from_applicant = step.kind == "receive" and all(ctx.by_id[b].actor == APPLICANT for b in step.after)
    followers = ctx.followers[step.id]
    hands_back = bool(followers) and all(f.actor == APPLICANT and f.kind in RECEIVING_KINDS for f in followers)
    return takes_from_applicant or hands_back


def find(ctx: Context) -> list[Draft]:
    out: list[Draft] = []
    passing = [s.id for s in ctx.order if s.forwards_only and s.actor != APPLICANT and not _one_stop_desk(ctx, s)]
    if passing:
        ops, after = _removals(ctx, passing, "Bước chỉ chuyển hồ sơ, không xem xét, không quyết định.")
        out.append(Draft(
            rule=PASS_THROUGH, title="Bước trung chuyển hồ sơ",
            explanation="Các bước sau chỉ nhận rồi chuyển hồ sơ đi, không kiểm tra hay quyết định gì: "
            + ", ".join(f"«{ctx.by_id[s].name}» ({ctx.agency_name(ctx.by_id[s].actor)})" for s in passing)
            + ". Bỏ bước trung gian, hồ sơ chuyển thẳng đến nơi xử lý.",
            steps=passing, suggestion=ops, after=after, only_if_saving=True,
        ))

    hops: list[tuple[str, str, str]] = []
    for z in ctx.order:
        if z.actor == APPLICANT:
            continue
        for y_id in z.after:
            y = ctx.by_id[y_id]
            if y.actor in (APPLICANT, z.actor) or y.automated:
                continue
            for x_id in y.after:
                if ctx.by_id[x_id].actor == z.actor:
                    hops.append((x_id, y_id, z.id))
    if hops:
        middles = list(dict.fromkeys(y for _, y, _ in hops if ctx.by_id[y].kind == "transfer" and not ctx.by_id[y].forwards_only))
        ops, after = _removals(ctx, middles, "Hồ sơ chuyển sang cơ quan khác rồi quay lại mà không được xử lý ở đó.")
        out.append(Draft(
            rule=PING_PONG, title="Hồ sơ chuyển đi rồi quay lại",
            explanation="Hồ sơ đi từ một cơ quan sang cơ quan khác rồi quay về cơ quan ban đầu: "
            + "; ".join(
                f"{ctx.agency_name(ctx.by_id[x].actor)} → {ctx.agency_name(ctx.by_id[y].actor)} → "
                f"{ctx.agency_name(ctx.by_id[z].actor)} («{ctx.by_id[y].name}»)" for x, y, z in hops)
            + ". " + _ping_pong_advice({ctx.by_id[y].kind for _, y, _ in hops}),
            steps=list(dict.fromkeys(s for hop in hops for s in hop)), suggestion=ops, after=after,
        ))
    return out


def _ping_pong_advice(kinds: set[StepKind]) -> str:
    advice = []
    if kinds & DECISION_KINDS:
        advice.append("Nơi cơ quan kia phê duyệt, ký hoặc cấp rồi trả hồ sơ về: cân nhắc phân cấp, ủy quyền cho cơ quan "
                      "đang giữ hồ sơ quyết định để bỏ vòng chuyển đi, chuyển về; việc chỉ làm được tập trung (in, cá "
                      "thể hóa thẻ, sổ) thì giữ nơi làm, chuyển hồ sơ và kết quả điện tử để rút ngắn thời gian chuyển.")
    if kinds - DECISION_KINDS:
        advice.append("Nơi hồ sơ được gửi đi lấy ý kiến, xác minh: lấy ý kiến song song hoặc liên thông một lần thay vì "
                      "chuyển qua lại.")
    return " ".join(advice)
