"""`tthc import`: read files of any supported format, validate against the catalogue, then write YAML.

Nothing is written for a record that fails validation, an existing procedure file is never overwritten without
`force`, and every file goes through `write_atomic`, so the catalogue never holds a half-written record.
"""

from __future__ import annotations

import io
import zipfile
from collections import ChainMap
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from analysis.consistency import check_procedure
from catalogue.files import write_atomic
from catalogue.interchange import safety
from catalogue.interchange.record import ImportedRecord
from catalogue.interchange.safety import InterchangeError, check_size, read_limited
from catalogue.yamlio import YamlError, dump_yaml, parse_yaml
from models.catalogue import Catalogue
from models.procedure import Procedure
from models.registry import Agency, LegalDocument

IMPORTED_REGISTRY = "imported.yaml"
"""Drafted agencies and legal texts go to data/agencies/imported.yaml and data/legal/imported.yaml for review."""


def detect_format(path: Path, data: bytes) -> str:
    """"xlsx", "docx", "eregulations" or "html", by content first and by extension when content is ambiguous."""
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise InterchangeError(path, "tệp nén zip bị hỏng (.docx hoặc .xlsx bị cắt cụt?)") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        raise InterchangeError(path, "tệp zip không phải tệp Word (.docx) hay bảng tính Excel (.xlsx)")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() == ".json" or head[:1] in (b"{", b"["):
        return "eregulations"
    return "html"


def read_file(
    path: Path, catalogue: Catalogue, *, code: str = "", source_url: str = "", retrieved: date | None = None,
) -> list[ImportedRecord]:
    """The records in one file; raises InterchangeError (never another exception) on unreadable input."""
    data = read_limited(path, safety.MAX_WORKBOOK_BYTES if path.suffix.lower() == ".xlsx" else safety.MAX_FILE_BYTES)
    kind = detect_format(path, data)
    if kind != "xlsx":
        check_size(data, path)
    if kind == "xlsx":
        from catalogue.interchange.xlsx import read_workbook

        return read_workbook(path, data)
    if kind == "eregulations":
        from catalogue.interchange.eregulations import import_eregulations

        return import_eregulations(path, data, catalogue, retrieved=retrieved, code=code)
    from catalogue.interchange.portal import import_portal

    return [import_portal(path, data, catalogue, retrieved=retrieved, source_url=source_url, code=code)]


def procedure_yaml(procedure: Procedure) -> str:
    """The YAML of a procedure file, defaults left out, reading back to the same record."""
    body = procedure.model_dump(mode="json", exclude_defaults=True)
    body = {"schema_version": procedure.schema_version, **body}
    return f"# {procedure.name} ({procedure.code}).\n" + dump_yaml(body)


def _registry_yaml(items: list[Agency] | list[LegalDocument]) -> str:
    return dump_yaml([item.model_dump(mode="json", exclude_defaults=True) for item in items])


@dataclass
class Outcome:
    record: ImportedRecord
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: bool = False
    """The record read back equals the catalogue's: its file is kept as the editors wrote it (comments, layout)."""


def validate(record: ImportedRecord, catalogue: Catalogue) -> list[str]:
    """Schema and cross-record errors of an imported record against the catalogue plus its drafted entries."""
    problems: list[str] = []
    text = procedure_yaml(record.procedure)
    try:
        reread = Procedure.model_validate(parse_yaml(text, Path(f"{record.procedure.code}.yaml")).data)
        if reread != record.procedure:
            problems.append("YAML ghi ra đọc lại không ra đúng thủ tục đã nhập")
    except (YamlError, ValidationError) as exc:
        problems.append(f"YAML ghi ra không đọc lại được: {exc}")
    agencies = {**catalogue.agencies, **{a.id: a for a in record.agencies}}
    legal = {**catalogue.legal, **{d.number: d for d in record.legal}}
    # A ChainMap overlays the new record without decoding the cached catalogue's records.
    procedures = ChainMap({record.procedure.code: record.procedure}, catalogue.procedures)
    augmented = replace(catalogue, procedures=procedures, agencies=agencies, legal=legal)
    for found in check_procedure(record.procedure, augmented):
        if found.severity == "error":
            where = ".".join(str(p) for p in found.location)
            problems.append(f"{where}: {found.message}")
    return problems


@dataclass
class ImportReport:
    outcomes: list[Outcome]
    registry_files: list[Path] = field(default_factory=list)
    """The `imported.yaml` registry lists that received drafted agencies or legal texts."""


def write_records(records: list[ImportedRecord], catalogue: Catalogue, data: Path, force: bool = False) -> ImportReport:
    """Validate each record and write the valid ones; registry drafts are appended to the `imported.yaml` lists."""
    outcomes: list[Outcome] = []
    new_agencies: dict[str, Agency] = {}
    new_legal: dict[str, LegalDocument] = {}
    for record in records:
        outcome = Outcome(record, problems=validate(record, catalogue))
        target = data / "procedures" / f"{record.procedure.code}.yaml"
        if target.exists() and catalogue.procedures.get(record.procedure.code) == record.procedure:
            outcome.unchanged = True  # a workbook row nobody edited: rewriting would only lose the file's comments
        elif target.exists() and not force:
            outcome.problems.append(f"{target} đã có: dùng --force để ghi đè")
        if not outcome.problems and not outcome.unchanged:
            write_atomic(target, procedure_yaml(record.procedure).encode())
            outcome.written.append(target)
            new_agencies.update({a.id: a for a in record.agencies if a.id not in catalogue.agencies})
            new_legal.update({d.number: d for d in record.legal if d.number not in catalogue.legal})
        outcomes.append(outcome)
    report = ImportReport(outcomes)
    if new_agencies:
        report.registry_files.append(_append_registry(data / "agencies" / IMPORTED_REGISTRY, Agency, list(new_agencies.values()), "id"))
    if new_legal:
        report.registry_files.append(_append_registry(data / "legal" / IMPORTED_REGISTRY, LegalDocument, list(new_legal.values()), "number"))
    return report


def _append_registry(path: Path, model: Any, items: list[Any], key: str) -> Path:
    existing: list[Any] = []
    if path.exists():
        parsed = parse_yaml(path.read_text(encoding="utf-8"), path)
        existing = [model.model_validate(item) for item in (parsed.data or [])]
    known = {getattr(item, key) for item in existing}
    merged = existing + [item for item in items if getattr(item, key) not in known]
    header = "# Bản nháp do `tthc import` lập từ nguồn của các thủ tục đã nhập: rà soát từng mục rồi mới chuyển vào danh mục.\n"
    write_atomic(path, (header + _registry_yaml(merged)).encode())
    return path
