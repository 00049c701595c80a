"""Evaluate a whole simplification plan: apply each procedure's operations, analyse before and after, compare.

Pure: the catalogue is read, never changed. Raises `PlanError` for a procedure the plan cannot apply to
(unknown, abolished) and `ProposalError` (with the procedure code) for an operation that cannot apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.analyse import analyse
from analysis.findings import combine, find_all
from analysis.proposals import ProposalError, apply_operations, compare, cut_rate
from models.analysis import ProcedureAnalysis
from models.catalogue import Catalogue
from models.common import Source
from models.findings import Finding
from models.parameters import CostRates
from models.procedure import Procedure, Step
from models.proposal import Comparison, Operation, PlanComparison, ProcedureChanges, Proposal


class PlanError(ValueError):
    """A plan entry that names a procedure it cannot apply to; `entry` is its index in `procedures`."""

    def __init__(self, entry: int, code: str, message: str) -> None:
        super().__init__(f"procedures[{entry}] ({code}): {message}")
        self.entry = entry
        self.code = code
        self.message = message


def baseline(changes: ProcedureChanges, entry: int, catalogue: Catalogue) -> Procedure:
    """The catalogue's procedure a plan entry applies to; refuses unknown and abolished procedures."""
    procedure = catalogue.procedures.get(changes.code)
    if procedure is None:
        raise PlanError(entry, changes.code, f"thủ tục {changes.code} không có trong danh mục")
    if procedure.status == "abolished":
        raise PlanError(entry, changes.code, f"thủ tục {changes.code} đã bị bãi bỏ: không còn gì để đơn giản hóa")
    return procedure


def apply_entry(changes: ProcedureChanges, entry: int, catalogue: Catalogue) -> tuple[Procedure, Procedure]:
    """(before, after) for one plan entry; a ProposalError is re-raised as a PlanError naming the entry."""
    before = baseline(changes, entry, catalogue)
    try:
        return before, apply_operations(before, changes.operations)
    except ProposalError as exc:
        raise PlanError(entry, changes.code, str(exc)) from exc


@dataclass(frozen=True)
class EntryEvaluation:
    """One procedure of a plan: the procedure and its analysis before and after, and their comparison."""

    changes: ProcedureChanges
    procedure_before: Procedure
    procedure_after: Procedure
    before: ProcedureAnalysis
    after: ProcedureAnalysis
    comparison: Comparison

    @property
    def changed_steps(self) -> set[str]:
        """The steps of the procedure after the plan that are new or differ in anything from before (moved online,
        merged, re-ordered, shortened): what its after-graph marks."""
        before = {s.id: s for s in self.procedure_before.steps}
        return {s.id for s in self.procedure_after.steps if before.get(s.id) != s}

    @property
    def removed_steps(self) -> list[Step]:
        """The steps of the procedure before the plan that it no longer has, in their order."""
        kept = {s.id for s in self.procedure_after.steps}
        return [s for s in self.procedure_before.steps if s.id not in kept]


@dataclass(frozen=True)
class PlanEvaluation:
    proposal: Proposal
    entries: list[EntryEvaluation]
    summary: PlanComparison


def evaluate_entry(changes: ProcedureChanges, entry: int, catalogue: Catalogue, rates: CostRates) -> EntryEvaluation:
    before, after = apply_entry(changes, entry, catalogue)
    a_before = analyse(before, catalogue, rates, with_findings=False)
    a_after = analyse(after, catalogue, rates, with_findings=False)
    return EntryEvaluation(changes, before, after, a_before, a_after, compare(a_before, a_after, rates))


def evaluate(proposal: Proposal, catalogue: Catalogue, rates: CostRates) -> PlanEvaluation:
    """Per-procedure comparisons and the plan's totals, with the national targets in force on `rates.as_of`."""
    entries = [evaluate_entry(c, i, catalogue, rates) for i, c in enumerate(proposal.procedures)]
    return PlanEvaluation(proposal, entries, summarise(proposal, [e.comparison for e in entries], rates))


def summarise(proposal: Proposal, comparisons: list[Comparison], rates: CostRates) -> PlanComparison:
    """Totals over the procedures: annual cost before and after, saving, cut rates (the time target judged on the
    summed legal time limits; the summed likely days for information)."""
    before = sum(c.annual_before_vnd for c in comparisons)
    after = sum(c.annual_after_vnd for c in comparisons)
    days_before = sum(c.row("elapsed_working_days.likely").before for c in comparisons)
    days_after = sum(c.row("elapsed_working_days.likely").after for c in comparisons)
    time_cut = cut_rate(days_before, days_after)
    limit_cut = cut_rate(sum(c.row("time_limit_working_days").before for c in comparisons),
                         sum(c.row("time_limit_working_days").after for c in comparisons))
    cost_cut = cut_rate(before, after)
    return PlanComparison(
        proposal_id=proposal.id, title=proposal.title, as_of=rates.as_of, procedures=comparisons,
        annual_before_vnd=before, annual_after_vnd=after, saving_vnd_per_year=before - after,
        cost_cut_rate=cost_cut, time_cut_rate=time_cut, time_limit_cut_rate=limit_cut,
        target_time=rates.cut_target_time, target_cost=rates.cut_target_cost,
        meets_time_target=limit_cut >= rates.cut_target_time, meets_cost_target=cost_cut >= rates.cut_target_cost,
    )


ADOPTED = frozenset({"approved", "implemented"})
"""Plan statuses past the proposal stage: what they change is decided."""


def _named(op: Operation) -> set[str]:
    """The steps and documents an operation names (none: it acts on the whole procedure, as `go_online` may)."""
    fields = op.__dict__
    return {v for key in ("step", "after", "document") if isinstance(v := fields.get(key), str)} | set(
        fields.get("steps") or ())


def adopted_for(finding: Finding, plans: Iterable[Proposal]) -> list[Proposal]:
    """The approved or implemented plans that already make a change the finding suggests: an operation of the same
    kind on the finding's procedure, naming one of the same steps or documents (or naming none). Staff see that
    the cut is decided, and a ranking of savings does not offer it again."""
    wanted = [(op.op, _named(op)) for op in finding.suggestion]
    found = []
    for plan in plans:
        if plan.status not in ADOPTED:
            continue
        ops = [op for entry in plan.procedures if entry.code == finding.code for op in entry.operations]
        if any(op.op == kind and (not _named(op) or not names or _named(op) & names)
               for op in ops for kind, names in wanted):
            found.append(plan)
    return found


def suggest_proposal(code: str, catalogue: Catalogue, rates: CostRates) -> tuple[Proposal | None, list[Finding]]:
    """A draft plan: the findings' suggestions, best first, each kept only if it still applies after the others."""
    procedure = catalogue.procedures[code]
    findings = find_all(procedure, catalogue, rates)
    _, used = combine(procedure, findings)
    operations: list[Operation] = [op for f in used for op in f.suggestion]
    if not operations:
        return None, findings
    source = procedure.provenance.sources[0]
    proposal = Proposal(
        id="don-gian-hoa-" + code.replace(".", "-"),
        title=f"Phương án đơn giản hóa {procedure.name}",
        procedures=[ProcedureChanges(code=code, operations=operations,
                                     note="Lập tự động từ các phát hiện: " + ", ".join(f.rule for f in used))],
        sources=[Source(url=source.url, title=source.title, publisher=source.publisher, retrieved=source.retrieved,
                        note="Bản ghi thủ tục: nguồn số liệu, chưa phải căn cứ của phương án; cần bổ sung văn bản, "
                             "đề án làm căn cứ")],
        author="Cán bộ kiểm soát thủ tục hành chính (cần điền)",
        date=rates.as_of,
        summary="Bản nháp: cần rà soát từng thao tác trước khi trình.",
    )
    return proposal, findings
