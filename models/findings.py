"""A redundancy finding: a rule that fired, its evidence, and the saving its suggestion brings."""

from __future__ import annotations

from pydantic import Field

from models.common import Model, Text
from models.proposal import Operation


class Saving(Model):
    """What applying the suggestion saves, computed by re-running the analysis on the changed procedure."""

    working_days_likely: float
    """Cut in the likely elapsed working days (critical path)."""
    per_case_vnd: int
    annual_vnd: int
    fees_vnd: int = 0
    """Of `per_case_vnd`: the fees no longer paid."""
    other_vnd: int = 0
    """Of `per_case_vnd`: the other costs (copies, travel, postage; negative when the change adds one, such as
    posting the result)."""
    time_vnd: int = 0
    """Of `per_case_vnd`: the applicant's time, the rest (`per_case_vnd - fees_vnd - other_vnd`: C1 is rounded once,
    so the parts add up to it exactly)."""


class Finding(Model):
    rule: str
    """Rule id, e.g. `once-only`."""
    title: Text
    """Vietnamese title."""
    explanation: Text = ""
    """Plain Vietnamese: what is redundant and why it can go."""
    code: str = ""
    """The procedure the finding is about."""
    steps: list[str] = []
    documents: list[str] = []
    suggestion: list[Operation] = Field(default_factory=list)
    saving: Saving | None = None
    """None when there is no suggestion to apply (the finding asks for a review by staff)."""

    @property
    def annual_saving_vnd(self) -> int:
        return self.saving.annual_vnd if self.saving else 0

    @property
    def saving_working_days(self) -> float:
        """Working days the suggestion cuts from the critical path; 0 without a suggestion."""
        return self.saving.working_days_likely if self.saving else 0.0
