"""Properties of the findings over many procedures of realistic size (synthetic, 10–60 steps): a suggestion never
raises the cost or the time, applying it leaves the baseline untouched, the savings are what a full re-run of the
analysis gives, and no suggestion takes online a visit the law requires."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.analyse import analyse
from analysis.findings import combine, combined_saving, find_all
from analysis.proposals import apply_operations
from catalogue.synthetic import synthetic_catalogue, synthetic_record
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import Procedure
from models.proposal import GoOnline
from tests.analysis_records import rates


@pytest.fixture(scope="module")
def base() -> Catalogue:
    return synthetic_catalogue(1)


def one(base: Catalogue, index: int, seed: int) -> tuple[Procedure, Catalogue]:
    p = Procedure.model_validate_json(json.dumps(synthetic_record(index, seed)))
    return p, replace(base, procedures={p.code: p})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 10_000), seed=st.integers(0, 50))
def test_a_suggestion_never_raises_cost_or_time(base: Catalogue, index: int, seed: int) -> None:
    p, cat = one(base, index, seed)
    r: CostRates = rates()
    snapshot = p.model_dump()
    before = analyse(p, cat, r, with_findings=False)
    found = find_all(p, cat, r)
    assert found, "every realistic procedure has something to review"
    for f in found:
        if f.saving is None:
            assert f.suggestion == []
            continue
        assert f.saving.per_case_vnd >= 0 and f.saving.annual_vnd >= 0, f.rule
        assert f.saving.working_days_likely >= 0, f.rule
        after = analyse(apply_operations(p, f.suggestion), cat, r, with_findings=False)
        assert f.saving.annual_vnd == before.cost.annual_cost_vnd - after.cost.annual_cost_vnd
        assert f.saving.working_days_likely == pytest.approx(
            before.metrics.elapsed_working_days.likely - after.metrics.elapsed_working_days.likely)
    assert p.model_dump() == snapshot
    savings = [f.annual_saving_vnd for f in found]
    assert savings == sorted(savings, reverse=True)
    # All suggestions together: a full re-run of the procedure they give, never dearer nor longer.
    together, used = combine(p, found)
    combined = combined_saving(p, cat, r, found)
    assert combined is not None and used
    after = analyse(together, cat, r, with_findings=False)
    assert combined.annual_vnd == before.cost.annual_cost_vnd - after.cost.annual_cost_vnd >= 0
    assert combined.working_days_likely == pytest.approx(
        before.metrics.elapsed_working_days.likely - after.metrics.elapsed_working_days.likely)
    assert combined.working_days_likely >= -1e-9


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 10_000), seed=st.integers(0, 50), pick=st.integers(0, 2**16))
def test_no_suggestion_takes_a_visit_the_law_requires_online(base: Catalogue, index: int, seed: int, pick: int) -> None:
    data = synthetic_record(index, seed)
    visits = [s for s in data["steps"] if s.get("in_person") and s["actor"] == "applicant"]
    required = {s["id"] for i, s in enumerate(visits) if pick >> i & 1}
    for s in visits:
        s["presence_required"] = s["id"] in required
    p = Procedure.model_validate(data)
    cat = replace(base, procedures={p.code: p})
    found = find_all(p, cat, rates())
    for f in found:
        after = apply_operations(p, f.suggestion)
        assert all(after.step(sid).in_person for sid in required), f.rule
    if len(visits) > len(required) and len(visits) >= 2:  # the other visits still go online, unless that costs more
        [f] = [f for f in found if f.rule == "visits"]
        if f.suggestion:
            assert f.suggestion[0].op == "go_online"
        else:  # a paper result sent by post can cost more than the trip it spares
            movable = [s["id"] for s in visits if s["id"] not in required]
            online = analyse(apply_operations(p, [GoOnline(steps=movable, rationale="x")]), cat, rates(), with_findings=False)
            assert online.cost.per_case_vnd > analyse(p, cat, rates(), with_findings=False).cost.per_case_vnd
