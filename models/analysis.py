"""What the analysis returns: step-graph metrics, the compliance-cost breakdown, and both together.

Definitions (docs/method.md has the full text and a worked example):

- An **agency hop** is an edge of the step graph whose two steps are acted by two different agencies: the dossier
  moves from one agency to another. The applicant is not an agency: when the dossier goes agency A → applicant →
  agency B (the applicant carries it), that is not a hop; it shows up as applicant contacts instead.
- An **applicant contact** is a step acted by the applicant on a channel that reaches an agency (in person, online,
  post); a **visit** is a contact made in person.
- Document counts cover the **usual case**: the documents asked in every case (no `case`); when every document
  belongs to a case, those of the first case listed (the portal lists the general case first).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from models.common import Model
from models.findings import Finding, Saving
from models.parameters import DatedValue

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """A result built from values the analysis computed itself with the right types, without validation.

    Like pydantic's `model_construct` (the same four attributes are set) but without its per-field default
    handling, so every field must be given: about 4× faster, which matters for the ~30 cost lines of each of
    100,000 procedures. Tests check that such results validate as their own type.
    """
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


class DayRange(Model):
    """Elapsed working days, low / likely / high (each the longest path with that estimate of every step)."""

    low: float
    likely: float
    high: float


class CalendarDays(Model):
    """Elapsed calendar days from `start`, counting the start day, for each working-day estimate."""

    start: date
    low: int
    likely: int
    high: int
    end_likely: date
    """The day the result is expected (likely estimate)."""


class ApplicantMinutes(Model):
    """The applicant's own time over the steps, by activity (Thông tư 02/2017, Điều 27)."""

    preparation: int = 0
    travel: int = 0
    queue: int = 0
    counter: int = 0
    total: int = 0


class AgencyHop(Model):
    """One edge of the step graph that moves the dossier between two agencies."""

    from_step: str
    to_step: str
    from_agency: str
    to_agency: str


class CriticalPathResult(Model):
    """The longest path through the step graph with one estimate of every step's duration."""

    steps: list[str]
    working_days: float


class Metrics(Model):
    steps: int
    agencies: int
    """Distinct agencies acting in the steps."""
    agency_ids: list[str] = Field(default_factory=list)
    agency_hops: int
    hops: list[AgencyHop] = Field(default_factory=list)
    applicant_contacts: int
    visits: int
    """Applicant contacts made in person."""
    documents: int
    originals: int
    copies: int
    certified_copies: int
    forms: int
    payments: int
    """Fees and charges actually paid on the main channel (amount > 0)."""
    elapsed_working_days: DayRange
    elapsed_calendar_days: CalendarDays | None = None
    """None when no start date was given."""
    critical_path: list[str]
    """Step ids of the longest path with likely durations."""
    applicant_minutes: ApplicantMinutes
    time_limit_working_days: float = 0
    """The legal time limit of the main channel, for comparison with `working_days_in_time_limit`."""
    working_days_in_time_limit: float = 0
    """Likely working days the time limit counts: from the first step of an agency in charge until the applicant
    takes the result, the applicant's own steps adding none (analysis.critical_path.days_in_time_limit)."""


SourceKind = Literal["step", "document", "fee", "parameter"]
SOURCE_KIND_LABELS_VI: dict[str, str] = {
    "step": "bước", "document": "giấy tờ", "fee": "phí, lệ phí", "parameter": "tham số",
}
ROUNDING_NOTE_VI = "Mỗi dòng được làm tròn riêng đến đồng; C1 được làm tròn một lần từ tổng chính xác của các dòng."


class CostLine(Model):
    """One traceable line of the compliance cost: what produced it, how many minutes or units, and the amount."""

    activity: str
    """Vietnamese label: Chuẩn bị hồ sơ, Đi lại, Chờ đợi, Làm việc tại quầy (or với cơ quan, off site), Phí, lệ phí,
    Sao chụp..."""
    source_kind: SourceKind
    source_id: str
    """Step id, document id, fee name or parameter name."""
    minutes: int = 0
    """Applicant minutes (0 for money lines)."""
    quantity: int = 0
    """Units paid for on money lines (pages, copies, trips); 0 on time lines."""
    rate_vnd: Decimal
    """Hourly income for time lines (đồng/giờ); unit amount for money lines (đồng per unit)."""
    amount_vnd: int
    """Rounded half-up to whole đồng; totals are summed exactly then rounded once, so may differ by 1 đ."""
    exact_vnd: Decimal
    explanation: str
    """Vietnamese: how the number was produced, naming the parameter and its value."""
    kind: Literal["time", "fee", "other"]


class CostBreakdown(Model):
    """C1 = Σ T_i × W + F + O and C_year = C1 × f × N (Thông tư 02/2017/TT-VPCP, Điều 27)."""

    method: Literal["tt02", "scm"]
    as_of: date
    label: str = ""
    """Vietnamese label of the method (the SCM preset is a cross-check, not the official figure)."""
    lines: list[CostLine]
    time_minutes: int
    time_cost_vnd: int
    fees_vnd: int
    other_costs_vnd: int
    per_case_vnd: int
    """C1, rounded half-up."""
    frequency_per_subject: Decimal
    subjects_per_year: int
    annual_cost_vnd: int
    """C1 (the rounded figure above) × f × N, rounded half-up to whole đồng: what a reviewer multiplying the table's
    figures finds."""
    hourly_income_vnd: Decimal
    parameters: dict[str, DatedValue] = Field(default_factory=dict)
    """Every dated parameter the lines used, by name, with its source."""

    @property
    def rounding_vnd(self) -> int:
        """C1 minus the sum of the lines as shown: each line is rounded on its own and C1 once from the exact sum,
        so a table of lines needs this row (a few đồng) to add up to C1. 0 without lines."""
        return self.per_case_vnd - sum(line.amount_vnd for line in self.lines) if self.lines else 0

    def by_activity(self) -> dict[str, int]:
        """The lines' amounts summed by activity (đi lại, chờ đợi, phí, sao chụp...), largest first: where C1 goes."""
        totals: dict[str, int] = {}
        for line in self.lines:
            totals[line.activity] = totals.get(line.activity, 0) + line.amount_vnd
        return dict(sorted(totals.items(), key=lambda item: -item[1]))


class ProcedureAnalysis(Model):
    code: str
    name: str
    metrics: Metrics
    cost: CostBreakdown
    findings: list[Finding] = Field(default_factory=list)
    saving: Saving | None = None
    """The findings' suggestions applied together (analysis.findings.combined_saving): not the sum of their savings,
    which counts twice what two of them both remove."""
