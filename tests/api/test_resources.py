"""Dereferenceable IRIs on the real graph: every /id resource in HTML and Turtle, conneg, 404s.

The app runs in-process (TestClient) over the store the session fixtures build with the real
pipeline, with its real worker-pool backend.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from icgraph.api.app import create_app
from icgraph.config import Settings

from ..paths import ROOT
from .serving import build_store

BASE = "https://w3id.org/icgraph/"
ICG = BASE + "ontology#"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}


@pytest.fixture(scope="module")
def resources(graph_store: ox.Store) -> list[str]:
    """Every IRI under <base>id/ that is the subject of a triple in the published graph."""
    rows = graph_store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }} ORDER BY ?s'
    )
    return [row["s"].value for row in rows]  # type: ignore[index, union-attr]


def _triples(body: bytes, media_type: str) -> list[ox.Triple]:
    fmt = RDF_TYPES[media_type.split(";")[0].strip()]
    return [q.triple for q in ox.parse(body, format=fmt)]


def _union(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]


def _text(page: str) -> str:
    """The page's text with tags dropped and white space folded, for quote comparisons."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


# --- every resource dereferences ------------------------------------------------------------------


def test_every_id_resource_dereferences_in_html_and_turtle(
    client: TestClient, resources: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(resources) > 300, "expected the graph's resources"
    failures = []
    for iri in resources:
        path = "/" + iri[len(BASE) :]
        page = client.get(path, headers={"Accept": BROWSER})
        if page.status_code != 200 or not page.headers["content-type"].startswith("text/html"):
            failures.append(f"{path} HTML: {page.status_code}")
        elif f"<code>{iri}</code>" not in page.text:
            failures.append(f"{path} HTML does not name its IRI")
        turtle = client.get(path, headers={"Accept": "text/turtle"})
        if turtle.status_code != 200:
            failures.append(f"{path} Turtle: {turtle.status_code}")
            continue
        subjects = {t.subject for t in _triples(turtle.content, turtle.headers["content-type"])}
        if ox.NamedNode(iri) not in subjects:
            failures.append(f"{path} Turtle does not describe {iri}")
    assert not failures, "\n".join(failures[:20])
    with capsys.disabled():
        print(f"\n{len(resources)} /id resources dereference in HTML and Turtle")


# --- content negotiation ------------------------------------------------------------------------


def test_browser_gets_html_with_vary_and_content_location(client: TestClient) -> None:
    response = client.get("/id/state/ES", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    assert response.headers["content-location"] == "/id/state/ES.html"
    assert '</id/state/ES.ttl>; rel="alternate"; type="text/turtle"' in response.headers["link"]


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_machines_get_each_rdf_format_by_accept(client: TestClient, media_type: str) -> None:
    response = client.get("/id/state/ES", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    triples = _triples(response.content, media_type)
    spain = ox.NamedNode(BASE + "id/state/ES")
    assert ox.Triple(spain, ox.NamedNode(ICG + "alpha2Code"), ox.Literal("ES")) in triples
    # Incoming links are part of the description: Spain's practices point at it.
    assert any(t.object == spain and t.predicate == ox.NamedNode(ICG + "inState") for t in triples)


@pytest.mark.parametrize("extension", list(EXTENSIONS))
def test_extension_selects_the_format_whatever_accept_says(
    client: TestClient, extension: str
) -> None:
    response = client.get(f"/id/state/ES.{extension}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == EXTENSIONS[extension]
    assert "content-location" not in response.headers
    assert _triples(response.content, EXTENSIONS[extension])


def test_html_extension_and_default_format(client: TestClient) -> None:
    page = client.get("/id/state/ES.html", headers={"Accept": "text/turtle"})
    assert page.headers["content-type"].startswith("text/html")
    for accept in (None, "*/*"):
        headers = {"Accept": accept} if accept else {}
        response = client.get("/id/state/ES", headers=headers)
        assert response.headers["content-type"].startswith("text/turtle"), accept


def test_q_values_are_honoured(client: TestClient) -> None:
    response = client.get(
        "/id/state/ES", headers={"Accept": "text/html;q=0.5, application/ld+json"}
    )
    assert response.headers["content-type"].startswith("application/ld+json")


def test_unacceptable_format_is_406(client: TestClient) -> None:
    response = client.get("/id/state/ES", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_head_answers_like_get(client: TestClient) -> None:
    response = client.head("/id/state/ES", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")


# --- unknown IRIs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/id/state/XX",
        "/id/",
        "/id/state/ES/extra",
        "/id/no%20such%20thing",
        "/id/x%3E%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo",
        "/id/state/ES.xml",
    ],
)
def test_unknown_iri_is_a_404_page_not_a_500(client: TestClient, path: str) -> None:
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text
    machine = client.get(path, headers={"Accept": "text/turtle"})
    assert machine.status_code == 404
    assert machine.headers["content-type"].startswith("text/plain")


# --- what the page shows ------------------------------------------------------------------------


def _quote(store: ox.Store, practice: str) -> str:
    (row,) = _union(store, f"SELECT ?q WHERE {{ <{practice}> <{ICG}quote> ?q }}")
    return str(row["q"].value)


def test_actor_page_shows_level_state_and_the_practice_that_names_it(
    client: TestClient, graph_store: ox.Store
) -> None:
    page = client.get("/id/actor/pt/high-commission-for-migration", headers={"Accept": BROWSER})
    assert page.status_code == 200
    text = _text(page.text)
    assert "<h1>High Commission for Migration</h1>" in page.text
    level = re.search(r'<dd class="level">(.*?)</dd>', page.text, re.S)
    state = re.search(r'<dd class="state">(.*?)</dd>', page.text, re.S)
    assert level and 'href="/id/level/national"' in level.group(1) and "national" in level.group(1)
    assert state and 'href="/id/state/PT"' in state.group(1) and "Portugal" in state.group(1)
    quote = _quote(graph_store, BASE + "id/practice/funding-streams/PT")
    assert quote in text
    assert 'href="/id/practice/funding-streams/PT"' in page.text
    assert 'href="/id/section/2.1/funding-streams"' in page.text
    assert "Funding streams" in text and "2.1" in text


def test_every_passage_naming_a_resource_is_quoted(
    client: TestClient, graph_store: ox.Store
) -> None:
    resource = BASE + "id/state/ES"
    passages = {
        row["p"].value
        for row in _union(  # type: ignore[union-attr]
            graph_store,
            f"SELECT DISTINCT ?p WHERE {{ {{ ?p <{ICG}names> <{resource}> }} UNION "
            f"{{ <{resource}> <{ICG}reportedIn> ?p }} ?p <{ICG}quote> ?q }}",
        )
    }
    assert passages
    text = _text(client.get("/id/state/ES", headers={"Accept": BROWSER}).text)
    for passage in passages:
        assert _quote(graph_store, passage) in text, passage


def test_practice_page_shows_its_own_quote_and_section(
    client: TestClient, graph_store: ox.Store
) -> None:
    page = client.get("/id/practice/funding-streams/ES", headers={"Accept": BROWSER})
    own = re.search(r'<section class="own-quote">(.*?)</section>', page.text, re.S)
    assert own is not None
    assert _quote(graph_store, BASE + "id/practice/funding-streams/ES") in _text(own.group(1))
    assert 'href="/id/section/2.1/funding-streams"' in own.group(1)


def test_links_stay_on_this_server_and_name_things_by_label(client: TestClient) -> None:
    page = client.get("/id/state/ES", headers={"Accept": BROWSER}).text
    assert 'href="https://w3id.org/icgraph/' not in page
    assert re.search(r'<a href="/ontology#MemberState"[^>]*>member state</a>', page)


# --- any base IRI, any host -----------------------------------------------------------------------


def test_resources_resolve_under_another_base_iri(tmp_path: Path) -> None:
    data = tmp_path / "other.trig"
    data.write_text(
        "<http://kg.example.test/base/graph/x> {\n"
        "  <http://kg.example.test/base/id/thing/a> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "thing A"@en ;\n'
        "    <http://example.test/p> <http://kg.example.test/base/id/thing/b> .\n"
        "  <http://kg.example.test/base/id/thing/b> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "thing B"@en .\n}\n',
        encoding="utf-8",
    )
    store = build_store(tmp_path / "store", {None: data})
    settings = Settings(
        root=ROOT, store_path=store, query_workers=1, base_iri="http://kg.example.test/base/"
    )
    with TestClient(create_app(settings), base_url="http://localhost:8123") as local:
        page = local.get("/id/thing/a", headers={"Accept": BROWSER})
        assert page.status_code == 200
        assert "thing A" in page.text and 'href="/id/thing/b"' in page.text
        turtle = local.get("/id/thing/a.ttl")
        assert ox.NamedNode("http://kg.example.test/base/id/thing/a") in {
            t.subject for t in _triples(turtle.content, "text/turtle")
        }
        assert local.get("/id/thing/c").status_code == 404


# --- the ontology -------------------------------------------------------------------------------


def _version_iri(store: ox.Store) -> str:
    (row,) = _union(
        store,
        f"SELECT ?v WHERE {{ <{BASE}ontology> <http://www.w3.org/2002/07/owl#versionIRI> ?v }}",
    )
    return str(row["v"].value)


def test_ontology_documentation_for_browsers(client: TestClient, graph_store: ox.Store) -> None:
    page = client.get("/ontology", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    assert _version_iri(graph_store) in page.text
    assert 'id="MemberState"' in page.text  # /ontology#MemberState lands on the term
    assert 'id="changelog"' in page.text and "0.1.0" in page.text


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_ontology_for_machines(client: TestClient, media_type: str) -> None:
    response = client.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200
    triples = _triples(response.content, media_type)
    owl_ontology = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
    assert (
        ox.Triple(
            ox.NamedNode(BASE + "ontology"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            owl_ontology,
        )
        in triples
    )
    assert len(triples) > 300


def test_ontology_by_extension_version_iri_and_changelog(
    client: TestClient, graph_store: ox.Store
) -> None:
    assert client.get("/ontology.ttl").headers["content-type"].startswith("text/turtle")
    assert client.get("/ontology.html").headers["content-type"].startswith("text/html")
    version_path = "/" + _version_iri(graph_store)[len(BASE) :]
    assert client.get(version_path, headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/ontology/99.0.0", headers={"Accept": BROWSER}).status_code == 404
    assert client.get("/ontology.xyz").status_code == 404
    changelog = client.get("/ontology/changelog")
    assert changelog.status_code == 200 and "0.1.0" in changelog.text


def test_openapi_documents_the_linked_data_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/id/{path}", "/ontology", "/ontology.{ext}", "/ontology/{version}"):
        assert path in paths, path
