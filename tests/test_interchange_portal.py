"""Import from the national database's published record: saved portal pages and Word exports (tests/fixtures)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalogue.cli import app
from catalogue.interchange.importing import read_file, validate, write_records
from catalogue.interchange.record import ImportedRecord
from catalogue.interchange.safety import InterchangeError
from catalogue.loader import DEFAULT_DATA, load
from models.catalogue import Catalogue

PORTAL = Path(__file__).parent / "fixtures" / "interchange" / "portal"
DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load(DEFAULT_DATA).catalogue


def one(name: str, cat: Catalogue, **kw: str) -> ImportedRecord:
    records = read_file(PORTAL / name, cat, retrieved=DAY, **kw)
    assert len(records) == 1
    return records[0]


def test_word_export_reads_every_field_and_table(cat: Catalogue) -> None:
    r = one("ChiTietTTHC_2.000815.doc", cat)  # an OOXML package named .doc, as the portal names its export
    p = r.procedure
    assert any("tên tệp" in n for n in r.notes)  # the code comes from the export's file name
    assert (p.code, p.field, p.levels) == ("2.000815", "Chứng thực", ["commune"])
    assert p.agencies.competent == ["ubnd-xa"]  # "Ủy ban Nhân dân xã, phường, thị trấn." is the registry's UBND cấp xã
    [channel] = p.channels
    assert channel.kind == "in_person"
    # "Trong ngày ... hoặc trong ngày làm việc tiếp theo, nếu tiếp nhận yêu cầu sau 15 giờ" → at most 1 working day
    assert channel.time_limit.working_days == 1
    assert channel.time_limit.text.startswith("Trong ngày cơ quan, tổ chức tiếp nhận yêu cầu")
    [fee] = channel.fees
    assert (fee.kind, fee.amount_vnd, fee.per) == ("phi", 2000, "case")
    assert "200.000 đồng/bản" in fee.note  # the verbatim fee text is kept beside the amount
    [doc] = p.documents
    assert (doc.originals, doc.copies, doc.certified_copies) == (1, 0, 0)
    assert [c.ref for c in p.legal_basis] == ["23/2015/NĐ-CP"]
    # Two published steps: the applicant presents the originals, the officer checks and certifies.
    assert [(s.actor, s.kind) for s in p.steps] == [("applicant", "submit"), ("ubnd-xa", "review")]
    assert all(s.origin == "estimate" and "cần xác nhận" in s.note for s in p.steps)
    assert p.steps[1].after == [p.steps[0].id] and p.steps[0].consumes == [doc.id]
    assert p.verbatim_steps.startswith("Bước 1: Người yêu cấp chứng thực")
    assert validate(r, cat) == []


def test_doc_saved_as_html_channels_fees_and_legal_table(cat: Catalogue) -> None:
    r = one("dvc-187805-khai-sinh.doc", cat)
    p = r.procedure
    assert p.code == "1.001193" and p.type == "TTHC được luật giao quy định chi tiết"
    assert p.provenance.sources[0].url.endswith("ma_thu_tuc=187805")  # from Word's "saved from url" comment
    by_kind = {c.kind: c for c in p.channels}
    assert set(by_kind) == {"in_person", "online"}
    fees = [(f.kind, f.amount_vnd, f.per) for f in by_kind["in_person"].fees]
    assert fees == [("le_phi", 8000, "case"), ("phi", 8000, "copy")]  # "8.000 đ/bản sao" is per copy
    # The copy is paid only on request: out of the usual case's cost; the exemption is left to the reviewer.
    copy = by_kind["in_person"].fees[1]
    assert copy.quantity == 0 and copy.name == "Phí: Phí cấp bản sao Giấy khai sinh (nếu có yêu cầu)"
    assert by_kind["in_person"].fees[0].name == "Lệ phí"  # the bracket states an exemption, not the fee's name
    assert any("có trường hợp miễn" in n and "đúng hạn" in n for n in r.notes)
    assert any("chỉ thu khi có yêu cầu" in n for n in r.notes)
    assert [(f.kind, f.amount_vnd) for f in by_kind["online"].fees] == [("le_phi", 8000)]
    assert [c.ref for c in p.legal_basis] == ["60/2014/QH13"]
    assert r.legal == []  # already in the registry: nothing drafted
    # The captured page has no steps: a minimal draft, and the report says so.
    assert len(p.steps) == 3 and any("trình tự thực hiện trống" in n for n in r.notes)


def test_portal_html_three_channels_documents_and_scripts_ignored(cat: Catalogue) -> None:
    r = one("dvc-276461-gia-han-gpxd.html", cat, code="9.999001")
    p = r.procedure
    assert [c.kind for c in p.channels] == ["in_person", "online", "post"]
    assert all(c.time_limit.working_days == 5 and c.fees[0].amount_vnd == 10_000 for c in p.channels)
    assert [(d.originals, d.copies) for d in p.documents] == [(1, 1), (1, 1)]
    assert p.documents[0].form == "Don de nghi dieu chinh, gia han, cap lai GPXD.docx"
    assert p.levels == ["district"]
    # The page predates the 2025 reorganisation: the reviewer is told the district office is gone, and where to.
    assert any("«Ủy ban nhân dân cấp huyện» không còn từ 01/07/2025, việc chuyển cho «Ủy ban nhân dân cấp xã»" in n
               for n in r.notes)
    assert [d.name for d in p.documents][1] == "Bản chính giấy phép xây dựng đã được cấp"  # no list mark
    assert "injected" not in p.verbatim_steps  # the page's <script> text never becomes data
    assert any("script" in n for n in r.notes)  # and the user is told it was dropped
    assert [c.ref for c in p.legal_basis] == ["15/2021/NĐ-CP"]  # no legal table: the number cited in the documents


def test_steps_drafted_from_bước_text(cat: Catalogue) -> None:
    p = one("dulieuphaply-dang-ky-thuong-tru.html", cat).procedure
    kinds = [(s.actor == "applicant", s.kind) for s in p.steps]
    assert kinds == [(True, "prepare"), (True, "submit"), (False, "receive"), (True, "pay"), (True, "collect")]
    assert p.steps[2].actor == "cong-an-xa"  # "Công an cấp xã" matched to the registry, nothing drafted
    assert [s.after for s in p.steps][1:] == [[p.steps[i].id] for i in range(4)]
    assert {c.kind for c in p.channels} == {"in_person", "online"}


def test_partial_pages_are_refused_with_what_is_missing(cat: Catalogue) -> None:
    with pytest.raises(InterchangeError, match="không thấy căn cứ pháp lý"):
        read_file(PORTAL / "laocai-117241-thuoc-la.html", cat)
    with pytest.raises(InterchangeError, match="mã thủ tục") as err:
        read_file(PORTAL / "dvc-237025-attp.html", cat)
    assert "lĩnh vực" in str(err.value)


def test_attp_fees_per_case_are_all_kept(cat: Catalogue, tmp_path: Path) -> None:
    page = (PORTAL / "dvc-237025-attp.html").read_text(encoding="utf-8")
    page = page.replace('<div class="content-popup">', '<div class="content-popup"><div>Mã thủ tục: 9.999002</div>'
                        "<div>Lĩnh vực: An toàn thực phẩm</div><div>Cơ quan thực hiện: Ủy ban nhân dân cấp Huyện</div>")
    path = tmp_path / "attp.html"
    path.write_text(page, encoding="utf-8")
    p = read_file(path, cat)[0].procedure
    assert [f.amount_vnd for f in p.channels[0].fees] == [500_000, 1_000_000, 2_500_000]
    assert p.channels[0].fees[0].name == "Phí: Đối với cơ sở sản xuất nhỏ lẻ"
    assert p.channels[0].time_limit.working_days == 15
    assert p.documents[1].copies == 1 and p.documents[1].originals == 0


def test_import_writes_only_valid_records_and_never_overwrites(cat: Catalogue, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    runner = CliRunner()
    target = data / "procedures" / "2.000815.yaml"
    before = target.read_bytes()
    result = runner.invoke(app, ["import", str(PORTAL / "ChiTietTTHC_2.000815.doc"), "--data", str(data)])
    assert result.exit_code == 1 and "--force" in result.output
    assert target.read_bytes() == before
    result = runner.invoke(app, ["import", str(PORTAL / "ChiTietTTHC_2.000815.doc"), "--data", str(data), "--force"])
    assert result.exit_code == 0, result.output
    again = load(data)
    assert not [p for p in again.problems if p.severity == "error"]
    assert again.catalogue.procedures["2.000815"].channels[0].fees[0].amount_vnd == 2000


def test_unknown_legal_text_is_drafted_for_the_registry(cat: Catalogue, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    docx_bytes = (PORTAL / "ChiTietTTHC_2.000815.doc").read_bytes()
    src = tmp_path / "ChiTietTTHC_2.000815.doc"
    src.write_bytes(docx_bytes)
    loaded = load(data).catalogue
    legal = {k: v for k, v in loaded.legal.items() if k != "23/2015/NĐ-CP"}
    bare = Catalogue(loaded.procedures, loaded.agencies, legal, loaded.parameters)
    record = read_file(src, bare, code="")[0]
    [drafted] = record.legal
    assert (drafted.number, drafted.issued, drafted.issuer, drafted.type) == ("23/2015/NĐ-CP", date(2015, 2, 16), "Chính phủ", "nghi-dinh")
    report = write_records([record], bare, data, force=True)
    assert not report.outcomes[0].problems and report.registry_files == [data / "legal" / "imported.yaml"]


def test_documents_grouped_by_case(cat: Catalogue, tmp_path: Path) -> None:
    page = """<html><body>
    <p>Mã thủ tục: 9.999003</p><p>Số quyết định: 163/QĐ-BTP</p>
    <p>Tên thủ tục: Thủ tục thử theo trường hợp</p><p>Cấp thực hiện: Cấp Xã</p>
    <p>Đối tượng thực hiện: Công dân Việt Nam, Tổ chức</p>
    <p>Kết quả thực hiện: Giấy xác nhận KQ.G15.000032</p>
    <p>Yêu cầu, điều kiện thực hiện: Không</p>
    <p>Thủ tục hành chính liên quan: 1.001193 Thủ tục đăng ký khai sinh</p>
    <p>Lĩnh vực: Hộ tịch</p><p>Cơ quan thực hiện: Ủy ban nhân dân cấp xã</p>
    <p>Cách thức thực hiện:</p>
    <table><tr><th>Hình thức nộp</th><th>Thời hạn giải quyết</th><th>Phí, lệ phí</th><th>Mô tả</th></tr>
    <tr><td>Trực tiếp</td><td>03 Ngày làm việc</td><td>Không</td><td></td></tr></table>
    <p>Thành phần hồ sơ:</p>
    <table><tr><th>Tên giấy tờ</th><th>Mẫu đơn, tờ khai</th><th>Số lượng</th></tr>
    <tr><td colspan="3">Trường hợp ủy quyền cho cá nhân thực hiện thủ tục</td></tr>
    <tr><td>Văn bản ủy quyền</td><td></td><td>Bản chính: 1 Bản sao: 0</td></tr>
    <tr><td>Bản sao có chứng thực giấy tờ pháp lý của cá nhân được ủy quyền</td><td></td><td>Bản chính: 0 Bản sao: 1</td></tr>
    <tr><td colspan="3">Trường hợp nộp trực tiếp</td></tr>
    <tr><td>Xuất trình Thẻ căn cước của người nộp</td><td></td><td>Bản chính: 1 Bản sao: 0</td></tr>
    <tr><td>Xuất trình bản chính giấy chứng nhận quyền sử dụng đất để đối chiếu</td><td></td><td>Bản chính: 1 Bản sao: 0</td></tr>
    </table>
    <p>Căn cứ pháp lý:</p>
    <table><tr><th>Số ký hiệu</th><th>Trích yếu</th><th>Ngày ban hành</th><th>Cơ quan ban hành</th></tr>
    <tr><td>60/2014/QH13</td><td>Luật Hộ tịch</td><td>20-11-2014</td><td>Quốc hội</td></tr></table>
    </body></html>"""
    path = tmp_path / "case.html"
    path.write_text(page, encoding="utf-8")
    p = read_file(path, cat)[0].procedure
    assert [d.case for d in p.documents] == ["Trường hợp ủy quyền cho cá nhân thực hiện thủ tục"] * 2 + ["Trường hợp nộp trực tiếp"] * 2
    assert (p.documents[1].copies, p.documents[1].certified_copies) == (0, 1)  # "bản sao có chứng thực"
    # Shown at the counter: the identity card proves who files; the land certificate is only checked.
    assert [(d.presented, d.identity) for d in p.documents[2:]] == [(True, True), (True, False)]
    assert p.channels[0].fees == [] and p.channels[0].time_limit.working_days == 3
    assert p.provenance.publishing_decision == "163/QĐ-BTP"
    assert [(r.name, r.code) for r in p.results] == [("Giấy xác nhận", "KQ.G15.000032")]
    assert p.subjects == ["citizen", "organisation"] and p.conditions == [] and p.related == ["1.001193"]


def test_import_records_the_day_the_page_was_saved(tmp_path: Path) -> None:
    """`--retrieved` is the day the file was saved from the portal: the record's source says so, the warning about
    agencies gone by then is not given for a page saved before they went, and the YAML writes dates plain."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    result = CliRunner().invoke(app, ["import", str(PORTAL / "dvc-276461-gia-han-gpxd.html"), "--code", "9.999001",
                                      "--retrieved", "2024-05-02", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "không còn từ" not in result.output
    text = (data / "procedures" / "9.999001.yaml").read_text(encoding="utf-8")
    assert "retrieved: 2024-05-02\n" in text and "code: '9.999001'" in text
