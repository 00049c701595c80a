"""Import a procedure from the national database's published record: the portal's detail page ("chi tiết thủ
tục", HTML) or its Word export (.doc saved as HTML, or .docx).

Labels follow the portal: Mã thủ tục, Số quyết định, Tên thủ tục, Cấp thực hiện, Loại thủ tục, Lĩnh vực, Trình
tự thực hiện, Cách thức thực hiện (Hình thức nộp | Thời hạn giải quyết | Phí, lệ phí | Mô tả), Thành phần hồ sơ
(Tên giấy tờ | Mẫu đơn, tờ khai | Số lượng), Đối tượng thực hiện, Cơ quan thực hiện / có thẩm quyền / phối hợp,
Địa chỉ tiếp nhận, Kết quả thực hiện, Căn cứ pháp lý (Số ký hiệu | Trích yếu | Ngày ban hành | Cơ quan ban
hành), Yêu cầu, điều kiện thực hiện, Thủ tục hành chính liên quan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalogue.console import vnd
from catalogue.interchange.blocks import Block, Document, docx_document, html_document
from catalogue.interchange.drafting import StepContext, draft_steps
from catalogue.interchange.record import AgencyResolver, ImportedRecord, draft_legal, parse_day
from catalogue.interchange.safety import InterchangeError
from catalogue.interchange.vntext import (
    ParsedFee,
    channel_kind,
    clean,
    legal_numbers,
    normalise_legal_number,
    one_line,
    parse_amount_vnd,
    parse_fee_line,
    parse_levels,
    parse_quantity,
    parse_subjects,
    parse_working_days,
    split_fee_lines,
    unique_slug,
)
from catalogue.problems import pydantic_summary_vi
from models.catalogue import Catalogue
from models.common import Level, Source, fold, shorten
from models.procedure import Channel, Fee, Procedure
from models.procedure import Document as Doc

LABELS: dict[str, str] = {
    "ma thu tuc": "code", "ky hieu thu tuc": "code", "ma so thu tuc": "code", "ma tthc": "code", "ma so": "code",
    "so quyet dinh": "decision", "quyet dinh cong bo": "decision",
    "ten thu tuc": "name", "ten thu tuc hanh chinh": "name",
    "cap thuc hien": "levels", "loai thu tuc": "type", "linh vuc": "field",
    "trinh tu thuc hien": "steps",
    "cach thuc thuc hien": "channels",
    "thanh phan ho so": "documents", "thanh phan, so luong ho so": "documents", "ho so": "documents",
    "so luong ho so": "copies", "so bo ho so": "copies",
    "thoi han giai quyet": "time", "phi, le phi": "fees", "le phi": "fees", "phi": "fees", "muc phi, le phi": "fees",
    "doi tuong thuc hien": "subjects", "doi tuong thuc hien thu tuc hanh chinh": "subjects",
    "co quan co tham quyen": "competent", "co quan co tham quyen quyet dinh": "competent",
    "co quan thuc hien": "implementing", "co quan truc tiep thuc hien": "implementing",
    "co quan duoc uy quyen": "authorised", "co quan phoi hop": "coordinating",
    "dia chi tiep nhan hs": "address", "dia chi tiep nhan ho so": "address", "dia chi tiep nhan": "address",
    "ket qua thuc hien": "results", "ket qua thuc hien thu tuc hanh chinh": "results", "ket qua": "results",
    "can cu phap ly": "legal", "can cu phap ly cua thu tuc hanh chinh": "legal",
    "yeu cau, dieu kien thuc hien": "conditions", "yeu cau, dieu kien": "conditions",
    "yeu cau, dieu kien thuc hien thu tuc hanh chinh": "conditions", "yeu cau dieu kien": "conditions",
    "thu tuc hanh chinh lien quan": "related", "thu tuc lien quan": "related",
    "muc do": "online", "muc do dich vu cong": "online", "dich vu cong truc tuyen": "online",
    "tu khoa": "ignore", "mo ta": "ignore", "thong tin": "ignore", "noi dung": "ignore", "luot xem": "ignore",
}
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[IVX]+\.|[a-zđ]\))\s*")


def _label_of(text: str) -> tuple[str, str] | None:
    """(field key, inline value) when `text` is a field label, possibly followed by its value after a colon."""
    line = _NUMBERING.sub("", text.strip())
    head, colon, rest = line.partition(":")
    key = LABELS.get(fold(head).strip(" :*"))
    if key is not None and (colon or len(head) < 80):
        return key, rest.strip()
    return None


def is_label(text: str) -> bool:
    return _label_of(text) is not None and len(text) < 120


@dataclass
class Section:
    text: list[str] = field(default_factory=list)
    tables: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "\n".join(self.text)


def sections(doc: Document) -> dict[str, Section]:
    """The record's fields by key, each with its text lines and tables, in document order."""
    out: dict[str, Section] = {}
    current: Section | None = None
    for block in doc.blocks:
        if not block.is_table:
            label = _label_of(block.text) if len(block.text) < 300 else None
            if label is not None and (label[0] not in out or label[0] in ("ignore",)):
                key, inline = label
                current = out.setdefault(key, Section())
                if inline:
                    current.text.append(inline)
                    current.blocks.append(Block(text=inline))
                continue
        if current is None:
            current = out.setdefault("preamble", Section())
        current.blocks.append(block)
        if block.is_table:
            current.tables.append(block.rows)
        else:
            current.text.append(block.text)
    return out


def read_document(path: Path, data: bytes) -> Document:
    """Blocks of a portal record in any of its published formats, chosen by content, not by name."""
    if data[:4] == b"PK\x03\x04":
        return docx_document(data, path, is_label)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InterchangeError(path, "tệp Word 97-2003 (.doc): mở bằng Word hoặc LibreOffice, lưu thành "
                               ".docx (hoặc trang web) rồi nhập tệp đó")
    if data[:5] == b"%PDF-":
        raise InterchangeError(path, "tệp PDF: thay vào đó, lưu trang của Cổng thành HTML hoặc bản Word của trang thành .docx")
    return html_document(data, path, is_label)


_CODE = re.compile(r"\b(\d\.\d{6})\b")
_EXPORT_NAME = re.compile(r"ChiTietTTHC_(\d\.\d{6})", re.IGNORECASE)
"""The portal names its Word export ChiTietTTHC_<code>.doc."""


def columns(header: tuple[str, ...], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each wanted field, found by its header words, else by its usual position."""
    found: dict[str, int] = {}
    folded = [fold(h) for h in header]
    for position, (key, words) in enumerate(wanted.items()):
        index = next((i for i, h in enumerate(folded) if any(w in h for w in words)), None)
        found[key] = index if index is not None else position
    return found


def cell(row: tuple[str, ...], index: int) -> str:
    return row[index] if 0 <= index < len(row) else ""


CHANNEL_COLUMNS = {"kind": ("hinh thuc",), "time": ("thoi han", "thoi gian"), "fees": ("phi",), "description": ("mo ta",)}
DOCUMENT_COLUMNS = {"name": ("ten giay to", "ten ho so", "giay to"), "form": ("mau don", "to khai"), "quantity": ("so luong",)}
IDENTITY_PAPER = re.compile(r"can cuoc|ho chieu|tuy than|chung minh nhan dan|dinh danh")
"""Words of an identity paper (folded): shown, it proves who files (`Document.identity`)."""
LEGAL_COLUMNS = {"number": ("so ky hieu", "so hieu"), "title": ("trich yeu",), "issued": ("ngay ban hanh",), "issuer": ("co quan ban hanh",)}
_RESULT_CODE = re.compile(r"\bKQ\.[A-Z0-9]+(?:\.[A-Z0-9]+)*\b")


class _Reader:
    def __init__(self, doc: Document, path: Path, catalogue: Catalogue, retrieved: date, source_url: str) -> None:
        self.doc = doc
        self.path = path
        self.s = sections(doc)
        self.notes: list[str] = []
        self.problems: list[str] = []
        self.transcribed: list[str] = []
        self.modelled: list[str] = []
        self.catalogue = catalogue
        self.agencies = AgencyResolver(catalogue)
        url = source_url or doc.source_url
        publisher = "Cổng Dịch vụ công quốc gia" if "dichvucong.gov.vn" in url else ""
        self.source = Source(
            url=url or f"file:{path.name}", title="", publisher=publisher, retrieved=retrieved,
            note="" if url else "Tệp lưu từ cổng dịch vụ công; địa chỉ trang gốc không có trong tệp.",
        )

    def text(self, key: str) -> str:
        section = self.s.get(key)
        return clean(section.value) if section else ""

    def got(self, key: str, name: str) -> bool:
        if key in self.s and (self.s[key].text or self.s[key].tables):
            self.transcribed.append(name)
            return True
        return False

    # --- fields ---

    def code(self, given: str) -> str:
        if given:
            self.notes.append(f"mã thủ tục {given} do người nhập cung cấp")
            return given
        for candidate in (self.text("code"), self.doc.title, *self.doc.headings, self.text("preamble")):
            match = _CODE.search(candidate)
            if match:
                return match.group(1)
        exported = _EXPORT_NAME.search(self.path.name)
        if exported:
            self.notes.append(f"mã thủ tục {exported.group(1)} lấy từ tên tệp xuất của cổng (ChiTietTTHC_…)")
            return exported.group(1)
        self.problems.append("không thấy mã thủ tục dạng d.dddddd (Mã thủ tục / Ký hiệu thủ tục)")
        return ""

    def name(self) -> str:
        name = one_line(self.text("name"))
        if not name:
            for heading in [*self.doc.headings, self.doc.title]:
                candidate = re.sub(r"^(toàn trình|một phần|dịch vụ công trực tuyến[^ ]*)\s+", "", one_line(heading), flags=re.IGNORECASE)
                if candidate and not _CODE.fullmatch(candidate):
                    name = candidate
                    self.notes.append("tên thủ tục lấy từ tiêu đề trang")
                    break
        if not name:
            self.problems.append("không thấy tên thủ tục")
        return name

    def levels(self, agency_names: list[str]) -> list[Level]:
        levels = parse_levels(self.text("levels"))
        if levels:
            self.transcribed.append("levels")
            return levels  # type: ignore[return-value]
        from catalogue.interchange.record import level_of_agency

        guessed = [lv for lv in (level_of_agency(n) for n in agency_names) if lv]
        if guessed:
            self.notes.append(f"cấp thực hiện không ghi trong nguồn: đoán '{guessed[0]}' từ tên cơ quan")
            self.modelled.append("levels")
            return [guessed[0]]
        self.problems.append("không thấy cấp thực hiện (Cấp thực hiện) và không đoán được từ tên cơ quan")
        return []

    def agency_names(self, key: str) -> list[str]:
        names = [one_line(n) for n in re.split(r"[\n;]", self.text(key))]
        return [n.strip(" .,") for n in names if n.strip(" .,") and fold(n) not in ("khong", "khong co")]

    def fees(self, cell: str) -> list[Fee]:
        fees: list[Fee] = []
        for line in split_fee_lines(cell):
            parsed = parse_fee_line(line)
            if parsed is None:
                if fold(line).strip(" .") not in ("khong", "khong co", "mien phi", "khong thu", ""):
                    self.notes.append(f"không đọc được phí, lệ phí: {line[:120]!r}")
                continue
            amount = parsed.amount_vnd
            if amount is None:
                self.notes.append(f"phí, lệ phí không có mức thu bằng đồng: {line[:120]!r} (ghi 0 đ, giữ nguyên văn)")
                amount = 0
            fees.append(self._fee(parsed, amount))
        return fees

    def _fee(self, parsed: ParsedFee, amount: int) -> Fee:
        """A fee as the usual case pays it, with a note for each thing the portal's wording leaves to the reviewer."""
        label = "Lệ phí" if parsed.kind == "le_phi" else "Phí"
        detail = parsed.detail.split(";")[0].strip(" -+.")
        folded = fold(parsed.detail)
        # The bracket names the fee, unless it only restates an amount or an exemption.
        named = detail and len(detail) <= 120 and not detail[0].isdigit() and not fold(detail).startswith("mien")
        quantity = 1
        if "neu co yeu cau" in folded or "neu co nhu cau" in folded:
            quantity = 0  # paid only on request: not in the usual case
            self.notes.append(f"{label.lower()} {vnd(amount)} chỉ thu khi có yêu cầu: không tính vào trường hợp thông thường")
        if "mien" in folded:
            self.notes.append(f"{label.lower()} {vnd(amount)} có trường hợp miễn («{shorten(parsed.detail, 90)}»): kiểm tra "
                              "mức của trường hợp thông thường")
        if amount == 0 and parse_amount_vnd(parsed.detail):
            self.notes.append(f"{label.lower()} ghi 0 đ nhưng phần ghi chú nêu mức thu («{shorten(parsed.detail, 90)}»): "
                              "kiểm tra")
        if parsed.per == "case" and re.search(r"/\s*trang\b|toi da", fold(parsed.verbatim)):
            self.notes.append(f"{label.lower()} tính theo trang hoặc có mức tối đa («{shorten(parsed.verbatim, 90)}»): "
                              "kiểm tra cách tính (per: page, copy) và số lượng")
        return Fee(kind=parsed.kind, name=f"{label}: {detail}" if named else label, amount_vnd=amount, per=parsed.per,
                   quantity=quantity, note=parsed.verbatim)

    def time_limit(self, text: str) -> float:
        parsed = parse_working_days(text)
        if parsed is None:
            self.notes.append(f"không đọc được thời hạn giải quyết {one_line(text)[:100]!r}: ghi 0 ngày, cần sửa")
            return 0.0
        days, how = parsed
        if how:
            self.notes.append(f"thời hạn {one_line(text)[:60]!r}: {how}")
        return days

    def channels(self) -> list[Channel]:
        section = self.s.get("channels")
        channels: dict[str, Channel] = {}
        for table in section.tables if section else []:
            col = columns(table[0], CHANNEL_COLUMNS)
            for row in table[1:]:
                label, time_text = cell(row, col["kind"]), cell(row, col["time"])
                kind = channel_kind(label)
                if kind is None:
                    self.notes.append(f"dòng cách thức thực hiện không rõ hình thức nộp: {label[:60]!r}")
                    continue
                if kind in channels:
                    self.notes.append(f"hình thức nộp {label!r} ghi hai lần: giữ dòng đầu")
                    continue
                channels[kind] = Channel(
                    kind=kind,
                    time_limit={"working_days": self.time_limit(time_text), "text": one_line(time_text)},
                    fees=self.fees(cell(row, col["fees"])),
                    description=one_line(cell(row, col["description"])),
                )
        if channels:
            self.transcribed += ["channels", "fees"]
            return list(channels.values())
        # Older records: a free-text channel field with separate "Thời hạn giải quyết" and "Phí, lệ phí" fields.
        text = self.text("channels") or self.text("address")
        kinds = [k for k in ("in_person", "online", "post") if k == channel_kind(text) or _mentions(text, k)]
        if not kinds:
            kinds = ["in_person"]
            self.notes.append("không có bảng cách thức thực hiện: coi là nộp trực tiếp")
        time_text = self.text("time")
        if not time_text:
            self.notes.append("không thấy thời hạn giải quyết: ghi 0 ngày làm việc, cần bổ sung")
        days = self.time_limit(time_text) if time_text else 0.0
        fees = self.fees(self.text("fees"))
        self.transcribed += ["channels"] + (["fees"] if fees else [])
        return [Channel(kind=k, time_limit={"working_days": days, "text": one_line(time_text)}, fees=fees,
                        description=one_line(self.text("channels"))) for k in kinds]

    def documents(self) -> list[Doc]:
        section = self.s.get("documents")
        if section is None:
            self.notes.append("không thấy thành phần hồ sơ")
            return []
        taken: set[str] = set()
        docs: list[Doc] = []
        case = ""
        for block in section.blocks:
            if not block.is_table:
                line = one_line(block.text)
                folded = fold(line).strip(" :")
                if folded in ("bao gom", "") or folded.startswith(("thanh phan ho so", "so luong ho so")):
                    continue
                if re.match(r"^(truong hop|doi voi|neu)\b", folded) and len(line) < 300:
                    case = line.strip(" :")
                    continue
                if not any(b.is_table for b in section.blocks):
                    docs.append(self.document_from_text(line, case, taken))
                continue
            col = columns(block.rows[0], DOCUMENT_COLUMNS)
            for row in block.rows[1:]:
                filled = [c for c in row if c.strip()]
                # A case header spans the table (one cell) or says "Trường hợp…" in a row of its own.
                spans = len(row) < len(block.rows[0]) or re.match(r"(truong hop|doi voi|neu)\b", fold(filled[0]) if filled else "")
                if len(set(filled)) == 1 and spans and parse_quantity(filled[0]) is None:
                    case = one_line(filled[0]).strip(" :")
                    continue
                if not filled:
                    continue
                docs.append(self.document_from_row(row, col, case, taken))
        if docs:
            self.transcribed.append("documents")
        return docs

    def document_from_row(self, row: tuple[str, ...], col: dict[str, int], case: str, taken: set[str]) -> Doc:
        name = one_line(cell(row, col["name"])) or "Giấy tờ"
        form = one_line(cell(row, col["form"])) if len(row) >= 3 else ""
        quantity = parse_quantity(cell(row, col["quantity"]) or row[-1])
        if quantity is None or sum(quantity) == 0:
            self.notes.append(f"giấy tờ {name[:60]!r}: số lượng không đọc được hoặc bằng 0, tạm ghi 1 bản chính")
            quantity = (1, 0)
        return self._document(name, form, quantity, case, " | ".join(one_line(c) for c in row), taken)

    def document_from_text(self, line: str, case: str, taken: set[str]) -> Doc:
        name = line
        folded = fold(name)
        quantity = (0, 1) if "ban sao" in folded or "ban chup" in folded else (1, 0)
        self.notes.append(f"giấy tờ {name[:60]!r}: không có bảng số lượng, đoán {'1 bản sao' if quantity[1] else '1 bản chính'}")
        return self._document(name, "", quantity, case, line, taken)

    def _document(self, name: str, form: str, quantity: tuple[int, int], case: str, verbatim: str, taken: set[str]) -> Doc:
        # The portal's cells keep the list marks of the legal text («- Bản chính …;»): the name is the paper's.
        name = re.sub(r"^(?:[-+•*–]|[a-zđ]\)|\d+[.)])\s*", "", name).rstrip(" ;,.") or name
        originals, copies = quantity
        folded = fold(name)
        certified = copies if copies and re.search(r"chung thuc|sao y", folded) and "hoac ban sao" not in folded else 0
        presented = "xuat trinh" in folded
        return Doc(
            id=unique_slug(name, taken, 40), name=name, originals=originals, copies=copies - certified,
            certified_copies=certified, presented=presented, identity=presented and bool(IDENTITY_PAPER.search(folded)),
            form=form, case=case, verbatim=verbatim,
        )

    def legal(self) -> tuple[list[str], list[dict[str, Any]]]:
        section = self.s.get("legal")
        numbers: list[str] = []
        rows: list[dict[str, Any]] = []
        for table in section.tables if section else []:
            col = columns(table[0], LEGAL_COLUMNS)
            for row in table[1:]:
                number = normalise_legal_number(cell(row, col["number"]))
                if not number or number in numbers:
                    continue
                numbers.append(number)
                rows.append({"number": number, "title": one_line(cell(row, col["title"])),
                             "issued": parse_day(cell(row, col["issued"])), "issuer": one_line(cell(row, col["issuer"]))})
        if not numbers:
            numbers = legal_numbers(self.text("legal"))
            if numbers:
                self.notes.append("căn cứ pháp lý không có bảng: lấy số hiệu văn bản từ văn bản tự do")
        if numbers:
            self.transcribed.append("legal_basis")
            return numbers, rows
        everything = [b.text for b in self.doc.blocks] + [c for b in self.doc.blocks for row in b.rows for c in row]
        numbers = legal_numbers("\n".join(everything))
        if numbers:
            # Texts the record mentions elsewhere stand in for its legal basis: a guess, not a transcription.
            self.notes.append("không thấy căn cứ pháp lý: lấy số hiệu văn bản được nhắc trong hồ sơ, cần kiểm tra")
            self.modelled.append("legal_basis")
        else:
            self.problems.append("không thấy căn cứ pháp lý (Căn cứ pháp lý)")
        return numbers, rows

    def results(self) -> list[dict[str, str]]:
        text = self.text("results")
        results = []
        for line in re.split(r"\n|;(?=\s*[A-ZĐ-])", text):
            code = _RESULT_CODE.search(line)
            name = one_line(_RESULT_CODE.sub("", line)).strip(" -+.:,")
            name = re.sub(r"^(mã kết quả|tên kết quả)\s*:?\s*", "", name, flags=re.IGNORECASE)
            if name:
                results.append({"name": name, "code": code.group(0) if code else ""})
            elif code and results:
                results[-1]["code"] = code.group(0)
        if results:
            self.transcribed.append("results")
        return results

    def online(self, channels: list[Channel]) -> str:
        header = fold(" ".join([self.text("online"), self.text("preamble")[:400], *self.doc.headings, self.doc.title]))
        if "toan trinh" in header:
            return "full"
        if "mot phan" in header:
            return "partial"
        if any(c.kind == "online" for c in channels):
            self.notes.append("mức độ dịch vụ công trực tuyến không ghi: có kênh trực tuyến nên đoán 'một phần'")
            self.modelled.append("online")
            return "partial"
        return "none"


def _mentions(text: str, kind: str) -> bool:
    folded = fold(text)
    return {"in_person": "truc tiep", "online": "truc tuyen", "post": "buu chinh"}[kind] in folded


def import_portal(
    path: Path, data: bytes, catalogue: Catalogue, retrieved: date | None = None, source_url: str = "", code: str = "",
) -> ImportedRecord:
    """A procedure from a saved portal page or Word export; InterchangeError when a required field is missing.

    `code` supplies the national code for pages that show only the portal's internal id.
    """
    doc = read_document(path, data)
    r = _Reader(doc, path, catalogue, retrieved or date.today(), source_url)
    if doc.active_content:
        r.notes.append(f"trang có {doc.active_content} phần tử script / sự kiện: đã bỏ, chỉ đọc chữ")
    if not r.s or set(r.s) <= {"preamble", "ignore"}:
        raise InterchangeError(path, "không thấy mục nào của một thủ tục (Tên thủ tục, Trình tự thực hiện, "
                               "Cách thức thực hiện...): đây có phải trang thủ tục của Cổng không?")
    code, name = r.code(code), r.name()
    for key, label in [("field", "field"), ("type", "type"), ("subjects", "subjects"), ("conditions", "conditions"),
                       ("decision", "publishing_decision"), ("steps", "verbatim_steps")]:
        r.got(key, label)
    competent_names = r.agency_names("competent") or r.agency_names("implementing") or r.agency_names("authorised")
    implementing_names = r.agency_names("implementing") + r.agency_names("authorised")
    if not competent_names:
        r.problems.append("không thấy cơ quan thực hiện / cơ quan có thẩm quyền")
    else:
        r.transcribed.append("agencies")
    levels = r.levels(competent_names + implementing_names)
    level: Level = levels[0] if levels else "province"
    competent = list(dict.fromkeys(r.agencies.resolve(n, level) for n in competent_names))
    implementing = list(dict.fromkeys(r.agencies.resolve(n, level) for n in implementing_names))
    coordinating = list(dict.fromkeys(r.agencies.resolve(n, level) for n in r.agency_names("coordinating")))
    for agency_id in dict.fromkeys([*competent, *implementing, *coordinating]):
        known = catalogue.agencies.get(agency_id)
        if known is not None and known.abolished is not None and known.abolished <= r.source.retrieved:
            # A page saved from an old record, or a record not yet republished after a reorganisation.
            successor = catalogue.agencies.get(known.successor or "")
            r.notes.append(f"cơ quan «{known.name}» không còn từ {known.abolished:%d/%m/%Y}"
                           + (f", việc chuyển cho «{successor.name}»" if successor else "")
                           + ": nguồn có thể là bản ghi cũ; kiểm tra cơ quan và cấp thực hiện")
    channels = r.channels()
    documents = r.documents()
    numbers, legal_rows = r.legal()
    field_name = one_line(r.text("field")).removeprefix("Lĩnh vực").strip(" :") or ""
    if not field_name:
        r.problems.append("không thấy lĩnh vực (Lĩnh vực)")
    subjects = parse_subjects(r.text("subjects"))
    if not subjects:
        subjects = ["citizen"]
        r.notes.append("đối tượng thực hiện không rõ: tạm ghi công dân")
        r.modelled.append("subjects")
    results = r.results() or [{"name": f"Kết quả giải quyết {name[:1].lower() + name[1:]}" if name else "Kết quả"}]
    if "results" not in r.transcribed:
        r.notes.append("không thấy kết quả thực hiện: ghi tên kết quả chung, cần sửa")
        r.modelled.append("results")
    if r.problems:
        raise InterchangeError(path, "không nhập được: " + "; ".join(r.problems))

    main = next((c for c in channels if c.kind == "in_person"), channels[0])
    agency = (implementing or competent)[0]
    verbatim_steps = r.text("steps")
    steps, step_notes = draft_steps(verbatim_steps, StepContext(agency, main.kind, main.time_limit.working_days, [d.id for d in documents]))
    r.notes += step_notes
    r.modelled += ["steps", "annual_volume"]

    known_legal = r.catalogue.legal
    drafted_legal = []
    for row in legal_rows:
        if row["number"] in known_legal:
            continue
        if row["issued"] is None:
            r.notes.append(f"văn bản {row['number']}: không có ngày ban hành, cần thêm vào data/legal/ bằng tay")
            continue
        drafted_legal.append(draft_legal(row["number"], row["title"], row["issued"], row["issuer"], r.source))
    missing = [n for n in numbers if n not in known_legal and n not in {d.number for d in drafted_legal}]
    if missing:
        r.notes.append(f"văn bản chưa có trong data/legal/ và không đủ thông tin để nháp: {', '.join(missing)}")
    related = list(dict.fromkeys(m for m in _CODE.findall(r.text("related")) if m != code))
    conditions = [one_line(c).lstrip("-+• ") for c in r.text("conditions").split("\n")]
    conditions = [c for c in conditions if c and fold(c).strip(" .") not in ("khong", "khong co")]
    decision = one_line(r.text("decision"))
    address = one_line(r.text("address"))
    body: dict[str, Any] = {
        "code": code, "name": name, "field": field_name, "levels": levels, "type": one_line(r.text("type")),
        "subjects": subjects,
        "agencies": {"competent": competent, "implementing": [a for a in implementing if a], "coordinating": coordinating},
        "channels": channels, "online": r.online(channels), "results": results, "conditions": conditions,
        "related": related, "legal_basis": [{"ref": n} for n in numbers],
        "annual_volume": {"subjects_per_year": 0, "origin": "estimate",
                          "note": "Nguồn không công bố số hồ sơ/năm: cần bổ sung trước khi tính chi phí tuân thủ."},
        "documents": documents, "steps": steps,
        "provenance": {
            "sources": [r.source.model_copy(update={"title": name})],
            "publishing_decision": decision,
            "transcribed": list(dict.fromkeys(r.transcribed)),
            "modelled": list(dict.fromkeys(r.modelled)),
            "note": f"Nhập tự động từ {path.name} bằng `tthc import`."
                    + (f" Địa chỉ tiếp nhận hồ sơ: {address}" if address else ""),
        },
        "verbatim_steps": verbatim_steps,
    }
    r.notes.append("số hồ sơ/năm không có trong nguồn: ghi 0 (ước tính), cần bổ sung")
    try:
        procedure = Procedure.model_validate(body)
    except ValidationError as exc:
        raise InterchangeError(path, f"thủ tục đọc từ tệp không hợp lệ: {pydantic_summary_vi(exc)}") from None
    return ImportedRecord(procedure, str(path), list(r.agencies.drafted.values()), drafted_legal, list(dict.fromkeys(r.notes)))
