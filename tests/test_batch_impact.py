"""Legal changes applied to a small catalogue: statuses as at a day, agencies and levels moved, fees, parameters,
and which procedures each change touches and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from analysis.analyse import analyse
from analysis.legal_impact import (
    affected,
    agency_wording,
    apply_changes,
    citation_touched,
    legal_status_on,
    related_texts,
)
from catalogue.batch.changes import load_changes
from catalogue.batch.engine import Settings, build_report, change_scope
from catalogue.batch.report import last_checked, render_markdown
from catalogue.batch.results import ResultCache
from catalogue.cache import load_cached
from catalogue.loader import DEFAULT_DATA, load
from catalogue.synthetic import synthetic_catalogue
from models.catalogue import Procedures
from models.parameters import CostRates
from models.procedure import RecordIndex
from models.registry import Agency
from tests.batch_helpers import SOURCE, TWO_LEVEL, change, small_catalogue

JULY = date(2025, 7, 1)


def test_replace_ends_the_text_on_the_effective_day_only() -> None:
    cat = small_catalogue()
    two_level = change(TWO_LEVEL)
    before = apply_changes(cat, [two_level], date(2025, 6, 30))
    after = apply_changes(cat, [two_level], JULY)
    assert before.legal["61/2018/NĐ-CP"].status == "amended"  # 107/2021 amends it since 2022
    assert before.legal["61/2018/NĐ-CP"].in_force_on(date(2025, 6, 30))
    assert after.legal["61/2018/NĐ-CP"].status == "replaced"
    assert after.legal["61/2018/NĐ-CP"].ended == JULY
    assert "61/2018/NĐ-CP" in after.legal["118/2025/NĐ-CP"].replaces
    assert before.legal["118/2025/NĐ-CP"].status == "not_yet"


def test_status_as_at_a_day_reads_the_registry_dates() -> None:
    cat = small_catalogue()
    replaced = cat.legal["61/2018/NĐ-CP"].model_copy(update={"status": "replaced", "ended": JULY})
    registry = {**cat.legal, replaced.number: replaced}
    assert legal_status_on(replaced, date(2019, 1, 1), registry).status == "in_force"
    assert legal_status_on(replaced, date(2023, 1, 1), registry).status == "amended"
    assert legal_status_on(replaced, JULY, registry).status == "replaced"
    assert legal_status_on(replaced, date(2015, 2, 28), registry).status == "not_yet"  # effective 1/3/2015


def test_district_procedure_moves_to_the_commune_and_names_the_commune() -> None:
    cat = small_catalogue()
    after = apply_changes(cat, [change(TWO_LEVEL)], JULY)
    moved = after.procedures["9.000002"]
    assert moved.levels == ["commune"]
    assert moved.agencies.competent == ["ubnd-xa"]
    assert moved.agencies.implementing == ["ubnd-xa"]
    assert [s.actor for s in moved.steps] == ["applicant", "ubnd-xa", "ubnd-xa", "applicant"]
    assert moved.steps[0].office == "ubnd-xa"
    assert after.agencies["ubnd-huyen"].successor == "ubnd-xa"
    assert after.agencies["ubnd-huyen"].abolished == JULY
    assert after.procedures["9.000001"] == cat.procedures["9.000001"]  # nothing to move
    assert cat.procedures["9.000002"].levels == ["district"]  # the baseline is not modified


def test_moving_to_the_commune_cuts_the_travel_cost_by_the_parameter_difference() -> None:
    """Two visits to the district office become two visits to the commune office: time and money per case fall by
    2 × (travel minutes × hourly income / 60 + travel cost), each from the dated parameters."""
    cat = small_catalogue()
    after = apply_changes(cat, [change(TWO_LEVEL)], JULY)
    rates = CostRates.from_parameters(cat.parameters, JULY)
    old = analyse(cat.procedures["9.000002"], cat, rates, with_findings=False).cost
    new = analyse(after.procedures["9.000002"], after, rates, with_findings=False).cost
    minutes = rates.travel_minutes["district"] - rates.travel_minutes["commune"]
    assert old.time_minutes - new.time_minutes == 2 * minutes
    money = 2 * (rates.travel_cost_vnd["district"] - rates.travel_cost_vnd["commune"])
    expected = Decimal(2 * minutes) * rates.hourly_income_vnd / 60 + money
    assert abs((old.per_case_vnd - new.per_case_vnd) - expected) <= 1


def test_affected_lists_each_procedure_with_its_reasons() -> None:
    cat = small_catalogue()
    found = affected(cat, change(TWO_LEVEL))
    assert list(found) == ["9.000001", "9.000002"]
    commune = {(r.kind, r.ref) for r in found["9.000001"]}
    # cites 61/2018 on step b: directly changed, and no longer in force from 1/7/2025
    assert commune == {("cites_text", "61/2018/NĐ-CP"), ("not_in_force", "61/2018/NĐ-CP")}
    district = {(r.kind, r.ref) for r in found["9.000002"]}
    assert ("cites_related_text", "107/2021/NĐ-CP") in district  # 107/2021 amends 61/2018
    assert ("level", "district") in district
    assert ("agency", "ubnd-huyen") in district and ("agency", "phong-tu-phap-huyen") in district
    assert any("bước «Xem xét»" in r.text for r in found["9.000001"])  # the step by its name, not its id
    assert all(r.change == "thu" for rs in found.values() for r in rs)


def test_a_record_published_under_the_change_is_not_touched_by_it() -> None:
    # A record re-published on or after the change's day (its publishing decision) already states the procedure
    # under it; one published the day before still needs checking.
    cat = small_catalogue()
    commune = cat.procedures["9.000001"]
    for published, touched in ((date(2025, 6, 30), True), (date(2025, 7, 1), False)):
        provenance = commune.provenance.model_copy(update={"published": published})
        cat.procedures["9.000001"] = commune.model_copy(update={"provenance": provenance})
        assert ("9.000001" in affected(cat, change(TWO_LEVEL))) is touched
    # A fee the change names still applies to the record published on the day.
    fee = change([{"op": "fee", "procedures": ["9.000001"], "channel": "in_person", "fee": "Lệ phí", "amount_vnd": 1000}])
    assert list(affected(cat, fee)) == ["9.000001"]


def test_articles_narrow_the_procedures_touched() -> None:
    cat = small_catalogue()
    other_article = change([{"op": "amend", "text": "23/2015/NĐ-CP", "by": "118/2025/NĐ-CP", "articles": ["Điều 7"]}])
    same_article = change([{"op": "amend", "text": "23/2015/NĐ-CP", "by": "118/2025/NĐ-CP", "articles": ["Điều 5"]}])
    assert affected(cat, other_article) == {}
    assert list(affected(cat, same_article)) == ["9.000002"]
    assert citation_touched(["khoản 1 Điều 11"], ["Điều 11"])
    assert not citation_touched(["Điều 12"], ["khoản 1 Điều 11"])
    assert citation_touched([], ["Điều 3"])  # citing the whole text


def test_related_texts_follow_amends_and_replaces_chains() -> None:
    cat = small_catalogue()
    legal = dict(cat.legal)
    legal["118/2025/NĐ-CP"] = legal["118/2025/NĐ-CP"].model_copy(update={"replaces": ["107/2021/NĐ-CP"]})
    related = related_texts(legal, "61/2018/NĐ-CP")
    assert set(related) == {"107/2021/NĐ-CP", "118/2025/NĐ-CP"}  # 118 replaces 107, which amends 61
    assert "107/2021/NĐ-CP" not in related_texts(legal, "61/2018/NĐ-CP", exclude=["107/2021/NĐ-CP"])
    assert set(related_texts(legal, "107/2021/NĐ-CP")) == {"118/2025/NĐ-CP", "61/2018/NĐ-CP"}


def test_merge_and_rename_agencies() -> None:
    cat = small_catalogue()
    merge = change([{"op": "merge_agencies", "agencies": ["phong-tu-phap-huyen"], "into": "ubnd-huyen"}])
    after = apply_changes(cat, [merge], JULY)
    assert after.procedures["9.000002"].agencies.implementing == ["ubnd-huyen"]
    assert {s.actor for s in after.procedures["9.000002"].steps} == {"applicant", "ubnd-huyen"}
    assert list(affected(cat, merge)) == ["9.000002"]
    rename = change([{"op": "rename_agency", "agency": "ubnd-xa", "name": "Ủy ban nhân dân phường"}])
    renamed = apply_changes(cat, [rename], JULY)
    assert renamed.agencies["ubnd-xa"].name == "Ủy ban nhân dân phường"
    assert renamed.procedures["9.000001"] == cat.procedures["9.000001"]
    assert list(affected(cat, rename)) == ["9.000001"]


def test_step_names_follow_a_rename_as_they_were_written() -> None:
    cat = small_catalogue()
    p = cat.procedures["9.000001"]
    steps = [p.steps[0].model_copy(update={"name": "Nộp tại Bộ phận một cửa UBND cấp xã"}),
             p.steps[1].model_copy(update={"name": "Ủy ban nhân dân cấp xã xem xét", "verbatim": "UBND cấp xã xem xét"}),
             *p.steps[2:]]
    cat.procedures["9.000001"] = p.model_copy(update={"steps": steps})
    rename = change([{"op": "rename_agency", "agency": "ubnd-xa", "name": "Ủy ban nhân dân phường"}])
    renamed = apply_changes(cat, [rename], JULY).procedures["9.000001"]
    assert [s.name for s in renamed.steps[:2]] == ["Nộp tại Bộ phận một cửa UBND phường", "Ủy ban nhân dân phường xem xét"]
    assert renamed.steps[1].verbatim == "UBND cấp xã xem xét"  # the source's words stay
    assert renamed.steps[2:] == cat.procedures["9.000001"].steps[2:]
    assert agency_wording({"phong-tckh-huyen": "x"}, {
        "phong-tckh-huyen": Agency(id="phong-tckh-huyen", level="district",
                                   name="Phòng Tài chính - Kế hoạch cấp huyện (Cơ quan đăng ký kinh doanh cấp huyện)"),
        "x": Agency(id="x", name="Cơ quan đăng ký kinh doanh cấp xã", level="commune"),
    }) == dict.fromkeys([
        "Phòng Tài chính - Kế hoạch cấp huyện (Cơ quan đăng ký kinh doanh cấp huyện)",
        "Cơ quan đăng ký kinh doanh cấp huyện", "Phòng Tài chính - Kế hoạch cấp huyện",
    ], "Cơ quan đăng ký kinh doanh cấp xã")


def test_fee_change_and_parameter_change() -> None:
    cat = small_catalogue()
    fee = change([{"op": "fee", "procedures": ["9.000002"], "fee": "lệ phí chứng thực", "amount_vnd": 10000,
                   "note": "10.000 đồng/bản từ 01/7/2025"}])
    after = apply_changes(cat, [fee], JULY)
    [changed] = after.procedures["9.000002"].main_channel.fees
    assert (changed.amount_vnd, changed.note) == (10000, "10.000 đồng/bản từ 01/7/2025")
    assert apply_changes(cat, [fee], date(2025, 6, 30)).procedures["9.000002"] == cat.procedures["9.000002"]
    assert [r.kind for r in affected(cat, fee)["9.000002"]] == ["fee"]
    income = change([{"op": "parameter", "name": "hourly_income_vnd", "values": [
        {"start": JULY, "value": 40000, "source": SOURCE, "origin": "estimate"}]}])
    assert CostRates.from_parameters(apply_changes(cat, [income], JULY).parameters, JULY).hourly_income_vnd == 40000
    assert set(affected(cat, income)) == {"9.000001", "9.000002"}


def test_change_models_refuse_inconsistent_operations() -> None:
    with pytest.raises(ValidationError, match="phải ghi văn bản sửa đổi, thay thế \\(`by`\\)"):
        change([{"op": "replace", "text": "61/2018/NĐ-CP"}])
    with pytest.raises(ValidationError, match="phải khác nhau"):
        change([{"op": "move_level", "from_level": "district", "to_level": "district"}])
    with pytest.raises(ValidationError, match="hợp nhất vào chính nó"):
        change([{"op": "merge_agencies", "agencies": ["a", "b"], "into": "a"}])
    with pytest.raises(ValidationError):
        change([{"op": "abolish_everything"}])


@settings(max_examples=30, deadline=None)
@given(effective=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       as_of=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_a_change_matters_only_from_its_effective_date(effective: date, as_of: date) -> None:
    cat = small_catalogue()
    two_level = change(TWO_LEVEL, effective=effective)
    after = apply_changes(cat, [two_level], as_of)
    baseline = apply_changes(cat, [], as_of)
    if as_of < effective:
        assert dict(after.procedures) == dict(baseline.procedures)
        assert after.legal == baseline.legal
    else:
        assert after.procedures["9.000002"].levels == ["commune"]
        assert not after.legal["61/2018/NĐ-CP"].in_force_on(as_of)


SYNTHETIC = synthetic_catalogue(30, seed=5)
AGENCY_IDS = sorted(SYNTHETIC.agencies)
LEGAL_NUMBERS = sorted(SYNTHETIC.legal)
LEVELS = ["central", "province", "district", "commune"]

operations = st.one_of(
    st.builds(lambda old, into: {"op": "merge_agencies", "agencies": [old], "into": into},
              st.sampled_from(AGENCY_IDS), st.sampled_from(AGENCY_IDS)).filter(lambda o: o["agencies"] != [o["into"]]),
    st.builds(lambda a, b: {"op": "move_level", "from_level": a, "to_level": b},
              st.sampled_from(LEVELS), st.sampled_from(LEVELS)).filter(lambda o: o["from_level"] != o["to_level"]),
    st.builds(lambda text, by: {"op": "replace", "text": text, "by": by},
              st.sampled_from(LEGAL_NUMBERS), st.sampled_from(LEGAL_NUMBERS)).filter(lambda o: o["text"] != o["by"]),
    st.builds(lambda codes, amount: {"op": "fee", "procedures": codes, "fee": "Lệ phí", "amount_vnd": amount},
              st.lists(st.sampled_from(sorted(SYNTHETIC.procedures)), min_size=1, max_size=5, unique=True),
              st.integers(0, 500_000)),
)


@settings(max_examples=25, deadline=None)
@given(ops=st.lists(operations, min_size=1, max_size=3))
def test_a_procedure_the_change_rewrites_is_always_among_the_affected(ops: list[dict[str, object]]) -> None:
    """No silent edits: every record a change rewrites is reported, with at least one reason."""
    candidate = change(ops)
    after = apply_changes(SYNTHETIC, [candidate], JULY)
    found = affected(SYNTHETIC, candidate)
    rewritten = {code for code, p in SYNTHETIC.procedures.items() if after.procedures[code] != p}
    assert rewritten <= set(found)
    assert all(found[code] for code in found)
    assert set(found) <= set(SYNTHETIC.procedures)


def test_a_procedure_can_be_sent_to_another_level_than_its_agencies_imply() -> None:
    cat = small_catalogue()
    to_province = change([{**TWO_LEVEL[0], "procedures": {"9.000002": "province"}}])
    moved = apply_changes(cat, [to_province], JULY).procedures["9.000002"]
    assert moved.levels == ["province"]
    assert moved.agencies.competent == ["ubnd-xa"]  # who acts still follows the agency mapping
    reasons = affected(cat, to_province)["9.000002"]
    assert any(r.kind == "level" and "chuyển sang cấp tỉnh" in r.text for r in reasons)


@pytest.mark.parametrize("change_id", ["sap-xep-so-va-cong-an-2025", "to-chuc-chinh-quyen-2-cap"])
def test_a_change_decodes_only_the_procedures_it_touches(tmp_path: Path, change_id: str) -> None:
    """From the compiled cache, selection reads each record's stored references: a record is decoded only when the
    change rewrites it, and the scope is the one the decoded catalogue gives."""
    load_cached(DEFAULT_DATA, tmp_path / "cache")
    warm = load_cached(DEFAULT_DATA, tmp_path / "cache").catalogue
    plain = load(DEFAULT_DATA).catalogue
    changes = load_changes(DEFAULT_DATA).by_id()
    others = [c for c in changes.values() if c.id != change_id]
    scope = change_scope(warm, others, changes[change_id])
    expected = change_scope(plain, others, changes[change_id])

    def decoded(procedures: object) -> set[str]:
        assert isinstance(procedures, Procedures)
        return {code for code in procedures if procedures.encoded(code) is None}

    # Besides, a record back in force on that day is decoded to say so: 1.012575 before 1.115970 replaced it, 1.011537
    # before 2.002913.
    restored = {"1.012575", "1.011537"}
    assert scope.reasons == expected.reasons and scope.reasons
    assert decoded(warm.procedures) == set()
    assert decoded(scope.before.procedures) <= set(scope.reasons) | restored
    assert decoded(scope.after.procedures) <= set(scope.reasons) | restored
    assert scope.before.procedures["1.012575"].status == "in_force" and "1.115970" not in scope.before.procedures
    assert len(decoded(scope.after.procedures)) < len(warm.procedures)
    assert dict(scope.after.procedures) == dict(expected.after.procedures)
    assert dict(scope.before.procedures) == dict(expected.before.procedures)


def test_cached_references_are_the_records_own(tmp_path: Path) -> None:
    load_cached(DEFAULT_DATA, tmp_path / "cache")
    warm = load_cached(DEFAULT_DATA, tmp_path / "cache").catalogue.procedures
    assert isinstance(warm, Procedures)
    for code in list(warm):
        stored = warm.index(code)
        assert warm.encoded(code) is not None  # read without decoding the record
        assert stored == RecordIndex.of(warm[code])


def test_one_procedure_as_the_law_stood_reads_like_the_whole_catalogue_as_the_law_stood(tmp_path: Path) -> None:
    """`tthc analyze CODE` applies the legal changes to that procedure and its liên thông group only: every bundled
    procedure analyses the same as in the whole catalogue with the changes applied, on a day after all of them."""
    from catalogue.batch.changes import catalogue_with_changes

    day = date(2025, 12, 1)
    whole = catalogue_with_changes(load_cached(DEFAULT_DATA, tmp_path / "cache").catalogue, DEFAULT_DATA, day)
    rates = CostRates.from_parameters(whole.parameters, day)
    for code in whole.procedures:
        cached = load_cached(DEFAULT_DATA, tmp_path / "cache").catalogue
        alone = catalogue_with_changes(cached, DEFAULT_DATA, day, [code])
        assert analyse(alone.procedures[code], alone, rates) == analyse(whole.procedures[code], whole, rates), code
        group = whole.procedures[code].interagency_group
        members = [c for c in whole.procedures if whole.procedures[c].interagency_group == group] if group else [code]
        assert sorted(alone.procedures) == sorted(members)  # the changes were applied to these records alone


def test_a_record_replaced_on_a_day_is_the_procedure_before_it() -> None:
    """1.115970 (published 22/7/2026) replaces 1.012575, kept in the catalogue as abolished: the catalogue as at
    the day before has 1.012575 in force and no 1.115970; from that day, the reverse. 1.116410 (published 17/8/2026)
    replaces 2.001195, which the catalogue does not keep: it stays on any day rather than leave a gap."""
    cat = load(DEFAULT_DATA).catalogue
    before = apply_changes(cat, [], date(2026, 7, 21)).procedures
    assert before["1.012575"].status == "in_force" and "1.115970" not in before
    on = apply_changes(cat, [], date(2026, 7, 22)).procedures
    assert on["1.012575"].status == "abolished" and on["1.115970"].replaces == ["1.012575"]
    assert "2.001195" not in cat.procedures and "1.116410" in apply_changes(cat, [], date(2025, 1, 1)).procedures
    assert cat.procedures["1.012575"].status == "abolished"  # the catalogue itself is not changed


def test_a_record_abolished_before_a_change_is_not_touched_by_it() -> None:
    """Nghị định 301/2026/NĐ-CP (in force 1/9/2026) amends 63/2024/NĐ-CP, which only 1.011537 cites; 2.002913
    replaced 1.011537 on 9/8/2026, so on the change's day no procedure anyone still does is touched. As at a day
    before the replacement, 1.011537 is."""
    catalogue = load(DEFAULT_DATA).catalogue
    changes = load_changes(DEFAULT_DATA).by_id()
    change = changes["nghi-dinh-301-2026-lien-thong"]
    others = [c for c in changes.values() if c.id != change.id]
    cites = [code for code, p in catalogue.procedures.items() if any(c.ref == "63/2024/NĐ-CP" for c in p.legal_basis)]
    assert cites == ["1.011537"] and catalogue.procedures["1.011537"].status == "abolished"
    assert change_scope(catalogue, others, change).reasons == {}
    assert list(change_scope(catalogue, others, change, date(2026, 8, 1)).reasons) == ["1.011537"]


def test_a_decree_amending_the_enterprise_registration_decree_touches_the_records_published_before_it() -> None:
    """Nghị định 296/2026/NĐ-CP (in force 23/7/2026) amends 168/2025/NĐ-CP. The four enterprise records, published
    under 92/QĐ-BTC on 19/01/2026, cite 168/2025 and are touched; the household-business records cite it too but were
    republished under 1995/QĐ-BTC on the decree's day, so the decree is already in them."""
    catalogue = load(DEFAULT_DATA).catalogue
    changes = load_changes(DEFAULT_DATA).by_id()
    change = changes["nghi-dinh-296-2026-dang-ky-doanh-nghiep"]
    cites = {code for code, p in catalogue.procedures.items() if any(c.ref == "168/2025/NĐ-CP" for c in p.legal_basis)}
    enterprises = {"2.001199", "2.001583", "2.001610", "2.002011"}
    assert cites == enterprises | {"1.001266", "2.000720"}
    assert {catalogue.procedures[code].provenance.published for code in cites - enterprises} == {date(2026, 7, 23)}
    scope = change_scope(catalogue, changes.values(), change)
    assert set(scope.reasons) == enterprises
    assert all(r.kind == "cites_text" and r.ref == "168/2025/NĐ-CP" for rs in scope.reasons.values() for r in rs)


def test_a_report_says_whether_each_record_was_checked_against_its_source_since_the_change(tmp_path: Path) -> None:
    """The four enterprise records were checked against the newest copies on 08/12/2026, after Nghị định 296/2026
    took effect (23/7/2026); the passport record's last look (08/12/2026) comes before the end of the fee reductions
    on 01/01/2027, so the report marks it: the portal may republish the procedure once the change is in force."""
    catalogue = load(DEFAULT_DATA).catalogue
    changes = load_changes(DEFAULT_DATA).by_id()
    with ResultCache(tmp_path / "cache") as cache:
        decree = build_report(change_scope(catalogue, changes.values(), changes["nghi-dinh-296-2026-dang-ky-doanh-nghiep"]),
                              Settings(cache))
        fees = build_report(change_scope(catalogue, changes.values(), changes["het-giam-phi-le-phi-thong-tu-64-2025"]),
                            Settings(cache))
    assert {p.code: last_checked(p, decree) for p in decree.procedures} == dict.fromkeys(
        ["2.001199", "2.001583", "2.001610", "2.002011"], "08/12/2026")
    passport = next(p for p in fees.procedures if p.code == "1.001456")
    assert passport.last_checked == catalogue.procedures["1.001456"].provenance.last_checked == date(2026, 12, 8)
    assert last_checked(passport, fees) == "08/12/2026 (trước ngày hiệu lực)"
    markdown = render_markdown(fees).splitlines()
    assert ("- **1.001456** Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh) (đối chiếu nguồn lần cuối "
            "08/12/2026 (trước ngày hiệu lực))") in markdown  # among the records to review
    assert any(line.startswith("| 1.001456 |") and line.endswith("| 08/12/2026 (trước ngày hiệu lực) |") for line in markdown)
