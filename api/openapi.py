"""Pieces of the OpenAPI document that several routes share, so that it says what they send.

The routes read their parameters themselves (see :mod:`icgraph.api.routes.sparql`), so FastAPI cannot
infer their schemas or media types: these helpers spell them out. The schemathesis test
(``tests/api/test_openapi.py``) checks the document against the running server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from icgraph.api.formats import Kind, formats_for

#: Error answers are one plain-text sentence (see :mod:`icgraph.api.errors`).
PLAIN_TEXT: dict[str, Any] = {"text/plain": {"schema": {"type": "string"}}}


def error(description: str) -> dict[str, Any]:
    """A documented error response: its description and its plain-text body."""
    return {"description": description, "content": PLAIN_TEXT}


def content(media_types: Iterable[str]) -> dict[str, Any]:
    """A response's ``content``: each media type, with a body of any shape."""
    return {media_type: {} for media_type in dict.fromkeys(media_types)}


def format_values(kinds: Iterable[Kind], extra: Iterable[str] = ()) -> list[str]:
    """Every value a ``format`` parameter may take for these kinds of answer: short names,
    media types and their aliases, and the empty string (no preference: ``Accept`` decides).

    >>> format_values([Kind.BOOLEAN])[:4]
    ['', 'json', 'srj', 'application/sparql-results+json']
    """
    values = [""]
    for kind in kinds:
        for fmt in formats_for(kind):
            values += [*fmt.keys, fmt.media_type, *fmt.aliases]
    return list(dict.fromkeys([*values, *extra]))


def format_parameter(
    kinds: Iterable[Kind], description: str, extra: Iterable[str] = ()
) -> dict[str, Any]:
    """The ``format`` query parameter, with the closed list of values the server reads."""
    return {
        "name": "format",
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "enum": format_values(kinds, extra)},
    }
