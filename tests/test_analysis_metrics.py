"""Metrics of real procedures, computed by hand from the records in tests/analysis_records.py."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.critical_path import StepGraphError, longest_paths, topological_order
from analysis.metrics import compute_metrics, usual_case_documents
from tests import analysis_records as rec


def metrics_of(p, start=None):  # type: ignore[no-untyped-def]
    return compute_metrics(p, rec.catalogue(p), start, rates=rec.rates())


def test_khai_sinh_counts_and_path() -> None:
    m = metrics_of(rec.khai_sinh())
    assert (m.steps, m.agencies, m.agency_hops) == (5, 1, 0)
    # Two contacts, both in person: submit and collect at the commune.
    assert (m.applicant_contacts, m.visits) == (2, 2)
    # Tờ khai (form), giấy chứng sinh, giấy tờ tùy thân (shown): 3 originals, no copies, no fee (miễn lệ phí).
    assert (m.documents, m.originals, m.copies, m.certified_copies, m.forms, m.payments) == (3, 3, 0, 0, 1, 0)
    # low 0.25 (review); likely 0.5 + 0.25 (review + signature); high 1 (prepare) + 1 + 0.5.
    assert (m.elapsed_working_days.low, m.elapsed_working_days.likely, m.elapsed_working_days.high) == (0.25, 0.75, 2.5)
    assert m.critical_path == ["chuan-bi", "nop-ho-so", "kiem-tra", "ky-cap", "nhan-ket-qua"]
    # 30 preparation; 2 × 30 travel to the commune (parameter); queue 20 + 15; counter 10 + 10.
    am = m.applicant_minutes
    assert (am.preparation, am.travel, am.queue, am.counter, am.total) == (30, 60, 35, 20, 145)
    assert m.time_limit_working_days == 1


def test_chung_thuc_waits_on_the_spot() -> None:
    m = metrics_of(rec.chung_thuc())
    # Collecting while waiting at the counter is a contact but not a second trip.
    assert (m.applicant_contacts, m.visits) == (2, 1)
    assert (m.originals, m.copies, m.payments) == (1, 1, 2)
    assert m.applicant_minutes.total == 30 + 15 + 10 + 5


def test_ly_lich_tu_phap_hops_through_police() -> None:
    m = metrics_of(rec.ly_lich_tu_phap())
    assert (m.agencies, m.agency_hops) == (2, 2)
    assert [(h.from_agency, h.to_agency) for h in m.hops] == [("so-tu-phap", "cong-an-tinh"), ("cong-an-tinh", "so-tu-phap")]
    # The power-of-attorney belongs to a special case: the usual case has 3 documents, no certified copy.
    assert (m.documents, m.originals, m.copies, m.certified_copies, m.forms) == (3, 2, 1, 0, 1)
    assert (m.elapsed_working_days.low, m.elapsed_working_days.likely, m.elapsed_working_days.high) == (4, 9, 13)
    # Two visits to a province office: 2 × 90 minutes travel.
    assert m.applicant_minutes.travel == 180
    assert m.applicant_minutes.total == 45 + 180 + 35 + 15


def test_lien_thong_parallel_branches() -> None:
    m = metrics_of(rec.lien_thong_khai_sinh(), date(2026, 4, 20))
    # UBND xã → công an, UBND xã → BHXH, and both back: four hops between three agencies.
    assert (m.agencies, m.agency_hops) == (3, 4)
    # The residence branch (7 days) is longer than the health-insurance branch (5): 1 + 7 + 0.5.
    assert m.elapsed_working_days.likely == 8.5
    assert m.critical_path == ["chuan-bi", "nop", "khai-sinh", "thuong-tru", "tra", "nhan"]
    assert (m.elapsed_working_days.low, m.elapsed_working_days.high) == (3.5, 11)
    # 9 working days from Mon 20/4/2026: 20–24, (27/4 Giỗ Tổ observed), 28, 29, (30/4, 1/5, weekend), 4/5, 5/5.
    cd = m.elapsed_calendar_days
    assert cd is not None
    assert (cd.end_likely, cd.likely) == (date(2026, 5, 5), 16)
    assert m.time_limit_working_days == 20


def test_a_hop_is_a_move_of_the_dossier_not_an_ordering_edge() -> None:
    """Hops of two bundled records, counted by hand from their YAML: an edge another path implies moves nothing,
    and a result sent to the office where the applicant collects it is a move between agencies."""
    from catalogue.loader import DEFAULT_DATA, load

    cat = load(DEFAULT_DATA).catalogue
    business = compute_metrics(cat.procedures["1.001612"], cat, rates=rec.rates())
    # tiep-nhan (one-stop desk) → xem-xet (registry office); cap-gcn → thong-bao-thue → tra-ket-qua: the registry
    # sends the result to the desk once, though tra-ket-qua also lists cap-gcn (implied by thong-bao-thue).
    assert [(h.from_step, h.to_step) for h in business.hops] == [("tiep-nhan", "xem-xet"), ("thong-bao-thue", "tra-ket-qua")]
    birth = compute_metrics(cat.procedures["1.001193"], cat, rates=rec.rates())
    # The civil status officer returns the certificate to the one-stop centre, where the parent collects it.
    assert ("chuyen-tra", "nhan-ket-qua") in [(h.from_step, h.to_step) for h in birth.hops]
    assert birth.hops[-1].to_agency == "trung-tam-phvhcc-xa"


def test_doi_gplx_result_by_post() -> None:
    m = metrics_of(rec.doi_gplx())
    # Submitting in person and receiving by post: two contacts, one visit.
    assert (m.applicant_contacts, m.visits, m.payments) == (2, 1, 1)
    assert m.elapsed_working_days.likely == 5


def test_cong_ty_certified_copies() -> None:
    m = metrics_of(rec.thanh_lap_cong_ty())
    assert (m.documents, m.originals, m.certified_copies, m.forms, m.payments) == (4, 3, 2, 2, 2)


def test_usual_case_when_every_document_has_a_case() -> None:
    p = rec.ly_lich_tu_phap()
    docs = [d.model_copy(update={"case": "Trường hợp 1" if i < 2 else "Trường hợp 2"}) for i, d in enumerate(p.documents)]
    assert [d.id for d in usual_case_documents(p.model_copy(update={"documents": docs}))] == ["to-khai", "ban-chup-cccd"]


def test_documents_are_what_the_applicant_provides() -> None:
    """Real records, counted by hand from their documents and steps."""
    from catalogue.store import open_catalogue

    real = open_catalogue().procedures
    # Đổi thẻ căn cước: the old card is handed in; form CC01 is printed by the officer and the new card is the result.
    assert [d.id for d in usual_case_documents(real["1.116410"])] == ["the-can-cuoc-cu"]
    # Đăng ký xe online: the DKX10 declaration and the factory slip; the four records the police read from databases
    # and the certificate and plate (the results) are not the applicant's.
    assert [d.id for d in usual_case_documents(real["1.012575"])] == ["giay-khai-dkx10", "phieu-xuat-xuong"]
    # Kết hôn lưu động: the officer collects the declaration and is shown the identity papers at home.
    assert [d.id for d in usual_case_documents(real["1.000593"])] == ["to-khai", "giay-to-tuy-than"]
    # Thai sản: the copy of the birth certificate; the employer's list 01B and BHXH's notice are theirs.
    assert [d.id for d in usual_case_documents(real["2.000693"])] == ["ban-sao-khai-sinh"]


def test_travel_from_catalogue_parameters_without_rates() -> None:
    """Without resolved rates, travel comes from the catalogue's dated parameters on the start day."""
    from catalogue.store import open_catalogue

    real = open_catalogue()
    p = rec.khai_sinh()
    cat = rec.catalogue(p)
    cat = type(cat)(procedures=cat.procedures, agencies=cat.agencies, legal={}, parameters=real.parameters)
    expected = 2 * int(real.parameters.at("travel_minutes.commune", date(2026, 3, 2)).value)
    assert compute_metrics(p, cat, date(2026, 3, 2)).applicant_minutes.travel == expected


def test_steps_listed_out_of_order_and_cycles() -> None:
    p = rec.lien_thong_khai_sinh()
    shuffled = list(reversed(p.steps))
    assert [s.id for s in topological_order(shuffled)][:3] == ["chuan-bi", "nop", "khai-sinh"]
    assert longest_paths(shuffled) == longest_paths(p.steps)
    first = p.steps[0].model_copy(update={"after": ["nhan"]})
    with pytest.raises(StepGraphError, match="vòng lặp"):
        longest_paths([first, *p.steps[1:]])
    with pytest.raises(StepGraphError, match="bước 'khong-co', nhưng thủ tục không có bước này"):
        longest_paths([p.steps[0].model_copy(update={"after": ["khong-co"]})])
