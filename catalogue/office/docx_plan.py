"""A simplification plan as a Word document in Vietnamese, laid out like the plans ministries and provinces file:
for each procedure, what is simplified and why, the legal texts to amend (kiến nghị thực thi), and the benefit
(chi phí tuân thủ trước, sau, chi phí tiết kiệm, tỷ lệ cắt giảm)."""

from __future__ import annotations

import io
from collections.abc import Collection
from pathlib import Path

from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import _Cell

from analysis.plan import EntryEvaluation, PlanEvaluation
from catalogue.console import (
    describe_operation,
    legal_text,
    number,
    over_limit_warning,
    percent,
    removed_steps,
    time_cuts,
    vnd,
)
from catalogue.diagrams import CHANGED_VI, png_step_graph
from catalogue.files import atomic_path
from catalogue.office.cost_chart import png_cost_comparison
from models.analysis import ProcedureAnalysis
from models.catalogue import Catalogue
from models.common import shorten
from models.procedure import Procedure

BENEFIT_ROWS = (
    "steps", "agencies", "agency_hops", "applicant_contacts", "visits", "documents", "certified_copies", "elapsed_working_days.likely", "time_limit_working_days",
    "applicant_hours", "per_case_vnd", "frequency_per_subject", "subjects_per_year", "annual_cost_vnd",
)
"""The rows of the benefit table: what a liên thông plan cuts (agencies, hand-overs between them, the applicant's
contacts) beside the visits and papers; and C_year = C1 × f × N, so f and N stand beside the annual cost (a plan that
changes who must apply moves the year, not C1)."""


GRAPH_MAX_WIDTH, GRAPH_MAX_HEIGHT = Cm(7.9), Cm(21)
"""Before and after side by side on an A4 portrait page (2 cm margins), with their captions."""


def _step_graph(cell: _Cell, procedure: Procedure, analysis: ProcedureAnalysis, catalogue: Catalogue,
                caption: str, changed: Collection[str] = ()) -> None:
    """The step graph drawn top to bottom, critical path and `changed` steps marked, shrunk to fit its half of the
    page."""
    png = png_step_graph(procedure, catalogue, analysis.metrics.critical_path, direction="TB", changed=changed)
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture = paragraph.add_run().add_picture(io.BytesIO(png))  # natural size: a layout pixel is 1/100 inch
    fit = min(1.0, GRAPH_MAX_WIDTH / picture.width, GRAPH_MAX_HEIGHT / picture.height)
    picture.width, picture.height = Emu(int(picture.width * fit)), Emu(int(picture.height * fit))
    cell.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _procedure_section(doc: Document, entry: EntryEvaluation, number_: int, catalogue: Catalogue) -> None:
    c = entry.comparison
    doc.add_heading(f"{number_}. {c.name} (mã {c.code})", level=2)
    doc.add_heading(f"{number_}.1. Nội dung đơn giản hóa", level=3)
    for op in entry.changes.operations:
        doc.add_paragraph(describe_operation(op, entry.procedure_before, catalogue), style="List Bullet")
        doc.add_paragraph(f"Lý do: {op.rationale}")
    doc.add_heading(f"{number_}.2. Kiến nghị thực thi", level=3)
    operations = entry.changes.operations
    changes = list(dict.fromkeys(legal_text(ch) for op in operations for ch in op.legal_change or ()))
    for text in changes:
        doc.add_paragraph(text, style="List Bullet")
    unsaid = [op for op in operations if op.legal_change is None]
    if unsaid:
        doc.add_paragraph("Chưa ghi kiến nghị thực thi cho: " + "; ".join(
            describe_operation(op, entry.procedure_before, catalogue) for op in unsaid) + ".")
    elif not changes:
        doc.add_paragraph("Không cần sửa đổi văn bản quy phạm pháp luật.")
    doc.add_heading(f"{number_}.3. Lợi ích phương án đơn giản hóa", level=3)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ("Chỉ tiêu", "Trước", "Sau", "Chênh lệch"), strict=True):
        cell.text = label
    for metric in BENEFIT_ROWS:
        row = c.row(metric)
        cells = table.add_row().cells
        cells[0].text = f"{row.label} ({row.unit})"
        cells[1].text = number(row.before, row.unit)
        cells[2].text = number(row.after, row.unit)
        cells[3].text = number(row.difference, row.unit) if row.difference >= 0 else "−" + number(-row.difference, row.unit)
    for line in (
        f"Chi phí tuân thủ TTHC trước khi đơn giản hóa: {vnd(c.annual_before_vnd)}/năm.",
        f"Chi phí tuân thủ TTHC sau khi đơn giản hóa: {vnd(c.annual_after_vnd)}/năm.",
        f"Chi phí tiết kiệm: {vnd(c.saving_vnd_per_year)}/năm.",
        f"Tỷ lệ cắt giảm chi phí: {percent(c.cost_cut_rate)}; tỷ lệ cắt giảm {time_cuts(c)}.",
        *([over_limit_warning(c)] if c.over_limit_after_days > 0 else []),
    ):
        doc.add_paragraph(line)
    if entry.before.cost.lines and entry.after.cost.lines:
        chart = doc.add_paragraph()
        chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
        chart.add_run().add_picture(io.BytesIO(png_cost_comparison(entry.before.cost, entry.after.cost)), width=Cm(16))
        doc.add_paragraph(f"Biểu đồ {number_}. Chi phí một lần thực hiện theo khoản, trước và sau đơn giản hóa "
                          "(đồng).").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(f"{number_}.4. Sơ đồ quy trình trước và sau đơn giản hóa", level=3)
    before, after = doc.add_table(rows=1, cols=2).rows[0].cells
    _step_graph(before, entry.procedure_before, entry.before, catalogue,
                f"Hình {number_}a. Quy trình hiện hành; viền đậm: đường găng "
                f"({number(entry.before.metrics.elapsed_working_days.likely, 'ngày')} ngày làm việc).")
    _step_graph(after, entry.procedure_after, entry.after, catalogue,
                f"Hình {number_}b. Quy trình sau đơn giản hóa; viền đậm: đường găng "
                f"({number(entry.after.metrics.elapsed_working_days.likely, 'ngày')} ngày làm việc); chấm xanh: "
                f"{CHANGED_VI}{removed_steps([f'«{shorten(s.name, 60)}»' for s in entry.removed_steps])}.",
                entry.changed_steps)


def _a4_in_vietnamese(doc: Document) -> None:
    """A4 portrait with 2 cm margins (the layout the graphs are sized for; python-docx starts from US Letter), and
    the text marked as Vietnamese so that Word checks its spelling as Vietnamese, not English."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")


def build_plan_document(result: PlanEvaluation, catalogue: Catalogue) -> Document:
    """The plan as a python-docx Document (tests read it back; `write_plan_document` saves it); `catalogue` names
    the agencies in the step graphs."""
    proposal, s = result.proposal, result.summary
    doc = new_document()
    _a4_in_vietnamese(doc)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    title = doc.add_heading("PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para = doc.add_paragraph(proposal.title)
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"Người lập: {proposal.author}; ngày {proposal.date.strftime('%d/%m/%Y')}. "
                      f"Chi phí tính theo Thông tư 02/2017/TT-VPCP, Điều 27, tham số ngày {s.as_of.strftime('%d/%m/%Y')}.")
    if proposal.summary:
        doc.add_paragraph(proposal.summary)
    doc.add_heading("Căn cứ, nguồn số liệu", level=2)
    for src in proposal.sources:
        doc.add_paragraph(f"{src.title or src.url} ({src.publisher}). {src.note}".strip(), style="List Bullet")
    doc.add_heading("I. Nội dung phương án theo từng thủ tục", level=2)
    for i, entry in enumerate(result.entries, start=1):
        _procedure_section(doc, entry, i, catalogue)
    doc.add_heading("II. Tổng hợp lợi ích", level=2)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ("Thủ tục", "Trước (đ/năm)", "Sau (đ/năm)", "Tiết kiệm (đ/năm)", "Tỷ lệ"), strict=True):
        cell.text = label
    for c in s.procedures:
        cells = table.add_row().cells
        for cell, text in zip(cells, (f"{c.code} – {c.name}", vnd(c.annual_before_vnd), vnd(c.annual_after_vnd),
                                      vnd(c.saving_vnd_per_year), percent(c.cost_cut_rate)), strict=True):
            cell.text = text
    cells = table.add_row().cells
    for cell, text in zip(cells, (f"Tổng {len(s.procedures)} thủ tục", vnd(s.annual_before_vnd), vnd(s.annual_after_vnd),
                                  vnd(s.saving_vnd_per_year), percent(s.cost_cut_rate)), strict=True):
        cell.text = text
    met = "đạt" if s.meets_cost_target else "chưa đạt"
    doc.add_paragraph(
        f"Tổng chi phí tuân thủ: {vnd(s.annual_before_vnd)}/năm trước và {vnd(s.annual_after_vnd)}/năm sau khi đơn giản "
        f"hóa; tiết kiệm {vnd(s.saving_vnd_per_year)}/năm ({percent(s.cost_cut_rate)}), {met} mục tiêu cắt giảm "
        f"{percent(s.target_cost)} chi phí tuân thủ; thời hạn giải quyết giảm {percent(s.time_limit_cut_rate)} "
        f"({'đạt' if s.meets_time_target else 'chưa đạt'} mục tiêu {percent(s.target_time)}; thời gian theo các bước, "
        f"ước tính, giảm {percent(s.time_cut_rate)})."
    )
    return doc


def write_plan_document(result: PlanEvaluation, catalogue: Catalogue, path: Path) -> None:
    """Write the plan's Word document to `path` atomically."""
    doc = build_plan_document(result, catalogue)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
