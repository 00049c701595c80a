"""The examples in the analysis modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "analysis.analyse", "analysis.calendar", "analysis.cost", "analysis.critical_path", "analysis.metrics",
    "catalogue.console", "catalogue.diagrams", "catalogue.problems",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
