"""`tthc analyze --all` on several processes gives the table and the opportunities of analysing each procedure
against the whole catalogue: a liên thông group travels whole, rows come in code order; a second run reads its
rows from the result cache, and after an edit analyses again only the edited procedure's group.

The catalogue is the bundled one with one document asked twice across the group khai sinh – thường trú
(`ask_identity_paper_twice`): a finding that only the whole group gives."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from analysis.analyse import analyse, analysis_row
from analysis.metrics import applicant_documents
from analysis.opportunities import IDENTITY_PAPERS, Contribution, Opportunities
from catalogue.batch.results import ResultCache
from catalogue.batch.table import analyse_table, groups_of, table_chunks
from catalogue.batch.worker import finding_rows
from catalogue.cache import load_cached
from catalogue.loader import DEFAULT_DATA
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
from models.common import fold
from models.parameters import CostRates
from tests.batch_helpers import ask_identity_paper_twice

DAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    return open_catalogue(grouped_data(tmp_path_factory.mktemp("grouped")))


def grouped_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    ask_identity_paper_twice(data)
    return data


def test_chunks_keep_each_group_whole(bundled: Catalogue) -> None:
    chunks = table_chunks(list(bundled.procedures), groups_of(bundled), size=1)
    assert sorted(code for chunk in chunks for code in chunk) == sorted(bundled.procedures)
    groups: dict[str, set[int]] = {}
    for i, chunk in enumerate(chunks):
        for code in chunk:
            group = bundled.procedures[code].interagency_group
            if group:
                groups.setdefault(group, set()).add(i)
    assert len(groups) == 2 and all(len(where) == 1 for where in groups.values())
    assert max(len(chunk) for chunk in chunks) == 2  # a group's pair; every other chunk holds one procedure


def test_processes_give_the_whole_catalogue_analysis(bundled: Catalogue) -> None:
    rates = CostRates.from_parameters(bundled.parameters, DAY)
    expected = Opportunities()
    expected_rows, expected_findings = [], []
    in_force = sorted(code for code, p in bundled.procedures.items() if p.status != "abolished")
    assert len(in_force) == len(bundled.procedures) - 2  # 1.012575 and 1.011537, replaced by 1.115970 and 2.002913
    for code in in_force:
        a = analyse(bundled.procedures[code], bundled, rates)
        expected_rows.append(analysis_row(a, bundled.procedures[code]))
        expected_findings += finding_rows(a, bundled.procedures[code], bundled)
        expected.add(Contribution.of(bundled.procedures[code], a))
    # 2.000986 (birth registration, liên thông): the commune's forwarding to the police and to social insurance (two
    # parallel branches of 1 working day) goes, saving 1 working day and no đồng; the results' 1-day hand-back to the
    # commune's desk is the one-stop return and stays.
    row = next(row for row in expected_rows if row["code"] == "2.000986")
    assert row["estimated_saving_working_days"] == 1.0
    across = [row["code"] for row in expected_rows if "asked-twice" in row["findings_by_rule"]]
    assert across == ["1.004222"]  # the finding that needs the group: 1.001193, earlier in code order, asks it first
    # Papers asked only when a lookup fails are not counted among the documents most procedures ask for: the residence
    # paper of five hộ tịch records is the fallback of the population database's lookup.
    assert fold("Giấy tờ chứng minh thông tin về cư trú") not in expected.documents
    # Identity papers count as one request, whatever each record calls them.
    shown = [code for code in in_force if any(d.identity for d in applicant_documents(bundled.procedures[code]))]
    assert expected.documents[fold(IDENTITY_PAPERS)] == len(shown) > 1
    assert not any("tùy thân" in label and label != IDENTITY_PAPERS for label in expected.labels.values())
    for workers, size in ((1, 1000), (2, 4), (2, 1)):
        table = analyse_table(bundled, DAY, None, "tt02", workers=workers, size=size)
        assert table.rows == expected_rows, (workers, size)
        assert table.findings == expected_findings, (workers, size)
        assert table.opportunities == expected, (workers, size)
        assert table.opportunities.costs[0][0] == max(row["annual_cost_vnd"] for row in table.rows)
        assert (table.analysed, table.from_cache) == (len(expected_rows), 0)


def test_a_second_run_reads_the_cache_and_an_edit_analyses_only_its_group_again(tmp_path: Path) -> None:
    data = grouped_data(tmp_path)
    cat = load_cached(data, tmp_path / "compiled").catalogue
    total = sum(p.status != "abolished" for p in cat.procedures.values())
    with ResultCache(tmp_path / "results") as cache:
        first = analyse_table(cat, DAY, None, "tt02", workers=1, cache=cache)
        again = analyse_table(cat, DAY, None, "tt02", workers=2, size=4, cache=cache)
        assert (first.analysed, first.from_cache, again.analysed, again.from_cache) == (total, 0, 0, total)
        assert again.rows == first.rows and again.opportunities == first.opportunities
        assert again.findings == first.findings

        path = data / "procedures" / "1.004222.yaml"  # one of the two procedures of a liên thông group
        path.write_text(path.read_text(encoding="utf-8").replace(
            "\nname: Đăng ký thường trú\n", "\nname: Đăng ký thường trú cho công dân\n", 1), encoding="utf-8")
        edited = load_cached(data, tmp_path / "compiled").catalogue
        after = analyse_table(edited, DAY, None, "tt02", workers=1, cache=cache)
        assert (after.analysed, after.from_cache) == (2, total - 2)
        fresh = analyse_table(edited, DAY, None, "tt02", workers=1)
        assert after.rows == fresh.rows and after.opportunities == fresh.opportunities
        assert after.findings == fresh.findings
        assert [r["name"] for r in after.rows if r["code"] == "1.004222"] == ["Đăng ký thường trú cho công dân"]

        # Another start day, and a later day with the same parameters: rows are reused, calendar days recounted.
        for day, start in ((DAY, date(2025, 12, 29)), (date(2025, 6, 2), None)):
            later = analyse_table(edited, day, start, "tt02", workers=1, cache=cache)
            assert (later.analysed, later.from_cache) == (0, total), (day, start)
            assert later.rows == analyse_table(edited, day, start, "tt02", workers=1).rows, (day, start)
        assert {r["elapsed_calendar_days_likely"] for r in later.rows} != {r["elapsed_calendar_days_likely"] for r in after.rows}
        new_income = analyse_table(edited, date(2026, 6, 1), None, "tt02", workers=1, cache=cache)
        assert new_income.analysed == total  # other parameter values in force: every row again


def test_parts_never_take_the_volume_that_counts_them_below_zero() -> None:
    """Two liên thông records whose cases add up to more than the record that counts them (`tthc validate` warns):
    the total takes off no more than that record's own annual cost."""
    found = Opportunities()
    found.add(Contribution("1.001193", "Khai sinh", {}, [], 100 * 40_000, 40_000, "100", [], 0))
    for code in ("2.000986", "2.001023"):
        found.add(Contribution(code, "Liên thông", {}, [], 60 * 30_000, 30_000, "60", ["1.001193"], 0))
    assert found.counted_twice == {"1.001193": [("2.000986", 2_400_000), ("2.001023", 1_600_000)]}
    assert found.total_annual_cost_vnd == 2 * 60 * 30_000
