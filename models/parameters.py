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
            raise ValueError(f"tham số {self.name} có hai giá trị bắt đầu cùng một ngày")
        return self

    def at(self, day: date) -> DatedValue:
        """The value in force on `day`; raises LookupError before the first value."""
        current = [v for v in self.values if v.start <= day]
        if not current:
            raise LookupError(f"tham số {self.name} chưa có giá trị vào ngày {day:%d/%m/%Y} (giá trị đầu tiên từ {min(v.start for v in self.values):%d/%m/%Y})")
        return max(current, key=lambda v: v.start)


class ParameterSet(Model):
    """Every dated parameter of the catalogue, by name (`hourly_income_vnd`, `travel_minutes.commune`...)."""

    parameters: dict[str, Parameter]

    def at(self, name: str, day: date) -> DatedValue:
        try:
            return self.parameters[name].at(day)
        except KeyError:
            raise LookupError(f"không có tham số {name!r} trong data/parameters/") from None


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


# German Leitfaden's office tiers mapped onto Vietnamese levels (the SCM preset's travel times).
SCM_TRAVEL_TIERS: dict[str, tuple[Level, ...]] = {
    "municipality": ("commune",), "district": ("district",), "state": ("province", "central"),
}


class ScmTimes(Model):
    """Standard Cost Model standard times (German Leitfaden, minutes) resolved on one day: a cross-check preset.

    Read from dated parameters named `scm.<subject>.<activity>.<complexity>` (e.g. `scm.citizen.familiarise.medium`)
    and travel times `scm.<subject>.travel.<tier or level>` (one way, as the Leitfaden gives them). The Leitfaden's
    business table has no travel, payment or copying times: for a business, activities missing from its table take
    the citizen's value, and `parameter` names the one used.
    """

    as_of: date
    subject: str
    complexity: str
    minutes: dict[str, int]
    """Standard minutes by activity (familiarise, fill_forms, transmit, pay, copy_file...)."""
    parameter: dict[str, str]
    """The parameter each activity's minutes come from."""
    travel_minutes_one_way: dict[Level, int]
    travel_parameter: dict[Level, str]
    """The parameter each level's travel time comes from."""
    sources: dict[str, DatedValue]

    @classmethod
    def from_parameters(cls, params: ParameterSet, day: date, subject: str = "citizen",
                        complexity: str = "medium") -> ScmTimes:
        used: dict[str, DatedValue] = {}
        minutes: dict[str, int] = {}
        names: dict[str, str] = {}
        travel: dict[Level, int] = {}
        travel_names: dict[Level, str] = {}
        for who in dict.fromkeys((subject, "citizen")):  # the subject's own table first, then the citizen's
            prefix = f"scm.{who}."
            for name, parameter in params.parameters.items():
                if not name.startswith(prefix):
                    continue
                parts = name[len(prefix):].split(".")
                if len(parts) != 2:
                    continue
                try:
                    value = parameter.at(day)
                except LookupError:
                    continue
                if parts[0] == "travel":
                    levels = SCM_TRAVEL_TIERS.get(parts[1]) or ((parts[1],) if parts[1] in LEVELS else ())
                    for level in levels:
                        if level not in travel:
                            travel[level] = int(value.value)
                            travel_names[level] = name
                            used[name] = value
                elif parts[1] == complexity and parts[0] not in minutes:
                    minutes[parts[0]] = int(value.value)
                    names[parts[0]] = name
                    used[name] = value
        if not minutes:
            raise LookupError(f"không có thời gian chuẩn SCM nào tên scm.{subject}.<hoạt động>.{complexity} áp dụng vào ngày {day:%d/%m/%Y}")
        return cls(as_of=day, subject=subject, complexity=complexity, minutes=minutes, parameter=names,
                   travel_minutes_one_way=travel, travel_parameter=travel_names, sources=used)
