"""The tokenizer's guard: limits on a query's depth, elements and length, and its code points.

What the limits protect against is measured by ``benchmarks/parser_limits.py`` (figures in
``src/icgraph/query_limits.py``); the server tests in ``test_hostile_input.py`` send the queries
that used to kill a worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from icgraph.config import Settings
from icgraph.errors import QuerySyntaxError
from icgraph.query_limits import DEFAULT_LIMITS, QueryLimits, QueryTooComplex
from icgraph.query_text import inspect_query

from ..paths import ROOT

SMALL = QueryLimits(max_depth=3, max_elements=5, max_tokens=40)


def refused(text: str, limits: QueryLimits = SMALL) -> QueryTooComplex:
    with pytest.raises(QueryTooComplex) as caught:
        inspect_query(text, limits=limits, cache=False)
    return caught.value


def test_the_defaults_are_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUERY_MAX_DEPTH", "QUERY_MAX_ELEMENTS", "QUERY_MAX_TOKENS"):
        monkeypatch.delenv(f"ICGRAPH_{name}", raising=False)
    assert QueryLimits.from_settings(Settings()) == DEFAULT_LIMITS
    monkeypatch.setenv("ICGRAPH_QUERY_MAX_DEPTH", "12")
    assert QueryLimits.from_settings(Settings()).max_depth == 12


def test_depth_at_the_limit_passes_and_one_more_is_refused_where_it_opens() -> None:
    inspect_query("ASK { { ?s ?p ?o } }", limits=SMALL, cache=False)  # two levels of three
    error = refused("ASK {\n  { FILTER((1)) }\n}")
    assert (error.line, error.column) == (2, 12)
    assert "the '(' at line 2, column 12 opens level 4" in str(error)
    assert "over the limit of 3 levels (ICGRAPH_QUERY_MAX_DEPTH)" in str(error)


def test_the_three_brackets_count_together() -> None:
    error = refused("SELECT * { ?s ?p [ ?q ( ?o ) ] }", QueryLimits(max_depth=2))
    assert "the '(' at line 1, column 23 opens level 3" in str(error)


def test_brackets_in_strings_iris_and_comments_do_not_count() -> None:
    text = 'ASK { ?s <http://ex/((x> "((([[[{{{" # {{{{{{\n }'
    assert inspect_query(text, limits=QueryLimits(max_depth=1), cache=False).form == "ASK"


def test_escaped_brackets_count_where_the_escape_is() -> None:
    # The grammar decodes \u escapes before it reads the query; the message points into the
    # text as sent.
    error = refused("ASK " + "\\u007B" * 4, QueryLimits(max_depth=3))
    assert (error.line, error.column) == (1, 5 + 3 * 6)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("ASK { {} UNION {} UNION {} }", "'{' at line 1, column 25"),
        ("ASK { FILTER(1 && 2 || 3 && 4 && 5 && 6) }", "'&' at line 1, column 31"),
        ("ASK { ?s ?p 1, 2, 3, 4, 5, 6 }", "',' at line 1, column 26"),
        ("ASK { ?s ?p ( 1 2 3 4 5 6 7 ) }", "'6' at line 1, column 25"),
        (
            "SELECT (1 AS ?a) (2 AS ?b) (3 AS ?c) (4 AS ?d) (5 AS ?e) (6 AS ?f) {}",
            "'AS' at line 1, column 61",
        ),
        ("ASK { ?s <p>/<p>/<p>/<p>/<p>/<p>/<p> ?o }", "'/' at line 1, column 29"),
    ],
)
def test_chains_count_as_elements(text: str, where: str) -> None:
    # The group's "{" is element 1; the sixth is refused.
    error = refused(text, QueryLimits(max_elements=5))
    assert where + " is element number 6" in str(error)
    assert "over the limit of 5 (ICGRAPH_QUERY_MAX_ELEMENTS)" in str(error)


@pytest.mark.parametrize(
    "text",
    [
        # Lists the engine keeps flat: IN items, function arguments, VALUES rows, decimals,
        # datatypes and the two-character operators, which count once.
        "ASK { FILTER(?x IN (1, 2, 3, 4, 5, 6, 7, 8)) }",
        "ASK { BIND(CONCAT('a', 'b', 'c', 'd', 'e', 'f') AS ?x) }",
        "ASK { VALUES (?a ?b) { (1 2) (3 4) (5 6) (7 8) (1.5 2.5) } }",
        "ASK { VALUES ?a { 1.5 2.5 3.5 4.5 '1'^^<http://ex/t> '2'^^<http://ex/t> } }",
        "ASK { FILTER(?a != 1 && ?b <= 2) }",
    ],
)
def test_flat_lists_do_not_count(text: str) -> None:
    inspect_query(text, limits=QueryLimits(max_elements=5), cache=False)


def test_tokens_are_counted() -> None:
    error = refused("ASK { VALUES ?x { " + "<http://ex/a> " * 40 + "} }")
    assert "the token at line 1, column" in str(error)
    assert "is number 41, over the limit of 40 tokens (ICGRAPH_QUERY_MAX_TOKENS)" in str(error)


def test_every_catalogue_query_is_far_inside_the_default_limits() -> None:
    files = sorted((ROOT / "queries").glob("*.rq"))
    assert files
    tight = QueryLimits(max_depth=DEFAULT_LIMITS.max_depth // 10, max_elements=50)
    for path in files:
        inspect_query(Path(path).read_text(encoding="utf-8"), limits=tight, cache=False)


@pytest.mark.parametrize(
    ("text", "column", "says"),
    [
        ('ASK { FILTER("\\U00110000") }', 15, "\\U00110000 is not a Unicode code point"),
        ('ASK { FILTER("\\uDE00") }', 15, "\\uDE00 is a UTF-16 surrogate"),
        ('ASK { FILTER("\\uD83D\\uDE00") }', 15, "write the pair \\uD83D\\uDE00 as \\U0001F600"),
    ],
)
def test_escapes_that_name_no_character_are_syntax_errors(
    text: str, column: int, says: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        inspect_query(text)
    assert (caught.value.line, caught.value.column) == (1, column)
    assert says in caught.value.message


def test_an_escaped_backslash_is_no_escape() -> None:
    # "\\U00110000" is a backslash and nine letters, which the engine accepts.
    assert inspect_query('ASK { FILTER("\\\\U00110000") }').form == "ASK"
