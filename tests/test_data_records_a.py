"""Hand checks a reviewer would do on the real hộ tịch, chứng thực, lý lịch tư pháp and cư trú records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from analysis.consistency import check_catalogue
from analysis.critical_path import longest_paths
from catalogue.loader import DEFAULT_DATA, Loaded, load
from models.procedure import APPLICANT, Procedure

RECORDS_A = [
    "1.001193", "1.000894", "1.000656", "1.003583", "1.004884", "1.004746", "2.000815", "2.000884", "1.004222",
    "1.004194", "2.001159", "1.003197", "3.000333", "3.000332", "2.000986", "2.001023", "1.011537", "1.007073",
    "1.004772",
]
REGISTRIES_A = ("ho-tich-tu-phap.yaml", "cong-an-cu-tru.yaml", "bhxh.yaml")
LEGAL_A = ("ho-tich.yaml", "cu-tru.yaml", "tu-phap.yaml", "chung.yaml")


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load(DEFAULT_DATA)


def _mine(loaded: Loaded) -> list[Procedure]:
    return [loaded.catalogue.procedures[code] for code in RECORDS_A]


def _agencies(p: Procedure) -> set[str]:
    return {s.actor for s in p.steps if s.actor != APPLICANT}


def test_records_load_without_problems(loaded: Loaded) -> None:
    own_files = {f"{code}.yaml" for code in RECORDS_A} | set(REGISTRIES_A) | set(LEGAL_A)
    assert [str(p) for p in loaded.problems if Path(p.file).name in own_files] == []
    assert set(RECORDS_A) <= set(loaded.catalogue.procedures)
    errors = [i for i in check_catalogue(loaded.catalogue) if i.severity == "error" and i.key in RECORDS_A]
    assert errors == []


def test_file_name_is_the_code_and_codes_are_unique() -> None:
    codes = [path.stem for path in (DEFAULT_DATA / "procedures").glob("*.yaml")]
    assert len(codes) == len(set(codes))
    for code in RECORDS_A:
        text = (DEFAULT_DATA / "procedures" / f"{code}.yaml").read_text(encoding="utf-8")
        assert f'code: "{code}"' in text


def test_every_record_has_dated_sources_and_says_what_is_modelled(loaded: Loaded) -> None:
    for p in _mine(loaded):
        assert p.provenance.sources, p.code
        assert all(s.retrieved <= date(2026, 12, 31) and s.url.startswith("http") for s in p.provenance.sources)
        assert p.provenance.transcribed and p.provenance.modelled, p.code
        assert p.verbatim_steps, p.code
        # A volume not published by a source is an estimate and says how it was estimated.
        assert p.annual_volume.origin == "published" or p.annual_volume.note, p.code


def test_lien_thong_khai_sinh_crosses_three_agencies_in_parallel(loaded: Loaded) -> None:
    p = loaded.catalogue.procedures["2.000986"]
    assert {"ubnd-xa", "cong-an-huyen", "bhxh-huyen"} <= _agencies(p)
    # Police and social insurance work on the dossier at the same time, after the birth is registered.
    assert p.step("chuyen-cong-an").after == p.step("chuyen-bhxh").after == ["dang-ky-khai-sinh"]
    assert sorted(p.step("tra-ket-qua").after) == ["tra-ket-qua-cong-an", "tra-the-bhyt"]
    # Likely critical path by hand: 0.1 + 0.5 + 1 + 8 + 1 + 0 through the police branch (BHXH branch: 1 + 5 + 1).
    length = longest_paths(p.steps).likely
    assert length == pytest.approx(10.6)
    assert length <= p.time_limit_working_days == 20


def test_at_least_four_inter_agency_records(loaded: Loaded) -> None:
    procedures = loaded.catalogue.procedures
    lien_thong = [p for p in _mine(loaded) if "liên thông" in p.name.lower()]
    assert len(lien_thong) >= 4
    assert all(len(_agencies(p)) >= 2 for p in lien_thong)
    # A liên thông group holds the procedures done together on one dossier, the parts each liên thông record
    # links to (Nghị định 63/2024/NĐ-CP); the liên thông records themselves are alternatives, in no group.
    groups: dict[str, set[str]] = {}
    for p in procedures.values():
        if p.interagency_group:
            groups.setdefault(p.interagency_group, set()).add(p.code)
    assert groups == {"lien-thong-khai-sinh-tre-duoi-6-tuoi": {"1.001193", "1.004222"},
                      "lien-thong-khai-tu": {"1.000656", "1.003197"}}
    assert all(any(members <= set(p.related) for p in lien_thong) for members in groups.values())


def test_levels_are_mixed(loaded: Loaded) -> None:
    levels = {level for p in _mine(loaded) for level in p.levels}
    assert {"commune", "district", "province", "central"} <= levels


def test_identity_papers_are_shown_and_held_in_the_population_database(loaded: Loaded) -> None:
    papers = [d for p in _mine(loaded) for d in p.documents if d.id == "giay-to-tuy-than"]
    assert len(papers) >= 8
    for d in papers:
        assert d.presented and d.identity and d.issuer.kind == "national_database"
        assert d.issuer.database == "Cơ sở dữ liệu quốc gia về dân cư"


def test_fees_computed_by_hand(loaded: Loaded) -> None:
    ban_sao = loaded.catalogue.procedures["2.000815"].main_channel.fees
    assert sum(f.total_vnd for f in ban_sao) == 3 * 2000
    assert sum(f.total_vnd for f in loaded.catalogue.procedures["2.000884"].main_channel.fees) == 10000
    # Công ty TNHH 2TV: the registration charge is halved (Thông tư 64/2025/TT-BTC: 50% of 50.000 đ) and waived
    # online; the publication fee is 100.000 đ on every channel.
    tnhh = {c.kind: sum(f.total_vnd for f in c.fees) for c in loaded.catalogue.procedures["2.001199"].channels}
    assert tnhh == {"in_person": 125000, "online": 100000, "post": 125000}
    thuong_tru = {c.kind: sum(f.total_vnd for f in c.fees) for c in loaded.catalogue.procedures["1.004222"].channels}
    assert thuong_tru == {"in_person": 20000, "online": 10000}


def test_district_agencies_are_abolished_with_a_sourced_successor(loaded: Loaded) -> None:
    agencies = loaded.catalogue.agencies
    for agency_id in ("ubnd-huyen", "phong-tu-phap-huyen", "cong-an-huyen", "bhxh-huyen"):
        agency = agencies[agency_id]
        assert agency.abolished is not None and agency.abolished <= date(2025, 7, 1)
        assert agency.successor is not None and agencies[agency.successor].level != "district"
        assert agency.sources
    assert agencies["cong-an-huyen"].abolished == date(2025, 3, 1)
    assert agencies["trung-tam-lltp-quoc-gia"].successor == "cuc-ho-so-nghiep-vu"


def test_one_stop_decree_replaced_on_1_july_2025(loaded: Loaded) -> None:
    legal = loaded.catalogue.legal
    old, new = legal["61/2018/NĐ-CP"], legal["118/2025/NĐ-CP"]
    assert old.status == "replaced" and old.ended == date(2025, 7, 1)
    assert "61/2018/NĐ-CP" in new.replaces and new.effective == date(2025, 7, 1)
    assert old.in_force_on(date(2025, 6, 30)) and not old.in_force_on(date(2025, 7, 1))
    assert "63/2010/NĐ-CP" in legal["92/2017/NĐ-CP"].amends


def test_published_civil_status_volumes_of_2024(loaded: Loaded) -> None:
    procedures = loaded.catalogue.procedures
    # Bộ Tư pháp, 16/12/2024: khai sinh mới hơn 1,4 triệu; khai sinh lại 434.902; khai tử 654.031.
    expected = {"1.001193": 1_400_000, "1.004884": 434_902, "1.000656": 654_031}
    for code, subjects in expected.items():
        volume = procedures[code].annual_volume
        assert (volume.origin, volume.subjects_per_year) == ("published", subjects)
        assert volume.source is not None and "Bộ Tư pháp" in volume.source.publisher
