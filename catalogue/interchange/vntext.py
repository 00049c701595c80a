"""Reading the values the national database writes as Vietnamese text: time limits, fees, quantities, levels.

Each parser returns the value and leaves the verbatim text to the caller, who keeps it beside the value; a text
it cannot read returns None so the importer can say so instead of guessing silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from models.common import fold

WORKING_DAYS_PER_MONTH = 22
"""Months in a time limit are read as 22 working days (the convention of the hourly-income parameter)."""
WORKING_HOURS_PER_DAY = 8


def clean(text: str) -> str:
    """NFC, non-breaking spaces folded, runs of spaces collapsed, lines kept."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", clean(text)).strip()


def slug(text: str, max_length: int = 48) -> str:
    """An ASCII id from Vietnamese text: "Tờ khai đăng ký" → "to-khai-dang-ky"."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    return out or "x"


def unique_slug(text: str, taken: set[str], max_length: int = 48) -> str:
    base = slug(text, max_length)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


# --- time limits ------------------------------------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)"


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_working_days(text: str) -> tuple[float, str] | None:
    """Working days of a "Thời hạn giải quyết" text, with a note on how it was read; None when unreadable.

    >>> parse_working_days("15 Ngày làm việc")
    (15.0, '')
    >>> parse_working_days("Ngay trong ngày tiếp nhận yêu cầu, trường hợp nhận hồ sơ sau 15 giờ ...")[0]
    1.0
    >>> parse_working_days("Trong thời hạn 10 ngày, kể từ ngày nhận được yêu cầu hợp lệ.")[0]
    10.0
    """
    folded = fold(one_line(text))
    if not folded:
        return None
    # The first limit stated is the rule; later ones are extensions ("kéo dài thêm không quá 02 ngày làm việc").
    days = re.search(_NUMBER + r"\s*(?:\([^)]*\)\s*)?ngay lam viec", folded)
    same_day = re.search(r"(ngay trong ngay|trong ngay|ngay khi nhan|giai quyet ngay|tra ket qua ngay)", folded)
    if days and (same_day is None or days.start() < same_day.start()):
        return _number(days.group(1)), ""
    if same_day:
        return 1.0, "đọc là 1 ngày làm việc (giải quyết trong ngày hoặc ngày làm việc tiếp theo)"
    match = re.search(_NUMBER + r"\s*(?:\([^)]*\)\s*)?gio\b", folded)
    if match and not re.search(r"sau\s+" + re.escape(match.group(1)) + r"\s*gio", folded):
        hours = _number(match.group(1))
        return round(hours / WORKING_HOURS_PER_DAY, 3), f"{hours:g} giờ đọc là {hours:g}/{WORKING_HOURS_PER_DAY} ngày làm việc"
    match = re.search(_NUMBER + r"\s*(?:\([^)]*\)\s*)?thang\b", folded)
    if match:
        months = _number(match.group(1))
        return months * WORKING_DAYS_PER_MONTH, f"{months:g} tháng đọc là {months * WORKING_DAYS_PER_MONTH:g} ngày làm việc"
    match = re.search(_NUMBER + r"\s*(?:\([^)]*\)\s*)?ngay\b", folded)
    if match:
        return _number(match.group(1)), "nguồn ghi 'ngày' không nói rõ ngày làm việc: đọc là ngày làm việc"
    return None


# --- fees ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedFee:
    kind: Literal["phi", "le_phi"]
    amount_vnd: int | None
    per: Literal["case", "copy", "page"]
    detail: str
    """The text in brackets after the amount (who pays what, exemptions)."""
    verbatim: str


_FEE_LINE = re.compile(r"^\s*(Lệ phí|Phí|Le phi|Phi)\s*:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đ|Đ|đồng|Đồng|VNĐ|VND|vnđ|dong)?", re.IGNORECASE)


def fee_kind(name: str) -> Literal["phi", "le_phi"]:
    """A charge named «Lệ phí …» is a lệ phí (a state charge for the service), anything else a phí.

    >>> fee_kind("Lệ phí đăng ký doanh nghiệp"), fee_kind("Phí công bố nội dung đăng ký doanh nghiệp")
    ('le_phi', 'phi')
    """
    return "le_phi" if re.search(r"\ble phi\b", fold(name)) else "phi"


def parse_amount_vnd(text: str) -> int | None:
    """Integer đồng from "8.000đ", "1.000.000 Đồng", "2000 Đồng"; None when there is no amount.

    >>> parse_amount_vnd("1.000.000 Đồng"), parse_amount_vnd("8.000đ"), parse_amount_vnd("Đồng")
    (1000000, 8000, None)
    """
    match = _AMOUNT.search(text)
    if match is None:
        return None
    return int(re.sub(r"[.,]", "", match.group(1)))


def split_fee_lines(cell: str) -> list[str]:
    """A fee cell holds one or more "Phí : ..." / "Lệ phí : ..." entries, on lines or run together."""
    text = clean(cell)
    parts = re.split(r"(?=(?:^|\n|\s)(?:Lệ phí|Phí)\s*:)", text)
    return [one_line(p) for p in parts if one_line(p)]


def _outer_bracket(inner: str) -> str:
    """The text of the bracket a fee's amount is followed by, without its closing bracket only (a bracket inside
    it keeps its own: «Phí cấp bản sao (nếu có yêu cầu)»)."""
    inner = inner.rstrip(" .;")
    return (inner[:-1] if inner.endswith(")") else inner).strip()


def parse_fee_line(line: str) -> ParsedFee | None:
    """One "Phí : 8.000 đ/bản sao (Phí cấp bản sao ...)" entry; None for "Không" and lines that are no fee."""
    match = _FEE_LINE.match(line)
    if match is None:
        return None
    kind: Literal["phi", "le_phi"] = "le_phi" if fold(match.group(1)).startswith("le") else "phi"
    rest = match.group(2).strip()
    bracket = rest.find("(")
    head, detail = (rest[:bracket], _outer_bracket(rest[bracket + 1:])) if bracket >= 0 else (rest, "")
    per: Literal["case", "copy", "page"] = "case"
    folded_head = fold(head)
    if re.search(r"/\s*(ban sao|ban)\b", folded_head):
        per = "copy"
    elif re.search(r"/\s*trang\b", folded_head):
        per = "page"
    return ParsedFee(kind, parse_amount_vnd(head), per, detail, line)


# --- document quantities -------------------------------------------------------------------------------------

def parse_quantity(text: str) -> tuple[int, int] | None:
    """(originals, copies) from "Bản chính: 1 Bản sao: 0"; None when the text gives neither.

    >>> parse_quantity("Bản chính: 1 Bản sao: 0")
    (1, 0)
    """
    folded = fold(one_line(text))
    originals = re.search(r"ban chinh\s*:?\s*(\d+)", folded)
    copies = re.search(r"ban sao\s*:?\s*(\d+)", folded)
    if originals is None and copies is None:
        return None
    return (int(originals.group(1)) if originals else 0, int(copies.group(1)) if copies else 0)


# --- levels, subjects, channels ------------------------------------------------------------------------------

def parse_levels(text: str) -> list[str]:
    """Cấp thực hiện → model levels, in the order written."""
    folded = fold(text)
    found: list[tuple[int, str]] = []
    for pattern, level in [
        (r"cap (bo|trung uong)|\bbo\b", "central"), (r"cap tinh|tinh\b", "province"),
        (r"cap huyen|huyen\b", "district"), (r"cap xa|\bxa\b|phuong|thi tran", "commune"),
    ]:
        match = re.search(pattern, folded)
        if match:
            found.append((match.start(), level))
    return [level for _, level in sorted(found)]


def parse_subjects(text: str) -> list[str]:
    """Đối tượng thực hiện → citizen / business / organisation."""
    folded = fold(text)
    subjects: list[str] = []
    if re.search(r"cong dan|ca nhan|nguoi viet nam|nguoi nuoc ngoai|nguoi\b|ho gia dinh", folded):
        subjects.append("citizen")
    if re.search(r"doanh nghiep|hop tac xa|ho kinh doanh|nha dau tu|thuong nhan|co so san xuat|co so kinh doanh", folded):
        subjects.append("business")
    if re.search(r"to chuc|co quan|don vi", folded):
        subjects.append("organisation")
    return subjects


def channel_kind(text: str) -> str | None:
    folded = fold(text)
    if "truc tuyen" in folded or "qua mang" in folded:
        return "online"
    if "buu chinh" in folded or "buu dien" in folded:
        return "post"
    if "truc tiep" in folded:
        return "in_person"
    return None


# --- legal numbers ------------------------------------------------------------------------------------------

_LEGAL_NUMBER = re.compile(r"\b(\d{1,4}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)\b")


def legal_numbers(text: str) -> list[str]:
    """Numbers of legal texts cited in free text: "Nghị định số 17/2020/NĐ-CP" → "17/2020/NĐ-CP"."""
    seen: list[str] = []
    for match in _LEGAL_NUMBER.finditer(unicodedata.normalize("NFC", text)):
        number = match.group(1)
        if number not in seen and not number.startswith(("0/",)):
            seen.append(number)
    return seen


def normalise_legal_number(text: str) -> str:
    """"123/2015/NĐ-CP " → "123/2015/NĐ-CP"; spaces inside a number are dropped ("56/ 2015/ NĐ - CP")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).strip(".;,")


def legal_type(number: str, title: str) -> str:
    """The registry's legal type from a number's suffix and its title."""
    suffix = fold(number.split("/")[-1])
    folded_title = fold(title)
    if folded_title.startswith("luat") or re.fullmatch(r"qh\d+", suffix):
        return "luat" if not folded_title.startswith("nghi quyet") else "nghi-quyet-qh"
    for prefix, kind in [
        ("nd-cp", "nghi-dinh"), ("nq-cp", "nghi-quyet"), ("qd-ttg", "quyet-dinh"), ("ttlt", "thong-tu-lien-tich"),
        ("tt", "thong-tu"), ("nq-hdnd", "nghi-quyet-hdnd"), ("qd-ubnd", "quyet-dinh-ubnd"), ("qd", "quyet-dinh"),
        ("nq", "nghi-quyet"),
    ]:
        if suffix.startswith(prefix):
            return kind
    return "khac"
