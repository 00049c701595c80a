"""Hostile and broken input: every importer ends in InterchangeError with a clear message, nothing else."""

from __future__ import annotations

import contextlib
import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.interchange import safety
from catalogue.interchange.importing import read_file
from catalogue.interchange.safety import InterchangeError, legacy_vietnamese_encoding
from catalogue.loader import DEFAULT_DATA, load
from models.catalogue import Catalogue

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
CAT: Catalogue = load(DEFAULT_DATA).catalogue

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<html><body><p>T\xc3\xaan th\xe1\xbb\xa7 t\xe1\xbb\xa5c: &x;</p></body></html>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><r>&lol3;</r>"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def docx_with(document_xml: bytes) -> bytes:
    good = (FIXTURES / "portal" / "ChiTietTTHC_2.000815.doc").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, document_xml if item.filename == "word/document.xml" else src.read(item))
    return out.getvalue()


def test_xml_parser_refuses_entities() -> None:
    with pytest.raises(InterchangeError, match="ENTITY"):
        safety.parse_xml(XXE, "x.xml")
    with pytest.raises(InterchangeError, match="ENTITY"):
        safety.parse_xml(LAUGHS, "x.xml")
    parser = safety.safe_xml_parser()
    assert parser.resolvers is not None  # a real lxml parser with the safe options (no DTD, no network)


def test_docx_with_external_entity_or_entity_bomb_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="ENTITY"):
        read_file(write(tmp_path, "xxe.docx", docx_with(XXE)), CAT)
    with pytest.raises(InterchangeError, match="ENTITY"):
        read_file(write(tmp_path, "bomb.docx", docx_with(LAUGHS)), CAT)


def test_html_with_entity_declarations_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="ENTITY"):
        read_file(write(tmp_path, "page.html", XXE), CAT)


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w/>" + b" " * 60_000_000)  # 60 MB of spaces packs to ~60 KB
    with pytest.raises(InterchangeError, match="bom zip"):
        read_file(write(tmp_path, "bomb.docx", out.getvalue()), CAT)


def test_huge_file_is_refused_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 10_000)
    path = write(tmp_path, "big.html", b"<p>" + b"x" * 20_000 + b"</p>")
    with pytest.raises(InterchangeError, match="MB của một lần nhập"):
        read_file(path, CAT)


@pytest.mark.parametrize("name", ["ChiTietTTHC_2.000815.doc"])
def test_truncated_docx_and_xlsx(tmp_path: Path, name: str) -> None:
    data = (FIXTURES / "portal" / name).read_bytes()
    with pytest.raises(InterchangeError, match=r"cắt cụt|zip"):
        read_file(write(tmp_path, "cut.docx", data[: len(data) // 2]), CAT)
    with pytest.raises(InterchangeError):
        read_file(write(tmp_path, "cut.xlsx", b"PK\x03\x04" + b"\x00" * 100), CAT)


def test_truncated_json_says_so(tmp_path: Path) -> None:
    data = (FIXTURES / "eregulations" / "dang-ky-cong-ty-tnhh-2tv.json").read_bytes()
    with pytest.raises(InterchangeError, match="cắt cụt"):
        read_file(write(tmp_path, "cut.json", data[:500]), CAT)


# TCVN3 and VNI bytes of "Thủ tục đăng ký khai sinh. Trình tự thực hiện" as the legacy fonts stored them.
TCVN3 = "Thñ tôc ®¨ng ký khai sinh. Tr×nh tù thùc hiÖn. Thêi h¹n gi¶i quyÕt".encode("cp1252")
VNI = "Thuû tuïc ñaêng kyù khai sinh. Trình töï thöïc hieän. Thôøi haïn giaûi quyeát".encode("cp1252")


def test_legacy_vietnamese_encodings_are_named(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="bảng mã TCVN3"):
        read_file(write(tmp_path, "tcvn3.htm", b"<html><body><p>" + TCVN3 + b"</p></body></html>"), CAT)
    with pytest.raises(InterchangeError, match="bảng mã VNI"):
        read_file(write(tmp_path, "vni.htm", b"<html><body><p>" + VNI + b"</p></body></html>"), CAT)
    # The same legacy text declared as windows-1252 (how Word saves .VnTime documents) is caught after decoding.
    declared = b'<html><head><meta charset="windows-1252"></head><body><p>' + TCVN3 + b"</p></body></html>"
    with pytest.raises(InterchangeError, match="TCVN3"):
        read_file(write(tmp_path, "declared.htm", declared), CAT)


def test_unicode_vietnamese_is_not_mistaken_for_a_legacy_encoding() -> None:
    for fixture in (FIXTURES / "portal").glob("*.htm*"):
        assert legacy_vietnamese_encoding(fixture.read_text(encoding="utf-8")) is None, fixture.name
    assert legacy_vietnamese_encoding("Phí : 2.000 đồng/trang; rõ ràng; buôn bán; Đăng ký") is None


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps the five tone marks as combining characters after a precomposed base letter."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_page_is_read(tmp_path: Path) -> None:
    page = (FIXTURES / "portal" / "dvc-187805-khai-sinh.doc").read_text(encoding="utf-8")
    data = to_cp1258(page.replace("charset=utf-8", "charset=windows-1258"))
    record = read_file(write(tmp_path, "ks.htm", data), CAT)[0]
    assert record.procedure.name == "Thủ tục đăng ký khai sinh"  # decoded and normalised to NFC


def test_wrong_formats_get_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="Word 97-2003"):
        read_file(write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), CAT)
    with pytest.raises(InterchangeError, match="PDF"):
        read_file(write(tmp_path, "x.html", b"%PDF-1.7\n..."), CAT)
    with pytest.raises(InterchangeError, match="không thấy mục nào của một thủ tục"):
        read_file(write(tmp_path, "x.html", "<p>Xin chào</p>".encode()), CAT)
    with pytest.raises(InterchangeError, match="blocks"):
        read_file(write(tmp_path, "x.json", b'{"name": "x"}'), CAT)
    with pytest.raises(InterchangeError, match="không phải UTF-8"):
        read_file(write(tmp_path, "x.html", b"<p>\xff\xfe\xfa caf\xe9</p>"), CAT)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["<p>", "</p>", "<table>", "<tr>", "<td>", "Mã thủ tục:", "1.001193", "Lĩnh vực: Hộ tịch",
                              "Cách thức thực hiện", "Hình thức nộp", "Trực tiếp", "Phí : 8.000đ", "Bước 1:", "Căn cứ pháp lý",
                              "Số ký hiệu", "60/2014/QH13", "Cấp Xã", "Cơ quan thực hiện: UBND xã", "<script>", "&amp;", "<!--"]),
             max_size=60).map(lambda parts: "".join(parts).encode()),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                 lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(["blocks", "steps", "name", "contact", "timeframe", "requirements", "costs", "laws", "min", "max"]), c, max_size=5),
                 max_leaves=40).map(lambda v: __import__("json").dumps({"name": "x", "blocks": v}).encode()),
))
def test_parsers_raise_only_their_own_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for name in ("f.html", "f.json", "f.docx"):
        path = folder / name
        path.write_bytes(data if name != "f.docx" else b"PK\x03\x04" + data)
        with contextlib.suppress(InterchangeError):
            read_file(path, CAT, code="9.999999")
