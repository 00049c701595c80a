"""Catalogues for the batch tests: a small one built in code (a district and a commune procedure, registries, real
cost parameters from data/parameters), and an edit of the bundled data for the liên thông groups."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from catalogue.loader import DEFAULT_DATA, Loaded, load_parameters
from models.catalogue import Catalogue
from models.change import LegalChange
from models.registry import Agency, LegalDocument
from tests.factories import tiny_procedure

SOURCE = {"url": "https://example.invalid/test", "retrieved": date(2026, 1, 1)}


def legal(number: str, **extra: Any) -> LegalDocument:
    data: dict[str, Any] = {
        "number": number, "type": "nghi-dinh", "title": f"Văn bản {number}", "issuer": "Chính phủ",
        "issued": date(2015, 1, 1), "effective": date(2015, 3, 1), "status": "in_force", "sources": [SOURCE],
    }
    data.update(extra)
    return LegalDocument.model_validate(data)


def small_catalogue() -> Catalogue:
    """Two procedures:

    - 9.000001 (commune): ubnd-xa; cites 60/2014/QH13 (Điều 16) and, on step b, 61/2018/NĐ-CP;
    - 9.000002 (district): ubnd-huyen decides, phong-tu-phap-huyen reviews; cites 107/2021/NĐ-CP (which amends
      61/2018/NĐ-CP); fee "Lệ phí chứng thực" 2.000 đ in person.
    """
    agencies = {
        "ubnd-xa": Agency(id="ubnd-xa", name="Ủy ban nhân dân cấp xã", level="commune"),
        "ubnd-huyen": Agency(id="ubnd-huyen", name="Ủy ban nhân dân cấp huyện", level="district"),
        "phong-tu-phap-huyen": Agency(id="phong-tu-phap-huyen", name="Phòng Tư pháp cấp huyện", level="district"),
        "ubnd-tinh": Agency(id="ubnd-tinh", name="Ủy ban nhân dân cấp tỉnh", level="province"),
        "so-a": Agency(id="so-a", name="Sở A", level="province"),
        "so-b": Agency(id="so-b", name="Sở B", level="province"),
    }
    registry = {
        d.number: d for d in (
            legal("60/2014/QH13", type="luat"),
            legal("61/2018/NĐ-CP"),
            legal("107/2021/NĐ-CP", amends=["61/2018/NĐ-CP"], effective=date(2022, 2, 1)),
            legal("118/2025/NĐ-CP", effective=date(2025, 7, 1), issued=date(2025, 6, 9)),
            legal("23/2015/NĐ-CP"),
        )
    }
    commune = tiny_procedure(
        code="9.000001",
        legal_basis=[{"ref": "60/2014/QH13", "articles": ["Điều 16"]}],
        steps=[
            {"id": "a", "name": "Nộp", "actor": "applicant", "kind": "submit", "origin": "estimate",
             "duration": {"low": 0, "likely": 0, "high": 0}, "in_person": True, "office": "ubnd-xa",
             "channel": "in_person", "consumes": ["don"], "applicant_time": {"queue": 10, "counter": 5}},
            {"id": "b", "name": "Xem xét", "actor": "ubnd-xa", "kind": "review", "origin": "estimate",
             "duration": {"low": 1, "likely": 2, "high": 3}, "after": ["a"], "consumes": ["don"],
             "legal_basis": [{"ref": "61/2018/NĐ-CP", "articles": ["Điều 9"]}]},
        ],
    )
    district = tiny_procedure(
        code="9.000002", name="Chứng thực thử", levels=["district"],
        agencies={"competent": ["ubnd-huyen"], "implementing": ["phong-tu-phap-huyen"]},
        legal_basis=[{"ref": "107/2021/NĐ-CP"}, {"ref": "23/2015/NĐ-CP", "articles": ["khoản 2 Điều 5"]}],
        channels=[{"kind": "in_person", "time_limit": {"working_days": 3},
                   "fees": [{"kind": "le_phi", "name": "Lệ phí chứng thực", "amount_vnd": 2000}]}],
        steps=[
            {"id": "a", "name": "Nộp", "actor": "applicant", "kind": "submit", "origin": "estimate",
             "duration": {"low": 0, "likely": 0, "high": 0}, "in_person": True, "office": "phong-tu-phap-huyen",
             "channel": "in_person", "consumes": ["don"], "applicant_time": {"queue": 20, "counter": 5}},
            {"id": "b", "name": "Xem xét", "actor": "phong-tu-phap-huyen", "kind": "review", "origin": "estimate",
             "duration": {"low": 1, "likely": 2, "high": 3}, "after": ["a"], "consumes": ["don"]},
            {"id": "c", "name": "Ký", "actor": "ubnd-huyen", "kind": "approve", "origin": "estimate",
             "duration": {"low": 1, "likely": 1, "high": 2}, "after": ["b"]},
            {"id": "d", "name": "Nhận kết quả", "actor": "applicant", "kind": "collect", "origin": "estimate",
             "duration": {"low": 0, "likely": 0, "high": 0}, "after": ["c"], "in_person": True,
             "office": "phong-tu-phap-huyen", "channel": "in_person", "applicant_time": {"queue": 10, "counter": 5}},
        ],
    )
    params = load_parameters(DEFAULT_DATA / "parameters", Loaded(None))  # type: ignore[arg-type]
    return Catalogue({p.code: p for p in (commune, district)}, agencies, registry, params)


def change(operations: list[dict[str, Any]], effective: date = date(2025, 7, 1), change_id: str = "thu") -> LegalChange:
    return LegalChange.model_validate({
        "id": change_id, "title": "Thay đổi thử", "effective": effective, "sources": [SOURCE],
        "operations": operations,
    })


TWO_LEVEL: list[dict[str, Any]] = [
    {"op": "move_level", "from_level": "district", "to_level": "commune",
     "agencies": {"ubnd-huyen": "ubnd-xa", "phong-tu-phap-huyen": "ubnd-xa"}},
    {"op": "replace", "text": "61/2018/NĐ-CP", "by": "118/2025/NĐ-CP"},
]


IDENTITY_PAPER = """\
  - id: giay-to-tuy-than
    name: >-
      Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử/Giấy chứng nhận căn cước hoặc giấy tờ khác có
      dán ảnh của người đi đăng ký
    originals: 1
    presented: true
    issuer: {kind: national_database, database: Cơ sở dữ liệu quốc gia về dân cư}
"""


def ask_identity_paper_twice(data: Path) -> None:
    """Make the liên thông group khai sinh – thường trú (1.001193, 1.004222) ask one document twice, in a copy of
    the bundled data: 1.004222 also asks for the identity paper 1.001193 asks for, under the same name. The real
    records share none, and the batch tests need a finding that only the whole group can give."""
    path = data / "procedures" / "1.004222.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\ndocuments:\n") == 1
    path.write_text(text.replace("\ndocuments:\n", "\ndocuments:\n" + IDENTITY_PAPER, 1), encoding="utf-8")
