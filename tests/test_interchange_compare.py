"""`tthc import` on a code the catalogue has: the facts the source states otherwise than the catalogue's record."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalogue.cli import app
from catalogue.interchange.compare import Difference, differences
from catalogue.loader import DEFAULT_DATA, load
from models.catalogue import Catalogue
from models.procedure import Procedure

PORTAL = Path(__file__).parent / "fixtures" / "interchange" / "portal"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load(DEFAULT_DATA).catalogue


def as_source(record: Procedure, transcribed: list[str], **changes: object) -> Procedure:
    """The record as an import of its source would give it, with `changes` made by the source."""
    provenance = record.provenance.model_copy(update={"transcribed": transcribed, "publishing_decision": ""})
    return record.model_copy(update={"provenance": provenance, **changes})


def test_a_source_that_states_the_record_otherwise(cat: Catalogue) -> None:
    record = cat.procedures["1.115978"]  # Đổi, cấp lại giấy phép lái xe: 1 working day, 115.000 đ online
    channel = record.channels[0]
    fee = channel.fees[0].model_copy(update={"amount_vnd": 135_000})
    limit = channel.time_limit.model_copy(update={"working_days": 2.0, "text": "02 ngày làm việc"})
    source = as_source(
        record, ["channels", "fees", "documents", "legal_basis"],
        name="Đổi giấy phép lái xe",
        channels=[channel.model_copy(update={"fees": [fee], "time_limit": limit})],
        documents=[d for d in record.documents if d.id != "ho-chieu"],
        legal_basis=[*record.legal_basis, record.legal_basis[0].model_copy(update={"ref": "99/2026/TT-BCA"})],
    )
    assert differences(record, source) == [
        Difference("Tên thủ tục", "Đổi, cấp lại Giấy phép lái xe", "Đổi giấy phép lái xe"),
        Difference("Thời hạn giải quyết (trực tuyến)", "1 ngày làm việc", "2 ngày làm việc («02 ngày làm việc»)"),
        Difference("Phí, lệ phí (trực tuyến)", "115.000 đ", "135.000 đ"),
        Difference("Thành phần hồ sơ không còn ở nguồn", "Hộ chiếu còn thời hạn sử dụng, xuất trình", ""),
        Difference("Căn cứ pháp lý mới ở nguồn", "", "99/2026/TT-BCA"),
    ]


def test_only_what_the_source_states_is_compared(cat: Catalogue) -> None:
    record = cat.procedures["1.115978"]
    channel = record.channels[0]
    unread = channel.time_limit.model_copy(update={"working_days": 0.0, "text": ""})
    # A capture with no fee, document or legal table, and a time limit the importer could not read.
    source = as_source(record, ["channels"], channels=[channel.model_copy(update={"fees": [], "time_limit": unread})],
                       documents=[], legal_basis=record.legal_basis[:1])
    assert differences(record, source) == []


def test_import_dry_run_lists_what_changed_since_transcription(tmp_path: Path) -> None:
    runner = CliRunner()
    # The national portal's popup for gia hạn giấy phép xây dựng (1.013227), captured when the form was still the one
    # of Nghị định 15/2021/NĐ-CP and the province's charge 10.000 đ; the catalogue's record follows Nghị định
    # 217/2026/NĐ-CP (1077/QĐ-BXD) with the 15.000 đ example charge, on each of three channels.
    result = runner.invoke(app, ["import", str(PORTAL / "dvc-276461-gia-han-gpxd.html"), "--code", "1.013227",
                                 "--dry-run", "--data", str(DEFAULT_DATA)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "khác hồ sơ trong danh mục ở 6 điểm" in result.output
    assert "Phí, lệ phí (trực tuyến)" in result.output and "10.000 đ" in result.output
    assert "Thành phần hồ sơ mới ở nguồn" in result.output and "15/2021/NĐ-CP" in result.output
    assert "Thành phần hồ sơ không còn ở nguồn" in result.output and "217/2026/NĐ-CP" in result.output
    # A mirror page with no time limit, documents or legal table: nothing it states differs.
    result = runner.invoke(app, ["import", str(PORTAL / "dulieuphaply-dang-ky-thuong-tru.html"), "--dry-run",
                                 "--data", str(DEFAULT_DATA)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1.004222 không khác hồ sơ trong danh mục ở những nội dung nguồn ghi" in result.output
