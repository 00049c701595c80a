"""Longest (critical) paths of a step graph without building a graph object.

The batch analyses 100,000 procedures, so this is one plain-Python pass over a topological order of the steps'
`after` lists (linear in steps + edges), computing the low, likely and high longest paths together. networkx stays
for drawing and for anything off the hot path (analysis/graph.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.analysis import CriticalPathResult
from models.common import WorkingDays
from models.procedure import APPLICANT, RECEIVING_KINDS, Procedure, Step


class StepGraphError(ValueError):
    """The steps do not form a DAG (an unknown predecessor or a cycle)."""


def topological_order(steps: Sequence[Step]) -> list[Step]:
    """The steps in an order where every step comes after its predecessors; listing order is kept when it is one.

    >>> from tests.factories import tiny_procedure
    >>> [s.id for s in topological_order(tiny_procedure().steps)]
    ['a', 'b', 'c']
    """
    seen: set[str] = set()
    for step in steps:
        if not seen.issuperset(step.after):
            break
        seen.add(step.id)
    else:
        return list(steps)
    by_id = {s.id: s for s in steps}
    waiting = {s.id: len(s.after) for s in steps}
    successors: dict[str, list[str]] = {s.id: [] for s in steps}
    for step in steps:
        for before in step.after:
            if before not in successors:
                raise StepGraphError(f"bước {step.id!r} đứng sau bước {before!r}, nhưng thủ tục không có bước này")
            successors[before].append(step.id)
    ready = [s.id for s in steps if not s.after]
    order: list[Step] = []
    while ready:
        current = ready.pop(0)
        order.append(by_id[current])
        for nxt in successors[current]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
    if len(order) != len(steps):
        stuck = sorted(k for k, v in waiting.items() if v > 0)
        raise StepGraphError(f"các bước tạo thành vòng lặp qua {', '.join(stuck)}")
    return order


@dataclass(frozen=True, slots=True)
class LongestPaths:
    """Longest-path lengths (working days) with low, likely and high durations, and the likely path's steps."""

    low: float
    likely: float
    high: float
    path: tuple[str, ...]


def longest_paths(steps: Sequence[Step]) -> LongestPaths:
    """Longest paths through the step DAG, weighting each step by its duration estimate.

    Ties go to the predecessor listed first in `after`; among ends of equal length, to the step met last in
    topological order (so the path includes zero-length closing steps such as collecting the result).

    >>> from tests.factories import tiny_procedure
    >>> longest_paths(tiny_procedure().steps)
    LongestPaths(low=1.0, likely=2.0, high=3.0, path=('a', 'b', 'c'))
    """
    finish_low: dict[str, float] = {}
    finish_likely: dict[str, float] = {}
    finish_high: dict[str, float] = {}
    parent: dict[str, str | None] = {}
    end: str | None = None
    best = -1.0
    for step in topological_order(steps):
        d = step.duration
        start_low = start_likely = start_high = 0.0
        chosen: str | None = None
        for before in step.after:
            try:
                f = finish_likely[before]
            except KeyError:
                raise StepGraphError(f"bước {step.id!r} đứng sau bước {before!r}, nhưng thủ tục không có bước này") from None
            if chosen is None or f > start_likely:
                start_likely = f
                chosen = before
            fl = finish_low[before]
            if fl > start_low:
                start_low = fl
            fh = finish_high[before]
            if fh > start_high:
                start_high = fh
        sid = step.id
        finish_low[sid] = start_low + d.low
        total = start_likely + d.likely
        finish_likely[sid] = total
        finish_high[sid] = start_high + d.high
        parent[sid] = chosen
        if total >= best:  # ties: the later step, so a path runs on to zero-length closing steps
            best = total
            end = sid
    if end is None:
        return LongestPaths(0.0, 0.0, 0.0, ())
    path = [end]
    while (p := parent[path[-1]]) is not None:
        path.append(p)
    path.reverse()
    return LongestPaths(
        float(max(finish_low.values())), float(best), float(max(finish_high.values())), tuple(path),
    )


def likely_days(steps: Sequence[Step]) -> float:
    """`longest_paths(steps).likely` alone (the same sums and maxima), for the findings that re-time every
    suggestion: one pass when the steps are listed in an order that respects `after`, else the full pass.

    >>> from tests.factories import tiny_procedure
    >>> likely_days(tiny_procedure().steps)
    2.0
    """
    finish: dict[str, float] = {}
    best = 0.0
    for step in steps:
        start = 0.0
        for before in step.after:
            f = finish.get(before)
            if f is None:  # listed before its predecessor, or an unknown one: the general pass sorts or reports it
                return longest_paths(steps).likely
            if f > start:
                start = f
        total = start + step.duration.likely
        finish[step.id] = total
        if total > best:
            best = total
    return best


def over_time_limit(procedure: Procedure, days: float) -> bool:
    """Whether `days` counted by the time limit (`days_in_time_limit`) exceed it. A declaration that gets no result
    (`TimeLimit.no_result`) has no limit to exceed: its 0 days mean «none».

    >>> from tests.factories import tiny_procedure
    >>> over_time_limit(tiny_procedure(), 2.0), over_time_limit(tiny_procedure(), 99.0)
    (False, True)
    """
    return days > procedure.time_limit_working_days and not procedure.main_channel.time_limit.no_result


def days_in_time_limit(procedure: Procedure, order: Sequence[Step] | None = None) -> float:
    """Likely working days that the legal time limit counts: from the first step of an agency in charge
    (`agencies.competent` or `implementing`) until the applicant takes the result.

    Time limits run from the day the agency receives a complete dossier (thời hạn giải quyết tính từ khi nhận đủ hồ
    sơ hợp lệ) to the day it gives the result, so the applicant's preparation and the work of an employer or another
    body before the dossier arrives fall outside, as does whatever follows the applicant's taking the result (an
    internal check of the slip). Steps of the applicant inside the span (paying a tax notice, supplementing the
    dossier, waiting for the post) add no days: the limit binds the agencies. A procedure whose steps name no
    agency in charge is counted whole. `order`: the steps in topological order, when the caller has it.

    >>> from tests.factories import tiny_procedure
    >>> days_in_time_limit(tiny_procedure())
    2.0
    """
    in_charge = {*procedure.agencies.competent, *procedure.agencies.implementing}
    finish: dict[str, float] = {}  # steps from the agency's first one on, until the result is taken
    taken: set[str] = set()  # the applicant's taking of the result, and every step after it
    for step in order or topological_order(procedure.steps):
        actor = step.actor
        if (taken and not taken.isdisjoint(step.after)) or (actor == APPLICANT and step.kind in RECEIVING_KINDS):
            taken.add(step.id)
            continue
        start = -1.0  # none of its predecessors is inside
        for b in step.after:
            f = finish.get(b, -1.0)
            if f > start:
                start = f
        if start >= 0 or actor in in_charge:
            finish[step.id] = max(start, 0.0) + (step.duration.likely if actor != APPLICANT else 0.0)
    if not finish:
        return likely_days(procedure.steps)
    return round(max(finish.values()), 6)


def ancestor_bits(order: Sequence[Step]) -> tuple[dict[str, int], dict[str, int]]:
    """(step id → its bit, step id → bit set of every step that must finish before it), from the steps in
    topological order: reachability in one pass, each test one AND.

    >>> from tests.factories import tiny_procedure
    >>> ancestor_bits(tiny_procedure().steps)[1]
    {'a': 0, 'b': 1, 'c': 3}
    """
    bit = {s.id: 1 << i for i, s in enumerate(order)}
    ancestors: dict[str, int] = {}
    for s in order:
        mask = 0
        for b in s.after:
            mask |= ancestors[b] | bit[b]
        ancestors[s.id] = mask
    return bit, ancestors


def implied_edges(
    steps: Sequence[Step], reachability: tuple[dict[str, int], dict[str, int]] | None = None,
) -> list[tuple[str, str]]:
    """The ordering edges (before, step) that another path already implies: those the transitive reduction drops.
    Only a step with two predecessors or more can have one, so most procedures need no reachability at all
    (`reachability`: the steps' `ancestor_bits`, when the caller has them).

    >>> from tests.factories import tiny_procedure
    >>> steps = tiny_procedure().steps
    >>> implied_edges([*steps[:2], steps[2].model_copy(update={"after": ["a", "b"]})])
    [('a', 'c')]
    """
    joins = [s for s in steps if len(s.after) > 1]
    if not joins:
        return []
    bit, ancestors = reachability or ancestor_bits(topological_order(steps))
    return [(b, s.id) for s in joins for b in s.after if any(o != b and ancestors[o] & bit[b] for o in s.after)]


def critical_path(steps: Sequence[Step], estimate: str = "likely") -> CriticalPathResult:
    """The longest path with one estimate ("low", "likely" or "high") of every step's duration.

    >>> from tests.factories import tiny_procedure
    >>> critical_path(tiny_procedure().steps, "high")
    CriticalPathResult(steps=['a', 'b', 'c'], working_days=3.0)
    """
    if estimate not in ("low", "likely", "high"):
        raise ValueError(f"estimate must be low, likely or high, got {estimate!r}")
    if estimate == "likely":
        paths = longest_paths(steps)
        return CriticalPathResult(steps=list(paths.path), working_days=paths.likely)
    # Re-run the same pass with that estimate standing in for the likely one, to get its path.
    swapped = [s.model_copy(update={"duration": WorkingDays.exactly(getattr(s.duration, estimate))}) for s in steps]
    paths = longest_paths(swapped)
    return CriticalPathResult(steps=list(paths.path), working_days=paths.likely)
