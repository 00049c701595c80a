"""Each redundancy rule fires on a small real-like procedure and stays silent on a clean one; savings are the
re-computed cost and critical path of the procedure with the suggestion applied (figures worked by hand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from analysis.analyse import analyse
from analysis.cost import compliance_cost
from analysis.critical_path import days_in_time_limit, longest_paths
from analysis.findings import find_all
from analysis.metrics import usual_case_documents
from analysis.proposals import ProposalError, apply_operations, errands
from catalogue.store import open_catalogue
from models.findings import Finding
from models.parameters import CostRates
from models.procedure import Procedure
from models.proposal import GoOnline, StopWaiting
from tests.analysis_records import (
    catalogue,
    chung_thuc,
    doi_gplx,
    khai_sinh,
    lien_thong_khai_sinh,
    ly_lich_tu_phap,
    procedure,
    rates,
    step,
    thanh_lap_cong_ty,
    visit,
)

W = Decimal(30682)  # đồng per hour in tests.analysis_records.rates()


def findings(p: Procedure, *others: Procedure) -> list[Finding]:
    return find_all(p, catalogue(p, *others), rates())


def by_rule(found: list[Finding], rule: str) -> list[Finding]:
    return [f for f in found if f.rule == rule]


def change(p: Procedure, **update: Any) -> Procedure:
    return Procedure.model_validate({**p.model_dump(), **update})


def with_document(p: Procedure, doc_id: str, **update: Any) -> Procedure:
    docs = [{**d.model_dump(), **update} if d.id == doc_id else d.model_dump() for d in p.documents]
    return change(p, documents=docs)


def minutes_cost(minutes: int) -> Decimal:
    return W * minutes / 60


# -- rule 1: once-only ------------------------------------------------------------------------------------------

def test_once_only_fires_for_a_copy_of_data_the_population_database_holds() -> None:
    # Lý lịch tư pháp asks for a photocopy (2 pages) of the citizen-ID card, which the national population
    # database already holds: the copy costs 2 × 500 đ per case, 1.000.000 cases a year.
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd",
                      issuer={"kind": "national_database", "database": "Cơ sở dữ liệu quốc gia về dân cư"})
    [f] = by_rule(findings(p), "once-only")
    assert f.documents == ["ban-chup-cccd"]
    assert [op.op for op in f.suggestion] == ["obtain_from_state"]
    assert f.saving is not None
    assert (f.saving.per_case_vnd, f.saving.annual_vnd) == (1000, 1_000_000_000)
    assert "Cơ sở dữ liệu quốc gia về dân cư" in f.explanation


def test_once_only_fires_when_the_applicant_hands_back_what_an_earlier_step_produced() -> None:
    # The commune issues a certificate, then the applicant must bring a copy of it to the next counter.
    base = khai_sinh()
    data = base.model_dump()
    data["documents"].append({"id": "trich-luc", "name": "Trích lục khai sinh", "copies": 1, "pages": 1})
    steps = data["steps"]
    steps[3]["produces"] = ["trich-luc"]  # ky-cap
    steps.append(step("nop-lai", "Nộp bản sao trích lục tại bộ phận một cửa", "applicant", "submit", (0, 0, 0),
                      ["ky-cap"], consumes=["trich-luc"], channel="online"))
    steps[4]["after"] = ["nop-lai"]
    p = Procedure.model_validate(data)
    [f] = by_rule(findings(p), "once-only")
    assert "trich-luc" in f.documents
    assert f.saving is not None and f.saving.per_case_vnd == 500  # the photocopy of one page is no longer made
    # Paying against it is not handing it back: the tax notice of a land transfer (1.013831) is the applicant's.
    steps[-1]["kind"] = "pay"
    assert all("trich-luc" not in f.documents for f in by_rule(findings(Procedure.model_validate(data)), "once-only"))


def test_once_only_says_an_agency_drew_up_a_report_and_issued_a_certificate() -> None:
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd", name="Biên bản xác minh nơi cư trú",
                      issuer={"kind": "agency", "agency": "cong-an-tinh"})
    [f] = by_rule(findings(p), "once-only")
    assert "«Biên bản xác minh nơi cư trú» (do Công an cấp tỉnh lập)" in f.explanation
    p = with_document(p, "ban-chup-cccd", name="Giấy xác nhận cư trú")
    [f] = by_rule(findings(p), "once-only")
    assert "«Giấy xác nhận cư trú» (do Công an cấp tỉnh cấp)" in f.explanation


def test_once_only_on_a_paper_the_law_already_spares_asks_to_correct_the_published_record() -> None:
    """1.013225 (building permit, 1077/QĐ-BXD): khoản 2 Điều 56 Nghị định 217/2026/NĐ-CP already spares land papers
    held in the national database, yet the published record lists them: the decision that published the procedure
    is what must change, not the decree."""
    cat = open_catalogue()
    p = cat.procedures["1.013225"]
    [f] = by_rule(find_all(p, cat, rates(day=date(2026, 12, 7))), "once-only")
    assert "khoản 2 Điều 56 Nghị định số 217/2026/NĐ-CP đã cho không phải nộp, nhưng thủ tục đã công bố vẫn yêu cầu" in \
        f.explanation
    [op] = f.suggestion
    assert op.legal_change is not None
    [legal] = op.legal_change
    assert (legal.ref, legal.action) == ("1077/QĐ-BXD", "amend") and legal.text.endswith("sửa thủ tục đã công bố.")
    # A record that names no publishing decision: no text to name, and none of the law's either.
    unpublished = p.model_copy(update={"provenance": p.provenance.model_copy(update={"publishing_decision": ""})})
    [f] = by_rule(find_all(unpublished, cat, rates(day=date(2026, 12, 7))), "once-only")
    assert f.suggestion[0].legal_change == []


def test_once_only_is_silent_when_every_document_comes_from_the_applicant_or_a_third_party() -> None:
    assert by_rule(findings(doi_gplx()), "once-only") == []


def test_once_only_is_silent_on_a_record_the_state_lost() -> None:
    # Đăng ký lại kết hôn (1.004746) exists because the register and the original are lost: the copy of the old
    # certificate the couple still has is not something the commune can look up.
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd", issuer={"kind": "agency", "agency": "ubnd-xa", "held": False})
    assert by_rule(findings(p), "once-only") == []
    p = with_document(p, "ban-chup-cccd", issuer={"kind": "agency", "agency": "ubnd-xa"})
    assert by_rule(findings(p), "once-only")[0].documents == ["ban-chup-cccd"]


def test_once_only_is_silent_on_an_original_handed_in_to_be_endorsed() -> None:
    # Gia hạn giấy phép xây dựng (1.013227): the office stamps the extension on the permit itself.
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd", issuer={"kind": "agency", "agency": "ubnd-xa"},
                      originals=1, copies=0, surrendered=True)
    assert by_rule(findings(p), "once-only") == []
    with pytest.raises(ValueError, match="giấy tờ phải nộp lại là bản chính giao cho cơ quan"):
        with_document(p, "ban-chup-cccd", presented=True)


def test_once_only_is_silent_on_the_fallback_of_a_lookup() -> None:
    # Đăng ký biện pháp bảo đảm (1.011441): the land database stands in for the certificate; the paper is asked only
    # when the lookup fails. Telling the office to look it up would repeat what the law already says.
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd", issuer={"kind": "national_database",
                      "database": "Cơ sở dữ liệu quốc gia về dân cư"}, fallback=True)
    assert by_rule(findings(p), "once-only") == []
    assert "ban-chup-cccd" not in [d.id for d in usual_case_documents(p)]  # the usual case: the lookup works
    assert by_rule(findings(with_document(p, "ban-chup-cccd", fallback=False)), "once-only")[0].documents == ["ban-chup-cccd"]
    with pytest.raises(ValueError, match="giấy tờ dự phòng \\(`fallback`\\) thay cho thông tin cơ quan nhà nước đã có"):
        with_document(p, "ban-chup-cccd", issuer={"kind": "applicant"})


def test_once_only_is_silent_on_an_identity_paper_shown_at_the_counter() -> None:
    # Showing the identity card when filing (khai tử, 1.000656) proves who files: the population database holds the
    # person's data but not who stands at the counter, so "look it up" is no suggestion. The same paper as a copy
    # left in the dossier is an ordinary document the office can look up.
    shown = {"originals": 1, "copies": 0, "presented": True,
             "issuer": {"kind": "national_database", "database": "Cơ sở dữ liệu quốc gia về dân cư"}}
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd", **shown)
    assert by_rule(findings(p), "once-only")[0].documents == ["ban-chup-cccd"]
    assert by_rule(findings(with_document(p, "ban-chup-cccd", identity=True)), "once-only") == []
    with pytest.raises(ValueError, match="giấy tờ tùy thân được xuất trình để chứng minh nhân thân"):
        with_document(p, "ban-chup-cccd", identity=True, presented=False)


def test_once_only_also_spares_the_errand_to_ask_for_the_paper() -> None:
    # Chuyển trường (2.002854, real record): the parents go to the old school (20 min travel, 10 queue, 15 at the
    # counter, 10.000 đ travel cost) for the results summary the new school asks for. Once the new school obtains it
    # from the old one, the trip goes too: C1 170 → 125 min at 33.523 đ/giờ (2025), other costs 20.000 → 10.000 đ.
    cat = open_catalogue()
    p = cat.procedures["2.002854"]
    [f] = by_rule(find_all(p, cat, CostRates.from_parameters(cat.parameters, date(2026, 12, 7))), "once-only")
    assert "bỏ cả bước «Cha mẹ đến trường đang học" in f.explanation
    before = Decimal(33523) * 170 / 60 + 20000
    after = Decimal(33523) * 125 / 60 + 10000
    assert f.saving is not None
    assert f.saving.per_case_vnd == round(before) - round(after) == 35142
    assert f.saving.annual_vnd == 35142 * 180_000 == 6_325_560_000  # C1 before and after, as the tables show them
    applied = apply_operations(p, f.suggestion)
    assert "xin-bang-tong-hop" not in [s.id for s in applied.steps]
    assert applied.step("cap-bang-tong-hop").after == []
    # A trip that also hands a paper over, or goes to another office, is more than an errand: it stays.
    for changed in ({"consumes": ["don-xin-chuyen-truong"]}, {"office": "truong-thcs-noi-chuyen-den"}):
        data = p.model_dump()
        data["steps"] = [{**s, **changed} if s["id"] == "xin-bang-tong-hop" else s for s in data["steps"]]
        kept = Procedure.model_validate(data)
        assert errands(kept.steps, "bang-tong-hop-ket-qua") == []


# -- rule 2: asked twice ----------------------------------------------------------------------------------------

def test_asked_twice_within_one_dossier() -> None:
    data = doi_gplx().model_dump()
    data["documents"].append({"id": "ban-sao-gplx-2", "name": "Bản sao giấy phép lái xe,  thẻ căn cước công dân",
                              "copies": 1})
    data["steps"][1]["consumes"] = ["ban-sao-gplx", "ban-sao-gplx-2"]
    [f] = by_rule(findings(Procedure.model_validate(data)), "asked-twice")
    assert f.documents == ["ban-sao-gplx-2"]
    assert f.saving is not None and f.saving.per_case_vnd == 500  # one page less to photocopy


def test_asked_twice_across_a_lien_thong_group() -> None:
    first = lien_thong_khai_sinh()
    second = procedure(
        "9.233449", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "https://example.invalid/bhyt",
        interagency_group="khai-sinh-thuong-tru-bhyt", agencies={"competent": ["bhxh-huyen"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 5}}],
        annual_volume={"subjects_per_year": 100000, "origin": "estimate"},
        documents=[{"id": "giay-chung-sinh", "name": "Giấy chứng sinh", "copies": 1, "pages": 1}],
        steps=[step("nop", "Nộp hồ sơ", "applicant", "submit", (0, 0, 0), consumes=["giay-chung-sinh"],
                    **visit("bhxh-huyen", 10, 5)),
               step("cap", "Cấp thẻ", "bhxh-huyen", "issue", (1, 2, 3), ["nop"])],
    )
    [f] = by_rule(findings(second, first), "asked-twice")
    assert f.documents == ["giay-chung-sinh"]
    assert f.suggestion[0].op == "obtain_from_state"
    assert "thủ tục 9.233448 " in f.suggestion[0].rationale and "9.233448 –" in f.explanation
    assert f.saving is not None and f.saving.annual_vnd == 500 * 100000
    # The first procedure of the group (in code order) is where the document is collected: no finding there.
    assert by_rule(findings(first, second), "asked-twice") == []


def test_asked_twice_across_a_group_compares_documents_not_their_ids() -> None:
    # Document ids are local to a record: the same id names another document in another procedure of the group.
    first = lien_thong_khai_sinh()
    data = first.model_dump()
    data.update(code="9.233449", name="Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi")
    data["documents"] = [{"id": "giay-chung-sinh", "name": "Danh sách đề nghị cấp thẻ bảo hiểm y tế", "originals": 1}]
    for s in data["steps"]:
        s["consumes"] = [d for d in s["consumes"] if d == "giay-chung-sinh"]
    assert by_rule(findings(Procedure.model_validate(data), first), "asked-twice") == []
    data["documents"][0]["name"] = "Giấy chứng sinh"
    assert len(by_rule(findings(Procedure.model_validate(data), first), "asked-twice")) == 1


def test_asked_twice_is_silent_on_a_clean_dossier() -> None:
    assert by_rule(findings(khai_sinh()), "asked-twice") == []


# -- rule 3: order with no dependency ---------------------------------------------------------------------------

def test_independent_checks_in_sequence_can_run_in_parallel() -> None:
    # Sở Tư pháp looks up its records (1 day) and only then asks the police (5 days); neither uses the other's
    # output. In parallel the critical path goes from 0+1+5+2+1 = 9 to max(1, 5)+2+1 = 8 working days.
    [f] = by_rule(findings(ly_lich_tu_phap()), "parallel-steps")
    assert [(op.op, op.step, op.after) for op in f.suggestion] == [("parallelize", "xac-minh", "tra-cuu")]  # type: ignore[union-attr]
    assert f.saving is not None
    assert f.saving.working_days_likely == 1
    assert (f.saving.per_case_vnd, f.saving.annual_vnd) == (0, 0)


def test_checks_in_sequence_are_not_reported_when_running_them_side_by_side_saves_nothing() -> None:
    # The same lookup done at once (0 days): in parallel or not, the path is 0+5+2+1 = 8 days.
    data = ly_lich_tu_phap().model_dump()
    data["steps"][2]["duration"] = {"low": 0, "likely": 0, "high": 0}
    assert by_rule(findings(Procedure.model_validate(data)), "parallel-steps") == []


def test_checks_that_use_each_others_output_stay_in_sequence() -> None:
    data = ly_lich_tu_phap().model_dump()
    data["documents"].append({"id": "ket-qua-tra-cuu", "name": "Kết quả tra cứu", "originals": 1})
    data["steps"][2]["produces"] = ["ket-qua-tra-cuu"]
    data["steps"][3]["consumes"] = ["ket-qua-tra-cuu"]
    assert by_rule(findings(Procedure.model_validate(data)), "parallel-steps") == []


def test_redundant_ordering_edge_is_reported_without_a_suggestion() -> None:
    data = khai_sinh().model_dump()
    data["steps"][4]["after"] = ["ky-cap", "kiem-tra"]  # kiem-tra is already before ky-cap
    [f] = by_rule(findings(Procedure.model_validate(data)), "redundant-order")
    assert f.steps == ["kiem-tra", "nhan-ket-qua"]
    assert f.suggestion == [] and f.saving is None
    assert by_rule(findings(khai_sinh()), "redundant-order") == []


def test_edges_only_suggestions_keep_the_baseline_cost() -> None:
    # find_all skips the cost re-run for parallelize suggestions: check that a full re-run agrees.
    p = ly_lich_tu_phap()
    [f] = by_rule(findings(p), "parallel-steps")
    after = apply_operations(p, f.suggestion)
    cat = catalogue(p)
    assert compliance_cost(after, cat, rates()).per_case_vnd == compliance_cost(p, cat, rates()).per_case_vnd


# -- rule 4: pass-through and ping-pong -------------------------------------------------------------------------

def with_forwarding(duration: tuple[float, float, float] = (0, 0.5, 1)) -> dict[str, Any]:
    """The liên thông birth registration with the commune's clerk only passing the dossier on to the police and
    social insurance after registering the birth."""
    data = lien_thong_khai_sinh().model_dump()
    data["steps"].insert(3, {**data["steps"][2], "id": "chuyen", "name": "Chuyển hồ sơ liên thông", "kind": "transfer",
                             "duration": dict(zip(("low", "likely", "high"), duration, strict=True)),
                             "after": ["khai-sinh"], "forwards_only": True, "legal_basis": []})
    for s in data["steps"][4:6]:
        s["after"] = ["chuyen"]
    return data


def test_pass_through_step_is_removed() -> None:
    p = Procedure.model_validate(with_forwarding())
    [f] = by_rule(findings(p), "pass-through")
    assert f.steps == ["chuyen"]
    assert [op.op for op in f.suggestion] == ["remove_step"]
    assert f.saving is not None and f.saving.working_days_likely == 0.5  # 1 + 0.5 + 7 + 0.5 → 1 + 7 + 0.5
    assert by_rule(findings(lien_thong_khai_sinh()), "pass-through") == []
    # A hand-over that takes no time (the land office's slip to the tax office, 1.013831) costs the applicant nothing.
    assert by_rule(findings(Procedure.model_validate(with_forwarding((0, 0, 0)))), "pass-through") == []


def test_the_one_stop_desk_is_no_pass_through() -> None:
    """The commune's desk that only receives the dossier and passes it on, or only gathers the results for the
    applicant to collect (bộ phận một cửa, Nghị định 118/2025/NĐ-CP): removing it would send the applicant to each
    back office, so it is not reported however long it takes."""
    data = lien_thong_khai_sinh().model_dump()
    data["steps"][5]["forwards_only"] = True  # "tra", 0,5 working days, then the applicant collects
    assert by_rule(findings(Procedure.model_validate(data)), "pass-through") == []
    data = lien_thong_khai_sinh().model_dump()
    data["steps"].insert(2, {**data["steps"][2], "id": "tiep-nhan", "name": "Tiếp nhận, chuyển hồ sơ", "kind": "receive",
                             "duration": {"low": 0, "likely": 0.5, "high": 1}, "after": ["nop"], "forwards_only": True})
    data["steps"][3]["after"] = ["tiep-nhan"]
    assert by_rule(findings(Procedure.model_validate(data)), "pass-through") == []
    # The same hand-over made by the registry to another agency on receipt is a pass-through (1.001266: to the tax office).
    data["steps"][2]["kind"] = "transfer"
    assert by_rule(findings(Procedure.model_validate(data)), "pass-through")[0].steps == ["tiep-nhan"]


def ping_pong_procedure() -> Procedure:
    """UBND xã → công an xã (only sends it back) → UBND xã."""
    return procedure(
        "9.000777", "Thủ tục thử chuyển qua lại", "https://example.invalid/ping-pong",
        agencies={"competent": ["ubnd-xa"]}, channels=[{"kind": "in_person", "time_limit": {"working_days": 5}}],
        annual_volume={"subjects_per_year": 1000, "origin": "estimate"},
        steps=[
            step("nop", "Nộp", "applicant", "submit", (0, 0, 0), **visit("ubnd-xa", 10, 5)),
            step("xem", "Xem xét", "ubnd-xa", "review", (1, 1, 1), ["nop"]),
            step("chuyen", "Công an xã nhận rồi gửi trả", "cong-an-xa", "transfer", (1, 1, 2), ["xem"]),
            step("ky", "Ký", "ubnd-xa", "approve", (0.5, 0.5, 0.5), ["chuyen"]),
        ],
    )


def test_ping_pong_through_a_transfer_step() -> None:
    p = ping_pong_procedure()
    [f] = by_rule(findings(p), "ping-pong")
    assert f.steps == ["xem", "chuyen", "ky"]
    assert f.saving is not None and f.saving.working_days_likely == 1
    assert by_rule(findings(khai_sinh()), "ping-pong") == []
    # The same hop done by information systems (a database returning a number) is no ping-pong.
    data = p.model_dump()
    data["steps"][2].update(name="Cơ sở dữ liệu trả về số định danh", kind="issue", automated=True)
    assert by_rule(findings(Procedure.model_validate(data)), "ping-pong") == []
    data["steps"][2].update(actor="applicant")
    with pytest.raises(ValueError, match="bước tự động do hệ thống thông tin của cơ quan thực hiện"):
        Procedure.model_validate(data)


def test_ping_pong_advice_follows_why_the_dossier_went() -> None:
    """Sent for a signature (the Sở signs what its centre prepared, 1.014748) the round trip goes only if the
    decision is delegated; sent for an opinion, the opinions are asked at once."""
    data = ping_pong_procedure().model_dump()
    data["steps"][2].update(name="Giám đốc Sở ký quyết định", kind="approve")
    [f] = by_rule(findings(Procedure.model_validate(data)), "ping-pong")
    assert "phân cấp, ủy quyền" in f.explanation and "lấy ý kiến song song" not in f.explanation
    assert f.suggestion == []  # a change of who decides is the reviewer's call, not an operation to apply
    data["steps"][2].update(name="Công an xã xác minh", kind="verify")
    [f] = by_rule(findings(Procedure.model_validate(data)), "ping-pong")
    assert "lấy ý kiến song song" in f.explanation and "phân cấp" not in f.explanation


# -- rule 5: repeated review ------------------------------------------------------------------------------------

def test_same_documents_reviewed_again_by_another_unit() -> None:
    data = thanh_lap_cong_ty().model_dump()
    steps = data["steps"]
    steps[2]["kind"] = "review"
    steps.insert(2, step("kiem-tra", "Bộ phận một cửa kiểm tra hồ sơ", "phong-dkkd", "review", (0.5, 1, 1), ["nop"],
                         unit="Bộ phận một cửa", consumes=["giay-de-nghi", "dieu-le", "danh-sach-thanh-vien"]))
    steps[3]["after"] = ["kiem-tra"]
    steps[3]["unit"] = "Chuyên viên thẩm định"
    steps[3]["consumes"] = ["giay-de-nghi", "dieu-le"]
    [f] = by_rule(findings(Procedure.model_validate(data)), "repeated-review")
    assert f.steps == ["kiem-tra", "xem-xet"]
    assert f.suggestion[0].op == "merge_steps"
    assert f.saving is not None and f.saving.working_days_likely == 1  # 1 + 3 → max(1, 3)
    assert by_rule(findings(thanh_lap_cong_ty()), "repeated-review") == []


# -- rule 6: visits ---------------------------------------------------------------------------------------------

def test_two_visits_where_none_online_would_do() -> None:
    # Khai sinh: two trips to the commune (30 min, 10.000 đ each), 20 + 15 min queue; online keeps the 30 min of
    # preparation and the 10 + 10 min at the counter (now on screen), and the paper birth certificate comes by post
    # (30.000 đ in these rates).
    [f] = by_rule(findings(khai_sinh()), "visits")
    before = minutes_cost(30 + 30 + 20 + 10 + 30 + 15 + 10) + 20000
    after = minutes_cost(30 + 10 + 10) + 30000
    assert f.saving is not None
    assert f.saving.per_case_vnd == round(before) - round(after)
    assert f.saving.annual_vnd == (round(before) - round(after)) * 1_200_000
    assert by_rule(findings(chung_thuc()), "visits") == []  # one visit only


def test_a_visit_the_law_requires_stays() -> None:
    # As at a marriage registration (both spouses sign the register: Luật Hộ tịch 2014, Điều 18), collecting the
    # result in person is required: only the submission goes online, saving its trip (30 min, 10.000 đ) and its
    # 20 min queue; the second visit stays whole.
    data = khai_sinh().model_dump()
    data["steps"][-1].update(presence_required=True, legal_basis=[{"ref": "60/2014/QH13", "articles": ["Điều 18"]}])
    p = Procedure.model_validate(data)
    [f] = by_rule(findings(p), "visits")
    assert [op.steps for op in f.suggestion if op.op == "go_online"] == [["nop-ho-so"]]
    assert "Pháp luật yêu cầu có mặt trực tiếp ở «Nhận Giấy khai sinh»" in f.explanation
    before = minutes_cost(30 + 30 + 20 + 10 + 30 + 15 + 10) + 20000
    after = minutes_cost(30 + 10 + 30 + 15 + 10) + 10000
    assert f.saving is not None and f.saving.per_case_vnd == round(before) - round(after)
    collect = apply_operations(p, f.suggestion).step("nhan-ket-qua")
    assert collect.in_person and collect.channel == "in_person"
    # A plan that names the step anyway is refused with the law that requires it.
    with pytest.raises(ProposalError, match=r"nhan-ket-qua.*60/2014/QH13.*không thể chuyển sang trực tuyến"):
        apply_operations(p, [GoOnline(steps=["nhan-ket-qua"], rationale="x")])
    # Only required visits left to move: the finding stays, with no suggestion.
    data["steps"][1].update(presence_required=True)
    [f] = by_rule(findings(Procedure.model_validate(data)), "visits")
    assert f.suggestion == [] and f.saving is None


def test_a_required_presence_is_a_visit() -> None:
    data = khai_sinh().model_dump()
    data["steps"][-1].update(presence_required=True, in_person=False)
    with pytest.raises(ValueError, match="bước mà pháp luật yêu cầu có mặt phải làm trực tiếp"):
        Procedure.model_validate(data)


# -- rule 7: certified copies -----------------------------------------------------------------------------------

def test_certified_copies_handed_over_at_the_counter() -> None:
    # Two certified copies of a 2-page ID: fee 2 × 2 × 2.000 đ, plus the trip to the commune to certify them
    # (30 min, 10.000 đ) and the 45 min wait there.
    [f] = by_rule(findings(thanh_lap_cong_ty()), "certified-copy")
    assert f.documents == ["giay-to-phap-ly"]
    assert f.suggestion[0].legal_change[-1].ref == "23/2015/NĐ-CP"
    saving = 8000 + 10000 + minutes_cost(45 + 30)
    assert saving == Decimal("56352.5")
    assert f.saving is not None
    assert f.saving.per_case_vnd == 56353  # each C1 is rounded half-up: the half đồng falls on the "before" side
    assert f.saving.annual_vnd == 56353 * 30000  # C_year = C1 as shown × f × N
    assert by_rule(findings(khai_sinh()), "certified-copy") == []


# -- rule 8: legal basis and time limit -------------------------------------------------------------------------

def test_requirement_without_legal_basis_when_others_cite_one() -> None:
    p = with_document(doi_gplx(), "don", legal_basis=[{"ref": "12/2017/TT-BGTVT", "articles": ["Điều 37"]}])
    [f] = by_rule(findings(p), "no-legal-basis")
    assert f.documents == ["ban-sao-gplx", "giay-kham-suc-khoe"]
    assert f.suggestion == []
    assert by_rule(findings(doi_gplx()), "no-legal-basis") == []
    # The licence the procedure issues is its result, not a requirement: it needs no basis of its own here.
    data = p.model_dump()
    data["documents"].append({"id": "gplx-moi", "name": "Giấy phép lái xe (kết quả)", "originals": 1})
    issue = next(s for s in data["steps"] if s["kind"] == "issue")
    issue["produces"] = [*issue["produces"], "gplx-moi"]
    [f] = by_rule(findings(Procedure.model_validate(data)), "no-legal-basis")
    assert f.documents == ["ban-sao-gplx", "giay-kham-suc-khoe"]


def test_requirement_whose_only_basis_has_ended() -> None:
    # Đăng ký xe lần đầu (1.012575, real record): the fee step cites only Thông tư 60/2023/TT-BTC, replaced on
    # 1/1/2026 by 155/2025/TT-BTC; the record must follow the new text, whose charges differ.
    cat = open_catalogue()
    p = cat.procedures["1.012575"]
    [f] = by_rule(find_all(p, cat, rates(day=date(2026, 12, 7))), "ended-legal-basis")
    assert f.steps == ["nop-le-phi"] and f.documents == [] and f.suggestion == []
    assert "60/2023/TT-BTC hết hiệu lực từ 01/01/2026, thay bằng 155/2025/TT-BTC" in f.explanation
    assert by_rule(find_all(p, cat, rates(day=date(2025, 12, 31))), "ended-legal-basis") == []  # still in force
    # One text still in force is a basis: the step keeps it, and its citation of the ended text is only stale, as is
    # the procedure's own citation of 60/2023 (a re-analysis after 155/2025 asks to review both).
    data = p.model_dump()
    fee_step = next(s for s in data["steps"] if s["id"] == "nop-le-phi")
    fee_step["legal_basis"].append({"ref": "155/2025/TT-BTC"})
    [f] = by_rule(find_all(Procedure.model_validate(data), cat, rates(day=date(2026, 12, 7))), "ended-legal-basis")
    assert "chỉ dẫn văn bản đã hết hiệu lực" not in f.explanation
    assert f.explanation.startswith("Vào ngày 07/12/2026, bản ghi còn dẫn văn bản đã hết hiệu lực: căn cứ pháp lý của "
                                    "thủ tục (60/2023/TT-BTC hết hiệu lực từ 01/01/2026, thay bằng 155/2025/TT-BTC); bước")
    # Without any citation of the ended text, nothing is reported.
    for place in [data, *data["steps"], *data["documents"], *(fee for c in data["channels"] for fee in c["fees"])]:
        place["legal_basis"] = [c for c in place.get("legal_basis", []) if c["ref"] != "60/2023/TT-BTC"]
    assert by_rule(find_all(Procedure.model_validate(data), cat, rates(day=date(2026, 12, 7))), "ended-legal-basis") == []


def test_likely_critical_path_longer_than_the_time_limit() -> None:
    p = ly_lich_tu_phap()
    assert by_rule(findings(p), "over-time-limit") == []  # 9 working days ≤ 10
    tight = change(p, channels=[{**p.channels[0].model_dump(), "time_limit": {"working_days": 7}}])
    [f] = by_rule(findings(tight), "over-time-limit")
    assert "9 ngày làm việc" in f.explanation and "7 ngày làm việc" in f.explanation


def test_a_declaration_that_gets_no_result_has_no_time_limit_to_exceed() -> None:
    # Khai thuế TNCN tháng (2.002235, real record): «Không phải trả kết quả cho người nộp thuế». Its 0 days mean «no
    # limit», so an agency step with days in the span is not "over" it.
    cat = open_catalogue()
    p = cat.procedures["2.002235"]
    assert p.main_channel.time_limit.no_result and p.time_limit_working_days == 0
    data = p.model_dump()
    for s in data["steps"]:
        if s["actor"] != "applicant":
            s["duration"] = {"low": 1, "likely": 2, "high": 3}
    slow = Procedure.model_validate(data)
    assert days_in_time_limit(slow) > 0
    assert by_rule(find_all(slow, cat, rates()), "over-time-limit") == []
    for c in data["channels"]:
        c["time_limit"]["no_result"] = False  # the same days against a limit «trong ngày» are over it
    assert by_rule(find_all(Procedure.model_validate(data), cat, rates()), "over-time-limit")
    data["channels"][0]["time_limit"] = {"working_days": 5, "no_result": True}
    with pytest.raises(ValueError, match="no_result"):
        Procedure.model_validate(data)


def test_the_time_limit_counts_from_the_agencys_receipt_to_the_result() -> None:
    # Hưởng chế độ thai sản (2.000693, real record): the employer's 4 days drawing up the list come before the
    # provincial BHXH receives the dossier; its 6-day limit counts 0,1 + 3 + 0,5 + 1 = 4,6 days, not the 8,6 of the
    # whole path.
    cat = open_catalogue()
    p = cat.procedures["2.000693"]
    assert longest_paths(p.steps).likely == 8.6
    assert days_in_time_limit(p) == 4.6 <= p.time_limit_working_days == 6
    assert by_rule(find_all(p, cat, rates()), "over-time-limit") == []
    # An applicant step inside the span (paying a tax notice) adds no days; the agency's own days do.
    data = p.model_dump()
    for s in data["steps"]:
        if s["id"] == "xet-duyet":
            s["duration"] = {"low": 1, "likely": 4.5, "high": 6}
    data["steps"].insert(5, step("nop-thue", "Nộp tiền", "applicant", "pay", (2, 2, 2), ["xet-duyet"]))
    data["steps"][6]["after"] = ["nop-thue"]  # phe-duyet waits for it
    slow = Procedure.model_validate(data)
    assert days_in_time_limit(slow) == 0.1 + 4.5 + 0.5 + 1
    [f] = by_rule(find_all(slow, cat, rates()), "over-time-limit")
    assert "mất 6.1 ngày làm việc" in f.explanation and "6 ngày làm việc" in f.explanation


def test_suggestions_applied_together_count_what_they_share_once() -> None:
    # Thai sản (2.000693): once-only drops the certified copy of the birth certificate that the certified-copy
    # finding would make plain; together they save what once-only saves, not the sum of both.
    cat = open_catalogue()
    p = cat.procedures["2.000693"]
    found = find_all(p, cat, rates())
    once, certified = by_rule(found, "once-only")[0], by_rule(found, "certified-copy")[0]
    together = analyse(p, cat, rates()).saving
    assert together is not None and once.saving is not None and certified.saving is not None
    assert together == once.saving
    assert together.annual_vnd < once.saving.annual_vnd + certified.saving.annual_vnd


# -- kiến nghị thực thi ---------------------------------------------------------------------------------------------

def test_each_suggestion_names_the_text_to_amend_and_only_that() -> None:
    # Once-only on a cited document: amend the provision that lists it (it lists other papers too), never repeal it.
    p = with_document(ly_lich_tu_phap(), "ban-chup-cccd", legal_basis=[{"ref": "41/2009/QH12", "articles": ["Điều 45"]}],
                      issuer={"kind": "national_database", "database": "Cơ sở dữ liệu quốc gia về dân cư"})
    [op] = by_rule(findings(p), "once-only")[0].suggestion
    assert [(c.ref, c.articles, c.action) for c in op.legal_change] == [("41/2009/QH12", ["Điều 45"], "amend")]
    # Cited by nothing: the procedure's first text as a whole, flagged for the officer to find the article.
    [op] = by_rule(findings(with_document(p, "ban-chup-cccd", legal_basis=[])), "once-only")[0].suggestion
    [whole] = op.legal_change
    assert (whole.ref, whole.articles) == (p.legal_basis[0].ref, []) and "cần xác định điều khoản" in whole.text
    # An agency's own step that no text sets is changed in its internal process, not in law.
    [f] = by_rule(findings(Procedure.model_validate(with_forwarding())), "pass-through")
    assert f.suggestion[0].legal_change == []
    # Going online where an online channel exists needs no new law.
    ks = khai_sinh()
    online = change(ks, channels=[*(c.model_dump() for c in ks.channels),
                                  {**ks.channels[0].model_dump(), "kind": "online"}])
    assert by_rule(findings(online), "visits")[0].suggestion[0].legal_change == []
    assert by_rule(findings(ks), "visits")[0].suggestion[0].legal_change != []


# -- ranking ----------------------------------------------------------------------------------------------------

def test_findings_are_ranked_by_annual_saving() -> None:
    found = findings(thanh_lap_cong_ty())
    savings = [f.annual_saving_vnd for f in found]
    assert savings == sorted(savings, reverse=True)
    assert found[0].rule in {"visits", "certified-copy"}


@pytest.mark.parametrize("make", [khai_sinh, chung_thuc, ly_lich_tu_phap, lien_thong_khai_sinh, doi_gplx, thanh_lap_cong_ty])
def test_every_saving_is_the_recomputed_difference(make: Any) -> None:
    p = make()
    cat = catalogue(p)
    base = compliance_cost(p, cat, rates())
    for f in find_all(p, cat, rates()):
        if f.saving is None:
            continue
        after = apply_operations(p, f.suggestion)
        cost = compliance_cost(after, cat, rates())
        assert f.saving.annual_vnd == base.annual_cost_vnd - cost.annual_cost_vnd
        assert f.saving.working_days_likely == pytest.approx(longest_paths(p.steps).likely - longest_paths(after.steps).likely)


@pytest.mark.parametrize("make", [khai_sinh, chung_thuc, ly_lich_tu_phap, lien_thong_khai_sinh, doi_gplx, thanh_lap_cong_ty])
def test_findings_validate_as_their_own_type(make: Any) -> None:
    # Findings and their operations are built without re-validation on the hot path: they must still be valid.
    for f in findings(make()):
        assert Finding.model_validate(f.model_dump()) == f


def test_a_saving_says_what_it_is_made_of() -> None:
    """Household business online (1.001612 as written, at the district; rates of 07/12/2026): two trips of 60
    minutes with 20 and 15 minutes' queue (155 minutes × 33.523 đ/giờ ÷ 60 = 86.601,1 đ) and their 2 × 30.000 đ
    fares saved, the result posted for 28.000 đ: 86.601 + 32.000 = 118.601 đ a case. Every saving's parts add up."""
    cat = open_catalogue()
    rates = CostRates.from_parameters(cat.parameters, date(2026, 12, 7))
    [online] = [f for f in find_all(cat.procedures["1.001612"], cat, rates) if f.rule == "visits"]
    assert online.saving is not None
    s = online.saving
    assert (s.per_case_vnd, s.time_vnd, s.fees_vnd, s.other_vnd) == (118601, 86601, 0, 32000)
    for p in cat.procedures.values():
        for f in find_all(p, cat, rates):
            if f.saving is not None:
                assert f.saving.time_vnd + f.saving.fees_vnd + f.saving.other_vnd == f.saving.per_case_vnd


def test_suggestions_change_the_law_as_it_stands_on_the_day() -> None:
    """A plan drafted after 1/7/2025 cites Nghị định 118/2025/NĐ-CP, which replaced 45/2020/NĐ-CP on electronic
    results; for a requirement the record cites no provision for, the decree of its basis (not Luật Doanh nghiệp,
    listed first), and an ended one gives way to the text that replaced it (01/2021/NĐ-CP → 168/2025/NĐ-CP)."""
    cat = open_catalogue()
    record = cat.procedures["1.001612"]
    assert [cat.legal[c.ref].type for c in record.legal_basis[:2]] == ["luat", "nghi-dinh"]

    def visits_change(p: Procedure, day: date) -> Any:
        found = find_all(p, cat, CostRates.from_parameters(cat.parameters, day))
        return next(f for f in found if f.rule == "visits").suggestion[0].legal_change[0]

    now, then = visits_change(record, date(2026, 12, 7)), visits_change(record, date(2025, 6, 1))
    assert "Nghị định 118/2025/NĐ-CP" in now.text and "45/2020" not in now.text
    assert "Nghị định 45/2020/NĐ-CP" in then.text
    assert now.ref == "168/2025/NĐ-CP"
    assert then.ref == "01/2021/NĐ-CP"


def test_a_result_that_waits_for_a_notice_to_another_agency_need_not() -> None:
    # 1.001612: the registrar sends the registration to the tax office (0,25 day, `notifies`), and only then is the
    # certificate passed to the one-stop desk. Not waiting: cấp GCN → trả kết quả, 0,25 day less on the path.
    cat = open_catalogue()
    p = cat.procedures["1.001612"]
    [f] = by_rule(find_all(p, cat, CostRates.from_parameters(cat.parameters, date(2026, 12, 7))), "waits-for-notice")
    assert f.steps == ["thong-bao-thue", "tra-ket-qua"]
    assert [(op.op, op.step) for op in f.suggestion] == [("stop_waiting", "thong-bao-thue")]  # type: ignore[union-attr]
    assert f.saving is not None and f.saving.working_days_likely == 0.25 and f.saving.per_case_vnd == 0
    after = apply_operations(p, f.suggestion)
    assert after.step("tra-ket-qua").after == ["cap-gcn"] and after.step("thong-bao-thue").after == ["cap-gcn"]
    # The same notice sent at once (no time) saves nothing: not reported.
    data = p.model_dump()
    data["steps"][5]["duration"] = {"low": 0, "likely": 0, "high": 0}
    assert by_rule(find_all(Procedure.model_validate(data), cat, CostRates.from_parameters(cat.parameters, date(2026, 12, 7))),
                   "waits-for-notice") == []


def test_stop_waiting_is_refused_where_a_step_uses_what_the_notice_makes() -> None:
    p = open_catalogue().procedures["1.001612"]
    data = p.model_dump()
    data["steps"][5]["produces"] = ["gcn-hkd"]
    with pytest.raises(ProposalError, match="giấy tờ mà bước khác dùng"):
        apply_operations(Procedure.model_validate(data), [StopWaiting(step="thong-bao-thue", rationale="x")])
    with pytest.raises(ProposalError, match="không bước nào chờ"):
        apply_operations(p, [StopWaiting(step="nhan-ket-qua", rationale="x")])
    data = p.model_dump()
    data["steps"][5]["notifies"] = ["applicant"]
    with pytest.raises(ValueError, match="notifies"):
        Procedure.model_validate(data)


def test_a_paper_that_ceased_to_exist_is_dropped_not_obtained() -> None:
    # 2.000986 (the 2023 liên thông record) still asks for the sổ hộ khẩu, used until 31/12/2022 (Luật Cư trú 2020,
    # Điều 38 khoản 3): no agency can be asked for it; it leaves the dossier.
    cat = open_catalogue()
    p = cat.procedures["2.000986"]
    [f] = by_rule(find_all(p, cat, CostRates.from_parameters(cat.parameters, date(2023, 6, 1))), "once-only")
    ops = {op.document: op.op for op in f.suggestion}  # type: ignore[union-attr]
    assert ops["so-ho-khau"] == "drop_document"
    assert "Hồ sơ còn yêu cầu giấy tờ đã không còn giá trị: «Sổ hộ khẩu" in f.explanation and "(từ 01/01/2023)" in f.explanation
    assert f.title == "Yêu cầu giấy tờ không còn giá trị"  # nothing the state holds is asked: the once-only words do not fit
    assert "chỉ cung cấp thông tin một lần" not in f.explanation
    # Before that day the household book was a paper the police issued: obtained, as any other.
    [f] = by_rule(find_all(p, cat, CostRates.from_parameters(cat.parameters, date(2022, 6, 1))), "once-only")
    assert {op.document: op.op for op in f.suggestion}["so-ho-khau"] == "obtain_from_state"  # type: ignore[union-attr]
