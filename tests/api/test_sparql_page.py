"""GET /sparql without a query: a page for browsers, the RDF service description for machines.

The page's figures are checked against the RDF description (read with rdflib's own SPARQL)
and against the published store, so the page, the RDF and the data cannot drift apart.
"""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from icgraph.api.formats import FORMATS

from ..paths import DATA

CHROMIUM_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SD_GRAPHS = """
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?name ?triples WHERE {
  ?service a sd:Service ; sd:defaultDataset/sd:namedGraph ?entry .
  ?entry sd:name ?name ; sd:graph/void:triples ?triples .
}
"""


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    response = client.get("/sparql", headers={"Accept": CHROMIUM_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept"
    return response.text


def _rows(page: str) -> dict[str, int]:
    return {
        name: int(triples)
        for name, triples in re.findall(
            r'<tr data-graph="([^"]+)"><td><code>[^<]+</code></td><td>(\d+)</td>', page
        )
    }


def test_a_browser_gets_a_page_in_the_sites_layout(page: str) -> None:
    assert '<link rel="stylesheet" href="/static/site.css">' in page
    assert '<header class="site-header">' in page and '<footer class="site-footer">' in page
    assert "<h1>SPARQL endpoint</h1>" in page
    assert '<code id="endpoint">http://testserver/sparql</code>' in page
    assert '<a id="open-editor" href="/editor">Open the SPARQL editor</a>' in page


def test_the_page_lists_every_named_graph_with_the_sizes_the_rdf_gives(
    client: TestClient, page: str, graph_store: ox.Store
) -> None:
    turtle = client.get("/sparql", headers={"Accept": "text/turtle"}).text
    described = {str(n): int(t) for n, t in Graph().parse(data=turtle).query(SD_GRAPHS)}  # type: ignore[misc]
    stored = {
        g.value: sum(1 for _ in graph_store.quads_for_pattern(None, None, None, g))
        for g in graph_store.named_graphs()
    }
    assert len(stored) == 11
    # The states graph holds exactly the triples of data/states.ttl.
    assert stored["https://w3id.org/icgraph/graph/states"] == len(
        Graph().parse(DATA / "states.ttl")
    )
    assert _rows(page) == described == stored


def test_the_page_names_the_formats_features_and_limits(page: str) -> None:
    for fmt in FORMATS:
        assert f'<tr data-format="{fmt.name}">' in page
        assert f"<code>{fmt.media_type}</code>" in page
    assert "<code>n3</code>" in page  # N3 is answered in Turtle
    assert '<li data-feature="UnionDefaultGraph">' in page
    assert "(federation) is off on this server" in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "at most 10 seconds" in text  # the client fixture's default settings
    assert "At most 10,000 rows or triples" in text
    assert "at most 1,000,000 bytes" in text
    for dump in ("icgraph.nq", "icgraph.ttl", "icgraph.nt", "icgraph.jsonld"):
        # A local server links its own copy (the canonical IRI is the base IRI's).
        assert f'<a href="/dumps/{dump}">{dump}</a>' in page


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/n3", "text/turtle"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
        ("application/xml", "application/rdf+xml"),
        (FIREFOX_ACCEPT, "text/html"),
        ("text/html", "text/html"),
        ("application/xhtml+xml", "text/html"),
    ],
)
def test_machines_still_get_rdf_by_content_negotiation(
    client: TestClient, accept: str | None, media_type: str
) -> None:
    # None: an empty Accept (the test client would send */* by itself).
    response = client.get("/sparql", headers={"Accept": accept or ""})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"
    if media_type != "text/html":
        assert "sparql-service-description#" in response.text


def test_the_format_parameter_wins_over_accept(client: TestClient) -> None:
    rdf = client.get("/sparql?format=turtle", headers={"Accept": CHROMIUM_ACCEPT})
    assert rdf.headers["content-type"].startswith("text/turtle")
    page = client.get("/sparql?format=html", headers={"Accept": "text/turtle"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>SPARQL endpoint</h1>" in page.text


def test_the_pages_rdf_links_give_rdf(client: TestClient, page: str) -> None:
    links = re.findall(r'<a href="(\?format=[^"]+)">([^<]+)</a>', page)
    assert {media for _, media in links} == {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    }
    for link, media_type in links:
        answer = client.get("/sparql" + link, headers={"Accept": CHROMIUM_ACCEPT})
        assert answer.headers["content-type"].split(";")[0] == media_type


def test_an_accept_without_rdf_or_html_is_still_a_406(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406
