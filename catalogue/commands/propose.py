"""`tthc propose`: evaluate a simplification plan (before / after / saving / targets) and write its Excel and Word
files; `tthc suggest`: draft a plan from the findings of one procedure."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import NoReturn

import typer
from rich.markup import escape
from rich.table import Column, Table

from analysis.analyse import analyse
from analysis.plan import PlanError, PlanEvaluation, evaluate, suggest_proposal
from catalogue.batch.changes import catalogue_with_changes
from catalogue.commands.options import ANALYSIS_AS_OF, DATA, parse_day, procedure_or_exit, resolve_rates
from catalogue.console import console, errors, figures, num, number, over_limit_warning, percent, time_cuts, vnd
from catalogue.files import write_atomic
from catalogue.problems import Problem
from catalogue.proposals import check_proposal, draft_yaml, load_proposal_file
from catalogue.store import open_catalogue
from models.common import SLUG_PATTERN
from models.proposal import Comparison, PlanComparison


def signed(value: int | float, unit: str) -> str:
    text = number(abs(value), unit)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def verdict(met: bool) -> str:
    return "ĐẠT" if met else "CHƯA ĐẠT"



def comparison_table(c: Comparison) -> Table:
    table = Table("Chỉ tiêu", figures("Trước"), figures("Sau"), figures("Chênh lệch"), "Đơn vị",
                  title=escape(f"{c.code} – {c.name}"), title_justify="left")
    for row in c.rows:
        table.add_row(row.label, number(row.before, row.unit), number(row.after, row.unit), signed(row.difference, row.unit), row.unit)
    return table


def targets_lines(plan: PlanComparison | Comparison) -> list[str]:
    lines = [
        f"Tiết kiệm chi phí tuân thủ: {vnd(plan.saving_vnd_per_year)}/năm; tỷ lệ cắt giảm chi phí "
        f"{percent(plan.cost_cut_rate)}; cắt giảm {time_cuts(plan)}.",
        f"Mục tiêu cắt giảm chi phí ≥ {percent(plan.target_cost)}: {verdict(plan.meets_cost_target)}; "
        f"mục tiêu cắt giảm thời gian giải quyết ≥ {percent(plan.target_time)}: {verdict(plan.meets_time_target)}.",
    ]
    comparisons = plan.procedures if isinstance(plan, PlanComparison) else [plan]
    return lines + [over_limit_warning(c) for c in comparisons if c.over_limit_after_days > 0]


def print_evaluation(result: PlanEvaluation) -> None:
    s = result.summary
    console.print(f"Phương án: {result.proposal.title} ({result.proposal.id})", markup=False)
    console.print(f"Tính theo tham số ngày {s.as_of:%d/%m/%Y} (Thông tư 02/2017/TT-VPCP, Điều 27)", markup=False)
    for entry in result.entries:
        c = entry.comparison
        console.print(comparison_table(c))
        for line in targets_lines(c):
            console.print(line, markup=False)
    if len(result.entries) > 1:
        # Figures in đồng a year, the unit in the headers: four whole figures fit beside the names in 80 columns.
        table = Table(Column("Thủ tục", min_width=10, overflow="fold"), figures("Trước (đ/năm)"), figures("Sau (đ/năm)"),
                      figures("Tiết kiệm (đ/năm)"), figures("Tỷ lệ"), title="Tổng hợp phương án", title_justify="left")
        for c in s.procedures:
            table.add_row(escape(f"{c.code} {c.name}"), num(c.annual_before_vnd), num(c.annual_after_vnd),
                          num(c.saving_vnd_per_year), percent(c.cost_cut_rate))
        table.add_row(f"Tổng {len(s.procedures)} thủ tục", num(s.annual_before_vnd), num(s.annual_after_vnd),
                      num(s.saving_vnd_per_year), percent(s.cost_cut_rate))
        console.print(table)
        console.print(f"Tổng: {vnd(s.annual_before_vnd)}/năm → {vnd(s.annual_after_vnd)}/năm", markup=False)
        for line in targets_lines(s):
            console.print(line, markup=False)


def register(app: typer.Typer) -> None:
    @app.command()
    def propose(
        proposal_file: Path = typer.Argument(..., help="Tệp phương án, ví dụ data/proposals/khai-sinh-lien-thong-dien-tu.yaml."),
        as_of: str = typer.Option(None, "--as-of", help="Ngày đánh giá (YYYY-MM-DD): tham số chi phí, mục tiêu và thay đổi pháp luật trong data/changes/ có hiệu lực ngày đó; mặc định hôm nay."),
        xlsx: Path = typer.Option(None, "--xlsx", help="Ghi bảng tính theo Điều 27 (có công thức)."),
        docx: Path = typer.Option(None, "--docx", help="Ghi phương án thành tệp Word."),
        graphs: Path = typer.Option(None, "--graphs", help="Ghi sơ đồ các bước trước và sau phương án của từng thủ tục (<mã>-truoc, <mã>-sau: .mmd, .svg, .png) vào thư mục này; sơ đồ sau đánh dấu các bước mới hoặc thay đổi."),
        data: Path = DATA,
    ) -> None:
        """Đánh giá phương án đơn giản hóa: trước / sau / chênh lệch, chi phí tiết kiệm, mục tiêu cắt giảm."""
        day = parse_day(as_of, "--as-of") or date.today()
        proposal, parsed, problems = load_proposal_file(proposal_file)
        if proposal is None:
            fail(problems)
        # The law as it stood that day, for the plan's procedures (and their liên thông groups).
        every = open_catalogue(data)
        cat = catalogue_with_changes(every, data, day, [c.code for c in proposal.procedures])
        rates = resolve_rates(cat, day)
        problems = check_proposal(proposal, cat, proposal_file, parsed, day, every.procedures)
        for p in problems:
            if p.severity == "warning":
                errors.print(str(p))
        if any(p.severity == "error" for p in problems):
            fail([p for p in problems if p.severity == "error"])
        try:
            result = evaluate(proposal, cat, rates)
        except PlanError as exc:
            errors.print(f"{proposal_file}: error: {exc}")
            raise typer.Exit(1) from None
        print_evaluation(result)
        if xlsx is not None:
            from catalogue.office.xlsx_plan import write_plan_workbook

            write_plan_workbook(result, cat, rates, xlsx)
            console.print(f"Đã ghi {xlsx}", markup=False)
        if docx is not None:
            from catalogue.office.docx_plan import write_plan_document

            write_plan_document(result, cat, docx)
            console.print(f"Đã ghi {docx}", markup=False)
        if graphs is not None:
            from catalogue.commands.graph import write_graphs

            for entry in result.entries:
                code = entry.changes.code
                written = write_graphs(graphs, f"{code}-truoc", entry.procedure_before, cat,
                                       entry.before.metrics.critical_path)
                written += write_graphs(graphs, f"{code}-sau", entry.procedure_after, cat,
                                        entry.after.metrics.critical_path, changed=entry.changed_steps)
                console.print("Đã ghi " + ", ".join(str(p) for p in written), markup=False)

    @app.command()
    def suggest(
        code: str = typer.Argument(..., help="Mã thủ tục, ví dụ 1.001193."),
        out: Path = typer.Option(None, "--out", help="Ghi bản nháp vào tệp này (mặc định: in ra)."),
        force: bool = typer.Option(False, "--force", help="Ghi đè tệp đã có."),
        as_of: str = ANALYSIS_AS_OF,
        data: Path = DATA,
    ) -> None:
        """Lập bản nháp phương án từ các phát hiện của một thủ tục, xếp theo chi phí tiết kiệm."""
        day = parse_day(as_of, "--as-of") or date.today()
        cat = catalogue_with_changes(open_catalogue(data), data, day, [code])  # the law as it stood that day
        if procedure_or_exit(cat, code, data).status == "abolished":
            errors.print(f"thủ tục {code} đã bị bãi bỏ: không còn gì để đơn giản hóa")
            raise typer.Exit(1)
        if out is not None and out.exists() and not force:
            errors.print(f"{out} đã có: dùng --force để ghi đè")
            raise typer.Exit(1)
        rates = resolve_rates(cat, day)
        proposal, findings = suggest_proposal(code, cat, rates)
        if proposal is None:
            errors.print(f"{code}: không có phát hiện nào tiết kiệm được để lập phương án ({len(findings)} phát hiện)")
            raise typer.Exit(1)
        if out is not None and re.fullmatch(SLUG_PATTERN, out.stem):
            # A plan is checked against its file's name (tthc validate): the draft takes the name it is written to.
            proposal = proposal.model_copy(update={"id": out.stem})
        text = draft_yaml(proposal, [f for f in findings if f.suggestion])
        if out is None:
            console.print(text, markup=False, end="")
            return
        write_atomic(out, text.encode("utf-8"))
        before = analyse(cat.procedures[code], cat, rates, with_findings=False).cost.annual_cost_vnd
        console.print(f"Đã ghi bản nháp {out} ({len(proposal.procedures[0].operations)} thao tác; "
                      f"chi phí hiện nay {vnd(before)}/năm)", markup=False)



def fail(problems: list[Problem]) -> NoReturn:
    for p in problems:
        errors.print(str(p))
    raise typer.Exit(1)


__all__ = ["print_evaluation", "register"]
