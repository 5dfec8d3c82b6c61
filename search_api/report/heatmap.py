"""The stance matrix as a heatmap PNG (matplotlib, Agg canvas: no display, safe in server threads)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search_api.report.records import Matrix

__all__ = ["STANCE_COLOURS", "heatmap_png"]

# One colour per stance, shared with the XLSX fills (hex without '#').
STANCE_COLOURS = {
    "supports": "1A9850",
    "qualified": "A6D96A",
    "opposes": "D73027",
    "mentions": "BDBDBD",
}
_NONE = "FFFFFF"


def heatmap_png(matrix: Matrix, stance_labels: dict[str, str] | None = None) -> bytes:
    """Letters (rows) × proposals (columns) coloured by stance; K marks curated cells, ? cells to review."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    order = ["none", *STANCE_COLOURS]
    props = [p.id for p in matrix.proposals]
    rows = matrix.rows
    grid = [[order.index(c.stance if (c := r.cells.get(pid)) else "none") for pid in props] for r in rows]
    fig = Figure(figsize=(max(6.0, 0.6 * len(props) + 4), max(3.0, 0.35 * len(rows) + 1.8)), dpi=110)
    ax = fig.add_subplot()
    cmap = ListedColormap(["#" + _NONE] + ["#" + c for c in STANCE_COLOURS.values()])
    ax.imshow(grid or [[0]], cmap=cmap, vmin=0, vmax=len(order) - 1, aspect="auto")
    ax.set_xticks(range(len(props)), props)
    ax.set_yticks(range(len(rows)), [r.actor for r in rows])
    ax.tick_params(labelsize=8)
    ax.set_xticks([x - 0.5 for x in range(1, len(props))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
    ax.grid(which="minor", color="#DDDDDD", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    for y, r in enumerate(rows):
        for x, pid in enumerate(props):
            cell = r.cells.get(pid)
            if cell and (cell.curated or cell.review):
                ax.text(x, y, "K" if cell.curated else "?", ha="center", va="center", fontsize=8)
    labels = stance_labels or {}
    ax.legend(
        handles=[Patch(color="#" + c, label=labels.get(s, s)) for s, c in STANCE_COLOURS.items()],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title="K = kuratert, ? = til gjennomgang",
        title_fontsize=7,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
