"""The request side of the SPARQL 1.1 Protocol: which operation a request asks for, and how.

Pure functions over a request's parameters and body, so every protocol rule is testable
without a server. They raise :class:`~api.errors.ProtocolError` with the status the
protocol asks for (400 bad parameters, 403 updates on this read-only endpoint, 415 a media
type that is not a query).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

from icgraph.api.backends.base import Dataset
from icgraph.api.errors import InvalidRequest, ProtocolError
from icgraph.api.formats import Choice, Kind, choose

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")

READ_ONLY = (
    "SPARQL Update is not accepted: this endpoint is read-only "
    "(no INSERT, DELETE, LOAD, CLEAR or other writes)."
)


@dataclass(frozen=True)
class Operation:
    """A parsed request: a query (or None, which asks for the service description)."""

    query: str | None
    dataset: Dataset
    format: str | None = None
    timeout: float | None = None


def _single(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise InvalidRequest(f"the '{name}' parameter was given {len(values)} times; give it once")
    return values[0] if values else None


def _named(value: str) -> Choice:
    """The formats a ``format`` value names, for each kind of answer.

    A value with commas is a list of media types (SPARQLWrapper sends its Accept list so):
    for each kind, the first one that names a format of that kind.
    """
    if "," not in value:
        return choose(None, value)
    named = [choose(None, item) for item in value.split(",") if item.strip()]
    kinds = (Kind.SOLUTIONS, Kind.BOOLEAN, Kind.GRAPH)
    return Choice(
        *(next((f for c in named if (f := c.for_kind(kind)) is not None), None) for kind in kinds)
    )


def _format(params: Sequence[tuple[str, str]]) -> str | None:
    """The ``format`` parameter, which may be given more than once if every value agrees.

    SPARQLWrapper, with its default settings, sends a short name and a media type for some
    formats (``format=tsv&format=text/tab-separated-values``), as Fuseki and Virtuoso accept.
    Values agree when they name the same format for every kind of answer.
    """
    values = [value.strip() for key, value in params if key == "format" and value.strip()]
    if len({value.lower() for value in values}) <= 1:
        return values[0] if values else None
    named = [_named(value) for value in values]
    if any(n != named[0] for n in named):
        given = ", ".join(repr(value) for value in values)
        raise InvalidRequest(
            f"the 'format' parameter was given {len(values)} times and names different formats "
            f"({given}); give one format, or values that all name it"
        )
    # A value the format table reads as it stands: a short name or one media type.
    return next((v for v in values if "," not in v), values[0])


def _iris(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...]:
    values = tuple(value for key, value in params if key == name)
    for value in values:
        if not _ABSOLUTE_IRI.match(value):
            raise InvalidRequest(f"'{name}' must be an absolute IRI, got {value!r}")
    return values


#: The shortest time limit a request may ask for: below it even a trivial query would be
#: stopped by the round trip to a worker, and a 503 would blame the server for the request.
MIN_TIMEOUT = 1.0


def _timeout(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise InvalidRequest(f"'timeout' must be a number of seconds, got {value!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise InvalidRequest(f"'timeout' must be a positive number of seconds, got {value!r}")
    return max(seconds, MIN_TIMEOUT)


def _operation(params: Sequence[tuple[str, str]], query: str | None) -> Operation:
    return Operation(
        query=query,
        dataset=Dataset(_iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")),
        format=_format(params),
        timeout=_timeout(_single(params, "timeout")),
    )


def _refuse_updates(params: Sequence[tuple[str, str]]) -> None:
    if any(key in ("update", "using-graph-uri", "using-named-graph-uri") for key, _ in params):
        raise ProtocolError(READ_ONLY, status=403)


def parse_form(text: str, what: str = "query string") -> list[tuple[str, str]]:
    """Decode ``a=1&b=2``; percent-escapes must decode to UTF-8 too."""
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise InvalidRequest(
            f"the {what} has a percent-escape that is not UTF-8 ({error.reason}); "
            "SPARQL requests must be UTF-8"
        ) from None


def from_get(params: Sequence[tuple[str, str]]) -> Operation:
    """A GET request: ``?query=`` or nothing (the service description)."""
    _refuse_updates(params)
    return _operation(params, _single(params, "query"))


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """``(media type, charset)`` of a Content-Type header."""
    if not content_type:
        return "", None
    media, *rest = content_type.split(";")
    charset = None
    for param in rest:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidRequest(
            f"the {what} is not valid UTF-8 (byte {error.start}: {body[error.start : error.start + 1]!r}); "
            "SPARQL requests must be UTF-8"
        ) from None


def from_post(
    url_params: Sequence[tuple[str, str]], content_type: str | None, body: bytes
) -> Operation:
    """A POST request: a form-encoded ``query=`` or a direct ``application/sparql-query`` body."""
    media, charset = _media_type(content_type)
    if media == UPDATE:
        raise ProtocolError(READ_ONLY, status=403)
    if media not in (FORM, QUERY):
        got = f"'{media}'" if media else "no Content-Type"
        raise ProtocolError(
            f"unsupported media type: got {got}; POST a query as {FORM} (query=...) or as {QUERY}",
            status=415,
        )
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(
            f"unsupported charset '{charset}'; SPARQL requests must be UTF-8", status=415
        )
    _refuse_updates(url_params)
    if media == FORM:
        form = parse_form(_decode(body, "form body"), "form body")
        _refuse_updates(form)
        params = [*url_params, *form]
        query = _single(params, "query")
        if query is None:
            raise InvalidRequest("the form has no 'query' parameter")
        return _operation(params, query)
    if any(key == "query" for key, _ in url_params):
        raise InvalidRequest(
            f"a {QUERY} request carries its query in the body; do not also give a 'query' parameter"
        )
    return _operation(url_params, _decode(body, "query body"))
