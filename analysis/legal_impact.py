"""The catalogue as the law stood on a day, and which procedures a legal change touches (pure functions).

`apply_changes` is a reform in the OpenFisca sense: it takes the baseline catalogue and the legal changes and
returns the catalogue as at a day (legal statuses, agencies merged or renamed, procedures moved off an abolished
level, new parameter values and fees). `affected` says which procedures a change touches and why, so that a batch
run re-analyses those only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, MutableMapping, Sequence
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from models.catalogue import Catalogue, Procedures, in_force, index_of
from models.change import (
    FeeChange,
    ImpactReason,
    LegalChange,
    LegalTextChange,
    MergeAgencies,
    MoveLevel,
    ParameterChange,
    RenameAgency,
)
from models.common import LEVEL_LABELS_VI, Level, level_in_sentence
from models.parameters import Parameter, ParameterSet
from models.procedure import CHANNEL_LABELS_VI, Channel, Fee, Procedure, RecordIndex, Step
from models.registry import Agency, LegalDocument

OP_VERBS_VI = {"amend": "sửa đổi, bổ sung", "replace": "thay thế", "repeal": "bãi bỏ"}
_ENDED = ("replaced", "repealed", "expired")


# Legal statuses on a day


def _first_amended(registry: dict[str, LegalDocument]) -> dict[str, date]:
    """Number → the day the first amending text of the registry took effect."""
    first: dict[str, date] = {}
    for other in registry.values():
        for target in other.amends:
            first[target] = min(first.get(target, other.effective), other.effective)
    return first


def legal_status_on(
    doc: LegalDocument, day: date, registry: dict[str, LegalDocument], *, amended_from: dict[str, date] | None = None,
) -> LegalDocument:
    """The registry record as it stood on `day`: not yet in force, in force, amended, or ended.

    The registry records today's status; a day before the text ended shows it in force (amended when an amending
    text of the registry was already in force).
    """
    amended_from = _first_amended(registry) if amended_from is None else amended_from
    if day < doc.effective:
        status = "not_yet"
    elif doc.ended is not None and day >= doc.ended:
        status = doc.status if doc.status in _ENDED else "expired"
    elif doc.number in amended_from:
        status = "amended" if amended_from[doc.number] <= day else "in_force"
    elif doc.status in _ENDED or doc.status == "not_yet":
        status = "in_force"
    else:
        status = doc.status
    return doc if status == doc.status else doc.model_copy(update={"status": status})


# Applying changes


def catalogue_as_of(catalogue: Catalogue, changes: Iterable[LegalChange], day: date) -> Catalogue:
    """The catalogue as the law stood on `day`: `apply_changes` under the name `tthc analyze --as-of` uses."""
    return apply_changes(catalogue, changes, day)


def apply_changes(catalogue: Catalogue, changes: Iterable[LegalChange], as_of: date) -> Catalogue:
    """The catalogue with every change in effect on `as_of` applied, in order of effective date.

    Legal texts get their status on the day; agencies merged, renamed or of an abolished level are marked abolished
    with their successor, and the procedures naming them name the successor; procedures of an abolished level take
    their new level; new parameter values and fees apply. Changes effective after `as_of` are ignored.
    Procedures keep their citations: a citation of a text no longer in force is for staff to review (`affected`).
    """
    changes = list(changes)
    legal = legal_as_of(catalogue.legal, changes, as_of)
    agencies = dict(catalogue.agencies)
    procedures = copy_procedures(catalogue.procedures)
    _records_on(procedures, as_of)
    parameters = dict(catalogue.parameters.parameters)
    in_effect = sorted((c for c in changes if c.effective <= as_of), key=lambda c: (c.effective, c.id))
    for change in in_effect:
        for op in change.operations:
            if isinstance(op, MergeAgencies):
                mapping = dict.fromkeys(op.agencies, op.into)
                wording = agency_wording(mapping, agencies)
                _retire_agencies(mapping, change.effective, agencies)
                _rename_in_procedures(procedures, mapping, wording)
            elif isinstance(op, RenameAgency):
                old, new_id = agencies.get(op.agency), op.new_id or op.agency
                if op.new_id is not None:
                    _retire_agencies({op.agency: op.new_id}, change.effective, agencies)
                if new_id in agencies:
                    agencies[new_id] = agencies[new_id].model_copy(update={"name": op.name})
                mapping = {op.agency: new_id}
                before = {op.agency: old} if old is not None else {}
                _rename_in_procedures(procedures, mapping, agency_wording(mapping, before, agencies))
            elif isinstance(op, MoveLevel):
                _apply_move(op, change.effective, agencies, procedures)
            elif isinstance(op, ParameterChange):
                parameters[op.name] = _with_values(parameters.get(op.name), op)
            elif isinstance(op, FeeChange):
                for code in op.procedures:
                    if code in procedures:
                        procedures[code] = _with_fee(procedures[code], op)
    return Catalogue(procedures, agencies, legal, ParameterSet(parameters=parameters), dict(catalogue.extras))


def _records_on(procedures: MutableMapping[str, Procedure], as_of: date) -> None:
    """The records as they stood on `as_of`: a record that replaces others (`replaces`) and was published after that
    day was not the procedure yet, the records it replaces were. So where those are kept in the catalogue (as
    abolished), they are in force on that day and it is left out: the fee change of 1/1/2026 reached 1.012575, which
    1.115970 replaced on 22/7/2026. A record whose predecessors are not kept stays, rather than leave a gap. Read from
    the records' indexes: nothing is decoded but the records put back in force."""
    for code in list(procedures):
        index = index_of(procedures, code)
        if index.published is None or index.published <= as_of:
            continue
        kept = [old for old in index.replaces if old in procedures]
        if not kept:
            continue
        del procedures[code]
        for old in kept:
            if index_of(procedures, old).status == "abolished":
                procedures[old] = procedures[old].model_copy(update={"status": "in_force"})


def legal_as_of(
    registry: dict[str, LegalDocument], changes: Iterable[LegalChange], as_of: date,
) -> dict[str, LegalDocument]:
    """The legal registry as it stood on `as_of`: statuses from the registry's dates, then the text changes in
    effect (amended, replaced, repealed, with the amending and replacing texts linked)."""
    amended_from = _first_amended(registry)
    legal = {number: legal_status_on(doc, as_of, registry, amended_from=amended_from) for number, doc in registry.items()}
    for change in sorted((c for c in changes if c.effective <= as_of), key=lambda c: (c.effective, c.id)):
        for op in change.operations:
            if isinstance(op, LegalTextChange):
                _apply_text_change(op, change.effective, legal)
    return legal


def copy_procedures(procedures: MutableMapping[str, Procedure]) -> MutableMapping[str, Procedure]:
    """A copy that leaves records read from the compiled cache still encoded (decoding 100,000 costs minutes)."""
    return procedures.copy() if isinstance(procedures, Procedures) else dict(procedures)


def _apply_text_change(op: LegalTextChange, effective: date, legal: dict[str, LegalDocument]) -> None:
    doc = legal.get(op.text)
    if doc is not None:
        if op.op == "amend":
            if doc.status not in _ENDED:
                legal[op.text] = doc.model_copy(update={"status": "amended"})
        else:
            ended = effective if doc.ended is None or doc.ended > effective else doc.ended
            status = "replaced" if op.op == "replace" else "repealed"
            legal[op.text] = doc.model_copy(update={"status": status, "ended": ended})
    new = legal.get(op.by) if op.by else None
    if new is not None:
        link = "amends" if op.op == "amend" else "replaces"
        if op.op != "repeal" and op.text not in getattr(new, link):
            legal[new.number] = new.model_copy(update={link: [*getattr(new, link), op.text]})


def _retire_agencies(mapping: dict[str, str], effective: date, agencies: dict[str, Agency]) -> None:
    for old, new in mapping.items():
        agency = agencies.get(old)
        if agency is not None:
            agencies[old] = agency.model_copy(update={"successor": new, "abolished": agency.abolished or effective})


def _rename(agency: str, mapping: dict[str, str]) -> str:
    return mapping.get(agency, agency)


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


# How records write an agency's name besides the registry's words.
_SHORT_FORMS = (("Ủy ban nhân dân", "UBND"), ("Uỷ ban nhân dân", "UBND"))


def _forms(name: str) -> list[str]:
    """The ways a step name may write the agency called `name`: the name, its two parts when it carries another
    name in brackets («Phòng Tài chính - Kế hoạch cấp huyện (Cơ quan đăng ký kinh doanh cấp huyện)»), and each with
    «Ủy ban nhân dân» shortened to «UBND»."""
    forms = [name]
    if match := re.fullmatch(r"(.+?)\s*\((.+)\)", name):
        forms += [match.group(2), match.group(1)]
    for long, short in _SHORT_FORMS:
        forms += [f.replace(long, short) for f in forms if long in f]
    return forms


def agency_wording(mapping: dict[str, str], before: dict[str, Agency], after: dict[str, Agency] | None = None) -> dict[str, str]:
    """How step names should now read for the agencies of `mapping` (old id → new id): each way of writing the old
    agency's name (`before`, the registry before the change) → the new agency's name (`after`, default `before`),
    shortened as it was. Steps keep the source's words in `verbatim`; their names say who acts today, so that a
    step moved to the commune is not still called «… UBND cấp huyện»."""
    after = before if after is None else after
    wording: dict[str, str] = {}
    for old_id, new_id in mapping.items():
        old, new = before.get(old_id), after.get(new_id)
        if old is None or new is None or old.name == new.name:
            continue
        for form in _forms(old.name):
            short = next((s for long, s in _SHORT_FORMS if s in form and long not in form), None)
            wording.setdefault(form, new.name.replace("Ủy ban nhân dân", short) if short else new.name)
    return wording


@cache
def _forms_pattern(forms: frozenset[str]) -> re.Pattern[str]:
    longest_first = sorted(forms, key=len, reverse=True)  # the whole name before its parts
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in longest_first) + r")(?!\w)")


def _reworded(name: str, wording: dict[str, str]) -> str:
    if not wording:
        return name
    return _forms_pattern(frozenset(wording)).sub(lambda m: wording[m.group(0)], name)


def _renamed_step(step: Step, mapping: dict[str, str], wording: dict[str, str]) -> Step:
    name = _reworded(step.name, wording)
    if step.actor not in mapping and step.office not in mapping and name == step.name:
        return step
    office = _rename(step.office, mapping) if step.office else step.office
    return step.model_copy(update={"actor": _rename(step.actor, mapping), "office": office, "name": name})


def rename_agencies(procedure: Procedure, mapping: dict[str, str], wording: dict[str, str] | None = None) -> Procedure:
    """The procedure with every agency it names (roles, step actors and offices, document issuers) renamed, and the
    step names that write an old agency's name reworded by `wording` (`agency_wording`)."""
    if not mapping or not (procedure.agencies_named & mapping.keys()):
        return procedure
    a = procedure.agencies
    roles = a.model_copy(update={
        "competent": _unique(_rename(x, mapping) for x in a.competent),
        "implementing": _unique(_rename(x, mapping) for x in a.implementing),
        "coordinating": _unique(_rename(x, mapping) for x in a.coordinating),
    })
    steps = [_renamed_step(s, mapping, wording or {}) for s in procedure.steps]
    documents = [
        d.model_copy(update={"issuer": d.issuer.model_copy(update={"agency": _rename(d.issuer.agency, mapping)})})
        if d.issuer.agency in mapping else d
        for d in procedure.documents
    ]
    return procedure.model_copy(update={"agencies": roles, "steps": steps, "documents": documents})


def _rename_in_procedures(procedures: MutableMapping[str, Procedure], mapping: dict[str, str],
                          wording: dict[str, str]) -> None:
    for code in list(procedures):
        if index_of(procedures, code).agencies & mapping.keys():  # only these are decoded
            procedures[code] = rename_agencies(procedures[code], mapping, wording)


def move_mapping(op: MoveLevel, agencies: dict[str, Agency]) -> dict[str, str]:
    """Agency of the abolished level → the agency taking its work (the change's mapping, else the successor)."""
    mapping = {a.id: a.successor for a in agencies.values() if a.level == op.from_level and a.successor}
    mapping.update(op.agencies)
    return mapping


def new_levels(procedure: Procedure, op: MoveLevel, mapping: dict[str, str], agencies: dict[str, Agency]) -> list[Level]:
    """The levels of a procedure after `op`: the abolished level becomes the level of the agency now deciding it."""
    if op.from_level not in procedure.levels:
        return list(procedure.levels)
    target: Level | None = op.procedures.get(procedure.code)
    if target is None:
        for agency in procedure.agencies.competent:
            successor = agencies.get(mapping.get(agency, ""))
            if successor is not None and successor.level != op.from_level:
                target = successor.level
                break
    destination: Level = target or op.to_level
    return _unique(destination if lv == op.from_level else lv for lv in procedure.levels)  # type: ignore[return-value]


def _apply_move(op: MoveLevel, effective: date, agencies: dict[str, Agency], procedures: MutableMapping[str, Procedure]) -> None:
    mapping = move_mapping(op, agencies)
    wording = agency_wording(mapping, agencies)
    for code in list(procedures):
        refs = index_of(procedures, code)
        if op.from_level not in refs.levels and not refs.agencies & mapping.keys():
            continue  # untouched: left as it is, still encoded when read from the cache
        procedure = moved = procedures[code]
        if op.from_level in procedure.levels:
            moved = moved.model_copy(update={"levels": new_levels(procedure, op, mapping, agencies)})
        moved = rename_agencies(moved, mapping, wording)
        if moved is not procedure:
            procedures[code] = moved
    _retire_agencies(mapping, effective, agencies)
    for agency in list(agencies.values()):
        if agency.level == op.from_level and agency.abolished is None:
            agencies[agency.id] = agency.model_copy(update={"abolished": effective})


def _with_values(parameter: Parameter | None, op: ParameterChange) -> Parameter:
    starts = {v.start for v in op.values}
    if parameter is None:
        return Parameter(name=op.name, description=op.description or op.name, unit=op.unit or "-", values=op.values)
    kept = [v for v in parameter.values if v.start not in starts]
    return parameter.model_copy(update={"values": sorted([*kept, *op.values], key=lambda v: v.start)})


def _same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _with_fee(procedure: Procedure, op: FeeChange) -> Procedure:
    channels: list[Channel] = []
    for channel in procedure.channels:
        if channel.kind == op.channel:
            fees: list[Fee] = []
            found = False
            for fee in channel.fees:
                if _same_name(fee.name, op.fee):
                    found = True
                    # The record's note explained the old amount: the fee now carries the change's note.
                    update: dict[str, object] = {"amount_vnd": op.amount_vnd, "note": op.note}
                    if op.legal_basis:
                        update["legal_basis"] = op.legal_basis
                    fee = fee.model_copy(update=update)
                fees.append(fee)
            if not found:
                fees.append(Fee(kind=op.kind, name=op.fee, amount_vnd=op.amount_vnd, note=op.note,
                                legal_basis=op.legal_basis))
            channel = channel.model_copy(update={"fees": fees})
        channels.append(channel)
    return procedure.model_copy(update={"channels": channels})


# Citations within the articles a change names


_ARTICLE = re.compile(r"Điều\s+(\d+[a-zđ]?)", re.IGNORECASE)


def _article_keys(articles: Iterable[str]) -> set[str]:
    """`khoản 1 Điều 11` → `Điều 11`: two citations overlap when they name the same article."""
    keys = set()
    for article in articles:
        found = _ARTICLE.search(article)
        keys.add(f"Điều {found.group(1)}" if found else article.strip().casefold())
    return keys


def citation_touched(cited: Sequence[str], changed: Sequence[str]) -> bool:
    """Whether a citation of articles `cited` falls within a change to articles `changed` of its text (either
    empty: the whole text)."""
    if not changed or not cited:
        return True
    return bool(_article_keys(cited) & _article_keys(changed))


# Which procedures a change touches


def related_texts(legal: dict[str, LegalDocument], number: str, exclude: Iterable[str] = ()) -> dict[str, str]:
    """Texts whose content changes with `number`, with why: texts that amend or replace it (transitively, through
    chains), and texts it amends (their consolidated version changes with it)."""
    changed_by: dict[str, list[str]] = defaultdict(list)
    for doc in legal.values():
        for target in (*doc.amends, *doc.replaces):
            changed_by[target].append(doc.number)
    related: dict[str, str] = {}
    skip = {number, *exclude}
    frontier = [number]
    while frontier:
        current = frontier.pop()
        for newer in changed_by.get(current, ()):
            if newer not in related and newer not in skip:
                doc = legal[newer]
                verb = "sửa đổi" if current in doc.amends else "thay thế"
                related[newer] = f"văn bản {verb} {current}"
                frontier.append(newer)
    source = legal.get(number)
    for older in source.amends if source else ():
        if older not in related and older not in skip:
            related[older] = f"được sửa đổi bởi {number}"
    return related


def _label(doc: LegalDocument | None, number: str) -> str:
    return number if doc is None else f"{number} ({doc.title})"


def ended_between(before: dict[str, LegalDocument], after: dict[str, LegalDocument], day: date) -> set[str]:
    """Legal texts in force the day before `day` (in the registry `before`) and not in force on `day` (`after`)."""
    previous = day - timedelta(days=1)
    amended_from = _first_amended(before)
    return {
        number for number, doc in after.items()
        if not doc.in_force_on(day) and number in before
        and legal_status_on(before[number], previous, before, amended_from=amended_from).in_force_on(previous)
    }


def affected(catalogue: Catalogue, change: LegalChange) -> dict[str, list[ImpactReason]]:
    """The procedures `change` touches, each with the reasons, by code.

    - a legal text amended, replaced or repealed: procedures citing it (procedure, step, document or fee legal
      basis; within the articles changed when the change names them), or citing a text linked to it by an
      amends/replaces chain;
    - agencies merged, renamed or of an abolished level: procedures naming them; procedures of that level;
    - a new cost parameter: every procedure; a fee: the procedures named;
    - any procedure citing a text that stops being in force on the effective day needs a new review.

    A record published on or after the effective day (`Provenance.published`) already states the procedure under the
    change: its legal texts and agencies are not checked against it (a new cost parameter or a fee the change names
    still applies). A record already abolished is not touched: nobody does that procedure any more.
    """
    reasons: dict[str, list[ImpactReason]] = defaultdict(list)

    def add(code: str, kind: str, ref: str, text: str) -> None:
        reason = ImpactReason.model_validate({"kind": kind, "change": change.id, "ref": ref, "text": text})
        if reason not in reasons[code]:
            reasons[code].append(reason)

    legal = catalogue.legal
    text_ops = [op for op in change.operations if isinstance(op, LegalTextChange)]
    ended = ended_between(legal, legal_as_of(legal, [change], change.effective), change.effective)
    watched: dict[str, list[tuple[str, LegalTextChange, str]]] = defaultdict(list)
    """Cited number → (kind, operation, why) for every text whose change matters."""
    for text_op in text_ops:
        watched[text_op.text].append(("cites_text", text_op, ""))
        for number, why in related_texts(legal, text_op.text, exclude=[text_op.by] if text_op.by else []).items():
            watched[number].append(("cites_related_text", text_op, why))

    agency_reasons: dict[str, tuple[str, str]] = {}
    level_moves: list[tuple[MoveLevel, dict[str, str]]] = []
    for op in change.operations:
        if isinstance(op, MergeAgencies):
            for old in op.agencies:
                agency_reasons[old] = ("agency", f"cơ quan «{_agency_name(catalogue, old)}» hợp nhất vào «{_agency_name(catalogue, op.into)}»")
        elif isinstance(op, RenameAgency):
            target = f" (mã mới {op.new_id})" if op.new_id else ""
            agency_reasons[op.agency] = ("agency", f"cơ quan «{_agency_name(catalogue, op.agency)}» đổi tên thành «{op.name}»{target}")
        elif isinstance(op, MoveLevel):
            mapping = move_mapping(op, catalogue.agencies)
            level_moves.append((op, mapping))
            for agency in catalogue.agencies.values():
                if agency.level != op.from_level:
                    continue
                if agency.id in mapping:
                    agency_reasons[agency.id] = ("agency", f"{LEVEL_LABELS_VI[op.from_level]} kết thúc hoạt động: việc của «{agency.name}» chuyển cho «{_agency_name(catalogue, mapping[agency.id])}»")
                else:
                    agency_reasons[agency.id] = ("no_successor", f"{LEVEL_LABELS_VI[op.from_level]} kết thúc hoạt động: «{agency.name}» chưa có cơ quan tiếp nhận, cần rà soát")

    procedures = catalogue.procedures
    current = in_force(procedures)
    earlier: list[str] = []  # the records a text or agency change can touch; a fee or parameter change reads none
    if watched or ended or agency_reasons or level_moves:
        earlier = [code for code in current if not _published_by(index_of(procedures, code), change.effective)]
    if watched or ended:
        for code in earlier:
            # Where in the record each text is cited, grouped so that a text cited in ten places reads as one reason.
            places: dict[tuple[str, str, int], list[str]] = defaultdict(list)
            for where, ref, cited in index_of(procedures, code).citations:
                for i, (kind, watched_op, _) in enumerate(watched.get(ref, ())):
                    if kind == "cites_text" and not citation_touched(cited, watched_op.articles):
                        continue
                    places[(kind, ref, i)].append(where)
                if ref in ended:
                    places[("not_in_force", ref, -1)].append(where)
            for (kind, ref, i), wheres in places.items():
                where = ", ".join(dict.fromkeys(wheres))
                if kind == "not_in_force":
                    add(code, kind, ref, f"{where} viện dẫn {ref}, hết hiệu lực từ {change.effective:%d/%m/%Y}: cần "
                                         "rà soát căn cứ pháp lý")
                    continue
                _, watched_op, why = watched[ref][i]
                changed = watched_op.articles if kind == "cites_text" else []
                articles = f" ({', '.join(changed)})" if changed else ""
                verb = OP_VERBS_VI[watched_op.op]
                by = f" bởi {watched_op.by}" if watched_op.by else ""
                if kind == "cites_text":
                    text = f"{where} viện dẫn {_label(legal.get(ref), ref)}, được {verb}{articles}{by}"
                else:
                    text = f"{where} viện dẫn {ref} ({why}); {watched_op.text} được {verb}{by}"
                add(code, kind, ref, text)

    if agency_reasons or level_moves:
        for code in earlier:
            refs = index_of(procedures, code)
            for move, mapping in level_moves:
                if move.from_level in refs.levels:
                    procedure = procedures[code]
                    moved = new_levels(procedure, move, mapping, catalogue.agencies)
                    targets = [level_in_sentence(lv) for lv in moved if lv not in procedure.levels] or ["cấp khác"]
                    add(code, "level", move.from_level,
                        f"thủ tục {level_in_sentence(move.from_level)} chuyển sang {', '.join(targets)}")
            for agency_id in sorted(refs.agencies & agency_reasons.keys()):
                kind, text = agency_reasons[agency_id]
                add(code, kind, agency_id, text)

    for op in change.operations:
        if isinstance(op, ParameterChange):
            first = min(op.values, key=lambda v: v.start)
            for code in current:
                add(code, "parameter", op.name,
                    f"tham số chi phí «{op.name}» có giá trị mới {first.value} từ {first.start:%d/%m/%Y}")
        elif isinstance(op, FeeChange):
            for code in op.procedures:
                if code in current:
                    add(code, "fee", op.fee,
                        f"«{op.fee}» ({CHANNEL_LABELS_VI[op.channel]}) thành {op.amount_vnd:,} đ".replace(",", "."))
    return {code: reasons[code] for code in sorted(reasons)}


class Amendment(NamedTuple):
    """A legal change in force that touches a procedure, and how (what the procedure's page says of it)."""

    change: LegalChange
    reasons: list[ImpactReason]

    @property
    def what(self) -> str:
        """What the change did to the procedure, in words (each reason once)."""
        return "; ".join(dict.fromkeys(r.text for r in self.reasons))


def amendments_in_force(catalogue: Catalogue, changes: Iterable[LegalChange], day: date) -> dict[str, list[Amendment]]:
    """By procedure code, each change in effect on `day` that touches the procedure (`affected`, on the catalogue
    with the other changes in effect when it took effect), in order of effective date. New cost parameters are left
    out: they change every procedure's figures, not the procedure."""
    every = list(changes)
    return _amendments(catalogue, every, [c for c in every if c.effective <= day])


def amendments_ahead(catalogue: Catalogue, changes: Iterable[LegalChange], day: date) -> dict[str, list[Amendment]]:
    """As `amendments_in_force`, for the changes announced to take effect after `day`: what a page tells its reader
    is about to change (a reduced charge that ends, an office that will take over)."""
    every = list(changes)
    return _amendments(catalogue, every, [c for c in every if c.effective > day])


def _amendments(catalogue: Catalogue, changes: list[LegalChange], chosen: list[LegalChange]) -> dict[str, list[Amendment]]:
    out: dict[str, list[Amendment]] = {}
    for change in sorted(chosen, key=lambda c: (c.effective, c.id)):
        before = apply_changes(catalogue, [c for c in changes if c.id != change.id], change.effective)
        for code, reasons in affected(before, change).items():
            kept = [r for r in reasons if r.kind != "parameter"]
            if kept:
                out.setdefault(code, []).append(Amendment(change, kept))
    return out


def _published_by(index: RecordIndex, day: date) -> bool:
    """Whether the record was published on or after `day`, so states the procedure under the law of that day."""
    return index.published is not None and index.published >= day


def _agency_name(catalogue: Catalogue, agency_id: str) -> str:
    agency = catalogue.agencies.get(agency_id)
    return agency.name if agency else agency_id


__all__ = [
    "Amendment",
    "affected",
    "agency_wording",
    "amendments_ahead",
    "amendments_in_force",
    "apply_changes",
    "catalogue_as_of",
    "citation_touched",
    "ended_between",
    "legal_as_of",
    "legal_status_on",
    "move_mapping",
    "new_levels",
    "related_texts",
    "rename_agencies",
]
