"""A small catalogue folder for the proposal commands: the frozen khai sinh record and its registries
(tests/fixtures/catalogue), plus test records of tests/analysis_records.py, and plans to evaluate."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner, Result

from catalogue.cli import app
from models.procedure import Procedure
from tests import analysis_records as rec
from tests.conftest import FIXTURE

HOSTILE_NAME = '=HYPERLINK("http://x","bấm") <b>"đơn"</b> [bold]x[/bold]'


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_procedure(folder: Path, p: Procedure) -> None:
    (folder / "procedures" / f"{p.code}.yaml").write_text(dump(p.model_dump(mode="json", exclude_defaults=True)),
                                                          encoding="utf-8")


def make_data(folder: Path) -> Path:
    """The fixture catalogue + the test agencies + two test records (one with a hostile name)."""
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("README.md"))
    agencies = [a.model_dump(mode="json", exclude_defaults=True) for a in rec.AGENCIES.values() if a.id != "ubnd-xa"]
    (folder / "agencies" / "test.yaml").write_text(dump(agencies), encoding="utf-8")
    write_procedure(folder, rec.ly_lich_tu_phap())
    hostile = rec.thanh_lap_cong_ty().model_copy(update={"name": HOSTILE_NAME})
    write_procedure(folder, hostile)
    (folder / "proposals").mkdir()
    return folder


PLAN: dict[str, Any] = {
    "schema_version": 1,
    "id": "ho-tich-va-ly-lich",
    "title": "Phương án thử: khai sinh trực tuyến, lý lịch tư pháp xác minh song song",
    "author": "Tổ kiểm soát TTHC",
    "date": "2026-11-23",
    "sources": [{"url": "https://example.invalid/plan", "title": "Nghị định thử", "retrieved": "2026-11-23"}],
    "procedures": [
        {"code": "1.001193", "operations": [
            {"op": "go_online", "rationale": "Nộp và nhận kết quả trực tuyến.",
             "names": {"nop-ho-so": "Nộp hồ sơ trực tuyến qua Cổng Dịch vụ công"},
             "legal_change": [{"ref": "123/2015/NĐ-CP", "articles": ["Điều 9"], "text": "Cho nộp hồ sơ trực tuyến."}]},
        ]},
        {"code": "9.000023", "operations": [
            {"op": "parallelize", "step": "xac-minh", "after": "tra-cuu", "rationale": "Xác minh đồng thời."},
            {"op": "change_fee", "fee": "Phí cung cấp thông tin lý lịch tư pháp", "amount_vnd": 100000,
             "rationale": "Giảm phí.", "legal_change": [{"ref": "244/2016/TT-BTC", "text": "Giảm 50% phí."}]},
        ]},
        {"code": "9.004101", "operations": [
            {"op": "accept_plain_copy", "document": "giay-to-phap-ly", "rationale": "Bản sao kèm bản chính."},
        ]},
    ],
}


def write_plan(folder: Path, plan: dict[str, Any], name: str | None = None) -> Path:
    path = folder / "proposals" / f"{name or plan['id']}.yaml"
    path.write_text(dump(plan), encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "160"})
