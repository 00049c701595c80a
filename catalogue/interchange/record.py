"""What an importer returns: a procedure, the registry entries it needs that the catalogue lacks, and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from catalogue.interchange.vntext import legal_type, one_line, slug
from models.catalogue import Catalogue
from models.common import Level, Source, fold
from models.procedure import Procedure
from models.registry import Agency, LegalDocument


@dataclass
class ImportedRecord:
    """One imported procedure with the agencies and legal texts drafted for the registry."""

    procedure: Procedure
    source: str
    agencies: list[Agency] = field(default_factory=list)
    """Agencies not in the registry, drafted from the names in the source."""
    legal: list[LegalDocument] = field(default_factory=list)
    """Legal texts not in the registry, drafted from the legal-basis table."""
    notes: list[str] = field(default_factory=list)
    """What could not be parsed, or was guessed, in Vietnamese for the staff who review the import."""
    whole: bool = False
    """The whole record, as the workbook export gives it (every field compares), not a source page's transcription."""


def _agency_key(name: str) -> str:
    """Names of the same agency written differently compare equal: "UBND xã, phường, thị trấn" ~ "Ủy ban nhân dân cấp xã"."""
    folded = fold(name)
    folded = re.sub(r"uy ban nhan dan", "ubnd", folded)
    folded = re.sub(r"xa\s*,\s*phuong\s*,?\s*(va\s*)?thi tran", "xa", folded)
    folded = re.sub(r"\bcap\b|\bco tham quyen\b|\bnoi\b.*$", " ", folded)
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def level_of_agency(name: str) -> Level | None:
    folded = fold(name)
    if re.search(r"\b(xa|phuong|thi tran)\b", folded):
        return "commune"
    if re.search(r"\btinh\b|\bso\b|thanh pho truc thuoc", folded):
        return "province"
    if re.search(r"\bhuyen\b|\bquan\b|thi xa|\bphong\b", folded):
        return "district"
    if re.search(r"\bbo\b|chinh phu|cuc\b|tong cuc|trung uong", folded):
        return "central"
    return None


class AgencyResolver:
    """Maps agency names from a source to registry ids, drafting an agency for each name it cannot match."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.known = {_agency_key(a.name): a.id for a in catalogue.agencies.values()}
        self.taken = set(catalogue.agencies)
        self.drafted: dict[str, Agency] = {}

    def resolve(self, name: str, default_level: Level) -> str:
        name = one_line(name).strip(" .;,")
        key = _agency_key(name)
        if key in self.known:
            return self.known[key]
        agency_id = slug(name, 40)
        n = 2
        while agency_id in self.taken and agency_id not in self.drafted:
            agency_id = f"{slug(name, 36)}-{n}"
            n += 1
        if agency_id not in self.drafted:
            self.taken.add(agency_id)
            self.drafted[agency_id] = Agency(id=agency_id, name=name, level=level_of_agency(name) or default_level)
        self.known[key] = agency_id
        return agency_id


def draft_legal(number: str, title: str, issued: date, issuer: str, source: Source) -> LegalDocument:
    """A registry entry from one row of the legal-basis table; what the row does not say is marked to check."""
    return LegalDocument(
        number=number,
        type=legal_type(number, title),
        title=title or number,
        issuer=issuer or "Chưa rõ",
        issued=issued,
        effective=issued,
        status="in_force",
        sources=[source],
        note="Nhập từ bảng căn cứ pháp lý của thủ tục: ngày hiệu lực và tình trạng hiệu lực chưa có trong nguồn "
             "(tạm lấy ngày ban hành, còn hiệu lực), cần kiểm tra.",
    )


def parse_day(text: str) -> date | None:
    """"20/11/2014" or "2014-11-20" → a date; None when the text holds no valid date."""
    match = re.search(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return None
