"""The research figures as a set: what each is drawn from, its caption, and one state's version.

``icgraph figures`` and the web pages draw every figure through :func:`draw` and write its
SVG through :func:`svg`, so a figure on a page is the file the command writes. A
:class:`FigureData` reads the tables and the scorecard once from one published store; each
figure is then drawn for the whole graph or, for the figures of :data:`STATE_FIGURES`,
narrowed to one state (its alpha-2 code).

Every figure has a :class:`Caption`: a title and a description that says in words what the
picture shows (its numbers, not only its kind), computed from the same tables. The SVG
carries both as ``<title>`` and ``<desc>`` (with ``role="img"``), and the pages use them as
the ``alt`` text and the caption of the image. :func:`caption` returns None when there is
nothing to draw (a state with no multilevel practice has no multilevel network).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import pyoxigraph as ox

from . import figures
from .config import Settings

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .report import Scorecard

#: The figures that can be narrowed to one state.
STATE_FIGURES: tuple[str, ...] = ("multilevel-network", "instruments-matrix")


@dataclass(frozen=True)
class Caption:
    title: str
    description: str


class FigureData:
    """The tables and the scorecard every figure is drawn from, each read once on first use."""

    def __init__(
        self, settings: Settings, store: ox.Store | None = None, card: Scorecard | None = None
    ) -> None:
        self.settings = settings
        self._store = store
        self._card = card

    @cached_property
    def store(self) -> ox.Store:
        from . import frames

        return self._store if self._store is not None else frames.open_store(self.settings)

    @cached_property
    def card(self) -> Scorecard:
        from . import report

        return self._card if self._card is not None else report.from_store(self.settings)

    @cached_property
    def practices(self) -> pd.DataFrame:
        from . import frames

        return frames.catalogue_frame(
            "cq06-multilevel-practices", store=self.store, settings=self.settings
        )

    @cached_property
    def actors(self) -> pd.DataFrame:
        from . import frames

        return frames.multilevel_actors(self.store, self.settings)

    @cached_property
    def facets(self) -> pd.DataFrame:
        from . import frames

        return frames.instrument_facets(self.store, self.settings)

    @cached_property
    def fields(self) -> pd.DataFrame:
        from . import frames

        return frames.scheme_concepts("field", self.store, self.settings)

    @cached_property
    def groups(self) -> pd.DataFrame:
        from . import frames

        return frames.scheme_concepts("group", self.store, self.settings)

    def state_name(self, code: str) -> str | None:
        return next((s.label for s in self.card.states if s.code == code), None)


def _check(name: str, state: str | None) -> None:
    if name not in figures.FIGURE_NAMES:
        raise KeyError(f"no figure {name!r}; there are: {', '.join(figures.FIGURE_NAMES)}")
    if state is not None and name not in STATE_FIGURES:
        raise KeyError(f"the figure {name!r} is not drawn for one state")


def _rows(frame: pd.DataFrame, state: str | None) -> pd.DataFrame:
    return frame if state is None else frame[frame["alpha2"] == state]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def caption(name: str, data: FigureData, state: str | None = None) -> Caption | None:
    """The figure's title and description; None when it would be empty."""
    _check(name, state)
    if state is not None and data.state_name(state) is None:
        return None
    return _CAPTIONS[name](data, state)


def _completeness(data: FigureData, state: str | None) -> Caption:
    from .report import ELEMENTS

    order = figures.completeness_order(data.card)
    by_count = {k: [label for _, label, n in order if n == k] for k in range(len(ELEMENTS) + 1)}
    parts = [
        f"{_count(len(by_count[k]), 'state')} with {k} of {len(ELEMENTS)}"
        for k in range(len(ELEMENTS), -1, -1)
        if by_count[k]
    ]
    return Caption(
        "Framework elements with evidence, per responding state",
        f"Heatmap of the {len(order)} responding states (rows, most complete first) by the "
        f"{len(ELEMENTS)} framework elements of section 2.1 (columns: "
        + ", ".join(e.label for e in ELEMENTS)
        + "). A filled cell gives the number of items in the graph that show the element; a "
        "dash marks a missing element. " + "; ".join(parts) + ".",
    )


def _gaps(data: FigureData, state: str | None) -> Caption:
    checked = [r for r in data.card.recommendations if r.checked]
    total = len(data.card.states)
    bars = "; ".join(
        f"recommendation {r.number}: {total - len(r.states_without_evidence)} with evidence, "
        f"{len(r.states_without_evidence)} without"
        for r in checked
    )
    return Caption(
        "Recommendation gaps: states with and without evidence",
        f"Bar chart of the {len(checked)} recommendations of section 4.2 the shapes check, "
        f"each split into the responding states (of {total}) whose graph shows evidence for "
        f"it and those whose graph does not: {bars}.",
    )


def _channels(data: FigureData, state: str | None) -> Caption | None:
    practices = data.practices
    if practices.empty:
        return None
    bars = []
    for channel in dict.fromkeys(practices["channel"]):
        part = practices[practices["channel"] == channel]
        bars.append(
            f"{channel} ({part['direction'].iloc[0]}): {len(part)}, "
            + ", ".join(dict.fromkeys(part["stateName"]))
        )
    return Caption(
        "Multilevel engagement: practices per impetus channel",
        f"Bar chart of the {len(practices)} practices of interest of section 2.2 by the "
        "impetus channel each exemplifies, coloured by the channel's direction, with the "
        "states that report them: " + "; ".join(bars) + ".",
    )


def _network(data: FigureData, state: str | None) -> Caption | None:
    actors = _rows(data.actors, state)
    if actors.empty:
        return None
    levels = ", ".join(dict.fromkeys(actors.sort_values("levelOrdinal")["levelLabel"]))
    channels = "; ".join(
        f"{c}, {d}"
        for c, d in dict.fromkeys(zip(actors["channelLabel"], actors["direction"], strict=True))
    )
    n_practices = actors["practice"].nunique()
    n_actors = actors["actor"].nunique()
    if state is None:
        return Caption(
            "Multilevel engagement: channels, practices, actors and their levels",
            f"Network of the impetus channels of section 2.2 ({channels}), the "
            f"{_count(n_practices, 'practice')} of interest exemplifying them, the "
            f"{_count(n_actors, 'actor')} they name and those actors' governance levels "
            f"({levels}).",
        )
    name = data.state_name(state)
    return Caption(
        f"Multilevel engagement in {name}",
        f"Network of multilevel engagement in {name} (section 2.2): the impetus channel "
        f"({channels}), {name}'s {_count(n_practices, 'practice')} of interest exemplifying "
        f"it, the {_count(n_actors, 'actor')} the report names there and their governance "
        f"levels ({levels}).",
    )


def _instruments(data: FigureData, state: str | None) -> Caption | None:
    facets = _rows(data.facets, state)
    if facets.empty:
        return None
    n = facets["instrument"].nunique()
    fields = facets[facets["facet"] == "field"]["concept"].nunique()
    groups = facets[facets["facet"] == "group"]["concept"].nunique()
    whose = "the graph's" if state is None else f"{data.state_name(state)}'s"
    return Caption(
        "Instruments by policy field and target group"
        + ("" if state is None else f" in {data.state_name(state)}"),
        f"Matrix of {whose} {_count(n, 'instrument')} that address a policy field or name a "
        "target group (rows) by those fields and groups (columns; every concept of both code "
        f"lists is a column). Together they address {_count(fields, 'policy field')} and "
        f"name {_count(groups, 'target group')}.",
    )


_CAPTIONS = {
    "framework-completeness": _completeness,
    "recommendation-gaps": _gaps,
    "impetus-channels": _channels,
    "multilevel-network": _network,
    "instruments-matrix": _instruments,
}


def draw(name: str, data: FigureData, state: str | None = None) -> Figure | None:
    """The figure, for the whole graph or one state; None when it would be empty."""
    if caption(name, data, state) is None:
        return None
    if name == "framework-completeness":
        return figures.framework_completeness(data.card)
    if name == "recommendation-gaps":
        return figures.recommendation_gaps(data.card)
    if name == "impetus-channels":
        return figures.impetus_channels(data.practices)
    if name == "multilevel-network":
        return figures.multilevel_network(_rows(data.actors, state))
    return figures.instruments_matrix(_rows(data.facets, state), data.fields, data.groups)


def with_text(svg: bytes, text: Caption) -> bytes:
    """The SVG with ``<title>`` and ``<desc>`` as the first children of its root element."""
    start = svg.index(b"<svg ")
    end = svg.index(b">", start)
    tag = svg[start:end]
    if tag.endswith(b"/"):
        raise ValueError("an empty SVG has nowhere to put a title")
    labelled = tag + b' role="img" aria-labelledby="figure-title figure-desc"'
    inserted = (
        f'\n <title id="figure-title">{escape(text.title)}</title>'
        f'\n <desc id="figure-desc">{escape(text.description)}</desc>'
    ).encode()
    return svg[:start] + labelled + b">" + inserted + svg[end + 1 :]


def svg(name: str, data: FigureData, state: str | None = None) -> bytes | None:
    """The figure as SVG with its title and description; None when it would be empty."""
    text = caption(name, data, state)
    figure = draw(name, data, state) if text is not None else None
    if text is None or figure is None:
        return None
    return with_text(figures.to_bytes(figure, "svg"), text)
