"""`tthc analyze --all` on several processes gives the table and the opportunities of analysing each procedure
against the whole catalogue: a liên thông group travels whole, rows come in code order; a second run reads its
rows from the result cache, and after an edit analyses again only the edited procedure's group."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from analysis.analyse import analyse, analysis_row
from analysis.opportunities import Contribution, Opportunities
from catalogue.batch.results import ResultCache
from catalogue.batch.table import analyse_table, groups_of, table_chunks
from catalogue.cache import load_cached
from catalogue.loader import DEFAULT_DATA
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
from models.parameters import CostRates

DAY = date(2025, 6, 1)
ACROSS_GROUP = "Giấy tờ đã nộp cho thủ tục khác trong nhóm liên thông"


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return open_catalogue()


def test_chunks_keep_each_group_whole(bundled: Catalogue) -> None:
    chunks = table_chunks(list(bundled.procedures), groups_of(bundled), size=1)
    assert sorted(code for chunk in chunks for code in chunk) == sorted(bundled.procedures)
    groups: dict[str, set[int]] = {}
    for i, chunk in enumerate(chunks):
        for code in chunk:
            group = bundled.procedures[code].interagency_group
            if group:
                groups.setdefault(group, set()).add(i)
    assert len(groups) >= 3 and all(len(where) == 1 for where in groups.values())
    assert max(len(chunk) for chunk in chunks) == 3  # the largest group; every other chunk holds one procedure


def test_processes_give_the_whole_catalogue_analysis(bundled: Catalogue) -> None:
    rates = CostRates.from_parameters(bundled.parameters, DAY)
    expected = Opportunities()
    expected_rows = []
    for code in sorted(bundled.procedures):
        a = analyse(bundled.procedures[code], bundled, rates)
        expected_rows.append(analysis_row(a))
        expected.add(Contribution.of(bundled.procedures[code], a))
    # 2.000986 (birth registration, liên thông): removing its pass-through steps saves 2 working days and no đồng.
    row = next(row for row in expected_rows if row["code"] == "2.000986")
    assert row["estimated_saving_working_days"] == 2.0
    across = [row["code"] for row in expected_rows if "asked-twice" in row["findings_by_rule"]]
    assert {"1.001612", "2.000720", "1.011537", "2.001023"} <= set(across)  # findings that need the group
    for workers, size in ((1, 1000), (2, 4), (2, 1)):
        table = analyse_table(bundled, DAY, None, "tt02", workers=workers, size=size)
        assert table.rows == expected_rows, (workers, size)
        assert table.opportunities == expected, (workers, size)
        assert table.opportunities.costs[0][0] == max(row["annual_cost_vnd"] for row in table.rows)
        assert (table.analysed, table.from_cache) == (len(expected_rows), 0)


def test_a_second_run_reads_the_cache_and_an_edit_analyses_only_its_group_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    cat = load_cached(data, tmp_path / "compiled").catalogue
    total = len(cat.procedures)
    with ResultCache(tmp_path / "results") as cache:
        first = analyse_table(cat, DAY, None, "tt02", workers=1, cache=cache)
        again = analyse_table(cat, DAY, None, "tt02", workers=2, size=4, cache=cache)
        assert (first.analysed, first.from_cache, again.analysed, again.from_cache) == (total, 0, 0, total)
        assert again.rows == first.rows and again.opportunities == first.opportunities

        path = data / "procedures" / "2.000720.yaml"  # one of the three procedures of a liên thông group
        path.write_text(path.read_text(encoding="utf-8").replace(
            "name: Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "name: Thay đổi đăng ký hộ kinh doanh", 1),
            encoding="utf-8")
        edited = load_cached(data, tmp_path / "compiled").catalogue
        after = analyse_table(edited, DAY, None, "tt02", workers=1, cache=cache)
        assert (after.analysed, after.from_cache) == (3, total - 3)
        fresh = analyse_table(edited, DAY, None, "tt02", workers=1)
        assert after.rows == fresh.rows and after.opportunities == fresh.opportunities
        assert [r["name"] for r in after.rows if r["code"] == "2.000720"] == ["Thay đổi đăng ký hộ kinh doanh"]

        # Another start day, and a later day with the same parameters: rows are reused, calendar days recounted.
        for day, start in ((DAY, date(2025, 12, 29)), (date(2025, 6, 2), None)):
            later = analyse_table(edited, day, start, "tt02", workers=1, cache=cache)
            assert (later.analysed, later.from_cache) == (0, total), (day, start)
            assert later.rows == analyse_table(edited, day, start, "tt02", workers=1).rows, (day, start)
        assert {r["elapsed_calendar_days_likely"] for r in later.rows} != {r["elapsed_calendar_days_likely"] for r in after.rows}
        new_income = analyse_table(edited, date(2026, 6, 1), None, "tt02", workers=1, cache=cache)
        assert new_income.analysed == total  # other parameter values in force: every row again
