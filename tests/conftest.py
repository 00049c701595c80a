"""Shared fixtures: the bundled catalogue, and throw-away copies of it to break."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.loader import DEFAULT_DATA, Loaded, load

DATA = DEFAULT_DATA
FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"


@pytest.fixture(scope="session")
def bundled() -> Loaded:
    """The bundled catalogue, loaded once (no cache: tests read the YAML itself)."""
    return load(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Iterator[Path]:
    """A private copy of a small real catalogue (tests/fixtures/catalogue) that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("README.md"))
    yield target


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in tests keep their compiled cache out of the work tree."""
    monkeypatch.setenv("TTHC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
