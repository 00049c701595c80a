"""Drafting a typed step graph from the published free text "Bước 1…, Bước 2…".

The national database says what happens, not who does it for how long. The draft guesses the actor and the kind
of each step from its verbs, chains the steps in the published order, spreads the legal time limit over the
agency's steps, and marks every step `origin: estimate` with a note asking staff to confirm it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalogue.interchange.vntext import clean, one_line, unique_slug
from models.common import fold
from models.procedure import APPLICANT, Step, WorkingDays

DRAFT_NOTE = (
    "Bản nháp do tthc dựng từ trình tự thực hiện đã công bố: người thực hiện, loại bước và thời gian là ước đoán, "
    "cán bộ kiểm soát TTHC cần xác nhận."
)

_STEP_MARK = re.compile(r"(?:^|\n|\s)[-–•*+]?\s*(?=Bước\s*\d+\s*[:.)\-–]?)", re.IGNORECASE)
_STEP_PREFIX = re.compile(r"^\s*Bước\s*\d+\s*[:.)\-–]?\s*", re.IGNORECASE)

# (pattern over folded text, kind): the first match wins, so specific phrases come before general verbs.
_KIND_RULES: list[tuple[str, str]] = [
    (r"nhan ket qua|nhan thong bao ket qua|den nhan|nhan giay|nhan ban|xuat trinh phieu hen", "collect"),
    (r"(?<!hen )tra ket qua|tra giay|ban giao ket qua", "return_result"),
    (r"nop (le )?phi|nop tien|thanh toan", "pay"),
    (r"(nop|gui) bo sung|bo sung ho so|hoan thien ho so theo", "supplement"),
    (r"chuan bi|hoan tat ho so|hoan thien ho so|lap ho so|ke khai|dien (vao )?to khai", "prepare"),
    (r"nop ho so|gui ho so|nop truc tiep|nop qua|nop tai|nop (01|mot) bo|xuat trinh|dang ky truc tuyen", "submit"),
    (r"tiep nhan", "receive"),
    (r"xac minh", "verify"),
    (r"kiem tra thuc (dia|te)|tham dinh thuc te|kiem tra tai co so|tham dinh tai co so", "inspect"),
    (r"chuyen (ho so|den|cho|sang)|luan chuyen", "transfer"),
    (r"\bky\b|phe duyet|ban hanh quyet dinh|quyet dinh cap", "approve"),
    (r"\bcap (giay|ban|phieu|the)\b", "issue"),
    (r"thong bao", "notify"),
    (r"kiem tra|tham dinh|xem xet|giai quyet|doi chieu|ghi vao so|xu ly", "review"),
]
_DECISIVE = 4
"""The first rules (collect, return, pay, supplement) name the step whatever else it mentions; among the others
the verb written first wins ("kiểm tra ..., ký" is a review that ends in a signature)."""
_APPLICANT_KINDS = {"prepare", "submit", "pay", "supplement", "collect"}
_VISIT_KINDS = {"submit", "collect", "supplement", "pay"}


def guess_kind(text: str) -> str:
    """The kind of a step from its verbs.

    >>> guess_kind("Tổ chức, cá nhân nộp hồ sơ tại Bộ phận một cửa"), guess_kind("Nhận kết quả tại nơi nộp hồ sơ.")
    ('submit', 'collect')
    """
    folded = fold(text)[:400]
    for pattern, kind in _KIND_RULES[:_DECISIVE]:
        if re.search(pattern, folded):
            return kind
    found = [(m.start(), i, kind) for i, (pattern, kind) in enumerate(_KIND_RULES[_DECISIVE:])
             if (m := re.search(pattern, folded)) is not None]
    return min(found)[2] if found else "other"


def split_steps(text: str) -> list[str]:
    """The published steps: on "Bước N" marks, else on bullet lines, else one step per line."""
    text = clean(text)
    if not text:
        return []
    if re.search(r"Bước\s*\d", text, re.IGNORECASE):
        parts = _STEP_MARK.split(text)
        steps = [one_line(p) for p in parts if re.match(r"\s*Bước\s*\d", p, re.IGNORECASE)]
        if steps:
            return steps
    lines = [line for line in text.split("\n") if line.strip()]
    bulleted = [line for line in lines if re.match(r"^\s*([-–•*+]|\d+[.)]|[a-zđ][.)])\s*", line)]
    chosen = bulleted if len(bulleted) >= 2 else lines
    return [one_line(re.sub(r"^\s*([-–•*+]|\d+[.)]|[a-zđ][.)])\s*", "", line)) for line in chosen][:40]


def _title(step_text: str) -> str:
    body = _STEP_PREFIX.sub("", step_text).strip(" :.-–")
    first = re.split(r"(?<=[.;:])\s", body, maxsplit=1)[0].strip(" .;:")
    if len(first) > 160:
        first = first[:157].rsplit(" ", 1)[0] + "…"
    return first or body[:160] or "Bước"


@dataclass(frozen=True)
class StepContext:
    agency: str
    """The agency that processes the dossier (the implementing agency, else the competent one)."""
    channel: str
    """The main channel kind: where the applicant's visits happen."""
    time_limit_working_days: float
    document_ids: list[str]


def draft_steps(verbatim: str, ctx: StepContext) -> tuple[list[Step], list[str]]:
    """A chain of estimated steps from the published text, and notes on what was guessed."""
    notes: list[str] = []
    texts = split_steps(verbatim)
    if not texts:
        notes.append("trình tự thực hiện trống trong nguồn: dựng 3 bước tối thiểu (nộp, giải quyết, nhận kết quả)")
        texts = ["Nộp hồ sơ", "Cơ quan có thẩm quyền xem xét, giải quyết", "Nhận kết quả"]
    kinds = [guess_kind(t) for t in texts]
    actors = [APPLICANT if k in _APPLICANT_KINDS else ctx.agency for k in kinds]
    agency_steps = sum(a != APPLICANT for a in actors)
    share = round(ctx.time_limit_working_days / agency_steps, 3) if agency_steps else 0.0
    taken: set[str] = set()
    consumer = kinds.index("submit") if "submit" in kinds else 0
    steps: list[Step] = []
    for i, (text, kind, actor) in enumerate(zip(texts, kinds, actors, strict=True)):
        name = _title(text)
        visit = actor == APPLICANT and kind in _VISIT_KINDS
        in_person = visit and ctx.channel == "in_person"
        steps.append(Step(
            id=unique_slug(f"b{i + 1} {name}", taken, 40),
            name=name,
            actor=actor,
            kind=kind,
            duration=WorkingDays(low=0, likely=share, high=share) if actor != APPLICANT else WorkingDays.exactly(0),
            origin="estimate",
            in_person=in_person,
            office=ctx.agency if in_person else None,
            channel=ctx.channel if visit else "internal",
            after=[steps[-1].id] if steps else [],
            consumes=list(ctx.document_ids) if i == consumer else [],
            verbatim=text,
            note=DRAFT_NOTE,
        ))
    guessed_other = [s.id for s in steps if s.kind == "other"]
    if guessed_other:
        notes.append(f"không đoán được loại bước: {', '.join(guessed_other)} (để 'other')")
    notes.append(f"{len(steps)} bước dựng nháp từ trình tự (origin: estimate), cần cán bộ xác nhận")
    return steps, notes
