"""HTTP errors of the facade, each with a plain-text body that says what was wrong and where.

SPARQL clients (SPARQLWrapper, rdflib, curl, YASGUI) show an error response's body to the
person who sent the query, so bodies are short ``text/plain`` sentences, as Fuseki and the
Oxigraph server write them, rather than JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from icgraph.api.backends.base import BackendUnavailable, NotAcceptable
from icgraph.api.formats import Kind, describe_available
from icgraph.errors import QueryRefused, QuerySyntaxError, QueryTimeout


class ProtocolError(Exception):
    """A request the SPARQL protocol (or this endpoint's policy) does not allow."""

    status = 400

    def __init__(
        self, message: str, status: int | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})


class InvalidRequest(ProtocolError):
    """A malformed parameter: 400."""


class EvaluationError(ProtocolError):
    """The query parsed but could not be evaluated (e.g. a SERVICE call failed): 400."""


class BodyTooLarge(ProtocolError):
    """The request body passed the configured cap: 413."""

    status = 413


def plain(status: int, message: str, headers: Mapping[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


_CHAR_CLASS = re.compile(r"\[[^\[\]]*\]")


def tidy_syntax_message(message: str) -> str:
    """Shorten the engine's list of expected tokens: character classes become 'a name'."""
    if "expected" not in message:
        return message
    if _CHAR_CLASS.search(message):
        message = _CHAR_CLASS.sub("", message)
        message = re.sub(r"(,\s*)+", ", ", message.replace("\n", " ")).rstrip(", ")
        message += " or a name, number or literal"
    return re.sub(r"\s+", " ", message).strip()


def syntax_error_text(error: QuerySyntaxError) -> str:
    where = ""
    if error.line is not None:
        where = f" at line {error.line}"
        if error.column is not None:
            where += f", column {error.column}"
    return f"Query syntax error{where}: {tidy_syntax_message(error.message)}"


def install_handlers(app: FastAPI) -> None:
    """Turn every error the routes raise into a 4xx/5xx with a readable body."""

    @app.exception_handler(ProtocolError)
    async def _protocol(_: Request, error: ProtocolError) -> PlainTextResponse:
        return plain(error.status, error.message, error.headers)

    @app.exception_handler(QuerySyntaxError)
    async def _syntax(_: Request, error: QuerySyntaxError) -> PlainTextResponse:
        return plain(400, syntax_error_text(error))

    @app.exception_handler(QueryRefused)
    async def _refused(_: Request, error: QueryRefused) -> PlainTextResponse:
        return plain(400, str(error))

    @app.exception_handler(QueryTimeout)
    async def _timeout(_: Request, error: QueryTimeout) -> PlainTextResponse:
        # 503 as Fuseki answers a query timeout; the query was stopped, the server is fine.
        return plain(503, f"Query timeout: {error}")

    @app.exception_handler(NotAcceptable)
    async def _not_acceptable(_: Request, error: NotAcceptable) -> PlainTextResponse:
        return plain(406, not_acceptable_text(error.kind))

    @app.exception_handler(BackendUnavailable)
    async def _unavailable(_: Request, error: BackendUnavailable) -> PlainTextResponse:
        return plain(503, f"Service unavailable: {error}")


def not_acceptable_text(kind: Kind) -> str:
    what = {
        Kind.SOLUTIONS: "SELECT results",
        Kind.BOOLEAN: "an ASK result",
        Kind.GRAPH: "an RDF graph",
    }[kind]
    return (
        f"No acceptable format for {what}. Ask for one of: {describe_available(kind)} "
        "(with Accept or the format parameter)."
    )
