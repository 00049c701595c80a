"""Rule 5: the same documents reviewed again by another unit.

A later check (review, verify, inspect) by a different agency or unit that looks only at documents an earlier
check already examined repeats the work: merge the two checks into one (one unit, or a joint review).
"""

from __future__ import annotations

from analysis.critical_path import likely_days
from analysis.findings.context import REVIEW_KINDS, Context, Draft, build
from analysis.proposals import ProcedureDraft, ProposalError
from models.proposal import MergeSteps, Operation

RULE = "repeated-review"


def find(ctx: Context) -> list[Draft]:
    checks = [s for s in ctx.order if s.kind in REVIEW_KINDS and s.consumes]
    if len(checks) < 2:
        return []
    root: dict[str, str] = {}
    examined = [frozenset(s.consumes) for s in checks]
    for i, later in enumerate(checks):
        docs = examined[i]
        for j, earlier in enumerate(checks[:i]):
            if earlier.id in root or (earlier.actor, earlier.unit) == (later.actor, later.unit):
                continue
            if docs <= examined[j] and ctx.is_before(earlier.id, later.id):
                root[later.id] = earlier.id
                break
    if not root:
        return []
    clusters: dict[str, list[str]] = {}
    for later_id, earlier_id in root.items():
        clusters.setdefault(earlier_id, [earlier_id]).append(later_id)
    ops: list[Operation] = []
    draft = ProcedureDraft(ctx.procedure)
    days = ctx.baseline_likely_days
    for members in clusters.values():
        first = ctx.by_id[members[0]]
        op = build(MergeSteps,
            steps=members,
            rationale=f"Các đơn vị sau xem lại đúng những giấy tờ «{first.name}» đã kiểm tra; gộp thành một lần thẩm định.",
            legal_change=ctx.legal_change(
                first.legal_basis, "Quy định một đầu mối thẩm định hồ sơ (hoặc thẩm định chung), bỏ thẩm định lặp lại.",
                uncited=False),
        )
        before = draft.checkpoint()
        try:
            draft.apply(op, undo=False)
        except ProposalError:
            draft.rollback(before)
            continue
        # A merged check waits for every predecessor of the checks it replaces: keep it only if that does not
        # make the procedure longer.
        merged_days = likely_days(list(draft.steps.values()))
        if merged_days > days:
            draft.rollback(before)
            continue
        days = merged_days
        ops.append(op)
    described = "; ".join(
        " và ".join(f"«{ctx.by_id[m].name}» ({ctx.by_id[m].unit or ctx.agency_name(ctx.by_id[m].actor)})" for m in members)
        for members in clusters.values())
    return [Draft(
        rule=RULE, title="Cùng hồ sơ bị thẩm định nhiều lần",
        explanation=f"Nhiều đơn vị lần lượt xem xét cùng một bộ giấy tờ: {described}. "
        "Một lần thẩm định (hoặc thẩm định chung) là đủ.",
        steps=[m for members in clusters.values() for m in members],
        suggestion=ops, after=draft.procedure(),
    )]
