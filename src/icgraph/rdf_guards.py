"""Refusing RDF that a client could turn against the parser, before it is parsed.

**RDF/XML with a document type declaration.** pyoxigraph expands the internal entities of a
DOCTYPE, and so do rdflib's parser and expat, so nested entities ("billion laughs") make a
few hundred bytes grow without bound. Measured with ``benchmarks/parser_limits.py entities``
(pyoxigraph 0.5.13, rdflib 7.6, under a 2 GiB address-space limit): a 688-byte body of 8
levels of 10 expands to 300 million characters, 1.2 GB of peak RSS in 5 s with pyoxigraph; 9
levels (744 bytes) pass the 2 GiB limit and abort the process; rdflib needs 9.5 s for 5
levels (300,000 characters) and more than a minute for 6. pyoxigraph reads a DOCTYPE in
lower case too, and one that follows the root element, so the whole body is searched, not
only its prolog. No RDF this project takes needs a DTD: every markup declaration
(``<!DOCTYPE``, ``<!ENTITY``, ``<!ELEMENT``, ``<!ATTLIST``, ``<!NOTATION``) is refused with
its line and column. Comments and CDATA sections are searched too: a declaration inside one
is refused as well, which is strict but cannot be fooled by a parser that reads them
differently. pyoxigraph reads RDF/XML as UTF-8 only, so a byte search sees what it sees.

**Deeply nested JSON-LD.** pyoxigraph's JSON-LD reader recurses on nested objects and lists:
from 2,687 levels of objects (a 46 KB body) or 3,234 of ``@list`` the process dies (SIGABRT
or SIGSEGV; in a main thread with 8 MiB of stack), although its JSON tokenizer stops far
deeper nesting itself ("Max stack size"). So ``{`` and ``[`` nested more than
:data:`JSON_MAX_DEPTH` deep are refused; real JSON-LD rarely needs ten levels.

**JSON-LD with a remote context.** pyoxigraph is given no document loader, so a ``@context``
(or ``@import``) that names a URL is never fetched: parsing stops with an error, which
:func:`explain_parse_error` turns into a sentence a user can act on.

Turtle, N-Triples, N-Quads and TriG have no expansion of this kind.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .errors import InputError

# Any "<!" but a comment or a CDATA section: declarations only occur in a DTD.
_DECLARATION = re.compile(rb"<!(?!--|\[CDATA\[)")
#: Deepest nesting of JSON objects and arrays accepted, 25 times below the crash.
JSON_MAX_DEPTH = 100
# A JSON string (skipped whole, so brackets in it do not count) or a bracket.
_JSON_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_REMOTE_CONTEXT = "No LoadDocumentCallback has been set"


def _position(body: bytes, offset: int) -> tuple[int, int]:
    line_start = body.rfind(b"\n", 0, offset) + 1
    column = len(body[line_start:offset].decode("utf-8", errors="replace")) + 1
    return body.count(b"\n", 0, offset) + 1, column


def refuse_declarations(body: bytes) -> None:
    """Raise InputError, with line and column, if an RDF/XML body has a markup declaration."""
    match = _DECLARATION.search(body)
    if match is None:
        return
    line, column = _position(body, match.start())
    word = re.match(rb"<!\s*([A-Za-z]*)", body[match.start() : match.start() + 40])
    name = (word.group(1).decode("ascii").upper() if word and word.group(1) else "") or "?"
    raise InputError(
        f"RDF/XML with a document type declaration (<!{name}) is refused: DOCTYPE and "
        "ENTITY declarations could make a small body expand without limit. Remove the "
        "DOCTYPE and write out the text of its entities, or send Turtle",
        line=line,
        column=column,
    )


def refuse_deep_json(body: bytes, limit: int = JSON_MAX_DEPTH) -> None:
    """Raise InputError, with line and column, if JSON nests more than ``limit`` levels."""
    depth = 0
    for match in _JSON_BRACKET.finditer(body):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            if depth > limit:
                line, column = _position(body, match.start())
                raise InputError(
                    f"JSON-LD nested too deeply: the '{token.decode()}' opens level {depth} "
                    f"of nested objects and arrays, over the limit of {limit}",
                    line=line,
                    column=column,
                )
        elif token in (b"}", b"]"):
            depth = max(depth - 1, 0)


def check_rdf(body: bytes, fmt: ox.RdfFormat) -> None:
    """Refuse, before parsing, what the parser for ``fmt`` would expand or recurse on."""
    if fmt == ox.RdfFormat.RDF_XML:
        refuse_declarations(body)
    elif fmt == ox.RdfFormat.JSON_LD:
        refuse_deep_json(body)


def explain_parse_error(message: str) -> str:
    """The parser's message, in words a user can act on where it has none of its own."""
    if _REMOTE_CONTEXT in message:
        return (
            "the JSON-LD names a remote @context, and the server fetches nothing from the "
            'network: put the context itself in the document ("@context": {...})'
        )
    return message
