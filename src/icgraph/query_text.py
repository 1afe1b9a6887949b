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
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

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
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind not in ("ws", "comment"):
            yield kind, match.group()


def token_spans(text: str) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of every token but whitespace and comments."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind not in ("ws", "comment"):
            yield kind, match.group(), match.start()


def _decode_escapes(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _read(text: str, default_prefixes: Mapping[str, str], base: str | None) -> QueryInfo:
    toks = list(tokens(text))
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
    text: str, default_prefixes: tuple[tuple[str, str], ...], base: str | None
) -> QueryInfo:
    return inspect_query(text, dict(default_prefixes), base, cache=False)


def inspect_query(
    text: str,
    default_prefixes: Mapping[str, str] | None = None,
    base: str | None = None,
    *,
    cache: bool = True,
) -> QueryInfo:
    """Read the form, the dataset clause and the SERVICE endpoints of a query.

    ``default_prefixes`` and ``base`` must be those the engine will be given, so that a
    SERVICE endpoint written as a prefixed name or a relative IRI resolves the same way.

    >>> info = inspect_query("PREFIX ex: <http://ex/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }")
    >>> info.form, info.service_endpoints
    ('SELECT', ('http://ex/sparql',))
    """
    prefixes = default_prefixes or {}
    if cache and len(text) <= 20_000:
        return _inspect_cached(text, tuple(sorted(prefixes.items())), base)
    info = _read(text, prefixes, base)
    if _ESCAPE.search(text):
        # The grammar decodes \u escapes before tokenizing; read both ways and keep the
        # stricter answer, so neither reading can hide a SERVICE from the check.
        decoded = _read(_decode_escapes(text), prefixes, base)
        info = QueryInfo(
            decoded.form if info.form is None else info.form,
            info.has_dataset_clause or decoded.has_dataset_clause,
            info.service_endpoints + decoded.service_endpoints,
        )
    return info
