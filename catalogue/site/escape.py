"""Escaping catalogue text for the generated pages: Markdown, HTML, URLs and file names.

Catalogue strings are data, never markup: a name holding `<script>`, `|`, `]` or a backtick must show as those
characters, break no table and run nothing. Markdown has many active characters (emphasis, links, code spans,
table pipes, attribute lists, headings), so every one of them is written as a numeric character reference, which
Python-Markdown passes through untouched and the browser shows as the character itself.
"""

from __future__ import annotations

import hashlib
import html
import json
import re

from models.common import fold

# Characters that mean something to Python-Markdown or to the extensions the site enables (tables, attr_list,
# admonition, toc), or to HTML. Quotes, parentheses and colons mean nothing without `[`, `<` or extensions the site
# does not load (smarty, emoji, def_list), so they stay as they are: fewer references, faster builds.
_MARKDOWN_ACTIVE = "&<>\\`*_{}[]#|"
_MARKDOWN_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in _MARKDOWN_ACTIVE})
_SPACES = re.compile(r"\s+")
# What makes a line a list item or a rule when it starts the text: "1. ", "2) ", "- ", "+ ".
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+])")


def md(text: str) -> str:
    """Catalogue text as inline Markdown that renders as exactly that text, on one line, even at a line start.

    >>> md("a|b <i>`x`</i> [c]")
    'a&#124;b &#60;i&#62;&#96;x&#96;&#60;/i&#62; &#91;c&#93;'
    >>> md("1. Bước")
    '1&#46; Bước'
    """
    out = " ".join(text.split()).translate(_MARKDOWN_TABLE)
    if out[:1] in ("-", "+") or out[:1].isdigit():  # the rare text that could open a list
        out = _LINE_START.sub(lambda m: f"{m[1]}&#{ord(m[2])};" if m[1] else f"&#{ord(m[3])};", out, count=1)
    return out


def h(text: str) -> str:
    """Catalogue text for HTML element content or a quoted attribute value.

    >>> h('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape(text, quote=True)


def safe_url(url: str) -> str | None:
    """The URL if it is a web address a reader may follow (http or https), else None: no `javascript:` links."""
    stripped = url.strip()
    if re.match(r"^https?://[^\s<>\"']+$", stripped, flags=re.IGNORECASE):
        return stripped
    return None


def link(url: str, label: str) -> str:
    """An inline HTML link to an outside source, or the label and address as text when the URL is not a web one."""
    target = safe_url(url)
    if target is None:
        return md(f"{label} ({url})" if label and label != url else url)
    return f'<a href="{h(target)}" rel="noopener">{md(label or url)}</a>'


def fenced_text(text: str) -> str:
    """Text for the inside of a raw HTML `<pre>` block: HTML-escaped, with no blank line (which would end the block)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return h("\n".join(lines))


def front_matter_title(title: str) -> str:
    """A page title for the YAML front matter: HTML-escaped (the theme prints it unescaped), as a JSON string."""
    return json.dumps(h(_SPACES.sub(" ", title).strip()), ensure_ascii=False)


def slug(text: str) -> str:
    """A file-name slug for free text such as a field name: `Đất đai` → `dat-dai`.

    Text with no letter or digit left gets a short hash so two such names never collide.
    """
    base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60].strip("-")
    if base:
        return base
    return "x-" + hashlib.sha1(text.encode()).hexdigest()[:10]
