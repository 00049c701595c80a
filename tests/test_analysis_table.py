"""`tthc analyze --all` on several processes gives the table and the opportunities of analysing each procedure
against the whole catalogue: a liên thông group travels whole, rows come in code order."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.analyse import analyse, analysis_row
from analysis.opportunities import Opportunities
from catalogue.batch.table import analyse_table, table_chunks
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
from models.parameters import CostRates

DAY = date(2025, 6, 1)
ACROSS_GROUP = "Giấy tờ đã nộp cho thủ tục khác trong nhóm liên thông"


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return open_catalogue()


def test_chunks_keep_each_group_whole(bundled: Catalogue) -> None:
    chunks = table_chunks(bundled, size=1)
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
        expected.add(bundled.procedures[code], a)
    across = [row["code"] for row in expected_rows if "asked-twice" in row["findings_by_rule"]]
    assert {"1.001612", "2.000720", "1.011537", "2.001023"} <= set(across)  # findings that need the group
    for workers, size in ((1, 1000), (2, 4), (2, 1)):
        rows, found = analyse_table(bundled, DAY, None, "tt02", workers=workers, size=size)
        assert rows == expected_rows, (workers, size)
        assert found == expected, (workers, size)
        assert found.costs[0][0] == max(row["annual_cost_vnd"] for row in rows)
