"""The research figures as SVG, at stable URLs, drawn by the code of ``icgraph figures``.

``/figures/<name>.svg`` is one figure of the whole graph (``framework-completeness``,
``recommendation-gaps``, ``impetus-channels``, ``multilevel-network``,
``instruments-matrix``: the files ``icgraph figures`` writes, byte for byte);
``/figures/states/<code>/<name>.svg`` is one state's multilevel network or instruments.
Each SVG carries its caption as ``<title>`` and ``<desc>``; pages show it with the same text
as ``alt`` and ``<figcaption>`` (:func:`figure_ref`).

Figures are drawn from the published store (as ``icgraph figures`` draws them, with
matplotlib, pandas and networkx, which the server therefore depends on) once per store and
kept. Each answer carries the store version's ``ETag`` and ``Last-Modified``, and a ``304``
answers a conditional request (:mod:`icgraph.api.caching`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from icgraph import figure_set, figures
from icgraph import store as store_module
from icgraph.api.deps import SettingsDep
from icgraph.api.routes.validation import current_scorecard
from icgraph.config import Settings
from icgraph.report import Scorecard

router = APIRouter(tags=["figures"])

_STATE_CODE = re.compile(r"^[A-Z]{2}$")
_LOCK = threading.Lock()  # matplotlib's rc settings are process-wide: one drawing at a time
_CACHE = "figure_cache"
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The figure as SVG, with a <title> and <desc>.",
        "content": {"image/svg+xml": {}},
    },
    304: {"description": "The figure has not changed since the ETag given in If-None-Match."},
    404: {"description": "No such figure, no such state, or nothing to draw for that state."},
}


@dataclass
class _Drawn:
    """The figures of one published store: its tables, captions and SVGs, as drawn so far."""

    key: str
    data: figure_set.FigureData
    svgs: dict[tuple[str, str | None], bytes | None] = field(default_factory=dict)


def _drawn(request: Request, settings: Settings, card: Scorecard) -> _Drawn:
    """This app's figure cache for the served store version (a new one starts a new cache)."""
    key = str(request.app.state.backend.version)
    cached: _Drawn | None = getattr(request.app.state, _CACHE, None)
    if cached is None or cached.key != key:
        cached = _Drawn(key, figure_set.FigureData(settings, card=card))
        setattr(request.app.state, _CACHE, cached)
    return cached


def _svg(
    request: Request, settings: Settings, name: str, state: str | None, card: Scorecard
) -> bytes | None:
    with _LOCK:
        drawn = _drawn(request, settings, card)
        if (name, state) not in drawn.svgs:
            drawn.svgs[(name, state)] = figure_set.svg(name, drawn.data, state)
        return drawn.svgs[(name, state)]


def _caption(
    request: Request, settings: Settings, name: str, state: str | None, card: Scorecard
) -> figure_set.Caption | None:
    with _LOCK:
        return figure_set.caption(name, _drawn(request, settings, card).data, state)


@dataclass(frozen=True)
class FigureRef:
    """A figure as a page shows it: where its SVG is, and its text."""

    name: str
    url: str
    title: str
    description: str


def figure_url(name: str, state: str | None = None) -> str:
    return f"/figures/{name}.svg" if state is None else f"/figures/states/{state}/{name}.svg"


async def figure_ref(request: Request, name: str, state: str | None = None) -> FigureRef | None:
    """The figure for a page, or None when there is nothing to draw (the page then shows none)."""
    settings: Settings = request.app.state.settings
    if not store_module.exists(settings.store):  # figures are drawn from the local store
        return None
    card = await current_scorecard(request, settings)
    text = await run_in_threadpool(_caption, request, settings, name, state, card)
    if text is None:
        return None
    return FigureRef(name, figure_url(name, state), text.title, text.description)


async def _answer(request: Request, settings: Settings, name: str, state: str | None) -> Response:
    if name not in figures.FIGURE_NAMES or (
        state is not None and name not in figure_set.STATE_FIGURES
    ):
        per_state = ", ".join(figure_set.STATE_FIGURES)
        return PlainTextResponse(
            f"No figure {name!r} here. The figures are: {', '.join(figures.FIGURE_NAMES)}; "
            f"per state (/figures/states/<code>/<name>.svg): {per_state}.\n",
            status_code=404,
        )
    card = await current_scorecard(request, settings)
    body = await run_in_threadpool(_svg, request, settings, name, state, card)
    if body is None:
        return PlainTextResponse(
            f"Nothing to draw: the graph has no {name.replace('-', ' ')} for {state}.\n",
            status_code=404,
        )
    # ETag, Last-Modified and the 304s come from the store version (icgraph.api.caching).
    return Response(body, media_type="image/svg+xml")


@router.get("/figures/{name}.svg", responses=_RESPONSES, response_class=Response)
async def figure(name: str, request: Request, settings: SettingsDep) -> Response:
    """One research figure of the whole graph, as ``icgraph figures`` writes it."""
    return await _answer(request, settings, name, None)


@router.get("/figures/states/{code}/{name}.svg", responses=_RESPONSES, response_class=Response)
async def state_figure(code: str, name: str, request: Request, settings: SettingsDep) -> Response:
    """One state's multilevel network or instruments matrix."""
    code = code.upper()
    if not _STATE_CODE.match(code):
        return PlainTextResponse(
            f"No state {code!r}: use its ISO 3166-1 alpha-2 code, e.g. ES.\n", status_code=404
        )
    return await _answer(request, settings, name, code)
