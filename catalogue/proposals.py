"""Simplification plans on disk (data/proposals/*.yaml): load them with file / line / field errors, check them
against the catalogue, and write the drafts `tthc suggest` makes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from analysis.consistency import unknown_agency, unknown_text
from analysis.plan import PlanError, apply_entry
from catalogue.console import num, vnd
from catalogue.loader import validate_record
from catalogue.problems import Problem, cannot_read, field_path
from catalogue.yamlio import Parsed, YamlError, dump_yaml, load_yaml_file
from models.catalogue import Catalogue, replaced_note
from models.findings import Finding
from models.procedure import Procedure
from models.proposal import FEWER_PAPERS, Operation, ProcedureChanges, Proposal

Location = tuple[int | str, ...]


def load_proposal_file(path: Path) -> tuple[Proposal | None, Parsed | None, list[Problem]]:
    """Read and validate one proposal file; problems name the file, line and field."""
    try:
        parsed = load_yaml_file(path)
    except YamlError as exc:
        return None, None, [Problem(path, exc.line, "", exc.message)]
    except OSError as exc:
        return None, None, [Problem(path, None, "", cannot_read(exc))]
    if not isinstance(parsed.data, dict):
        return None, parsed, [Problem(path, 1, "", "tệp phương án phải gồm các cặp «tên: giá trị» (id, title, procedures...)")]
    proposal, problems = validate_record(Proposal, parsed.data, path, parsed)
    return proposal, parsed, problems


def _at(path: Path, parsed: Parsed | None, location: Location, message: str, severity: str = "error") -> Problem:
    line = parsed.line_of(location) if parsed is not None else None
    return Problem(path, line, field_path(location), message, severity)  # type: ignore[arg-type]


def _references(changes: ProcedureChanges, base: Location, catalogue: Catalogue, path: Path,
                parsed: Parsed | None) -> list[Problem]:
    """Agencies and legal texts the operations name must exist in the registries."""
    out: list[Problem] = []
    for k, op in enumerate(changes.operations):
        loc = (*base, "operations", k)
        for attr in ("desk", "agency"):
            agency = getattr(op, attr, None)
            if agency is not None and agency not in catalogue.agencies:
                out.append(_at(path, parsed, (*loc, attr), unknown_agency(agency)))
        for j, change in enumerate(op.legal_change or ()):
            if change.ref not in catalogue.legal:
                out.append(_at(path, parsed, (*loc, "legal_change", j, "ref"),
                               unknown_text(change.ref), "warning"))
    return out


def repealed_basis(procedure: Procedure, catalogue: Catalogue, day: date) -> list[str]:
    """The procedure's legal bases, when every one of them known to the registry is out of force on `day`."""
    known = [catalogue.legal[c.ref] for c in procedure.legal_basis if c.ref in catalogue.legal]
    if known and not any(d.in_force_on(day) for d in known):
        return [d.number for d in known]
    return []


def check_proposal(proposal: Proposal, catalogue: Catalogue, path: Path, parsed: Parsed | None,
                   day: date | None = None, every: Mapping[str, Procedure] | None = None,
                   unreadable: Collection[str] = ()) -> list[Problem]:
    """Every problem of a valid-looking proposal against the catalogue: unknown or abolished procedures, procedures
    whose legal bases are all repealed on `day`, operations that cannot apply, unknown agencies and legal texts.

    `every`: the whole catalogue's procedures when `catalogue` was narrowed to the plan's, so that a code that left
    the catalogue is answered with the record that replaced it. `unreadable`: codes whose files failed to load."""
    day = day or date.today()
    out: list[Problem] = []
    for i, changes in enumerate(proposal.procedures):
        base: Location = ("procedures", i)
        try:
            before, _ = apply_entry(changes, i, catalogue)
        except PlanError as exc:
            cause = exc.__cause__
            index = getattr(cause, "index", None)
            loc = (*base, "operations", index) if index is not None else (*base, "code")
            message = getattr(cause, "message", exc.message)
            if index is not None:  # the field path says which operation; the message says what it does
                message = f"{changes.code}, {getattr(cause, 'kind', '')}: {message}"
            elif changes.code in unreadable:
                message = f"không đọc được tệp của thủ tục {changes.code}: xem các lỗi trong tệp đó"
            elif changes.code not in catalogue.procedures:
                message += replaced_note(every if every is not None else catalogue.procedures, changes.code)
            out.append(_at(path, parsed, loc, message))
            continue
        repealed = repealed_basis(before, catalogue, day)
        if repealed:
            out.append(_at(path, parsed, (*base, "code"),
                           f"thủ tục {changes.code} chỉ dựa trên văn bản đã hết hiệu lực vào ngày {day:%d/%m/%Y} "
                           f"({', '.join(repealed)}): thủ tục đã bị bãi bỏ, không còn gì để đơn giản hóa"))
        out += _references(changes, base, catalogue, path, parsed)
    return out


def proposal_files(data: Path) -> list[Path]:
    folder = data / "proposals"
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) if folder.is_dir() else []


def load_proposals(data: Path, catalogue: Catalogue, day: date | None = None,
                   unreadable: Collection[str] = ()) -> tuple[dict[str, Proposal], list[Problem]]:
    """Every proposal under data/proposals/, by id, with the problems of each file (checked against `catalogue`;
    `unreadable`: codes whose files failed to load)."""
    proposals: dict[str, Proposal] = {}
    where: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in proposal_files(data):
        proposal, parsed, found = load_proposal_file(path)
        problems += found
        if proposal is None:
            continue
        if proposal.id in proposals:
            problems.append(_at(path, parsed, ("id",), f"phương án {proposal.id!r} được khai báo hai lần (lần đầu ở {where[proposal.id]})"))
            continue
        if path.stem != proposal.id:
            problems.append(_at(path, parsed, ("id",), f"tệp tên {path.name} nhưng chứa phương án {proposal.id}: đổi tên thành {proposal.id}.yaml"))
        proposals[proposal.id] = proposal
        where[proposal.id] = path
        problems += check_proposal(proposal, catalogue, path, parsed, day, unreadable=unreadable)
    return proposals, problems


# -- drafts ----------------------------------------------------------------------------------------------------

def _prune(value: Any) -> Any:
    """Drop empty values so a draft shows only what matters (the operation's `op` always stays, and so does an
    empty `legal_change`: it says that no legal text must change, where a missing one says nothing)."""
    if isinstance(value, dict):
        kept = {k: _prune(v) for k, v in value.items()
                if k == "op" or v not in ("", [], {}, None) or (k == "legal_change" and v == [])}
        return {"op": kept.pop("op"), **kept} if "op" in kept else kept
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def operations_data(operations: list[Operation]) -> list[dict[str, Any]]:
    return [_prune(op.model_dump(mode="json")) for op in operations]


def draft_yaml(proposal: Proposal, findings: list[Finding]) -> str:
    """A proposal as YAML for staff to edit, headed by a comment listing the findings it comes from."""
    head = [
        "# Bản nháp phương án đơn giản hóa, lập tự động từ kết quả rà soát (tthc suggest).",
        "# Cán bộ kiểm soát TTHC cần: kiểm tra từng thao tác, bổ sung căn cứ (sources), tác giả, kiến nghị thực thi.",
        "# Các phát hiện, xếp theo chi phí tiết kiệm được mỗi năm:",
    ]
    for f in findings:
        saving = f"{vnd(f.annual_saving_vnd)}/năm" if f.saving else "cần xem xét"
        if f.saving_working_days:  # a fix that saves time, not money, says so rather than "0 đ/năm"
            saving += f", {num(f.saving_working_days)} ngày làm việc"
        papers = sum(op.op in FEWER_PAPERS for op in f.suggestion)
        if papers:  # and so does one that takes papers out of the dossier
            saving += f", bớt {papers} thành phần hồ sơ"
        head.append(f"#  - [{f.rule}] {f.title}: {saving}")
    data = _prune(proposal.model_dump(mode="json"))
    return "\n".join(head) + "\n" + dump_yaml(data)
