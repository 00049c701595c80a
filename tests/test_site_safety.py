"""The site is safe and self-contained: catalogue text is shown as text, nothing is fetched from other hosts, and
every internal link leads to a file."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from catalogue.site.build import mkdocs_config
from catalogue.site.escape import md, safe_url, slug
from tests.site_support import (
    HOSTILE,
    HOSTILE_CODE,
    HOSTILE_DOCUMENT,
    HOSTILE_REASON,
    HOSTILE_STEP,
    TIME_LIMIT_TEXT,
    broken_links,
    built_site,
)


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_a_hostile_name_renders_as_text() -> None:
    site = built_site()
    page = site.page(f"thu-tuc/{HOSTILE_CODE}.html")
    assert page.xpath("//h1")[0].text_content().rstrip("¶") == collapse(HOSTILE)
    assert collapse(HOSTILE) in page.xpath("//title")[0].text_content()
    for script in page.xpath("//script"):
        assert "alert" not in (script.text or "") and "alert" not in script.get("src", "")
    assert not page.xpath("//img[@onerror] | //*[@onerror] | //u | //b[ancestor::article]")
    assert not [href for href in page.xpath("//a/@href") if href.strip().lower().startswith("javascript:")]


def test_an_applied_change_is_noted_as_text() -> None:
    """The note of a legal change applied to the record: its title and reason are catalogue text, shown as text."""
    page = built_site().page(f"thu-tuc/{HOSTILE_CODE}.html")
    note = page.xpath("//div[contains(@class, 'admonition') and contains(@class, 'info')]")[0]
    assert collapse(HOSTILE) in collapse(note.text_content()) and collapse(HOSTILE_REASON) in collapse(note.text_content())
    assert not note.xpath(".//script | .//a[starts-with(@href, 'javascript')]")


def test_a_change_ahead_is_announced_as_text_on_the_page_and_the_dashboard() -> None:
    site = built_site()
    note = site.page(f"thu-tuc/{HOSTILE_CODE}.html").xpath(
        "//div[contains(@class, 'admonition') and contains(@class, 'note')]")[0]
    assert "Sắp thay đổi theo pháp luật đã công bố" in note.text_content()
    assert collapse(HOSTILE) in collapse(note.text_content()) and "01/01/2031" in note.text_content()
    assert not note.xpath(".//script | .//a[starts-with(@href, 'javascript')]")
    table = site.page("tong-quan.html").xpath('//table[thead/tr/th[normalize-space()="Hiệu lực"]]')[0]
    [row] = table.xpath("./tbody/tr")
    assert [collapse(td.text_content()) for td in row.xpath("./td")] == [collapse(HOSTILE), "01/01/2031", HOSTILE_CODE]
    assert row.xpath("./td[3]/a/@href") == [f"thu-tuc/{HOSTILE_CODE}.html"] and not row.xpath(".//script")


def test_hostile_text_breaks_no_table() -> None:
    site = built_site()
    page = site.page(f"thu-tuc/{HOSTILE_CODE}.html")
    for table in page.xpath("//article//table"):
        width = len(table.xpath("./thead/tr/th"))
        assert all(len(tr.xpath("./td")) == width for tr in table.xpath("./tbody/tr"))
    documents = page.xpath('//h2[@id="ho-so"]/following-sibling::table[1]/tbody/tr')
    assert len(documents) == 2
    assert documents[0].xpath("./td[2]")[0].text_content() == collapse(HOSTILE_DOCUMENT)
    assert documents[0].xpath("./td[7]")[0].text_content() == "Mẫu <i>01</i> | ]"
    steps = page.xpath('//h2[@id="trinh-tu"]/following-sibling::table[1]/tbody/tr')
    assert steps[0].xpath("./td[2]")[0].text_content().startswith(collapse(HOSTILE_STEP))
    assert steps[0].xpath("./td[3]")[0].text_content() == "Người nộp hồ sơ (Bộ phận | <u>một cửa</u>)"


def test_blank_lines_in_catalogue_text_do_not_break_the_card() -> None:
    page = built_site().page(f"thu-tuc/{HOSTILE_CODE}.html")
    card = page.xpath('//div[@class="tthc-card"]')[0]
    labels = [dt.text_content() for dt in card.xpath(".//dt")]
    assert labels[0] == "Mã thủ tục" and labels[-1] == "Tình trạng"
    channels = card.xpath('.//dt[.="Cách thức thực hiện"]/following-sibling::dd[1]')[0].text_content()
    assert collapse(TIME_LIMIT_TEXT) in channels
    assert not card.xpath(".//b")


def test_hostile_text_stays_inside_its_diagram_label() -> None:
    page = built_site().page(f"thu-tuc/{HOSTILE_CODE}.html")
    graph = page.xpath('//pre[@class="tthc-mermaid"]')[0].text_content()
    assert "<script>" not in graph and "-->" not in graph.split("\n", 3)[2]
    # one node per step, and only the two edges of the real graph
    assert len(re.findall(r"^\s+s\d+\[", graph, flags=re.MULTILINE)) == 3
    assert len(re.findall(r"-->", graph)) == 2


def test_a_non_web_source_is_not_a_link() -> None:
    page = built_site().page(f"thu-tuc/{HOSTILE_CODE}.html")
    sources = page.xpath('//h2[@id="nguon"]/following-sibling::ul[1]')[0]
    assert "javascript:alert(5)" in sources.text_content()
    assert sources.xpath(".//a/@href") == ["https://example.invalid/a?b=1&c=2"]


# ---- nothing from other hosts --------------------------------------------------------------------------------

def external(url: str) -> bool:
    return url.strip().startswith(("http://", "https://", "//"))


def test_no_page_loads_anything_from_another_host() -> None:
    site = built_site()
    offenders = []
    for path in site.root.rglob("*.html"):
        page = lxml_html.fromstring(path.read_bytes())
        loads = page.xpath("//script/@src | //link[not(@rel='canonical')]/@href | //img/@src | //iframe/@src"
                           " | //source/@src | //video/@src | //audio/@src | //object/@data | //embed/@src")
        offenders += [(path.name, url) for url in loads if external(url)]
        for style in page.xpath("//style/text() | //*/@style"):
            offenders += [(path.name, u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", style) if external(u)]
            offenders += [(path.name, u) for u in re.findall(r"@import\s+['\"]([^'\"]+)", style) if external(u)]
    for css in site.root.rglob("*.css"):
        text = css.read_text(errors="replace")
        offenders += [(css.name, u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) if external(u)]
        offenders += [(css.name, u) for u in re.findall(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)", text) if external(u)]
    assert not offenders


def test_the_theme_uses_system_fonts_and_no_builtin_search() -> None:
    config = mkdocs_config(Path("/tmp/x"), [])
    assert config["theme"]["font"] is False
    assert config["plugins"] == []
    page = (built_site().root / "index.html").read_text()
    assert "fonts.googleapis" not in page and "fonts.gstatic" not in page


# ---- links ---------------------------------------------------------------------------------------------------

def test_every_internal_link_leads_to_a_file_and_anchor() -> None:
    site = built_site()
    assert len(list(site.root.rglob("*.html"))) > len(site.catalogue.procedures)
    assert not broken_links(site.root)


def test_search_pages_are_indexed_and_the_index_is_built() -> None:
    site = built_site()
    assert (site.root / "pagefind" / "pagefind-ui.js").is_file()
    page = site.page("thu-tuc/1.001193.html")
    assert page.xpath("//*[@data-pagefind-body]")
    folded = page.xpath('//div[@class="tthc-folded"]')[0].text_content().split()
    assert {"dang", "dieu"} <= set(folded)  # "đăng", "Điều" findable as typed without diacritics
    assert not [word for word in folded if not word.isascii()]


# ---- the escaping functions ----------------------------------------------------------------------------------

EXTENSIONS = ["tables", "attr_list", "admonition", "toc"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab đ<>&\"'`*_[](){}#|!\\~=+^:$-.1\n")), min_size=1, max_size=40))
def test_md_text_in_a_table_cell_is_exactly_that_text(text: str) -> None:
    source = f"| a | b |\n|---|---|\n| {md(text)} | x |\n"
    rendered = lxml_html.fromstring(f"<div>{markdown.markdown(source, extensions=EXTENSIONS)}</div>")
    cells = rendered.xpath("//tbody/tr/td")
    assert len(cells) == 2
    assert cells[0].text_content() == collapse(text)
    assert len(cells[0]) == 0  # no element made from the text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab đ<>&\"'`*_[](){}#|!\\")), min_size=1, max_size=40))
def test_md_text_as_a_heading_is_exactly_that_text(text: str) -> None:
    if not collapse(text):
        return
    rendered = lxml_html.fromstring(f"<div>{markdown.markdown(f'# {md(text)}', extensions=EXTENSIONS)}</div>")
    assert rendered.xpath("//h1")[0].text_content() == collapse(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab đ<>&`*_[]{}#|\\-+.)1 ")), min_size=1, max_size=30))
def test_md_text_starting_a_line_is_one_paragraph_of_that_text(text: str) -> None:
    if not collapse(text):
        return
    rendered = lxml_html.fromstring(f"<div>{markdown.markdown(md(text), extensions=EXTENSIONS)}</div>")
    assert [child.tag for child in rendered] == ["p"]  # no list, rule or heading made from the text
    assert rendered[0].text_content() == collapse(text) and len(rendered[0]) == 0


def test_only_web_addresses_become_links() -> None:
    assert safe_url("https://dichvucong.gov.vn/p/x?a=1") == "https://dichvucong.gov.vn/p/x?a=1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url('https://x.invalid/"><script>') is None


def test_slugs_are_ascii_file_names() -> None:
    assert slug("Đất đai") == "dat-dai"
    assert slug("Hộ tịch") == "ho-tich"
    assert re.fullmatch(r"x-[0-9a-f]{10}", slug("<>|"))


def test_chart_labels_are_escaped() -> None:
    from catalogue.site.charts import bar_chart

    svg = etree.fromstring(bar_chart("<b>", ["</text><script>x</script>", "b"], [2, 1], str).encode())
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
    assert "</text><script>x</script>" in "".join(svg.itertext())
