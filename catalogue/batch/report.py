"""The report of a re-analysis: a dated folder with report.md, report.xlsx and report.json, published whole.

Every file is written into a hidden folder beside the target, which then replaces the target in one rename: a
reader sees the previous report or the new one, never a half-written one. The latest report's JSON is also copied
to `reports/latest.json` (atomically) for the published site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlsxwriter

from catalogue.collector import collector_paused
from catalogue.console import num
from catalogue.files import write_atomic
from models.change import CHANGELOG_STATUS_VI as STATUS_VI
from models.change import ImpactReport, MetricDelta, ProcedureImpact

REPORT_FILES = ("report.md", "report.json", "report.xlsx")
LATEST = "latest.json"


def reports_folder(data: Path) -> Path:
    """`reports/` beside the data folder: where `tthc reanalyze` publishes and the site looks for the latest."""
    return data.resolve().parent / "reports"

HEADLINE_METRICS: dict[str, str] = {
    "annual_cost_vnd": "Chi phí tuân thủ/năm (đ)",
    "per_case_vnd": "Chi phí một lần thực hiện (đ)",
    "fees_vnd": "Phí, lệ phí (đ)",
    "time_cost_vnd": "Chi phí thời gian (đ)",
    "elapsed_working_days.likely": "Thời gian theo các bước (ngày làm việc)",
    "applicant_minutes.total": "Thời gian của người dân (phút)",
    "visits": "Số lần đến cơ quan",
    "agencies": "Số cơ quan tham gia",
    "agency_hops": "Số lần chuyển hồ sơ giữa cơ quan",
    "documents": "Số giấy tờ",
}


def _md(text: str) -> str:
    """Catalogue text made inert in a Markdown table cell."""
    out = text.replace("\\", "\\\\").replace("\n", " ")
    for ch in "|*_`[]<>#":
        out = out.replace(ch, "\\" + ch)
    return out


def _number(value: int | float | object) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float):
        return num(value)
    return str(value)


def _signed(value: int | float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + _number(value)


def _delta_value(delta: MetricDelta, side: str) -> int | float | None:
    value: int | float | None = getattr(delta, side)
    return value


def last_checked(p: ProcedureImpact, report: ImpactReport) -> str:
    """When the record was last read from or checked against its source, marked when that was before the change took
    effect: the portal may have republished the procedure since, and the record may no longer match it."""
    if p.last_checked is None:
        return ""
    effective = min((c.effective for c in report.changes), default=None)
    before = effective is not None and p.last_checked < effective
    return f"{p.last_checked:%d/%m/%Y}" + (" (trước ngày hiệu lực)" if before else "")


def render_markdown(report: ImpactReport) -> str:
    s = report.summary
    lines = [
        f"# Báo cáo phân tích lại: {_md(report.title)}",
        "",
        f"- Ngày áp dụng: {report.as_of:%d/%m/%Y}",
        f"- Lập lúc: {report.generated:%d/%m/%Y %H:%M} UTC",
    ]
    if report.since:
        lines.append(f"- Thay đổi trong kho dữ liệu kể từ phiên bản: `{_md(report.since)}`")
    for change in report.changes:
        lines.append(f"- Thay đổi pháp luật: **{_md(change.title)}** (`{_md(change.id)}`, hiệu lực {change.effective:%d/%m/%Y})")
        for source in change.sources:
            lines.append(f"    - Nguồn: {_md(source.title or source.url)} — {_md(source.url)}")
    lines += [
        "",
        "## Tổng hợp",
        "",
        "| Chỉ tiêu | Giá trị |",
        "|---|---:|",
        f"| Thủ tục bị ảnh hưởng | {s.affected} |",
        f"| Thủ tục cần rà soát lại | {s.needs_review} |",
    ]
    for status, label in STATUS_VI.items():
        lines.append(f"| {label} ({status}) | {s.by_status.get(status, 0)} |")
    lines += [
        f"| Chi phí tuân thủ/năm trước thay đổi | {_number(s.annual_cost_before_vnd)} đ |",
        f"| Chi phí tuân thủ/năm sau thay đổi | {_number(s.annual_cost_after_vnd)} đ |",
        f"| Chênh lệch | {_signed(s.annual_cost_difference_vnd)} đ |",
        f"| Phân tích mới / lấy từ bộ nhớ đệm | {s.analysed} / {s.from_cache} |",
        "",
    ]
    review = [p for p in report.procedures if p.needs_review]
    lines += ["## Thủ tục cần rà soát lại", ""]
    if not review:
        lines += ["Không có thủ tục nào có căn cứ pháp lý hết hiệu lực.", ""]
    for p in review:
        checked = last_checked(p, report)
        lines.append(f"- **{p.code}** {_md(p.name)}" + (f" (đối chiếu nguồn lần cuối {checked})" if checked else ""))
        for r in p.reasons:
            if r.needs_review:
                lines.append(f"    - {_md(r.text)}")
    lines += ["", "## Nhật ký thay đổi", "", "| Mã | Tên thủ tục | Trạng thái | Lý do | Đối chiếu nguồn lần cuối |",
              "|---|---|---|---|---|"]
    for p in report.procedures:
        reasons = "<br>".join(_md(r.text) for r in p.reasons)
        lines.append(f"| {p.code} | {_md(p.name)} | {p.status} ({STATUS_VI[p.status]}) | {reasons} | {last_checked(p, report)} |")
    lines += ["", "## Chỉ số trước và sau", ""]
    for p in report.procedures:
        lines += [f"### {p.code} {_md(p.name)}", "", "| Chỉ số | Trước | Sau | Chênh lệch |", "|---|---:|---:|---:|"]
        for name, label in HEADLINE_METRICS.items():
            delta = p.metrics.get(name)
            if delta is None:
                continue
            before, after = _delta_value(delta, "before"), _delta_value(delta, "after")
            diff = _delta_value(delta, "difference")
            lines.append(f"| {label} | {_number(before)} | {_number(after)} | {_signed(diff)} |")
        lines.append("")
    lines.append("Mọi chỉ số (kể cả chỉ số chi tiết) có trong report.json và report.xlsx.")
    return "\n".join(lines) + "\n"


def write_workbook(report: ImpactReport, path: Path) -> None:
    """The report as a workbook: summary, changelog, metrics (one row per procedure and metric), review list.

    Catalogue text goes through `write_string`, never `write`: a name beginning with "=" stays text, not a formula.
    """
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0"})
        s = report.summary
        sheet = book.add_worksheet("Tổng hợp")
        rows: list[tuple[str, object]] = [
            ("Báo cáo", report.title), ("Ngày áp dụng", f"{report.as_of:%d/%m/%Y}"),
            ("Thay đổi", ", ".join(c.id for c in report.changes)), ("Kể từ phiên bản", report.since or ""),
            ("Thủ tục bị ảnh hưởng", s.affected), ("Cần rà soát lại", s.needs_review),
            *((f"{STATUS_VI[k]} ({k})", v) for k, v in s.by_status.items()),
            ("Chi phí tuân thủ/năm trước (đ)", s.annual_cost_before_vnd),
            ("Chi phí tuân thủ/năm sau (đ)", s.annual_cost_after_vnd),
            ("Chênh lệch (đ)", s.annual_cost_difference_vnd),
        ]
        for r, (label, value) in enumerate(rows):
            sheet.write_string(r, 0, label, bold)
            if isinstance(value, int):
                sheet.write_number(r, 1, value, money)
            else:
                sheet.write_string(r, 1, str(value))
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 1, 48)

        log = book.add_worksheet("Nhật ký thay đổi")
        for c, head in enumerate(("Mã", "Tên thủ tục", "Trạng thái", "Cần rà soát", "Lý do", "Đối chiếu nguồn lần cuối")):
            log.write_string(0, c, head, bold)
        for r, p in enumerate(report.procedures, start=1):
            log.write_string(r, 0, p.code)
            log.write_string(r, 1, p.name)
            log.write_string(r, 2, p.status)
            if p.needs_review:
                log.write_string(r, 3, "Có")
            log.write_string(r, 4, "\n".join(x.text for x in p.reasons))
            log.write_string(r, 5, last_checked(p, report))
        log.set_column(1, 1, 50)
        log.set_column(4, 4, 100)
        log.set_column(5, 5, 28)

        # One row per procedure, the headline metrics before / after / difference (every metric is in the JSON).
        metrics = book.add_worksheet("Chỉ số")
        metrics.write_string(0, 0, "Mã", bold)
        metrics.write_string(0, 1, "Trạng thái", bold)
        for m, label in enumerate(HEADLINE_METRICS.values()):
            for k, side in enumerate(("trước", "sau", "chênh lệch")):
                metrics.write_string(0, 2 + 3 * m + k, f"{label}: {side}", bold)
        for r, p in enumerate(report.procedures, start=1):
            metrics.write_string(r, 0, p.code)
            metrics.write_string(r, 1, p.status)
            for m, name in enumerate(HEADLINE_METRICS):
                delta = p.metrics.get(name)
                if delta is None:
                    continue
                for k, side in enumerate(("before", "after", "difference")):
                    value = _delta_value(delta, side)
                    if value is not None:
                        metrics.write_number(r, 2 + 3 * m + k, value, money if name.endswith("_vnd") else None)
        metrics.set_column(2, 1 + 3 * len(HEADLINE_METRICS), 16)
        metrics.freeze_panes(1, 2)
        metrics.autofilter(0, 0, max(len(report.procedures), 1), 1 + 3 * len(HEADLINE_METRICS))

        review = book.add_worksheet("Cần rà soát")
        for c, head in enumerate(("Mã", "Tên thủ tục", "Lý do")):
            review.write_string(0, c, head, bold)
        r = 1
        for p in report.procedures:
            for reason in p.reasons:
                if reason.needs_review:
                    review.write_string(r, 0, p.code)
                    review.write_string(r, 1, p.name)
                    review.write_string(r, 2, reason.text)
                    r += 1
        review.set_column(1, 2, 70)
    finally:
        book.close()


@contextmanager
def _staging(folder: Path) -> Iterator[Path]:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish(report: ImpactReport, folder: Path, latest: Path | None = None) -> Path:
    """Write the report's three files into `folder` all at once, and `latest` (a JSON copy) if given."""
    payload = report.model_dump_json(indent=2).encode()
    with collector_paused(), _staging(folder) as staging:
        write_atomic(staging / "report.json", payload)
        write_atomic(staging / "report.md", render_markdown(report).encode())
        write_workbook(report, staging / "report.xlsx")
        for name in REPORT_FILES:  # temporary files are private (0600); a report is for everyone to read
            os.chmod(staging / name, 0o644)
        os.chmod(staging, 0o755)
        old = None
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(staging, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    if latest is not None:
        write_atomic(latest, payload)
        os.chmod(latest, 0o644)
    return folder
