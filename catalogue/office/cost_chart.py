"""A plan's cost per case by kind of cost, before and after, as a PNG bar chart for the Word plan."""

from __future__ import annotations

import io

from catalogue.console import vnd
from models.analysis import CostBreakdown

BEFORE, AFTER = "#94a3b8", "#2563eb"
"""Grey for the process as it is, blue for the process the plan puts in place."""


def png_cost_comparison(before: CostBreakdown, after: CostBreakdown, scale: int = 2) -> bytes:
    """Horizontal bars, two per kind of cost (`CostBreakdown.by_activity`): before and after, each labelled in đồng,
    kinds ordered by their cost before (a kind the plan adds comes last). Drawn like the step graphs (matplotlib's
    Agg renderer, bundled DejaVu Sans, text never interpreted)."""
    from matplotlib.figure import Figure  # no pyplot, no global backend switch
    from matplotlib.patches import Patch

    was, now = before.by_activity(), after.by_activity()
    kinds = [*was, *(k for k in now if k not in was)]
    rows = len(kinds)
    height = 0.9 + 0.55 * rows  # inches: a pair of bars and their labels per kind, the legend above
    fig = Figure(figsize=(7.2, height), dpi=100)
    ax = fig.add_axes((0.3, 0.1 / height, 0.55, 1 - 0.6 / height))
    for i, kind in enumerate(kinds):
        for offset, amounts, colour in ((-0.2, was, BEFORE), (0.2, now, AFTER)):
            amount = amounts.get(kind, 0)
            ax.barh(i + offset, amount, height=0.38, color=colour)
            ax.text(amount, i + offset, f" {vnd(amount)}", va="center", fontsize=8, family="DejaVu Sans",
                    usetex=False, parse_math=False)
    ax.set_yticks(range(rows), kinds, family="DejaVu Sans", fontsize=9)
    ax.invert_yaxis()  # the largest before on top, as in the cost table
    ax.set_xlim(0, max([*was.values(), *now.values(), 1]) * 1.35)  # room for the labels right of the bars
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(handles=[Patch(color=BEFORE, label=f"Trước: {vnd(before.per_case_vnd)}"),
                       Patch(color=AFTER, label=f"Sau: {vnd(after.per_case_vnd)}")],
              loc="lower left", bbox_to_anchor=(0, 1), ncol=2, frameon=False, prop={"family": "DejaVu Sans", "size": 9})
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100 * scale, facecolor="white", metadata={"Software": "tthc"})
    return buffer.getvalue()
