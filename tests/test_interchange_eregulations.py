"""Import from the UNCTAD eRegulations API (Procedure → Block → Step) with its three time components."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from catalogue.interchange.importing import read_file, validate
from catalogue.interchange.safety import InterchangeError
from catalogue.loader import DEFAULT_DATA, load

FIXTURE = Path(__file__).parent / "fixtures" / "interchange" / "eregulations" / "dang-ky-cong-ty-tnhh-2tv.json"
CAT = load(DEFAULT_DATA).catalogue


def test_steps_requirements_costs_and_times() -> None:
    [record] = read_file(FIXTURE, CAT, code="1.001612", retrieved=date(2026, 11, 23))
    p = record.procedure
    submit, collect = p.steps
    assert (submit.kind, collect.kind) == ("submit", "collect")
    assert submit.actor == collect.actor and submit.in_person and submit.office == submit.actor
    assert submit.unit == "Bộ phận một cửa"
    # Counter 15–30 min → 22; queue 0 h 10 min to 1 h 0 min → (10 + 60) / 2 = 35; waiting 2–3 days.
    assert submit.applicant_time is not None
    assert (submit.applicant_time.counter, submit.applicant_time.queue) == (22, 35)
    assert (submit.duration.low, submit.duration.likely, submit.duration.high) == (2, 2.5, 3)
    assert submit.origin == "published"
    docs = {d.name: d for d in p.documents}
    certified = docs["Bản sao giấy tờ pháp lý của cá nhân đối với thành viên là cá nhân"]
    assert (certified.originals, certified.copies, certified.certified_copies) == (0, 0, 1)
    receipt = docs["Giấy biên nhận hồ sơ"]
    assert receipt.issuer.kind == "agency" and receipt.id in submit.produces and receipt.id in collect.consumes
    assert [f.amount_vnd for f in p.channels[0].fees] == [100_000, 50_000]
    assert {f.name: f.kind for f in p.channels[0].fees} == {
        "Phí công bố nội dung đăng ký doanh nghiệp": "phi", "Lệ phí đăng ký doanh nghiệp": "le_phi"}
    assert [r.name for r in p.results] == ["Giấy chứng nhận đăng ký doanh nghiệp"]
    assert [c.ref for c in p.legal_basis] == ["59/2020/QH14", "01/2021/NĐ-CP", "47/2019/TT-BTC"]
    assert p.levels == ["province"]  # "Phòng Đăng ký kinh doanh, Sở Tài chính"
    assert validate(record, CAT) == []


def test_foreign_currency_costs_are_reported_not_converted(tmp_path: Path) -> None:
    body = json.loads(FIXTURE.read_text(encoding="utf-8"))
    body["blocks"][0]["steps"][0]["costs"].append({"value": 10, "unit": "USD", "comments": "Phí tại cơ quan đại diện"})
    path = tmp_path / "p.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    [record] = read_file(path, CAT, code="1.001612")
    assert len(record.procedure.channels[0].fees) == 2
    assert any("USD" in n for n in record.notes)


def test_code_is_required() -> None:
    with pytest.raises(InterchangeError, match="--code"):
        read_file(FIXTURE, CAT)
