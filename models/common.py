"""Shared value types: text in Unicode NFC, national codes, money in integer đồng, dated sources."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator


def nfc(value: str) -> str:
    """Normalise text to Unicode NFC so that "ế" typed two ways compares equal."""
    return unicodedata.normalize("NFC", value)


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(nfc)]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(nfc)]

# Identifiers used inside the catalogue (step ids, document ids, agency ids): ASCII slugs so they survive
# YAML, URLs, Mermaid and BPMN ids unchanged.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]

# National procedure code, `d.dddddd` (e.g. 1.000894 đăng ký kết hôn). YAML reads an unquoted code as a float,
# which the strict string type refuses, so the loader can tell the editor to quote it.
CODE_PATTERN = r"^\d\.\d{6}$"
ProcedureCode = Annotated[str, StringConstraints(pattern=CODE_PATTERN, strict=True)]

# Money is integer đồng, never float.
Dong = Annotated[int, Field(ge=0, strict=True)]
Minutes = Annotated[int, Field(ge=0, strict=True)]

Level = Literal["central", "province", "district", "commune"]
"""Cấp thực hiện: Cấp Bộ, Cấp tỉnh, Cấp huyện (abolished from 1/7/2025), Cấp xã."""

LEVEL_LABELS_VI: dict[str, str] = {
    "central": "Cấp Bộ",
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
}


def level_in_sentence(level: str) -> str:
    """The level's name inside a sentence: «trụ sở cấp xã», «thủ tục cấp huyện», «cấp Bộ»."""
    label = LEVEL_LABELS_VI.get(level, level)
    return label[:1].lower() + label[1:]


class Model(BaseModel):
    """Base for every catalogue record: unknown keys are errors (a typo must not vanish silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)


class Source(Model):
    """Where a fact was read: a public page or document, and the day it was read."""

    url: NonEmptyText
    title: Text = ""
    publisher: Text = ""
    retrieved: date
    note: Text = ""


class SourceCheck(Model):
    """One check of a record against the newest copy of its source the editors could find (rà soát định kỳ): a
    catalogue is only as good as its last look at the national database."""

    day: date
    against: NonEmptyText
    """Where the newer version was looked for: the copy read, or the one the record is missing from."""
    result: Literal["current", "updated", "corrected"]
    """`current`: no newer version was found and the record stands; `updated`: it was brought up to the newer one;
    `corrected`: the same version, read again, showed transcription errors, now fixed."""
    note: Text = ""


CHECK_RESULT_VI = {
    "current": "không tìm thấy bản mới hơn, bản ghi giữ nguyên",
    "updated": "đã cập nhật theo bản mới hơn",
    "corrected": "cùng phiên bản, đã sửa lỗi chép theo nguồn",
}


class Provenance(Model):
    """Where a record comes from, and what in it is transcribed and what is modelled."""

    sources: list[Source] = Field(min_length=1)
    publishing_decision: Text = ""
    """Quyết định công bố, e.g. `163/QĐ-BTP`."""
    published: date | None = None
    """The day of the publishing decision (ngày ban hành quyết định công bố): the record states the procedure under
    the law of that day, so a legal change in force by then is already in it and does not touch it again
    (analysis.legal_impact.affected). None: not known, and every change is checked against the record."""
    transcribed: list[Text] = []
    """Fields copied from the sources."""
    modelled: list[Text] = []
    """Fields estimated by the catalogue's editors (durations, applicant time...), never silently."""
    checked: list[SourceCheck] = []
    """Each check of the record against its source, oldest first."""
    note: Text = ""

    @property
    def last_checked(self) -> date:
        """The last day the record was read from or checked against a source."""
        return max([s.retrieved for s in self.sources] + [c.day for c in self.checked])


class Citation(Model):
    """A reference to a legal text of the registry, optionally to named articles."""

    ref: NonEmptyText
    """The legal document's number, as in the registry: `61/2018/NĐ-CP`."""
    articles: list[Text] = []
    """E.g. `Điều 9`, `khoản 1 Điều 11`."""


class WorkingDays(Model):
    """A duration in working days as low / likely / high estimates."""

    low: float = Field(ge=0)
    likely: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> WorkingDays:
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"thời gian phải theo thứ tự low ≤ likely ≤ high, đang là {self.low} / {self.likely} / {self.high}")
        return self

    @classmethod
    def exactly(cls, days: float) -> WorkingDays:
        return cls(low=days, likely=days, high=days)


def shorten(text: str, limit: int = 90) -> str:
    """Long catalogue text cut for a table cell or a list, whitespace folded, an ellipsis saying it was cut (before
    any escaping: an entity is never cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fold(value: str) -> str:
    """Lower-case text without diacritics, for search: "Đăng ký kết hôn" → "dang ky ket hon"."""
    decomposed = unicodedata.normalize("NFD", value.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


TEXT_KINDS_VI = (("/QH", "Luật"), ("/NĐ-CP", "Nghị định"), ("/TTLT-", "Thông tư liên tịch"), ("/TT-", "Thông tư"),
                 ("/NQ-", "Nghị quyết"), ("/QĐ-", "Quyết định"))
"""The kind of a legal text, read from its number's symbol (60/2014/QH13 is a law)."""


def cited_text(ref: str, articles: Sequence[str] = ()) -> str:
    """A provision as a sentence names it: «khoản 1 Điều 16 Luật số 60/2014/QH13», «Nghị định số 63/2024/NĐ-CP».

    >>> cited_text("60/2014/QH13", ["khoản 1 Điều 16"])
    'khoản 1 Điều 16 Luật số 60/2014/QH13'
    """
    kind = next((name for symbol, name in TEXT_KINDS_VI if symbol in ref), "")
    text = f"{kind} số {ref}" if kind else ref
    return " ".join([", ".join(articles), text]).strip()
