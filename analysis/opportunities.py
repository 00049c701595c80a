"""The catalogue-wide view of `tthc analyze --all`: the documents most procedures ask for, the agencies in most
hops, the procedures with the largest annual cost and the largest estimated saving.

Built procedure by procedure: each analysis gives its `Contribution` (a few names and numbers, kept with the
procedure's table row, so a batch sends back and caches these, not the analyses: a national catalogue's analyses
would not fit in memory), and the summary adds them up.

>>> from tests.analysis_records import catalogue, lien_thong_khai_sinh, rates
>>> from analysis.analyse import analyse
>>> p = lien_thong_khai_sinh()
>>> a = analyse(p, catalogue(p), rates())
>>> found = Opportunities()
>>> found.add(Contribution.of(p, a))
>>> found.costs[0][1], sum(found.hops.values()) == 2 * len(a.metrics.hops)
('9.233448', True)
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from analysis.cost import annual_cost_vnd
from analysis.metrics import applicant_documents
from models.analysis import ProcedureAnalysis
from models.common import fold
from models.procedure import Procedure

TOP = 10

Ranked = tuple[int, str, str]
"""(amount in đồng, code, name)."""


def document_head(name: str) -> str:
    """The head of a document's name, before a bracket, semicolon or colon: documents are compared by it, folded
    ("Giấy chứng sinh; trường hợp không có..." and "Giấy chứng sinh (bản chính)" are the same document).

    >>> document_head("Giấy chứng sinh (bản chính); trường hợp không có: văn bản xác nhận")
    'Giấy chứng sinh'
    """
    return re.split(r"[(;:]", " ".join(name.split()), maxsplit=1)[0].strip(" ,.-")


IDENTITY_PAPERS = "Giấy tờ tùy thân (thẻ căn cước, hộ chiếu…) xuất trình để chứng minh nhân thân"
"""The head every identity paper (`Document.identity`) is counted under, whatever a record calls it («Giấy tờ tùy
thân của hai bên nam, nữ», «Thẻ căn cước», «Hộ chiếu còn thời hạn»): the same request of the citizen, which one
card or VNeID answers, and the count staff want to see."""


def _top(ranked: list[Ranked]) -> list[Ranked]:
    """The TOP largest, ties in code order."""
    return sorted(ranked, key=lambda r: (-r[0], r[1]))[:TOP]


@dataclass(frozen=True)
class Contribution:
    """What one analysed procedure adds to the catalogue's opportunities."""

    code: str
    name: str
    documents: dict[str, str]
    """Folded document head → the head as the procedure writes it (the least in sort order when several; identity
    papers all under `IDENTITY_PAPERS`), for the documents the applicant provides (`applicant_documents`): not the
    result, not what the agencies make or look up themselves, not a paper asked only when their lookup fails
    (once-only already applies)."""
    hop_ends: list[str]
    """The agencies at both ends of each of the procedure's hops."""
    annual_cost_vnd: int
    per_case_vnd: int
    cases: str
    """Cases a year, f × N, as exact decimal text (JSON keeps it as the record wrote it)."""
    counted_in: list[str]
    """The procedures whose volume already counts these cases (`AnnualVolume.counted_in`)."""
    saving_vnd: int
    """The findings' estimated savings a year, added up."""

    @classmethod
    def of(cls, procedure: Procedure, analysis: ProcedureAnalysis) -> Contribution:
        documents: dict[str, str] = {}
        for document in applicant_documents(procedure):
            head = IDENTITY_PAPERS if document.identity else document_head(document.name)
            key = fold(head)
            documents[key] = min(documents.get(key, head), head)
        return cls(
            code=analysis.code, name=analysis.name, documents=documents,
            hop_ends=[agency for hop in analysis.metrics.hops for agency in (hop.from_agency, hop.to_agency)],
            annual_cost_vnd=analysis.cost.annual_cost_vnd, per_case_vnd=analysis.cost.per_case_vnd,
            cases=str(procedure.annual_volume.cases),
            counted_in=list(procedure.annual_volume.counted_in),
            saving_vnd=analysis.saving.annual_vnd if analysis.saving else 0,
        )

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Contribution:
        return cls(**value)


@dataclass
class Opportunities:
    documents: Counter[str] = field(default_factory=Counter)
    """Folded document head → how many procedures ask for it."""
    labels: dict[str, str] = field(default_factory=dict)
    """Folded document head → how it is written (the first in sort order, whatever order procedures come in)."""
    hops: Counter[str] = field(default_factory=Counter)
    """Agency id → hops that leave or reach it."""
    costs: list[Ranked] = field(default_factory=list)
    """The largest annual compliance costs."""
    savings: list[Ranked] = field(default_factory=list)
    """The largest estimated savings a year (the findings' savings added up; suggestions may overlap)."""
    own: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Code → (cost per case, annual cost)."""
    counted: list[tuple[str, str, str]] = field(default_factory=list)
    """(code, the code whose volume counts its cases too, its cases a year)."""

    def add(self, one: Contribution) -> None:
        for key, label in one.documents.items():
            self.labels[key] = min(self.labels.get(key, label), label)
        self.documents.update(one.documents.keys())
        self.hops.update(one.hop_ends)
        self.costs = _top([*self.costs, (one.annual_cost_vnd, one.code, one.name)])
        self.own[one.code] = (one.per_case_vnd, one.annual_cost_vnd)
        self.counted += [(one.code, other, one.cases) for other in one.counted_in]
        if one.saving_vnd > 0:
            self.savings = _top([*self.savings, (one.saving_vnd, one.code, one.name)])

    @property
    def annual_cost_vnd(self) -> int:
        """Every procedure's annual cost added up, each at the volume its record gives."""
        return sum(annual for _, annual in self.own.values())

    @property
    def counted_twice(self) -> dict[str, list[tuple[str, int]]]:
        """`counted_twice` of the procedures added so far."""
        return counted_twice(self.own, self.counted)

    @property
    def total_annual_cost_vnd(self) -> int:
        """The catalogue's annual compliance cost with each case counted once (`counted_once`).

        >>> found = Opportunities()
        >>> found.add(Contribution("1.001193", "Đăng ký khai sinh", {}, [], 1_400_000 * 50_000, 50_000, "1400000", [], 0))
        >>> found.add(Contribution("2.001023", "Liên thông", {}, [], 150_000 * 30_000, 30_000, "150000", ["1.001193"], 0))
        >>> found.annual_cost_vnd, found.total_annual_cost_vnd  # 150.000 births paid once, at the liên thông's cost
        (74500000000, 67000000000)
        """
        return counted_once(self.own, self.counted)


def counted_twice(own: Mapping[str, tuple[int, int]],
                  counted: Iterable[tuple[str, str, str]]) -> dict[str, list[tuple[str, int]]]:
    """Code → [(code of a procedure whose cases its volume also counts, what those cases add to its annual cost at
    its cost per case)]: what a sum of annual costs counts twice (a liên thông birth registration is paid for at the
    liên thông's cost, and again among 1.001193's births).

    `own`: code → (cost per case, annual cost) of the procedures summed; `counted`: (code, the code whose volume
    counts its cases too, its cases a year as decimal text), for those summed. A procedure is never taken below
    zero, whatever its parts add up to (`tthc validate` warns of that)."""
    out: defaultdict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, other, cases in sorted(counted):
        if other in own:
            per_case, annual = own[other]
            left = annual - _twice({other: out[other]})
            out[other].append((code, min(annual_cost_vnd(per_case, Decimal(cases), 1), left)))
    return dict(out)


def counted_once(own: Mapping[str, tuple[int, int]], counted: Iterable[tuple[str, str, str]]) -> int:
    """The annual costs of `own` added up, less what `counted_twice` finds counted twice."""
    return sum(annual for _, annual in own.values()) - _twice(counted_twice(own, counted))


def _twice(parts: Mapping[str, list[tuple[str, int]]]) -> int:
    return sum(amount for each in parts.values() for _, amount in each)
