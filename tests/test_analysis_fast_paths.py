"""The fast paths the findings and batches use give exactly the numbers of the full, explained analysis: cost
totals without lines against `compliance_cost` (and the breakdown without its lines), the likely-only longest path
against `longest_paths`, and every finding's saving against the explained cost and critical path of the procedure
with its suggestion applied."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cost import compliance_cost, cost_totals
from analysis.critical_path import likely_days, longest_paths
from analysis.findings import find_all
from analysis.proposals import apply_operations
from catalogue.store import open_catalogue
from catalogue.synthetic import synthetic_catalogue, synthetic_record
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import Procedure
from tests.analysis_records import rates

TOTALS = ("time_minutes", "time_cost_vnd", "fees_vnd", "other_costs_vnd", "per_case_vnd", "annual_cost_vnd")


def assert_same_totals(p: Procedure, cat: Catalogue, r: CostRates, method: str = "tt02") -> None:
    full = compliance_cost(p, cat, r, method)
    fast = cost_totals(p, cat, r, method)
    assert compliance_cost(p, cat, r, method, explain=False) == full.model_copy(update={"lines": []})
    assert {name: getattr(fast, name) for name in TOTALS} == {name: getattr(full, name) for name in TOTALS}, p.code
    assert fast.per_case_vnd == full.per_case_vnd and full.lines  # a real cost was compared


def assert_same_days(p: Procedure) -> None:
    expected = longest_paths(p.steps).likely
    assert likely_days(p.steps) == expected
    assert likely_days(list(reversed(p.steps))) == expected  # out of order: the general pass sorts the steps


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return open_catalogue()


@pytest.mark.parametrize("method", ["tt02", "scm"])
def test_totals_match_the_explained_cost_on_the_bundled_catalogue(bundled: Catalogue, method: str) -> None:
    if method == "scm" and not any(name.startswith("scm.") for name in bundled.parameters.parameters):
        pytest.skip("the catalogue has no SCM standard times")
    r = CostRates.from_parameters(bundled.parameters, date(2025, 6, 1))
    assert len(bundled.procedures) >= 20
    for p in bundled.procedures.values():
        assert_same_totals(p, bundled, r, method)
        assert_same_days(p)


def test_savings_on_the_bundled_catalogue_are_the_full_reanalysis(bundled: Catalogue) -> None:
    r = CostRates.from_parameters(bundled.parameters, date(2025, 6, 1))
    checked = 0
    for p in bundled.procedures.values():
        checked += check_savings(p, bundled, r)
    assert checked >= 10


def check_savings(p: Procedure, cat: Catalogue, r: CostRates) -> int:
    """Each saving equals baseline minus the explained cost and the critical path after the suggestion."""
    before_cost = compliance_cost(p, cat, r)
    before_days = longest_paths(p.steps).likely
    checked = 0
    for f in find_all(p, cat, r):
        if f.saving is None:
            continue
        after = apply_operations(p, f.suggestion)
        after_cost = compliance_cost(after, cat, r)
        assert f.saving.per_case_vnd == before_cost.per_case_vnd - after_cost.per_case_vnd, (p.code, f.rule)
        assert f.saving.annual_vnd == before_cost.annual_cost_vnd - after_cost.annual_cost_vnd, (p.code, f.rule)
        assert f.saving.working_days_likely == round(before_days - longest_paths(after.steps).likely, 4)
        assert_same_totals(after, cat, r)
        assert_same_days(after)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def base() -> Catalogue:
    return synthetic_catalogue(1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 100_000), seed=st.integers(0, 50), hourly=st.integers(1, 200_000))
def test_fast_paths_match_on_synthetic_records(base: Catalogue, index: int, seed: int, hourly: int) -> None:
    p = Procedure.model_validate_json(json.dumps(synthetic_record(index, seed)))
    cat = replace(base, procedures={p.code: p})
    r = rates(hourly_income_vnd=hourly)  # any income: the exact sums must agree to the last đồng
    assert_same_totals(p, cat, r)
    assert_same_days(p)
    assert check_savings(p, cat, r) >= 1
