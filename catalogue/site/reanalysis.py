"""The page of the latest re-analysis after a legal change (`reports/latest.json`, written by `tthc reanalyze`).

The report is read and validated into `models.change.ImpactReport` before anything of the build is written: a bad
file stops the build with a message naming the file, and the line or the field. Every string of the report is
catalogue text and is escaped like the rest of the site (`md()` in Markdown, `h()` in the raw HTML tables).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from analysis.legal_impact import Amendment
from catalogue.batch.report import LATEST, last_checked, reports_folder
from catalogue.console import vnd
from catalogue.problems import json_problem_vi, pydantic_summary_vi
from catalogue.site.escape import h, md
from catalogue.site.pages import PROCEDURES, REANALYSIS, day, front_matter, num, rel, source_item, table
from models.catalogue import Catalogue
from models.change import CHANGELOG_STATUS_VI as STATUS_VI
from models.change import ChangelogStatus, ImpactReport, MetricDelta, ProcedureImpact

REANALYSIS_TITLE = "Rà soát sau thay đổi pháp luật"
REPORTS = "ra-soat"
"""The folder of the other reports' pages."""
PRODUCE_COMMAND = "tthc reanalyze --change data/changes/<tệp thay đổi>.yaml"

MAIN_METRICS: dict[str, str] = {
    "steps": "Số bước",
    "elapsed_working_days.likely": "Thời gian theo các bước (ngày làm việc)",
    "per_case_vnd": "Chi phí một lần",
    "annual_cost_vnd": "Chi phí một năm",
}
"""The metrics the page shows before and after (every metric is in report.json and report.xlsx)."""


class ReportError(ValueError):
    """The report file is missing, is not JSON, or does not match the report model."""


def default_report(data: Path) -> Path:
    """`reports/latest.json` beside the data folder (where `tthc reanalyze` writes it)."""
    return reports_folder(data) / LATEST


def load_report(path: Path) -> ImpactReport:
    """Read and validate a report.json; a `ReportError` names the file and the line or field that is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: không có báo cáo này (lập bằng `{PRODUCE_COMMAND}`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: không đọc được báo cáo: {exc}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}:{exc.colno}: không phải JSON: {json_problem_vi(exc)}") from None
    try:
        return ImpactReport.model_validate(raw)
    except ValidationError as exc:
        raise ReportError(f"{path}: không phải báo cáo phân tích lại: {pydantic_summary_vi(exc, 5)}") from None


def anchor(code: str) -> str:
    """The id of a procedure's row in the report page (codes of the catalogue are digits and dots)."""
    return f"tt-{code}"


def _value(name: str, value: int | float | None) -> str:
    if value is None:
        return "—"
    if name.endswith("_vnd"):
        return vnd(round(value))
    return num(value)


def _delta(name: str, delta: MetricDelta | None) -> str:
    if delta is None:
        return "—"
    difference = delta.difference
    sign = "+" if difference is not None and difference > 0 else ""
    shown = "—" if difference is None else sign + _value(name, difference)
    return f"{_value(name, delta.before)} → {_value(name, delta.after)}<br><small>({shown})</small>"


def _code(p: ProcedureImpact, catalogue: Catalogue, from_dir: str) -> str:
    """The code linked to its procedure page when the catalogue has that procedure (a withdrawn one may not)."""
    if p.code in catalogue.procedures:
        return f'<a href="{rel(from_dir, f"{PROCEDURES}/{p.code}.html")}">{h(p.code)}</a>'
    return h(p.code)


def _affected_table(report: ImpactReport, catalogue: Catalogue, here: str) -> str:
    rows = []
    for p in report.procedures:
        reasons = "<br>".join(f"• {h(r.text)}" for r in p.reasons)
        status = h(STATUS_VI[p.status]) + ('<br><span class="tthc-warning">cần rà soát lại</span>' if p.needs_review else "")
        if checked := last_checked(p, report):
            status += f"<br><small>đối chiếu nguồn lần cuối: {h(checked)}</small>"
        rows.append([
            f'<span id="{h(anchor(p.code))}">{_code(p, catalogue, here)}</span>', h(p.name), status, reasons,
            *(_delta(name, p.metrics.get(name)) for name in MAIN_METRICS),
        ])
    return table(["Mã", "Thủ tục", "Trạng thái", "Lý do", *MAIN_METRICS.values()], rows)


def _codes(procedures: Sequence[ProcedureImpact], catalogue: Catalogue, here: str) -> str:
    return ", ".join(f"{_code(p, catalogue, here)} {md(p.name)}" for p in procedures)


def earlier_reports(data: Path, shown: ImpactReport | None) -> list[tuple[str, ImpactReport]]:
    """Every other report `tthc reanalyze` published beside the data folder (reports/<name>/report.json), as
    (name, report), the latest day of law first: staff see each change's review, not only the last one run."""
    found = []
    for path in sorted(reports_folder(data).glob("*/report.json")):
        report = load_report(path)
        if shown is None or (report.generated, report.title) != (shown.generated, shown.title):
            found.append((path.parent.name, report))
    return sorted(found, key=lambda item: (item[1].as_of, item[1].generated), reverse=True)


def reanalysis_page(report: ImpactReport, catalogue: Catalogue, others: Sequence[tuple[str, ImpactReport]] = (),
                    here: str = "") -> str:
    """The page: the change, the summary counts, the affected procedures, the review list and the changelog; on the
    main page (`others` given), the list of the other reports, each on its own page in `REPORTS`."""
    s = report.summary
    title = REANALYSIS_TITLE if not here else f"{REANALYSIS_TITLE}: {report.title}"
    out = [front_matter(title, wide=True), f"# {md(title)}", "",
           f"Báo cáo **{md(report.title)}**, lập ngày {day(report.generated.date())}, tính theo pháp luật và tham số "
           f"có hiệu lực ngày {day(report.as_of)}.", ""]
    if report.since:
        out += [f"Gồm các thay đổi trong kho dữ liệu kể từ phiên bản {md(report.since)}.", ""]
    out += ["## Thay đổi pháp luật {#thay-doi}", ""]
    for change in report.changes:
        out += [f"### {md(change.title)}", "", f"Hiệu lực từ ngày {day(change.effective)} (mã thay đổi: {md(change.id)}).", ""]
        out += [f"- Nguồn: {source_item(source)}" for source in change.sources]
        out.append("")
    difference = s.annual_cost_difference_vnd
    out += [
        "## Tổng hợp {#tong-hop}", "",
        f"- Thủ tục bị ảnh hưởng: **{num(s.affected)}**; cần rà soát lại: **{num(s.needs_review)}**",
        "- " + "; ".join(f"{STATUS_VI[status].lower()}: {num(s.by_status.get(status, 0))}" for status in STATUS_VI),
        f"- Chi phí tuân thủ mỗi năm của các thủ tục bị ảnh hưởng: {vnd(s.annual_cost_before_vnd)} trước, "
        f"{vnd(s.annual_cost_after_vnd)} sau thay đổi (chênh lệch {'+' if difference > 0 else ''}{vnd(difference)})",
        "",
        "## Thủ tục bị ảnh hưởng {#thu-tuc-bi-anh-huong}", "",
        "Mỗi chỉ số: trước → sau (chênh lệch). Thời gian và chi phí là ước tính theo các bước của thủ tục.", "",
        _affected_table(report, catalogue, here) if report.procedures else "Không có thủ tục nào bị ảnh hưởng.", "",
        "## Thủ tục cần rà soát lại {#can-ra-soat}", "",
    ]
    review = [p for p in report.procedures if p.needs_review]
    if not review:
        out += ["Không có thủ tục nào cần rà soát lại.", ""]
    for p in review:
        out.append(f"- {_code(p, catalogue, here)} {md(p.name)}")
        reasons = [r for r in p.reasons if r.needs_review] or p.reasons  # a review asked for with no such reason
        out += [f"    - {md(r.text)}" for r in reasons]
    out += ["", "## Nhật ký thay đổi {#nhat-ky}", ""]
    for status, label in STATUS_VI.items():
        procedures = [p for p in report.procedures if p.status == status]
        listed = _codes(procedures, catalogue, here) if procedures else "không có"
        out.append(f"- **{md(label)}** ({num(len(procedures))}): {listed}")
    out += ["", f"Mọi chỉ số của từng thủ tục có trong report.json và report.xlsx của báo cáo; tạo báo cáo mới bằng "
            f"lệnh `{PRODUCE_COMMAND}`.", ""]
    if others:
        rows = [[f'<a href="{rel(here, f"{REPORTS}/{name}.html")}">{h(r.title)}</a>',
                 day(r.as_of), day(r.generated.date()), num(r.summary.affected), num(r.summary.needs_review)]
                for name, r in others]
        out += ["## Các báo cáo rà soát khác {#bao-cao-khac}", "",
                table(["Báo cáo", "Theo pháp luật ngày", "Lập ngày", "Thủ tục bị ảnh hưởng", "Cần rà soát lại"], rows), ""]
    return "\n".join(out)


def procedure_notices(report: ImpactReport | None) -> dict[str, str]:
    """Procedure code → the short notice its page shows (Markdown), for each procedure the report found affected."""
    if report is None:
        return {}
    return {p.code: procedure_notice(report, p) for p in report.procedures}


def procedure_notice(report: ImpactReport, impact: ProcedureImpact) -> str:
    """A short notice on an affected procedure's page, linking to its row of the report page."""
    code = impact.code
    changes = "; ".join(f"{md(c.title)} (hiệu lực {day(c.effective)})" for c in report.changes) or md(report.title)
    review = " Thủ tục **cần được rà soát lại**." if impact.needs_review else ""
    target = f"{rel(PROCEDURES, REANALYSIS)}#{anchor(code)}"
    return "\n".join([
        '!!! warning "Thay đổi pháp luật"', "",
        f"    Thủ tục này bị ảnh hưởng bởi thay đổi pháp luật {changes}; nhật ký thay đổi: "
        f"{md(STATUS_VI[impact.status].lower())}.{review} "
        f"[Xem báo cáo rà soát]({target}).",
    ])


def amendment_notice(amendments: Sequence[Amendment], as_of: date) -> str:
    """The note on a procedure's page when legal changes in force on `as_of` touched its record: the page shows the
    procedure as the law stands, which may differ from the record at its source."""
    if not amendments:
        return ""
    lines = [
        '!!! info "Cập nhật theo thay đổi pháp luật"', "",
        f"    Trang này trình bày thủ tục theo pháp luật tại ngày {day(as_of)}. So với bản ghi gốc (mục «Nguồn»), các "
        "thay đổi pháp luật đã có hiệu lực:", "",
    ]
    return "\n".join(lines + _change_lines(amendments))


def ahead_notice(ahead: Sequence[Amendment], as_of: date) -> str:
    """The note on a procedure's page when legal changes announced for after `as_of` will touch it (a reduced
    charge that ends, an office that takes over): the reader may file on either side of the day."""
    if not ahead:
        return ""
    lines = ['!!! note "Sắp thay đổi theo pháp luật đã công bố"', "",
             f"    Trang này trình bày thủ tục theo pháp luật tại ngày {day(as_of)}. Từ ngày hiệu lực của các thay đổi "
             "sau, thủ tục sẽ khác:", ""]
    return "\n".join(lines + _change_lines(ahead))


def _change_lines(amendments: Sequence[Amendment]) -> list[str]:
    return [f"    - **{md(a.change.title)}** (hiệu lực {day(a.change.effective)}): {md(a.what)}." for a in amendments]


def home_section(report: ImpactReport | None) -> str:
    """The home page's paragraph on the latest re-analysis, or how to produce one when there is none."""
    lines = ["", f"## {REANALYSIS_TITLE}", ""]
    if report is None:
        return "\n".join([*lines, "Chưa có báo cáo rà soát nào. Cán bộ kiểm soát thủ tục tạo báo cáo bằng lệnh "
                          f"`{PRODUCE_COMMAND}` (báo cáo mới nhất được chép vào `reports/latest.json`), rồi xây dựng "
                          "lại trang bằng `tthc site build`.", ""])
    s = report.summary
    return "\n".join([*lines, f"[{md(report.title)}]({REANALYSIS}): {num(s.affected)} thủ tục bị ảnh hưởng, "
                      f"{num(s.needs_review)} thủ tục cần rà soát lại.", ""])
