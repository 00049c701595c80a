"""`tthc analyze CODE` (one procedure, readable or JSON) and `tthc analyze --all` (tables of the whole catalogue)."""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from analysis.analyse import analyse
from analysis.opportunities import TOP, Opportunities
from analysis.plan import ADOPTED, adopted_for
from catalogue.batch.changes import amended_catalogue, amendment_lines, catalogue_with_changes
from catalogue.batch.executors import process_context
from catalogue.batch.results import ResultCache
from catalogue.batch.table import analyse_table
from catalogue.batch.worker import FINDING_COLUMNS
from catalogue.cache import default_cache_dir
from catalogue.commands.options import ANALYSIS_AS_OF, DATA, parse_day, procedure_or_exit, resolve_rates
from catalogue.console import (
    clip,
    console,
    describe_operation,
    errors,
    figures,
    legal_text,
    num,
    procedure_status,
    progress_bar,
    quantity,
    saving_parts,
    time_limit,
    vnd,
)
from catalogue.diagrams import actor_name
from catalogue.files import atomic_path, write_atomic
from catalogue.proposals import load_proposals
from catalogue.spreadsheet import looks_like_formula
from catalogue.store import open_catalogue
from models.analysis import ROUNDING_NOTE_VI, SOURCE_KIND_LABELS_VI, ProcedureAnalysis
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import Procedure
from models.proposal import PROPOSAL_STATUS_VI, Proposal

JSON_FORMAT = "tthc-analysis"
JSON_VERSION = 1
"""Bump when a field of the JSON (docs/analysis-json.md) changes meaning or goes away; adding fields keeps it."""


def analysis_document(result: ProcedureAnalysis) -> dict[str, Any]:
    """The stable JSON document of one analysis (fields described in docs/analysis-json.md)."""
    body = result.model_dump(mode="json")
    return {"format": JSON_FORMAT, "version": JSON_VERSION, **body}


def print_report(result: ProcedureAnalysis, cat: Catalogue, amendments: Sequence[str] = (),
                 plans: Sequence[Proposal] = (), whole: Mapping[str, Procedure] | None = None) -> None:
    """A readable report: the legal changes behind the procedure analysed (`amendment_lines`), metrics, critical
    path, cost line by line, findings (each with the adopted `plans` that already make its change). `whole`: the
    catalogue's records when `cat` holds only this one (where to find the record that replaced it)."""
    procedure = cat.procedures[result.code]
    m, c = result.metrics, result.cost
    console.print(f"[bold]{escape(result.code)} · {escape(result.name)}[/bold]")
    for note in amendments:
        console.print(note, markup=False)
    table = Table("Chỉ tiêu", "Giá trị", title="Chỉ số của trình tự")
    wd = m.elapsed_working_days
    rows = [
        ("Tình trạng", procedure_status(procedure, cat.procedures if whole is None else whole)),
        ("Số bước", str(m.steps)),
        ("Số cơ quan tham gia", f"{m.agencies} ({', '.join(actor_name(a, cat) for a in m.agency_ids)})"),
        ("Số lần chuyển hồ sơ giữa các cơ quan", str(m.agency_hops)),
        ("Số lần người dân làm việc với cơ quan", str(m.applicant_contacts)),
        ("  trong đó phải đến trực tiếp", str(m.visits)),
        ("Số giấy tờ (trường hợp thông thường)", str(m.documents)),
        ("Bản chính / bản sao / bản sao chứng thực", f"{m.originals} / {m.copies} / {m.certified_copies}"),
        ("Mẫu đơn, tờ khai", str(m.forms)),
        ("Số khoản phí, lệ phí phải nộp", str(m.payments)),
        ("Thời hạn giải quyết theo quy định", time_limit(procedure.main_channel.time_limit)),
        ("  thời gian tính vào thời hạn (khả dĩ)", f"{num(m.working_days_in_time_limit)} ngày làm việc, từ khi cơ quan "
         "nhận hồ sơ đến khi trả kết quả"),
        ("Thời gian thực hiện (thấp / khả dĩ / cao)", f"{num(wd.low)} / {num(wd.likely)} / {num(wd.high)} ngày làm việc"),
    ]
    if m.elapsed_calendar_days is not None:
        cd = m.elapsed_calendar_days
        rows.append(("Số ngày theo lịch (thấp / khả dĩ / cao)",
                     f"{cd.low} / {cd.likely} / {cd.high} ngày, bắt đầu thực hiện {cd.start:%d/%m/%Y}, dự kiến xong {cd.end_likely:%d/%m/%Y}"))
    am = m.applicant_minutes
    rows.append(("Thời gian của người dân (phút)",
                 f"{am.total} (chuẩn bị {am.preparation}, đi lại {am.travel}, chờ {am.queue}, làm việc với cơ quan {am.counter})"))
    for label, value in rows:
        table.add_row(label, escape(value))
    console.print(table)

    names = {s.id: s for s in procedure.steps}
    path = " → ".join(f"{names[s].name} ({num(names[s].duration.likely)})" for s in m.critical_path if s in names)
    console.print(f"[bold]Đường găng[/bold] ({num(wd.likely)} ngày làm việc): {escape(path)}")

    lines = Table("#", "Hoạt động", "Nguồn", figures("Phút"), figures("Số tiền"), title=escape(c.label))
    lines.add_column("Cách tính", overflow="fold", ratio=3)
    for i, line in enumerate(c.lines, 1):
        source = f"{SOURCE_KIND_LABELS_VI[line.source_kind]}: {line.source_id}"
        lines.add_row(str(i), escape(line.activity), escape(source), str(line.minutes) if line.minutes else "",
                      vnd(line.amount_vnd), escape(line.explanation))
    if c.rounding_vnd:
        lines.add_row("", "Làm tròn", "", "", vnd(c.rounding_vnd), ROUNDING_NOTE_VI)
    console.print(lines)
    method = "Chi phí tuân thủ" if c.method == "tt02" else "Chi phí tuân thủ theo SCM, chỉ để tham khảo"
    totals = Table("Khoản", figures("Số tiền"), title=f"{method} (tham số tại ngày {c.as_of:%d/%m/%Y})")
    totals.add_row(f"Thời gian ({c.time_minutes} phút × {vnd(int(c.hourly_income_vnd))}/giờ)", vnd(c.time_cost_vnd))
    totals.add_row("Phí, lệ phí (F)", vnd(c.fees_vnd))
    totals.add_row("Chi phí khác (O)", vnd(c.other_costs_vnd))
    totals.add_row("[bold]Chi phí một lần thực hiện (C1)[/bold]", f"[bold]{vnd(c.per_case_vnd)}[/bold]")
    volume = procedure.annual_volume
    estimated = " (ước tính của biên tập viên)" if volume.origin == "estimate" else ""
    totals.add_row(f"Số lần/năm × số đối tượng/năm: {num(c.frequency_per_subject)} × {num(c.subjects_per_year)}"
                   f"{estimated}", "")
    totals.add_row("[bold]Chi phí tuân thủ một năm (C1 × f × N)[/bold]", f"[bold]{vnd(c.annual_cost_vnd)}[/bold]")
    console.print(totals)
    for parameter, used in c.parameters.items():
        known = cat.parameters.parameters.get(parameter)
        value = quantity(used.value, known.unit if known else "")
        console.print(escape(f"  {parameter} = {value} (từ {used.start:%d/%m/%Y}; {used.source.title or used.source.url})"))

    if result.findings:
        console.print(f"[bold]Phát hiện ({len(result.findings)})[/bold]")
        if c.method != "tt02":  # a saving is the official figure whichever method the table above cross-checks
            console.print("Tiết kiệm của các đề xuất tính theo Thông tư 02/2017/TT-VPCP, không theo SCM.")
        for i, f in enumerate(result.findings, 1):
            console.print(escape(f"{i}. [{f.rule}] {f.title}"))
            if f.explanation:
                console.print(escape(f"   {f.explanation}"))
            for op in f.suggestion:
                console.print(escape(f"   Đề xuất: {describe_operation(op, procedure, cat)}"))
                for change in op.legal_change or ():  # the kiến nghị thực thi: which text to change, and how
                    console.print(escape(f"     Kiến nghị: {legal_text(change)}"))
            if f.saving is not None:
                s = f.saving
                parts = saving_parts(s)
                console.print(f"   Tiết kiệm ước tính: {vnd(s.per_case_vnd)} mỗi lần"
                              + (f" ({escape(parts)})" if parts else "")
                              + f", {vnd(s.annual_vnd)} mỗi năm, {num(s.working_days_likely)} ngày làm việc")
            for plan in adopted_for(f, plans):
                console.print(escape(f"   Đã có phương án {plan_label(plan)}: thay đổi này đã được quyết định."))
        if result.saving is not None:
            s = result.saving
            console.print(f"[bold]Áp dụng cùng lúc các đề xuất[/bold] (không cộng trùng): tiết kiệm {vnd(s.per_case_vnd)} "
                          f"mỗi lần, {vnd(s.annual_vnd)} mỗi năm, {num(s.working_days_likely)} ngày làm việc")
    else:
        console.print("Không có phát hiện nào.")


def plan_label(plan: Proposal) -> str:
    """«title» (status, file): how a report names an adopted plan."""
    return f"«{plan.title}» ({PROPOSAL_STATUS_VI[plan.status].lower()}, data/proposals/{plan.id}.yaml)"


def adopted_plans_column(findings: pd.DataFrame, cat: Catalogue, rates: CostRates,
                         plans: Sequence[Proposal]) -> list[str]:
    """For each row of the findings table, the approved or implemented plans that already make its change
    (`adopted_for`), so staff filtering the catalogue do not propose a decided cut again. The batch keeps rows, not
    findings: the few procedures such plans name are analysed again here, and their findings come in the same
    order (`rank`), as the analysis is the same."""
    codes = {entry.code for plan in plans if plan.status in ADOPTED for entry in plan.procedures}
    named: dict[tuple[str, int], str] = {}
    for code in sorted(codes & set(findings["code"])):
        result = analyse(cat.procedures[code], cat, rates, explain=False)
        for rank, f in enumerate(result.findings, 1):
            named[code, rank] = "; ".join(plan_label(plan) for plan in adopted_for(f, plans))
    return [named.get((code, int(rank)), "") for code, rank in zip(findings["code"], findings["rank"], strict=True)]


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula (= + - @ at the start) is prefixed with an apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


if TYPE_CHECKING:
    import pandas as pd


SHEETS = {"summary": "Tổng hợp", "analysis": "Phân tích", "findings": "Phát hiện"}
"""The tables of `analyze --all` (each a CSV and a Parquet file of that name) and their sheets in analysis.xlsx."""


def write_tables(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """CSV and Parquet copies of each table (`SHEETS`), and one Excel workbook with a sheet each, every file written
    atomically. On Linux the workbook, the slowest (15 s of 25 s for the analysis table at 100,000 rows), is
    written meanwhile by a child process (`process_context`). The three copies of that table took 15–18 s with a
    forked child, 17 s with one from a fork server, 21 s in this process alone."""
    import pandas as pd  # pandas costs 0.4 s to import: only `analyze --all` pays it

    safe = {name: frame.apply(lambda col: col.map(spreadsheet_safe)
                              if pd.api.types.is_string_dtype(col) or col.dtype == object else col)
            for name, frame in frames.items()}
    workbook = out / "analysis.xlsx"
    paths = []
    with atomic_path(workbook) as xlsx:
        context = process_context()
        child = None
        if context is not None:
            child = context.Process(target=_write_workbook_in_child, args=(safe, xlsx))
            child.start()
        else:
            try:
                write_workbook(safe, xlsx)
            except Exception as exc:  # reported as the child's failure is
                raise OSError(f"ghi {workbook} không thành công: {exc}") from exc
        try:
            for name, frame in frames.items():
                paths += [out / f"{name}.csv", out / f"{name}.parquet"]
                write_atomic(paths[-2], safe[name].to_csv(index=False).encode("utf-8-sig"))
                with atomic_path(paths[-1]) as tmp:
                    frame.to_parquet(tmp, index=False)
        finally:
            if child is not None:
                child.join()
        if child is not None and child.exitcode != 0:
            raise OSError(f"ghi {workbook} không thành công (mã thoát {child.exitcode})")
    return [*paths, workbook]


def _write_workbook_in_child(frames: dict[str, pd.DataFrame], path: Path) -> None:
    try:
        write_workbook(frames, path)
    except Exception as exc:  # the parent reports the failure: one line here, not a child's traceback
        raise SystemExit(f"{path.name}: {exc}") from None


HEADERS_VI = {
    "code": "Mã thủ tục", "name": "Tên thủ tục", "steps": "Số bước", "agencies": "Số cơ quan",
    "agency_hops": "Lần chuyển hồ sơ giữa cơ quan", "applicant_contacts": "Lần liên hệ của người dân",
    "visits": "Lần đến trực tiếp", "documents": "Số giấy tờ", "originals": "Bản chính", "copies": "Bản sao",
    "certified_copies": "Bản sao chứng thực", "forms": "Mẫu đơn, tờ khai", "payments": "Khoản phí, lệ phí",
    "time_limit_working_days": "Thời hạn theo quy định (ngày làm việc)",
    "working_days_in_time_limit": "Thời gian tính vào thời hạn (ngày làm việc)",
    "elapsed_working_days_low": "Thời gian giải quyết, thấp (ngày làm việc)",
    "elapsed_working_days_likely": "Thời gian giải quyết, khả dĩ (ngày làm việc)",
    "elapsed_working_days_high": "Thời gian giải quyết, cao (ngày làm việc)",
    "elapsed_calendar_days_likely": "Số ngày theo lịch, khả dĩ", "critical_path": "Đường găng",
    "applicant_minutes": "Thời gian của người dân (phút)", "cost_method": "Phương pháp tính chi phí",
    "time_cost_vnd": "Chi phí thời gian (đồng)", "fees_vnd": "Phí, lệ phí (đồng)",
    "other_costs_vnd": "Chi phí khác (đồng)",
    "per_case_vnd": "Chi phí một lần C1 (đồng)", "frequency_per_subject": "Số lần/năm của một đối tượng (f)",
    "subjects_per_year": "Số đối tượng/năm (N)", "annual_cost_vnd": "Chi phí một năm (đồng)",
    "findings": "Số phát hiện", "findings_by_rule": "Phát hiện theo quy tắc",
    "estimated_saving_vnd": "Tiết kiệm ước tính (đồng/năm)",
    "estimated_saving_working_days": "Ngày làm việc rút ngắn ước tính",
    "rank": "Thứ tự", "rule": "Quy tắc", "title": "Phát hiện", "explanation": "Giải thích", "suggestion": "Đề xuất",
    "legal_changes": "Kiến nghị thực thi", "adopted_plans": "Phương án đã duyệt, đã thực hiện",
    "saving_per_case_vnd": "Tiết kiệm mỗi lần (đồng)", "saving_time_vnd": "trong đó: thời gian (đồng)",
    "saving_fees_vnd": "trong đó: phí, lệ phí (đồng)", "saving_other_vnd": "trong đó: chi phí khác (đồng)",
    "saving_annual_vnd": "Tiết kiệm mỗi năm (đồng)",
    "saving_working_days": "Ngày làm việc rút ngắn",
}
"""The header row of the Excel sheets, for the staff who read them; CSV and Parquet keep the column names
(programs read those, and docs/method.md names them)."""

EXCEL_ROWS = 1_048_576
"""Rows of an Excel sheet, its header included: a longer table goes on over sheets «Phát hiện (2)», «(3)»..."""

SHEET_WIDTHS = {"code": 11, "name": 60, "critical_path": 60, "findings_by_rule": 50, "title": 40, "explanation": 80,
                "suggestion": 60, "legal_changes": 60, "adopted_plans": 50, "section": 44, "item": 90}
"""Excel column widths (characters) of the text columns; numbers get widths by kind."""


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """The tables as Excel sheets (`SHEETS`), row by row in xlsxwriter's constant-memory mode (half the time of
    pandas' Excel writer at 100,000 rows: 17 s against 34 s); text is always text, never a formula, link or
    number; money with thousands separators; code and name stay in view when scrolling; a table longer than a sheet
    goes on over numbered sheets (`EXCEL_ROWS`)."""
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    money = workbook.add_format({"num_format": "#,##0"})
    days = workbook.add_format({"num_format": "#,##0.##"})
    bold = workbook.add_format({"bold": True})
    for name, frame in frames.items():
        per_sheet = EXCEL_ROWS - 1
        for part, first in enumerate(range(0, max(len(frame), 1), per_sheet), start=1):
            rows = frame.iloc[first:first + per_sheet]
            sheet = workbook.add_worksheet(SHEETS[name] + (f" ({part})" if part > 1 else ""))
            for c, column in enumerate(frame.columns):  # widths and number formats before the rows (constant memory)
                if column.endswith("_vnd") or column == "value":  # the summary's values: đồng and counts
                    sheet.set_column(c, c, 18, money)
                elif "_days" in column:
                    sheet.set_column(c, c, 12, days)
                else:
                    sheet.set_column(c, c, SHEET_WIDTHS.get(column, max(10, min(len(column) + 2, 24))))
            sheet.write_row(0, 0, [_header(name, column) for column in frame.columns], bold)
            sheet.freeze_panes(1, 2)
            for r, row in enumerate(rows.itertuples(index=False, name=None), start=1):
                sheet.write_row(r, 0, [None if isinstance(v, float) and math.isnan(v) else v for v in row])
            sheet.autofilter(0, 0, len(rows), len(frame.columns) - 1)
    analysis = frames.get("analysis")
    if analysis is not None and len(analysis) and all(column in analysis for column, _ in CHARTS):
        _chart_sheet(workbook, analysis, money, bold)
    workbook.close()


CHARTS = (
    ("annual_cost_vnd", "Chi phí tuân thủ một năm lớn nhất (đồng)"),
    ("estimated_saving_vnd", "Tiết kiệm ước tính lớn nhất (đồng/năm, áp dụng cùng lúc các đề xuất)"),
)
"""The charts of the workbook's last sheet: the TOP procedures by each column of the analysis table."""


def _chart_sheet(workbook: Any, analysis: pd.DataFrame, money: Any, bold: Any) -> None:
    """A sheet «Biểu đồ»: for each of `CHARTS`, the TOP procedures (code, name, amount) and a bar chart of them by
    name, the picture a report on the catalogue pastes; the chart reads the cells beside it, so it stays checkable."""
    sheet = workbook.add_worksheet("Biểu đồ")
    sheet.set_column(0, 0, 11)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 2, 20, money)
    row = 0
    for column, title in CHARTS:
        top = analysis[analysis[column] > 0].nlargest(TOP, column, keep="first")
        sheet.write(row, 0, title, bold)
        sheet.write_row(row + 1, 0, ["Mã thủ tục", "Tên thủ tục", HEADERS_VI[column]], bold)
        first, n = row + 2, len(top)
        for i, (code, name, amount) in enumerate(zip(top["code"], top["name"], top[column], strict=True)):
            sheet.write_row(first + i, 0, [code, clip(str(name), 60), int(amount)])
        height = 60 + 28 * n  # pixels: a bar and its label per procedure
        if n:
            chart = workbook.add_chart({"type": "bar"})
            chart.add_series({
                "name": title,
                "categories": ["Biểu đồ", first, 1, first + n - 1, 1],
                "values": ["Biểu đồ", first, 2, first + n - 1, 2],
                "data_labels": {"value": True, "num_format": "#,##0"},
            })
            chart.set_title({"name": title, "name_font": {"size": 11}})
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True})  # the largest on top, as in the table
            chart.set_x_axis({"num_format": "#,##0"})
            chart.set_size({"width": 760, "height": height})
            sheet.insert_chart(row, 4, chart)
        row += max(n + 2, -(-height // 20)) + 2  # below both the table and the chart (rows are 20 px high)


FINDING_HEADERS_VI = {"steps": "Bước liên quan", "documents": "Giấy tờ liên quan"}
"""In the findings table `steps` and `documents` are the ones a finding is about, not counts."""


def _header(table: str, column: str) -> str:
    if table == "summary":
        return SUMMARY_COLUMNS[column]
    return (table == "findings" and FINDING_HEADERS_VI.get(column)) or HEADERS_VI.get(column, column)


def total_line(found: Opportunities) -> str:
    """The catalogue's annual cost, each case once, and what counting every record at its own volume would add."""
    line = f"tổng chi phí tuân thủ một năm: {vnd(found.total_annual_cost_vnd)}"
    if found.counted_twice:
        line += (f" (đã trừ {vnd(found.annual_cost_vnd - found.total_annual_cost_vnd)} tính trùng: "
                 + "; ".join(_counted_in(code, parts) for code, parts in found.counted_twice.items()) + ")")
    return line


def _counted_in(code: str, parts: list[tuple[str, int]]) -> str:
    return f"các trường hợp của {', '.join(part for part, _ in parts)} đã nằm trong số hồ sơ của {code}"


@dataclass(frozen=True)
class Ranking:
    """One of the catalogue's top-opportunity tables, as the console prints it and the summary sheet lists it."""

    title: str
    item: str
    """What a row names (a paper, an agency, a procedure)."""
    value: str
    unit: str
    rows: list[tuple[str, int]]
    caption: str = ""


def rankings(found: Opportunities, cat: Catalogue, adopted: Collection[str] = ()) -> list[Ranking]:
    """Documents asked by most procedures, agencies in most hops, largest annual costs and savings (`adopted`: the
    codes an approved or implemented plan already simplifies, marked)."""
    marked = any(code in adopted for _, code, _ in found.savings)
    return [
        Ranking("Giấy tờ được nhiều thủ tục yêu cầu nhất", "Giấy tờ", "Số thủ tục", "thủ tục",
                [(found.labels[k], n) for k, n in found.documents.most_common(TOP)]),
        Ranking("Cơ quan có nhiều lần chuyển hồ sơ nhất", "Cơ quan", "Số lần chuyển đi hoặc đến", "lần",
                [(actor_name(k, cat), n) for k, n in found.hops.most_common(TOP)]),
        Ranking("Thủ tục có chi phí tuân thủ một năm lớn nhất", "Thủ tục", "Chi phí một năm", "đồng",
                [(f"{code} {name}", amount) for amount, code, name in found.costs],
                "Mỗi thủ tục theo số hồ sơ mỗi năm của chính nó."),
        Ranking("Thủ tục có khoản tiết kiệm ước tính lớn nhất", "Thủ tục", "Tiết kiệm một năm", "đồng",
                [(f"{'* ' if code in adopted else ''}{code} {name}", amount) for amount, code, name in found.savings],
                "Áp dụng cùng lúc các đề xuất của mỗi thủ tục; phần hai đề xuất cùng bỏ chỉ tính một lần."
                + (" * Đã có phương án được phê duyệt hoặc đã thực hiện (data/proposals/): một phần khoản tiết kiệm có"
                   " thể đã được quyết định; xem tthc analyze MÃ." if marked else "")),
    ]


def print_opportunities(found: Opportunities, cat: Catalogue, adopted: Collection[str] = ()) -> None:
    """The `rankings`, one rich table each."""
    for ranking in rankings(found, cat, adopted):
        table = Table(ranking.item, figures(ranking.value), title=ranking.title, caption=ranking.caption or None)
        for label, amount in ranking.rows:
            table.add_row(escape(clip(label)), vnd(amount) if ranking.unit == "đồng" else f"{amount} {ranking.unit}")
        if not ranking.rows:
            table.add_row("(chưa có)", "")
        console.print(table)


def summary_frame(found: Opportunities, cat: Catalogue, adopted: Collection[str] = ()) -> pd.DataFrame:
    """The sheet «Tổng hợp» of analysis.xlsx: the catalogue's totals, then the `rankings`, one row per line."""
    import pandas as pd

    totals = [
        ("Số thủ tục", len(found.own), "thủ tục"),
        ("Cộng chi phí tuân thủ một năm của từng thủ tục, theo số hồ sơ của chính nó", found.annual_cost_vnd, "đồng"),
        *((f"Trừ phần tính trùng: {_counted_in(code, parts)}", sum(amount for _, amount in parts), "đồng")
          for code, parts in found.counted_twice.items()),
        ("Chi phí tuân thủ một năm của danh mục, mỗi trường hợp tính một lần", found.total_annual_cost_vnd, "đồng"),
    ]
    rows = [("Tổng hợp", rank, label, amount, unit) for rank, (label, amount, unit) in enumerate(totals, 1)]
    for ranking in rankings(found, cat, adopted):
        rows += [(ranking.title, rank, label, amount, ranking.unit)
                 for rank, (label, amount) in enumerate(ranking.rows, 1)]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


SUMMARY_COLUMNS = {"section": "Bảng", "rank": "Thứ tự", "item": "Mục", "value": "Giá trị", "unit": "Đơn vị"}


@contextlib.contextmanager
def open_results(folder: Path) -> Iterator[ResultCache | None]:
    """The result cache of `analyze --all`, or None (every procedure analysed, nothing kept) when it cannot be
    opened: a read-only checkout, a full disk."""
    try:
        cache = ResultCache(folder)
    except (OSError, sqlite3.Error) as exc:
        errors.print(f"không dùng được bộ nhớ đệm kết quả {folder} ({exc}): phân tích lại mọi thủ tục")
        yield None
        return
    with cache:
        yield cache


def register(app: typer.Typer) -> None:
    @app.command()
    def analyze(
        code: str = typer.Argument(None, help="Mã thủ tục, ví dụ 1.001193."),
        all_: bool = typer.Option(False, "--all", help="Phân tích mọi thủ tục và ghi các bảng."),
        as_of: str = ANALYSIS_AS_OF,
        start: str = typer.Option(None, "--start", help="Ngày người dân bắt đầu thực hiện thủ tục (bước đầu của trình tự, thường là chuẩn bị hồ sơ), để tính ngày theo lịch; mặc định --as-of."),
        method: str = typer.Option("tt02", "--method", help="tt02 (Thông tư 02/2017) hoặc scm (đối chiếu theo Mô hình chi phí chuẩn)."),
        json_: bool = typer.Option(False, "--json", help="In kết quả dạng JSON (docs/analysis-json.md)."),
        out: Path = typer.Option(Path("build/analysis"), "--out", help="Thư mục ghi các bảng của --all."),
        data: Path = DATA,
        workers: int | None = typer.Option(None, "--workers", min=1, help="Số tiến trình cho --all (mặc định: mọi lõi CPU)."),
        cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Nơi giữ kết quả của --all cho lần chạy sau; mặc định .tthc-cache/ cạnh thư mục dữ liệu."),
    ) -> None:
        """Phân tích thủ tục: chỉ số, đường găng, chi tiết chi phí tuân thủ từng khoản, các phát hiện."""
        if method not in ("tt02", "scm"):
            errors.print(f"--method phải là tt02 hoặc scm, không phải {method!r}")
            raise typer.Exit(2)
        if (code is None) == (not all_):
            errors.print("ghi một mã thủ tục hoặc --all (không ghi cả hai)")
            raise typer.Exit(2)
        day = parse_day(as_of, "--as-of") or date.today()
        start_day = parse_day(start, "--start")
        # The catalogue as the law stood on that day (today by default): the legal changes of data/changes/ in effect.
        # One procedure's report also says which changes made it differ from its record.
        base = open_catalogue(data)
        amended = None if all_ else amended_catalogue(base, data, day, [code])
        cat = amended.catalogue if amended else catalogue_with_changes(base, data, day)
        rates = resolve_rates(cat, day)
        plans = list(load_proposals(data, cat)[0].values())  # a finding an adopted plan already makes says so
        try:
            if all_:
                with open_results(cache_dir or default_cache_dir(data)) as cache, \
                        progress_bar(len(cat.procedures), "Phân tích") as advance:
                    table = analyse_table(cat, day, start_day, method, workers=workers, cache=cache,
                                          progress=advance)
                import pandas as pd

                frame = pd.DataFrame(table.rows)
                findings = pd.DataFrame(table.findings, columns=list(FINDING_COLUMNS))
                findings.insert(findings.columns.get_loc("legal_changes") + 1, "adopted_plans",
                                adopted_plans_column(findings, cat, rates, plans))
                adopted = {entry.code for plan in plans if plan.status in ADOPTED for entry in plan.procedures}
                summary = summary_frame(table.opportunities, cat, adopted)
                try:
                    written = write_tables({"summary": summary, "analysis": frame, "findings": findings}, out)
                except OSError as exc:
                    errors.print(f"không ghi được các bảng vào {out}: {exc}")
                    raise typer.Exit(1) from None
                for path in written:
                    console.print(f"Đã ghi {path}", markup=False)
                console.print(f"{len(table.rows)} thủ tục ({table.analysed} phân tích mới, {table.from_cache} từ bộ nhớ "
                              f"đệm); {total_line(table.opportunities)}", markup=False)
                print_opportunities(table.opportunities, cat, adopted)
                return
            procedure = procedure_or_exit(cat, code, data)
            result = analyse(procedure, cat, rates, start=start_day, method=method)
        except LookupError as exc:  # a parameter the method needs has no value on that day
            errors.print(f"data/parameters: {exc}")
            raise typer.Exit(1) from None
        if json_:
            # Plain stdout, not the rich console: the JSON must stay byte-for-byte what json.dumps wrote.
            typer.echo(json.dumps(analysis_document(result), ensure_ascii=False, indent=2))
        else:
            print_report(result, cat, amendment_lines(amended, result.code, day) if amended else (), plans,
                         base.procedures)
