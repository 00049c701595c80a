"""The plans bundled in data/proposals/ apply to the catalogue's records and each is grounded on a real reform."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from analysis.plan import evaluate, suggest_proposal
from catalogue.loader import DEFAULT_DATA, Loaded
from catalogue.proposals import check_proposal, draft_yaml, load_proposal_file, load_proposals
from models.parameters import CostRates


def test_bundled_plans_load_apply_and_save(bundled: Loaded) -> None:
    cat = bundled.catalogue
    proposals, problems = load_proposals(DEFAULT_DATA, cat, date(2026, 1, 15))
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert len(proposals) >= 8
    rates = CostRates.from_parameters(cat.parameters, date(2026, 1, 15))
    for proposal in proposals.values():
        assert proposal.sources and all(s.url.startswith("https://") for s in proposal.sources)
        assert all(op.rationale for entry in proposal.procedures for op in entry.operations)
        summary = evaluate(proposal, cat, rates).summary
        assert summary.saving_vnd_per_year > 0, proposal.id
        assert all(c.saving_vnd_per_year >= 0 for c in summary.procedures), proposal.id


def test_every_draft_suggest_makes_for_the_catalogue_loads_back_and_saves(bundled: Loaded, tmp_path: Path) -> None:
    cat = bundled.catalogue
    rates = CostRates.from_parameters(cat.parameters, date(2026, 1, 15))
    drafted = 0
    in_force = sorted(code for code, p in cat.procedures.items() if p.status != "abolished")  # `tthc suggest` refuses
    for code in in_force:
        proposal, findings = suggest_proposal(code, cat, rates)
        if proposal is None:
            assert all(f.saving is None or f.annual_saving_vnd <= 0 for f in findings)
            continue
        path = tmp_path / f"{proposal.id}.yaml"
        path.write_text(draft_yaml(proposal, [f for f in findings if f.suggestion]), encoding="utf-8")
        loaded, parsed, problems = load_proposal_file(path)
        assert loaded is not None and problems == [], problems
        assert [str(p) for p in check_proposal(loaded, cat, path, parsed) if p.severity == "error"] == []
        c = evaluate(loaded, cat, rates).summary.procedures[0]
        assert c.saving_vnd_per_year >= 0 and c.row("elapsed_working_days.likely").difference <= 0
        drafted += 1
    assert drafted >= len(in_force) // 2
