"""Step-graph metrics of one procedure: steps, agencies, hops, contacts, documents, elapsed time, applicant time.

Definitions are in models/analysis.py and docs/method.md. Results are built with `model_construct` (the values
are computed here with the right types), which keeps the batch fast.
"""

from __future__ import annotations

from datetime import date

from analysis.calendar import add_working_days, calendar_days
from analysis.critical_path import days_in_time_limit, implied_edges, longest_paths
from models.analysis import AgencyHop, ApplicantMinutes, CalendarDays, DayRange, Metrics, trusted
from models.catalogue import Catalogue
from models.common import Level
from models.parameters import CostRates
from models.procedure import APPLICANT, NOT_HANDING_OVER, Document, Procedure, Step

EXTERNAL_CHANNELS = frozenset({"in_person", "online", "post"})
STATE_HELD = frozenset({"national_database", "agency"})


def applicant_documents(procedure: Procedure) -> list[Document]:
    """The documents the applicant provides: those an applicant step hands over, those of the dossier that no step
    names (the submission takes them), and those only agency steps take that the state does not hold (an officer
    registering at home collects them) or that the applicant shows. Not the result or a paper the agencies make,
    nor one the state holds that only agency steps read (they look it up), nor one asked only when a lookup fails
    (`fallback`)."""
    handed, made, named = _hands(procedure)
    return [
        d for d in procedure.documents
        if not d.fallback and (
            d.id in handed or d.id not in named
            or (d.id not in made and (d.presented or d.issuer.kind not in STATE_HELD or not d.issuer.held)))
    ]


def _hands(procedure: Procedure) -> tuple[set[str], set[str], set[str]]:
    """(documents an applicant step hands over, documents agency steps make, documents any step names), in one pass:
    the findings cost every suggestion, and this runs on each."""
    handed: set[str] = set()
    made: set[str] = set()
    named: set[str] = set()
    for s in procedure.steps:
        if s.consumes:
            named.update(s.consumes)
            if s.actor == APPLICANT and s.kind not in NOT_HANDING_OVER:
                handed.update(s.consumes)
        if s.produces:
            named.update(s.produces)
            if s.actor != APPLICANT:
                made.update(s.produces)
    return handed, made, named


def agency_papers(procedure: Procedure) -> list[Document]:
    """The documents the agencies make on the way (the result, a tax authority's opinion sent to the registry) that
    no applicant step hands over: not part of the dossier, which lists them apart."""
    handed, made, _ = _hands(procedure)
    return [d for d in procedure.documents if d.id in made and d.id not in handed]


def usual_case_documents(procedure: Procedure) -> list[Document]:
    """The documents the applicant provides (`applicant_documents`) in the usual case: those asked in every case
    (no `case`); when the record lists every document under a case, those of the first case listed (the portal
    lists the general case first)."""
    provided = applicant_documents(procedure)
    if not provided or any(not d.case for d in procedure.documents):
        return [d for d in provided if not d.case]
    first_case = provided[0].case
    return [d for d in provided if d.case == first_case]


def is_contact(step: Step) -> bool:
    """The applicant deals with an agency on this step (or goes to an office for it)."""
    return step.in_person or (step.actor == APPLICANT and step.channel in EXTERNAL_CHANNELS)


def office_level(step: Step, procedure: Procedure, catalogue: Catalogue) -> Level:
    """Level of the office the applicant visits on `step`: the office's agency, else the actor, else the procedure's."""
    office = step.office or (step.actor if step.actor != APPLICANT else None)
    agency = catalogue.agencies.get(office) if office else None
    return agency.level if agency is not None else procedure.levels[0]


def travel_minutes_for(level: Level, catalogue: Catalogue, rates: CostRates | None, day: date | None) -> int:
    """Round-trip minutes to an office of `level`: from resolved rates, else the dated parameter on `day`."""
    if rates is not None:
        return rates.travel_minutes[level]
    if day is None:  # the analysis never reads the clock: the caller says which day's parameters apply
        raise ValueError("travel time needs `rates` or a day to read the parameters at")
    return int(catalogue.parameters.at(f"travel_minutes.{level}", day).value)


def compute_metrics(
    procedure: Procedure, catalogue: Catalogue, start: date | None = None, *, rates: CostRates | None = None,
) -> Metrics:
    """The metrics of `procedure`; calendar days are computed from `start` when given.

    Travel time of an in-person step is the step's own `applicant_time.travel`, else the dated parameter
    `travel_minutes.<level>` of the office's level (from `rates` when given, else resolved on `start`).

    >>> from tests.factories import tiny_procedure
    >>> from tests.analysis_records import catalogue, rates
    >>> m = compute_metrics(tiny_procedure(), catalogue(), rates=rates())
    >>> (m.steps, m.agencies, m.agency_hops, m.applicant_contacts, m.visits, m.elapsed_working_days.likely)
    (3, 1, 0, 2, 2, 2.0)
    """
    steps = procedure.steps
    actor_of = {s.id: s.actor for s in steps}

    agency_ids: list[str] = []
    crossings: list[tuple[str, Step, str, str]] = []  # (before, step, from agency, to agency)
    contacts = visits = 0
    preparation = travel = queue = counter = 0
    for step in steps:
        actor = step.actor
        if actor != APPLICANT and actor not in agency_ids:
            agency_ids.append(actor)
        # Where the dossier or result arrives: the acting agency, or the office where the applicant takes it.
        receiver = actor if actor != APPLICANT else step.office
        if receiver is not None:
            for before in step.after:
                previous = actor_of.get(before, APPLICANT)
                if previous != APPLICANT and previous != receiver:
                    crossings.append((before, step, previous, receiver))
        if is_contact(step):
            contacts += 1
        at = step.applicant_time
        if step.in_person:
            visits += 1
            if at is not None and at.travel is not None:
                travel += at.travel
            else:
                travel += travel_minutes_for(office_level(step, procedure, catalogue), catalogue, rates, start)
        if at is not None:
            preparation += at.preparation
            queue += at.queue
            counter += at.counter

    # An edge another path implies moves nothing; only a step with two predecessors can have one.
    implied = set(implied_edges(steps)) if any(len(step.after) > 1 for _, step, _, _ in crossings) else set()
    hops = [trusted(AgencyHop, {"from_step": before, "to_step": step.id, "from_agency": a, "to_agency": b})
            for before, step, a, b in crossings if (before, step.id) not in implied]

    documents = usual_case_documents(procedure)
    paths = longest_paths(steps)
    # Rounded to 6 decimals so that 0.1 + 0.2 reads 0.3 in reports and JSON.
    low, likely, high = round(paths.low, 6), round(paths.likely, 6), round(paths.high, 6)
    calendar = None
    if start is not None:
        calendar = trusted(CalendarDays, dict(
            start=start, low=calendar_days(start, low), likely=calendar_days(start, likely),
            high=calendar_days(start, high), end_likely=add_working_days(start, likely)))

    return trusted(Metrics, dict(
        steps=len(steps),
        agencies=len(agency_ids),
        agency_ids=agency_ids,
        agency_hops=len(hops),
        hops=hops,
        applicant_contacts=contacts,
        visits=visits,
        documents=len(documents),
        originals=sum(d.originals for d in documents),
        copies=sum(d.copies for d in documents),
        certified_copies=sum(d.certified_copies for d in documents),
        forms=sum(1 for d in documents if d.form),
        payments=sum(1 for f in procedure.main_channel.fees if f.total_vnd > 0),
        elapsed_working_days=trusted(DayRange, dict(low=low, likely=likely, high=high)),
        elapsed_calendar_days=calendar,
        critical_path=list(paths.path),
        applicant_minutes=trusted(ApplicantMinutes, dict(
            preparation=preparation, travel=travel, queue=queue, counter=counter,
            total=preparation + travel + queue + counter)),
        time_limit_working_days=procedure.time_limit_working_days,
        working_days_in_time_limit=days_in_time_limit(procedure),
    ))
