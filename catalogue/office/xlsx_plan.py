"""The Điều 27 calculation of a simplification plan as an Excel workbook with live formulas a reviewer can audit.

Sheets: `Tham số` (the hourly income W and the other dated parameters used, with sources), one sheet per procedure
(every cost line before and after: minutes × W ÷ 60, or quantity × unit price; C1; f; N; C_year; saving; cut
rate) and `Tổng hợp` (each procedure's annual cost before and after, by reference, and the plan's totals).

Each formula cell also carries its value as computed by the cost model (the cached result), so a reader without
recalculation sees the figures `tthc propose` prints, and a recalculation checks them. Catalogue text is always
written as a string, never as a formula.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from analysis.plan import EntryEvaluation, PlanEvaluation
from catalogue.files import atomic_path
from catalogue.spreadsheet import looks_like_formula
from models.analysis import SOURCE_KIND_LABELS_VI, CostBreakdown
from models.catalogue import Catalogue
from models.parameters import CostRates

PARAMS = "Tham số"
SUMMARY = "Tổng hợp"
HOURLY_CELL = f"'{PARAMS}'!$C$4"

HEADERS = ["STT", "Hoạt động", "Nguồn", "Diễn giải", "Thời gian (phút)", "Số lượng", "Đơn giá (đ)", "Thành tiền (đ)",
           "Loại (Điều 27)"]
COL_MINUTES, COL_QUANTITY, COL_UNIT, COL_AMOUNT, COL_KIND = 4, 5, 6, 7, 8
EXPLANATION_CHARS_PER_LINE = 62
"""About how many characters fit on one line of the explanation column (width 60)."""
KIND_LABELS = {"time": "T × W", "fee": "F", "other": "O"}
"""Column I: which term of C1 = Σ T_i × W + F + O the line belongs to."""


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.bold = wb.add_format({"bold": True})
        self.header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        self.text = wb.add_format({"text_wrap": True, "valign": "top"})
        self.quoted = wb.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
        self.line = wb.add_format({})
        self.line_quoted = wb.add_format({"quote_prefix": True})
        self.money = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.money_bold = wb.add_format({"num_format": "#,##0", "bold": True})
        self.number = wb.add_format({"num_format": "#,##0.####", "valign": "top"})
        self.percent = wb.add_format({"num_format": "0.0%", "bold": True})


def write_text(ws: Worksheet, row: int, col: int, value: str, fmt: _Formats, *, wrap: bool = True) -> None:
    """Catalogue text as a string cell; text that looks like a formula keeps a quote prefix (shown as text)."""
    quoted = looks_like_formula(value)
    style = (fmt.quoted if quoted else fmt.text) if wrap else (fmt.line_quoted if quoted else fmt.line)
    ws.write_string(row, col, value, style)


def _page(ws: Worksheet) -> None:
    """Landscape, one page wide: a reviewer prints the calculation as one table."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)


def _parameters_sheet(wb: Workbook, fmt: _Formats, catalogue: Catalogue, rates: CostRates,
                      costs: list[CostBreakdown]) -> None:
    ws = wb.add_worksheet(PARAMS)
    _page(ws)
    ws.set_column(0, 0, 38)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 5, 30)
    ws.write_string(0, 0, "Tham số tính chi phí tuân thủ (Thông tư 02/2017/TT-VPCP, Điều 27)", fmt.title)
    ws.write_string(1, 0, f"Giá trị có hiệu lực ngày {rates.as_of:%d/%m/%Y}", fmt.line)
    for col, label in enumerate(["Tham số", "Mô tả", "Giá trị", "Từ ngày", "Nguồn", "Ghi chú"]):
        ws.write_string(2, col, label, fmt.header)
    # Row 4 (C4) is the hourly income W that every time line refers to.
    ws.write_string(3, 0, "hourly_income_vnd", fmt.text)
    ws.write_string(3, 1, "Thu nhập bình quân một giờ (W, đồng/giờ)", fmt.text)
    ws.write_number(3, 2, float(rates.hourly_income_vnd), fmt.number)
    hourly = rates.sources.get("hourly_income_vnd")
    if hourly is not None:
        ws.write_string(3, 3, f"{hourly.start:%d/%m/%Y}", fmt.text)
        write_text(ws, 3, 4, hourly.source.title or hourly.source.url, fmt)
        write_text(ws, 3, 5, hourly.note, fmt)
    used: dict[str, Any] = {}
    for cost in costs:
        used.update(cost.parameters)
    row = 4
    for name in sorted(used):
        if name == "hourly_income_vnd":
            continue
        value = used[name]
        ws.write_string(row, 0, name, fmt.text)
        if (parameter := catalogue.parameters.parameters.get(name)) is not None:
            write_text(ws, row, 1, f"{parameter.description} ({parameter.unit})" if parameter.unit else parameter.description, fmt)
        ws.write_number(row, 2, float(value.value), fmt.number)
        ws.write_string(row, 3, f"{value.start:%d/%m/%Y}", fmt.text)
        write_text(ws, row, 4, value.source.title or value.source.url, fmt)
        write_text(ws, row, 5, value.note, fmt)
        row += 1


def _cost_block(ws: Worksheet, fmt: _Formats, top: int, heading: str, cost: CostBreakdown) -> tuple[int, str, str]:
    """Write one cost breakdown from row `top`; returns (next free row, C1 cell, C_year cell)."""
    ws.write_string(top, 0, heading, fmt.bold)
    for col, label in enumerate(HEADERS):
        ws.write_string(top + 1, col, label, fmt.header)
    first = top + 2
    row = first
    for i, line in enumerate(cost.lines, start=1):
        ws.write_number(row, 0, i, fmt.number)
        write_text(ws, row, 1, line.activity, fmt)
        write_text(ws, row, 2, f"{SOURCE_KIND_LABELS_VI[line.source_kind]}: {line.source_id}", fmt)
        write_text(ws, row, 3, line.explanation, fmt)
        # Wrapped text does not grow the row by itself in every reader: size it for the explanation.
        ws.set_row(row, 15 * max(1, -(-len(line.explanation) // EXPLANATION_CHARS_PER_LINE)))
        ws.write_string(row, COL_KIND, KIND_LABELS[line.kind], fmt.text)
        amount = xl_rowcol_to_cell(row, COL_AMOUNT)
        if line.kind == "time":
            ws.write_number(row, COL_MINUTES, line.minutes, fmt.number)
            minutes = xl_rowcol_to_cell(row, COL_MINUTES)
            ws.write_formula(amount, f"={minutes}*{HOURLY_CELL}/60", fmt.money, float(line.exact_vnd))
        else:
            ws.write_number(row, COL_QUANTITY, line.quantity, fmt.number)
            ws.write_number(row, COL_UNIT, float(line.rate_vnd), fmt.money)
            qty, unit = xl_rowcol_to_cell(row, COL_QUANTITY), xl_rowcol_to_cell(row, COL_UNIT)
            ws.write_formula(amount, f"={qty}*{unit}", fmt.money, float(line.exact_vnd))
        row += 1
    last = row - 1
    span = (f"{xl_rowcol_to_cell(first, COL_AMOUNT)}:{xl_rowcol_to_cell(last, COL_AMOUNT)}" if cost.lines
            else xl_rowcol_to_cell(first, COL_AMOUNT))
    kinds = (f"{xl_rowcol_to_cell(first, COL_KIND)}:{xl_rowcol_to_cell(last, COL_KIND)}" if cost.lines
             else xl_rowcol_to_cell(first, COL_KIND))
    minutes_span = (f"{xl_rowcol_to_cell(first, COL_MINUTES)}:{xl_rowcol_to_cell(last, COL_MINUTES)}" if cost.lines
                    else xl_rowcol_to_cell(first, COL_MINUTES))
    row += 1

    def total(label: str, formula: str, value: float | int, fmt_cell: Any = fmt.money_bold) -> str:
        nonlocal row
        ws.write_string(row, 3, label, fmt.bold)
        cell = xl_rowcol_to_cell(row, COL_AMOUNT)
        ws.write_formula(cell, formula, fmt_cell, value)
        row += 1
        return cell

    def exact(kind: str) -> float:
        return float(sum((ln.exact_vnd for ln in cost.lines if ln.kind == kind), Decimal(0)))

    total("Tổng thời gian của người thực hiện Σ T_i (phút)", f"=SUM({minutes_span})", cost.time_minutes, fmt.number)
    total("Chi phí thời gian Σ T_i × W (đồng)", f'=SUMIF({kinds},"T × W",{span})', exact("time"), fmt.money)
    total("Phí, lệ phí F (đồng)", f'=SUMIF({kinds},"F",{span})', exact("fee"), fmt.money)
    total("Chi phí khác O (đồng)", f'=SUMIF({kinds},"O",{span})', exact("other"), fmt.money)
    exact_c1 = sum((line.exact_vnd for line in cost.lines), Decimal(0))
    c1 = total("C1 = Σ T_i × W + F + O (chưa làm tròn)", f"=SUM({span})", float(exact_c1), fmt.money)
    per_case = total("Chi phí một lần thực hiện C1 (làm tròn, đồng)", f"=ROUND({c1},0)", cost.per_case_vnd)
    ws.write_string(row, 3, "Tần suất thực hiện f (lần/năm/đối tượng)", fmt.text)
    ws.write_number(row, COL_AMOUNT, float(cost.frequency_per_subject), fmt.number)
    f_cell = xl_rowcol_to_cell(row, COL_AMOUNT)
    row += 1
    ws.write_string(row, 3, "Số đối tượng thực hiện N (một năm)", fmt.text)
    ws.write_number(row, COL_AMOUNT, cost.subjects_per_year, fmt.money)
    n_cell = xl_rowcol_to_cell(row, COL_AMOUNT)
    row += 1
    year = total("Chi phí tuân thủ một năm C_năm = C1 × f × N (đồng)", f"=ROUND({per_case}*{f_cell}*{n_cell},0)",
                 cost.annual_cost_vnd)
    return row + 1, per_case, year


def _procedure_sheet(wb: Workbook, fmt: _Formats, entry: EntryEvaluation, index: int) -> tuple[str, str, str]:
    """One sheet per procedure; returns (sheet name, annual-before cell, annual-after cell) as absolute references."""
    name = f"{index}. {entry.comparison.code}"
    ws = wb.add_worksheet(name)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 22)
    ws.set_column(3, 3, 60)
    ws.set_column(4, 7, 16)
    ws.set_column(8, 8, 13)
    _page(ws)
    write_text(ws, 0, 0, f"{entry.comparison.code} – {entry.comparison.name}", fmt, wrap=False)
    ws.write_string(1, 0, "Chi phí tuân thủ theo Thông tư 02/2017/TT-VPCP, Điều 27: C1 = Σ T_i × W + F + O; "
                          "C_năm = C1 × f × N; W ở trang «Tham số»", fmt.line)
    row, _, before_year = _cost_block(ws, fmt, 3, "TRƯỚC KHI ĐƠN GIẢN HÓA", entry.before.cost)
    row, _, after_year = _cost_block(ws, fmt, row + 1, "SAU KHI ĐƠN GIẢN HÓA", entry.after.cost)
    c = entry.comparison
    ws.write_string(row, 3, "Chi phí tiết kiệm (đồng/năm)", fmt.bold)
    saving = xl_rowcol_to_cell(row, COL_AMOUNT)
    ws.write_formula(saving, f"={before_year}-{after_year}", fmt.money_bold, c.saving_vnd_per_year)
    row += 1
    ws.write_string(row, 3, "Tỷ lệ cắt giảm chi phí", fmt.bold)
    ws.write_formula(xl_rowcol_to_cell(row, COL_AMOUNT), f"=IF({before_year}=0,0,{saving}/{before_year})", fmt.percent,
                     float(c.cost_cut_rate))
    quoted = f"'{name}'!"
    return name, quoted + _absolute(before_year), quoted + _absolute(after_year)


def _absolute(cell: str) -> str:
    col = cell.rstrip("0123456789")
    return f"${col}${cell[len(col):]}"


def _summary_sheet(ws: Worksheet, fmt: _Formats, result: PlanEvaluation, refs: list[tuple[str, str, str]]) -> None:
    s = result.summary
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 50)
    ws.set_column(2, 5, 20)
    _page(ws)
    write_text(ws, 0, 0, result.proposal.title, fmt, wrap=False)
    ws.write_string(1, 0, f"Tham số ngày {s.as_of:%d/%m/%Y}; mục tiêu cắt giảm chi phí {float(s.target_cost):.0%}", fmt.line)
    for col, label in enumerate(["Mã", "Thủ tục", "Chi phí trước (đ/năm)", "Chi phí sau (đ/năm)", "Tiết kiệm (đ/năm)", "Tỷ lệ cắt giảm"]):
        ws.write_string(3, col, label, fmt.header)
    row = 4
    for (_, before, after), c in zip(refs, s.procedures, strict=True):
        ws.write_string(row, 0, c.code, fmt.text)
        write_text(ws, row, 1, c.name, fmt)
        ws.write_formula(row, 2, f"={before}", fmt.money, c.annual_before_vnd)
        ws.write_formula(row, 3, f"={after}", fmt.money, c.annual_after_vnd)
        b, a = xl_rowcol_to_cell(row, 2), xl_rowcol_to_cell(row, 3)
        ws.write_formula(row, 4, f"={b}-{a}", fmt.money, c.saving_vnd_per_year)
        ws.write_formula(row, 5, f"=IF({b}=0,0,({b}-{a})/{b})", fmt.percent, float(c.cost_cut_rate))
        row += 1
    first, last = 4, row - 1
    ws.write_string(row, 1, f"Tổng {len(refs)} thủ tục", fmt.bold)
    for col, value in ((2, s.annual_before_vnd), (3, s.annual_after_vnd), (4, s.saving_vnd_per_year)):
        ws.write_formula(row, col, f"=SUM({xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)})", fmt.money_bold, value)
    b, a = xl_rowcol_to_cell(row, 2), xl_rowcol_to_cell(row, 3)
    ws.write_formula(row, 5, f"=IF({b}=0,0,({b}-{a})/{b})", fmt.percent, float(s.cost_cut_rate))
    row += 2
    ws.write_string(row, 1, "Đạt mục tiêu cắt giảm chi phí", fmt.bold)
    target = float(s.target_cost)
    rate = xl_rowcol_to_cell(row - 2, 5)
    ws.write_formula(row, 2, f'=IF({rate}>={target},"ĐẠT","CHƯA ĐẠT")', fmt.bold, "ĐẠT" if s.meets_cost_target else "CHƯA ĐẠT")


def write_plan_workbook(result: PlanEvaluation, catalogue: Catalogue, rates: CostRates, path: Path) -> None:
    """Write the plan's workbook to `path` (atomically: a reader never sees a half-written file)."""
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False})
        fmt = _Formats(wb)
        summary = wb.add_worksheet(SUMMARY)
        costs = [c for e in result.entries for c in (e.before.cost, e.after.cost)]
        _parameters_sheet(wb, fmt, catalogue, rates, costs)
        refs = [_procedure_sheet(wb, fmt, entry, i) for i, entry in enumerate(result.entries, start=1)]
        _summary_sheet(summary, fmt, result, refs)
        wb.close()
