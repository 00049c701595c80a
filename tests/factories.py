"""Small procedures built in code, for tests and docstring examples."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.procedure import Procedure


def tiny_procedure(**overrides: Any) -> Procedure:
    """Three steps in a row: the applicant submits, the commune reviews, the applicant collects."""
    data: dict[str, Any] = {
        "code": "9.000001",
        "name": "Thủ tục thử",
        "field": "Hộ tịch",
        "levels": ["commune"],
        "subjects": ["citizen"],
        "agencies": {"competent": ["ubnd-xa"]},
        "channels": [{"kind": "in_person", "time_limit": {"working_days": 3}}],
        "online": "none",
        "results": [{"name": "Giấy xác nhận"}],
        "legal_basis": [{"ref": "60/2014/QH13"}],
        "annual_volume": {"subjects_per_year": 100, "origin": "estimate"},
        "documents": [{"id": "don", "name": "Đơn", "originals": 1}],
        "steps": [
            {"id": "a", "name": "Nộp", "actor": "applicant", "kind": "submit", "origin": "estimate",
             "duration": {"low": 0, "likely": 0, "high": 0}, "in_person": True, "office": "ubnd-xa",
             "channel": "in_person", "consumes": ["don"], "applicant_time": {"queue": 10, "counter": 5}},
            {"id": "b", "name": "Xem xét", "actor": "ubnd-xa", "kind": "review", "origin": "estimate",
             "duration": {"low": 1, "likely": 2, "high": 3}, "after": ["a"], "consumes": ["don"]},
            {"id": "c", "name": "Nhận kết quả", "actor": "applicant", "kind": "collect", "origin": "estimate",
             "duration": {"low": 0, "likely": 0, "high": 0}, "after": ["b"], "in_person": True,
             "office": "ubnd-xa", "channel": "in_person", "applicant_time": {"queue": 10, "counter": 5}},
        ],
        "provenance": {"sources": [{"url": "https://example.invalid/test", "retrieved": date(2026, 1, 1)}]},
    }
    data.update(overrides)
    return Procedure.model_validate(data)
