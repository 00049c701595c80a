"""The whole catalogue in memory: procedures and the registries they refer to."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.parameters import ParameterSet
from models.procedure import Procedure
from models.registry import Agency, LegalDocument


@dataclass(frozen=True)
class Catalogue:
    procedures: dict[str, Procedure]
    agencies: dict[str, Agency]
    legal: dict[str, LegalDocument]
    parameters: ParameterSet
    extras: dict[str, object] = field(default_factory=dict)
    """Other typed content loaded beside the records (proposals, legal changes), by kind."""
