"""Legal changes as data (data/changes/*.yaml) and the impact report a batch re-analysis produces.

A change is a dated list of operations, in the spirit of an OpenFisca reform: it transforms the catalogue as the
law stood before its effective date into the catalogue as the law stands from that date. Operations:

- `amend` / `replace` / `repeal` a legal text of the registry (optionally only named articles);
- `merge_agencies` (their work goes to one agency) and `rename_agency`;
- `move_level`: a level of government is abolished and its procedures move to another level, with a per-agency
  mapping of who takes the work (2025: district → commune or province);
- `parameter`: new dated values of a cost parameter;
- `fee`: a new amount for a fee of some procedures on a channel.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from models.common import Citation, Dong, Level, Model, NonEmptyText, ProcedureCode, Slug, Source, Text
from models.parameters import DatedValue
from models.procedure import ChannelKind

CHANGE_SCHEMA_VERSION = 1


class LegalTextChange(Model):
    """A legal text amended, replaced or repealed from the change's effective date."""

    op: Literal["amend", "replace", "repeal"]
    text: NonEmptyText
    """The number of the changed text, as in the registry: `61/2018/NĐ-CP`."""
    by: NonEmptyText | None = None
    """The amending or replacing text (required for amend and replace; optional for repeal)."""
    articles: list[Text] = Field(default_factory=list)
    """Only these articles change (`Điều 7`, `khoản 2 Điều 11`); empty: the whole text."""
    note: Text = ""

    @model_validator(mode="after")
    def _by_named(self) -> LegalTextChange:
        if self.op in ("amend", "replace") and self.by is None:
            raise ValueError(f"thao tác `{self.op}` phải ghi văn bản sửa đổi, thay thế (`by`)")
        if self.by is not None and self.by == self.text:
            raise ValueError("văn bản không thể tự sửa đổi, thay thế chính mình")
        return self


class MergeAgencies(Model):
    """Several agencies merge: their work goes to `into` (an agency of the registry)."""

    op: Literal["merge_agencies"]
    agencies: list[Slug] = Field(min_length=1)
    into: Slug
    note: Text = ""

    @model_validator(mode="after")
    def _not_into_itself(self) -> MergeAgencies:
        if self.into in self.agencies:
            raise ValueError(f"cơ quan {self.into!r} không thể hợp nhất vào chính nó")
        return self


class RenameAgency(Model):
    """An agency takes a new name (same id), or hands its work to a new id (`new_id`, in the registry)."""

    op: Literal["rename_agency"]
    agency: Slug
    name: NonEmptyText
    new_id: Slug | None = None
    note: Text = ""


class MoveLevel(Model):
    """A level of government is abolished: its procedures move to another level.

    Each agency of the abolished level hands its work to the agency named in `agencies` (else to its registry
    `successor`); a procedure takes the level of the agency that now decides it, else `to_level`, unless
    `procedures` names its level explicitly.
    """

    op: Literal["move_level"]
    from_level: Level
    to_level: Level
    agencies: dict[Slug, Slug] = Field(default_factory=dict)
    """Old agency → the agency that takes its work (e.g. `phong-tu-phap-huyen: ubnd-xa`)."""
    procedures: dict[ProcedureCode, Level] = Field(default_factory=dict)
    """Per-procedure destination level, where it differs from what the agencies imply."""
    note: Text = ""

    @model_validator(mode="after")
    def _different_levels(self) -> MoveLevel:
        if self.from_level == self.to_level:
            raise ValueError("`from_level` và `to_level` phải khác nhau")
        if self.from_level in self.procedures.values():
            raise ValueError(f"thủ tục không thể chuyển sang cấp đã bãi bỏ {self.from_level}")
        return self


class ParameterChange(Model):
    """New dated values of a cost parameter (a new income figure, a new travel estimate...)."""

    op: Literal["parameter"]
    name: NonEmptyText
    values: list[DatedValue] = Field(min_length=1)
    description: Text = ""
    """Needed only when the parameter is new."""
    unit: Text = ""
    note: Text = ""


class FeeChange(Model):
    """A new amount for a fee of some procedures on a channel (added when the procedure has no such fee)."""

    op: Literal["fee"]
    procedures: list[ProcedureCode] = Field(min_length=1)
    channel: ChannelKind = "in_person"
    fee: NonEmptyText
    """The fee's name, as in the procedure records."""
    kind: Literal["phi", "le_phi"] = "le_phi"
    amount_vnd: Dong
    legal_basis: list[Citation] = Field(default_factory=list)
    note: Text = ""
    """The fee's note from the change on (the record's note explained the old amount)."""


Operation = Annotated[
    LegalTextChange | MergeAgencies | RenameAgency | MoveLevel | ParameterChange | FeeChange,
    Field(discriminator="op"),
]


class LegalChange(Model):
    """One legal change: what changes, from which day, on which sources."""

    schema_version: Literal[1] = 1
    id: Slug
    title: NonEmptyText
    effective: date
    sources: list[Source] = Field(min_length=1)
    operations: list[Operation] = Field(min_length=1)
    note: Text = ""


# What a re-analysis reports.

ReasonKind = Literal[
    "cites_text", "cites_related_text", "agency", "level", "parameter", "fee", "not_in_force", "no_successor",
    "record_changed",
]
REVIEW_REASONS: frozenset[str] = frozenset({"not_in_force", "no_successor"})
"""Reasons that call for a new review by procedure-control staff."""


class ImpactReason(Model):
    """Why a procedure is affected by a change, in words for the report."""

    kind: ReasonKind
    change: str = ""
    """The id of the change, or `git:<revision>` for a record edited since a revision."""
    ref: str = ""
    """The legal number, agency id, parameter name or file the reason is about."""
    text: str
    """Vietnamese explanation."""

    @property
    def needs_review(self) -> bool:
        return self.kind in REVIEW_REASONS


ChangelogStatus = Literal["ADDED", "AMENDED", "UNCHANGED", "WITHDRAWN"]
CHANGELOG_STATUS_VI: dict[ChangelogStatus, str] = {
    "ADDED": "Thêm mới", "AMENDED": "Sửa đổi", "UNCHANGED": "Không đổi nội dung", "WITHDRAWN": "Bãi bỏ",
}


class MetricDelta(Model):
    """A metric before and after; money and counts are integers (đồng, steps...), durations may be fractional."""

    before: int | float | None
    after: int | float | None
    difference: int | float | None


class ProcedureImpact(Model):
    code: str
    name: str
    status: ChangelogStatus
    reasons: list[ImpactReason]
    needs_review: bool
    metrics: dict[str, MetricDelta]
    """Each metric before and after the change, by name (`annual_cost_vnd`, `elapsed_working_days.likely`...)."""
    last_checked: date | None = None
    """The last day the record was read from or checked against a source (`Provenance.last_checked`)."""


class ImpactSummary(Model):
    affected: int
    needs_review: int
    by_status: dict[ChangelogStatus, int]
    annual_cost_before_vnd: int
    annual_cost_after_vnd: int
    annual_cost_difference_vnd: int
    analysed: int
    """Analyses computed in this run (the others came from the cache)."""
    from_cache: int


class ChangeRef(Model):
    id: str
    title: str
    effective: date
    sources: list[Source] = Field(default_factory=list)


class ImpactReport(Model):
    """The machine-readable report of one re-analysis (reports/<date>-<change>/report.json)."""

    schema_version: Literal[1] = 1
    generated: datetime
    as_of: date
    title: str
    changes: list[ChangeRef]
    since: str | None = None
    summary: ImpactSummary
    procedures: list[ProcedureImpact]
