"""MkDocs hooks of the catalogue's build (listed under `hooks:` in the generated mkdocs.yml).

Pagefind folds accents ("ký" is found by "ky") but treats "đ" as a letter of its own, so "dang ky" would not find
"đăng ký". Each page that goes into the search index gets a hidden block with its words that hold a "đ", written
without diacritics, for the index only.
"""

from __future__ import annotations

import html
import re
from typing import Any

from models.common import fold

_D = re.compile("[đĐ]")


def folded_words(page_html: str) -> str:
    """The page's distinct words that contain "đ" or "Đ", without diacritics, in order of first use.

    Searched in the HTML as it is (one regular expression, no parsing): the generator writes "đ" as itself, never
    as a character reference, and no tag or attribute name holds one.

    >>> folded_words("<h1>Đăng ký</h1><p>đăng ký, Điều 5</p>")
    'dang dieu'
    """
    words: dict[str, None] = {}
    end = 0
    for match in _D.finditer(page_html):  # the letter is rare: grow each word around it, not scan every word
        if match.start() < end:
            continue
        start, end = match.start(), match.end()
        while start > 0 and page_html[start - 1].isalnum():
            start -= 1
        while end < len(page_html) and page_html[end].isalnum():
            end += 1
        words[fold(page_html[start:end])] = None
    return " ".join(words)


def on_page_content(html_content: str, page: Any, **_: Any) -> str:
    """Append the folded "đ" words to pages that are indexed for search."""
    if not (page.meta or {}).get("tthc_search_index"):
        return html_content
    words = folded_words(html_content)
    if not words:
        return html_content
    return f'{html_content}\n<div class="tthc-folded" data-pagefind-weight="0.5">{html.escape(words)}</div>'
