"""Everything the pages show, computed once: each procedure's analysis and the simplification plans' comparisons
(and the latest re-analysis report, read as it is)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from analysis.analyse import analyse
from analysis.legal_impact import Amendment
from analysis.plan import EntryEvaluation, evaluate
from models.analysis import ProcedureAnalysis
from models.catalogue import Catalogue
from models.change import ImpactReport
from models.parameters import CostRates
from models.proposal import Comparison, PlanComparison, ProcedureChanges, Proposal


@dataclass(frozen=True)
class PlanEntry:
    """One procedure's part of a simplification plan: the operations, the procedure after them and the before /
    after comparison."""

    proposal: Proposal
    evaluation: EntryEvaluation

    @property
    def changes(self) -> ProcedureChanges:
        return self.evaluation.changes

    @property
    def comparison(self) -> Comparison:
        return self.evaluation.comparison


@dataclass
class SiteData:
    """The catalogue, the day its figures are computed for, and the results the pages show."""

    catalogue: Catalogue
    as_of: date
    rates: CostRates
    analyses: dict[str, ProcedureAnalysis]
    plans: list[PlanComparison] = field(default_factory=list)
    plan_entries: dict[str, list[PlanEntry]] = field(default_factory=dict)
    """By procedure code."""
    reanalysis: ImpactReport | None = None
    """The latest re-analysis after a legal change (`reports/latest.json`), shown as it was computed."""
    other_reports: list[tuple[str, ImpactReport]] = field(default_factory=list)
    """The other re-analyses published beside it, by their folder's name (`earlier_reports`)."""
    amendments: dict[str, list[Amendment]] = field(default_factory=dict)
    """By procedure code, the legal changes in force on `as_of` that touched its record (`catalogue` has them
    applied)."""
    ahead: dict[str, list[Amendment]] = field(default_factory=dict)
    """By procedure code, the legal changes announced for after `as_of` that will touch it."""


def collect(
    catalogue: Catalogue, as_of: date, proposals: Iterable[Proposal] = (), *, with_findings: bool = True,
    reanalysis: ImpactReport | None = None, amendments: dict[str, list[Amendment]] | None = None,
    ahead: dict[str, list[Amendment]] | None = None, other_reports: list[tuple[str, ImpactReport]] | None = None,
) -> SiteData:
    """Analyse every procedure with the parameters in force on `as_of`, and evaluate every plan (in id order)."""
    rates = CostRates.from_parameters(catalogue.parameters, as_of)
    analyses = {
        code: analyse(catalogue.procedures[code], catalogue, rates, with_findings=with_findings)
        for code in sorted(catalogue.procedures)
    }
    site = SiteData(catalogue=catalogue, as_of=as_of, rates=rates, analyses=analyses, reanalysis=reanalysis,
                    amendments=amendments or {}, ahead=ahead or {}, other_reports=other_reports or [])
    for proposal in sorted(proposals, key=lambda p: p.id):
        evaluation = evaluate(proposal, catalogue, rates)
        site.plans.append(evaluation.summary)
        for entry in evaluation.entries:
            site.plan_entries.setdefault(entry.changes.code, []).append(
                PlanEntry(proposal, entry))
    return site
