"""Unit tests of the pieces the routes are made of: negotiation, query reading, parsing."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from icgraph.api.backends.worker import execute
from icgraph.api.errors import ProtocolError, tidy_syntax_message
from icgraph.api.formats import Kind, choose, negotiate
from icgraph.api.protocol import from_get, from_post
from icgraph.query_text import inspect_query

# --- content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        (Kind.SOLUTIONS, None, "json"),
        (Kind.SOLUTIONS, "*/*", "json"),
        (Kind.GRAPH, "*/*", "turtle"),
        (Kind.SOLUTIONS, "application/json", "json"),
        (Kind.GRAPH, "application/json", "jsonld"),
        (Kind.SOLUTIONS, "application/xml", "xml"),
        (Kind.GRAPH, "application/xml", "rdfxml"),
        (Kind.SOLUTIONS, "text/csv;q=0.4, text/tab-separated-values;q=0.9", "tsv"),
        (Kind.SOLUTIONS, "application/sparql-results+xml;q=0.9, */*;q=1", "json"),
        (Kind.SOLUTIONS, "application/sparql-results+xml, */*", "xml"),
        (Kind.GRAPH, "text/plain", "ntriples"),
        (Kind.SOLUTIONS, "image/png", None),
        (Kind.SOLUTIONS, "application/sparql-results+json;q=0", None),
        (Kind.SOLUTIONS, "*/*;q=0.1, application/sparql-results+json;q=0", "xml"),
    ],
)
def test_negotiate(kind: Kind, accept: str | None, expected: str | None) -> None:
    chosen = negotiate(kind, accept)
    assert (chosen.name if chosen else None) == expected


def test_format_parameter_names_a_format_per_kind() -> None:
    choice = choose("image/png", "json")
    assert choice.solutions and choice.solutions.name == "json"
    assert choice.graph and choice.graph.name == "jsonld"
    assert choose(None, "bogus").solutions is None


# --- reading a query before running it -------------------------------------------------------

P = {"ex": "http://ex.org/"}


@pytest.mark.parametrize(
    ("query", "endpoints"),
    [
        ("SELECT * { SERVICE <http://h/s> { ?s ?p ?o } }", ("http://h/s",)),
        ("select * { service silent <http://h/s> {} }", ("http://h/s",)),
        ("SELECT * { SERVICE ex:s {} }", ("http://ex.org/s",)),
        ("PREFIX ex: <http://o/> SELECT * { SERVICE ex:s {} }", ("http://o/s",)),
        ("SELECT * { SERVICE ?e {} }", (None,)),
        ("SELECT * { SERVICE nope:s {} }", (None,)),
        # The engine reads keywords glued to what follows (checked on pyoxigraph 0.5).
        ("SELECT * { SERVICE<http://h/s>{} }", ("http://h/s",)),
        ("SELECT * { SERVICEex:s {} }", ("http://ex.org/s",)),
        ("PREFIX : <http://h/> SELECT * { SERVICESILENT:x {} }", (None, "http://h/x")),
        # A \\# escape in a prefixed name must not start a comment that hides the rest.
        ("SELECT * { ?s ex:a\\# ?o . SERVICE <http://h/s> {} }", ("http://h/s",)),
        # \\u escapes: read both raw and decoded.
        ("SELECT * { <http://a\\u0041#x> ?p ?o . SERVICE <http://h/s> {} }", ("http://h/s",)),
        ("SELECT * { \\u0053ERVICE <http://h/s> {} }", ("http://h/s",)),
        ("BASE <http://b/> SELECT * { SERVICE <sparql> {} }", ("http://b/sparql",)),
        # Not services: in a string, a long string, a comment, an IRI, a prefixed name.
        ('SELECT * { ?s ?p "SERVICE <http://h/s> {}" }', ()),
        ('SELECT * { ?s ?p """a "quoted" SERVICE <http://h/s> {}""" }', ()),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://h/s> {}", ()),
        ("SELECT * { ?s <http://x/SERVICE> ?o }", ()),
        ("PREFIX service: <http://x/> SELECT * { ?s service:p ?o }", ()),
    ],
)
def test_service_endpoints(query: str, endpoints: tuple[str | None, ...]) -> None:
    assert inspect_query(query, P).service_endpoints == endpoints


@pytest.mark.parametrize(
    ("query", "form", "has_from"),
    [
        ("PREFIX a: <x:> # c\nSELECT * {}", "SELECT", False),
        ("ASK{}", "ASK", False),
        ("BASE <x:> CONSTRUCT { ?s ?p ?o } FROM <g:1> WHERE { ?s ?p ?o }", "CONSTRUCT", True),
        ("DESCRIBE <x:a>", "DESCRIBE", False),
        ("SELECT * FROM NAMED <g:1> { GRAPH ?g {} }", "SELECT", True),
        ("SELECT * { ?s ex:fromage ?o }", "SELECT", False),
        ("CLEAR ALL", "UPDATE", False),
        ("PREFIX a: <x:> INSERT DATA { a:s a:p a:o }", "UPDATE", False),
        ("LOAD <http://h/x>", "UPDATE", False),
        ("nonsense", None, False),
    ],
)
def test_form_and_dataset_clause(query: str, form: str | None, has_from: bool) -> None:
    info = inspect_query(query, P)
    assert (info.form, info.has_dataset_clause) == (form, has_from)


# --- protocol parsing ------------------------------------------------------------------------


def test_get_without_query_asks_for_the_description() -> None:
    assert from_get([]).query is None


def test_post_form_merges_url_and_body_parameters() -> None:
    op = from_post(
        [("default-graph-uri", "http://g/1")],
        "application/x-www-form-urlencoded",
        b"query=ASK%20%7B%7D&named-graph-uri=http%3A%2F%2Fg%2F2&timeout=2.5",
    )
    assert op.query == "ASK {}"
    assert op.dataset.default_graphs == ("http://g/1",)
    assert op.dataset.named_graphs == ("http://g/2",)
    assert op.timeout == 2.5


@pytest.mark.parametrize(
    ("url", "content_type", "body", "status", "message"),
    [
        ([("query", "ASK {}")], "application/sparql-query", b"ASK {}", 400, "do not also give"),
        ([], "application/x-www-form-urlencoded", b"format=json", 400, "no 'query'"),
        ([], "application/x-www-form-urlencoded", b"query=%FF", 400, "not UTF-8"),
        ([], "application/x-www-form-urlencoded; charset=latin-1", b"query=x", 415, "charset"),
        ([], "application/sparql-update", b"CLEAR ALL", 403, "read-only"),
        ([("using-graph-uri", "http://g/")], "application/sparql-query", b"x", 403, "read-only"),
        ([], "application/json", b"{}", 415, "'application/json'"),
    ],
)
def test_post_errors(
    url: list[tuple[str, str]], content_type: str, body: bytes, status: int, message: str
) -> None:
    with pytest.raises(ProtocolError) as error:
        from_post(url, content_type, body)
    assert error.value.status == status
    assert message in error.value.message


def test_syntax_messages_are_shortened() -> None:
    raw = "expected one of \"{\", ['0' ..= '9'], ['A' ..= 'Z' | 'a' ..= 'z'], [_]"
    assert tidy_syntax_message(raw) == 'expected one of "{" or a name, number or literal'


# --- the worker's execution and result cap ---------------------------------------------------


@pytest.fixture(scope="module")
def memory_store() -> ox.Store:
    store = ox.Store()
    for i in range(10):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://s/{i}"),
                ox.NamedNode("http://p"),
                ox.Literal(f"line\n{i}"),
                ox.NamedNode(f"http://g/{i % 2}"),
            )
        )
    return store


def _run(
    store: ox.Store,
    query: str,
    cap: int,
    formats=("json", "json", "ntriples"),  # noqa: ANN001
    union: bool = True,
) -> tuple:  # noqa: ANN001
    return execute(store, (query, None, None, union, formats, cap, None), {})


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_cap_cuts_solutions_in_every_format(memory_store: ox.Store, fmt: str) -> None:
    status, kind, name, truncated, body = _run(
        memory_store, "SELECT ?o { ?s ?p ?o } ORDER BY ?s", 4, (fmt, fmt, None)
    )
    assert (status, kind, name, truncated) == ("ok", "solutions", fmt, True)
    if fmt == "csv":  # lossy, so pyoxigraph does not parse it back
        rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
        values = [row[0] for row in rows[1:]]
    else:
        parsed = ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, fmt.upper()))
        values = [s["o"].value for s in parsed]
    # Literals with newlines stay one row each.
    assert values == [f"line\n{i}" for i in range(4)]


def test_cap_cuts_triples(memory_store: ox.Store) -> None:
    reply = _run(memory_store, "CONSTRUCT WHERE { ?s ?p ?o }", 3)
    assert reply[3] is True
    assert len(list(ox.parse(reply[4], format=ox.RdfFormat.N_TRIPLES))) == 3


def test_default_graph_is_union_only_when_asked(memory_store: ox.Store) -> None:
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert b'"value":"10"' in _run(memory_store, count, 100)[4]
    assert b'"value":"0"' in _run(memory_store, count, 100, union=False)[4]


def test_syntax_error_carries_line_and_column(memory_store: ox.Store) -> None:
    assert _run(memory_store, "SELECT *\nWHERE { ?s }", 5)[:2] == ("error", "syntax")
    # pyoxigraph 0.5 points just past the token it could not use.
    assert _run(memory_store, "SELECT *\nWHERE { ?s }", 5)[3:] == (2, 13)
