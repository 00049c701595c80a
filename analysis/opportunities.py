"""The catalogue-wide view of `tthc analyze --all`: the documents most procedures ask for, the agencies in most
hops, the procedures with the largest annual cost and the largest estimated saving.

Built procedure by procedure and merged: a batch adds the procedures of each chunk where it analyses them and
sends back this summary, not the analyses (a national catalogue's analyses would not fit in memory).

>>> from tests.analysis_records import catalogue, lien_thong_khai_sinh, rates
>>> from analysis.analyse import analyse
>>> p = lien_thong_khai_sinh()
>>> found = Opportunities()
>>> found.add(p, analyse(p, catalogue(p), rates()))
>>> found.costs[0][1], sum(found.hops.values()) == 2 * len(analyse(p, catalogue(p), rates()).metrics.hops)
('9.233448', True)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from analysis.analyse import finding_saving_vnd
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


def _top(ranked: list[Ranked]) -> list[Ranked]:
    """The TOP largest, ties in code order."""
    return sorted(ranked, key=lambda r: (-r[0], r[1]))[:TOP]


@dataclass
class Opportunities:
    documents: Counter[str] = field(default_factory=Counter)
    """Folded document head → how many procedures ask for it."""
    labels: dict[str, str] = field(default_factory=dict)
    """Folded document head → how it is written (the first in sort order, whatever order chunks come in)."""
    hops: Counter[str] = field(default_factory=Counter)
    """Agency id → hops that leave or reach it."""
    costs: list[Ranked] = field(default_factory=list)
    """The largest annual compliance costs."""
    savings: list[Ranked] = field(default_factory=list)
    """The largest estimated savings a year (the findings' savings added up; suggestions may overlap)."""

    def add(self, procedure: Procedure, analysis: ProcedureAnalysis) -> None:
        heads: set[str] = set()
        for document in procedure.documents:
            head = document_head(document.name)
            key = fold(head)
            self.labels[key] = min(self.labels.get(key, head), head)
            heads.add(key)
        self.documents.update(heads)
        for hop in analysis.metrics.hops:
            self.hops[hop.from_agency] += 1
            self.hops[hop.to_agency] += 1
        self.costs = _top([*self.costs, (analysis.cost.annual_cost_vnd, analysis.code, analysis.name)])
        saving = sum(finding_saving_vnd(f) for f in analysis.findings)
        if saving > 0:
            self.savings = _top([*self.savings, (saving, analysis.code, analysis.name)])

    def merge(self, other: Opportunities) -> None:
        self.documents.update(other.documents)
        for key, label in other.labels.items():
            self.labels[key] = min(self.labels.get(key, label), label)
        self.hops.update(other.hops)
        self.costs = _top(self.costs + other.costs)
        self.savings = _top(self.savings + other.savings)
