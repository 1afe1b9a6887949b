"""The scorecard's human forms: an HTML page and a heatmap of states × framework elements.

Both are deterministic: the page has no date, and the figures are drawn with a fixed SVG hash
salt and no date or software version in their metadata.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from .report import Scorecard


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The library's one Jinja environment for its own HTML (``icgraph/templates``).

    Made once, so a template is compiled once per process, not once per page.
    """
    return Environment(
        loader=PackageLoader("icgraph", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(card: Scorecard) -> str:
    """The scorecard page: the matrix, each cell linking to its practices, then the gaps."""
    from .report import ELEMENTS, header_text

    template = environment().get_template("scorecard.html.j2")
    present = {
        e.key: sum(1 for s in card.states if card.cells[(s.iri, e.key)].status == "evidence")
        for e in ELEMENTS
    }
    return template.render(
        card=card,
        elements=ELEMENTS,
        header=header_text(card.recommendations).split("\n"),
        present=present,
        checked=[r for r in card.recommendations if r.checked],
        not_checked=[r for r in card.recommendations if not r.checked],
    )


def heatmap(card: Scorecard, fmt: str) -> bytes:
    """States (rows) × elements (columns); a filled cell is evidence, with its count of items."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    from .report import ELEMENTS

    states = card.states
    values = [
        [1 if card.cells[(s.iri, e.key)].status == "evidence" else 0 for e in ELEMENTS]
        for s in states
    ]
    settings: dict[RcKeyType, Any] = {
        "svg.hashsalt": "icgraph-scorecard",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",
        "font.size": 8,
    }
    with rc_context(settings):
        height = 1.2 + 0.24 * max(len(states), 1)
        figure = Figure(figsize=(5.6, height), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        cmap = ListedColormap(["#f3d9d9", "#2e7d5b"])
        axes.imshow(
            values or [[0] * len(ELEMENTS)],
            cmap=cmap,
            vmin=0,
            vmax=1,
            aspect="auto",
            interpolation="nearest",
        )
        for row, state in enumerate(states):
            for col, element in enumerate(ELEMENTS):
                cell = card.cells[(state.iri, element.key)]
                text = str(len(cell.evidence)) if cell.status == "evidence" else "–"
                colour = "white" if cell.status == "evidence" else "#8a3b3b"
                axes.text(col, row, text, ha="center", va="center", color=colour, fontsize=7)
        axes.set_xticks(range(len(ELEMENTS)))
        axes.set_xticklabels(
            [e.label.replace(" and ", "\nand ").replace(" or ", "\nor ") for e in ELEMENTS]
        )
        axes.xaxis.tick_top()
        axes.set_yticks(range(len(states)))
        axes.set_yticklabels([f"{s.label} ({s.code})" for s in states])
        axes.set_xticks([x - 0.5 for x in range(1, len(ELEMENTS))], minor=True)
        axes.set_yticks([y - 0.5 for y in range(1, len(states))], minor=True)
        axes.grid(which="minor", color="white", linewidth=1.0)
        axes.tick_params(which="minor", length=0)
        axes.tick_params(which="major", length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_title("Framework elements with evidence (number of items)", fontsize=8, pad=34)
        figure.tight_layout()
        buffer = io.BytesIO()
        if fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "icgraph"})
        elif fmt == "png":
            figure.savefig(buffer, format="png", metadata={"Software": "icgraph"})
        else:
            raise ValueError(f"unknown figure format {fmt!r}")
    return buffer.getvalue()
