"""Applying a plan's operations to a procedure: what each operation does, what it refuses, and purity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from analysis.critical_path import longest_paths, topological_order
from analysis.proposals import ProposalError, apply_operations
from models.procedure import Procedure
from models.proposal import Operation
from tests.analysis_records import (
    khai_sinh,
    lien_thong_khai_sinh,
    ly_lich_tu_phap,
    procedure,
    step,
    thanh_lap_cong_ty,
    visit,
)

OPERATION: TypeAdapter[Operation] = TypeAdapter(Operation)


def op(kind: str, **fields: Any) -> Operation:
    return OPERATION.validate_python({"op": kind, "rationale": "Lý do thử", **fields})


def ids(p: Procedure) -> list[tuple[str, list[str]]]:
    return [(s.id, s.after) for s in p.steps]


def test_remove_step_keeps_the_order_of_the_rest() -> None:
    after = apply_operations(khai_sinh(), [op("remove_step", step="kiem-tra")])
    assert ids(after) == [("chuan-bi", []), ("nop-ho-so", ["chuan-bi"]), ("ky-cap", ["nop-ho-so"]),
                          ("nhan-ket-qua", ["ky-cap"])]


def test_merge_steps_keeps_one_visit_and_the_longest_times() -> None:
    p = lien_thong_khai_sinh()
    after = apply_operations(p, [op("merge_steps", steps=["thuong-tru", "the-bhyt"], name="Xử lý liên thông")])
    merged = after.step("thuong-tru")
    assert merged.name == "Xử lý liên thông"
    assert (merged.duration.low, merged.duration.likely, merged.duration.high) == (3, 7, 7)
    assert after.step("tra").after == ["thuong-tru"]
    assert "the-bhyt" not in [s.id for s in after.steps]


def test_merging_the_two_visits_of_a_procedure_passes_the_middle_to_the_agencies() -> None:
    # Merge "submit" and "collect": the agency steps between them now feed what followed the collection.
    p = khai_sinh()
    after = apply_operations(p, [op("merge_steps", steps=["nop-ho-so", "nhan-ket-qua"])])
    topological_order(after.steps)  # still a DAG
    merged = after.step("nop-ho-so")
    assert merged.in_person and merged.applicant_time is not None
    assert (merged.applicant_time.queue, merged.applicant_time.counter) == (20, 10)
    assert [s.id for s in after.steps if s.in_person] == ["nop-ho-so"]


def test_parallelize_lets_two_checks_run_side_by_side() -> None:
    after = apply_operations(ly_lich_tu_phap(), [op("parallelize", step="xac-minh", after="tra-cuu")])
    assert after.step("xac-minh").after == ["nop"]
    assert sorted(after.step("lap-phieu").after) == ["tra-cuu", "xac-minh"]
    assert longest_paths(after.steps).likely == 8  # max(1, 5) + 2 + 1


def test_document_operations() -> None:
    p = thanh_lap_cong_ty()
    plain = apply_operations(p, [op("accept_plain_copy", document="giay-to-phap-ly")])
    doc = plain.document("giay-to-phap-ly")
    assert (doc.copies, doc.certified_copies, doc.plain_copy_allowed) == (2, 0, True)
    gone = apply_operations(p, [op("obtain_from_state", document="giay-to-phap-ly", database="CSDLQG về dân cư")])
    assert "giay-to-phap-ly" not in [d.id for d in gone.documents]
    dropped = apply_operations(p, [op("drop_document", document="dieu-le")])
    assert [d.id for d in dropped.documents] == ["giay-de-nghi", "danh-sach-thanh-vien", "giay-to-phap-ly"]


def test_go_online_removes_visits_and_makes_the_online_channel_the_usual_path() -> None:
    p = thanh_lap_cong_ty()
    after = apply_operations(p, [op("go_online")])
    assert [s.id for s in after.steps if s.in_person] == []
    nop = after.step("nop")
    assert nop.channel == "online" and nop.applicant_time is not None
    assert (nop.applicant_time.travel, nop.applicant_time.queue, nop.applicant_time.counter) == (0, 0, 10)
    assert after.online == "full"
    assert after.main_channel.kind == "online"
    assert [f.name for f in after.main_channel.fees] == ["Phí công bố nội dung đăng ký doanh nghiệp"]


def test_go_online_sends_a_paper_result_and_a_surrendered_original_by_post() -> None:
    # The birth certificate is paper: without the trip, it comes by post (postage is a cost line); an electronic
    # result does not. An original the agency keeps travels by post too.
    p = khai_sinh()
    paper = apply_operations(p, [op("go_online")])
    assert [(s.id, s.channel) for s in paper.steps if s.actor == "applicant" and s.id != "chuan-bi"] == [
        ("nop-ho-so", "online"), ("nhan-ket-qua", "post")]
    electronic = p.model_copy(update={"results": [p.results[0].model_copy(update={"electronic": True})]})
    assert apply_operations(electronic, [op("go_online")]).step("nhan-ket-qua").channel == "online"
    data = p.model_dump()
    for d in data["documents"]:
        if d["id"] == "giay-chung-sinh":
            d["surrendered"] = True
    assert apply_operations(Procedure.model_validate(data), [op("go_online")]).step("nop-ho-so").channel == "post"


def test_go_online_for_some_steps_keeps_the_counter() -> None:
    after = apply_operations(khai_sinh(), [op("go_online", steps=["nop-ho-so"])])
    assert after.online == "partial"
    assert [c.kind for c in after.channels] == ["in_person", "online"]
    # The dossier now goes online: the online channel's fees and time limit apply, though the result is collected.
    assert after.main_channel.kind == "online"
    assert khai_sinh().main_channel.kind == "in_person"


def test_a_step_moved_online_takes_the_name_the_plan_gives_it() -> None:
    """«Nộp hồ sơ tại Bộ phận một cửa» would mislead on the after-graph once nobody goes there."""
    name = "Nộp tờ khai điện tử qua Cổng Dịch vụ công"
    after = apply_operations(khai_sinh(), [op("go_online", names={"nop-ho-so": name})])
    assert after.step("nop-ho-so").name == name
    assert after.step("nhan-ket-qua").name == khai_sinh().step("nhan-ket-qua").name


def test_a_step_moved_online_that_the_plan_does_not_name_loses_its_office() -> None:
    """Without `names`, «tại UBND cấp xã» gives way to how the step is done now."""
    before = khai_sinh()
    assert before.step("nop-ho-so").name == "Nộp hồ sơ tại UBND cấp xã"
    after = apply_operations(before, [op("go_online", steps=["nop-ho-so"])])
    assert after.step("nop-ho-so").name == "Nộp hồ sơ trực tuyến"


def test_one_desk_merges_the_submissions_to_two_agencies() -> None:
    p = procedure(
        "9.000888", "Hai thủ tục nối tiếp", "https://example.invalid/one-desk",
        agencies={"competent": ["ubnd-xa"], "coordinating": ["cong-an-xa"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 10}}],
        annual_volume={"subjects_per_year": 1000, "origin": "estimate"},
        documents=[{"id": "giay-khai-sinh", "name": "Giấy khai sinh", "originals": 1}],
        steps=[
            step("nop-1", "Nộp hồ sơ khai sinh", "applicant", "submit", (0, 0, 0), **visit("ubnd-xa", 20, 10)),
            step("khai-sinh", "Đăng ký khai sinh", "ubnd-xa", "approve", (1, 1, 1), ["nop-1"], produces=["giay-khai-sinh"]),
            step("nop-2", "Nộp hồ sơ thường trú", "applicant", "submit", (0, 0, 0), ["khai-sinh"],
                 consumes=["giay-khai-sinh"], **visit("cong-an-xa", 30, 10)),
            step("thuong-tru", "Đăng ký thường trú", "cong-an-xa", "review", (3, 5, 7), ["nop-2"]),
        ],
    )
    after = apply_operations(p, [op("one_desk", desk="ubnd-xa", submit_steps=["nop-1", "nop-2"])])
    assert [s.id for s in after.steps if s.in_person] == ["nop-1"]
    assert after.step("nop-1").office == "ubnd-xa"
    assert after.step("thuong-tru").after == ["nop-1", "khai-sinh"]  # the birth certificate now comes from the commune
    assert longest_paths(after.steps).likely == 6


def test_time_fee_and_volume_operations() -> None:
    p = ly_lich_tu_phap()
    after = apply_operations(p, [
        op("shorten_time_limit", working_days=7, durations={"xac-minh": {"low": 2, "likely": 3, "high": 4}}),
        op("change_fee", fee="phí cung cấp thông tin lý lịch tư pháp", amount_vnd=100000),
        op("lower_frequency", frequency_per_subject=Decimal("0.5")),
        op("change_subjects", subjects_per_year=600000),
    ])
    assert after.time_limit_working_days == 7
    assert after.step("xac-minh").duration.likely == 3
    assert after.main_channel.fees[0].amount_vnd == 100000
    assert after.annual_volume.frequency_per_subject == Decimal("0.5")
    assert after.annual_volume.subjects_per_year == 600000


@pytest.mark.parametrize(("operations", "message"), [
    ([op("remove_step", step="khong-co")], "operations[0] (remove_step): thủ tục 1.001193 không có bước 'khong-co'"),
    ([op("remove_step", step="kiem-tra"), op("merge_steps", steps=["kiem-tra", "ky-cap"])],
     "operations[1] (merge_steps): bước 'kiem-tra' đã bị bỏ ở operations[0] (remove_step)"),
    ([op("drop_document", document="to-khai"), op("accept_plain_copy", document="to-khai")],
     "operations[1] (accept_plain_copy): giấy tờ 'to-khai' đã bị bỏ ở operations[0] (drop_document)"),
    ([op("accept_plain_copy", document="to-khai")], "operations[0] (accept_plain_copy): giấy tờ 'to-khai' không yêu cầu bản sao chứng thực"),
    ([op("parallelize", step="ky-cap", after="nop-ho-so")], "không đứng ngay sau bước 'nop-ho-so'"),
    ([op("change_fee", fee="Phí không có", amount_vnd=0)], "không có khoản phí, lệ phí tên 'Phí không có'"),
    ([op("lower_frequency", frequency_per_subject=2)], "không thấp hơn tần suất hiện nay 1"),
    ([op("shorten_time_limit", working_days=3)], "dài hơn thời hạn giải quyết hiện nay của kênh trực tiếp (1 ngày)"),
    ([op("go_online", steps=["kiem-tra"])], "bước 'kiem-tra' do 'ubnd-xa' thực hiện, không phải người dân"),
    ([op("go_online", steps=["nop-ho-so"], names={"nhan-ket-qua": "Nhận qua bưu chính"})],
     "`names` đặt tên cho bước không chuyển sang trực tuyến trong thao tác này: nhan-ket-qua"),
])
def test_refused_operations_name_their_index_and_kind(operations: list[Operation], message: str) -> None:
    with pytest.raises(ProposalError) as raised:
        apply_operations(khai_sinh(), operations)
    assert message in str(raised.value)


def test_a_step_cannot_lose_a_document_only_the_removed_step_produced() -> None:
    data = khai_sinh().model_dump()
    data["documents"].append({"id": "so-ho-tich", "name": "Trích lục Sổ hộ tịch", "originals": 1})
    data["steps"][2]["produces"] = ["so-ho-tich"]
    data["steps"][3]["consumes"] = ["so-ho-tich"]
    p = Procedure.model_validate(data)
    with pytest.raises(ProposalError) as raised:
        apply_operations(p, [op("change_subjects", subjects_per_year=10), op("remove_step", step="kiem-tra")])
    assert raised.value.index == 1 and raised.value.kind == "remove_step"
    assert "bước 'ky-cap' cần giấy tờ 'so-ho-tich'" in str(raised.value)
    with pytest.raises(ProposalError, match="không thể làm song song"):
        apply_operations(p, [op("parallelize", step="ky-cap", after="kiem-tra")])


# -- purity and validity, over random operation lists -----------------------------------------------------------

BASELINES = [khai_sinh(), lien_thong_khai_sinh(), ly_lich_tu_phap(), thanh_lap_cong_ty()]


@st.composite
def plans(draw: st.DrawFn) -> tuple[Procedure, list[Operation]]:
    p = draw(st.sampled_from(BASELINES))
    step_ids = [s.id for s in p.steps] + ["khong-co"]
    doc_ids = [d.id for d in p.documents] + ["khong-co"]
    pick_step, pick_doc = st.sampled_from(step_ids), st.sampled_from(doc_ids)
    one = st.one_of(
        st.builds(lambda s: op("remove_step", step=s), pick_step),
        st.builds(lambda a, b: op("merge_steps", steps=[a, b]) if a != b else op("remove_step", step=a), pick_step, pick_step),
        st.builds(lambda a, b: op("parallelize", step=a, after=b), pick_step, pick_step),
        st.builds(lambda d: op("drop_document", document=d), pick_doc),
        st.builds(lambda d: op("accept_plain_copy", document=d), pick_doc),
        st.builds(lambda d: op("obtain_from_state", document=d), pick_doc),
        st.just(op("go_online")),
    )
    return p, draw(st.lists(one, min_size=1, max_size=4))


@settings(max_examples=150, deadline=None)
@given(plans())
def test_apply_is_pure_and_returns_a_usable_procedure_or_refuses(plan: tuple[Procedure, list[Operation]]) -> None:
    p, operations = plan
    snapshot = p.model_dump()
    try:
        after = apply_operations(p, operations)
    except ProposalError as exc:
        assert 0 <= exc.index < len(operations)
        assert exc.kind == operations[exc.index].op
    else:
        order = topological_order(after.steps)  # a DAG over known steps
        assert len(order) == len(after.steps) >= 1
        known = {d.id for d in after.documents}
        assert all(d in known for s in after.steps for d in [*s.consumes, *s.produces])
        Procedure.model_validate(after.model_dump())  # still a valid record
    assert p.model_dump() == snapshot


def test_going_online_moves_the_applicant_not_the_dossier_between_agencies() -> None:
    """2.000986 online: the police and the insurance office still send their results back to the commune, which
    posts them: the four hand-overs between agencies stay, where only the applicant's trips go."""
    from datetime import date

    from analysis.metrics import compute_metrics
    from catalogue.store import open_catalogue

    cat = open_catalogue()
    p = cat.procedures["2.000986"]
    after = apply_operations(p, TypeAdapter(list[Operation]).validate_python([{"op": "go_online", "rationale": "x"}]))
    before_m, after_m = (compute_metrics(q, cat, date(2025, 6, 1)) for q in (p, after))
    assert before_m.agency_hops == after_m.agency_hops == 4
    assert (before_m.visits, after_m.visits) == (2, 0)
    assert after.step("tra-ket-qua").office == "ubnd-xa" and after.step("tra-ket-qua").channel == "post"
