"""The end of the Thông tư 64/2025/TT-BTC reductions (data/changes/2027-01-01-het-giam-phi-le-phi-thong-tu-64-2025.yaml)
applied to the bundled catalogue: the charges halved from 1/7/2025 to 31/12/2026 go back to their base rates, checked
by hand against each record's fees.

- Lệ phí đăng ký doanh nghiệp (2.001610, 2.001199, 2.001583, 2.002011): 25.000 đ → 50.000 đ (điểm 1 Biểu phí, Thông
  tư 47/2019/TT-BTC) in person and by post; online filing stays exempt. The 100.000 đ publication fee is not reduced.
  The usual cases of 2.001583 and 2.002011 are filed online, so their costs do not change.
- Lệ phí cấp hộ chiếu (1.001456): 100.000 đ → 200.000 đ (Mục I Biểu phí, Thông tư 25/2021/TT-BTC) on every channel.
- Lệ phí cấp, cấp đổi, cấp lại thẻ căn cước (1.116410): stays 0 đ, the record's usual case being an exchange on turning 25 or 40
  (Điều 38 Luật Căn cước); the record cites the halving for its paying cases, so it is touched but its cost is not.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from analysis.cost import cost_totals
from analysis.legal_impact import apply_changes
from catalogue.batch.changes import load_changes
from catalogue.batch.engine import change_scope
from catalogue.cli import app
from catalogue.loader import DEFAULT_DATA, Loaded
from models.catalogue import Catalogue
from models.change import LegalChange
from models.parameters import CostRates

LAST_DAY = date(2026, 12, 31)
FIRST_DAY = date(2027, 1, 1)


@pytest.fixture(scope="module")
def changes(bundled: Loaded) -> tuple[Catalogue, list[LegalChange], LegalChange]:
    loaded = load_changes(DEFAULT_DATA)
    assert loaded.problems == []
    return bundled.catalogue, loaded.changes, loaded.by_id()["het-giam-phi-le-phi-thong-tu-64-2025"]


def channel_fees(catalogue: Catalogue, code: str) -> dict[str, int]:
    return {c.kind: sum(f.total_vnd for f in c.fees) for c in catalogue.procedures[code].channels}


def test_the_reduced_charges_return_to_their_base_rates(changes: tuple[Catalogue, list[LegalChange], LegalChange]) -> None:
    catalogue, every_change, _ = changes
    before, after = (apply_changes(catalogue, every_change, day) for day in (LAST_DAY, FIRST_DAY))
    for code in ("2.001610", "2.001199", "2.001583", "2.002011"):
        assert channel_fees(before, code) == {"in_person": 125_000, "online": 100_000, "post": 125_000}
        assert channel_fees(after, code) == {"in_person": 150_000, "online": 100_000, "post": 150_000}
    assert channel_fees(before, "1.001456") == {"in_person": 100_000, "online": 100_000, "post": 100_000}
    assert channel_fees(after, "1.001456") == {"in_person": 200_000, "online": 200_000, "post": 200_000}
    assert channel_fees(before, "1.116410") == channel_fees(after, "1.116410") == {"in_person": 0, "online": 0}
    # The charge now cites the base text and says why it changed, not the halving it no longer applies.
    [charge] = [f for f in after.procedures["1.001456"].main_channel.fees]
    assert [c.ref for c in charge.legal_basis] == ["25/2021/TT-BTC"] and "01/01/2027" in charge.note
    assert not after.legal["64/2025/TT-BTC"].in_force_on(FIRST_DAY)
    assert before.legal["64/2025/TT-BTC"].in_force_on(LAST_DAY)


def test_the_cost_rises_by_the_charge(changes: tuple[Catalogue, list[LegalChange], LegalChange]) -> None:
    catalogue, every_change, _ = changes
    rates = CostRates.from_parameters(catalogue.parameters, FIRST_DAY)
    before, after = (apply_changes(catalogue, every_change, day) for day in (LAST_DAY, FIRST_DAY))
    rise = {code: cost_totals(after.procedures[code], after, rates).per_case_vnd
            - cost_totals(before.procedures[code], before, rates).per_case_vnd
            for code in ("2.001610", "2.001199", "2.001583", "2.002011", "1.001456", "1.116410")}
    assert rise == {"2.001610": 25_000, "2.001199": 25_000, "2.001583": 0, "2.002011": 0, "1.001456": 100_000,
                    "1.116410": 0}


def test_the_procedures_it_touches_and_why(changes: tuple[Catalogue, list[LegalChange], LegalChange]) -> None:
    catalogue, every_change, end_of_reduction = changes
    scope = change_scope(catalogue, every_change, end_of_reduction)
    assert {code: {r.kind for r in reasons} for code, reasons in scope.reasons.items()} == {
        "1.001456": {"fee", "not_in_force"},
        "2.001199": {"fee", "not_in_force"},
        "2.001610": {"fee", "not_in_force"},
        "2.001583": {"fee", "not_in_force"},
        "2.002011": {"fee", "not_in_force"},
        "1.116410": {"not_in_force"},
    }


def test_analyze_before_and_after_the_reduction_ends() -> None:
    runner = CliRunner()
    fees = {}
    for day in ("2026-12-31", "2027-01-01"):
        result = runner.invoke(app, ["analyze", "1.001456", "--as-of", day, "--json", "--data", str(DEFAULT_DATA)])
        assert result.exit_code == 0, result.output
        fees[day] = json.loads(result.output)["cost"]["fees_vnd"]
    assert fees == {"2026-12-31": 100_000, "2027-01-01": 200_000}
