"""`tthc export` and `tthc import`: exchange the catalogue with other systems (CPSV-AP, BPMN, Excel, eRegulations,
the national database's published records)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import typer
from rich.markup import escape

from catalogue.batch.changes import catalogue_with_changes
from catalogue.commands.options import DATA, parse_day
from catalogue.console import console, errors
from catalogue.files import write_atomic
from catalogue.interchange.record import ImportedRecord
from catalogue.interchange.safety import InterchangeError
from catalogue.store import open_catalogue
from models.catalogue import Catalogue


def _export_cpsv(fmt: str) -> Callable[[Catalogue, list[str], Path | None, str], None]:
    def run(cat: Catalogue, codes: list[str], out: Path | None, base: str) -> None:
        from catalogue.interchange.cpsv import export_cpsv

        data = export_cpsv(cat, codes, fmt, base)
        if out is None:
            console.print(data.decode(), markup=False, soft_wrap=True)
        else:
            write_atomic(out, data)
            console.print(f"Đã ghi {out} ({len(codes)} thủ tục, CPSV-AP 3.2.0 {fmt})", markup=False)
    return run


def _export_bpmn(cat: Catalogue, codes: list[str], out: Path | None, base: str) -> None:
    from catalogue.interchange.bpmn import bpmn_xml

    if out is None:
        raise typer.BadParameter("ghi --out: một tệp .bpmn cho một thủ tục, một thư mục cho nhiều thủ tục")
    if len(codes) == 1 and out.suffix == ".bpmn":
        write_atomic(out, bpmn_xml(cat.procedures[codes[0]], cat))
        console.print(f"Đã ghi {out}", markup=False)
        return
    for code in codes:
        write_atomic(out / f"{code}.bpmn", bpmn_xml(cat.procedures[code], cat))
    console.print(f"Đã ghi {len(codes)} tệp BPMN vào {out}/", markup=False)


def _export_xlsx(cat: Catalogue, codes: list[str], out: Path | None, base: str) -> None:
    from catalogue.interchange.xlsx import export_xlsx

    if out is None:
        raise typer.BadParameter("ghi --out TỆP.xlsx")
    export_xlsx(cat, out, codes)
    console.print(f"Đã ghi {out} ({len(codes)} thủ tục)", markup=False)


BASE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*[/#:]")
"""A base the resources' ids are appended to (`<base>procedure/1.001193`): a scheme, no characters an IRI forbids,
and a separator at the end so the id does not run into the host name."""


EXPORTERS: dict[str, Callable[[Catalogue, list[str], Path | None, str], None]] = {
    "cpsv-jsonld": _export_cpsv("json-ld"),
    "cpsv-ttl": _export_cpsv("turtle"),
    "bpmn": _export_bpmn,
    "xlsx": _export_xlsx,
}


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        fmt: str = typer.Argument(..., metavar="ĐỊNH-DẠNG", help=f"Một trong: {', '.join(EXPORTERS)}."),
        codes: list[str] = typer.Argument(None, help="Mã thủ tục; không ghi thì xuất mọi thủ tục."),
        out: Path = typer.Option(None, "--out", help="Tệp xuất (hoặc thư mục, khi xuất BPMN nhiều thủ tục)."),
        base: str = typer.Option("urn:tthc:", "--base", help="IRI gốc của các tài nguyên xuất ra (CPSV-AP), ví dụ "
                                 "https://dichvucong.example.gov.vn/ hoặc urn:tthc:."),
        data: Path = DATA,
        as_of: str = typer.Option(None, "--as-of", help="CPSV-AP và BPMN: thủ tục theo pháp luật tại ngày đó (YYYY-MM-DD), "
                                  "áp dụng các thay đổi trong data/changes/ đã có hiệu lực; mặc định hôm nay. Excel "
                                  "xuất hồ sơ như đã ghi, để sửa rồi nhập lại."),
    ) -> None:
        """Xuất danh mục: CPSV-AP (JSON-LD, Turtle), BPMN 2.0, Excel."""
        if fmt not in EXPORTERS:
            errors.print(f"không có định dạng {fmt!r}: dùng một trong {', '.join(EXPORTERS)}")
            raise typer.Exit(2)
        day = parse_day(as_of, "--as-of")
        if fmt == "xlsx" and day is not None:
            errors.print("--as-of không dùng cho xlsx: bảng tính giữ hồ sơ như đã ghi, để sửa rồi nhập lại")
            raise typer.Exit(2)
        if fmt.startswith("cpsv") and not BASE_IRI.fullmatch(base):
            errors.print(f"--base {base!r} phải là một IRI không có dấu cách, có lược đồ (https:, urn:...) và kết thúc "
                         "bằng «/», «#» hoặc «:» (ví dụ https://dichvucong.example.gov.vn/)")
            raise typer.Exit(2)
        cat = open_catalogue(data)
        chosen = list(codes) if codes else sorted(cat.procedures)
        unknown = [c for c in chosen if c not in cat.procedures]
        if unknown:
            errors.print(f"không có thủ tục {', '.join(unknown)} trong {data}")
            raise typer.Exit(1)
        if fmt != "xlsx":  # what other systems publish is the procedure as the law stands, as list, show and the site
            cat = catalogue_with_changes(cat, data, day or date.today(), codes or None)
        EXPORTERS[fmt](cat, chosen, out, base)

    @app.command("import")
    def import_(
        files: list[Path] = typer.Argument(..., help="Trang của Cổng (.html, .htm, .doc lưu dạng HTML), .docx, .json của eRegulations, .xlsx."),
        force: bool = typer.Option(False, "--force", help="Ghi đè tệp thủ tục đã có."),
        code: str = typer.Option("", "--code", help="Mã thủ tục (d.dddddd) cho nguồn không ghi mã."),
        source_url: str = typer.Option("", "--source-url", help="Địa chỉ trang web mà tệp được lưu từ đó."),
        retrieved: str = typer.Option(None, "--retrieved", help="Ngày lưu tệp từ nguồn (YYYY-MM-DD), ghi vào nguồn của "
                                      "hồ sơ; mặc định hôm nay."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Đọc và kiểm tra, không ghi gì."),
        data: Path = DATA,
    ) -> None:
        """Nhập thủ tục từ trang CSDL quốc gia, bản Word, eRegulations hoặc Excel: kiểm tra rồi mới ghi YAML."""
        from catalogue.interchange.importing import read_file, validate, write_records

        if code and len(files) > 1:
            errors.print("--code chỉ dùng cho một tệp")
            raise typer.Exit(2)
        saved = parse_day(retrieved, "--retrieved") or date.today()
        cat = open_catalogue(data)
        records = []
        failed = 0
        for path in files:
            try:
                records += read_file(path, cat, code=code, source_url=source_url, retrieved=saved)
            except InterchangeError as exc:
                errors.print(f"✗ {exc}")
                failed += 1
        if dry_run:
            for record in records:
                problems = validate(record, cat)
                failed += bool(problems)
                _report(record.procedure.code, record.source, record.notes, problems, None)
                _show_differences(cat, record)
        else:
            report = write_records(records, cat, data, force)
            for outcome in report.outcomes:
                failed += bool(outcome.problems)
                r = outcome.record
                _report(r.procedure.code, r.source, r.notes, outcome.problems, outcome.written[0] if outcome.written else None,
                        outcome.unchanged)
                _show_differences(cat, r)
            for path in report.registry_files:
                console.print(f"Đã thêm bản nháp cơ quan / văn bản vào {path}: cần rà soát", markup=False)
        console.print(f"{len(records)} thủ tục đọc được, {failed} lỗi")
        if failed:
            raise typer.Exit(1)


def _show_differences(cat: Catalogue, imported: ImportedRecord) -> None:
    """For a code the catalogue has: what the source states otherwise than its record (catalogue/interchange/compare.py):
    every field for a record read back from the workbook, the transcribed facts for a source page."""
    from rich.table import Table

    from catalogue.interchange.compare import differences, field_differences

    source = imported.source
    current = cat.procedures.get(imported.procedure.code)
    if current is None:
        return
    found = (field_differences if imported.whole else differences)(current, imported.procedure)
    if not found:
        scope = "" if imported.whole else " ở những nội dung nguồn ghi"
        console.print(f"{source}: {current.code} không khác hồ sơ trong danh mục{scope}", markup=False)
        return
    table = Table(title=f"{current.code}: nguồn {source} khác hồ sơ trong danh mục ở {len(found)} điểm", title_justify="left")
    for header in ("Nội dung", "Trong danh mục", "Theo nguồn"):
        table.add_column(header, overflow="fold")
    for d in found:
        table.add_row(escape(d.what), escape(d.catalogue), escape(d.source))
    console.print(table)


def _report(code: str, source: str, notes: list[str], problems: list[str], written: Path | None,
            unchanged: bool = False) -> None:
    if problems:
        errors.print(f"✗ {source}: {code} không ghi:")
        for problem in problems:
            errors.print(f"    {problem}")
    else:
        outcome = " không đổi, giữ nguyên tệp" if unchanged else f" → {written}" if written else " hợp lệ"
        console.print(f"✓ {source}: {code}{outcome}", markup=False)
    for note in notes:
        console.print(f"    – {note}", markup=False)
