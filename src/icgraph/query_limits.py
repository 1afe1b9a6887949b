"""Limits on a query's shape, checked on its tokens before any engine sees it.

pyoxigraph parses SPARQL by recursive descent and optimises and evaluates the algebra it
builds by recursion, so a query nested or chained far enough runs the worker off its stack,
and the worker dies of SIGSEGV. That is the client's mistake: it gets a 400 that names the
limit and where it was passed, and the engine never sees the text.

``benchmarks/parser_limits.py`` finds the crash points by binary search in throw-away
children (4 GiB address-space limit). pyoxigraph 0.5.13, Linux x86-64, the size from which a
probe dies, in the main thread (8 MiB stack, as in the query workers) and in a thread with a
2 MiB stack:

=============================================  ========  ========  ==============
shape                                           8 MiB     2 MiB     counted as
=============================================  ========  ========  ==============
nested ``{``                                     2,192       544     depth
nested ``[ ?p`` (blank-node property lists)      3,456               depth
nested ``(`` (collections)                       4,096               depth
nested ``(`` in FILTER / in a property path      4,672 / 13,824      depth
nested ``OPTIONAL {``                            2,928               depth
``(1 AS ?v)`` projections, BINDs, MINUS          2,624       652     elements
UNION, OPTIONAL, GRAPH, VALUES in a row          6,592               elements
``+`` / ``&&`` / ``!`` chains                    6,912 / 9,344 / 9,344   elements
``/`` / ``|`` property paths                     8,192 / 10,944      elements
triple patterns (``.``, ``,``), sub-groups       8,192               elements
items of one RDF collection ``( 1 1 ... )``      4,096               elements
VALUES rows, IN lists, function arguments        none up to 1 MB     (flat)
=============================================  ========  ========  ==============

The crash points fall with the stack in proportion (a quarter at 2 MiB). The defaults, 100
levels of nesting and 300 elements, stay below the 2 MiB figures and 7 to 20 times below
those of the workers; the catalogue's queries use at most 4 levels and 24 elements. The
token limit (100,000) bounds the rest: the memory of the token list and the engine's parse.
Long triple blocks meet another wall first: pyoxigraph's join ordering grows with about the
fourth power of a group's triple patterns (160 patterns take 10 s), so the time limit stops
those.

The three numbers are settings: ``ICGRAPH_QUERY_MAX_DEPTH``, ``ICGRAPH_QUERY_MAX_ELEMENTS``
and ``ICGRAPH_QUERY_MAX_TOKENS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from icgraph.config import Settings
from icgraph.errors import QueryRefused

#: (line, column) of an offset in the text the client sent, both counted from 1.
Locate = Callable[[int], tuple[int, int]]

_OPEN = {"(": ")", "{": "}", "[": "]"}
_CLOSE = frozenset(_OPEN.values())
#: Keywords that each add a node to the algebra the engine builds and walks by recursion.
_CLAUSES = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH", "SERVICE", "AS"}
)
_OPERATORS = frozenset("!&|+-*/=<>^")


@dataclass(frozen=True)
class QueryLimits:
    """How deep, how long and how wide a query may be; the defaults are the settings'."""

    max_depth: int = 100
    max_elements: int = 300
    max_tokens: int = 100_000

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(settings.query_max_depth, settings.query_max_elements, settings.query_max_tokens)


DEFAULT_LIMITS = QueryLimits()


class QueryTooComplex(QueryRefused):
    """A query past one of the limits: 400, saying which limit and where it was passed."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def _refuse(
    problem: str, token: str, passed: str, limit: str, where: tuple[int, int]
) -> QueryTooComplex:
    line, column = where
    return QueryTooComplex(
        f"{problem}: the {token} at line {line}, column {column} {passed}, over the limit of "
        f"{limit}; simplify the query or split it into several",
        line,
        column,
    )


def locator(text: str) -> Locate:
    """Line and column (from 1) of an offset of ``text``."""

    def locate(offset: int) -> tuple[int, int]:
        line_start = text.rfind("\n", 0, offset) + 1
        return text.count("\n", 0, offset) + 1, offset - line_start + 1

    return locate


def _is_element(value: str, text: str, at: int, in_parens: bool) -> bool:
    """Whether a punctuation token adds one link to a chain the engine recurses along.

    Groups (``{``), operators (``&&``, ``||``, ``!=``, ``<=`` and ``>=`` count once; ``^^``
    before a datatype not at all) and the ``.``, ``;`` and ``,`` that separate triple
    patterns. Commas between function arguments or IN items and the point of a decimal are
    not elements: lists of those are kept flat.
    """
    if value == "{":
        return True
    before = text[at - 1] if at else ""
    if value in _OPERATORS:
        if value in "&|":
            return before != value
        if value == "=":
            return before not in ("!", "<", ">")
        if value == "^":
            return before != "^" and text[at + 1 : at + 2] != "^"
        return True
    if value in ".;,":
        if in_parens:
            return False
        return not (value == "." and before.isdigit() and text[at + 1 : at + 2].isdigit())
    return False


def checked_tokens(
    matches: Iterable[re.Match[str]], limits: QueryLimits, locate: Locate
) -> list[tuple[str, str]]:
    """``(kind, text)`` of the tokens but whitespace and comments, refusing a query past a limit.

    ``matches`` are the tokenizer's (:mod:`icgraph.query_text`), whose groups are named ``ws``,
    ``comment``, ``word``, ``var``, ``iri``, ``pname``, ``string`` and ``other`` (one
    character of punctuation, digits included). Brackets of the three kinds are counted
    together: the parser recurses on each of them, and a mix costs the same stack as one
    kind. A closing bracket without its opening one is left to the engine, which reports it
    as a syntax error.

    Elements are the groups, the clause keywords (UNION, OPTIONAL, MINUS, BIND, FILTER,
    VALUES, GRAPH, SERVICE, AS), the operators and the separators of triple patterns (see
    :func:`_is_element`). Terms side by side inside ``(`` with nothing between them are the
    items of an RDF collection, two triple patterns each, and count too, except in the rows
    of a VALUES block, which the engine keeps flat; expressions never put two terms side by
    side.
    """
    found: list[tuple[str, str]] = []
    # The open brackets; "V" stands for the "{" of a VALUES block.
    open_brackets: list[str] = []
    elements = 0
    values_pending = after_term = in_parens = in_collection = False
    max_tokens, max_elements, max_depth = limits.max_tokens, limits.max_elements, limits.max_depth
    keep = found.append
    for match in matches:
        kind = match.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        value = match.group()
        keep((kind or "", value))
        if len(found) > max_tokens:
            raise _refuse(
                "query too long",
                "token",
                f"is number {len(found)}",
                f"{max_tokens} tokens (ICGRAPH_QUERY_MAX_TOKENS)",
                locate(match.start()),
            )
        counted = False
        if kind == "var" or kind == "iri" or kind == "pname" or kind == "string":
            counted = after_term and in_collection
            after_term = True
        elif kind == "word":
            upper = value.upper()
            if value == "true" or value == "false":
                counted = after_term and in_collection
                after_term = True
            else:
                counted = upper in _CLAUSES
                values_pending = values_pending or upper == "VALUES"
                # A language tag or an exponent glued to the term before it ("@en", "1e3").
                after_term = after_term and not match.string[match.start() - 1].isspace()
        else:
            text, at = match.string, match.start()
            glued = bool(at) and not text[at - 1].isspace()
            if value.isdigit():
                starts = not (glued and (text[at - 1].isalnum() or text[at - 1] in ".@-"))
                counted = starts and after_term and in_collection
                after_term = True
            else:
                counted = _is_element(value, text, at, in_parens) or (
                    value in "[(" and after_term and in_collection
                )
                after_term = value in ")]" or (after_term and glued and value in ".@-")
                if value in _OPEN:
                    open_brackets.append("V" if value == "{" and values_pending else value)
                    values_pending = values_pending and value != "{"
                elif value in _CLOSE and open_brackets:
                    open_brackets.pop()
                in_parens = bool(open_brackets) and open_brackets[-1] == "("
                in_collection = in_parens and (len(open_brackets) < 2 or open_brackets[-2] != "V")
                if len(open_brackets) > max_depth:
                    raise _refuse(
                        "query nested too deeply",
                        f"'{value}'",
                        f"opens level {len(open_brackets)} of nested (, {{ and [",
                        f"{max_depth} levels (ICGRAPH_QUERY_MAX_DEPTH)",
                        locate(at),
                    )
        if counted:
            elements += 1
            if elements > max_elements:
                raise _refuse(
                    "query too complex",
                    f"'{value}'",
                    f"is element number {elements} (groups, triple patterns, collection "
                    "items, clauses such as UNION, OPTIONAL, MINUS, BIND, FILTER and AS, and "
                    "operators count)",
                    f"{max_elements} (ICGRAPH_QUERY_MAX_ELEMENTS)",
                    locate(match.start()),
                )
    return found
