"""A procedure record: what the national database publishes, plus the typed step graph tthc adds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from pydantic import Field, model_validator

from models.common import (
    Citation,
    Dong,
    Level,
    Minutes,
    Model,
    NonEmptyText,
    ProcedureCode,
    Provenance,
    Slug,
    Source,
    Text,
    WorkingDays,
    shorten,
)

SCHEMA_VERSION = 1

APPLICANT = "applicant"
"""The actor id of the person or business that asks for the result."""

ChannelKind = Literal["in_person", "online", "post"]
CHANNEL_LABELS_VI: dict[str, str] = {"in_person": "Trực tiếp", "online": "Trực tuyến", "post": "Dịch vụ bưu chính"}

OnlineService = Literal["full", "partial", "none"]
ONLINE_LABELS_VI: dict[str, str] = {"full": "Toàn trình", "partial": "Một phần", "none": "Không"}


FEE_PER_VI: dict[str, str] = {"case": "hồ sơ", "copy": "bản", "page": "trang"}


class Fee(Model):
    """A fee (phí) or charge (lệ phí) on one channel, in đồng for the usual case; exemptions stay in `note`."""

    kind: Literal["phi", "le_phi"]
    name: NonEmptyText
    amount_vnd: Dong
    per: Literal["case", "copy", "page"] = "case"
    quantity: int = Field(default=1, ge=0)
    """How many units (copies, pages) the usual case pays for."""
    note: Text = ""
    legal_basis: list[Citation] = []

    @property
    def total_vnd(self) -> int:
        return self.amount_vnd * self.quantity


class TimeLimit(Model):
    """Thời hạn giải quyết of a channel: the parsed working days and the verbatim text."""

    working_days: float = Field(ge=0)
    text: Text = ""
    no_result: bool = False
    """A declaration the agency receives without returning a result (khai thuế: «Không phải trả kết quả»): there
    is no limit to keep, and `working_days` is 0."""

    @model_validator(mode="after")
    def _none_is_zero(self) -> TimeLimit:
        if self.no_result and self.working_days:
            raise ValueError("thời hạn của thủ tục không trả kết quả (no_result) phải là 0 ngày làm việc")
        return self


class Channel(Model):
    """Cách thức thực hiện: one row of the portal's channel table."""

    kind: ChannelKind
    time_limit: TimeLimit
    fees: list[Fee] = []
    description: Text = ""


class Issuer(Model):
    """Who issues a document: the applicant, a state agency, or a national database that already holds it."""

    kind: Literal["applicant", "agency", "national_database", "third_party"]
    agency: Slug | None = None
    database: Text = ""
    """E.g. `Cơ sở dữ liệu quốc gia về dân cư`."""
    held: bool = True
    """Whether the state still holds the record: false for the copy an applicant brings to register an event
    again because the register and the original are lost (đăng ký lại hộ tịch: Nghị định 123/2015/NĐ-CP,
    Điều 24). Once-only does not apply to what the state no longer has."""

    @model_validator(mode="after")
    def _agency_named(self) -> Issuer:
        if self.kind == "agency" and self.agency is None:
            raise ValueError("giấy tờ do cơ quan cấp phải ghi cơ quan cấp (`agency`)")
        if self.kind == "national_database" and not self.database:
            raise ValueError("giấy tờ có trong cơ sở dữ liệu quốc gia phải ghi tên cơ sở dữ liệu (`database`)")
        return self


class Document(Model):
    """Thành phần hồ sơ: one required document, with the counts the portal writes "Bản chính: X Bản sao: Y"."""

    id: Slug
    name: NonEmptyText
    originals: int = Field(default=0, ge=0)
    copies: int = Field(default=0, ge=0)
    certified_copies: int = Field(default=0, ge=0)
    presented: bool = False
    """Only shown at the counter (xuất trình), not kept in the dossier."""
    form: Text = ""
    """Mẫu đơn, tờ khai: the template's name or code, if any."""
    case: Text = ""
    """The case the document applies to, where the portal groups documents by case; empty = every case."""
    pages: int = Field(default=1, ge=1)
    issuer: Issuer = Issuer(kind="applicant")
    plain_copy_allowed: bool = False
    """The law allows a plain copy checked against the original (Nghị định 23/2015, Điều 6)."""
    surrendered: bool = False
    """The original itself is handed in, to be endorsed, replaced or cancelled (the passport last issued, a building
    permit to extend or to replace when torn): the state's record of it does not stand in for the paper, so
    once-only does not apply."""
    fallback: bool = False
    """Asked only when the agency cannot find the information in its own databases (trường hợp không khai thác được
    thông tin: the residence paper when the population database has no entry, the land certificate when the land
    database does not hold it): once-only is already the rule and this paper is its fallback, so it is not part of
    the usual case and the once-only finding does not ask for it again."""
    identity: bool = False
    """Shown to prove who the applicant, or the person the procedure is about, is (thẻ căn cước, hộ chiếu xuất trình
    khi nộp; the guest's paper shown to the host for a residence notice): a database holds the person's data but
    cannot tell who stands at the counter, so once-only does not apply; what replaces showing the paper is
    electronic identification (tài khoản định danh điện tử mức 2, reading the card's chip: Nghị định
    69/2024/NĐ-CP), which comes with going online."""
    ceased: date | None = None
    """The day the paper ceased to exist in law (the sổ hộ khẩu: 01/01/2023, Luật Cư trú 2020, Điều 38 khoản 3): a
    record still asking for it asks for what no one issues any more, and the paper goes from the dossier."""
    exempted_by: list[Citation] = []
    """Provisions that already spare the applicant this paper when the state holds it (khoản 2 Điều 56 Nghị định
    217/2026/NĐ-CP: land papers in the national database), though the published record still lists it: the fix is
    to the publishing decision and to practice, not to the law."""
    legal_basis: list[Citation] = []
    verbatim: Text = ""

    @model_validator(mode="after")
    def _flags_agree(self) -> Document:
        if self.surrendered and (not self.originals or self.presented):
            raise ValueError("giấy tờ phải nộp lại là bản chính giao cho cơ quan: ghi `originals`, không ghi `presented`")
        if self.fallback and self.issuer.kind not in ("national_database", "agency"):
            raise ValueError("giấy tờ dự phòng (`fallback`) thay cho thông tin cơ quan nhà nước đã có: `issuer` phải là "
                             "cơ sở dữ liệu quốc gia hoặc cơ quan đang lưu giữ thông tin đó")
        if self.identity and not self.presented:
            raise ValueError("giấy tờ tùy thân được xuất trình để chứng minh nhân thân: ghi `presented` (bản sao nộp "
                             "kèm hồ sơ là một giấy tờ thông thường)")
        return self

    @property
    def issued_verb(self) -> str:
        """How its agency made it: «lập» for a paper drawn up (a report of a found child, a list, a statement),
        «cấp» for one issued."""
        return "lập" if self.name.casefold().startswith(_DRAWN_UP) else "cấp"


_DRAWN_UP = ("biên bản", "danh sách", "báo cáo", "tờ trình", "văn bản đề nghị")


StepKind = Literal[
    "prepare", "submit", "receive", "review", "verify", "inspect", "transfer", "approve", "issue", "pay",
    "notify", "supplement", "return_result", "collect", "other",
]
STEP_KIND_LABELS_VI: dict[str, str] = {
    "prepare": "Chuẩn bị hồ sơ", "submit": "Nộp hồ sơ", "receive": "Tiếp nhận", "review": "Xem xét, thẩm định",
    "verify": "Xác minh", "inspect": "Kiểm tra thực địa", "transfer": "Chuyển hồ sơ", "approve": "Phê duyệt, ký",
    "issue": "Cấp kết quả", "pay": "Nộp phí, lệ phí", "notify": "Thông báo", "supplement": "Bổ sung hồ sơ",
    "return_result": "Trả kết quả", "collect": "Nhận kết quả", "other": "Khác",
}

RECEIVING_KINDS: frozenset[StepKind] = frozenset({"collect", "return_result"})
"""Applicant steps that take a result rather than hand documents over."""

NOT_HANDING_OVER: frozenset[StepKind] = RECEIVING_KINDS | {"pay"}
"""Applicant steps whose documents are not handed to an agency: taking a result, or paying what a notice says (the
tax notice of a land transfer is the applicant's to pay against, not a paper the state asks back)."""

StepChannel = Literal["in_person", "online", "post", "internal"]


class ApplicantTime(Model):
    """The applicant's own time on a step, in minutes, by activity (Thông tư 02/2017, Điều 27)."""

    preparation: Minutes = 0
    """Learn the procedure, gather and fill in the documents."""
    travel: Minutes | None = None
    """Round trip to the office; None = take the dated parameter for the office's level."""
    queue: Minutes = 0
    counter: Minutes = 0


class Step(Model):
    """One node of the step graph: who acts, how, for how long, with which documents."""

    id: Slug
    name: NonEmptyText
    actor: Slug
    """`applicant` or an agency id from the registry."""
    unit: Text = ""
    """The unit inside the agency (bộ phận một cửa, công chức tư pháp - hộ tịch...)."""
    kind: StepKind
    duration: WorkingDays
    """Elapsed working days the step takes (the agency's processing time, or the applicant's)."""
    origin: Literal["published", "estimate"]
    """Whether the duration is stated by the source or modelled by the catalogue's editors."""
    applicant_time: ApplicantTime | None = None
    in_person: bool = False
    """The applicant goes to an office for this step."""
    presence_required: bool = False
    """The law requires the applicant to appear in person on this step (both spouses sign the register when a
    marriage is registered: Luật Hộ tịch 2014, Điều 18): no plan moves it online, so one visit stays. Cite the rule
    in `legal_basis`."""
    office: Slug | None = None
    """The agency whose office the applicant visits (on a step done online or by post: the desk the applicant
    deals with, that receives the dossier or sends the result); defaults to the actor when that is an agency."""
    channel: StepChannel = "internal"
    after: list[Slug] = []
    """Predecessors: the steps that must finish before this one starts."""
    consumes: list[Slug] = []
    produces: list[Slug] = []
    forwards_only: bool = False
    """The step only passes the dossier on (no decision, no check): a pass-through."""
    notifies: list[Slug] = []
    """The agencies this step only informs (the household-business registrar sends the registration to the tax
    office), where the catalogue models no step of theirs: nothing the applicant waits for comes back from them.
    Leave it empty for a step that also tells the applicant."""
    automated: bool = False
    """An information system does the step, no one handles the dossier (the national population database returns a
    personal ID number; the business registration system gets the tax code from the tax system): a system-to-system
    exchange, not a hand-over, so it is no ping-pong (rule 4)."""
    other_costs_vnd: Dong = 0
    """Out-of-pocket costs of this step not covered by parameters (hired service, postage...)."""
    legal_basis: list[Citation] = []
    verbatim: Text = ""
    note: Text = ""

    @model_validator(mode="after")
    def _flags_agree(self) -> Step:
        if self.presence_required and not self.in_person:
            raise ValueError("bước mà pháp luật yêu cầu có mặt phải làm trực tiếp: ghi `in_person: true`")
        if self.automated and (self.actor == APPLICANT or self.in_person):
            raise ValueError("bước tự động do hệ thống thông tin của cơ quan thực hiện: không do người dân làm và không làm trực tiếp")
        if self.notifies and (self.actor == APPLICANT or APPLICANT in self.notifies):
            raise ValueError("`notifies` ghi cơ quan mà một cơ quan thông báo: người dân không ghi ở đây")
        return self


class AnnualVolume(Model):
    """How often the procedure is done: C_year = C1 × frequency × subjects (Thông tư 02/2017, Điều 27)."""

    subjects_per_year: int = Field(ge=0)
    frequency_per_subject: Decimal = Field(default=Decimal(1), ge=0)
    origin: Literal["published", "estimate"]
    source: Source | None = None
    note: Text = ""
    counted_in: list[ProcedureCode] = []
    """Procedures whose own volume already counts every case of this one: a birth registered through a liên thông
    is one of the births 1.001193's published figure counts. Each record keeps the volume its source gives; the
    catalogue's total counts such a case once, at this procedure's cost (analysis/opportunities.py)."""

    @property
    def cases(self) -> Decimal:
        """Cases a year: f × N."""
        return self.frequency_per_subject * self.subjects_per_year

    @model_validator(mode="after")
    def _sourced(self) -> AnnualVolume:
        if self.origin == "published" and self.source is None:
            raise ValueError("số hồ sơ/năm đã công bố phải ghi nguồn (`source`)")
        return self


class Agencies(Model):
    """Cơ quan thực hiện by role."""

    competent: list[Slug] = Field(min_length=1)
    """Cơ quan có thẩm quyền: decides."""
    implementing: list[Slug] = []
    """Cơ quan thực hiện: receives and processes."""
    coordinating: list[Slug] = []
    """Cơ quan phối hợp."""


class Result(Model):
    name: NonEmptyText
    code: Text = ""
    """Result code such as `KQ.G15.000032`."""
    electronic: bool = False
    """Reaches the applicant without paper: an electronic document with the legal value of the paper one, an entry
    in a database, money paid into an account; taking it needs no trip and no post. False: a paper, a card, a
    booklet. Read on the first result listed, the usual one (the others are refusals and notices)."""


ProcedureStatus = Literal["in_force", "amended", "abolished"]
PROCEDURE_STATUS_VI: dict[str, str] = {"in_force": "Đang áp dụng", "amended": "Đã được sửa đổi", "abolished": "Đã bãi bỏ"}


class Procedure(Model):
    """Thủ tục hành chính: the national database's record and its typed step graph."""

    schema_version: Literal[1] = 1
    code: ProcedureCode
    name: NonEmptyText
    also_known_as: list[NonEmptyText] = []
    """Tên gọi thông dụng: the words people search with where the official name uses others («sổ đỏ» for a
    Giấy chứng nhận quyền sử dụng đất, «bằng lái» for a giấy phép lái xe). Written by the catalogue's editors for
    search; no legal text uses them."""
    field: NonEmptyText
    """Lĩnh vực: hộ tịch, cư trú, đất đai..."""
    levels: list[Level] = Field(min_length=1)
    type: Text = ""
    """Loại thủ tục (e.g. TTHC được luật giao quy định chi tiết)."""
    subjects: list[Literal["citizen", "business", "organisation"]] = Field(min_length=1)
    agencies: Agencies
    channels: list[Channel] = Field(min_length=1)
    online: OnlineService
    results: list[Result] = Field(min_length=1)
    conditions: list[Text] = []
    related: list[ProcedureCode] = []
    replaces: list[ProcedureCode] = []
    """National codes this record supersedes (a re-published or merged procedure: 1.115978 replaces 3.000347 and
    3.000348). A replaced code is no longer in the national database; the site keeps a page at it that points here,
    and commands asked for it name this record."""
    interagency_group: Slug | None = None
    """Liên thông group shared by the procedures done on one dossier."""
    status: ProcedureStatus = "in_force"
    legal_basis: list[Citation] = Field(min_length=1)
    annual_volume: AnnualVolume
    documents: list[Document] = []
    steps: list[Step] = Field(min_length=1)
    provenance: Provenance
    verbatim_steps: Text = ""
    """Trình tự thực hiện as published, kept beside the typed graph."""

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def document(self, document_id: str) -> Document:
        for d in self.documents:
            if d.id == document_id:
                return d
        raise KeyError(document_id)

    @property
    def main_channel(self) -> Channel:
        """The channel used for the baseline (its fees, its time limit): the one the step graph models, by which the
        applicant's first submission goes (online, by post or in person); else in person if offered (most dossiers
        still come that way); else the first listed."""
        submit = next((s for s in self.steps if s.actor == APPLICANT and s.kind == "submit"), None)
        modelled = None if submit is None else "in_person" if submit.in_person else submit.channel
        for kind in (modelled, "in_person"):
            for channel in self.channels:
                if channel.kind == kind:
                    return channel
        return self.channels[0]

    @property
    def time_limit_working_days(self) -> float:
        return self.main_channel.time_limit.working_days

    @property
    def subjects_per_year(self) -> int:
        return self.annual_volume.subjects_per_year

    @property
    def agencies_named(self) -> set[str]:
        """Every agency the procedure names: in its roles, as step actor or office, as document issuer."""
        roles = self.agencies
        named = {*roles.competent, *roles.implementing, *roles.coordinating}
        for step in self.steps:
            named.add(step.actor)
            if step.office:
                named.add(step.office)
        named.update(d.issuer.agency for d in self.documents if d.issuer.agency)
        named.discard(APPLICANT)
        return named


Cited = tuple[str, str, tuple[str, ...]]
"""A legal citation with where it is made, in words for the reports staff read: (where, text number, articles)."""


class RecordIndex(NamedTuple):
    """What the catalogue needs to know of a record without decoding it: its name and status, and what it refers
    to outside itself (the legal texts it cites, with where and which articles; the agencies it names; its
    levels). A legal change reaches a procedure only through these, so the compiled cache keeps them beside each
    record and a national catalogue is searched, and a change's report written, without decoding the records the
    change does not rewrite. Its liên thông group too, so a batch can keep a group's procedures in one chunk.
    And the day it was published (`Provenance.published`): a change in force by then is already in it; and the codes
    it replaces, so an old code is resolved without decoding the catalogue; and the codes whose volume counts its
    cases too (`AnnualVolume.counted_in`), so a report's total counts each case once; and the last day it was read
    from or checked against a source (`Provenance.last_checked`), so a report says whether anyone looked at it since
    the change. A named tuple of tuples, strings and dates: it unpickles without running Python code of ours."""

    name: str
    status: str
    citations: tuple[Cited, ...]
    agencies: frozenset[str]
    levels: tuple[str, ...]
    group: str | None
    published: date | None
    replaces: tuple[str, ...]
    counted_in: tuple[str, ...]
    last_checked: date

    @property
    def texts(self) -> set[str]:
        return {ref for _, ref, _ in self.citations}

    @classmethod
    def of(cls, procedure: Procedure) -> RecordIndex:
        cited: list[Cited] = [("căn cứ pháp lý của thủ tục", c.ref, tuple(c.articles)) for c in procedure.legal_basis]
        for step in procedure.steps:
            cited += [(f"bước «{shorten(step.name, 60)}»", c.ref, tuple(c.articles)) for c in step.legal_basis]
        for document in procedure.documents:
            cited += [(f"giấy tờ «{shorten(document.name, 60)}»", c.ref, tuple(c.articles))
                      for c in (*document.legal_basis, *document.exempted_by)]
        for channel in procedure.channels:
            for fee in channel.fees:
                cited += [(f"phí, lệ phí «{fee.name}»", c.ref, tuple(c.articles)) for c in fee.legal_basis]
        return cls(procedure.name, procedure.status, tuple(cited), frozenset(procedure.agencies_named),
                   tuple(procedure.levels), procedure.interagency_group, procedure.provenance.published,
                   tuple(procedure.replaces), tuple(procedure.annual_volume.counted_in),
                   procedure.provenance.last_checked)


__all__ = [
    "APPLICANT",
    "SCHEMA_VERSION",
    "Agencies",
    "AnnualVolume",
    "ApplicantTime",
    "Channel",
    "Document",
    "Fee",
    "Issuer",
    "Procedure",
    "RecordIndex",
    "Result",
    "Source",
    "Step",
    "TimeLimit",
]
