"""Registries that procedures refer to: agencies and legal documents."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from models.common import Level, Model, NonEmptyText, Slug, Source, Text


class Agency(Model):
    """An agency, or a kind of agency that exists in every commune or province (UBND cấp xã)."""

    id: Slug
    name: NonEmptyText
    level: Level
    parent: Slug | None = None
    successor: Slug | None = None
    """Where its work went after a merger or the end of its level."""
    abolished: date | None = None
    sources: list[Source] = []


LegalType = Literal[
    "hien-phap", "luat", "nghi-quyet-qh", "nghi-dinh", "nghi-quyet", "quyet-dinh", "thong-tu",
    "thong-tu-lien-tich", "nghi-quyet-hdnd", "quyet-dinh-ubnd", "cong-van", "khac",
]

LegalStatus = Literal["in_force", "amended", "replaced", "repealed", "expired", "not_yet"]

LEGAL_STATUS_VI: dict[str, str] = {
    "in_force": "Còn hiệu lực",
    "amended": "Còn hiệu lực, đã được sửa đổi",
    "replaced": "Hết hiệu lực, đã được thay thế",
    "repealed": "Hết hiệu lực, đã bị bãi bỏ",
    "expired": "Hết hiệu lực",
    "not_yet": "Chưa có hiệu lực",
}


class LegalDocument(Model):
    """A legal text (văn bản quy phạm pháp luật) identified by its number: `61/2018/NĐ-CP`."""

    number: NonEmptyText
    type: LegalType
    title: NonEmptyText
    """Trích yếu."""
    issuer: NonEmptyText
    issued: date
    effective: date
    status: LegalStatus
    ended: date | None = None
    """The day it stopped being in force (replaced, repealed, expired)."""
    amends: list[NonEmptyText] = []
    replaces: list[NonEmptyText] = []
    sources: list[Source] = Field(min_length=1)
    note: Text = ""

    def in_force_on(self, day: date) -> bool:
        """Whether the text was in force on `day` (from its effective date until it ended)."""
        return self.effective <= day and (self.ended is None or day < self.ended)
