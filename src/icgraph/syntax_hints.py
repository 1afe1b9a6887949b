"""Syntax errors in words that name the user's own mistake.

pyoxigraph's parser reports where it got stuck and what it expected there: "expected
CONSTRUCT" for ``SELEC *``, and a list of character classes that starts "expected one of
Prefix not found" for an undeclared prefix. Where the tokens show the mistake, the endpoint
says it instead: "unknown keyword SELEC", "undefined prefix foo:", with the line and column
of the word.

The hint is only ever given for a query the engine has refused, and only for a word at or
before the place the engine got stuck, so it cannot turn a valid query into an error or
point past the engine's own finding. (The engine's own message is no guide: for an
undeclared prefix in subject position it says "expected OPTIONAL".)
"""

from __future__ import annotations

from collections.abc import Mapping

from icgraph.errors import QuerySyntaxError
from icgraph.query_limits import locator
from icgraph.query_text import QUERY_FORMS, UPDATE_KEYWORDS, read_prologue, token_spans

#: Words a query (or an update, which is refused later) may begin with.
_STARTS = ("BASE", "PREFIX", *sorted(QUERY_FORMS), *sorted(UPDATE_KEYWORDS))
#: Keywords the engine reads when an IRI follows without a space ("GRAPHex:g", "FILTERex:f()"),
#: so a prefixed name that begins with one of them may be keyword and name.
_GLUED = (
    "FROM", "NAMED", "GRAPH", "SERVICE", "SILENT", "DESCRIBE", "A", "BY", "FILTER", "HAVING",
    "WITH", "USING", "DEFAULT", "TO", "INTO", "LOAD", "DROP", "CLEAR", "CREATE", "ADD", "MOVE",
    "COPY",
)  # fmt: skip


def _unknown_start(word: str) -> bool:
    return not word.upper().startswith(_STARTS)


def _maybe_glued(prefix: str, declared: Mapping[str, str]) -> bool:
    """Whether ``prefix:`` may be a keyword and a declared (or the empty) prefix."""
    upper = prefix.upper()
    return any(upper.startswith(k) and prefix[len(k) :] in (*declared, "") for k in _GLUED)


def explain(error: QuerySyntaxError, text: str, prefixes: Mapping[str, str]) -> QuerySyntaxError:
    """``error``, or a clearer one when the tokens show an unknown keyword or prefix."""
    stuck = (error.line or 1 << 30, error.column or 1 << 30)
    locate = locator(text)
    declared = dict(prefixes)
    spans = list(token_spans(text))
    i, _, found = read_prologue(spans)
    declared.update(found)
    if i < len(spans) and spans[i][0] == "word" and _unknown_start(spans[i][1]):
        word, offset = spans[i][1], spans[i][2]
        line, column = locate(offset)
        return QuerySyntaxError(
            f"unknown keyword {word}: a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK "
            "(after any BASE and PREFIX declarations)",
            line=line,
            column=column,
        )
    for kind, value, offset in spans[i:]:
        if kind != "pname":
            continue
        prefix = value.partition(":")[0]
        if prefix in declared or _maybe_glued(prefix, declared):
            continue
        if not prefix and offset and text[offset - 1] == "_":
            continue  # a blank node label, _:b
        line, column = locate(offset)
        if (line, column) > stuck:
            break
        known = ", ".join(f"{p}:" for p in sorted(prefixes)) or "none"
        return QuerySyntaxError(
            f"undefined prefix {prefix}: (declare it with PREFIX {prefix}: <...> before the "
            f"query; this endpoint predeclares {known})",
            line=line,
            column=column,
        )
    return error
