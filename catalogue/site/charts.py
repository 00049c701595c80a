"""Plain SVG charts for the dashboard: no script, no outside font, every label escaped as XML text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from catalogue.site.escape import h

WIDTH = 720
LABEL_WIDTH = 260
VALUE_WIDTH = 150
BAR_HEIGHT = 22
GAP = 8
TOP = 40
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""


def _clip(text: str, limit: int = 33) -> str:
    # About 7.5 px a character at 13 px: 33 characters fit in the label column (LABEL_WIDTH less a margin).
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int], fmt: Callable[[int], str]) -> str:
    """Horizontal bars, one per label, scaled to the largest value; each label and value written beside its bar.

    >>> svg = bar_chart("Số thủ tục", ["<a>", "b"], [3, 1], str)
    >>> "&lt;a&gt;" in svg and svg.startswith("<svg")
    True
    """
    if len(labels) != len(values):
        raise ValueError("mỗi nhãn một giá trị")
    largest = max([*values, 1])
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP + len(values) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{h(title)}" {FONT} font-size="13">',
        f"<title>{h(title)}</title>",
        f'<text x="0" y="20" font-size="15" font-weight="bold" fill="#222">{h(_clip(title, 90))}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * (BAR_HEIGHT + GAP)
        width = round(bar_space * max(value, 0) / largest)
        middle = y + BAR_HEIGHT / 2 + 4
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="#333">'
            f"<title>{h(label)}</title>{h(_clip(label))}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="#3f6ec6" rx="2"/>',
            f'<text x="{LABEL_WIDTH + width + 6}" y="{middle}" fill="#222">{h(fmt(value))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
