"""One call that analyses a procedure: metrics, compliance cost and redundancy findings."""

from __future__ import annotations

from datetime import date
from typing import Any

from analysis.calendar import calendar_days
from analysis.cost import compliance_cost
from analysis.critical_path import StepGraphError
from analysis.findings import review
from analysis.metrics import compute_metrics
from models.analysis import ProcedureAnalysis, trusted
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import Procedure


def analyse(
    procedure: Procedure, catalogue: Catalogue, rates: CostRates, *, start: date | None = None,
    method: str = "tt02", with_findings: bool = True, explain: bool = True,
) -> ProcedureAnalysis:
    """Metrics (calendar days from `start`, default the rates' day), cost by `method`, and findings.

    `explain=False` leaves out the cost's lines (`compliance_cost`): every number stays the same.

    >>> from tests.factories import tiny_procedure
    >>> from tests.analysis_records import catalogue, rates
    >>> a = analyse(tiny_procedure(), catalogue(), rates(), start=date(2026, 11, 20))
    >>> a.metrics.critical_path, a.metrics.elapsed_calendar_days.likely
    (['a', 'b', 'c'], 4)
    """
    try:
        metrics = compute_metrics(procedure, catalogue, start or rates.as_of, rates=rates)
    except StepGraphError as exc:  # name the record: a batch meets it among thousands
        raise StepGraphError(f"thủ tục {procedure.code}: {exc}") from None
    cost = compliance_cost(procedure, catalogue, rates, method, explain=explain)
    findings, saving = review(procedure, catalogue, rates, cost, metrics) if with_findings else ([], None)
    return trusted(ProcedureAnalysis, dict(
        code=procedure.code, name=procedure.name, metrics=metrics, cost=cost, findings=findings, saving=saving))


def row_from(row: dict[str, Any], start: date) -> dict[str, Any]:
    """A row of `analysis_row` with its calendar days counted from `start`: the only number of a row that depends on
    the day it is made (the others depend on the parameters' values), so a row kept from another day is reused.

    >>> row_from({"elapsed_working_days_likely": 3.0, "elapsed_calendar_days_likely": 3}, date(2026, 1, 30))["elapsed_calendar_days_likely"]
    5
    """
    return {**row, "elapsed_calendar_days_likely": calendar_days(start, row["elapsed_working_days_likely"])}


def analysis_row(a: ProcedureAnalysis, procedure: Procedure) -> dict[str, Any]:
    """A procedure's metrics, cost and finding counts as one flat row (the columns of `tthc analyze --all`); the
    critical path by the steps' names, as staff read it in the table."""
    m, c = a.metrics, a.cost
    names = {s.id: s.name for s in procedure.steps}
    by_rule: dict[str, int] = {}
    for f in a.findings:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    return {
        "code": a.code,
        "name": a.name,
        "steps": m.steps,
        "agencies": m.agencies,
        "agency_hops": m.agency_hops,
        "applicant_contacts": m.applicant_contacts,
        "visits": m.visits,
        "documents": m.documents,
        "originals": m.originals,
        "copies": m.copies,
        "certified_copies": m.certified_copies,
        "forms": m.forms,
        "payments": m.payments,
        "time_limit_working_days": m.time_limit_working_days,
        "working_days_in_time_limit": m.working_days_in_time_limit,
        "elapsed_working_days_low": m.elapsed_working_days.low,
        "elapsed_working_days_likely": m.elapsed_working_days.likely,
        "elapsed_working_days_high": m.elapsed_working_days.high,
        "elapsed_calendar_days_likely": m.elapsed_calendar_days.likely if m.elapsed_calendar_days else None,
        "critical_path": " → ".join(names[s] for s in m.critical_path),
        "applicant_minutes": m.applicant_minutes.total,
        "cost_method": c.method,
        "time_cost_vnd": c.time_cost_vnd,
        "fees_vnd": c.fees_vnd,
        "other_costs_vnd": c.other_costs_vnd,
        "per_case_vnd": c.per_case_vnd,
        "frequency_per_subject": float(c.frequency_per_subject),
        "subjects_per_year": c.subjects_per_year,
        "annual_cost_vnd": c.annual_cost_vnd,
        "findings": len(a.findings),
        "findings_by_rule": ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items())),
        "estimated_saving_vnd": a.saving.annual_vnd if a.saving else 0,
        "estimated_saving_working_days": a.saving.working_days_likely if a.saving else 0.0,
    }
