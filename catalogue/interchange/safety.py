"""Reading untrusted files: size limits, zip bombs, XML entities, and the legacy Vietnamese encodings.

Every importer reads its input through these functions, so a hostile or broken file ends in one clear
`InterchangeError` naming the file, never in a stack trace, a network fetch or a machine out of memory.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from catalogue.problems import cannot_read

MAX_FILE_BYTES = 10 * 1024 * 1024
"""The largest file an importer reads: a procedure page or Word export is well under 1 MB."""
MAX_WORKBOOK_BYTES = 200 * 1024 * 1024
"""Workbooks exported by `tthc export xlsx` grow with the catalogue: a larger limit, for .xlsx only."""
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 100
"""Above 50 MB unpacked, an archive that unpacks to more than 100× its size is refused as a zip bomb."""
MAX_ZIP_MEMBERS = 2_000


class InterchangeError(ValueError):
    """A file that cannot be imported, with the reason in words a user can act on."""

    def __init__(self, source: str | Path, message: str, line: int | None = None, field: str = "") -> None:
        self.source = str(source)
        self.message = message
        self.line = line
        self.field = field
        where = f"{self.source}:{line}" if line else self.source
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


def _mb(size: int) -> str:
    """Megabytes as Vietnamese write a decimal: 12,3 MB."""
    return f"{size / 1e6:.1f} MB".replace(".", ",")


def _too_big(size: int, limit: int) -> str:
    return f"{_mb(size)}, quá giới hạn {_mb(limit)} của một lần nhập"


def read_limited(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path`, refusing files over `limit` (default MAX_FILE_BYTES) before reading them."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise InterchangeError(path, f"tệp nặng {_too_big(size, limit)}")
        return path.read_bytes()
    except OSError as exc:
        raise InterchangeError(path, cannot_read(exc)) from None


def check_size(data: bytes, source: str | Path) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise InterchangeError(source, f"dữ liệu nặng {_too_big(len(data), MAX_FILE_BYTES)}")


# --- XML ---------------------------------------------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def reject_doctype(data: bytes, source: str | Path) -> None:
    """XML with entity declarations is refused outright: no billion laughs, no external entities."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _ENTITY.search(data):
        raise InterchangeError(source, "tệp khai báo thực thể XML (<!ENTITY>): từ chối, tệp cần nhập không cần đến chúng")
    if _DOCTYPE.search(head) and not head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise InterchangeError(source, "tệp có khai báo DOCTYPE: từ chối, XML để nhập không được có khai báo này")


def safe_xml_parser() -> etree.XMLParser:
    """An XML parser that resolves no entity, loads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )


def parse_xml(data: bytes, source: str | Path) -> etree._Element:
    reject_doctype(data, source)
    try:
        return etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise InterchangeError(source, f"XML sai cấu trúc ({exc.msg}); tệp có bị cắt cụt không?", exc.lineno) from None


# --- zip containers (docx, xlsx) --------------------------------------------------------------------------

def check_zip(data: bytes, source: str | Path, required: str) -> None:
    """Refuse zip bombs, truncated archives and XML parts with entity declarations before any library opens them."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise InterchangeError(source, f"tệp nén có {len(members)} phần: từ chối vì có thể là bom zip")
            total = sum(m.file_size for m in members)
            ratio = total / max(1, sum(m.compress_size for m in members))
            if total > MAX_UNZIPPED_BYTES or (total > 50_000_000 and ratio > MAX_ZIP_RATIO):
                raise InterchangeError(source, f"tệp nén giải ra {_mb(total)} ({ratio:.0f} lần kích thước tệp): "
                                       "từ chối vì có thể là bom zip")
            names = {m.filename for m in members}
            if required not in names:
                raise InterchangeError(source, f"không phải tệp hợp lệ loại này: thiếu phần {required}")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        reject_doctype(part.read(MAX_UNZIPPED_BYTES), f"{source}!{member.filename}")
    except zipfile.BadZipFile:
        raise InterchangeError(source, "không phải tệp nén zip hợp lệ (tệp có bị cắt cụt không?)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise InterchangeError(source, f"không mở được tệp nén: {exc}") from None


# --- text encodings ----------------------------------------------------------------------------------------

# TCVN3 (ABC, fonts .VnTime/.VnArial) puts Vietnamese letters on bytes that Latin-1 shows as symbols no
# Vietnamese text contains: ¨ © ª « ¬ ­ ® (ă â ê ô ơ ư đ), § (Đ), µ ¶ ¸ ¹ (à ả á ạ; · for ã is left out, pages use it as a separator)...
_TCVN3_MARKS = re.compile("[\u00a7\u00a8\u00a9\u00aa\u00ab\u00ac\u00ae\u00b5\u00b6\u00b8\u00b9\u00bd\u00be\u00c6\u00c7]")
# VNI (fonts VNI-Times...) writes a base letter followed by a mark byte: "ñaêng kyù" for "đăng ký", so a vowel
# is followed by ù ø û õ ï (the five tones) or a word starts with ñ (đ).
_VNI_MARKS = re.compile(r"[aeiouyAEIOUY][\u00f9\u00f8\u00fb\u00f5\u00ef\u00d9\u00d8\u00db\u00d5\u00cf]|(?:^|\s)[\u00f1\u00d1][aeiouAEIOU]")


def legacy_vietnamese_encoding(text: str) -> str | None:
    """"TCVN3" or "VNI" when `text` is Vietnamese written in a legacy 8-bit font encoding, else None.

    >>> legacy_vietnamese_encoding("Thñ tôc ®¨ng ký khai sinh")
    'TCVN3'
    >>> legacy_vietnamese_encoding("Thuû tuïc ñaêng kyù khai sinh")
    'VNI'
    >>> legacy_vietnamese_encoding("Thủ tục đăng ký khai sinh") is None
    True
    """
    sample = text[:200_000]
    words = max(1, len(sample.split()))
    tcvn3 = len(_TCVN3_MARKS.findall(sample))
    vni = len(_VNI_MARKS.findall(sample))
    if tcvn3 >= 2 and tcvn3 / words > 0.02 and tcvn3 >= vni:
        return "TCVN3"
    if vni >= 2 and vni / words > 0.02:
        return "VNI"
    return None


def reject_legacy_encoding(text: str, source: str | Path) -> None:
    found = legacy_vietnamese_encoding(text)
    if found == "TCVN3":
        raise InterchangeError(
            source, "tệp có vẻ gõ bằng bảng mã TCVN3 (ABC, phông .VnTime): chuyển sang Unicode trước "
            "(ví dụ bằng công cụ chuyển mã của Unikey, TCVN3 → Unicode) rồi nhập lại",
        )
    if found == "VNI":
        raise InterchangeError(
            source, "tệp có vẻ gõ bằng bảng mã VNI (phông VNI-Times): chuyển sang Unicode trước "
            "(ví dụ bằng công cụ chuyển mã của Unikey, VNI Windows → Unicode) rồi nhập lại",
        )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode_text(data: bytes, source: str | Path) -> str:
    """Decode an HTML or text file: BOM, then UTF-8, then the charset the file declares (Windows-1258 too)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InterchangeError(source, "tệp bắt đầu như UTF-16 nhưng không phải UTF-16 hợp lệ (bị cắt cụt?)") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    declared = _META_CHARSET.search(data[:8192])
    charset = declared.group(1).decode("ascii").lower() if declared else ""
    if charset and charset not in ("utf-8", "utf8"):
        try:
            return data.decode(charset)
        except LookupError:
            raise InterchangeError(source, f"tệp khai báo bảng mã không rõ {charset!r}") from None
        except UnicodeDecodeError:
            raise InterchangeError(source, f"tệp khai báo bảng mã {charset} nhưng nội dung không đúng {charset}") from None
    # Not UTF-8 and nothing declared: a legacy 8-bit file. Read it as Windows-1252 only to tell the user which.
    latin = data.decode("cp1252", errors="replace")
    reject_legacy_encoding(latin, source)
    line = data[: utf8_error.start].count(b"\n") + 1
    raise InterchangeError(
        source, f"không phải UTF-8 (byte 0x{data[utf8_error.start]:02x} ở vị trí {utf8_error.start}) và không khai báo "
        "bảng mã: lưu tệp dạng UTF-8", line,
    )
