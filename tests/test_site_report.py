"""The re-analysis page of the published site: the real 2025 reorganisation re-analysed on the bundled catalogue
(`tests.site_support` runs it through `catalogue.batch` and reads its report.json back), shown with working links,
and hostile report text shown as text."""

from __future__ import annotations

from itertools import takewhile
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from catalogue.cli import app
from catalogue.console import vnd
from catalogue.site.reanalysis import REPORTS, ReportError, load_report, reanalysis_page
from tests.site_support import HOSTILE, HOSTILE_CODE, HOSTILE_REASON, HOSTILE_WITHDRAWN, broken_links, built_site

PAGE = "ra-soat-thay-doi.html"
# Checked by hand in tests/test_batch_scenario_2025.py: the records whose legal basis ended on 1/7/2025.
NEEDS_REVIEW = ["1.001612", "2.001955"]


def collapse(text: str) -> str:
    return " ".join(text.split())


def cell_text(td: lxml_html.HtmlElement) -> str:
    """A cell's text, a space where a `<br>` breaks the line."""
    return collapse(" ".join(td.itertext()))


def rows(page: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return page.xpath('//h2[@id="thu-tuc-bi-anh-huong"]/following-sibling::table[1]/tbody/tr')


def test_the_page_lists_every_affected_procedure_with_a_link_to_its_page() -> None:
    site = built_site()
    page = site.page(PAGE)
    listed = [tr.xpath("./td[1]")[0].text_content() for tr in rows(page)]
    assert listed == [p.code for p in site.reanalysis.procedures]
    real = [p.code for p in site.reanalysis.procedures if p.code in site.catalogue.procedures]
    assert len(real) == site.reanalysis.summary.affected - 1  # all but the withdrawn one have a page
    for tr, code in zip(rows(page), listed, strict=True):
        links = tr.xpath("./td[1]//a/@href")
        assert links == ([f"thu-tuc/{code}.html"] if code in site.catalogue.procedures else [])
    assert not [url for where, url in broken_links(site.root) if where == PAGE]
    review = page.xpath('//h2[@id="can-ra-soat"]/following-sibling::ul[1]/li/a/@href')
    assert review == [f"thu-tuc/{code}.html" for code in [*NEEDS_REVIEW, HOSTILE_CODE]]


def test_the_business_registration_row_shows_the_cost_before_and_after() -> None:
    site = built_site()
    row = next(tr for tr in rows(site.page(PAGE)) if tr.xpath("./td[1]")[0].text_content() == "1.001612")
    cells = [cell_text(td) for td in row.xpath("./td")]
    # The status, and when the record was last read from its source: 23/11/2026, after the change's 01/07/2025.
    assert cells[2] == "Sửa đổi cần rà soát lại đối chiếu nguồn lần cuối: 23/11/2026"
    assert "hết hiệu lực từ 01/07/2025" in cells[3]
    metrics = next(p for p in site.reanalysis.procedures if p.code == "1.001612").metrics
    per_case, annual = metrics["per_case_vnd"], metrics["annual_cost_vnd"]
    assert per_case.after is not None and per_case.before is not None and per_case.after < per_case.before
    assert cells[6] == f"{vnd(int(per_case.before))} → {vnd(int(per_case.after))} ({vnd(int(per_case.after - per_case.before))})"
    assert annual.difference is not None
    assert cells[7].endswith(f"({vnd(int(annual.difference))})")
    assert cells[4] == f"{metrics['steps'].before} → {metrics['steps'].after} (0)"


def test_the_page_shows_the_change_the_counts_and_the_changelog() -> None:
    site = built_site()
    page = site.page(PAGE)
    change = site.reanalysis.changes[0]
    assert collapse(page.xpath('//h2[@id="thay-doi"]/following-sibling::h3[1]')[0].text_content()).rstrip("¶") == change.title
    sources = page.xpath('//h2[@id="thay-doi"]/following-sibling::ul[1]//a/@href')
    assert sources == [s.url for s in change.sources]
    summary = collapse(page.xpath('//h2[@id="tong-hop"]/following-sibling::ul[1]')[0].text_content())
    s = site.reanalysis.summary
    assert f"Thủ tục bị ảnh hưởng: {s.affected}; cần rà soát lại: {s.needs_review}" in summary
    assert "sửa đổi: 4" in summary and "không đổi nội dung: 2" in summary
    changelog = [collapse(li.text_content()) for li in page.xpath('//h2[@id="nhat-ky"]/following-sibling::ul[1]/li')]
    assert [line.split(" (")[0] for line in changelog] == ["Thêm mới", "Sửa đổi", "Không đổi nội dung", "Bãi bỏ"]
    assert changelog[1].startswith("Sửa đổi (4): 1.001612 Đăng ký thành lập hộ kinh doanh")


def test_affected_procedure_pages_link_to_their_row_and_others_do_not() -> None:
    site = built_site()
    notice = site.page("thu-tuc/1.001612.html").xpath('//div[contains(@class, "admonition")][contains(., "rà soát")]')[0]
    assert notice.xpath(".//a/@href") == ["../ra-soat-thay-doi.html#tt-1.001612"]
    assert "cần được rà soát lại" in notice.text_content()
    assert site.page(PAGE).xpath('//*[@id="tt-1.001612"]')
    unaffected = sorted(set(site.catalogue.procedures) - {p.code for p in site.reanalysis.procedures})[0]
    assert not site.page(f"thu-tuc/{unaffected}.html").xpath('//article//a[contains(@href, "ra-soat")]')


def test_the_page_is_in_the_navigation_and_on_the_home_page() -> None:
    home = built_site().page("index.html")
    assert home.xpath('//nav//a[@href="ra-soat-thay-doi.html"]')
    section = home.xpath('//h2[@id="ra-soat-sau-thay-oi-phap-luat" or starts-with(., "Rà soát")]/following-sibling::p[1]')
    assert section and section[0].xpath(".//a/@href") == [PAGE]


def test_hostile_report_text_is_shown_as_text() -> None:
    page = built_site().page(PAGE)
    for script in page.xpath("//script"):
        assert "alert" not in (script.text or "") and "alert" not in script.get("src", "")
    assert not page.xpath("//article//b | //article//i | //article//*[@onerror]")
    assert not [href for href in page.xpath("//a/@href") if href.strip().lower().startswith("javascript:")]
    headings = [collapse(h3.text_content()).rstrip("¶") for h3 in page.xpath("//h3")]
    assert collapse(HOSTILE) in headings
    for table in page.xpath("//article//table"):
        width = len(table.xpath("./thead/tr/th"))
        assert all(len(tr.xpath("./td")) == width for tr in table.xpath("./tbody/tr"))
    withdrawn = rows(page)[-1]
    assert withdrawn.xpath("./td[1]")[0].text_content() == HOSTILE_WITHDRAWN
    assert withdrawn.xpath("./td[2]")[0].text_content() == collapse(HOSTILE)
    assert withdrawn.xpath("./td[4]")[0].text_content() == f"• {HOSTILE_REASON}"
    review = collapse(page.xpath('//h2[@id="can-ra-soat"]/following-sibling::ul[1]')[0].text_content())
    assert collapse(HOSTILE_REASON) in review
    notice = built_site().page(f"thu-tuc/{HOSTILE_CODE}.html").xpath('//div[contains(@class, "admonition")]')[0]
    assert collapse(HOSTILE) in collapse(notice.text_content()) and not notice.xpath(".//b | .//script")


# ---- reading the report --------------------------------------------------------------------------------------

def test_a_bad_report_names_the_file_and_the_place(tmp_path: Path) -> None:
    broken = tmp_path / "latest.json"
    broken.write_text('{\n  "schema_version": 1,\n  "title": oops\n}\n')
    with pytest.raises(ReportError, match=r"latest\.json:3:12: không phải JSON"):
        load_report(broken)
    broken.write_text('{"schema_version": 1, "title": "x"}')
    with pytest.raises(ReportError, match=r"latest\.json: không phải báo cáo phân tích lại: generated: thiếu trường bắt buộc"):
        load_report(broken)
    with pytest.raises(ReportError, match="không có báo cáo này"):
        load_report(tmp_path / "absent.json")


def test_site_build_refuses_a_bad_report_and_writes_nothing(data_copy: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(built_site().reanalysis.model_dump_json().replace('"AMENDED"', '"CHANGED"', 1))
    out, work = tmp_path / "site", tmp_path / "src"
    result = CliRunner().invoke(app, ["site", "build", "--data", str(data_copy), "--out", str(out), "--work",
                                      str(work), "--report", str(report)])
    assert result.exit_code == 1
    assert str(report) in collapse(result.output) and "status" in result.output
    assert not out.exists() and not work.exists()


def test_site_build_finds_the_latest_report_beside_the_data_folder(data_copy: Path, tmp_path: Path) -> None:
    out, work = tmp_path / "site", tmp_path / "src"
    args = ["site", "build", "--data", str(data_copy), "--out", str(out), "--work", str(work), "--as-of", "2026-11-23"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not (out / PAGE).exists()
    assert "tthc reanalyze --change" in lxml_html.fromstring((out / "index.html").read_bytes()).text_content()
    reports = data_copy.parent / "reports"  # where `tthc reanalyze` writes each report and a copy of the latest
    report = built_site().reanalysis
    for folder, text in [(".", report.model_dump_json()), ("2025-07-01-to-chuc-chinh-quyen-2-cap", report.model_dump_json()),
                         ("2025-03-01-cong-an", report.model_copy(update={"title": "Sắp xếp công an 3 cấp"}).model_dump_json())]:
        (reports / folder).mkdir(parents=True, exist_ok=True)
        (reports / folder / ("latest.json" if folder == "." else "report.json")).write_text(text)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    page = lxml_html.fromstring((out / PAGE).read_bytes())
    codes = [td.text_content() for td in page.xpath('//h2[@id="thu-tuc-bi-anh-huong"]/following-sibling::table[1]//tr/td[1]')]
    assert codes == [p.code for p in report.procedures]
    # The other report is listed and has its page; the latest is not listed twice.
    others = page.xpath('//h2[@id="bao-cao-khac"]/following-sibling::table[1]//tr/td[1]//a')
    assert [(a.text_content(), a.get("href")) for a in others] == [("Sắp xếp công an 3 cấp", "ra-soat/2025-03-01-cong-an.html")]
    other = lxml_html.fromstring((out / "ra-soat" / "2025-03-01-cong-an.html").read_bytes())
    assert "Sắp xếp công an 3 cấp" in other.xpath("//h1")[0].text_content()
    assert len(other.xpath('//h2[@id="thu-tuc-bi-anh-huong"]/following-sibling::table[1]/tbody/tr')) == len(report.procedures)
    assert not broken_links(out)  # the other report's page links up a folder


def test_a_report_on_its_own_page_links_up_to_the_procedures() -> None:
    site = built_site()
    page = lxml_html.fromstring(reanalysis_page(site.reanalysis, site.catalogue, here=REPORTS))
    assert "../thu-tuc/1.001612.html" in page.xpath("//a/@href")


def test_pages_show_each_procedure_as_the_law_stands_on_the_sites_day(tmp_path: Path) -> None:
    """On 2025-04-01 the district police had been merged into the commune police (2025-03-01), but the district
    level still stood (it ended on 2025-07-01): pages say which changes they apply, and only those."""
    from catalogue.loader import DEFAULT_DATA

    work = tmp_path / "src"
    args = ["site", "build", "--data", str(DEFAULT_DATA), "--out", str(tmp_path / "site"), "--work", str(work),
            "--as-of", "2025-04-01"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    page = (work / "docs" / "thu-tuc" / "2.000986.md").read_text(encoding="utf-8")
    lines = page[page.index('!!! info "Cập nhật theo thay đổi pháp luật"'):].split("\n")
    note = "\n".join([lines[0], *takewhile(lambda line: not line or line.startswith("    "), lines[1:])])
    assert "theo pháp luật tại ngày 01/04/2025" in note
    assert "(hiệu lực 01/03/2025): cơ quan «Công an cấp huyện» hợp nhất vào «Công an cấp xã»." in collapse(note)
    assert "01/07/2025" not in note
    assert "co-quan/cong-an-xa.html" in page and "co-quan/cong-an-huyen.html" not in page
    household = (work / "docs" / "thu-tuc" / "1.001612.md").read_text(encoding="utf-8")
    assert "Cập nhật theo thay đổi pháp luật" not in household and "cap/district.html" in household
    # ... and the page says what the reorganisation announced for 2025-07-01 will change.
    ahead = household[household.index('!!! note "Sắp thay đổi theo pháp luật đã công bố"'):]
    assert "(hiệu lực 01/07/2025)" in collapse(ahead) and "cấp huyện" in collapse(ahead)
