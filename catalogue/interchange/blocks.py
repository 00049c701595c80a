"""Documents as a flat sequence of text lines and data tables, whatever they were written in.

The national database's procedure page (HTML), its Word export (a .doc that is really HTML, or a .docx) and
the provincial portals all lay a record out as labelled fields ("Trình tự thực hiện", "Cách thức thực hiện"…)
with three data tables (channels, documents, legal basis). Reading each format into the same `Block` list lets
one record reader serve them all. Only text is kept: markup, scripts and styles never leave this module.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

from catalogue.interchange.safety import (
    InterchangeError,
    check_zip,
    decode_text,
    reject_doctype,
    reject_legacy_encoding,
)
from catalogue.interchange.vntext import clean
from models.common import fold


@dataclass(frozen=True)
class Block:
    """A line of text, or a data table (`rows` of cell texts, header first)."""

    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def is_table(self) -> bool:
        return bool(self.rows)


@dataclass
class Document:
    blocks: list[Block]
    title: str = ""
    headings: list[str] = field(default_factory=list)
    source_url: str = ""
    active_content: int = 0
    """Scripts, frames, objects and event-handler attributes met and dropped (only text is ever kept)."""


DATA_TABLE_HEADERS = ("hinh thuc nop", "ten giay to", "so ky hieu", "trich yeu", "ten ho so", "thanh phan ho so")
"""Column headers that mark the data tables (channels, documents, legal basis)."""


def is_data_header(cells: Iterable[str]) -> bool:
    return any(fold(cell).strip(" :*") in DATA_TABLE_HEADERS for cell in cells)


# --- HTML ------------------------------------------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math", "button",
         "select", "textarea", "input", "canvas", "video", "audio", "link", "meta"}
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
          "blockquote", "dd", "dt", "dl", "body", "html", "form", "header", "footer", "main", "nav", "aside",
          "tr", "td", "th", "tbody", "thead", "tfoot", "center", "pre", "address", "fieldset", "figure", "hr"}
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")


def _tag(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _inline_text(el: etree._Element) -> str:
    """The text of an element, line breaks kept, scripts and styles dropped."""
    parts: list[str] = []

    def visit(node: etree._Element) -> None:
        tag = _tag(node)
        if tag in _SKIP:
            return
        if tag == "br":
            parts.append("\n")
        elif tag and node.text:
            parts.append(node.text)
        for child in node:
            visit(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK:
            parts.append("\n")

    visit(el)
    return clean("".join(parts))


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    rows = table.xpath("./*[local-name()='tr'] | ./*[local-name()='thead' or local-name()='tbody' or local-name()='tfoot']/*[local-name()='tr']")
    return [row.xpath("./*[local-name()='td' or local-name()='th']") for row in rows]


LabelTest = Callable[[str], bool]
"""Whether a line of text is a field label of the record ("Trình tự thực hiện")."""


class _HtmlFlattener:
    def __init__(self, is_label: LabelTest) -> None:
        self.blocks: list[Block] = []
        self.headings: list[str] = []
        self.is_label = is_label

    def emit(self, text: str) -> None:
        for line in clean(text).split("\n"):
            if line:
                self.blocks.append(Block(text=line))

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if not tag or tag in _SKIP:
            return
        if tag == "table":
            self.table(el)
            return
        if tag in {"h1", "h2", "h3"}:
            self.headings.append(_inline_text(el))
        if not any(_tag(d) in _BLOCK for d in el.iterdescendants()):
            self.emit(_inline_text(el))
            return
        pending: list[str] = [el.text or ""]
        for child in el:
            ctag = _tag(child)
            if ctag in _BLOCK:
                self.emit("".join(pending))
                pending = []
                self.walk(child)
            elif ctag == "br":
                pending.append("\n")
            elif ctag and ctag not in _SKIP:
                pending.append(_inline_text(child))
            pending.append(child.tail or "")
        self.emit("".join(pending))

    def table(self, el: etree._Element) -> None:
        rows = _rows(el)
        texts = [[_inline_text(cell) for cell in row] for row in rows]
        if texts and is_data_header(texts[0]):
            self.blocks.append(Block(rows=tuple(tuple(r) for r in texts if any(r))))
            return
        for row, row_texts in zip(rows, texts, strict=True):
            if len(row) >= 2 and self.is_label(row_texts[0]):
                self.emit(row_texts[0])
                for cell in row[1:]:
                    self.walk_children(cell)
            else:
                for cell in row:
                    self.walk_children(cell)

    def walk_children(self, cell: etree._Element) -> None:
        self.walk(cell)


def html_document(data: bytes, source: str | Path, is_label: LabelTest) -> Document:
    """Blocks of an HTML page or of a Word document saved as HTML (the portal's .doc export)."""
    reject_doctype(data, source)
    text = decode_text(data, source)
    reject_legacy_encoding(_visible_sample(text), source)
    if not text.strip():
        raise InterchangeError(source, "tệp rỗng")
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=False, default_doctype=False,
    )
    try:
        root = lxml.html.document_fromstring(text.replace("\x00", ""), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InterchangeError(source, f"không đọc được dạng HTML: {exc}") from None
    url = ""
    saved = _SAVED_FROM.search(text[:4096])
    if saved:
        url = saved.group(1)
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content", "//base/@href"):
        found = root.xpath(xpath)
        if found and not url:
            url = str(found[0])
    active = len(root.xpath("//script | //iframe | //object | //embed | //*[@*[starts-with(name(), 'on')]]"))
    flat = _HtmlFlattener(is_label)
    body = root.find("body")
    flat.walk(body if body is not None else root)
    title_el = root.find(".//title")
    title = clean(title_el.text_content()) if title_el is not None else ""
    return Document(flat.blocks, title=title, headings=[h for h in flat.headings if h], source_url=url, active_content=active)


def _visible_sample(html: str) -> str:
    """Text between tags, enough to recognise a legacy encoding without parsing."""
    return re.sub(r"<[^>]{0,2000}>", " ", html[:300_000])


# --- docx ---------------------------------------------------------------------------------------------------

def docx_document(data: bytes, source: str | Path, is_label: LabelTest) -> Document:
    """Blocks of a .docx (python-docx), after the zip and its XML parts have been checked."""
    check_zip(data, source, "word/document.xml")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types on a damaged package
        raise InterchangeError(source, f"không đọc được tệp Word: {exc}") from None
    blocks: list[Block] = []
    headings: list[str] = []

    def paragraph(p: Paragraph) -> None:
        text = clean(p.text)
        if not text:
            return
        style = (p.style.name if p.style is not None else "") or ""
        if style.lower().startswith(("heading", "title")):
            headings.append(text)
        blocks.extend(Block(text=line) for line in text.split("\n"))

    def cells(row: object) -> list[object]:
        out: list[object] = []
        for cell in row.cells:  # type: ignore[attr-defined]
            if not out or cell._tc is not out[-1]._tc:  # type: ignore[attr-defined]
                out.append(cell)
        return out

    def inner(items: Iterator[Paragraph | Table]) -> None:
        for item in items:
            if isinstance(item, Paragraph):
                paragraph(item)
            else:
                table(item)

    def table(t: Table) -> None:
        rows = [cells(r) for r in t.rows]
        texts = [[clean(c.text) for c in row] for row in rows]  # type: ignore[attr-defined]
        if texts and is_data_header(texts[0]):
            blocks.append(Block(rows=tuple(tuple(r) for r in texts if any(r))))
            return
        for row, row_texts in zip(rows, texts, strict=True):
            if len(row) >= 2 and is_label(row_texts[0]):
                blocks.append(Block(text=row_texts[0]))
                rest = row[1:]
            else:
                rest = row
            for cell in rest:
                inner(cell.iter_inner_content())  # type: ignore[attr-defined]

    try:
        inner(document.iter_inner_content())
    except (KeyError, ValueError, AttributeError) as exc:
        raise InterchangeError(source, f"tệp Word bị hỏng: {exc}") from None
    reject_legacy_encoding("\n".join(b.text or " ".join(" ".join(r) for r in b.rows) for b in blocks), source)
    title = clean(document.core_properties.title or "")
    return Document(blocks, title=title, headings=headings)
