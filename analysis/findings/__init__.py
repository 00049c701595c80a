"""Redundancy findings (rules 1–8 of the review method), one module per rule.

Each rule reads a shared `Context` (the procedure's step graph indexed once) and returns drafts with a
suggestion made of proposal operations. `find_all` then computes each suggestion's saving by applying it
(`analysis.proposals.apply_operations`) and re-running the cost model and the critical path on the result:
savings are never estimated by hand. Findings come most valuable first.

>>> from tests.factories import tiny_procedure
>>> from catalogue.store import open_catalogue
>>> from datetime import date
>>> from models.parameters import CostRates
>>> cat = open_catalogue()
>>> [f.rule for f in find_all(tiny_procedure(), cat, CostRates.from_parameters(cat.parameters, date(2025, 1, 1)))]
['visits']
"""

from __future__ import annotations

from collections.abc import Callable

from analysis.critical_path import likely_days
from analysis.findings import (
    asked_twice,
    certified_copy,
    legal_basis,
    once_only,
    ordering,
    pass_through,
    repeated_review,
    visits,
)
from analysis.findings.context import Context, Draft
from analysis.proposals import ProcedureDraft, ProposalError, apply_operations
from models.analysis import CostBreakdown, Metrics, trusted
from models.catalogue import Catalogue
from models.findings import Finding, Saving
from models.parameters import CostRates
from models.procedure import Procedure
from models.proposal import FEWER_PAPERS, Operation

RULES: list[Callable[[Context], list[Draft]]] = [
    once_only.find, asked_twice.find, ordering.find, pass_through.find, repeated_review.find, visits.find,
    certified_copy.find, legal_basis.find,
]

# Each rule's name, for tables that count findings by rule (a finding's own title may be more specific: «Phải đến
# trực tiếp 4 lần»), in the order findings of equal saving are listed.
RULE_TITLES: dict[str, str] = {
    once_only.RULE: "Yêu cầu giấy tờ mà Nhà nước đã có",
    asked_twice.RULE: "Giấy tờ bị yêu cầu hai lần",
    ordering.PARALLEL: "Các bước kiểm tra độc lập bị xếp nối tiếp",
    ordering.NOTICE: "Chờ thông báo gửi cơ quan khác",
    ordering.REDUNDANT: "Thứ tự thực hiện ghi thừa",
    pass_through.PASS_THROUGH: "Bước trung chuyển hồ sơ",
    pass_through.PING_PONG: "Hồ sơ chuyển đi rồi quay lại",
    repeated_review.RULE: "Cùng hồ sơ bị thẩm định nhiều lần",
    visits.RULE: "Phải đến trực tiếp nhiều lần",
    certified_copy.RULE: "Yêu cầu bản sao chứng thực",
    legal_basis.NO_BASIS: "Yêu cầu, bước thực hiện không ghi căn cứ pháp lý",
    legal_basis.ENDED_BASIS: "Căn cứ pháp lý đã hết hiệu lực",
    legal_basis.OVER_LIMIT: "Thời gian thực tế vượt thời hạn luật định",
}
RULE_IDS = list(RULE_TITLES)

def same_timing(before: Procedure, after: Procedure) -> bool:
    """Whether the critical path reads the very same inputs (ids, `after` lists, durations) in both: operations
    build changed steps by copying the others' fields (analysis/proposals.py), so an operation that did not touch
    the timing leaves these objects identical, and the path, recomputed, would be the same number."""
    a, b = before.steps, after.steps
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x is not y and (x.id != y.id or x.after is not y.after or x.duration is not y.duration):
            return False
    return True


def suggestion_saving(ctx: Context, operations: list[Operation], after: Procedure | None = None) -> Saving:
    """The saving of applying `operations` (giving `after`): baseline minus re-computed cost and critical path.

    The cost is always re-run: telling first whether a suggestion changes anything the cost reads took as long as
    the re-run it sometimes spared (the steps and documents are read either way)."""
    if after is None:
        after = apply_operations(ctx.procedure, operations)
    days = 0.0 if same_timing(ctx.procedure, after) else ctx.baseline_likely_days - likely_days(after.steps)
    base, cost = ctx.baseline_cost, ctx.costs.totals(after)
    per_case = base.per_case_vnd - cost.per_case_vnd
    fees, other = base.fees_vnd - cost.fees_vnd, base.other_costs_vnd - cost.other_costs_vnd
    return trusted(Saving, {"working_days_likely": round(days, 4), "per_case_vnd": per_case,
                            "annual_vnd": base.annual_cost_vnd - cost.annual_cost_vnd,
                            "fees_vnd": fees, "other_vnd": other, "time_vnd": per_case - fees - other})


def _measured_against(cost: CostBreakdown | None, rates: CostRates) -> CostBreakdown | None:
    """The caller's cost of the procedure, if it is the one savings are measured against (tt02, with `rates`)."""
    return cost if cost is not None and cost.method == "tt02" and cost.as_of == rates.as_of else None


def combine(procedure: Procedure, findings: list[Finding]) -> tuple[Procedure, list[Finding]]:
    """The findings' suggestions applied together: best first, each finding's kept only if it saves time or money,
    or takes a paper out of the applicant's dossier (worth 0 đ where the paper costs no copy, yet the cut a plan
    lists first), and still applies after those before it. Returns the procedure after them and the findings used."""
    draft = ProcedureDraft(procedure)
    used: list[Finding] = []
    for f in findings:
        if not f.suggestion or f.saving is None:
            continue
        if f.saving.annual_vnd <= 0 and f.saving.working_days_likely <= 0 and not any(
                op.op in FEWER_PAPERS for op in f.suggestion):
            continue
        state = draft.checkpoint()
        try:
            for op in f.suggestion:
                draft.apply(op, undo=False)
        except ProposalError:
            draft.rollback(state)
            continue
        used.append(f)
    return draft.procedure(), used


def combined_saving(procedure: Procedure, catalogue: Catalogue, rates: CostRates, findings: list[Finding],
                    baseline_cost: CostBreakdown | None = None) -> Saving | None:
    """The saving of the findings' suggestions applied together (`combine`): what the procedure gains from all of
    them, where adding up each finding's own saving would count twice what two suggestions both remove (the trip
    that once-only and going online both spare). None when no suggestion saves anything."""
    return _combined(Context(procedure, catalogue, rates, _measured_against(baseline_cost, rates)), findings)


def _combined(ctx: Context, findings: list[Finding]) -> Saving | None:
    after, used = combine(ctx.procedure, findings)
    if not used:
        return None
    return suggestion_saving(ctx, [op for f in used for op in f.suggestion], after)


def find_all(procedure: Procedure, catalogue: Catalogue, rates: CostRates,
             baseline_cost: CostBreakdown | None = None) -> list[Finding]:
    """Every finding for `procedure`, most valuable first (annual saving, then days saved, then rule order).

    `baseline_cost`: the tt02 `compliance_cost` of `procedure` with `rates` when the caller has it already."""
    return _findings(Context(procedure, catalogue, rates, _measured_against(baseline_cost, rates)))


def review(procedure: Procedure, catalogue: Catalogue, rates: CostRates, baseline_cost: CostBreakdown | None = None,
           metrics: Metrics | None = None) -> tuple[list[Finding], Saving | None]:
    """`find_all` and `combined_saving` together, sharing the procedure's indexes and baseline (`metrics`: the
    procedure's, when the caller has them)."""
    ctx = Context(procedure, catalogue, rates, _measured_against(baseline_cost, rates), metrics)
    findings = _findings(ctx)
    return findings, _combined(ctx, findings)


def _findings(ctx: Context) -> list[Finding]:
    procedure = ctx.procedure
    findings: list[Finding] = []
    for rule in RULES:
        for draft in rule(ctx):
            suggestion, saving = draft.suggestion, None
            if suggestion:
                try:
                    saving = suggestion_saving(ctx, suggestion, draft.after)
                except ProposalError:
                    suggestion = []
                if saving is not None and min(saving.annual_vnd, saving.per_case_vnd, saving.working_days_likely) < 0:
                    # A suggestion must not make the procedure dearer or longer: leave the finding for review.
                    suggestion, saving = [], None
            if draft.only_if_saving and (saving is None or not (saving.annual_vnd or saving.working_days_likely)):
                continue
            findings.append(trusted(Finding, {
                "rule": draft.rule, "title": draft.title, "explanation": draft.explanation, "code": procedure.code,
                "steps": draft.steps, "documents": draft.documents, "suggestion": suggestion, "saving": saving,
            }))
    order = {rule: i for i, rule in enumerate(RULE_IDS)}
    findings.sort(key=lambda f: (
        -f.annual_saving_vnd, -f.saving_working_days, order[f.rule],
    ))
    return findings


__all__ = ["RULES", "RULE_IDS", "RULE_TITLES", "combine", "combined_saving", "find_all", "review", "suggestion_saving"]
