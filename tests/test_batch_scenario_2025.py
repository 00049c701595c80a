"""The 2025 reorganisation (data/changes/2025-07-01-to-chuc-chinh-quyen-2-cap.yaml) applied to the bundled
catalogue: the procedures it touches, checked by hand against each record's legal basis, levels and agencies.

Why each procedure is in the list (the change: district level ends; 61/2018, 107/2021, 45/2020 replaced by
118/2025; 45/2025 replaced by 150/2025; 120/2025 re-assigns the district's powers in Điều 1, 29, 31–33, 35, 36, 38,
39, 41 of Nghị định 123/2015, Điều 7 of Luật Hộ tịch 60/2014 and Điều 5 of Nghị định 23/2015):
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.legal_impact import apply_changes
from catalogue.batch.changes import load_changes
from catalogue.batch.engine import Settings, build_report, change_scope
from catalogue.batch.results import ResultCache
from catalogue.cli import app
from catalogue.loader import DEFAULT_DATA, Loaded
from models.change import LegalChange
from models.parameters import CostRates

JULY = date(2025, 7, 1)
HOTICH_123 = ("cites_text", "123/2015/NĐ-CP")
HOTICH_LAW = ("cites_text", "60/2014/QH13")
DISTRICT = ("level", "district")

# code → (changelog status, reasons as (kind, reference)), with the hand check in the comment.
EXPECTED: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # Đăng ký thành lập hộ kinh doanh: a district procedure (Phòng Tài chính - Kế hoạch, UBND cấp huyện) moved to
    # the commune business registry; its decree 01/2021/NĐ-CP ends on 1/7/2025 (registry): review.
    "1.001612": ("AMENDED", {DISTRICT, ("agency", "phong-tckh-huyen"), ("agency", "ubnd-huyen"),
                             ("not_in_force", "01/2021/NĐ-CP")}),
    # Liên thông khai tử - xóa thường trú (cấp xã): Luật Hộ tịch and 123/2015 as a whole.
    "1.007073": ("UNCHANGED", {HOTICH_LAW, HOTICH_123}),
    # Liên thông khai tử - thường trú - mai táng phí: names UBND cấp huyện and BHXH cấp huyện, has the district
    # level: moved (BHXH huyện → BHXH tỉnh, UBND huyện → UBND xã).
    "1.011537": ("AMENDED", {DISTRICT, ("agency", "bhxh-huyen"), ("agency", "ubnd-huyen"), HOTICH_LAW, HOTICH_123}),
    # Liên thông khai sinh - thường trú - thẻ BHYT (two records): district level and BHXH cấp huyện (Công an cấp
    # huyện went to Công an xã on 1/3/2025, an earlier change already in effect). 2.000986's national record cites
    # 123/2015 but not Luật Hộ tịch.
    "2.000986": ("AMENDED", {DISTRICT, ("agency", "bhxh-huyen"), HOTICH_123}),
    "2.001023": ("AMENDED", {DISTRICT, ("agency", "bhxh-huyen"), HOTICH_LAW, HOTICH_123}),
    # Đăng ký nội quy lao động: cites Nghị định 45/2025/NĐ-CP, replaced by 150/2025: review.
    "2.001955": ("UNCHANGED", {("cites_text", "45/2025/NĐ-CP"), ("not_in_force", "45/2025/NĐ-CP")}),
}
NEEDS_REVIEW = {"1.001612", "2.001955"}
# Not in the list although they cite the changed texts (Nghị định 123/2015, 23/2015, Luật Hộ tịch; 07/2025, which
# amends them): published under the two-level government, so the reorganisation is already in them. The civil
# status records (khai sinh, khai tử, kết hôn, lưu động, đăng ký lại, xác nhận tình trạng hôn nhân, trích lục) by
# Quyết định 163/QĐ-BTP of 15/1/2026; chứng thực bản sao by 3152/QĐ-BTP of 30/10/2025; chứng thực chữ ký by
# 858/QĐ-BTP of 26/3/2026.
PUBLISHED_AFTER = {
    **dict.fromkeys(["1.000593", "1.000656", "1.000894", "1.001193", "1.003583", "1.004746", "1.004772", "1.004873",
                     "1.004884", "2.000635"], date(2026, 1, 15)),
    "2.000815": date(2025, 10, 30), "2.000884": date(2026, 3, 26),
}


@pytest.fixture(scope="module")
def reorganisation(bundled: Loaded) -> tuple[Loaded, list[LegalChange], LegalChange]:
    loaded = load_changes(DEFAULT_DATA)
    assert loaded.problems == []
    changes = loaded.by_id()
    return bundled, list(changes.values()), changes["to-chuc-chinh-quyen-2-cap"]


def test_the_affected_procedures_and_why(reorganisation: tuple[Loaded, list[LegalChange], LegalChange]) -> None:
    bundled, changes, two_level = reorganisation
    scope = change_scope(bundled.catalogue, changes, two_level)
    found = {code: {(r.kind, r.ref) for r in reasons} for code, reasons in scope.reasons.items()}
    assert found == {code: reasons for code, (_, reasons) in EXPECTED.items()}
    assert {code for code, reasons in scope.reasons.items() if any(r.needs_review for r in reasons)} == NEEDS_REVIEW
    for code, day in PUBLISHED_AFTER.items():
        assert bundled.catalogue.procedures[code].provenance.published == day


def test_where_the_district_procedures_go(reorganisation: tuple[Loaded, list[LegalChange], LegalChange]) -> None:
    bundled, changes, _ = reorganisation
    after = apply_changes(bundled.catalogue, changes, JULY)
    business = after.procedures["1.001612"]
    assert business.levels == ["commune"]
    assert business.agencies.competent == ["co-quan-dkkd-xa"]
    assert after.procedures["2.000986"].levels == ["commune", "province"]  # BHXH cấp huyện → BHXH tỉnh
    assert after.procedures["1.011537"].levels == ["central", "province", "commune"]
    assert not any("district" in p.levels for p in after.procedures.values())
    assert not after.legal["61/2018/NĐ-CP"].in_force_on(JULY)
    assert after.legal["118/2025/NĐ-CP"].in_force_on(JULY)
    before = apply_changes(bundled.catalogue, changes, date(2025, 6, 30))
    assert before.procedures["1.001612"].levels == ["district"]


def test_step_names_say_who_acts_after_the_move(reorganisation: tuple[Loaded, list[LegalChange], LegalChange]) -> None:
    """A step moved to the commune is no longer called «… cấp huyện»; the source's words stay in `verbatim`, and
    the names say it again before the day."""
    bundled, changes, _ = reorganisation
    after = apply_changes(bundled.catalogue, changes, JULY)

    def names(code: str) -> list[str]:
        return [s.name for s in after.procedures[code].steps if "cấp" in s.name]

    assert names("1.001612") == [
        "Nộp hồ sơ, nộp lệ phí tại Bộ phận một cửa UBND cấp xã",  # UBND cấp huyện → UBND cấp xã, shortened as written
        "Cơ quan đăng ký kinh doanh cấp xã xem xét điều kiện cấp đăng ký",  # the name in the old agency's brackets
    ]
    assert "Ủy ban nhân dân cấp xã quyết định hỗ trợ chi phí mai táng (đối tượng bảo trợ xã hội)" in names("1.011537")
    assert {
        "Lập hồ sơ, danh sách đề nghị cấp thẻ bảo hiểm y tế, chuyển cho Bảo hiểm xã hội cấp tỉnh",  # the sender's step too
        "Bảo hiểm xã hội cấp tỉnh kiểm tra hồ sơ, cấp thẻ bảo hiểm y tế cho trẻ em (trong thời hạn 10 ngày)",
        # Công an cấp huyện ended on 1/3/2025, an earlier change
        "Lập hồ sơ đăng ký thường trú kèm lệ phí, chuyển cho Công an cấp xã (hoặc Công an xã, thị trấn thuộc huyện)",
    } <= set(names("2.000986"))
    assert not any("cấp huyện" in s.name for p in after.procedures.values() for s in p.steps)
    before = apply_changes(bundled.catalogue, changes, date(2025, 6, 30))
    assert before.procedures["1.011537"].steps == bundled.catalogue.procedures["1.011537"].steps


def test_the_report_before_and_after(
    reorganisation: tuple[Loaded, list[LegalChange], LegalChange], tmp_path: Path,
) -> None:
    bundled, changes, two_level = reorganisation
    with ResultCache(tmp_path) as cache:
        report = build_report(change_scope(bundled.catalogue, changes, two_level), Settings(cache))
    by_code = {p.code: p for p in report.procedures}
    assert {code: p.status for code, p in by_code.items()} == {code: s for code, (s, _) in EXPECTED.items()}
    assert {code for code, p in by_code.items() if p.needs_review} == NEEDS_REVIEW
    # Hộ kinh doanh: both visits (submit, collect) now go to the commune office instead of the district one.
    rates = CostRates.from_parameters(bundled.catalogue.parameters, JULY)
    business = by_code["1.001612"].metrics
    saved_minutes = 2 * (rates.travel_minutes["district"] - rates.travel_minutes["commune"])
    assert business["time_minutes"].difference == -saved_minutes
    assert business["annual_cost_vnd"].difference is not None and business["annual_cost_vnd"].difference < 0
    # A citation-only change leaves the numbers as they were.
    assert all(d.difference == 0 for d in by_code["1.007073"].metrics.values())


def test_analyze_as_of_a_day_sees_the_law_of_that_day() -> None:
    """`tthc analyze --as-of`: before 1/7/2025 the business registration is done at the district, from then on at
    the commune."""
    runner = CliRunner()
    ids = {}
    for day in ("2025-06-30", "2025-07-01"):
        result = runner.invoke(app, ["analyze", "1.001612", "--as-of", day, "--json", "--data", str(DEFAULT_DATA)])
        assert result.exit_code == 0, result.output
        ids[day] = set(json.loads(result.output)["metrics"]["agency_ids"])
    assert ids["2025-06-30"] & {"phong-tckh-huyen", "ubnd-huyen"}
    assert ids["2025-07-01"] == {"ubnd-xa", "co-quan-dkkd-xa"}
