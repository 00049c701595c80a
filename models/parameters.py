"""Dated cost parameters, read "as at" a day (OpenFisca style: a value holds from its start until the next one)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from models.common import Level, Model, NonEmptyText, Source, Text


class DatedValue(Model):
    start: date
    value: Decimal
    source: Source
    origin: str = Field(default="published", pattern="^(published|derived|estimate)$")
    """published: read from the source; derived: computed from published figures (`note` says how);
    estimate: the catalogue's editors' estimate."""
    note: Text = ""


class Parameter(Model):
    name: NonEmptyText
    description: NonEmptyText
    unit: NonEmptyText
    values: list[DatedValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted_unique(self) -> Parameter:
        starts = [v.start for v in self.values]
        if len(set(starts)) != len(starts):
            raise ValueError(f"parameter {self.name} has two values starting on the same day")
        return self

    def at(self, day: date) -> DatedValue:
        """The value in force on `day`; raises LookupError before the first value."""
        current = [v for v in self.values if v.start <= day]
        if not current:
            raise LookupError(f"parameter {self.name} has no value on {day.isoformat()} (first: {min(v.start for v in self.values)})")
        return max(current, key=lambda v: v.start)


class ParameterSet(Model):
    """Every dated parameter of the catalogue, by name (`hourly_income_vnd`, `travel_minutes.commune`...)."""

    parameters: dict[str, Parameter]

    def at(self, name: str, day: date) -> DatedValue:
        try:
            return self.parameters[name].at(day)
        except KeyError:
            raise LookupError(f"unknown parameter {name!r}") from None


LEVELS: tuple[Level, ...] = ("central", "province", "district", "commune")


class CostRates(Model):
    """The parameters of the cost model resolved on one day, each with the source of the value used."""

    as_of: date
    hourly_income_vnd: Decimal
    travel_minutes: dict[Level, int]
    """Round trip from home to an office of that level."""
    travel_cost_vnd: dict[Level, int]
    copy_cost_vnd_per_page: int
    certification_fee_first_pages_vnd: int
    """Fee per page for the first two pages of a certified copy."""
    certification_fee_next_pages_vnd: int
    certification_fee_cap_vnd: int
    """Cap per certified copy."""
    certification_minutes: int
    """Applicant time to get copies certified (queue and counter; the trip is counted as travel)."""
    postage_vnd: int
    cut_target_time: Decimal
    """National target for the cut in time (Nghị quyết 66/NQ-CP: 0.30)."""
    cut_target_cost: Decimal
    sources: dict[str, DatedValue]

    @classmethod
    def from_parameters(cls, params: ParameterSet, day: date) -> CostRates:
        used: dict[str, DatedValue] = {}

        def get(name: str) -> Decimal:
            used[name] = params.at(name, day)
            return used[name].value

        def whole(name: str) -> int:
            return int(get(name))

        return cls(
            as_of=day,
            hourly_income_vnd=get("hourly_income_vnd"),
            travel_minutes={lv: whole(f"travel_minutes.{lv}") for lv in LEVELS},
            travel_cost_vnd={lv: whole(f"travel_cost_vnd.{lv}") for lv in LEVELS},
            copy_cost_vnd_per_page=whole("copy_cost_vnd_per_page"),
            certification_fee_first_pages_vnd=whole("certification_fee_first_pages_vnd"),
            certification_fee_next_pages_vnd=whole("certification_fee_next_pages_vnd"),
            certification_fee_cap_vnd=whole("certification_fee_cap_vnd"),
            certification_minutes=whole("certification_minutes"),
            postage_vnd=whole("postage_vnd"),
            cut_target_time=get("cut_target.time"),
            cut_target_cost=get("cut_target.cost"),
            sources=used,
        )
