"""Open the catalogue for the commands: load it (through the cache) and refuse it when it has errors."""

from __future__ import annotations

from pathlib import Path

from catalogue.cache import load_cached
from catalogue.loader import DEFAULT_DATA
from catalogue.problems import CatalogueError
from models.catalogue import Catalogue


def open_catalogue(data: Path = DEFAULT_DATA) -> Catalogue:
    """The catalogue under `data`; raises CatalogueError listing every loading error."""
    loaded = load_cached(data)
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        raise CatalogueError(errors)
    return loaded.catalogue
