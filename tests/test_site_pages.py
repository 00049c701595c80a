"""The published site's pages for real procedures: what a citizen or a reviewer reads on them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from typer.testing import CliRunner

from analysis.analyse import analyse
from analysis.cost import round_vnd
from catalogue.cli import app
from catalogue.console import vietnamese_order, vnd
from catalogue.site.build import sync_folder
from catalogue.site.pages import num
from models.catalogue import in_force
from models.parameters import CostRates
from models.registry import LEGAL_STATUS_VI
from tests.site_support import AS_OF, BuiltSite, built_site

CODE = "1.001193"  # Thủ tục đăng ký khai sinh


def section_table(page: lxml_html.HtmlElement, section_id: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (cell texts) of the table that follows the heading `section_id`."""
    tables = page.xpath(f'//h2[@id="{section_id}"]/following-sibling::table[1]')
    assert tables, f"no table after #{section_id}"
    table = tables[0]
    headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    rows = [[td.text_content().strip() for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
    return headers, rows


def card(page: lxml_html.HtmlElement) -> dict[str, str]:
    dts = page.xpath('//div[@class="tthc-card"]//dt')
    return {dt.text_content(): dt.getnext().text_content() for dt in dts}


def test_the_birth_registration_page_reads_as_the_record() -> None:
    site = built_site()
    procedure = site.catalogue.procedures[CODE]
    page = site.page(f"thu-tuc/{CODE}.html")

    assert page.xpath("//h1")[0].text_content().rstrip("¶") == "Thủ tục đăng ký khai sinh"
    facts = card(page)
    assert facts["Mã thủ tục"] == CODE
    assert facts["Lĩnh vực"] == "Hộ tịch"
    assert facts["Cấp thực hiện"] == "Cấp xã"
    assert facts["Dịch vụ công trực tuyến"] == "Toàn trình"
    assert "Trực tiếp: thời hạn 1 ngày làm việc" in facts["Cách thức thực hiện"]
    assert "Trực tuyến: thời hạn 1 ngày làm việc" in facts["Cách thức thực hiện"]
    assert "Giấy khai sinh" in facts["Kết quả"]

    headers, steps = section_table(page, "trinh-tu")
    assert len(steps) == len(procedure.steps)
    assert all(len(row) == len(headers) == 7 for row in steps)
    assert [row[0] for row in steps] == [str(i) for i in range(1, len(procedure.steps) + 1)]
    assert steps[0][1].startswith(procedure.steps[0].name)
    assert "(ước tính)" in steps[0][3]  # the preparation time is the editors' estimate

    headers, documents = section_table(page, "ho-so")
    assert len(documents) == len(procedure.documents)
    for row, document in zip(documents, procedure.documents, strict=True):
        assert row[1].startswith(" ".join(document.name.split()))
    counts = [(int(r[3]), int(r[4]), int(r[5])) for r in documents]
    assert counts == [(d.originals, d.copies, d.certified_copies) for d in procedure.documents]
    held = [row[7] for row in documents if row[7].startswith("Nhà nước đã có")]
    assert held, "the identity document is in the national population database"
    identity = next(row for row, d in zip(documents, procedure.documents, strict=True) if d.identity)
    assert "xuất trình để xác định người nộp" in identity[1]

    _, legal = section_table(page, "can-cu")
    assert [row[0] for row in legal] == [c.ref for c in procedure.legal_basis]
    luat = next(row for row in legal if row[0] == "60/2014/QH13")
    assert luat[5] == LEGAL_STATUS_VI[site.catalogue.legal["60/2014/QH13"].status]


def test_a_step_the_law_requires_in_person_says_so_with_its_basis() -> None:
    # Đăng ký kết hôn: both spouses sign the register at the commune (Luật Hộ tịch 2014, Điều 18).
    _, steps = section_table(built_site().page("thu-tuc/1.000894.html"), "trinh-tu")
    marked = [row[1] for row in steps if "bắt buộc có mặt trực tiếp" in row[1]]
    assert len(marked) == 1 and marked[0].startswith("Hai bên nam, nữ có mặt")
    assert marked[0].endswith("bắt buộc có mặt trực tiếp (60/2014/QH13, Điều 18)")


def test_a_step_an_information_system_does_says_so() -> None:
    # Khai sinh: the national population database returns the child's personal ID number.
    _, steps = section_table(built_site().page(f"thu-tuc/{CODE}.html"), "trinh-tu")
    marked = [row[1] for row in steps if "hệ thống thông tin tự động thực hiện" in row[1]]
    assert len(marked) == 1 and marked[0].startswith("Cơ sở dữ liệu quốc gia về dân cư trả về Số định danh cá nhân")


def test_a_fee_charged_per_copy_shows_its_rate_not_a_waiver() -> None:
    # 1.001193 charges 8.000 đ per copy of the birth certificate, asked for only on request (0 copies in the usual
    # case); the charge of 0 đ is stated as 0 đ with the record's note (a waiver here; elsewhere the province's
    # council sets it), never as «miễn».
    text = " ".join(built_site().page(f"thu-tuc/{CODE}.html").text_content().split())
    assert "Phí cấp bản sao Giấy khai sinh (nếu có yêu cầu): 8.000 đ/bản (trường hợp thông thường không phát sinh)" in text
    assert "Lệ phí đăng ký khai sinh: 0 đ" in text and ": miễn" not in text


def test_the_diagram_has_a_name_for_screen_readers_and_a_report_is_drawn_up() -> None:
    page = built_site().page(f"thu-tuc/{CODE}.html")
    label = page.xpath('//div[@class="tthc-diagram"]/@aria-label')[0]
    assert label.startswith("Sơ đồ các bước của thủ tục Thủ tục đăng ký khai sinh")
    # The report on a found child is drawn up by the commune (lập), not issued (cấp).
    assert "Nhà nước đã có: do Ủy ban nhân dân cấp xã lập" in " ".join(page.text_content().split())


def test_a_long_fee_note_is_folded_under_its_fee() -> None:
    """The passport fee's note is the editors' reading of three sources: one click away, not the card's bulk."""
    card_html = built_site().page("thu-tuc/1.001456.html").xpath('//div[@class="tthc-card"]')[0]
    notes = card_html.xpath('.//details[@class="tthc-note"]')
    assert notes and notes[0].xpath("./summary")[0].text_content() == "Ghi chú của biên tập về mức thu"
    assert "64/2025/TT-BTC" in notes[0].text_content()


def test_the_cost_section_shows_the_analysis_figures() -> None:
    site = built_site()
    procedure = site.catalogue.procedures[CODE]
    cost = analyse(procedure, site.catalogue, CostRates.from_parameters(site.catalogue.parameters, AS_OF)).cost
    page = site.page(f"thu-tuc/{CODE}.html")
    text = page.xpath('//h2[@id="chi-phi"]/following-sibling::ul[1]')[0].text_content()
    assert f"(C1): {vnd(cost.per_case_vnd)}" in text
    assert f"Chi phí một năm: {vnd(cost.annual_cost_vnd)}" in text
    assert f"{num(cost.subjects_per_year)} đối tượng" in text
    _, lines = section_table(page, "chi-phi")
    # In a table an amount keeps its «đ» on its line (a no-break space), however narrow the column.
    in_cell = {line.amount_vnd: vnd(line.amount_vnd).replace(" ", "\u00a0") for line in cost.lines}
    assert [row[5] for row in lines[:len(cost.lines)]] == [in_cell[line.amount_vnd] for line in cost.lines]
    # The lines, each rounded on its own, and the rounding row add up to C1 as the page states it.
    assert cost.rounding_vnd != 0 and lines[-1][0] == "Làm tròn" and lines[-1][5] == vnd(cost.rounding_vnd).replace(" ", "\u00a0")
    assert sum(line.amount_vnd for line in cost.lines) + cost.rounding_vnd == cost.per_case_vnd
    # Above the table, a chart of C1 by kind of cost: one bar per activity, each the sum of its lines, largest first.
    [figure] = page.xpath('//h2[@id="chi-phi"]/following-sibling::figure[@class="tthc-chart"]')
    by_activity: dict[str, int] = {}
    for line in cost.lines:
        by_activity[line.activity] = by_activity.get(line.activity, 0) + line.amount_vnd
    bars = figure.xpath('.//*[local-name()="text"][@text-anchor="end"]/*[local-name()="title"]/text()')
    amounts = [t for t in figure.xpath('.//*[local-name()="text"]/text()') if t.endswith(" đ")]
    assert bars == sorted(by_activity, key=lambda k: -by_activity[k])
    assert amounts == [vnd(by_activity[k]) for k in bars]
    assert figure.get("data-pagefind-ignore") is not None


def test_the_findings_open_with_their_saving_applied_together() -> None:
    site = built_site()
    procedure = site.catalogue.procedures[CODE]
    saving = analyse(procedure, site.catalogue, CostRates.from_parameters(site.catalogue.parameters, AS_OF)).saving
    assert saving is not None
    page = site.page(f"thu-tuc/{CODE}.html")
    text = " ".join(page.xpath('//h2[@id="phat-hien"]/following-sibling::p[1]')[0].text_content().split())
    assert text.startswith("Áp dụng cùng lúc các đề xuất")
    assert f"{vnd(saving.annual_vnd)} mỗi năm ({vnd(saving.per_case_vnd)} mỗi lần)" in text


def test_sources_keep_their_retrieval_dates() -> None:
    site = built_site()
    procedure = site.catalogue.procedures[CODE]
    page = site.page(f"thu-tuc/{CODE}.html")
    sources = page.xpath('//h2[@id="nguon"]/following-sibling::ul[1]')[0]
    links = sources.xpath(".//a/@href")
    for source in procedure.provenance.sources:
        assert source.url in links
        assert f"truy cập {source.retrieved:%d/%m/%Y}" in sources.text_content()
    # A record whose publishing decision is dated says the day.
    licence = site.page("thu-tuc/1.115978.html").xpath('//h2[@id="nguon"]/following-sibling::ul[1]')[0]
    assert "Quyết định công bố: 4685/QĐ-BCA-C08 ngày 22/07/2026" in licence.text_content()



def test_a_replaced_code_keeps_a_page_that_leads_to_its_successor() -> None:
    site = built_site()
    for old in ("3.000347", "3.000348"):
        page = site.page(f"thu-tuc/{old}.html")
        assert f"Thủ tục {old} đã được thay thế" in page.text_content()
        assert page.xpath('//article//a[@href="1.115978.html"]')
    assert card(site.page("thu-tuc/1.115978.html"))["Thay thế thủ tục"] == "3.000347, 3.000348"


def test_the_step_graph_is_a_mermaid_flowchart_with_agency_groups() -> None:
    page = built_site().page(f"thu-tuc/{CODE}.html")
    graph = page.xpath('//pre[@class="tthc-mermaid"]')[0].text_content()
    assert graph.startswith("flowchart")
    assert 'subgraph g0["Người nộp hồ sơ"]' in graph
    assert "class " in graph and "critical" in graph
    assert page.xpath('//script[contains(@src, "assets/tthc/mermaid.min.js")]')


def test_a_plan_shows_before_after_and_saving() -> None:
    site = built_site()
    pages_with_plans = [p for p in sorted((site.root / "thu-tuc").glob("*.html"))
                        if lxml_html.fromstring(p.read_bytes()).xpath('//h2[@id="phuong-an"]')]
    assert pages_with_plans, "the bundled plans apply to some procedures"
    page = lxml_html.fromstring(pages_with_plans[0].read_bytes())
    headers, rows = section_table(page, "phuong-an")
    assert headers == ["Chỉ tiêu", "Trước", "Sau", "Chênh lệch"]
    labels = [row[0] for row in rows]
    assert "Chi phí tuân thủ một năm" in labels
    assert "Tiết kiệm:" in page.text_content()


def test_a_plan_carried_out_is_said_before_the_old_process_is_shown() -> None:
    """1.001612's record still describes the district process its implemented plan replaced: the page says so at the
    top, the plan's section gives its summary, and the dashboard tells carried-out plans from proposals."""
    site = built_site()
    page = site.page("thu-tuc/1.001612.html")
    notice = page.xpath('//div[contains(@class, "admonition")]')[0]
    assert "Phương án đơn giản hóa đã thực hiện" in notice.text_content()
    assert notice.xpath(".//a/@href") == ["#phuong-an"]
    assert "Bản ghi trong danh mục còn mô tả quy trình cấp huyện cũ" in " ".join(page.text_content().split())
    assert not site.page("thu-tuc/1.000593.html").xpath('//div[contains(@class, "admonition")]'
                                                        '[contains(., "đã thực hiện")]')
    dashboard = site.page("tong-quan.html")
    headers, rows = section_table(dashboard, "phuong-an-don-gian-hoa")
    assert headers[:2] == ["Phương án", "Tình trạng"]
    assert {row[1] for row in rows} >= {"Đã thực hiện", "Dự thảo"}
    assert "phương án đã thực hiện:" in " ".join(dashboard.text_content().split())


def test_an_amended_procedure_warns_before_its_old_process_and_has_its_common_names() -> None:
    """1.004194 was amended by 1523/QĐ-BCA-C06 after its record: its page says so at the top, once; 1.001612's
    notice of a carried-out plan already says it. The card shows the names people search with."""
    site = built_site()
    warning = "Thủ tục đã được sửa đổi"
    notices = site.page("thu-tuc/1.004194.html").xpath('//div[contains(@class, "admonition")]')
    assert warning in notices[0].text_content() and "dichvucong.gov.vn" in notices[0].text_content()
    for code in ("1.001193", "1.001612"):
        assert warning not in site.page(f"thu-tuc/{code}.html").text_content()
    assert card(site.page("thu-tuc/1.012786.html"))["Tên gọi thông dụng"] == "mất sổ đỏ, mất sổ hồng, làm lại sổ đỏ"


def test_index_pages_list_the_procedure() -> None:
    site = built_site()
    field = site.page("linh-vuc/index.html")
    link = field.xpath('//article//a[normalize-space()="Hộ tịch"]/@href')[0]
    ho_tich = lxml_html.fromstring((site.root / "linh-vuc" / link).read_bytes())
    assert ho_tich.xpath(f'//a[@href="../thu-tuc/{CODE}.html"]')
    commune = site.page("cap/commune.html")
    assert commune.xpath(f'//a[@href="../thu-tuc/{CODE}.html"]')
    agency = site.page("co-quan/ubnd-xa.html")
    assert agency.xpath(f'//a[@href="../thu-tuc/{CODE}.html"]')
    everything = site.page("thu-tuc/index.html")
    listed = {href.removesuffix(".html") for href in everything.xpath("//article//tbody//a/@href")}
    assert listed == set(site.catalogue.procedures)


def test_indexes_read_in_vietnamese_order_and_mark_what_ended() -> None:
    site = built_site()
    fields = [a.text_content() for a in site.page("linh-vuc/index.html").xpath("//article//tbody//tr/td[1]//a")]
    assert fields == sorted(fields, key=vietnamese_order) and fields != sorted(fields)  # «Đ…» is not after «Z»
    _, agencies = section_table_after_h1(site.page("co-quan/index.html"))
    by_name = {row[0]: row[3] for row in agencies}
    assert by_name["Ủy ban nhân dân cấp huyện"] == "Chấm dứt hoạt động từ 01/07/2025; nay: Ủy ban nhân dân cấp xã"
    assert by_name["Ủy ban nhân dân cấp xã"] == ""
    _, levels = section_table_after_h1(site.page("cap/index.html"))
    assert [row[2] for row in levels if row[0] == "Cấp huyện"] == ["Không còn từ 01/07/2025"]
    assert "Cấp này không còn từ 01/07/2025" in site.page("cap/district.html").text_content()
    working = sum(a.abolished is None or a.abolished > AS_OF for a in site.catalogue.agencies.values())
    assert 0 < working < len(site.catalogue.agencies)
    assert f"cơ quan đang hoạt động: {working}" in site.page("tong-quan.html").text_content()
    everything = {row[0]: row[4] for row in section_table_after_h1(site.page("thu-tuc/index.html"))[1]}
    # The usual channel's limit, then each other channel's where it differs.
    assert everything["1.012784"] == "22 (trực tiếp)trực tuyến: 12dịch vụ bưu chính: 12"
    assert not site.page("tim-kiem.html").xpath('//form[@class="tthc-search-box"]')  # Pagefind's box only
    assert site.page("404.html").xpath("//h1")[0].text_content() == "Không tìm thấy trang"


def section_table_after_h1(page: lxml_html.HtmlElement) -> tuple[list[str], list[list[str]]]:
    table = page.xpath("//h1/following-sibling::table[1]")[0]
    headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    return headers, [[td.text_content().strip() for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]


def test_an_agency_page_lists_its_hops_with_other_agencies() -> None:
    site = built_site()
    rates = CostRates.from_parameters(site.catalogue.parameters, AS_OF)
    sent: dict[tuple[str, str], int] = {}
    for procedure in site.catalogue.procedures.values():
        for hop in analyse(procedure, site.catalogue, rates, with_findings=False).metrics.hops:
            sent[(hop.from_agency, hop.to_agency)] = sent.get((hop.from_agency, hop.to_agency), 0) + 1
    assert sent, "the bundled catalogue moves dossiers between agencies"
    (source, target), times = max(sent.items(), key=lambda kv: kv[1])
    page = site.page(f"co-quan/{source}.html")
    rows = page.xpath('//h2[@id="chuyen-ho-so"]/following-sibling::table[1]/tbody/tr')
    by_agency = {tr.xpath("./td[1]")[0].text_content(): tr for tr in rows}
    row = by_agency[site.catalogue.agencies[target].name]
    assert row.xpath("./td[2]")[0].text_content() == num(times)


def test_dashboard_charts_are_svg_pictures_of_the_catalogue() -> None:
    site = built_site()
    page = site.page("tong-quan.html")
    images = page.xpath('//figure[@class="tthc-chart"]/img/@src')
    assert "bieu-do/chi-phi-mot-lan.svg" in images and "bieu-do/thoi-gian.svg" in images
    for src in images:
        svg = etree.parse(str(site.root / src)).getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    cost_chart = etree.parse(str(site.root / "bieu-do/chi-phi-mot-lan.svg")).getroot()
    bar_values = [int(t.text.replace(".", "")) for t in cost_chart.iter("{http://www.w3.org/2000/svg}text")
                  if t.text and t.text.replace(".", "").isdigit()]
    # Every procedure in force counted once; 1.012575, replaced by 1.115970, keeps its page but no place in the figures.
    assert sum(bar_values) == sum(p.status != "abolished" for p in site.catalogue.procedures.values())
    text = " ".join(site.page("tong-quan.html").text_content().split())
    abolished = sum(p.status == "abolished" for p in site.catalogue.procedures.values())
    assert abolished == 2  # 1.012575 and 1.011537
    assert (f"Số thủ tục: {sum(bar_values)} (và {abolished} thủ tục đã bãi bỏ, giữ trang để tra cứu); lĩnh vực: "
            f"{len({p.field for p in site.catalogue.procedures.values()})};") in text
    old = " ".join(site.page("thu-tuc/1.012575.html").text_content().split())
    assert "Thủ tục đã bị bãi bỏ" in old and "Thủ tục nay là 1.115970 · Đăng ký, cấp chứng nhận đăng ký xe" in old
    assert "Đã bãi bỏ; thay bằng 1.115970 · Đăng ký, cấp chứng nhận đăng ký xe, biển số xe" in old
    new = site.page("thu-tuc/1.115970.html")  # and the record that replaced it links back to the kept page
    assert card(new)["Thay thế thủ tục"].startswith("1.012575 · Đăng ký xe lần đầu trực tuyến toàn trình")
    assert new.xpath('//dd/a[starts-with(., "1.012575 · ")]/@href') == ["1.012575.html"]


def test_dashboard_counts_the_days_a_rule_saves_beside_its_money() -> None:
    """Removing a pass-through step saves working days and no đồng: the rule table says so instead of a bare 0 đ."""
    site = built_site()
    page = site.page("tong-quan.html")
    table = page.xpath('//table[thead/tr/th[normalize-space()="Quy tắc"]]')[0]
    headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    assert headers[-1] == "Ngày làm việc rút ngắn (cộng các thủ tục)"
    rows = {tr[0].text_content().strip(): [td.text_content().strip() for td in tr] for tr in table.xpath("./tbody/tr")}
    passing = rows["Bước trung chuyển hồ sơ"]
    assert passing[2] == "0\u00a0đ" and float(passing[3].replace(",", ".")) > 0
    # A rule is named for all its findings: the visits rule counts procedures with 2 and with 4 visits.
    assert int(rows["Phải đến trực tiếp nhiều lần"][1]) > 1
    assert not [label for label in rows if re.fullmatch(r"Phải đến trực tiếp \d+ lần", label)]


def test_a_case_two_records_count_is_counted_once_in_the_catalogue_total() -> None:
    """1.001193's published births include those registered through the liên thông 2.001023: the dashboard's total
    counts those once, at the liên thông's cost, and both pages say where the cases are counted."""
    site = built_site()
    cat = site.catalogue
    rates = CostRates.from_parameters(cat.parameters, AS_OF)
    costs = {code: analyse(p, cat, rates, with_findings=False).cost for code, p in cat.procedures.items()
             if p.status != "abolished"}  # 1.012575, replaced by 1.115970: nobody does it any more
    twice = sum(round_vnd(Decimal(costs[whole].per_case_vnd) * costs[code].frequency_per_subject
                          * costs[code].subjects_per_year)
                for code, p in cat.procedures.items() if code in costs for whole in p.annual_volume.counted_in)
    assert twice > 0
    total = sum(c.annual_cost_vnd for c in costs.values()) - twice
    dashboard = site.page("tong-quan.html")
    text = " ".join(dashboard.text_content().split())
    assert f"Tổng chi phí tuân thủ ước tính mỗi năm: {vnd(total)}" in text
    assert f"đã trừ {vnd(twice)}" in text
    # The table below names each pair and what was taken off; its amounts add up to the deduction.
    [pairs] = dashboard.xpath('//table[caption="Phần tính trùng đã trừ khỏi tổng chi phí của danh mục"]')
    rows = [[" ".join(td.text_content().split()) for td in tr] for tr in pairs.xpath("./tbody/tr")]
    assert ["Thủ tục đăng ký khai sinh", "1.003583, 2.000986, 2.001023"] in [r[:2] for r in rows]
    assert sum(int(r[2].removesuffix(" đ").replace(".", "")) for r in rows) == twice
    part = " ".join(site.page("thu-tuc/2.001023.html").text_content().split())
    assert "Các trường hợp này đã nằm trong số hồ sơ mỗi năm của 1.001193" in part
    whole = site.page(f"thu-tuc/{CODE}.html")
    assert "Số này gồm cả các trường hợp làm theo 1.003583, 2.000986, 2.001023" in " ".join(whole.text_content().split())
    assert whole.xpath('//a[normalize-space()="2.001023"]/@href') == ["2.001023.html"]


def test_each_table_of_a_procedure_page_is_named_for_a_screen_reader() -> None:
    """A screen reader moving from table to table hears which one it is in, and of which procedure."""
    page = built_site().page(f"thu-tuc/{CODE}.html")
    tables = page.xpath("//article//table")
    captions = [" ".join(t.xpath("string(./caption)").split()) for t in tables]
    assert all(captions) and len(set(captions)) == len(captions)
    assert captions[:4] == [f"Các bước thực hiện thủ tục {CODE}", f"Thành phần hồ sơ thủ tục {CODE}",
                            f"Căn cứ pháp lý của thủ tục {CODE}", f"Chi phí một lần thực hiện thủ tục {CODE}, từng khoản"]
    assert any(c.startswith(f"Thủ tục {CODE} trước và sau phương án «") for c in captions)


def test_only_changed_markdown_is_rewritten(tmp_path: Path) -> None:
    assert sync_folder(tmp_path, {"a.md": b"A", "d/b.md": b"B"}) == (2, 0)
    before = (tmp_path / "a.md").stat().st_mtime_ns
    assert sync_folder(tmp_path, {"a.md": b"A", "d/b.md": b"B2", "c.md": b"C"}) == (2, 0)
    assert (tmp_path / "a.md").stat().st_mtime_ns == before
    assert sync_folder(tmp_path, {"c.md": b"C"}) == (0, 2)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["c.md"]


def test_generated_markdown_stays_in_the_work_folder(tmp_path: Path) -> None:
    site: BuiltSite = built_site()
    assert (site.work / "docs" / "thu-tuc" / f"{CODE}.md").is_file()
    assert (site.work / "mkdocs.yml").is_file()
    assert not (Path(__file__).resolve().parents[1] / "docs" / "thu-tuc").exists()


def test_site_build_refuses_a_bad_date() -> None:
    result = CliRunner().invoke(app, ["site", "build", "--as-of", "23/11/2026"])
    assert result.exit_code == 2
    assert "không phải ngày dạng YYYY-MM-DD" in result.output


def test_site_build_command_builds_and_indexes_a_small_catalogue(data_copy: Path, tmp_path: Path) -> None:
    out, work = tmp_path / "site", tmp_path / "src"
    args = ["site", "build", "--data", str(data_copy), "--out", str(out), "--work", str(work), "--as-of", "2026-11-23"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 thủ tục" in result.output
    assert (out / "thu-tuc" / f"{CODE}.html").is_file()
    assert (out / "pagefind" / "pagefind.js").is_file()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "(0 tệp Markdown viết lại" in again.output  # nothing changed: nothing rewritten
    assert "<loc>" not in (out / "sitemap.xml").read_text()  # no address given: nothing to list
    published = CliRunner().invoke(app, [*args, "--site-url", "https://dichvu.example.gov.vn/tthc/"])
    assert published.exit_code == 0, published.output
    assert f"<loc>https://dichvu.example.gov.vn/tthc/thu-tuc/{CODE}.html</loc>" in (out / "sitemap.xml").read_text()
    refused = CliRunner().invoke(app, [*args, "--site-url", "dichvu.example.gov.vn/tthc"])
    assert refused.exit_code == 1 and "--site-url" in refused.output


def test_site_build_never_replaces_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    from catalogue.site.build import SiteBuildError, check_out

    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("giữ lại")
    with pytest.raises(SiteBuildError, match="không phải trang đã dựng"):
        check_out(precious, tmp_path / "src")
    with pytest.raises(SiteBuildError, match="sẽ ghi đè"):
        check_out(tmp_path / "build", tmp_path / "build" / "src")
    check_out(tmp_path / "new", tmp_path / "src")  # a new folder is fine
    assert (built_site().root / ".tthc-site").is_file()  # and a built site may be rebuilt


def test_the_result_is_not_listed_among_the_papers_to_bring() -> None:
    # Hộ chiếu (1.001456): the new passport is the result; the dossier lists what the applicant brings, and the
    # passport is numbered on in a table of the agencies' papers, where the step that issues it links to it.
    page = built_site().page("thu-tuc/1.001456.html")
    _, dossier = section_table(page, "ho-so")
    names = [row[1] for row in dossier]
    assert not any("(kết quả)" in name for name in names) and any(n.startswith("Tờ khai") for n in names)
    made = page.xpath('//h3[@id="co-quan-lap"]/following-sibling::table[1]/tbody/tr')
    assert [[td.text_content().strip() for td in tr] for tr in made] == [
        [str(len(dossier) + 1), "Hộ chiếu phổ thông (kết quả)", "Công an cấp tỉnh"]]
    # Every document number in the steps table leads to a row of one of the two tables.
    anchors = set(page.xpath('//span[starts-with(@id, "giay-to-")]/@id'))
    links = {href[1:] for href in page.xpath('//a[starts-with(@href, "#giay-to-")]/@href')}
    assert links and links <= anchors and f"giay-to-{len(dossier) + 1}" in links


def test_limits_under_a_day_and_minutes_spent_online_read_as_they_are() -> None:
    site = built_site()
    # Thông báo lưu trú (2.001159) is taken on the spot (the record writes 0 working days, «1 giờ»).
    text = " ".join(site.page("thu-tuc/2.001159.html").text_content().split())
    assert "thời hạn trong ngày" in text and "thời hạn 0 ngày" not in text
    # Đổi giấy phép lái xe (1.115978) is done on VNeID: its minutes with the police are not «tại quầy».
    _, steps = section_table(site.page("thu-tuc/1.115978.html"), "trinh-tu")
    online = [row for row in steps if "VNeID" in row[1] and row[4]]
    assert online and all("tại quầy" not in row[4] and "làm việc với cơ quan" in row[4] for row in online)


def test_the_sources_name_the_record_fields_in_words() -> None:
    # 1.013978 marks the published duration of one step: the page names the step, not «steps.niem-yet.duration».
    text = " ".join(built_site().page("thu-tuc/1.013978.html").text_content().split())
    assert "Nội dung chép từ nguồn: mã thủ tục; tên thủ tục; lĩnh vực; cấp thực hiện" in text
    assert "bước «Niêm yết công khai kết quả kiểm tra" in text and "steps.niem-yet" not in text


def test_a_record_checked_against_its_source_says_when_and_with_what_result() -> None:
    # 2.001610 (real record): checked on 08/12/2026 against a newer copy of the national record, unchanged.
    site = built_site()
    sources = site.page("thu-tuc/2.001610.html").xpath('//h2[@id="nguon"]/following-sibling::ul[1]/li')
    [check] = [li for li in sources if li.text_content().startswith("Đối chiếu với nguồn")]
    assert check.text_content().startswith(
        "Đối chiếu với nguồn ngày 08/12/2026: không tìm thấy bản mới hơn, bản ghi giữ nguyên (bản đã đối chiếu).")
    [a] = check.xpath(".//a")
    assert a.get("href").startswith("https://github.com/VoidKeishi/OpenGOV/blob/")
    # 2.000986: the same version read again showed transcription errors, fixed: not «a newer version».
    text = " ".join(site.page("thu-tuc/2.000986.html").text_content().split())
    assert "Đối chiếu với nguồn ngày 08/12/2026: cùng phiên bản, đã sửa lỗi chép theo nguồn" in text
    # The dashboard counts the records read or checked lately, and names the one longest without a look: the test
    # catalogue's own record 9.999999, read on 03/01/2026, more than 183 days before the site's day (23/11/2026).
    records = [site.catalogue.procedures[code] for code in in_force(site.catalogue.procedures)]
    text = " ".join(site.page("tong-quan.html").text_content().split())
    assert (f"Đọc hoặc đối chiếu với nguồn trong 183 ngày qua: {len(records) - 1}/{len(records)} thủ tục; lâu nhất: "
            "9.999999 (03/01/2026)") in text
