"""What a query says about itself, read from its tokens before any engine sees it.

The facade must know three things up front: the query form (to refuse updates and to answer
406 before running anything), whether the query names its own dataset with ``FROM``, and
which endpoints its ``SERVICE`` clauses would call (pyoxigraph would fetch any URL from the
server, so they are checked against an allow-list). A full parse would cost milliseconds per
request; a tokenizer that follows the SPARQL grammar's terminals is enough, because these
keywords can only occur as tokens of their own.

The tokenizer must never be fooled into reading ``SERVICE`` as part of a string, IRI or
comment when the engine reads it as a keyword, so it implements the terminals that can hide
text (strings, IRIs, comments, prefixed names with ``\\#`` escapes) exactly, and it reads the
query a second time with ``\\u`` escapes decoded, as the SPARQL grammar says to.

While it reads, it guards the engine: a query nested or chained past the limits of
:mod:`icgraph.query_limits`, or an escape that names no character, is refused here, with its
line and column, before any engine sees it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from icgraph.errors import QuerySyntaxError
from icgraph.query_limits import DEFAULT_LIMITS, Locate, QueryLimits, checked_tokens, locator

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
             |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
             |'(?:[^'\\\r\n]|\\.)*'
             |"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_PN_CHARS}]+)
  | (?P<pname>(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:
               (?:(?:[{_PN_CHARS}:]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?)?)
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The same, stepping over an escaped backslash: in "\\U00110000" the engine reads a
# backslash and the letters U00110000, not a code point.
_CODE_POINT = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOW_SURROGATE = re.compile(r"\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})")
_LARGEST_CODE_POINT = 0x10FFFF

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


@dataclass(frozen=True)
class QueryInfo:
    """What the facade needs to know about a request's text before running it."""

    #: SELECT, CONSTRUCT, DESCRIBE, ASK, UPDATE, or None when the text starts with neither.
    form: str | None
    #: True when the query has a FROM or FROM NAMED clause.
    has_dataset_clause: bool
    #: The endpoint of every SERVICE clause; None for one that is a variable or unresolvable.
    service_endpoints: tuple[str | None, ...] = field(default=())

    @property
    def is_update(self) -> bool:
        return self.form == "UPDATE"


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` of every token but whitespace and comments."""
    for kind, value, _ in token_spans(text):
        yield kind, value


def token_spans(text: str) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of every token but whitespace and comments."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind not in ("ws", "comment"):
            yield kind, match.group(), match.start()


def _is_surrogate(code: int) -> bool:
    return 0xD800 <= code <= 0xDFFF


def check_code_points(text: str) -> None:
    """Refuse a ``\\u`` / ``\\U`` escape that names no Unicode character (a syntax error)."""
    for match in _CODE_POINT.finditer(text):
        digits = match.group(1) or match.group(2)
        if digits is None:
            continue
        code = int(digits, 16)
        if code <= _LARGEST_CODE_POINT and not _is_surrogate(code):
            continue
        escape = match.group()
        if code > _LARGEST_CODE_POINT:
            message = f"{escape} is not a Unicode code point (the largest is \\U0010FFFF)"
        else:
            message = f"{escape} is a UTF-16 surrogate, not a character"
            low = _LOW_SURROGATE.match(text, match.end())
            if code < 0xDC00 and low:
                combined = 0x10000 + ((code - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
                message += f"; write the pair {escape}{low.group()} as \\U{combined:08X}"
            else:
                message += "; write the character itself or its \\U escape"
        line, column = locator(text)(match.start())
        raise QuerySyntaxError(message, line=line, column=column)


def _decode_escapes(text: str) -> tuple[str, Locate]:
    """The text with ``\\u`` escapes decoded, and where each of its offsets came from.

    Escapes that name no character become U+FFFD (:func:`check_code_points` refuses them
    where the engine would read them).
    """
    pieces: list[str] = []
    decoded_at: list[int] = []  # offset in the decoded text of each decoded escape
    source_at: list[tuple[int, int]] = []  # the escape's start and end in ``text``
    last = length = 0
    for match in _ESCAPE.finditer(text):
        pieces.append(text[last : match.start()])
        length += match.start() - last
        code = int(match.group(1) or match.group(2), 16)
        ok = code <= _LARGEST_CODE_POINT and not _is_surrogate(code)
        pieces.append(chr(code) if ok else "\ufffd")
        decoded_at.append(length)
        source_at.append((match.start(), match.end()))
        length += 1
        last = match.end()
    pieces.append(text[last:])
    locate_source = locator(text)

    def locate(offset: int) -> tuple[int, int]:
        i = bisect_right(decoded_at, offset) - 1
        if i < 0:
            return locate_source(offset)
        start, end = source_at[i]
        if offset == decoded_at[i]:
            return locate_source(start)
        return locate_source(end + offset - decoded_at[i] - 1)

    return "".join(pieces), locate


def _read(
    text: str,
    default_prefixes: Mapping[str, str],
    base: str | None,
    limits: QueryLimits = DEFAULT_LIMITS,
    locate: Locate | None = None,
) -> QueryInfo:
    toks = checked_tokens(_TOKEN.finditer(text), limits, locate or locator(text))
    prefixes = dict(default_prefixes)
    form: str | None = None
    i = 0
    # The prologue: BASE <iri> and PREFIX p: <iri>, in any order.
    while i < len(toks):
        kind, value = toks[i]
        upper = value.upper()
        if kind == "word" and upper == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = _resolve(toks[i + 1][1][1:-1], base)
            i += 2
        elif (
            kind == "word"
            and upper == "PREFIX"
            and i + 2 < len(toks)
            and toks[i + 1][0] == "pname"
            and toks[i + 2][0] == "iri"
        ):
            prefixes[toks[i + 1][1][:-1]] = _resolve(toks[i + 2][1][1:-1], base)
            i += 3
        else:
            break
    if i < len(toks) and toks[i][0] == "word":
        upper = toks[i][1].upper()
        if upper in QUERY_FORMS:
            form = upper
        elif upper in UPDATE_KEYWORDS:
            form = "UPDATE"
    has_from = False
    services: list[str | None] = []
    depth = parens = 0
    for j, (kind, value) in enumerate(toks):
        if kind == "other":
            depth += {"{": 1, "}": -1}.get(value, 0)
            parens += {"(": 1, ")": -1}.get(value, 0)
            continue
        upper = value.upper()
        # Dataset clauses sit outside every group; the engine reads "FROM<g>" and
        # "FROMNAMED<g>" as well as "FROM <g>", so a glued keyword counts too.
        if depth == 0 and parens == 0 and kind in ("word", "pname") and upper.startswith("FROM"):
            has_from = True
        if kind in ("word", "pname") and upper.startswith("SERVICE"):
            found = _service_endpoints(toks, j, prefixes, base)
            if found is not None:
                services.extend(found)
    return QueryInfo(form, has_from, tuple(services))


def _service_endpoints(
    toks: list[tuple[str, str]], j: int, prefixes: Mapping[str, str], base: str | None
) -> list[str | None] | None:
    """The endpoints a SERVICE-like token at ``j`` may call, or None if it is no SERVICE.

    The engine's parser does not need a space after a keyword: ``SERVICE:x {}``,
    ``SERVICEex:x {}`` and ``SERVICESILENT:x {}`` all call a service (checked against
    pyoxigraph 0.5). Where ``SILENT`` could be a keyword or part of a prefixed name, both
    readings are returned, so the check refuses unless both are allowed.
    """
    kind, value = toks[j]
    rest = value[len("SERVICE") :]
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    if kind == "word" and rest == "":
        if nxt is not None and nxt[0] == "word" and nxt[1].upper() == "SILENT":
            nxt = toks[j + 2] if j + 2 < len(toks) else None
        found = [_endpoint(nxt, prefixes, base)]
        if nxt is not None and nxt[0] == "pname" and nxt[1].upper().startswith("SILENT"):
            found.append(_endpoint(("pname", nxt[1][len("SILENT") :]), prefixes, base))
        return found
    if kind == "word" and rest.upper() == "SILENT":
        return [_endpoint(nxt, prefixes, base)]
    if kind == "pname" and nxt == ("other", "{"):
        readings = [rest]
        if rest.upper().startswith("SILENT"):
            readings.append(rest[len("SILENT") :])
        return [_endpoint(("pname", r), prefixes, base) for r in readings]
    return None


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _endpoint(
    token: tuple[str, str] | None, prefixes: Mapping[str, str], base: str | None
) -> str | None:
    if token is None:
        return None
    kind, value = token
    if kind == "iri":
        return _resolve(value[1:-1], base)
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


@lru_cache(maxsize=1024)
def _inspect_cached(
    text: str,
    default_prefixes: tuple[tuple[str, str], ...],
    base: str | None,
    limits: QueryLimits,
) -> QueryInfo:
    return inspect_query(text, dict(default_prefixes), base, limits=limits, cache=False)


def inspect_query(
    text: str,
    default_prefixes: Mapping[str, str] | None = None,
    base: str | None = None,
    *,
    limits: QueryLimits = DEFAULT_LIMITS,
    cache: bool = True,
) -> QueryInfo:
    """Read the form, the dataset clause and the SERVICE endpoints of a query.

    ``default_prefixes`` and ``base`` must be those the engine will be given, so that a
    SERVICE endpoint written as a prefixed name or a relative IRI resolves the same way.
    A query past one of ``limits`` raises :class:`~icgraph.query_limits.QueryTooComplex`, and an
    escape that names no character raises :class:`~icgraph.errors.QuerySyntaxError`: both
    are the client's mistakes, found before any engine sees the text.

    >>> info = inspect_query("PREFIX ex: <http://ex/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }")
    >>> info.form, info.service_endpoints
    ('SELECT', ('http://ex/sparql',))
    """
    prefixes = default_prefixes or {}
    if cache and len(text) <= 20_000:
        return _inspect_cached(text, tuple(sorted(prefixes.items())), base, limits)
    info = _read(text, prefixes, base, limits)
    if _ESCAPE.search(text):
        check_code_points(text)
        # The grammar decodes \u escapes before tokenizing; read both ways and keep the
        # stricter answer, so neither reading can hide a SERVICE (or a nesting) from the check.
        decoded_text, locate = _decode_escapes(text)
        decoded = _read(decoded_text, prefixes, base, limits, locate)
        info = QueryInfo(
            decoded.form if info.form is None else info.form,
            info.has_dataset_clause or decoded.has_dataset_clause,
            info.service_endpoints + decoded.service_endpoints,
        )
    return info


@dataclass(frozen=True)
class Prologue:
    """What a query's prologue declares: whether it has a BASE, and its prefixes."""

    has_base: bool
    prefixes: Mapping[str, str]


def prologue(text: str) -> Prologue:
    """The ``BASE`` and ``PREFIX`` declarations a query opens with (IRIs as written).

    >>> prologue("BASE <http://ex/> PREFIX ex: <a#> SELECT * {}")
    Prologue(has_base=True, prefixes={'ex': 'a#'})
    """
    _, has_base, prefixes = read_prologue(list(token_spans(text)))
    return Prologue(has_base, prefixes)


def read_prologue(spans: Sequence[tuple[str, str, int]]) -> tuple[int, bool, dict[str, str]]:
    """Where the prologue of these tokens ends, whether it has a BASE, and its prefixes."""
    has_base = False
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(spans):
        kind, value, _ = spans[i]
        upper = value.upper() if kind == "word" else ""
        if upper == "BASE" and i + 1 < len(spans) and spans[i + 1][0] == "iri":
            has_base = True
            i += 2
        elif (
            upper == "PREFIX"
            and i + 2 < len(spans)
            and spans[i + 1][0] == "pname"
            and spans[i + 2][0] == "iri"
        ):
            prefixes[spans[i + 1][1][:-1]] = spans[i + 2][1][1:-1]
            i += 3
        else:
            break
    return i, has_base, prefixes


@dataclass(frozen=True)
class Outline:
    """Where a query's parts are: the prologue's end, and its outermost solution modifiers."""

    #: Offset of the first character after the prologue (the query form's keyword).
    body: int
    #: The outermost ``ORDER BY`` clause as written, or None.
    order_by: str | None
    #: True when the outermost query has LIMIT or OFFSET.
    limited: bool


def outline(text: str) -> Outline:
    """The prologue's end and the top-level ORDER BY / LIMIT / OFFSET of a query.

    >>> o = outline("PREFIX ex: <x#> SELECT * { { SELECT * {} ORDER BY ?z } } ORDER BY DESC(?a) ?b LIMIT 3")
    >>> o.body, o.order_by, o.limited
    (16, 'ORDER BY DESC(?a) ?b', True)
    """
    matches = [m for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    i = 0
    while i < len(matches):
        upper = matches[i].group().upper() if matches[i].lastgroup == "word" else ""
        if upper == "BASE" and i + 1 < len(matches) and matches[i + 1].lastgroup == "iri":
            i += 2
        elif (
            upper == "PREFIX"
            and i + 2 < len(matches)
            and matches[i + 1].lastgroup == "pname"
            and matches[i + 2].lastgroup == "iri"
        ):
            i += 3
        else:
            break
    body = matches[i].start() if i < len(matches) else len(text)
    depth = parens = 0
    order_start: int | None = None
    order_end: int | None = None
    limited = False
    for j, match in enumerate(matches):
        value = match.group()
        if match.lastgroup == "other":
            depth += {"{": 1, "}": -1}.get(value, 0)
            parens += {"(": 1, ")": -1}.get(value, 0)
            continue
        if depth or parens or match.lastgroup != "word":
            continue
        upper = value.upper()
        nxt = matches[j + 1].group().upper() if j + 1 < len(matches) else ""
        if upper == "ORDER" and nxt == "BY":
            order_start, order_end = match.start(), None
        elif upper in ("LIMIT", "OFFSET", "VALUES"):
            limited = limited or upper != "VALUES"
            if order_start is not None and order_end is None:
                order_end = match.start()
    order_by = None
    if order_start is not None:
        order_by = text[order_start : order_end if order_end is not None else len(text)].strip()
    return Outline(body, order_by, limited)
