"""Resource pages fit their resource, and their SPARQL link gives the document's own triples.

Expectations are the report's facts (Spain answered as a state, the High Commission for
Migration is Portugal's national body) and counts taken from the store itself, not from the
page code.
"""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
from fastapi.testclient import TestClient

BASE = "https://w3id.org/icgraph/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _summary(page: str) -> dict[str, str]:
    """``{dt text: dd text}`` of the page's summary list."""
    found = re.search(r'<dl class="context"[^>]*>(.*?)</dl>', page, re.S)
    if found is None:
        return {}
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", found.group(1), re.S)
    return {
        dt.strip(): re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", dd))).strip()
        for dt, dd in pairs
    }


def test_a_state_shows_its_codes_not_a_level_or_a_state(client: TestClient) -> None:
    page = client.get("/id/state/ES", headers={"Accept": BROWSER}).text
    assert "<h1>Spain</h1>" in page
    summary = _summary(page)
    assert "Governance level" not in summary and "State" not in summary
    assert "not given" not in page
    assert summary["ISO 3166-1 codes"] == "ES, ESP"
    assert summary["Same as"] == "wd:Q29"
    assert '<a href="/states/ES">' in page


def test_an_actor_shows_its_level_and_state(client: TestClient) -> None:
    page = client.get("/id/actor/pt/high-commission-for-migration", headers={"Accept": BROWSER})
    summary = _summary(page.text)
    assert summary["Governance level"] == "national"
    assert summary["State"] == "Portugal"
    assert "ISO 3166-1 codes" not in summary


def test_a_concept_shows_its_code_list_and_definition_only(client: TestClient) -> None:
    page = client.get("/id/level/national", headers={"Accept": BROWSER}).text
    summary = _summary(page)
    assert set(summary) == {"In the code list", "Definition"}
    assert "not given" not in page


def test_a_footnote_has_no_summary_fields(client: TestClient) -> None:
    page = client.get("/id/footnote/3", headers={"Accept": BROWSER}).text
    assert _summary(page) == {}
    assert "Governance level" not in page


def _bounded_description(store: ox.Store, iri: str) -> set[tuple[str, str, str]]:
    """The triples with ``iri`` as subject or object, and those of the blank nodes at their
    other end, read from the store's quads (each triple once, whatever graph holds it)."""
    node = ox.NamedNode(iri)
    triples: set[tuple[str, str, str]] = set()
    blanks: set[ox.BlankNode] = set()
    for quad in store.quads_for_pattern(node, None, None, None):
        triples.add((str(quad.subject), str(quad.predicate), str(quad.object)))
        if isinstance(quad.object, ox.BlankNode):
            blanks.add(quad.object)
    for quad in store.quads_for_pattern(None, None, node, None):
        triples.add((str(quad.subject), str(quad.predicate), str(quad.object)))
        if isinstance(quad.subject, ox.BlankNode):
            blanks.add(quad.subject)
    for blank in blanks:
        for quad in store.quads_for_pattern(blank, None, None, None):
            triples.add((str(quad.subject), str(quad.predicate), str(quad.object)))
    return triples


def _count_lines(body: str) -> int:
    return len([line for line in body.splitlines() if line.strip()])


def test_the_document_and_the_pages_sparql_link_give_the_same_triples(
    client: TestClient, graph_store: ox.Store
) -> None:
    expected = _bounded_description(graph_store, BASE + "id/state/ES")
    assert len(expected) > 50  # Spain's own facts, what is in Spain, the passages naming it
    document = client.get("/id/state/ES.nt").text
    assert _count_lines(document) == len(expected)  # each triple written once
    page = client.get("/id/state/ES", headers={"Accept": BROWSER}).text
    link = re.search(r'<a href="(/sparql\?[^"]+)" id="describe">', page)
    assert link is not None
    answer = client.get(html.unescape(link.group(1)), headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200
    parsed = list(ox.parse(answer.content, format=_format(answer.headers["content-type"])))
    assert len({(str(t.subject), str(t.predicate), str(t.object)) for t in parsed}) == len(expected)
    assert len(parsed) == len(expected)
    assert "DESCRIBE" in page  # the page says how DESCRIBE differs


def _format(content_type: str) -> ox.RdfFormat:
    media = content_type.split(";")[0].strip()
    return {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}[
        media
    ]
