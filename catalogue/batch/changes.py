"""Reading legal changes (data/changes/*.yaml) and checking that what they name exists in the catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from analysis.consistency import unknown_agency, unknown_procedure, unknown_text
from analysis.legal_impact import Amendment, amendments_ahead, amendments_in_force, catalogue_as_of
from catalogue.loader import validate_record
from catalogue.problems import CatalogueError, Problem, cannot_read, field_path
from catalogue.yamlio import Parsed, YamlError, load_yaml_file, parse_yaml
from models.catalogue import Catalogue, group_of, only
from models.change import FeeChange, LegalChange, LegalTextChange, MergeAgencies, MoveLevel, RenameAgency
from models.procedure import Procedure

Location = tuple[int | str, ...]


@dataclass
class LoadedChanges:
    changes: list[LegalChange] = field(default_factory=list)
    origins: dict[str, tuple[Path, Parsed]] = field(default_factory=dict)
    """Change id → the file it came from and its parsed YAML (for lines)."""
    problems: list[Problem] = field(default_factory=list)

    def by_id(self) -> dict[str, LegalChange]:
        return {c.id: c for c in self.changes}

    def locate(self, change_id: str, location: Location) -> tuple[Path, int | None]:
        path, parsed = self.origins[change_id]
        return path, parsed.line_of(location)


def changes_folder(data: Path) -> Path:
    return data / "changes"


def read_change_text(text: str, path: Path, into: LoadedChanges) -> LegalChange | None:
    """Parse and validate one change file's text; problems (file, line, field) go to `into`."""
    try:
        parsed = parse_yaml(text, path)
    except YamlError as exc:
        into.problems.append(Problem(path, exc.line, "", exc.message))
        return None
    return _validated(parsed, path, into)


def read_change_file(path: Path, into: LoadedChanges) -> LegalChange | None:
    try:
        parsed = load_yaml_file(path)
    except YamlError as exc:
        into.problems.append(Problem(path, exc.line, "", exc.message))
        return None
    except OSError as exc:
        into.problems.append(Problem(path, None, "", cannot_read(exc)))
        return None
    return _validated(parsed, path, into)


def _validated(parsed: Parsed, path: Path, into: LoadedChanges) -> LegalChange | None:
    if not isinstance(parsed.data, dict):
        into.problems.append(Problem(path, 1, "", "tệp thay đổi pháp luật phải gồm các cặp «tên: giá trị» (id, title, effective, sources, operations)"))
        return None
    change, problems = validate_record(LegalChange, parsed.data, path, parsed)
    into.problems += [_without_tag(p, parsed) for p in problems]
    if change is None:
        return None
    if change.id in into.origins:
        first, _ = into.origins[change.id]
        into.problems.append(Problem(path, parsed.line_of(("id",)), "id", f"thay đổi {change.id!r} được khai báo hai lần (lần đầu ở {first})"))
        return None
    into.changes.append(change)
    into.origins[change.id] = (path, parsed)
    return change


_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def _location(field_path_text: str) -> Location:
    """`operations[0].fee.amount_vnd` → ('operations', 0, 'fee', 'amount_vnd')."""
    return tuple(int(i) if i else name for i, name in _PART.findall(field_path_text))


def _without_tag(problem: Problem, parsed: Parsed) -> Problem:
    """Pydantic names the operation's kind in the error location (`operations[0].fee.amount_vnd`): drop it, so
    the field and the line are those the editor wrote."""
    loc = _location(problem.field)
    operations = parsed.data.get("operations") if isinstance(parsed.data, dict) else None
    if len(loc) >= 3 and loc[0] == "operations" and isinstance(loc[1], int) and isinstance(operations, list):
        op = operations[loc[1]] if loc[1] < len(operations) else None
        if isinstance(op, dict) and op.get("op") is not None and loc[2] in (op["op"], "op"):
            if loc[2] != "op":
                loc = (*loc[:2], *loc[3:])
            return Problem(problem.file, parsed.line_of(loc), field_path(loc), problem.message, problem.severity)
    return problem


def load_changes(data: Path) -> LoadedChanges:
    """Every change under `data/changes/`, in file order, with the problems met."""
    loaded = LoadedChanges()
    folder = changes_folder(data)
    if folder.is_dir():
        for path in sorted(p for p in folder.glob("*.yaml") if p.is_file()):
            read_change_file(path, loaded)
    return loaded


def reference_problems(change: LegalChange, catalogue: Catalogue) -> list[tuple[Location, str]]:
    """What `change` names and the catalogue lacks: legal numbers, agencies, procedure codes."""
    out: list[tuple[Location, str]] = []

    def legal(loc: Location, number: str | None) -> None:
        if number is not None and number not in catalogue.legal:
            out.append((loc, unknown_text(number)))

    def agency(loc: Location, agency_id: str) -> None:
        if agency_id not in catalogue.agencies:
            out.append((loc, unknown_agency(agency_id)))

    def procedure(loc: Location, code: str) -> None:
        if code not in catalogue.procedures:
            out.append((loc, unknown_procedure(code)))

    for i, op in enumerate(change.operations):
        at: Location = ("operations", i)
        if isinstance(op, LegalTextChange):
            legal((*at, "text"), op.text)
            legal((*at, "by"), op.by)
        elif isinstance(op, MergeAgencies):
            for j, old in enumerate(op.agencies):
                agency((*at, "agencies", j), old)
            agency((*at, "into"), op.into)
        elif isinstance(op, RenameAgency):
            agency((*at, "agency"), op.agency)
            if op.new_id is not None:
                agency((*at, "new_id"), op.new_id)
        elif isinstance(op, MoveLevel):
            for old, new in op.agencies.items():
                agency((*at, "agencies", old), old)
                agency((*at, "agencies", old), new)
                if old in catalogue.agencies and catalogue.agencies[old].level != op.from_level:
                    out.append(((*at, "agencies", old), f"cơ quan {old!r} không thuộc cấp đã bãi bỏ {op.from_level}"))
                if new in catalogue.agencies and catalogue.agencies[new].level == op.from_level:
                    out.append(((*at, "agencies", old), f"cơ quan {new!r} lại thuộc chính cấp đã bãi bỏ {op.from_level}"))
            for code in op.procedures:
                procedure((*at, "procedures", code), code)
        elif isinstance(op, FeeChange):
            for j, code in enumerate(op.procedures):
                procedure((*at, "procedures", j), code)
            for j, cite in enumerate(op.legal_basis):
                legal((*at, "legal_basis", j, "ref"), cite.ref)
    return out


def change_problems(loaded: LoadedChanges, catalogue: Catalogue) -> list[Problem]:
    """Loading problems of the change files and every reference that does not resolve, with file and line."""
    problems = list(loaded.problems)
    for change in loaded.changes:
        for location, message in reference_problems(change, catalogue):
            path, line = loaded.locate(change.id, location)
            problems.append(Problem(path, line, field_path(location), message))
    return problems


def validate_changes(data: Path, catalogue: Catalogue) -> list[Problem]:
    """`tthc validate`'s check of data/changes/."""
    return change_problems(load_changes(data), catalogue)


def checked_changes(data: Path, catalogue: Catalogue) -> list[LegalChange]:
    """The legal changes of `data/changes/`; CatalogueError names every problem of a broken change file."""
    loaded = load_changes(data)
    problems = change_problems(loaded, catalogue)
    if problems:
        raise CatalogueError(problems)
    return loaded.changes


def catalogue_with_changes(catalogue: Catalogue, data: Path, day: date, codes: Iterable[str] | None = None) -> Catalogue:
    """The catalogue as the law stood on `day`, with the changes of `data/changes/` in effect on that day applied
    (what `tthc analyze`, `propose` and `suggest` read). Raises CatalogueError when a change file is broken.

    With `codes`, only those procedures and the other members of their liên thông groups (what the analysis of
    one procedure reads) are kept: reading one procedure of a national catalogue must not rewrite, and decode,
    every record a reform touches (16 s and 1.4 GB for a merge touching 4% of 100,000 records, against 2.5 s)."""
    read, changes = _read_with_changes(catalogue, data, codes)
    return catalogue_as_of(read, changes, day)


class Amended(NamedTuple):
    """The catalogue as the law stands on a day, and by procedure the changes behind it and those ahead."""

    catalogue: Catalogue
    in_force: dict[str, list[Amendment]]
    """The changes applied to each record and why: the procedure shown may differ from its source."""
    ahead: dict[str, list[Amendment]]
    """The changes announced for a later day that will touch each procedure."""


def amended_catalogue(catalogue: Catalogue, data: Path, day: date, codes: Iterable[str] | None = None) -> Amended:
    """`catalogue_with_changes`, with what a page or `tthc show` notes of the legal changes (`Amended`)."""
    read, changes = _read_with_changes(catalogue, data, codes)
    return Amended(catalogue_as_of(read, changes, day), amendments_in_force(read, changes, day),
                   amendments_ahead(read, changes, day))


def amendment_lines(amended: Amended, code: str, day: date) -> list[str]:
    """What a reader of one procedure is told about the legal changes behind what they see: those in force on `day`
    (the record at its source reads otherwise) and those ahead."""
    lines: list[str] = []
    for heading, amendments in (
            (f"Theo pháp luật tại ngày {day:%d/%m/%Y}; so với bản ghi gốc, các thay đổi đã có hiệu lực:",
             amended.in_force.get(code)),
            ("Sắp thay đổi theo pháp luật đã công bố:", amended.ahead.get(code))):
        if amendments:
            lines.append(heading)
            lines += [f"  - {a.change.title} (hiệu lực {a.change.effective:%d/%m/%Y}): {a.what}" for a in amendments]
    return lines


def _read_with_changes(catalogue: Catalogue, data: Path, codes: Iterable[str] | None,
                       ) -> tuple[Catalogue, list[LegalChange]]:
    """The procedures a command reads (`codes` with their groups, or all) and the checked changes to apply."""
    changes = checked_changes(data, catalogue)
    if codes is not None:
        catalogue = only(catalogue, with_groups(catalogue.procedures, codes))
    return catalogue, changes


def with_groups(procedures: Mapping[str, Procedure], codes: Iterable[str]) -> list[str]:
    """`codes` and the other members of their liên thông groups (read from the record index: nothing decoded)."""
    wanted = [c for c in codes if c in procedures]
    groups = {group_of(procedures, c) for c in wanted} - {None}
    if groups:
        wanted += [c for c in procedures if c not in wanted and group_of(procedures, c) in groups]
    return wanted
