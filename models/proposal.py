"""Simplification plans (phương án đơn giản hóa TTHC) as reforms: lists of operations that transform a procedure.

OpenFisca style: a proposal never edits the catalogue; `analysis.proposals.apply_operations` turns a baseline
procedure into a new one, and both are analysed with the same code. Every operation says why (`rationale`) and
which legal text must change to allow it (`legal_change`: the plan's kiến nghị thực thi).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from models.common import Dong, Model, NonEmptyText, ProcedureCode, Slug, Source, Text, WorkingDays
from models.procedure import ChannelKind

LegalAction = Literal["amend", "repeal", "add", "replace"]
LEGAL_ACTION_VI: dict[str, str] = {
    "amend": "Sửa đổi", "repeal": "Bãi bỏ", "add": "Bổ sung", "replace": "Thay thế",
}


class LegalChange(Model):
    """Kiến nghị thực thi: which text, article and clause must change, and how."""

    ref: NonEmptyText
    """The legal document's number, as in the registry: `123/2015/NĐ-CP`."""
    articles: list[Text] = []
    """E.g. `điểm a khoản 1 Điều 9`."""
    action: LegalAction = "amend"
    text: Text = ""
    """What the amended provision should say, in Vietnamese."""


class _Operation(Model):
    rationale: NonEmptyText
    """Why: the problem the operation removes (Vietnamese)."""
    legal_change: list[LegalChange] | None = None
    """The kiến nghị thực thi: the provisions to change for the operation. `[]` says that no legal text must change
    (an agency's internal process); left out, the plan has not said yet, and its documents say so."""


class RemoveStep(_Operation):
    """Bỏ một bước. Its successors then follow its predecessors, so the rest of the order is kept."""

    op: Literal["remove_step"] = "remove_step"
    step: Slug


class MergeSteps(_Operation):
    """Gộp các bước: the first step listed stays and takes over the others' documents and visits.

    The merged step lasts as long as the longest of them unless `duration` says otherwise; the applicant spends
    the largest of their times on each activity (one trip, one queue).
    """

    op: Literal["merge_steps"] = "merge_steps"
    steps: list[Slug] = Field(min_length=2)
    name: Text = ""
    duration: WorkingDays | None = None

    @model_validator(mode="after")
    def _distinct(self) -> MergeSteps:
        if len(set(self.steps)) != len(self.steps):
            raise ValueError("một bước được ghi hai lần")
        return self


class Parallelize(_Operation):
    """Cho thực hiện song song: `step` no longer waits for `after`; both are followed by what followed `step`."""

    op: Literal["parallelize"] = "parallelize"
    step: Slug
    after: Slug


class StopWaiting(_Operation):
    """Không chờ bước `step`: the steps after it follow what it followed instead, and it ends a branch of its own (a
    notice to another agency sent while the result is returned). Refused when a step uses what it produces."""

    op: Literal["stop_waiting"] = "stop_waiting"
    step: Slug


class DropDocument(_Operation):
    """Bỏ thành phần hồ sơ."""

    op: Literal["drop_document"] = "drop_document"
    document: Slug


class AcceptPlainCopy(_Operation):
    """Chấp nhận bản sao (chụp) kèm bản chính để đối chiếu thay bản sao chứng thực (Nghị định 23/2015, Điều 6)."""

    op: Literal["accept_plain_copy"] = "accept_plain_copy"
    document: Slug


class ObtainFromState(_Operation):
    """Không yêu cầu nộp: the agency gets the document from a national database or from the issuing agency."""

    op: Literal["obtain_from_state"] = "obtain_from_state"
    document: Slug
    database: Text = ""
    """E.g. `Cơ sở dữ liệu quốc gia về dân cư`."""
    agency: Slug | None = None
    """The agency that issued it and shares it (when not from a database)."""


class GoOnline(_Operation):
    """Cung cấp dịch vụ công trực tuyến toàn trình: the applicant's visits become online steps (no travel, no queue).

    `steps` lists the applicant steps that move online; empty = every in-person applicant step. When no
    applicant step is left in person, the procedure after the plan is modelled on the online channel (its fees
    and time limit): the in-person channel is no longer the usual path.
    """

    op: Literal["go_online"] = "go_online"
    steps: list[Slug] = []
    names: dict[Slug, NonEmptyText] = {}
    """What moved steps are called after the plan, by step id («Nộp hồ sơ trực tuyến qua Cổng Dịch vụ công»): a
    name that says where the applicant went («Nộp hồ sơ tại Bộ phận một cửa») misleads once nobody goes. A step not
    named here loses the office its name gives and says «trực tuyến» or «qua bưu chính» instead
    (`analysis.proposals.online_name`)."""


class OneDesk(_Operation):
    """Liên thông một cửa: the applicant submits once and collects once at `desk`; agencies pass the dossier."""

    op: Literal["one_desk"] = "one_desk"
    desk: Slug
    """The agency whose one-stop desk receives and returns for all of them."""
    submit_steps: list[Slug] = Field(min_length=1)
    collect_steps: list[Slug] = []


class ShortenTimeLimit(_Operation):
    """Rút ngắn thời hạn giải quyết, and the step durations that make it possible."""

    op: Literal["shorten_time_limit"] = "shorten_time_limit"
    working_days: float = Field(ge=0)
    channels: list[ChannelKind] = []
    """Channels whose limit changes; empty = all."""
    durations: dict[Slug, WorkingDays] = {}
    """New durations of the agency steps that get shorter."""


class ChangeFee(_Operation):
    """Giảm hoặc miễn phí, lệ phí: `amount_vnd` 0 drops the charge."""

    op: Literal["change_fee"] = "change_fee"
    fee: NonEmptyText
    """The fee's name, as on the channel."""
    amount_vnd: Dong
    channels: list[ChannelKind] = []
    """Channels where the fee changes; empty = every channel that has it."""


class LowerFrequency(_Operation):
    """Giảm tần suất thực hiện (e.g. 12 reports a year → 4)."""

    op: Literal["lower_frequency"] = "lower_frequency"
    frequency_per_subject: Decimal = Field(ge=0)


class ChangeSubjects(_Operation):
    """Thu hẹp đối tượng phải thực hiện: fewer subjects a year (an exemption, a threshold)."""

    op: Literal["change_subjects"] = "change_subjects"
    subjects_per_year: int = Field(ge=0)
    note: Text = ""


Operation = Annotated[
    RemoveStep | MergeSteps | Parallelize | StopWaiting | DropDocument | AcceptPlainCopy | ObtainFromState | GoOnline | OneDesk
    | ShortenTimeLimit | ChangeFee | LowerFrequency | ChangeSubjects,
    Field(discriminator="op"),
]

FEWER_PAPERS = frozenset({"drop_document", "obtain_from_state"})
"""Operations that take a paper out of what the applicant hands over."""

OPERATION_LABELS_VI: dict[str, str] = {
    "remove_step": "Bỏ bước thực hiện",
    "merge_steps": "Gộp các bước",
    "parallelize": "Thực hiện song song",
    "stop_waiting": "Không để các bước sau chờ",
    "drop_document": "Bỏ thành phần hồ sơ",
    "accept_plain_copy": "Thay bản sao chứng thực bằng bản sao kèm bản chính đối chiếu",
    "obtain_from_state": "Khai thác dữ liệu sẵn có, không yêu cầu nộp",
    "go_online": "Thực hiện trực tuyến",
    "one_desk": "Liên thông một cửa",
    "shorten_time_limit": "Rút ngắn thời hạn giải quyết",
    "change_fee": "Giảm, miễn phí, lệ phí",
    "lower_frequency": "Giảm tần suất thực hiện",
    "change_subjects": "Thu hẹp đối tượng thực hiện",
}


class ProcedureChanges(Model):
    """The operations a plan applies to one procedure."""

    code: ProcedureCode
    operations: list[Operation] = Field(min_length=1)
    note: Text = ""


ProposalStatus = Literal["draft", "submitted", "approved", "implemented"]
PROPOSAL_STATUS_VI = {"draft": "Dự thảo", "submitted": "Đã trình", "approved": "Đã phê duyệt", "implemented": "Đã thực hiện"}


class Proposal(Model):
    """Phương án đơn giản hóa: one plan, covering one or many procedures."""

    schema_version: Literal[1] = 1
    id: Slug
    title: NonEmptyText
    procedures: list[ProcedureChanges] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    """The real reform the plan is grounded on (a decision approving a plan, a decree, a project)."""
    author: NonEmptyText
    date: dt.date
    status: ProposalStatus = "draft"
    summary: Text = ""

    @model_validator(mode="after")
    def _one_entry_per_procedure(self) -> Proposal:
        codes = [p.code for p in self.procedures]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"thủ tục {', '.join(twice)} được ghi hai lần: gộp mọi thao tác của nó vào một mục")
        return self

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.procedures]


# ---- Before / after comparison -------------------------------------------------------------------------------

Number = int | float


class MetricChange(Model):
    """One row of the before / after table."""

    metric: str
    """Identifier: `steps`, `elapsed_working_days.likely`, `annual_cost_vnd`..."""
    label: str
    """Vietnamese label."""
    unit: str
    before: Number
    after: Number
    difference: Number
    """after − before (negative = a cut)."""


class Comparison(Model):
    """Before and after one procedure's simplification (Thông tư 02/2017/TT-VPCP, Điều 27 khoản 1)."""

    code: str
    name: str
    rows: list[MetricChange]
    per_case_before_vnd: int
    per_case_after_vnd: int
    annual_before_vnd: int
    annual_after_vnd: int
    saving_vnd_per_year: int
    """Annual cost before − after (the benefit)."""
    time_cut_rate: Decimal
    """Cut in likely elapsed working days (the steps as modelled), as a share of before (0 when before is 0)."""
    time_limit_cut_rate: Decimal = Decimal(0)
    """Cut in the legal time limit (thời hạn giải quyết) of the main channel: what the time target judges (the
    programmes count the time a procedure's text allows: Nghị quyết 66/NQ-CP, «cắt giảm … thời gian giải quyết»)."""
    cost_cut_rate: Decimal
    """Saving ÷ annual cost before."""
    target_time: Decimal
    target_cost: Decimal
    meets_time_target: bool
    meets_cost_target: bool
    over_limit_after_days: float = 0.0
    """Working days by which the agencies' likely part after the plan (`working_days_in_time_limit`) exceeds the
    time limit after it: a limit the planned process cannot keep (0 when it can)."""

    def row(self, metric: str) -> MetricChange:
        for r in self.rows:
            if r.metric == metric:
                return r
        raise KeyError(metric)


class PlanComparison(Model):
    """A whole plan: one comparison per procedure and the totals (e.g. "137 thủ tục: 393,4 → 201 tỷ đ/năm")."""

    proposal_id: str
    title: str
    as_of: dt.date
    procedures: list[Comparison]
    annual_before_vnd: int
    annual_after_vnd: int
    saving_vnd_per_year: int
    cost_cut_rate: Decimal
    time_cut_rate: Decimal
    """Cut in the summed likely elapsed working days of the procedures."""
    time_limit_cut_rate: Decimal = Decimal(0)
    """Cut in the summed legal time limits of the procedures: what the time target judges."""
    target_time: Decimal
    target_cost: Decimal
    meets_time_target: bool
    meets_cost_target: bool
