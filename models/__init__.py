"""Typed records of the catalogue (pydantic v2). Imports nothing else of tthc."""

from models.common import Citation, Level, Provenance, Source, WorkingDays
from models.parameters import CostRates, DatedValue, Parameter, ParameterSet
from models.procedure import (
    APPLICANT,
    Agencies,
    AnnualVolume,
    ApplicantTime,
    Channel,
    Document,
    Fee,
    Issuer,
    Procedure,
    Result,
    Step,
    TimeLimit,
)
from models.registry import Agency, LegalDocument

__all__ = [
    "APPLICANT", "Agencies", "Agency", "AnnualVolume", "ApplicantTime", "Channel", "Citation", "CostRates",
    "DatedValue", "Document", "Fee", "Issuer", "LegalDocument", "Level", "Parameter", "ParameterSet", "Procedure",
    "Provenance", "Result", "Source", "Step", "TimeLimit", "WorkingDays",
]
