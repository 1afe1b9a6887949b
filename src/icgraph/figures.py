"""The research figures: one function per figure, shared by the notebooks and ``icgraph figures``.

Each figure function takes tables (``icgraph.frames``) or the framework scorecard
(``icgraph.report``) and returns a ``matplotlib.figure.Figure`` drawn on the Agg canvas,
without pyplot, so it works headless and leaves no global state; a notebook shows it by
naming it. ``write_figures`` draws all of them from the published store and writes each as
PNG and SVG. Output is deterministic: a fixed SVG hash salt, fonts as paths, no date or
software version in the metadata, everything sorted.

=========================  ==============================================================
file stem                  what it shows
=========================  ==============================================================
framework-completeness     states × the four framework elements, ordered by how many
recommendation-gaps        per checked recommendation, states with and without evidence
impetus-channels           practices per multilevel channel, coloured by direction
multilevel-network         channels → practices → actors → governance levels (section 2.2)
instruments-matrix         instruments × policy fields and target groups
=========================  ==============================================================
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .config import Settings

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator
    from matplotlib.typing import RcKeyType

    from .figure_set import Caption
    from .report import Scorecard

#: The figures ``write_figures`` writes, by file stem, in order.
FIGURE_NAMES: tuple[str, ...] = (
    "framework-completeness",
    "recommendation-gaps",
    "impetus-channels",
    "multilevel-network",
    "instruments-matrix",
)
FORMATS: tuple[str, ...] = ("png", "svg")

_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "icgraph-figures",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 8,
}
_METADATA = {
    "svg": {"Date": None, "Creator": "icgraph"},
    "png": {"Software": "icgraph"},
}

#: Colours of the multilevel channels, by direction (section 2.2).
DIRECTION_COLOURS = {"top-down": "#1f6fa8", "bi-directional": "#7a4ea3", "bottom-up": "#d9822b"}
LEVEL_COLOURS = {
    "European": "#555555",
    "national": "#2f4f4f",
    "regional": "#5f8f8f",
    "local": "#9cc3c3",
}
_PRESENT, _MISSING = "#2e7d5b", "#f3d9d9"


@contextmanager
def _style() -> Iterator[None]:
    from matplotlib import rc_context

    with rc_context(_RC):
        yield


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _short(text: str, width: int) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


# --- Section 2.1 and 4.2: framework completeness and recommendation gaps -----------------------


def completeness_order(card: Scorecard) -> list[tuple[str, str, int]]:
    """``(code, label, number of elements with evidence)`` per state, most complete first."""
    from .report import ELEMENTS

    counts = [
        (s.code, s.label, sum(card.cells[(s.iri, e.key)].status == "evidence" for e in ELEMENTS))
        for s in card.states
    ]
    return sorted(counts, key=lambda row: (-row[2], row[1]))


def framework_completeness(card: Scorecard) -> Figure:
    """States (rows, most complete first) × framework elements; a cell counts the evidence."""
    from matplotlib.colors import ListedColormap

    from .report import ELEMENTS

    order = completeness_order(card)
    by_code = {s.code: s for s in card.states}
    values = [
        [1 if card.cells[(by_code[code].iri, e.key)].status == "evidence" else 0 for e in ELEMENTS]
        for code, _, _ in order
    ]
    with _style():
        figure = _figure(6.2, 1.6 + 0.24 * len(order))
        axes = figure.add_subplot(1, 1, 1)
        axes.imshow(
            values,
            cmap=ListedColormap([_MISSING, _PRESENT]),
            vmin=0,
            vmax=1,
            aspect="auto",
            interpolation="nearest",
        )
        for row, (code, _, _) in enumerate(order):
            for col, element in enumerate(ELEMENTS):
                cell = card.cells[(by_code[code].iri, element.key)]
                present = cell.status == "evidence"
                axes.text(
                    col,
                    row,
                    str(len(cell.evidence)) if present else "–",
                    ha="center",
                    va="center",
                    color="white" if present else "#8a3b3b",
                    fontsize=7,
                )
            axes.text(
                len(ELEMENTS) - 0.35, row, f"{order[row][2]}/4", ha="left", va="center", fontsize=7
            )
        # A rule between groups of states with the same number of elements.
        for row in range(1, len(order)):
            if order[row][2] != order[row - 1][2]:
                axes.axhline(row - 0.5, color="#333333", linewidth=1.2)
        axes.set_xticks(range(len(ELEMENTS)))
        axes.set_xticklabels(
            [e.label.replace(" and ", "\nand ").replace(" or ", "\nor ") for e in ELEMENTS]
        )
        axes.xaxis.tick_top()
        axes.set_yticks(range(len(order)))
        axes.set_yticklabels([f"{label} ({code})" for code, label, _ in order])
        axes.set_xticks([x - 0.5 for x in range(1, len(ELEMENTS))], minor=True)
        axes.set_yticks([y - 0.5 for y in range(1, len(order))], minor=True)
        axes.grid(which="minor", color="white", linewidth=1.0)
        axes.tick_params(which="both", length=0)
        axes.set_xlim(-0.5, len(ELEMENTS) + 0.1)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_title(
            "Framework elements with evidence (number of items), most complete first",
            fontsize=8,
            pad=34,
        )
        figure.tight_layout()
    return figure


def recommendation_gaps(card: Scorecard) -> Figure:
    """One bar per recommendation a shape checks: states with evidence and without."""
    checked = [r for r in card.recommendations if r.checked]
    unchecked = [r for r in card.recommendations if not r.checked]
    total = len(card.states)
    with _style():
        figure = _figure(7.5, 1.4 + 0.45 * len(checked))
        axes = figure.add_subplot(1, 1, 1)
        labels = [f"{r.number}. {_short(r.label, 60)}" for r in checked]
        missing = [len(r.states_without_evidence) for r in checked]
        present = [total - m for m in missing]
        rows = list(range(len(checked)))
        axes.barh(rows, present, color=_PRESENT, label="evidence in the graph")
        axes.barh(
            rows, missing, left=present, color=_MISSING, edgecolor="#c9a0a0", label="no evidence"
        )
        for row, (p, m) in enumerate(zip(present, missing, strict=True)):
            axes.text(p + m / 2, row, str(m), ha="center", va="center", color="#8a3b3b", fontsize=7)
            if p:
                axes.text(p / 2, row, str(p), ha="center", va="center", color="white", fontsize=7)
        axes.set_yticks(rows)
        axes.set_yticklabels(labels)
        axes.invert_yaxis()
        axes.set_xlim(0, total)
        axes.set_xlabel(f"responding states (of {total})")
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
        if unchecked:
            note = "Not checkable from the graph: " + ", ".join(str(r.number) for r in unchecked)
            figure.text(0.01, 0.01, note, fontsize=7, color="#555555")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout(rect=(0, 0.04, 1, 1))
    return figure


# --- Section 2.2: multilevel engagement ---------------------------------------------------------


def impetus_channels(practices: pd.DataFrame) -> Figure:
    """Practices per channel (``cq06-multilevel-practices``), coloured by direction.

    Each bar lists the states whose practices exemplify the channel.
    """
    order = list(
        dict.fromkeys(practices["channel"])
    )  # the query orders by the report's reading order
    with _style():
        figure = _figure(6.4, 2.6)
        axes = figure.add_subplot(1, 1, 1)
        for row, channel in enumerate(order):
            part = practices[practices["channel"] == channel]
            direction = part["direction"].iloc[0]
            axes.barh(row, len(part), color=DIRECTION_COLOURS.get(direction, "#888888"))
            states = textwrap.fill(", ".join(part["stateName"]), width=34)
            axes.text(len(part) + 0.1, row, states, va="center", fontsize=7)
        axes.set_yticks(range(len(order)))
        directions = [practices[practices["channel"] == c]["direction"].iloc[0] for c in order]
        axes.set_yticklabels([f"{c}\n({d})" for c, d in zip(order, directions, strict=True)])
        axes.invert_yaxis()
        axes.set_xlim(0, max(practices.groupby("channel").size()) + 5.5)
        # A linear axis's default locator is an AutoLocator, a MaxNLocator; the stub's Locator
        # declares set_params without arguments.
        cast("MaxNLocator", axes.xaxis.get_major_locator()).set_params(integer=True)
        axes.set_xlabel("practices of interest (section 2.2)")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.set_title("Multilevel engagement: practices per impetus channel", fontsize=8)
        figure.tight_layout()
    return figure


def multilevel_graph(actors: pd.DataFrame) -> nx.DiGraph:
    """A layered graph from ``frames.multilevel_actors``: channel → practice → actor → level.

    Nodes carry ``layer`` (0-3), ``kind``, ``label`` and, for channels and practices, the
    channel's ``direction``; nodes are inserted in drawing order.
    """
    import networkx as nx

    graph = nx.DiGraph()
    channels = actors.drop_duplicates("channel")
    for row in channels.itertuples():
        graph.add_node(
            row.channel, layer=0, kind="channel", label=row.channelLabel, direction=row.direction
        )
    for row in actors.drop_duplicates("practice").itertuples():
        graph.add_node(
            row.practice, layer=1, kind="practice", label=row.stateName, direction=row.direction
        )
        graph.add_edge(row.channel, row.practice)
    # Actors in the order of their practices, national ones first within a practice.
    first_level = actors.groupby("actor")["levelOrdinal"].min()
    ranked = actors.assign(first=actors["actor"].map(first_level))
    practice_rank = {p: i for i, p in enumerate(dict.fromkeys(actors["practice"]))}
    ranked = ranked.assign(p=ranked["practice"].map(practice_rank)).sort_values(
        ["p", "first", "actorLabel"]
    )
    for row in ranked.drop_duplicates("actor").itertuples():
        graph.add_node(row.actor, layer=2, kind="actor", label=row.actorLabel)
    for row in ranked.itertuples():
        graph.add_edge(row.practice, row.actor, direction=row.direction)
    for row in actors.drop_duplicates("level").sort_values("levelOrdinal").itertuples():
        graph.add_node(row.level, layer=3, kind="level", label=row.levelLabel)
    for row in ranked.itertuples():
        graph.add_edge(row.actor, row.level)
    return graph


def multilevel_network(actors: pd.DataFrame) -> Figure:
    """Channels, the practices exemplifying them, the actors they name, and those actors' levels."""
    import networkx as nx

    graph = multilevel_graph(actors)
    positions = nx.multipartite_layout(graph, subset_key="layer", align="vertical")
    # Spread the layers: actor labels need room between actors and levels.
    xs = {0: 0.0, 1: 1.0, 2: 2.0, 3: 4.4}
    layers: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        layers.setdefault(data["layer"], []).append(node)
    for layer, nodes in layers.items():
        for i, node in enumerate(nodes):
            positions[node] = (xs[layer], 1 - (i + 0.5) / len(nodes))
    n_actors = len(layers.get(2, []))
    with _style():
        figure = _figure(11.5, max(6.0, 0.26 * n_actors + 1.2))
        axes = figure.add_subplot(1, 1, 1)
        for source, target in graph.edges():
            (x0, y0), (x1, y1) = positions[source], positions[target]
            kind = graph.nodes[target]["kind"]
            direction = graph.nodes[source].get("direction") or graph.edges[source, target].get(
                "direction"
            )
            colour = (
                "#bbbbbb" if kind == "level" else DIRECTION_COLOURS.get(direction or "", "#999999")
            )
            axes.plot(
                [x0, x1],
                [y0, y1],
                color=colour,
                linewidth=0.9 if kind == "level" else 1.3,
                alpha=0.75,
                zorder=1,
            )
        for node, data in graph.nodes(data=True):
            x, y = positions[node]
            kind = data["kind"]
            if kind == "channel":
                colour, size = DIRECTION_COLOURS.get(data["direction"], "#888888"), 260
                axes.text(
                    x - 0.08,
                    y,
                    f"{data['label']}\n({data['direction']})",
                    ha="right",
                    va="center",
                    fontsize=8,
                    fontweight="bold",
                )
            elif kind == "practice":
                colour, size = DIRECTION_COLOURS.get(data["direction"], "#888888"), 120
                axes.text(
                    x,
                    y + 0.018,
                    data["label"],
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
                    zorder=3,
                )
            elif kind == "actor":
                colour, size = "#444444", 30
                axes.text(
                    x + 0.05,
                    y,
                    _short(data["label"], 62),
                    ha="left",
                    va="center",
                    fontsize=6.5,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3, "alpha": 0.85},
                    zorder=3,
                )
            else:
                colour, size = LEVEL_COLOURS.get(data["label"], "#666666"), 420
                degree = graph.in_degree(node)
                axes.text(
                    x + 0.09,
                    y,
                    f"{data['label']} level\n({degree} actors)",
                    ha="left",
                    va="center",
                    fontsize=8,
                    fontweight="bold",
                )
            axes.scatter(
                [x], [y], s=size, color=colour, zorder=2, edgecolors="white", linewidths=0.8
            )
        axes.set_xlim(-1.0, 5.3)
        axes.set_ylim(-0.02, 1.03)
        axes.axis("off")
        for x, title in (
            (0.0, "impetus channel"),
            (1.0, "practice (state)"),
            (2.0, "actor named"),
            (4.4, "governance level"),
        ):
            axes.text(x, 1.03, title, ha="center", va="bottom", fontsize=8, color="#555555")
        figure.tight_layout()
    return figure


# --- Instruments by policy field and target group -----------------------------------------------


def instruments_matrix(facets: pd.DataFrame, fields: pd.DataFrame, groups: pd.DataFrame) -> Figure:
    """Instruments (rows) × policy fields and target groups (columns), all concepts shown.

    ``facets`` is ``frames.instrument_facets``; ``fields`` and ``groups`` are
    ``frames.scheme_concepts("field")`` and ``("group")``, which fix the column order (the
    report's) and keep the concepts no instrument addresses as empty columns.
    """
    columns = [
        ("field", c, label) for c, label in zip(fields["concept"], fields["label"], strict=True)
    ]
    columns += [
        ("group", c, label) for c, label in zip(groups["concept"], groups["label"], strict=True)
    ]
    index = {concept: i for i, (_, concept, _) in enumerate(columns)}
    instruments = facets.drop_duplicates("instrument").sort_values(["kind", "alpha2", "label"])[
        ["instrument", "label", "kind", "alpha2"]
    ]
    rows = list(instruments.itertuples(index=False))
    row_of = {r.instrument: i for i, r in enumerate(rows)}
    n_fields = len(fields)
    colours = {"field": "#2f6f8f", "group": "#b5543c"}
    with _style():
        figure = _figure(10.5, 2.6 + 0.2 * len(rows))
        axes = figure.add_subplot(1, 1, 1)
        for row in facets.itertuples():
            if row.concept in index:
                axes.scatter(
                    [index[row.concept]],
                    [row_of[row.instrument]],
                    marker="s",
                    s=42,
                    color=colours[row.facet],
                    zorder=2,
                )
        totals = facets.groupby("concept")["instrument"].nunique()
        for col, (_, concept, _) in enumerate(columns):
            axes.text(
                col,
                -1.0,
                str(int(totals.get(concept, 0))),
                ha="center",
                va="center",
                fontsize=7,
                color="#333333",
            )
        # Kind bands: a rule and a caption where the instrument kind changes.
        previous = None
        for i, r in enumerate(rows):
            if r.kind != previous:
                if i:
                    axes.axhline(i - 0.5, color="#888888", linewidth=0.8)
                axes.text(
                    len(columns) - 0.4,
                    i - 0.35,
                    r.kind,
                    ha="left",
                    va="top",
                    fontsize=7,
                    style="italic",
                    color="#555555",
                )
                previous = r.kind
        axes.axvline(n_fields - 0.5, color="#333333", linewidth=1.2)
        axes.set_xticks(range(len(columns)))
        axes.set_xticklabels(
            [label for _, _, label in columns], rotation=60, ha="left", rotation_mode="anchor"
        )
        axes.xaxis.tick_top()
        for tick, (facet, _, _) in zip(axes.get_xticklabels(), columns, strict=True):
            tick.set_color(colours[facet])
        axes.set_yticks(range(len(rows)))
        axes.set_yticklabels([f"{_short(r.label, 58)} ({r.alpha2})" for r in rows], fontsize=6.5)
        axes.set_xticks([x - 0.5 for x in range(1, len(columns))], minor=True)
        axes.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
        axes.grid(which="minor", color="#eeeeee", linewidth=0.6)
        axes.tick_params(which="both", length=0)
        axes.set_xlim(-0.5, len(columns) + 3.0)
        axes.set_ylim(len(rows) - 0.5, -1.6)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_title(
            "Instruments by policy field (blue) and target group (red); "
            "top row: instruments per column",
            fontsize=8,
            pad=8,
        )
        figure.tight_layout()
    return figure


# --- Writing ------------------------------------------------------------------------------------


def to_bytes(figure: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, deterministically."""
    if fmt not in _METADATA:
        raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    with _style():
        figure.savefig(buffer, format=fmt, metadata=_METADATA[fmt])
    return buffer.getvalue()


def save(figure: Figure, out_dir: Path, name: str, text: Caption | None = None) -> list[Path]:
    """Write ``<name>.png`` and ``<name>.svg`` into ``out_dir``; returns the paths.

    With ``text``, the SVG carries it as its ``<title>`` and ``<desc>``.
    """
    from .figure_set import with_text

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        path = out_dir / f"{name}.{fmt}"
        data = to_bytes(figure, fmt)
        if fmt == "svg" and text is not None:
            data = with_text(data, text)
        path.write_bytes(data)
        written.append(path)
    return written


def draw_all(settings: Settings) -> dict[str, Figure]:
    """Every figure of ``FIGURE_NAMES``, drawn from the published store of ``settings``."""
    from .figure_set import FigureData, draw

    data = FigureData(settings)
    drawn = {name: draw(name, data) for name in FIGURE_NAMES}
    empty = [name for name, figure in drawn.items() if figure is None]
    if empty:
        raise ValueError(f"nothing to draw for: {', '.join(empty)}")
    return cast("dict[str, Figure]", drawn)


def write_figures(settings: Settings, out_dir: Path) -> list[Path]:
    """Draw every figure and write it as PNG and SVG into ``out_dir``, in ``FIGURE_NAMES`` order.

    The SVGs carry each figure's caption (``figure_set.caption``), as the web pages serve them.
    """
    from .figure_set import FigureData, caption, draw

    data = FigureData(settings)
    written: list[Path] = []
    for name in FIGURE_NAMES:
        figure = draw(name, data)
        if figure is None:
            raise ValueError(f"nothing to draw for {name}")
        written += save(figure, out_dir, name, caption(name, data))
    return written
