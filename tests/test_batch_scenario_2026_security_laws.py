"""Luật 118/2025/QH15 (sửa đổi 10 luật về an ninh, trật tự) and Thông tư 108/2026/TT-BCA, in force from 1/7/2026
(data/changes/2026-07-01-luat-118-2025-an-ninh-trat-tu.yaml), applied to the bundled catalogue: every procedure citing
the amended Luật Căn cước, Luật Trật tự, an toàn giao thông đường bộ or Luật Cư trú and published before that day is
touched, listed by hand from the records' legal bases."""

from __future__ import annotations

from datetime import date

from analysis.legal_impact import apply_changes
from catalogue.batch.changes import load_changes
from catalogue.batch.engine import change_scope
from catalogue.loader import DEFAULT_DATA, Loaded

CHANGE = "luat-118-2025-an-ninh-trat-tu"


def test_the_procedures_citing_the_amended_laws_are_touched(bundled: Loaded) -> None:
    loaded = load_changes(DEFAULT_DATA)
    assert loaded.problems == []
    catalogue, change = bundled.catalogue, loaded.by_id()[CHANGE]
    scope = change_scope(catalogue, loaded.changes, change)
    residence = {"1.003197", "1.004194", "1.004222", "1.007073", "1.010041", "1.011537", "2.000986",
                 "2.001159"}  # Luật Cư trú
    road = {"1.012575", "3.000346"}  # Luật Trật tự, an toàn giao thông đường bộ (3.000346 also Thông tư 12/2025/TT-BCA)
    # The new tax laws end Luật Quản lý thuế 38/2019 and Nghị định 126/2020, 91/2022, 373/2025 the same day: a
    # report of any change of that day lists the procedures citing a text that ends then, to review (not for 118/2025).
    tax = {"1.008498", "2.002233", "2.002235"}
    assert set(scope.reasons) == residence | road | tax
    assert {r.kind for code in tax for r in scope.reasons[code]} == {"not_in_force"}
    # Đăng ký thường trú cites Luật Cư trú on the procedure and on four documents: one reason names every place.
    [reason] = scope.reasons["1.004222"]
    assert (reason.kind, reason.ref) == ("cites_text", "68/2020/QH14")
    assert reason.text.startswith("căn cứ pháp lý của thủ tục, giấy tờ «Tờ khai thay đổi thông tin cư trú (mẫu CT01)», ")
    assert reason.text.endswith("được sửa đổi, bổ sung bởi 118/2025/QH15")
    # 1.115978 (published 22/7/2026) and 1.116410 (17/8/2026) cite the amended laws too, but were published under
    # them: nothing to check.
    published = {code: catalogue.procedures[code].provenance.published for code in ("1.115978", "1.116410")}
    assert published == {"1.115978": date(2026, 7, 22), "1.116410": date(2026, 8, 17)}
    # The 2025 driving-licence circular was replaced the same day; the only record of the catalogue citing it is the
    # first licence 3.000346 (Quyết định 1025/QĐ-BCA, 2025), touched for it as well as for the road-traffic law.
    after = apply_changes(catalogue, loaded.changes, date(2026, 7, 1))
    assert not after.legal["12/2025/TT-BCA"].in_force_on(date(2026, 7, 1))
    citing = {p.code for p in catalogue.procedures.values() for c in p.legal_basis if c.ref == "12/2025/TT-BCA"}
    assert citing == {"3.000346"}
    assert {r.ref for r in scope.reasons["3.000346"]} >= {"12/2025/TT-BCA", "36/2024/QH15"}


def test_the_new_tax_administration_law_sends_the_tax_procedures_to_review(bundled: Loaded) -> None:
    """Luật Quản lý thuế 108/2025/QH15 replaces 38/2019/QH14 and Nghị định 252/2026/NĐ-CP replaces 126/2020, 91/2022
    and 373/2025/NĐ-CP from 01/7/2026: the three tax procedures citing them need a new review; their costs do not move."""
    loaded = load_changes(DEFAULT_DATA)
    change = loaded.by_id()["luat-quan-ly-thue-2025"]
    scope = change_scope(bundled.catalogue, loaded.changes, change)
    tax = {"1.008498", "2.002233", "2.002235"}
    assert tax <= set(scope.reasons)
    assert all(any(r.needs_review and r.ref == "38/2019/QH14" for r in scope.reasons[code]) for code in tax)
    assert {r.ref for r in scope.reasons["2.002233"] if r.needs_review} == {
        "38/2019/QH14", "126/2020/NĐ-CP", "91/2022/NĐ-CP", "373/2025/NĐ-CP"}
    # The driving-licence circular replaced by 108/2026/TT-BCA that day is listed too, as texts of that day are.
    assert set(scope.reasons) - tax == {"3.000346"}
