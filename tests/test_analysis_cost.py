"""Compliance cost (Thông tư 02/2017/TT-VPCP, Điều 27) of real procedures, computed by hand.

W = 30.682 đ/giờ (5.400.000 đ ÷ 22 ÷ 8); travel round trip 30 / 60 / 90 minutes and 10.000 / 30.000 / 50.000 đ to a
commune / district / province office; copies 500 đ/trang; certification 2.000 đ/trang (pages 1–2), 1.000 đ from
page 3, at most 200.000 đ a copy, 45 minutes plus one trip to the commune; postage 30.000 đ.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analysis.analyse import analyse, analysis_row
from analysis.cost import annual_cost_vnd, certification_fee_vnd, compliance_cost, saving
from models.parameters import CostRates, ParameterSet
from tests import analysis_records as rec


def cost_of(p, r=None):  # type: ignore[no-untyped-def]
    return compliance_cost(p, rec.catalogue(p), r or rec.rates())


def test_khai_sinh() -> None:
    c = cost_of(rec.khai_sinh())
    # 145 minutes × 30.682 ÷ 60 = 74.148,17 đ; two trips to the commune 2 × 10.000 đ; no fee.
    assert (c.time_minutes, c.time_cost_vnd, c.fees_vnd, c.other_costs_vnd, c.per_case_vnd) == (145, 74148, 0, 20000, 94148)
    # C_year from C1 as the table shows it: 94.148 × 1 × 1.200.000 = 112.977.600.000 đ.
    assert c.annual_cost_vnd == 112_977_600_000
    assert [line.activity for line in c.lines[:4]] == ["Chuẩn bị hồ sơ", "Đi lại", "Chờ đợi", "Làm việc tại quầy"]
    travel = c.lines[1]
    assert (travel.source_kind, travel.source_id, travel.minutes, travel.amount_vnd) == ("step", "nop-ho-so", 30, 15341)
    assert "travel_minutes.commune" in travel.explanation and "30 phút" in travel.explanation


def test_chung_thuc_fee_by_page() -> None:
    c = cost_of(rec.chung_thuc())
    # Fee for a 3-page original: 2 × 2.000 + 1 × 1.000 = 5.000 đ; photocopy 3 pages × 500 = 1.500 đ; one trip 10.000 đ.
    assert (c.fees_vnd, c.other_costs_vnd) == (5000, 11500)
    # 30 travel + 15 queue + 10 + 5 counter = 60 minutes = exactly W.
    assert (c.time_minutes, c.time_cost_vnd, c.per_case_vnd) == (60, 30682, 47182)
    fee_lines = [line for line in c.lines if line.source_kind == "fee"]
    assert [(line.source_id, line.quantity, line.amount_vnd) for line in fee_lines] == [
        ("Phí chứng thực (trang 1–2)", 2, 4000), ("Phí chứng thực (từ trang 3)", 1, 1000)]


def test_ly_lich_tu_phap() -> None:
    c = cost_of(rec.ly_lich_tu_phap())
    # 275 minutes × 30.682 ÷ 60 = 140.625,83; lệ phí 200.000; copy 2 pages 1.000 + two province trips 100.000.
    assert (c.time_cost_vnd, c.fees_vnd, c.other_costs_vnd, c.per_case_vnd) == (140626, 200000, 101000, 441626)
    assert c.annual_cost_vnd == 441_626_000_000  # 441.626 × 1.000.000
    # The power of attorney (a special case) is not certified in the usual case.
    assert not any(line.activity == "Phí chứng thực bản sao" for line in c.lines)


def test_lien_thong() -> None:
    c = cost_of(rec.lien_thong_khai_sinh())
    # 180 minutes = 3 hours × 30.682 = 92.046 đ; two commune trips 20.000 đ.
    assert (c.time_cost_vnd, c.other_costs_vnd, c.per_case_vnd, c.annual_cost_vnd) == (92046, 20000, 112046, 134_455_200_000)


def test_doi_gplx_postage() -> None:
    c = cost_of(rec.doi_gplx())
    # 150 minutes = 76.705 đ; lệ phí 135.000; copy 500 + province trip 50.000 + postage 30.000.
    assert (c.time_cost_vnd, c.fees_vnd, c.other_costs_vnd, c.per_case_vnd) == (76705, 135000, 80500, 292205)
    postage = [line for line in c.lines if line.activity == "Cước bưu chính"]
    assert [(line.source_id, line.amount_vnd) for line in postage] == [("nhan", 30000)]


def test_cong_ty_certified_copies() -> None:
    c = cost_of(rec.thanh_lap_cong_ty())
    # Time: 240 + 2 × 90 + 35 + 15 = 470 on the steps, + 45 certifying + 30 trip to the commune = 545 minutes.
    assert c.time_minutes == 545
    assert c.time_cost_vnd == 278695  # 545 × 30.682 ÷ 60 = 278.694,83
    # In person: lệ phí 50.000 + phí công bố 100.000 (not the online channel's fees).
    assert c.fees_vnd == 150000
    # Copies 2 × 2 pages × 500 = 2.000; certification 2 × 4.000 = 8.000; certification trip 10.000; 2 × 50.000.
    assert c.other_costs_vnd == 120000
    assert c.per_case_vnd == 548695
    certify = next(line for line in c.lines if line.activity == "Phí chứng thực bản sao")
    assert (certify.source_kind, certify.source_id, certify.quantity, certify.amount_vnd) == ("document", "giay-to-phap-ly", 2, 8000)
    assert "Thông tư 226/2016/TT-BTC" in certify.explanation


def test_lines_add_up_to_the_totals() -> None:
    for make in rec.REAL:
        c = cost_of(make())
        assert abs(sum(line.amount_vnd for line in c.lines) - c.per_case_vnd) <= len(c.lines)
        assert sum(line.minutes for line in c.lines) == c.time_minutes
        assert sum(line.exact_vnd for line in c.lines if line.kind == "fee") == c.fees_vnd
        assert all(line.explanation for line in c.lines)


@pytest.mark.parametrize(("pages", "fee"), [(1, 2000), (2, 4000), (3, 5000), (10, 12000), (198, 200000), (500, 200000)])
def test_certification_fee(pages: int, fee: int) -> None:
    """Thông tư 226/2016/TT-BTC: 2.000 đ/trang for pages 1–2, 1.000 đ/trang from page 3, at most 200.000 đ a copy."""
    assert certification_fee_vnd(pages, rec.rates()) == fee


def test_tax_report_example() -> None:
    """plo.vn: 250.000 đ × 12 × 325.000 = 975 tỷ đ/năm; 4 filings: 325 tỷ; benefit 650 tỷ (66,7%)."""
    p = rec.khai_thue()
    before = cost_of(p, rec.rates(hourly_income_vnd=50000))
    assert before.per_case_vnd == 250_000
    assert before.annual_cost_vnd == 975_000_000_000
    quarterly = p.model_copy(update={"annual_volume": p.annual_volume.model_copy(update={"frequency_per_subject": Decimal(4)})})
    after = cost_of(quarterly, rec.rates(hourly_income_vnd=50000))
    assert after.annual_cost_vnd == 325_000_000_000
    assert saving(before.annual_cost_vnd, after.annual_cost_vnd) == (650_000_000_000, Decimal("0.667"))
    assert annual_cost_vnd(250_000, 12, 325_000) == 975_000_000_000


def test_rounding_half_up_once() -> None:
    # 1 minute at 30 đ/giờ = 0,5 đ → C1 = 1 đ; a year of 3 subjects = 3 × 1 đ, the figure a reviewer multiplies; the
    # one line (0,5 đ → 1 đ) adds up to C1 without a rounding row.
    p = rec.khai_thue()
    one = p.model_copy(update={
        "steps": [p.steps[0].model_copy(update={"applicant_time": p.steps[0].applicant_time.model_copy(update={"preparation": 1})})],  # type: ignore[union-attr]
        "annual_volume": p.annual_volume.model_copy(update={"subjects_per_year": 3, "frequency_per_subject": Decimal(1)}),
    })
    c = cost_of(one, rec.rates(hourly_income_vnd=30))
    assert (c.per_case_vnd, c.annual_cost_vnd, c.rounding_vnd) == (1, 3, 0)


def test_real_parameters_resolve_and_are_named() -> None:
    from catalogue.store import open_catalogue

    real = open_catalogue()
    r = CostRates.from_parameters(real.parameters, date(2025, 6, 1))
    p = rec.thanh_lap_cong_ty()
    c = compliance_cost(p, rec.catalogue(p), r)
    assert {"hourly_income_vnd", "travel_minutes.province", "certification_fee_first_pages_vnd"} <= set(c.parameters)
    assert c.parameters["hourly_income_vnd"].source.url.startswith("https://")


def test_scm_cross_check_is_labelled() -> None:
    from catalogue.store import open_catalogue

    real = open_catalogue()
    if not any(name.startswith("scm.") for name in real.parameters.parameters):
        pytest.skip("data/parameters has no SCM standard times yet")
    p = rec.thanh_lap_cong_ty()
    cat = rec.catalogue(p)
    cat = type(cat)(procedures=cat.procedures, agencies=cat.agencies, legal={}, parameters=real.parameters)
    c = compliance_cost(p, cat, rec.rates(), method="scm")
    assert c.method == "scm" and "tham khảo" in c.label
    sources = {line.source_id for line in c.lines if line.kind == "time" and line.activity != "Đi lại"}
    assert all(line.source_kind == "parameter" for line in c.lines if line.source_id in sources)
    assert "scm.business.familiarise.medium" in sources
    # The Leitfaden's business table has no payment time: the citizen's is used, and named.
    assert "scm.citizen.pay.medium" in sources
    tt02 = compliance_cost(p, cat, rec.rates())
    assert c.fees_vnd == tt02.fees_vnd  # fees and out-of-pocket costs are the same in both methods


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown cost method"):
        compliance_cost(rec.khai_sinh(), rec.catalogue(), rec.rates(), method="abc")


def test_rows_for_a_table() -> None:
    p = rec.lien_thong_khai_sinh()
    rows = [analysis_row(analyse(p, rec.catalogue(p), rec.rates(), start=date(2026, 4, 20)), p)]
    assert rows[0]["code"] == "9.233448"
    assert (rows[0]["agency_hops"], rows[0]["elapsed_calendar_days_likely"], rows[0]["annual_cost_vnd"]) == (4, 16, 134_455_200_000)


def scm_parameters() -> ParameterSet:
    """German Leitfaden standard times for citizens, medium complexity (DOMAIN.md), as dated parameters."""
    values = {"familiarise": 5, "fill_forms": 6, "collect_data": 3, "transmit": 2, "pay": 2, "copy_file": 3}
    params = {f"scm.citizen.{k}.medium": v for k, v in values.items()}
    params.update({"scm.citizen.familiarise.simple": 2, "scm.citizen.travel.municipality": 15,
                   "scm.citizen.travel.district": 22, "scm.citizen.travel.state": 59})
    return ParameterSet.model_validate({"parameters": {
        name: {"name": name, "description": name, "unit": "phút",
               "values": [{"start": "2019-01-01", "value": v, "source": rec.SOURCE}]}
        for name, v in params.items()}})


def test_scm_standard_times_by_hand() -> None:
    p = rec.ly_lich_tu_phap()
    cat = rec.catalogue(p)
    cat = type(cat)(procedures=cat.procedures, agencies=cat.agencies, legal={}, parameters=scm_parameters())
    c = compliance_cost(p, cat, rec.rates(), method="scm")
    # familiarise 5 + one form 6 + one supplied paper 3 + one copy 3 + two contacts × 2 + one payment 2 = 23;
    # two visits to a province office, 2 × (59 + 59) = 236 (the Leitfaden's "state" tier, one way each).
    assert c.time_minutes == 23 + 236
    assert c.fees_vnd == 200000 and c.other_costs_vnd == 101000
    assert "scm.citizen.familiarise.medium" in c.parameters
    assert "scm.citizen.familiarise.simple" not in c.parameters
