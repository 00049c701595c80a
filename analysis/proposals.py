"""Apply a simplification plan's operations to a procedure, and compare the analyses before and after.

`apply_operations` is pure: the baseline is never changed, a new `Procedure` is returned. It refuses, with a
`ProposalError` naming the operation, anything that would leave the procedure unusable: an unknown or already
removed step or document, a cycle, or a step left without a document that only a removed step produced.

>>> from tests.factories import tiny_procedure
>>> from models.proposal import RemoveStep
>>> after = apply_operations(tiny_procedure(), [RemoveStep(step="b", rationale="Bước trùng lặp")])
>>> [(s.id, s.after) for s in after.steps]
[('a', []), ('c', ['a'])]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from analysis.critical_path import StepGraphError, topological_order
from models.analysis import ProcedureAnalysis, trusted
from models.common import WorkingDays
from models.parameters import CostRates
from models.procedure import (
    APPLICANT,
    CHANNEL_LABELS_VI,
    RECEIVING_KINDS,
    AnnualVolume,
    ApplicantTime,
    Channel,
    Document,
    OnlineService,
    Procedure,
    Result,
    Step,
    TimeLimit,
)
from models.proposal import (
    AcceptPlainCopy,
    ChangeFee,
    ChangeSubjects,
    Comparison,
    DropDocument,
    GoOnline,
    LowerFrequency,
    MergeSteps,
    MetricChange,
    ObtainFromState,
    OneDesk,
    Operation,
    Parallelize,
    RemoveStep,
    ShortenTimeLimit,
    StopWaiting,
)


def errands(steps: Iterable[Step], document_id: str) -> list[Step]:
    """The applicant's steps whose only purpose is to ask an agency for `document_id`: handing nothing over and
    making nothing, done at (or online with) the agency that makes the document, and followed only by the steps
    that make it (2.002854: the parents go to the old school for the pupil's results summary). Once the agency
    that needs the document obtains it itself, such an errand has no purpose left."""
    steps = list(steps)
    makers = {s.id: s.actor for s in steps if document_id in s.produces and s.actor != APPLICANT}
    followers: dict[str, list[str]] = {}
    for s in steps:
        for a in s.after:
            followers.setdefault(a, []).append(s.id)
    return [
        s for s in steps
        if s.actor == APPLICANT and not s.consumes and not s.produces and s.id in followers
        and all(f in makers and s.office in (None, makers[f]) for f in followers[s.id])
    ]


class ProposalError(ValueError):
    """An operation that cannot be applied; `index` is its position in the list (0-based), `kind` its `op`."""

    def __init__(self, index: int, kind: str, message: str) -> None:
        super().__init__(f"operations[{index}] ({kind}): {message}")
        self.index = index
        self.kind = kind
        self.message = message


_WHAT_VI = {"step": "bước", "document": "giấy tờ"}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def _changed(record: M, **update: Any) -> M:
    """A copy of a frozen record with some fields replaced by values of the right type (what `model_copy` does,
    without its deep machinery: the findings apply thousands of operations per second)."""
    return trusted(type(record), {**record.__dict__, **update})


DraftState = tuple[
    dict[str, Step], dict[str, Document], list[Channel], OnlineService, AnnualVolume, list[str],
    dict[str, tuple[int, str]], dict[str, tuple[int, str]], int,
]
"""What `ProcedureDraft.checkpoint` keeps."""


class ProcedureDraft:
    """A procedure being changed one operation at a time: mutable dictionaries of immutable steps and documents.

    `apply` refuses an operation that cannot apply and then leaves the draft as it was, so a caller can try
    operations one by one (the findings build their suggestions this way); `procedure()` gives the result.
    """

    def __init__(self, procedure: Procedure) -> None:
        base = _base_index(procedure)
        self.base = procedure
        self.steps: dict[str, Step] = dict(base.steps)
        self.documents: dict[str, Document] = dict(base.documents)
        self.channels: list[Channel] = list(procedure.channels)
        self.online = procedure.online
        self.annual_volume = procedure.annual_volume
        self.implementing = list(procedure.agencies.implementing)
        self.removed_steps: dict[str, tuple[int, str]] = {}
        self.removed_documents: dict[str, tuple[int, str]] = {}
        self.applied = 0
        """How many operations were applied."""
        self.index = 0
        self.kind = ""
        self.base_produced = base.produced
        self.removed_produced = False
        """Whether the step removed last produced documents (only then can a later step lose an input)."""

    def apply(self, op: Operation, index: int | None = None, *, undo: bool = True) -> None:
        """Apply one operation (numbered `index` in messages, default: the next one); raises ProposalError and
        leaves the draft unchanged when it cannot apply (with `undo=False`, a caller that drops the draft on
        error saves the copy this takes)."""
        saved = self.checkpoint() if undo else None
        self.index, self.kind = (self.applied if index is None else index), op.op
        try:
            _APPLY[op.op](self, op)  # type: ignore[operator]
            if self._may_break(op):
                self.check_graph()
        except ProposalError:
            if saved is not None:
                self.rollback(saved)
            raise
        self.applied += 1

    def checkpoint(self) -> DraftState:
        """The draft's state, for `rollback` (steps and documents are immutable: shallow copies suffice)."""
        return (dict(self.steps), dict(self.documents), list(self.channels), self.online, self.annual_volume,
                list(self.implementing), dict(self.removed_steps), dict(self.removed_documents), self.applied)

    def rollback(self, state: DraftState) -> None:
        """Back to a `checkpoint`, undoing every operation applied since."""
        (self.steps, self.documents, self.channels, self.online, self.annual_volume, self.implementing,
         self.removed_steps, self.removed_documents, self.applied) = state

    def _may_break(self, op: Operation) -> bool:
        """Whether the operation could close a cycle or leave a step without a document produced for it.

        Removing a step keeps the order of the others, so only the documents it produced can go missing;
        `parallelize` checks its own pair and keeps every other ancestor; `stop_waiting` refuses a step whose
        documents any step uses; dropping a document takes it from its
        consumers and producers at once, and obtaining one from the state only takes it from what the applicant
        hands over (and the applicant's errands for it, which neither use nor make a document): neither can leave
        a step short of an input."""
        match op:
            case MergeSteps() | OneDesk():
                return True
            case RemoveStep():
                return self.removed_produced
        return False

    def check_graph(self) -> None:
        """Refuse a cycle, or a step left without a document that an earlier step used to produce for it."""
        if not self.base_produced:
            if self.kind in _MAY_CYCLE:
                try:
                    topological_order(list(self.steps.values()))
                except StepGraphError as exc:
                    raise self.fail(str(exc)) from None
            return
        before = _baseline_missing(self.base)
        new = [reason for key, reason in self.missing_inputs().items() if key not in before]
        if new:
            raise self.fail("; ".join(new))

    # -- helpers ---------------------------------------------------------------------------------------------

    def fail(self, message: str) -> ProposalError:
        return ProposalError(self.index, self.kind, message)

    def step(self, step_id: str) -> Step:
        return self._find("step", step_id, self.steps, self.removed_steps)

    def document(self, document_id: str) -> Document:
        return self._find("document", document_id, self.documents, self.removed_documents)

    def _find(self, what: str, item_id: str, live: dict[str, T], removed: dict[str, tuple[int, str]]) -> T:
        if item_id in live:
            return live[item_id]
        if item_id in removed:
            i, kind = removed[item_id]
            raise self.fail(f"{_WHAT_VI[what]} {item_id!r} đã bị bỏ ở operations[{i}] ({kind})")
        raise self.fail(f"thủ tục {self.base.code} không có {_WHAT_VI[what]} {item_id!r}")

    def successors(self, step_id: str) -> list[str]:
        return [s.id for s in self.steps.values() if step_id in s.after]

    def set_step(self, step: Step, **update: object) -> None:
        self.steps[step.id] = _changed(step, **update)

    def bypass(self, step: Step) -> None:
        """The steps after `step` follow what it followed instead of it."""
        for sid in self.successors(step.id):
            succ = self.steps[sid]
            self.set_step(succ, after=_unique(b for a in succ.after for b in (step.after if a == step.id else [a])))

    def remove_step(self, step: Step) -> None:
        """Take a step out; its successors now follow what it followed."""
        self.bypass(step)
        self.drop_step(step.id)
        self.removed_produced = bool(step.produces)

    def drop_step(self, step_id: str) -> None:
        del self.steps[step_id]
        self.removed_steps[step_id] = (self.index, self.kind)

    def drop_document(self, document_id: str) -> None:
        del self.documents[document_id]
        self.removed_documents[document_id] = (self.index, self.kind)
        produced = document_id in self.base_produced
        for s in list(self.steps.values()):
            if document_id in s.consumes or (produced and document_id in s.produces):
                self.set_step(
                    s,
                    consumes=[d for d in s.consumes if d != document_id],
                    produces=[d for d in s.produces if d != document_id],
                )

    def descendants(self, roots: set[str]) -> set[str]:
        succ: dict[str, list[str]] = {sid: [] for sid in self.steps}
        for s in self.steps.values():
            for b in s.after:
                if b in succ:
                    succ[b].append(s.id)
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            for nxt in succ.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def missing_inputs(self) -> dict[tuple[str, str], str]:
        """(step, document) pairs where a step consumes a document produced in the procedure, but by no step
        that comes before it. Value: a readable reason."""
        producers: dict[str, list[str]] = {}
        for s in self.steps.values():
            for d in s.produces:
                producers.setdefault(d, []).append(s.id)
        try:
            order = topological_order(list(self.steps.values()))
        except StepGraphError as exc:
            raise self.fail(str(exc)) from None
        bit = {s.id: 1 << i for i, s in enumerate(order)}
        ancestors: dict[str, int] = {}
        out: dict[tuple[str, str], str] = {}
        for s in order:
            mask = 0
            for b in s.after:
                mask |= ancestors[b] | bit[b]
            ancestors[s.id] = mask
            for d in s.consumes:
                made_by = producers.get(d)
                if made_by:
                    if s.id not in made_by and not any(mask & bit[p] for p in made_by):
                        out[(s.id, d)] = f"bước {s.id!r} cần giấy tờ {d!r}, nhưng không còn bước nào trước đó tạo ra giấy tờ này"
                elif d in self.base_produced:
                    out[(s.id, d)] = f"bước {s.id!r} cần giấy tờ {d!r}, nhưng giấy tờ này chỉ do bước đã bỏ tạo ra"
        return out

    # -- the result ------------------------------------------------------------------------------------------

    def procedure(self) -> Procedure:
        base = self.base
        agencies = base.agencies
        if self.implementing != agencies.implementing:
            agencies = _changed(agencies, implementing=self.implementing)
        # Every part was checked by the operations themselves (from validated records): no re-validation.
        return _changed(base, **{
            "steps": list(self.steps.values()),
            "documents": list(self.documents.values()),
            "channels": self.channels,
            "online": self.online,
            "annual_volume": self.annual_volume,
            "agencies": agencies,
        })


# -- the operations ------------------------------------------------------------------------------------------


def _remove_step(draft: ProcedureDraft, op: RemoveStep) -> None:
    step = draft.step(op.step)
    if len(draft.steps) == 1:
        raise draft.fail(f"bước {op.step!r} là bước duy nhất còn lại")
    draft.remove_step(step)


def _merge(draft: ProcedureDraft, ids: Sequence[str], name: str = "", duration: WorkingDays | None = None) -> Step:
    """Merge steps into the first one; returns the merged step."""
    group = [draft.step(i) for i in ids]
    members = {s.id for s in group}
    downstream = draft.descendants(members)
    kept = group[0]
    after: list[str] = []
    made_downstream = {d for sid in downstream for d in draft.steps[sid].produces}
    carried: list[str] = []
    for s in group:
        passed_on = [b for b in s.after if b not in members and b in downstream]
        after += [b for b in s.after if b not in members and b not in downstream]
        handed_on = [d for d in s.consumes if d in made_downstream]
        carried += [d for d in s.consumes if d not in made_downstream]
        if passed_on or handed_on:
            # What came between the merged steps now feeds the merged step's former successors directly: the
            # agencies pass the dossier and the documents they made on (liên thông); the applicant no longer does.
            for sid in draft.successors(s.id):
                if sid not in members:
                    succ = draft.steps[sid]
                    draft.set_step(succ, after=_unique([*succ.after, *passed_on]),
                                   consumes=_unique([*succ.consumes, *handed_on]))
    times = [s.applicant_time for s in group if s.applicant_time is not None]
    applicant_time = None
    if times:
        travels = [t.travel for t in times if t.travel is not None]
        applicant_time = ApplicantTime(
            preparation=max(t.preparation for t in times),
            travel=max(travels) if travels else None,
            queue=max(t.queue for t in times),
            counter=max(t.counter for t in times),
        )
    in_person = any(s.in_person for s in group)
    office = kept.office
    if in_person and office is None:
        office = next((s.office for s in group if s.in_person and s.office is not None), None)
    merged = _changed(kept, **{
        "name": name or kept.name,
        "duration": duration or WorkingDays(
            low=max(s.duration.low for s in group),
            likely=max(s.duration.likely for s in group),
            high=max(s.duration.high for s in group),
        ),
        "applicant_time": applicant_time,
        "in_person": in_person,
        "office": office,
        "channel": "in_person" if in_person else kept.channel,
        "after": _unique(after),
        "consumes": _unique(carried),
        "produces": _unique(d for s in group for d in s.produces),
        "forwards_only": all(s.forwards_only for s in group),
        "other_costs_vnd": max(s.other_costs_vnd for s in group),
        "legal_basis": list({(c.ref, tuple(c.articles)): c for s in group for c in s.legal_basis}.values()),
    })
    draft.steps[kept.id] = merged
    for s in group[1:]:
        draft.drop_step(s.id)
    for other in list(draft.steps.values()):
        if other.id != kept.id and not members.isdisjoint(other.after):
            draft.set_step(other, after=_unique(kept.id if a in members else a for a in other.after))
    return draft.steps[kept.id]


def _merge_steps(draft: ProcedureDraft, op: MergeSteps) -> None:
    _merge(draft, op.steps, op.name, op.duration)


def _parallelize(draft: ProcedureDraft, op: Parallelize) -> None:
    step, before = draft.step(op.step), draft.step(op.after)
    if before.id not in step.after:
        raise draft.fail(f"bước {step.id!r} không đứng ngay sau bước {before.id!r}")
    shared = [d for d in step.consumes if d in before.produces]
    if shared:
        raise draft.fail(f"bước {step.id!r} dùng {', '.join(shared)} do bước {before.id!r} tạo ra: hai bước không thể làm song song")
    after = _unique(b for a in step.after for b in (before.after if a == before.id else [a]))
    for sid in draft.successors(step.id):
        succ = draft.steps[sid]
        if before.id not in succ.after:
            draft.set_step(succ, after=[*succ.after, before.id])
    draft.set_step(draft.steps[step.id], after=after)


def _stop_waiting(draft: ProcedureDraft, op: StopWaiting) -> None:
    step = draft.step(op.step)
    if not draft.successors(step.id):
        raise draft.fail(f"không bước nào chờ bước {step.id!r}")
    used = [f"{s.id} ({d})" for s in draft.steps.values() for d in s.consumes if d in step.produces]
    if used:
        raise draft.fail(f"bước {step.id!r} tạo ra giấy tờ mà bước khác dùng: {', '.join(used)}")
    draft.bypass(step)


def _drop_document(draft: ProcedureDraft, op: DropDocument) -> None:
    draft.drop_document(draft.document(op.document).id)


def _accept_plain_copy(draft: ProcedureDraft, op: AcceptPlainCopy) -> None:
    doc = draft.document(op.document)
    if doc.certified_copies == 0:
        raise draft.fail(f"giấy tờ {doc.id!r} không yêu cầu bản sao chứng thực")
    draft.documents[doc.id] = _changed(doc, **{
        "copies": doc.copies + doc.certified_copies, "certified_copies": 0, "plain_copy_allowed": True,
    })


def _obtain_from_state(draft: ProcedureDraft, op: ObtainFromState) -> None:
    doc = draft.document(op.document)
    produced = doc.id in draft.base_produced and any(doc.id in s.produces for s in draft.steps.values())
    if produced:
        supplied_by = [s for s in draft.steps.values()
                       if s.actor == APPLICANT and doc.id in s.consumes and s.kind not in RECEIVING_KINDS]
        if not supplied_by:
            raise draft.fail(f"người dân không nộp giấy tờ {doc.id!r}")
        # Made by an earlier step of this procedure: the agency keeps its own original; the applicant no longer
        # carries it nor copies it, nor goes to ask for it.
        for s in supplied_by:
            draft.set_step(s, consumes=[d for d in s.consumes if d != doc.id])
        for errand in errands(draft.steps.values(), doc.id):
            draft.remove_step(errand)
        draft.documents[doc.id] = _changed(doc, **{
            "originals": max(doc.originals, 1), "copies": 0, "certified_copies": 0,
        })
    else:
        # Looked up by the agency: it leaves the dossier altogether.
        draft.drop_document(doc.id)


def _applicant_steps(draft: ProcedureDraft, ids: Sequence[str]) -> list[Step]:
    steps = [draft.step(i) for i in ids]
    for s in steps:
        if s.actor != APPLICANT:
            raise draft.fail(f"bước {s.id!r} do {s.actor!r} thực hiện, không phải người dân")
    return steps


def by_post(targets: Iterable[Step], results: Sequence[Result], steps: Iterable[Step],
            documents: Iterable[Document]) -> set[str]:
    """Which of the applicant's `targets` still go by post once online: a card, a booklet or a paper certificate
    still has to reach the applicant, and an original the agency keeps has to reach the agency (named by the step,
    or in the dossier the submission hands over); without the trip, they are posted (its charge is a cost line)."""
    paper_result = not results[0].electronic  # the usual result; the others are refusals and notices
    kept = {d.id for d in documents if d.surrendered and not d.case}
    named = {d for s in steps for d in (*s.consumes, *s.produces)} if kept else set()
    return {s.id for s in targets
            if (s.kind in RECEIVING_KINDS and paper_result)
            or not kept.isdisjoint(set(s.consumes) | (kept - named if s.kind == "submit" else set()))}


_PLACE = re.compile(
    r"\s*(?:\btrực tiếp\s+)?\btại\s+(?!(?:Điều|khoản|điểm|Nghị định|Thông tư|Quyết định|Luật|Mẫu|mẫu)\b)[^,;()]*?"
    r"(?:\s*\((?!Bước)[^)]*\))?(?=\s*[,;(]|\s*$)|\s*\btrực tiếp\b", re.IGNORECASE)
"""Where a step name sends the applicant in person: «tại <office>» up to the next comma or bracket, with the bracket
that says more about the visit («(mang giấy hẹn)», «(hoặc Trung tâm …)»; not «(Bước 1)»), but not «tại Điều 5», a
provision; and «trực tiếp»."""


def online_name(name: str, channel: str) -> str:
    """A step's name once it is done online (`channel` "online") or by post: the office it sent the applicant to
    gives way to how it is done now; a name that names no office stays.

    >>> online_name("Nộp hồ sơ, nộp lệ phí tại Bộ phận một cửa UBND cấp huyện", "online")
    'Nộp hồ sơ, nộp lệ phí trực tuyến'
    >>> online_name("Nộp hồ sơ trực tiếp tại Trung tâm Phục vụ hành chính công, xuất trình giấy tờ tùy thân", "online")
    'Nộp hồ sơ trực tuyến, xuất trình giấy tờ tùy thân'
    >>> online_name("Nhận thẻ căn cước tại Công an cấp xã nơi tiếp nhận hồ sơ", "post")
    'Nhận thẻ căn cước qua bưu chính'
    >>> online_name("Nhận hộ chiếu tại Phòng Quản lý xuất nhập cảnh (mang giấy hẹn, xuất trình giấy tờ)", "post")
    'Nhận hộ chiếu qua bưu chính'
    >>> online_name("Nộp hồ sơ đề nghị hưởng trợ cấp tại Trung tâm Dịch vụ việc làm (Bước 1)", "online")
    'Nộp hồ sơ đề nghị hưởng trợ cấp trực tuyến (Bước 1)'
    >>> online_name("Nộp tờ khai theo mẫu tại Điều 5 Thông tư 04/2020/TT-BTP", "online")
    'Nộp tờ khai theo mẫu tại Điều 5 Thông tư 04/2020/TT-BTP'
    """
    found = _PLACE.search(name)
    if found is None:
        return name
    how = "qua bưu chính" if channel == "post" else "trực tuyến"
    return f"{name[:found.start()]} {how}{_PLACE.sub('', name[found.end():])}"


def _go_online(draft: ProcedureDraft, op: GoOnline) -> None:
    if op.steps:
        targets = _applicant_steps(draft, op.steps)
        for s in targets:
            if s.presence_required:
                cited = ", ".join(c.ref for c in s.legal_basis) or "căn cứ pháp lý của thủ tục"
                raise draft.fail(f"bước {s.id!r}: pháp luật yêu cầu người dân có mặt ({cited}); không thể chuyển sang trực tuyến")
    else:
        targets = [s for s in draft.steps.values() if s.actor == APPLICANT and not s.presence_required
                   and (s.in_person or s.channel in ("in_person", "post"))]
    if not targets:
        raise draft.fail("không có bước nào của người dân vừa làm trực tiếp hoặc qua bưu chính vừa được pháp luật cho làm trực tuyến")
    unmoved = sorted(set(op.names) - {s.id for s in targets})
    if unmoved:
        raise draft.fail(f"`names` đặt tên cho bước không chuyển sang trực tuyến trong thao tác này: {', '.join(unmoved)}")
    posted = by_post(targets, draft.base.results, draft.steps.values(), draft.documents.values())
    for s in targets:
        time = s.applicant_time or ApplicantTime()
        channel = "post" if s.id in posted else "online"
        # The office stays: the result still gathers at the desk that posts or uploads it (the police still send
        # theirs back to the commune), so going online moves the applicant, not the dossier between agencies.
        draft.set_step(
            s, in_person=False, channel=channel, applicant_time=_changed(time, travel=0, queue=0),
            name=op.names.get(s.id) or online_name(s.name, channel),
        )
    still_in_person = any(s.actor == APPLICANT and (s.in_person or s.channel == "in_person") for s in draft.steps.values())
    draft.online = "partial" if still_in_person else "full"
    online = next((c for c in draft.channels if c.kind == "online"), None)
    if online is None:
        main = draft.base.main_channel
        online = Channel(
            kind="online", time_limit=main.time_limit, fees=main.fees,
            description="Dịch vụ công trực tuyến (theo phương án đơn giản hóa)",
        )
        draft.channels.append(online)
    if not still_in_person:
        # Toàn trình: the dossier goes the online way, so the procedure after the plan is modelled on the online
        # channel (its time limit and fees); the counter stays open by law but is no longer the usual path.
        draft.channels = [online, *(c for c in draft.channels if c.kind not in ("online", "in_person"))]


def _one_desk(draft: ProcedureDraft, op: OneDesk) -> None:
    for ids in (op.submit_steps, op.collect_steps):
        if not ids:
            continue
        steps = _applicant_steps(draft, ids)
        merged = _merge(draft, [s.id for s in steps]) if len(steps) > 1 else steps[0]
        draft.set_step(merged, office=op.desk if merged.in_person else merged.office)
    if op.desk not in draft.implementing and op.desk not in draft.base.agencies.competent:
        draft.implementing.append(op.desk)


def _shorten_time_limit(draft: ProcedureDraft, op: ShortenTimeLimit) -> None:
    kinds = set(op.channels) or {c.kind for c in draft.channels}
    missing = kinds - {c.kind for c in draft.channels}
    if missing:
        raise draft.fail(f"thủ tục không có kênh {', '.join(CHANNEL_LABELS_VI[k].lower() for k in sorted(missing))}")
    channels = []
    for c in draft.channels:
        if c.kind in kinds:
            if op.working_days > c.time_limit.working_days:
                raise draft.fail(
                    f"{op.working_days:g} ngày làm việc dài hơn thời hạn giải quyết hiện nay của kênh {CHANNEL_LABELS_VI[c.kind].lower()} ({c.time_limit.working_days:g} ngày)"
                )
            c = c.model_copy(update={"time_limit": TimeLimit(working_days=op.working_days, text=f"{op.working_days:g} ngày làm việc")})
        channels.append(c)
    draft.channels = channels
    for sid, duration in op.durations.items():
        draft.set_step(draft.step(sid), duration=duration)


def _change_fee(draft: ProcedureDraft, op: ChangeFee) -> None:
    kinds = set(op.channels) or {c.kind for c in draft.channels}
    wanted = op.fee.casefold()
    found = False
    channels = []
    for c in draft.channels:
        if c.kind in kinds and any(f.name.casefold() == wanted for f in c.fees):
            found = True
            c = c.model_copy(update={"fees": [
                f.model_copy(update={"amount_vnd": op.amount_vnd}) if f.name.casefold() == wanted else f for f in c.fees
            ]})
        channels.append(c)
    if not found:
        names = sorted({f.name for c in draft.channels for f in c.fees})
        raise draft.fail(f"không có khoản phí, lệ phí tên {op.fee!r} (các khoản: {', '.join(names) or 'không có'})")
    draft.channels = channels


def _lower_frequency(draft: ProcedureDraft, op: LowerFrequency) -> None:
    current = draft.annual_volume.frequency_per_subject
    if op.frequency_per_subject >= current:
        raise draft.fail(f"tần suất {op.frequency_per_subject} không thấp hơn tần suất hiện nay {current}")
    draft.annual_volume = draft.annual_volume.model_copy(update={"frequency_per_subject": op.frequency_per_subject})


def _change_subjects(draft: ProcedureDraft, op: ChangeSubjects) -> None:
    current = draft.annual_volume.subjects_per_year
    if op.subjects_per_year > current:
        raise draft.fail(f"{op.subjects_per_year} đối tượng một năm nhiều hơn số hiện nay {current}")
    draft.annual_volume = draft.annual_volume.model_copy(update={"subjects_per_year": op.subjects_per_year})


_APPLY = {
    "remove_step": _remove_step, "merge_steps": _merge_steps, "parallelize": _parallelize, "stop_waiting": _stop_waiting,
    "drop_document": _drop_document, "accept_plain_copy": _accept_plain_copy,
    "obtain_from_state": _obtain_from_state, "go_online": _go_online, "one_desk": _one_desk,
    "shorten_time_limit": _shorten_time_limit, "change_fee": _change_fee, "lower_frequency": _lower_frequency,
    "change_subjects": _change_subjects,
}



_MAY_CYCLE = frozenset({"merge_steps", "one_desk"})
"""Operations that can close a cycle (removing a step or an ordering edge cannot)."""

class _BaseIndex:
    """What every draft of one procedure starts from: its steps and documents by id, the documents its steps
    produce, and (when a draft first asks) what is already missing in it."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.steps = {s.id: s for s in procedure.steps}
        self.documents = {d.id: d for d in procedure.documents}
        self.produced = frozenset(d for s in procedure.steps for d in s.produces)
        self.missing: dict[tuple[str, str], str] | None = None


_LAST_BASE: list[_BaseIndex] = []
"""The findings make many drafts of one procedure in a row (each suggestion, then all of them together): the last
procedure's index is kept."""


def _base_index(procedure: Procedure) -> _BaseIndex:
    last = _LAST_BASE[0] if _LAST_BASE else None
    if last is None or last.procedure is not procedure:
        last = _BaseIndex(procedure)
        _LAST_BASE[:] = [last]
    return last


def _baseline_missing(procedure: Procedure) -> dict[tuple[str, str], str]:
    """What is already missing in the baseline (refused only when an operation adds to it)."""
    base = _base_index(procedure)
    if base.missing is None:
        base.missing = ProcedureDraft(procedure).missing_inputs()
    return base.missing


def apply_operations(procedure: Procedure, operations: Sequence[Operation]) -> Procedure:
    """The procedure after the operations, in order; raises ProposalError naming the first one that cannot apply."""
    draft = ProcedureDraft(procedure)
    for index, op in enumerate(operations):
        draft.apply(op, index, undo=False)  # the draft is dropped on error
    return draft.procedure()


# -- before / after -------------------------------------------------------------------------------------------

_RATE_PLACES = Decimal("0.0001")


def cut_rate(before: float | int | Decimal, after: float | int | Decimal) -> Decimal:
    """(before − after) ÷ before, to four decimal places; 0 when before is 0."""
    b, a = Decimal(str(before)), Decimal(str(after))
    if b == 0:
        return Decimal(0)
    return ((b - a) / b).quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def comparison_rows(before: ProcedureAnalysis, after: ProcedureAnalysis) -> list[MetricChange]:
    """Every metric, before and after, with after − before."""
    mb, ma = before.metrics, after.metrics
    spec: list[tuple[str, str, str, int | float, int | float]] = [
        ("steps", "Số bước thực hiện", "bước", mb.steps, ma.steps),
        ("agencies", "Số cơ quan tham gia", "cơ quan", mb.agencies, ma.agencies),
        ("agency_hops", "Số lần chuyển hồ sơ giữa cơ quan", "lần", mb.agency_hops, ma.agency_hops),
        ("applicant_contacts", "Số lần liên hệ của người dân", "lần", mb.applicant_contacts, ma.applicant_contacts),
        ("visits", "Số lần đến trực tiếp", "lần", mb.visits, ma.visits),
        ("documents", "Số thành phần hồ sơ", "giấy tờ", mb.documents, ma.documents),
        ("certified_copies", "Số bản sao chứng thực", "bản", mb.certified_copies, ma.certified_copies),
        ("elapsed_working_days.low", "Thời gian theo các bước (thấp)", "ngày làm việc",
         mb.elapsed_working_days.low, ma.elapsed_working_days.low),
        ("elapsed_working_days.likely", "Thời gian theo các bước (khả dĩ nhất)", "ngày làm việc",
         mb.elapsed_working_days.likely, ma.elapsed_working_days.likely),
        ("elapsed_working_days.high", "Thời gian theo các bước (cao)", "ngày làm việc",
         mb.elapsed_working_days.high, ma.elapsed_working_days.high),
        ("time_limit_working_days", "Thời hạn giải quyết theo quy định", "ngày làm việc",
         mb.time_limit_working_days, ma.time_limit_working_days),
        ("applicant_hours", "Thời gian của người thực hiện", "giờ",
         _hours(mb.applicant_minutes.total), _hours(ma.applicant_minutes.total)),
        ("per_case_vnd", "Chi phí tuân thủ một lần thực hiện", "đồng", before.cost.per_case_vnd, after.cost.per_case_vnd),
        # C_year = C1 × f × N: a plan that changes who must do the procedure changes the year, not C1.
        ("frequency_per_subject", "Số lần thực hiện một năm của một đối tượng", "lần",
         float(before.cost.frequency_per_subject), float(after.cost.frequency_per_subject)),
        ("subjects_per_year", "Số đối tượng thực hiện một năm", "đối tượng",
         before.cost.subjects_per_year, after.cost.subjects_per_year),
        ("annual_cost_vnd", "Chi phí tuân thủ một năm", "đồng", before.cost.annual_cost_vnd, after.cost.annual_cost_vnd),
    ]
    rows = []
    for metric, label, unit, b, a in spec:
        diff = a - b
        if isinstance(diff, float):
            diff = round(diff, 4)
        rows.append(MetricChange(metric=metric, label=label, unit=unit, before=b, after=a, difference=diff))
    return rows


def compare(before: ProcedureAnalysis, after: ProcedureAnalysis, rates: CostRates) -> Comparison:
    """Before / after / difference for every metric, the saving per year, the cut rates and the national targets.

    The targets are the dated `cut_target.time` and `cut_target.cost` parameters in force on `rates.as_of`
    (Nghị quyết 66/NQ-CP: 30% in 2025); the time target judges the legal time limit, as the programmes count it.
    """
    saving = before.cost.annual_cost_vnd - after.cost.annual_cost_vnd
    time_cut = cut_rate(before.metrics.elapsed_working_days.likely, after.metrics.elapsed_working_days.likely)
    limit_cut = cut_rate(before.metrics.time_limit_working_days, after.metrics.time_limit_working_days)
    cost_cut = cut_rate(before.cost.annual_cost_vnd, after.cost.annual_cost_vnd)
    over = after.metrics.working_days_in_time_limit - after.metrics.time_limit_working_days
    return Comparison(
        code=before.code, name=before.name, rows=comparison_rows(before, after),
        per_case_before_vnd=before.cost.per_case_vnd, per_case_after_vnd=after.cost.per_case_vnd,
        annual_before_vnd=before.cost.annual_cost_vnd, annual_after_vnd=after.cost.annual_cost_vnd,
        saving_vnd_per_year=saving, time_cut_rate=time_cut, cost_cut_rate=cost_cut,
        time_limit_cut_rate=limit_cut, target_time=rates.cut_target_time, target_cost=rates.cut_target_cost,
        meets_time_target=limit_cut >= rates.cut_target_time, meets_cost_target=cost_cut >= rates.cut_target_cost,
        over_limit_after_days=round(max(over, 0.0), 4),
    )
