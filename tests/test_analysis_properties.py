"""Properties of the critical path and of the annual cost, on random step graphs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.analyse import analyse
from analysis.cost import compliance_cost
from analysis.critical_path import critical_path, days_in_time_limit, longest_paths
from models.procedure import Step
from tests import analysis_records as rec

durations = st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).map(lambda t: tuple(sorted(x / 4 for x in t)))


@st.composite
def step_graphs(draw: Any) -> list[Step]:
    n = draw(st.integers(1, 25))
    steps = []
    for i in range(n):
        after = sorted(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else []
        low, likely, high = draw(durations)
        steps.append(Step.model_validate({
            "id": f"s{i}", "name": f"Bước {i}", "actor": draw(st.sampled_from(["applicant", "ubnd-xa", "so-tu-phap"])),
            "kind": "review", "origin": "estimate", "duration": {"low": low, "likely": likely, "high": high},
            "after": [f"s{j}" for j in after]}))
    return steps


@given(step_graphs())
def test_critical_path_between_longest_step_and_sum(steps: list[Step]) -> None:
    paths = longest_paths(steps)
    assert max(s.duration.likely for s in steps) <= paths.likely <= sum(s.duration.likely for s in steps)
    assert paths.low <= paths.likely <= paths.high
    # The path is a chain of edges and its length is the sum of its steps.
    by_id = {s.id: s for s in steps}
    assert all(a in by_id[b].after for a, b in zip(paths.path, paths.path[1:], strict=False))
    assert sum(by_id[s].duration.likely for s in paths.path) == paths.likely


@given(step_graphs(), st.sampled_from([["ubnd-xa"], ["so-tu-phap"], ["ubnd-xa", "so-tu-phap"], ["ubnd-huyen"]]))
def test_the_days_a_time_limit_counts_lie_within_the_critical_path(steps: list[Step], in_charge: list[str]) -> None:
    p = rec.khai_sinh().model_copy(update={"steps": steps, "agencies": rec.khai_sinh().agencies.model_copy(
        update={"competent": in_charge, "implementing": []})})
    counted = days_in_time_limit(p)
    assert 0 <= counted <= longest_paths(steps).likely + 1e-9
    if all(s.actor in in_charge for s in steps):  # only the agency works: the limit counts the whole path
        assert abs(counted - longest_paths(steps).likely) < 1e-6


@given(step_graphs())
def test_critical_path_per_estimate(steps: list[Step]) -> None:
    paths = longest_paths(steps)
    for estimate in ("low", "likely", "high"):
        result = critical_path(steps, estimate)
        assert result.working_days == getattr(paths, estimate)
        by_id = {s.id: s for s in steps}
        assert sum(getattr(by_id[s].duration, estimate) for s in result.steps) == result.working_days


@given(step_graphs())
def test_same_length_as_networkx(steps: list[Step]) -> None:
    graph = nx.DiGraph()
    for s in steps:
        graph.add_node(s.id)
        graph.add_edges_from((a, s.id) for a in s.after)
    # networkx weighs edges: put each step's duration on its outgoing edges and on an edge to a sink.
    weighted = nx.DiGraph()
    for s in steps:
        weighted.add_edge(s.id, "end", w=s.duration.high)
        for a in s.after:
            weighted.add_edge(a, s.id, w=next(x for x in steps if x.id == a).duration.high)
    assert nx.dag_longest_path_length(weighted, weight="w") == longest_paths(steps).high


@given(step_graphs(), st.data())
def test_adding_a_dependency_never_shortens(steps: list[Step], data: Any) -> None:
    if len(steps) < 2:
        return
    j = data.draw(st.integers(1, len(steps) - 1))
    i = data.draw(st.integers(0, j - 1))
    before = longest_paths(steps)
    target = steps[j]
    extra = target.model_copy(update={"after": sorted({*target.after, steps[i].id})})
    after = longest_paths([*steps[:j], extra, *steps[j + 1:]])
    assert (after.low, after.likely, after.high) >= (before.low, before.likely, before.high)
    assert after.low >= before.low and after.likely >= before.likely and after.high >= before.high


@settings(max_examples=50)
@given(st.integers(0, 5_000_000), st.integers(1, 24), st.integers(1, 20))
def test_annual_cost_linear_in_frequency_and_subjects(subjects: int, frequency: int, k: int) -> None:
    # W = 60.000 đ/giờ makes each minute 1.000 đ exactly, so C1 is whole and linearity is exact.
    p = rec.lien_thong_khai_sinh()
    r = rec.rates(hourly_income_vnd=60000)

    def annual(n: int, f: Decimal) -> int:
        q = p.model_copy(update={"annual_volume": p.annual_volume.model_copy(
            update={"subjects_per_year": n, "frequency_per_subject": f})})
        return compliance_cost(q, rec.catalogue(q), r).annual_cost_vnd

    base = annual(subjects, Decimal(frequency))
    c1 = compliance_cost(p, rec.catalogue(p), r).per_case_vnd
    assert base == c1 * frequency * subjects
    assert annual(subjects * k, Decimal(frequency)) == k * base
    assert annual(subjects, Decimal(frequency * k)) == k * base


def test_analysis_is_deterministic_and_frozen() -> None:
    p = rec.ly_lich_tu_phap()
    a = analyse(p, rec.catalogue(p), rec.rates())
    b = analyse(p, rec.catalogue(p), rec.rates())
    assert a.model_dump() == b.model_dump()
    # Results built without validation still validate as their own types.
    assert type(a).model_validate(a.model_dump()) == type(a).model_validate(b.model_dump())


def test_every_catalogue_record_analyses_consistently() -> None:
    """Every procedure of data/procedures: the totals add up, the path is a chain, the calendar is sane."""
    from datetime import date

    from catalogue.loader import load
    from models.parameters import CostRates

    cat = load().catalogue
    rates = CostRates.from_parameters(cat.parameters, date(2026, 3, 2))
    assert cat.procedures
    for p in cat.procedures.values():
        a = analyse(p, cat, rates, with_findings=False)
        m, c = a.metrics, a.cost
        by_id = {s.id: s for s in p.steps}
        assert all(x in by_id[y].after for x, y in zip(m.critical_path, m.critical_path[1:], strict=False)), p.code
        assert m.elapsed_working_days.low <= m.elapsed_working_days.likely <= m.elapsed_working_days.high
        assert m.elapsed_calendar_days is not None and m.elapsed_calendar_days.likely >= m.elapsed_working_days.likely
        assert abs(sum(line.amount_vnd for line in c.lines) - c.per_case_vnd) <= len(c.lines), p.code
        assert c.time_minutes >= m.applicant_minutes.total, p.code  # cost adds certification time to the steps'
        assert c.annual_cost_vnd >= 0 and all(line.explanation for line in c.lines)


@st.composite
def volumes(draw: st.DrawFn) -> tuple[dict[str, tuple[int, int]], list[tuple[str, str, str]]]:
    """Procedures (cost per case, cases a year) and which procedures' volumes count other procedures' cases."""
    codes = [f"1.00000{i}" for i in range(draw(st.integers(1, 6)))]
    per_case = {c: draw(st.integers(0, 500_000)) for c in codes}
    cases = {c: draw(st.integers(0, 2_000_000)) for c in codes}
    own = {c: (per_case[c], per_case[c] * cases[c]) for c in codes}
    counted = [(c, w, str(cases[c])) for c in codes for w in draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))
               if w != c]
    return own, counted


@given(volumes())
def test_counting_each_case_once_takes_off_no_more_than_each_record_counts(
        catalogue: tuple[dict[str, tuple[int, int]], list[tuple[str, str, str]]]) -> None:
    """However records overlap (and even when the parts outnumber the whole), the total counted once lies between 0
    and the plain sum, no record loses more than its own annual cost, and without overlaps it is the plain sum."""
    from analysis.opportunities import counted_once, counted_twice

    own, counted = catalogue
    plain = sum(annual for _, annual in own.values())
    assert 0 <= counted_once(own, counted) <= plain
    assert counted_once(own, []) == plain
    for whole, parts in counted_twice(own, counted).items():
        assert 0 <= sum(amount for _, amount in parts) <= own[whole][1]
