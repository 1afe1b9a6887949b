"""Errors that icgraph raises on purpose.

Each carries enough to point a person at the problem: a file, a line and a column where
they are known. The CLI turns them into one line and exit code 2; the HTTP facade into 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class IcgraphError(Exception):
    """Base class for errors a user can act on."""


@dataclass
class InputError(IcgraphError):
    """Bad input: a malformed file, a query that does not parse, an unknown name."""

    message: str
    source: str | Path | None = None
    line: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ""
        if self.source is not None:
            where = str(self.source)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"

    def __str__(self) -> str:
        return self.describe()


class QuerySyntaxError(InputError):
    """A SPARQL query that does not parse."""


class UnknownQueryError(InputError):
    """A catalogue name that names no query."""


class BuildRefused(IcgraphError):
    """The graph violates an integrity shape or is inconsistent; nothing was published."""

    def __init__(self, message: str, report: str = "") -> None:
        super().__init__(message)
        self.report = report


class QueryTimeout(IcgraphError):
    """A query ran past its time limit and was stopped."""


class QueryRefused(IcgraphError):
    """A query the endpoint will not run (an update, LOAD, SERVICE to an endpoint not allowed)."""


class ParameterError(InputError):
    """A catalogue parameter that is unknown, repeated or does not fit its declared type."""


class UnacceptableFormat(IcgraphError):
    """No format the caller accepts can write this kind of answer (HTTP 406)."""

    def __init__(self, kind: object) -> None:
        super().__init__(f"no acceptable format for a {kind} answer")
        #: The :class:`icgraph.formats.Kind` of the answer.
        self.kind = kind
