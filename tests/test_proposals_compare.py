"""Before / after comparison of a plan: every metric, the saving, the cut rates and the dated national targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analysis.analyse import analyse
from analysis.plan import PlanError, evaluate
from analysis.proposals import apply_operations, compare
from catalogue.console import over_limit_warning
from catalogue.loader import load
from models.parameters import CostRates
from models.procedure import Procedure
from models.proposal import Proposal
from tests.analysis_records import catalogue, khai_sinh, khai_thue, ly_lich_tu_phap, rates
from tests.conftest import FIXTURE


def plan(*entries: tuple[str, list[dict[str, object]]]) -> Proposal:
    return Proposal.model_validate({
        "id": "thu", "title": "Phương án thử", "author": "Tổ kiểm soát TTHC", "date": "2026-11-23",
        "sources": [{"url": "https://example.invalid/plan", "retrieved": "2026-11-23"}],
        "procedures": [{"code": code, "operations": [{"rationale": "Lý do", **o} for o in ops]} for code, ops in entries],
    })


def test_the_published_tax_report_example() -> None:
    # plo.vn: 250.000 đ per filing × 12 filings × 325.000 firms = 975 tỷ đ/năm; filing 4 times: 325 tỷ;
    # benefit 650 tỷ đ (66,7%).
    p, r = khai_thue(), rates(hourly_income_vnd=50000)
    cat = catalogue(p)
    after = apply_operations(p, plan((p.code, [{"op": "lower_frequency", "frequency_per_subject": 4}])).procedures[0].operations)
    c = compare(analyse(p, cat, r, with_findings=False), analyse(after, cat, r, with_findings=False), r)
    assert (c.annual_before_vnd, c.annual_after_vnd, c.saving_vnd_per_year) == (975 * 10**9, 325 * 10**9, 650 * 10**9)
    assert c.per_case_before_vnd == c.per_case_after_vnd == 250000
    assert c.cost_cut_rate == Decimal("0.6667")
    assert c.meets_cost_target and not c.meets_time_target  # filing less often leaves the time limit as it was
    assert c.row("annual_cost_vnd").difference == -650 * 10**9


def test_every_metric_has_a_row_with_its_difference() -> None:
    p, r = ly_lich_tu_phap(), rates()
    cat = catalogue(p)
    after = apply_operations(p, plan((p.code, [
        {"op": "parallelize", "step": "xac-minh", "after": "tra-cuu"}, {"op": "go_online"},
    ])).procedures[0].operations)
    c = compare(analyse(p, cat, r, with_findings=False), analyse(after, cat, r, with_findings=False), r)
    metrics = [row.metric for row in c.rows]
    assert metrics == [
        "steps", "agencies", "agency_hops", "applicant_contacts", "visits", "documents", "certified_copies",
        "elapsed_working_days.low", "elapsed_working_days.likely", "elapsed_working_days.high",
        "time_limit_working_days", "applicant_hours", "per_case_vnd", "frequency_per_subject", "subjects_per_year",
        "annual_cost_vnd",
    ]
    likely = c.row("elapsed_working_days.likely")
    assert (likely.before, likely.after, likely.difference) == (9, 8, -1)
    low, high = c.row("elapsed_working_days.low"), c.row("elapsed_working_days.high")
    assert low.after <= likely.after <= high.after  # the range
    assert c.row("visits").after == 0 and c.row("visits").before == 2
    assert c.time_cut_rate == Decimal("0.1111")  # 1 of 9 days
    for row in c.rows:
        assert row.difference == pytest.approx(row.after - row.before)


def test_targets_are_the_dated_parameters_in_force() -> None:
    # Nghị quyết 68/NQ-CP (2020): 20%; Nghị quyết 66/NQ-CP (from 26/3/2025): 30%. A 25% cut meets the first only.
    params = load(FIXTURE).catalogue.parameters
    p = khai_thue()
    cat = catalogue(p)
    after = apply_operations(p, plan((p.code, [{"op": "lower_frequency", "frequency_per_subject": 9}])).procedures[0].operations)
    results = {}
    for day in (date(2024, 6, 1), date(2025, 6, 1)):
        r = CostRates.from_parameters(params, day)
        c = compare(analyse(p, cat, r, with_findings=False), analyse(after, cat, r, with_findings=False), r)
        assert c.cost_cut_rate == Decimal("0.25")
        results[day] = (c.target_cost, c.meets_cost_target)
    assert results == {date(2024, 6, 1): (Decimal("0.20"), True), date(2025, 6, 1): (Decimal("0.30"), False)}


def test_a_plan_for_many_procedures_has_rows_and_totals() -> None:
    a, b = khai_sinh(), khai_thue()
    cat = catalogue(a, b)
    r = rates()
    result = evaluate(plan((a.code, [{"op": "go_online"}]), (b.code, [{"op": "lower_frequency", "frequency_per_subject": 4}])), cat, r)
    s = result.summary
    assert [c.code for c in s.procedures] == [a.code, b.code]
    assert s.annual_before_vnd == sum(c.annual_before_vnd for c in s.procedures)
    assert s.annual_after_vnd == sum(c.annual_after_vnd for c in s.procedures)
    assert s.saving_vnd_per_year == s.annual_before_vnd - s.annual_after_vnd
    assert s.cost_cut_rate == ((Decimal(s.saving_vnd_per_year) / s.annual_before_vnd).quantize(Decimal("0.0001")))
    assert [e.procedure_before for e in result.entries] == [a, b]  # the catalogue's records are untouched


def test_a_plan_for_an_unknown_or_abolished_procedure_is_refused() -> None:
    gone = Procedure.model_validate({**khai_sinh().model_dump(), "status": "abolished"})
    with pytest.raises(PlanError, match=r"procedures\[0\] \(1.001193\): thủ tục 1.001193 đã bị bãi bỏ"):
        evaluate(plan((gone.code, [{"op": "go_online"}])), catalogue(gone), rates())
    with pytest.raises(PlanError, match=r"thủ tục 1\.000894 không có trong danh mục"):
        evaluate(plan(("1.000894", [{"op": "go_online"}])), catalogue(khai_sinh()), rates())


def test_shortening_the_legal_time_limit_is_reported_beside_the_elapsed_time() -> None:
    # Lý lịch tư pháp: 10 → 7 working days by law, and the police check from 5 to 3 days (9 → 7 elapsed).
    p, r = ly_lich_tu_phap(), rates()
    cat = catalogue(p)
    after = apply_operations(p, plan((p.code, [{"op": "shorten_time_limit", "working_days": 7,
                                                "durations": {"xac-minh": {"low": 2, "likely": 3, "high": 4}}}]))
                             .procedures[0].operations)
    c = compare(analyse(p, cat, r, with_findings=False), analyse(after, cat, r, with_findings=False), r)
    assert c.time_limit_cut_rate == Decimal("0.3")
    assert c.time_cut_rate == Decimal("0.2222")  # 2 of 9 days
    assert c.meets_time_target  # the target judges the legal time limit (30% here), as the programmes count it
    assert c.saving_vnd_per_year == 0


def test_a_plan_that_changes_who_must_apply_shows_it_beside_the_annual_cost() -> None:
    # C1 stays, the year falls: the table says why (N), not only that C_year moved.
    p, r = ly_lich_tu_phap(), rates()
    cat = catalogue(p)
    after = apply_operations(p, plan((p.code, [{"op": "change_subjects", "subjects_per_year": 600_000}])).procedures[0].operations)
    c = compare(analyse(p, cat, r, with_findings=False), analyse(after, cat, r, with_findings=False), r)
    subjects, per_case = c.row("subjects_per_year"), c.row("per_case_vnd")
    assert (subjects.before, subjects.after, subjects.difference) == (p.annual_volume.subjects_per_year, 600_000,
                                                                     600_000 - p.annual_volume.subjects_per_year)
    assert per_case.difference == 0
    assert c.row("annual_cost_vnd").after == per_case.after * 600_000


def test_a_time_limit_the_planned_steps_cannot_keep_is_flagged() -> None:
    # Lý lịch tư pháp: 10 → 5 working days by law, but the agencies' steps still take 1 + 5 + 2 + 1 = 9 days.
    p, r = ly_lich_tu_phap(), rates()
    cat = catalogue(p)
    after = apply_operations(p, plan((p.code, [{"op": "shorten_time_limit", "working_days": 5}])).procedures[0].operations)
    c = compare(analyse(p, cat, r, with_findings=False), analyse(after, cat, r, with_findings=False), r)
    assert c.time_limit_cut_rate == Decimal("0.5") and c.meets_time_target
    assert c.over_limit_after_days == 4
    assert over_limit_warning(c).startswith(f"Cảnh báo ({p.code}): sau phương án, phần việc của cơ quan theo các bước "
                                            "cần khoảng 9 ngày làm việc, dài hơn thời hạn 5 ngày làm việc")
