"""Self-assessment: a state's spreadsheet in, a framework-completeness scorecard out.

The modules, by concern: :mod:`.vocabulary` (allowed values, from the graph's code lists),
:mod:`.columns` (the sheet's columns), :mod:`.template` (the empty CSV and XLSX template),
:mod:`.sheet` (reading and checking a sheet, every problem at once), :mod:`.mapping` (rows to
RDF), :mod:`.scorecard` (the published report's shapes run on that RDF) and :mod:`.render`
(JSON, CSV, Turtle, HTML). Nothing is stored: a sheet goes in, an answer comes out.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import Settings
from .scorecard import Assessment, PublishedState, assess, published_states
from .sheet import Problem, Sheet, SheetErrors, detect_format, read_sheet
from .vocabulary import load_vocabulary

__all__ = [
    "Assessment",
    "Problem",
    "PublishedState",
    "SheetErrors",
    "assess",
    "assess_bytes",
    "published_states",
    "read_sheet",
]


def assess_bytes(
    data: bytes,
    settings: Settings,
    *,
    fmt: str | None = None,
    source: str | None = None,
    state: str | None = None,
    published: Mapping[str, PublishedState] | None = None,
) -> Assessment:
    """Read, check, map and assess a sheet's bytes (``fmt`` ``"csv"`` or ``"xlsx"``, or
    detected); raises ``SheetErrors`` with every problem of a sheet that cannot be assessed."""
    vocabulary = load_vocabulary(settings)
    sheet: Sheet = read_sheet(data, fmt or detect_format(data), vocabulary, source=source)
    return assess(sheet, vocabulary, settings, state=state, published=published)
