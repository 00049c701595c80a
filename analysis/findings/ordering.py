"""Rule 3: order with no dependency.

- `parallel-steps`: two checks of the dossier (review, verify, inspect) by different units are done one after the
  other although neither uses what the other produces: they can run side by side (consultations sent at once).
  Saving = the cut in the critical path; reported only when there is one (a record rarely models what a check
  learns from the one before it, such as a lookup's result, so a claim of independence that changes nothing for
  the applicant is more likely noise than news).
- `waits-for-notice`: a step waits for a notice an agency sends to another agency (`Step.notifies`: the registration
  sent to the tax office) though it uses nothing the notice makes: the notice can go while the result is returned.
  Saving = the cut in the critical path; reported only when there is one.
- `redundant-order`: an ordering edge already implied by another path (transitive reduction, by reachability bit
  sets): it costs nothing but hides the real structure of the procedure.
"""

from __future__ import annotations

from analysis.critical_path import implied_edges
from analysis.findings.context import REVIEW_KINDS, Context, Draft, build
from analysis.proposals import ProcedureDraft
from models.procedure import Step
from models.proposal import Operation, Parallelize, StopWaiting

PARALLEL = "parallel-steps"
NOTICE = "waits-for-notice"
REDUNDANT = "redundant-order"

_ROUNDS = 4


def _independent(before: Step, step: Step) -> bool:
    return (
        before.kind in REVIEW_KINDS and step.kind in REVIEW_KINDS
        and (before.actor, before.unit) != (step.actor, step.unit)
        and not any(d in before.produces for d in step.consumes)
    )


def _who(step: Step) -> str:
    return f"«{step.name}»"


def _parallel(ctx: Context) -> list[Draft]:
    # Only checks can be parallelised, and `parallelize` changes no step's kind: look at checks alone.
    checks = [s.id for s in ctx.procedure.steps if s.kind in REVIEW_KINDS]
    if not any(_independent(ctx.by_id[b], ctx.by_id[s]) for s in checks for b in ctx.by_id[s].after):
        return []
    draft = ProcedureDraft(ctx.procedure)
    ops: list[Operation] = []
    pairs: list[tuple[str, str]] = []
    for _ in range(_ROUNDS):
        changed = False
        for step_id in checks:
            for b in list(draft.steps[step_id].after):
                step, before = draft.steps[step_id], draft.steps.get(b)
                if before is None or b not in step.after or not _independent(before, step):
                    continue
                op = build(Parallelize,
                    step=step.id, after=b,
                    rationale=f"{_who(step)} không dùng kết quả của {_who(before)}: hai bước kiểm tra do hai đơn vị "
                    "khác nhau thực hiện có thể tiến hành đồng thời.",
                    legal_change=ctx.legal_change(
                        step.legal_basis, "Quy định các cơ quan, đơn vị thẩm định, lấy ý kiến đồng thời, không tuần tự.",
                        uncited=False),
                )
                draft.apply(op, undo=False)  # cannot fail: `_independent` is the operation's own precondition
                ops.append(op)
                pairs.append((b, step.id))
                changed = True
        if not changed:
            break
    if not ops:
        return []
    described = "; ".join(f"{_who(ctx.by_id[a])} rồi mới đến {_who(ctx.by_id[b])}" for a, b in pairs if a in ctx.by_id)
    return [Draft(
        rule=PARALLEL, title="Các bước kiểm tra độc lập bị xếp nối tiếp",
        explanation=f"Các bước sau phải chờ nhau dù không bước nào dùng kết quả của bước kia: {described}. "
        "Cho thực hiện song song rút ngắn thời gian giải quyết.",
        steps=list(dict.fromkeys(x for pair in pairs for x in pair)),
        suggestion=ops, after=draft.procedure(), only_if_saving=True,
    )]


def _notices(ctx: Context) -> list[Draft]:
    notices, ops = [], []
    for step in ctx.procedure.steps:
        waiting = ctx.followers[step.id] if step.notifies else []
        if not waiting or any(d in step.produces for s in ctx.procedure.steps for d in s.consumes):
            continue
        told = ", ".join(ctx.agency_name(a) for a in step.notifies)
        notices.append(", ".join(_who(s) for s in waiting) + f" chờ {_who(step)} (thông báo cho {told})")
        ops.append(build(StopWaiting, step=step.id,
            rationale=f"{_who(step)} chỉ thông báo cho {told}: các bước sau không dùng kết quả của bước này.",
            legal_change=ctx.legal_change(
                step.legal_basis, f"Quy định gửi thông tin cho {told} đồng thời, không để người thực hiện chờ.",
                uncited=False)))
    if not ops:
        return []
    return [Draft(
        rule=NOTICE, title="Chờ thông báo gửi cơ quan khác",
        explanation="Các bước sau phải chờ một thông báo gửi cơ quan khác dù không dùng gì bước đó tạo ra: "
        + "; ".join(notices) + ". Gửi thông báo song song, người thực hiện không phải chờ.",
        steps=list(dict.fromkeys(sid for op in ops for sid in [op.step, *(s.id for s in ctx.followers[op.step])])),
        suggestion=list(ops), only_if_saving=True,
    )]


def _redundant(ctx: Context) -> list[Draft]:
    found = implied_edges(ctx.procedure.steps, ctx.reachability)
    if not found:
        return []
    return [Draft(
        rule=REDUNDANT, title="Thứ tự thực hiện ghi thừa",
        explanation="Các quan hệ thứ tự sau đã được bảo đảm qua bước khác, ghi thêm chỉ làm rối quy trình: "
        + "; ".join(f"{_who(ctx.by_id[b])} sau {_who(ctx.by_id[a])}" for a, b in found) + ".",
        steps=list(dict.fromkeys(x for pair in found for x in pair)),
    )]


def find(ctx: Context) -> list[Draft]:
    return _parallel(ctx) + _notices(ctx) + _redundant(ctx)
