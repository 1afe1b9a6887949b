"""Syntax errors that name the user's mistake, checked against what pyoxigraph itself says."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from icgraph.errors import QuerySyntaxError
from icgraph.namespaces import PREFIXES
from icgraph.syntax_hints import explain

_POSITION = re.compile(r"^error at (\d+):(\d+): ")


def engine_error(text: str) -> QuerySyntaxError:
    """The engine's own error for ``text``, as the worker reports it."""
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text, prefixes=PREFIXES)
    message = str(caught.value)
    match = _POSITION.match(message)
    assert match, message
    return QuerySyntaxError(message[match.end() :], line=int(match[1]), column=int(match[2]))


def test_a_misspelt_query_form_is_an_unknown_keyword() -> None:
    text = "PREFIX ex: <http://ex/>\n  SELEC * { ?s ?p ?o }"
    error = engine_error(text)
    assert error.message == "expected CONSTRUCT"  # what a user would see otherwise
    hint = explain(error, text, PREFIXES)
    assert hint.message.startswith("unknown keyword SELEC: a query starts with SELECT")
    assert (hint.line, hint.column) == (2, 3)


def test_an_undeclared_prefix_is_named() -> None:
    text = "SELECT * {\n  ?s foo:p ?o }"
    error = engine_error(text)
    assert "Prefix not found" in error.message
    hint = explain(error, text, PREFIXES)
    assert hint.message.startswith("undefined prefix foo: (declare it with PREFIX foo: <...>")
    assert "icg:" in hint.message  # the predeclared ones are listed
    assert (hint.line, hint.column) == (2, 6)


def test_a_prefix_declared_in_the_query_is_no_mistake() -> None:
    text = "PREFIX foo: <http://ex/>\nSELECT * { ?s foo:p ?o . bar:x ?p ?o }"
    hint = explain(engine_error(text), text, PREFIXES)
    assert hint.message.startswith("undefined prefix bar:")
    assert (hint.line, hint.column) == (2, 26)


def test_no_hint_past_the_place_the_engine_got_stuck() -> None:
    # The engine stops at the "x" that is no LIMIT; the prefix after it is not its finding.
    text = "SELECT * { ?s ?p ?o } LIMIT x foo:y"
    error = engine_error(text)
    assert (error.line, error.column) < (1, 31)
    assert explain(error, text, PREFIXES) is error


def test_a_blank_node_label_is_no_prefixed_name() -> None:
    text = "SELECT * { ?s ?p _:b . ?s ?p foo:x }"
    hint = explain(engine_error(text), text, PREFIXES)
    assert hint.message.startswith("undefined prefix foo:")
    assert (hint.line, hint.column) == (1, 30)


def test_a_keyword_glued_to_a_declared_prefix_is_not_taken_for_a_prefix() -> None:
    # "GRAPHicg:x" is GRAPH icg:x to the engine; the mistake is the brace left open.
    text = "SELECT * { GRAPHicg:x { ?s ?p ?o }"
    error = engine_error(text)
    assert explain(error, text, PREFIXES) is error


def test_other_errors_keep_the_engines_words() -> None:
    text = "SELECT * WHERE {\n  ?s ?p \n"
    error = engine_error(text)
    assert explain(error, text, PREFIXES) is error
