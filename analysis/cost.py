"""Compliance cost of a procedure (Thông tư 02/2017/TT-VPCP, Điều 27).

    C1 = Σ T_i × W + F + O          C_year = C1 × f × N

T_i: the applicant's minutes on each activity (preparation, travel, queue, counter on the steps; certifying copies);
W: income per hour (`hourly_income_vnd`); F: fees and charges of the main channel; O: other costs (copies,
certification fees, travel, postage, a step's own out-of-pocket costs); f: times per year per subject; N: subjects
per year. Every line names the step, document, fee or parameter that produced it. Minutes and money are whole
numbers summed as integers; the time cost Σ T_i × W ÷ 60 and C1, C_year are exact Decimals, each rounded half-up
to whole đồng once, at the end.

Method "scm" replaces the applicant's minutes with the Standard Cost Model's standard times (German Leitfaden
zur Ermittlung des Erfüllungsaufwands) for a cross-check; fees and other costs are the same.
"""

# ruff: noqa: B023  (explanation lambdas are called at once: see `Explain`)
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, cast

from analysis.metrics import office_level, usual_case_documents
from models.analysis import CostBreakdown, CostLine, SourceKind, trusted
from models.catalogue import Catalogue
from models.common import level_in_sentence
from models.parameters import CostRates, DatedValue, ParameterSet, ScmTimes
from models.procedure import APPLICANT, CHANNEL_LABELS_VI, FEE_PER_VI, Document, Procedure, Step

METHOD_LABELS_VI = {
    "tt02": "Chi phí tuân thủ theo Thông tư 02/2017/TT-VPCP, Điều 27",
    "scm": "Đối chiếu theo Mô hình chi phí chuẩn (SCM, thời gian chuẩn của Đức): chỉ để tham khảo, không thay số liệu theo Thông tư 02/2017",
}

# Vietnamese activity labels of the cost lines.
PREPARATION = "Chuẩn bị hồ sơ"
TRAVEL = "Đi lại"
QUEUE = "Chờ đợi"
COUNTER = "Làm việc tại quầy"
COUNTER_AWAY = "Làm việc với cơ quan"  # the same minutes on a step not done at an office (online, at home)
CERTIFY_TIME = "Chứng thực bản sao (thời gian)"
FEE = "Phí, lệ phí"
COPY = "Sao chụp giấy tờ"
CERTIFY_FEE = "Phí chứng thực bản sao"
TRAVEL_COST = "Chi phí đi lại"
POSTAGE = "Cước bưu chính"
OTHER = "Chi phí khác"

SIXTY = Decimal(60)
ONE = Decimal(1)
ZERO = Decimal(0)


def round_vnd(amount: Decimal) -> int:
    """Whole đồng, half rounded up (0.5 đ → 1 đ)."""
    return int(amount.quantize(ONE, rounding=ROUND_HALF_UP))


def dong(amount: int | Decimal) -> str:
    """Money as Vietnamese write it inside an explanation: 1.234.567 đ."""
    whole = amount if isinstance(amount, int) else round_vnd(amount)
    return f"{whole:,} đ".replace(",", ".")


def certification_fee_vnd(pages: int, rates: CostRates) -> int:
    """Fee to certify one copy of `pages` pages (Thông tư 226/2016/TT-BTC: pages 1–2, from page 3, cap per copy)."""
    fee = rates.certification_fee_first_pages_vnd * min(pages, 2) + rates.certification_fee_next_pages_vnd * max(pages - 2, 0)
    return min(fee, rates.certification_fee_cap_vnd)


Explain = Callable[[], str]
"""A cost line's Vietnamese explanation, built only when the breakdown is explained (not for the totals). The
explanations below are lambdas over loop variables: each is called, if at all, before the loop moves on."""


class _Totals:
    """Sums the cost lines without keeping them: what the findings need to compute a saving.

    Minutes and money are whole numbers (every amount is quantity × a whole-đồng unit), so they are summed as
    integers and the time cost is W × Σ T_i ÷ 60, one exact division (the same number as Σ T_i × W ÷ 60)."""

    def __init__(self, hourly: Decimal) -> None:
        self.hourly = hourly
        self.minutes = 0
        self.fees = 0
        self.other = 0
        self.used: set[str] = set()

    @property
    def time(self) -> Decimal:
        return self.hourly * self.minutes / SIXTY

    def time_line(self, activity: str, kind: SourceKind, source: str, minutes: int, explain: Explain) -> None:
        if minutes > 0:
            self.minutes += minutes

    def money_line(self, activity: str, kind: SourceKind, source: str, quantity: int, unit_vnd: int, explain: Explain,
                   *, fee: bool = False) -> None:
        amount = quantity * unit_vnd
        if amount <= 0:
            return
        if fee:
            self.fees += amount
        else:
            self.other += amount


class _Lines(_Totals):
    """Also keeps every line with its explanation; each amount stays exact until the totals are rounded."""

    def __init__(self, hourly: Decimal) -> None:
        super().__init__(hourly)
        self.hourly_text = dong(hourly)
        self.lines: list[CostLine] = []

    def time_line(self, activity: str, kind: SourceKind, source: str, minutes: int, explain: Explain) -> None:
        if minutes <= 0:
            return
        exact = self.hourly * minutes / SIXTY
        self.minutes += minutes
        self.lines.append(trusted(CostLine, {
            "activity": activity, "source_kind": kind, "source_id": source, "minutes": minutes, "quantity": 0,
            "rate_vnd": self.hourly, "amount_vnd": round_vnd(exact), "exact_vnd": exact, "kind": "time",
            "explanation": f"{explain()}; {minutes} phút × {self.hourly_text}/giờ (hourly_income_vnd) ÷ 60"}))

    def money_line(self, activity: str, kind: SourceKind, source: str, quantity: int, unit_vnd: int, explain: Explain,
                   *, fee: bool = False) -> None:
        amount = quantity * unit_vnd
        if amount <= 0:
            return
        exact = Decimal(amount)
        if fee:
            self.fees += amount
        else:
            self.other += amount
        self.lines.append(trusted(CostLine, {
            "activity": activity, "source_kind": kind, "source_id": source, "minutes": 0, "quantity": quantity,
            "rate_vnd": Decimal(unit_vnd), "amount_vnd": amount, "exact_vnd": exact, "kind": "fee" if fee else "other",
            "explanation": explain()}))


def _money_lines(out: _Totals, procedure: Procedure, catalogue: Catalogue, rates: CostRates,
                 documents: list[Document]) -> None:
    """F and O: fees of the main channel, copies, certification fees, travel costs, postage, steps' own costs."""
    _fee_lines(out, procedure)
    for doc in documents:
        _document_money_lines(out, doc, rates)
    if _certifies(documents):
        _certification_trip_cost(out, rates)
    for step in procedure.steps:
        _step_money_lines(out, step, procedure, catalogue, rates)


def _fee_lines(out: _Totals, procedure: Procedure) -> None:
    channel = procedure.main_channel
    for fee in channel.fees:
        per = FEE_PER_VI[fee.per]
        out.money_line(FEE, "fee", fee.name, fee.quantity, fee.amount_vnd,
                       lambda: f"{fee.name} (kênh {CHANNEL_LABELS_VI[channel.kind].lower()}): {dong(fee.amount_vnd)}/{per} × {fee.quantity}", fee=True)


def _certifies(documents: list[Document]) -> bool:
    """Whether the dossier has a certified copy to make: one trip to a commune-level office (UBND cấp xã) certifies
    every copy of the dossier."""
    return any(d.certified_copies and not d.presented for d in documents)


def _document_money_lines(out: _Totals, doc: Document, rates: CostRates) -> None:
    if doc.presented:
        return  # only shown at the counter: nothing copied or left behind
    copied = doc.copies + doc.certified_copies
    copy_cost = rates.copy_cost_vnd_per_page
    if copied:
        out.used.add("copy_cost_vnd_per_page")
        out.money_line(COPY, "document", doc.id, copied * doc.pages, copy_cost,
                       lambda: f"{copied} bản sao × {doc.pages} trang × {dong(copy_cost)}/trang (copy_cost_vnd_per_page)")
    if doc.certified_copies:
        per_copy = certification_fee_vnd(doc.pages, rates)
        out.used.update(("certification_fee_first_pages_vnd", "certification_fee_next_pages_vnd",
                         "certification_fee_cap_vnd"))
        out.money_line(CERTIFY_FEE, "document", doc.id, doc.certified_copies, per_copy,
                       lambda: f"{doc.certified_copies} bản sao chứng thực × {dong(per_copy)}/bản ({doc.pages} trang: "
                       f"{dong(rates.certification_fee_first_pages_vnd)}/trang cho trang 1–2, "
                       f"{dong(rates.certification_fee_next_pages_vnd)}/trang từ trang 3, tối đa "
                       f"{dong(rates.certification_fee_cap_vnd)}/bản; Thông tư 226/2016/TT-BTC)")


def _certification_trip_cost(out: _Totals, rates: CostRates) -> None:
    out.used.add("travel_cost_vnd.commune")
    out.money_line(TRAVEL_COST, "parameter", "travel_cost_vnd.commune", 1, rates.travel_cost_vnd["commune"],
                   lambda: f"Một chuyến đi chứng thực bản sao tại cấp xã: {dong(rates.travel_cost_vnd['commune'])} (travel_cost_vnd.commune)")


def _step_money_lines(out: _Totals, step: Step, procedure: Procedure, catalogue: Catalogue, rates: CostRates) -> None:
    if step.in_person:
        level = office_level(step, procedure, catalogue)
        name = f"travel_cost_vnd.{level}"
        out.used.add(name)
        out.money_line(TRAVEL_COST, "step", step.id, 1, rates.travel_cost_vnd[level],
                       lambda: f"Bước «{step.name}»: đến trụ sở {level_in_sentence(level)}, {dong(rates.travel_cost_vnd[level])} ({name})")
    if step.channel == "post" and step.actor == APPLICANT:
        out.used.add("postage_vnd")
        out.money_line(POSTAGE, "step", step.id, 1, rates.postage_vnd,
                       lambda: f"Bước «{step.name}» qua bưu chính: {dong(rates.postage_vnd)} (postage_vnd)")
    if step.other_costs_vnd:
        out.money_line(OTHER, "step", step.id, 1, step.other_costs_vnd,
                       lambda: f"Bước «{step.name}»: chi phí khác {dong(step.other_costs_vnd)} ghi trong bước")


def _step_label(step: Step) -> str:
    return f"Bước «{step.name}»" + (" (ước tính)" if step.origin == "estimate" else "")


def _tt02_time_lines(out: _Totals, procedure: Procedure, catalogue: Catalogue, rates: CostRates,
                     documents: list[Document]) -> None:
    """T_i from each step's applicant time, plus the trip and wait to certify copies."""
    for step in procedure.steps:
        _step_time_lines(out, step, procedure, catalogue, rates)
    if _certifies(documents):
        _certification_time_lines(out, rates)


def _step_time_lines(out: _Totals, step: Step, procedure: Procedure, catalogue: Catalogue, rates: CostRates) -> None:
    at = step.applicant_time
    if at is not None:
        out.time_line(PREPARATION, "step", step.id, at.preparation, lambda: f"{_step_label(step)}: chuẩn bị {at.preparation} phút")
    if step.in_person:
        if at is not None and at.travel is not None:
            out.time_line(TRAVEL, "step", step.id, at.travel, lambda: f"{_step_label(step)}: đi lại {at.travel} phút (ghi trong bước)")
        else:
            level = office_level(step, procedure, catalogue)
            minutes = rates.travel_minutes[level]
            out.used.add(f"travel_minutes.{level}")
            out.time_line(TRAVEL, "step", step.id, minutes,
                          lambda: f"{_step_label(step)}: đi lại khứ hồi đến trụ sở {level_in_sentence(level)} {minutes} phút (travel_minutes.{level})")
    if at is not None:
        out.time_line(QUEUE, "step", step.id, at.queue, lambda: f"{_step_label(step)}: chờ đợi {at.queue} phút")
        if step.in_person:
            out.time_line(COUNTER, "step", step.id, at.counter,
                          lambda: f"{_step_label(step)}: làm việc tại quầy {at.counter} phút")
        else:
            out.time_line(COUNTER_AWAY, "step", step.id, at.counter,
                          lambda: f"{_step_label(step)}: làm việc với cơ quan, không đến trụ sở, {at.counter} phút")


def _certification_time_lines(out: _Totals, rates: CostRates) -> None:
    out.used.update(("certification_minutes", "travel_minutes.commune"))
    out.time_line(CERTIFY_TIME, "parameter", "certification_minutes", rates.certification_minutes,
                  lambda: f"Chờ và làm thủ tục chứng thực bản sao {rates.certification_minutes} phút (certification_minutes)")
    trip = rates.travel_minutes["commune"]
    out.time_line(TRAVEL, "parameter", "travel_minutes.commune", trip,
                  lambda: f"Đi lại khứ hồi để chứng thực bản sao tại cấp xã {trip} phút (travel_minutes.commune)")


_SCM_CACHE: dict[tuple[int, date, str], tuple[ParameterSet, ScmTimes]] = {}


def scm_times(catalogue: Catalogue, rates: CostRates, subject: str) -> ScmTimes:
    """The SCM standard times in force on the rates' day (resolved once per parameter set, day and subject)."""
    params = catalogue.parameters
    key = (id(params), rates.as_of, subject)
    hit = _SCM_CACHE.get(key)
    if hit is None or hit[0] is not params:
        if len(_SCM_CACHE) > 64:
            _SCM_CACHE.clear()
        hit = _SCM_CACHE[key] = (params, ScmTimes.from_parameters(params, rates.as_of, subject))
    return hit[1]


def _scm_time_lines(out: _Totals, procedure: Procedure, catalogue: Catalogue, rates: CostRates,
                    documents: list[Document]) -> dict[str, DatedValue]:
    """T_i from SCM standard times: familiarise once, per form, per document, per contact, per payment, per copy."""
    subject = "business" if "business" in procedure.subjects and "citizen" not in procedure.subjects else "citizen"
    scm = scm_times(catalogue, rates, subject)

    def standard(activity: str, times: int, label: str, what: str) -> None:
        minutes = scm.minutes.get(activity)
        if minutes is None or times <= 0:
            return
        name = scm.parameter[activity]
        out.used.add(name)
        out.time_line(label, "parameter", name, minutes * times,
                      lambda: f"SCM: {what} {times} lần × {minutes} phút chuẩn ({name})")

    forms = [d for d in documents if d.form]
    supplied = [d for d in documents if not d.form and not d.presented]
    copies = sum(d.copies + d.certified_copies for d in documents if not d.presented)
    contacts = [s for s in procedure.steps if s.in_person or (s.actor == APPLICANT and s.channel != "internal")]
    payments = sum(1 for f in procedure.main_channel.fees if f.total_vnd > 0)
    standard("familiarise", 1, PREPARATION, "tìm hiểu thủ tục")
    standard("fill_forms", len(forms), PREPARATION, "điền mẫu đơn, tờ khai")
    standard("collect_data", len(supplied), PREPARATION, "thu thập giấy tờ")
    standard("copy_file", copies, PREPARATION, "sao chụp, lưu giấy tờ")
    standard("transmit", len(contacts), COUNTER, "nộp, gửi, nhận hồ sơ")
    standard("pay", payments, COUNTER, "nộp phí, lệ phí")
    for step in contacts:
        if not step.in_person:
            continue
        level = office_level(step, procedure, catalogue)
        one_way = scm.travel_minutes_one_way.get(level)
        if one_way is None:
            continue
        name = scm.travel_parameter[level]
        out.used.add(name)
        out.time_line(TRAVEL, "step", step.id, 2 * one_way,
                      lambda: f"SCM: bước «{step.name}», đi và về trụ sở {level_in_sentence(level)} 2 × {one_way} phút chuẩn ({name})")
    return {name: value for name, value in scm.sources.items() if name in out.used}



@dataclass(frozen=True, slots=True)
class CostTotals:
    """The totals of `compliance_cost` without its lines and explanations (same formula, same rounding)."""

    time_minutes: int
    time_cost_vnd: int
    fees_vnd: int
    other_costs_vnd: int
    per_case_vnd: int
    annual_cost_vnd: int


def _collect(out: _Totals, procedure: Procedure, catalogue: Catalogue, rates: CostRates,
             method: str) -> dict[str, DatedValue]:
    """Run the cost lines of `method` into `out`; returns the SCM parameters used (empty for tt02)."""
    documents = usual_case_documents(procedure)
    out.used.add("hourly_income_vnd")
    extra: dict[str, DatedValue] = {}
    if method == "tt02":
        _tt02_time_lines(out, procedure, catalogue, rates, documents)
    elif method == "scm":
        extra = _scm_time_lines(out, procedure, catalogue, rates, documents)
    else:
        raise ValueError(f"unknown cost method {method!r}: use 'tt02' or 'scm'")
    _money_lines(out, procedure, catalogue, rates, documents)
    return extra


def _per_case_and_annual(out: _Totals, procedure: Procedure) -> tuple[int, int]:
    """C1 = Σ T_i × W + F + O, rounded once to whole đồng, and C_year = C1 × f × N from that C1: the figure a
    reviewer checks by multiplying the per-case cost the tables show (and the Điều 27 form asks for in đồng)."""
    per_case = round_vnd(out.time + out.fees + out.other)
    volume = procedure.annual_volume
    return per_case, annual_cost_vnd(per_case, volume.frequency_per_subject, volume.subjects_per_year)


def cost_totals(procedure: Procedure, catalogue: Catalogue, rates: CostRates, method: str = "tt02") -> CostTotals:
    """The totals of `compliance_cost(procedure, catalogue, rates, method)`, computed by the same lines but
    without building them: the findings re-cost every suggestion, the report needs the lines once.

    >>> from tests.factories import tiny_procedure
    >>> from tests.analysis_records import catalogue, rates
    >>> cost_totals(tiny_procedure(), catalogue(), rates())
    CostTotals(time_minutes=90, time_cost_vnd=46023, fees_vnd=0, other_costs_vnd=20000, per_case_vnd=66023, annual_cost_vnd=6602300)
    """
    out = _Totals(rates.hourly_income_vnd)
    _collect(out, procedure, catalogue, rates, method)
    per_case, annual = _per_case_and_annual(out, procedure)
    return CostTotals(out.minutes, round_vnd(out.time), out.fees, out.other, per_case, annual)


class CostsByItem:
    """`cost_totals` (tt02) of the variants of one procedure, each step's and document's share kept by object.

    The findings re-cost the procedure once per suggestion, and an operation copies only the steps and documents it
    changes (analysis/proposals.py): the others are the very objects already costed, so their lines are not run
    again. Each share is the sum of the same lines `compliance_cost` explains; the totals are whole numbers, so
    adding them in another order gives the same đồng."""

    def __init__(self, catalogue: Catalogue, rates: CostRates) -> None:
        self.catalogue = catalogue
        self.rates = rates
        self._steps: dict[int, tuple[Step, str, int, int, int]] = {}
        self._documents: dict[int, tuple[Document, int, int]] = {}

    def totals(self, procedure: Procedure) -> CostTotals:
        """The same as `cost_totals(procedure, catalogue, rates)`."""
        rates, catalogue = self.rates, self.catalogue
        out = _Totals(rates.hourly_income_vnd)
        part = _Totals(rates.hourly_income_vnd)  # one item's lines at a time
        level = procedure.levels[0]  # the office level of a step whose office the registry does not know
        minutes = fees = other = 0
        for step in procedure.steps:
            hit = self._steps.get(id(step))
            if hit is None or hit[0] is not step or hit[1] != level:
                part.minutes = part.fees = part.other = 0
                _step_time_lines(part, step, procedure, catalogue, rates)
                _step_money_lines(part, step, procedure, catalogue, rates)
                hit = self._steps[id(step)] = (step, level, part.minutes, part.fees, part.other)
            minutes += hit[2]
            fees += hit[3]
            other += hit[4]
        documents = usual_case_documents(procedure)
        for doc in documents:
            known = self._documents.get(id(doc))
            if known is None or known[0] is not doc:
                part.fees = part.other = 0
                _document_money_lines(part, doc, rates)
                known = self._documents[id(doc)] = (doc, part.fees, part.other)
            fees += known[1]
            other += known[2]
        out.minutes, out.fees, out.other = minutes, fees, other
        if _certifies(documents):
            _certification_time_lines(out, rates)
            _certification_trip_cost(out, rates)
        _fee_lines(out, procedure)
        per_case, annual = _per_case_and_annual(out, procedure)
        return CostTotals(out.minutes, round_vnd(out.time), out.fees, out.other, per_case, annual)


def compliance_cost(procedure: Procedure, catalogue: Catalogue, rates: CostRates, method: str = "tt02", *,
                    explain: bool = True) -> CostBreakdown:
    """C1 and C_year of `procedure`, line by line, with the parameters of `rates` (Thông tư 02/2017, Điều 27).

    `explain=False`: the same totals and parameters without the lines, for batches that keep numbers only (the
    catalogue-wide table, re-analysis): the lines and their texts are most of the cost's time.

    >>> from tests.factories import tiny_procedure
    >>> from tests.analysis_records import catalogue, rates
    >>> cost = compliance_cost(tiny_procedure(), catalogue(), rates())  # W = 30.682 đ/giờ
    >>> cost.time_minutes, cost.time_cost_vnd, cost.other_costs_vnd, cost.per_case_vnd, cost.annual_cost_vnd
    (90, 46023, 20000, 66023, 6602300)
    """
    out = _Lines(rates.hourly_income_vnd) if explain else _Totals(rates.hourly_income_vnd)
    extra = _collect(out, procedure, catalogue, rates, method)
    per_case, annual = _per_case_and_annual(out, procedure)
    volume = procedure.annual_volume
    parameters = {name: rates.sources[name] for name in sorted(out.used) if name in rates.sources}
    parameters.update(extra)
    return trusted(CostBreakdown, dict(
        method=cast(Literal["tt02", "scm"], method),
        as_of=rates.as_of,
        label=METHOD_LABELS_VI[method],
        lines=out.lines if isinstance(out, _Lines) else [],
        time_minutes=out.minutes,
        time_cost_vnd=round_vnd(out.time),
        fees_vnd=out.fees,
        other_costs_vnd=out.other,
        per_case_vnd=per_case,
        frequency_per_subject=volume.frequency_per_subject,
        subjects_per_year=volume.subjects_per_year,
        annual_cost_vnd=annual,
        hourly_income_vnd=rates.hourly_income_vnd,
        parameters=parameters,
    ))


def annual_cost_vnd(per_case_vnd: int | Decimal, frequency_per_subject: Decimal | int, subjects_per_year: int) -> int:
    """C_year = C1 × f × N, rounded half-up to whole đồng.

    >>> annual_cost_vnd(250_000, 12, 325_000)  # the tax-report example: 975 tỷ đồng a year
    975000000000
    """
    return round_vnd(Decimal(per_case_vnd) * Decimal(frequency_per_subject) * subjects_per_year)


def saving(before_annual_vnd: int, after_annual_vnd: int) -> tuple[int, Decimal]:
    """Benefit = C_year(before) − C_year(after) and the cut rate benefit / C_year(before) (Điều 27, khoản 1).

    >>> saving(975_000_000_000, 325_000_000_000)
    (650000000000, Decimal('0.667'))
    """
    benefit = before_annual_vnd - after_annual_vnd
    rate = (Decimal(benefit) / Decimal(before_annual_vnd)).quantize(Decimal("0.001"), ROUND_HALF_UP) if before_annual_vnd else ZERO
    return benefit, rate


__all__ = ["CostTotals", "CostsByItem", "annual_cost_vnd", "certification_fee_vnd", "compliance_cost", "cost_totals", "round_vnd", "saving"]
