"""What every rule reads: the procedure with its step graph indexed once (ancestors as bit sets, who produces
which document), so each rule is a few plain-dict passes and nothing enumerates paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel

from analysis.cost import CostsByItem, CostTotals, cost_totals
from analysis.critical_path import ancestor_bits, days_in_time_limit, likely_days, topological_order
from models.analysis import CostBreakdown, Metrics, trusted
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import APPLICANT, NOT_HANDING_OVER, Citation, Document, Procedure, Step
from models.proposal import LegalChange, Operation

REVIEW_KINDS = frozenset({"review", "verify", "inspect"})
"""Steps that check the dossier."""

M = TypeVar("M", bound=BaseModel)
_DEFAULTS: dict[type, dict[str, Any]] = {}


def build(cls: type[M], **values: Any) -> M:
    """An operation or legal change made by a rule from validated records: built without re-validation (the batch
    runs 100,000 procedures); defaults filled as pydantic would (a fresh list each time). Tests validate whole
    findings as their type."""
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = _DEFAULTS[cls] = {
            name: f.get_default(call_default_factory=True) for name, f in cls.model_fields.items() if not f.is_required()
        }
    for name, value in defaults.items():
        if name not in values:
            values[name] = list(value) if isinstance(value, list) else value
    return trusted(cls, values)


@dataclass
class Draft:
    """A finding before its saving is computed."""

    rule: str
    title: str
    explanation: str
    steps: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    suggestion: list[Operation] = field(default_factory=list)
    after: Procedure | None = None
    """The procedure with the suggestion applied, when the rule already built it (saves applying it again)."""
    only_if_saving: bool = False
    """Report the finding only when its suggestion saves time or money (its point is the saving)."""


# Which texts usually list a procedure's papers and steps, most likely first (a requirement the record cites no
# provision for is pointed at the most likely text of its legal basis).
_DETAIL_RANK = {"nghi-dinh": 0, "nghi-quyet": 1, "thong-tu": 2, "thong-tu-lien-tich": 2}


class Context:
    """A procedure's indexes, shared by the rules of one `find_all` call."""

    def __init__(self, procedure: Procedure, catalogue: Catalogue, rates: CostRates,
                 baseline_cost: CostTotals | CostBreakdown | None = None, metrics: Metrics | None = None) -> None:
        if baseline_cost is not None:  # the caller's tt02 cost of this procedure with these rates
            self.__dict__["baseline_cost"] = baseline_cost
        if metrics is not None:  # the caller's metrics of this procedure
            self.__dict__["days_in_time_limit"] = metrics.working_days_in_time_limit
        self.procedure = procedure
        self.catalogue = catalogue
        self.rates = rates
        self.costs = CostsByItem(catalogue, rates)
        """The tt02 totals of the procedure with a suggestion applied (`suggestion_saving`)."""
        self.order: list[Step] = topological_order(procedure.steps)
        self.by_id: dict[str, Step] = {s.id: s for s in procedure.steps}
        self.documents: dict[str, Document] = {d.id: d for d in procedure.documents}
        self.producers: dict[str, list[str]] = {}
        for s in procedure.steps:
            for d in s.produces:
                self.producers.setdefault(d, []).append(s.id)

    @cached_property
    def baseline_likely_days(self) -> float:
        """Likely elapsed working days of the procedure as it is (the critical path)."""
        return likely_days(self.order)

    @cached_property
    def baseline_cost(self) -> CostTotals | CostBreakdown:
        """Totals of the tt02 cost of the procedure as it is (the lines are the report's business)."""
        return cost_totals(self.procedure, self.catalogue, self.rates)

    @cached_property
    def days_in_time_limit(self) -> float:
        """Likely working days the legal time limit counts (`analysis.critical_path.days_in_time_limit`)."""
        return days_in_time_limit(self.procedure, self.order)

    @cached_property
    def reachability(self) -> tuple[dict[str, int], dict[str, int]]:
        """(step id → bit, step id → bit set of every step that must finish before it): `ancestor_bits`."""
        return ancestor_bits(self.order)

    @cached_property
    def followers(self) -> dict[str, list[Step]]:
        """Step id → the steps that come right after it."""
        out: dict[str, list[Step]] = {s.id: [] for s in self.order}
        for s in self.order:
            for b in s.after:
                out[b].append(s)
        return out

    def is_before(self, earlier: str, later: str) -> bool:
        bit, ancestors = self.reachability
        return bool(ancestors[later] & bit[earlier])

    @cached_property
    def _consumed(self) -> set[str]:
        return {d for s in self.procedure.steps for d in s.consumes}

    @cached_property
    def _submission(self) -> list[Step]:
        """Where the dossier is handed over when the record does not say which step takes a document."""
        applicant = [s for s in self.order if s.actor == APPLICANT]
        for wanted in (lambda s: s.kind == "submit", lambda s: s.in_person or s.channel != "internal", lambda s: True):
            found = [s for s in applicant if wanted(s)]
            if found:
                return found[:1]
        return []

    @cached_property
    def _supplied(self) -> dict[str, list[Step]]:
        out: dict[str, list[Step]] = {}
        for s in self.procedure.steps:
            if s.actor == APPLICANT and s.kind not in NOT_HANDING_OVER:
                for d in s.consumes:
                    out.setdefault(d, []).append(s)
        return out

    def applicant_supplies(self, document_id: str) -> list[Step]:
        """Applicant steps that hand the document over: those that consume it, or, for a dossier document that no
        step names, the applicant's submission."""
        steps = self._supplied.get(document_id)
        if steps:
            return steps
        if document_id in self._consumed or document_id in self.producers:
            return []
        return self._submission

    def legal_change(self, citations: list[Citation], text: str, *, uncited: bool = True) -> list[LegalChange]:
        """The kiến nghị thực thi for a requirement: amend the provisions it cites (a provision usually lists more
        than the one requirement, so it is amended, not repealed).

        A requirement the record cites no provision for: with `uncited`, the procedure's first legal basis in force
        (`current_text`), as a whole text, with a note that the provision is still to be found (a document the
        record lists without its article); without, nothing (an agency's own step that no text sets is changed in
        its internal process, quy trình nội bộ, not in law)."""
        # Built from validated records and fixed texts: constructed without re-validation (the batch runs
        # 100,000 procedures); tests validate whole findings.
        if citations:
            return [build(LegalChange, ref=c.ref, articles=list(c.articles), text=text) for c in citations]
        if not uncited:
            return []
        return [build(LegalChange, ref=ref, text=f"{text} (Bản ghi không dẫn điều khoản quy định yêu cầu này: cần "
                      "xác định điều khoản.)") for ref in self._basis_in_force[:1]]

    def current_text(self, number: str) -> str:
        """`number`, or the text in force that replaced it on the analysis day: a plan changes the law as it stands,
        not a decree that ended (45/2020/NĐ-CP → 118/2025/NĐ-CP from 1/7/2025)."""
        legal, day = self.catalogue.legal, self.rates.as_of
        text = legal.get(number)
        if text is None or text.in_force_on(day):
            return number
        return next((n for n in self.replaced_by.get(number, []) if legal[n].in_force_on(day)), number)

    @cached_property
    def replaced_by(self) -> dict[str, list[str]]:
        """Legal text number → the numbers of the texts that replace it, in registry order (`LegalDocument.replaces`)."""
        out: dict[str, list[str]] = {}
        for text in self.catalogue.legal.values():
            for old in text.replaces:
                out.setdefault(old, []).append(text.number)
        return out

    @cached_property
    def _basis_in_force(self) -> list[str]:
        """The procedure's legal bases as they stand (`current_text`): those in force first, and among them the
        government's decrees before circulars and laws, as decrees are where dossiers and steps are usually listed
        (a law sets the principle: amending Luật Doanh nghiệp for a household business's papers would be the wrong
        text); those out of force with no successor last."""
        texts = dict.fromkeys(self.current_text(c.ref) for c in self.procedure.legal_basis)
        legal, day = self.catalogue.legal, self.rates.as_of
        return sorted(texts, key=lambda n: (n in legal and not legal[n].in_force_on(day),
                                            _DETAIL_RANK.get(legal[n].type, 3) if n in legal else 3))

    def agency_name(self, agency_id: str | None) -> str:
        if agency_id is None:
            return ""
        agency = self.catalogue.agencies.get(agency_id)
        return agency.name if agency is not None else agency_id
