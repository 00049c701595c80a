"""`tthc site build` and `tthc site serve`: the published catalogue as a static MkDocs site."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from catalogue.batch.changes import amended_catalogue
from catalogue.commands.options import DATA, parse_day
from catalogue.console import console, errors, num
from catalogue.proposals import load_proposals
from catalogue.site import DEFAULT_OUT, DEFAULT_WORK
from catalogue.store import open_catalogue

if TYPE_CHECKING:
    from catalogue.site.build import BuildReport

OUT = typer.Option(DEFAULT_OUT, "--out", help="Thư mục của trang đã dựng (thay toàn bộ khi dựng thành công).")
WORK = typer.Option(DEFAULT_WORK, "--work", help="Thư mục chứa các tệp Markdown sinh ra và mkdocs.yml.")
AS_OF = typer.Option(None, "--as-of", help="Ngày của trang (YYYY-MM-DD): thủ tục theo pháp luật ngày đó, số liệu theo tham số có hiệu lực; mặc định hôm nay.")
REPORT = typer.Option(
    None, "--report",
    help="Báo cáo phân tích lại cần đưa lên trang (report.json của `tthc reanalyze`); mặc định reports/latest.json cạnh "
         "thư mục dữ liệu, nếu có.",
)


SITE_URL = typer.Option("", "--site-url", help="Địa chỉ trang sẽ đăng (https://…/), để có sitemap.xml và trang 404 "
                        "dẫn đúng từ mọi thư mục; bỏ trống: trang mở được cả từ ổ đĩa.")
_SITE_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+/")


def _build(data: Path, out: Path, work: Path, as_of: str | None, strict: bool, report: Path | None,
           site_url: str = "") -> BuildReport:
    day = parse_day(as_of, "--as-of")
    if site_url and not _SITE_URL.fullmatch(site_url):
        errors.print(f"--site-url {site_url!r} phải là địa chỉ http:// hoặc https:// không có dấu cách, kết thúc bằng «/»")
        raise typer.Exit(1)
    from catalogue.site.build import SiteBuildError, build_site  # the site's stack loads only for this command
    from catalogue.site.reanalysis import ReportError, default_report, earlier_reports, load_report

    if report is None and default_report(data).is_file():
        report = default_report(data)
    try:  # read before anything is written: a bad report leaves the previous site as it was
        reanalysis = load_report(report) if report is not None else None
        others = earlier_reports(data, reanalysis) if reanalysis is not None else []
    except ReportError as exc:
        errors.print(str(exc))
        raise typer.Exit(1) from None
    # Each procedure as the law stands on the site's day: the legal changes in force applied, each page saying which.
    on = day or date.today()
    catalogue, amendments, ahead = amended_catalogue(open_catalogue(data), data, on)
    proposals, problems = load_proposals(data, catalogue, day)
    for problem in problems:
        errors.print(str(problem))
    if any(p.severity == "error" for p in problems):
        errors.print("các phương án đơn giản hóa có lỗi: chưa dựng trang")
        raise typer.Exit(1)
    try:
        built = build_site(catalogue, out, work, as_of=on, proposals=proposals.values(), strict=strict,
                           reanalysis=reanalysis, amendments=amendments, ahead=ahead, other_reports=others,
                           site_url=site_url)
    except SiteBuildError as exc:
        errors.print(str(exc))
        raise typer.Exit(1) from None
    for warning in built.warnings:
        errors.print(f"MkDocs: {warning}")
    console.print(
        f"{built.procedures} thủ tục, {built.html_pages} trang HTML → {built.out} "
        f"({built.written_files} tệp Markdown viết lại, {built.removed_files} tệp xóa)"
    )
    timings = (("phân tích", built.analysis_s), ("sinh trang", built.generation_s), ("MkDocs", built.mkdocs_s),
               ("Pagefind", built.pagefind_s))
    console.print("Thời gian: " + ", ".join(f"{part} {num(round(s, 1))} s" for part, s in timings))
    if reanalysis is not None:
        console.print(f"Báo cáo rà soát: {report} ({reanalysis.summary.affected} thủ tục bị ảnh hưởng)"
                      + (f", cùng {len(others)} báo cáo khác" if others else ""))
    return built


def register(app: typer.Typer) -> None:
    site = typer.Typer(help="Trang danh mục công khai (MkDocs + Pagefind), chạy được không cần Internet.",
                       no_args_is_help=True)
    app.add_typer(site, name="site")

    @site.command("build")
    def build(
        out: Path = OUT, work: Path = WORK, data: Path = DATA, as_of: str = AS_OF,
        strict: bool = typer.Option(False, "--strict", help="Báo lỗi và dừng khi MkDocs có bất kỳ cảnh báo nào (liên kết hỏng...)."),
        report: Path | None = REPORT, site_url: str = SITE_URL,
    ) -> None:
        """Xây dựng trang: sinh các trang, dựng bằng MkDocs, lập chỉ mục tìm kiếm bằng Pagefind."""
        _build(data, out, work, as_of, strict, report, site_url)

    @site.command("serve")
    def serve(
        out: Path = OUT, work: Path = WORK, data: Path = DATA, as_of: str = AS_OF, report: Path | None = REPORT,
        port: int = typer.Option(8000, "--port", help="Cổng trên 127.0.0.1."),
        no_build: bool = typer.Option(False, "--no-build", help="Mở trang đã dựng sẵn trong --out, không dựng lại."),
    ) -> None:
        """Xem trước trang tại http://127.0.0.1:PORT (tìm kiếm chạy được: cần http, không phải file://)."""
        if not no_build:
            _build(data, out, work, as_of, strict=False, report=report)
        if not (out / "index.html").is_file():
            errors.print(f"{out} chưa có trang đã dựng: chạy `tthc site build` trước")
            raise typer.Exit(1)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
        with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
            console.print(f"http://127.0.0.1:{port}/ (Ctrl+C để dừng)")
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
