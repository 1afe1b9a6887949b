"""Dumps with checksums, VoID and the DCAT catalogue, on the real graph; dumps follow the store."""

from __future__ import annotations

import base64
import hashlib

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, RDFS, VOID

BASE = "https://w3id.org/icgraph/"
METADATA_GRAPH = BASE + "graph/metadata"
SPDX = "http://spdx.org/rdf/terms#"
PARSE = {
    "icgraph.nq": ox.RdfFormat.N_QUADS,
    "icgraph.ttl": ox.RdfFormat.TURTLE,
    "icgraph.nt": ox.RdfFormat.N_TRIPLES,
    "icgraph.jsonld": ox.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def listing(client: TestClient) -> dict[str, dict[str, object]]:
    response = client.get("/dumps")
    assert response.status_code == 200
    return {f["name"]: f for f in response.json()["files"]}


def _count(store: ox.Store, query: str) -> int:
    (row,) = store.query(query)  # type: ignore[misc]
    return int(row[0].value)


def test_dumps_in_every_format_with_matching_checksums(
    client: TestClient, listing: dict[str, dict[str, object]]
) -> None:
    assert set(listing) == set(PARSE)
    sums = client.get("/dumps/SHA256SUMS")
    assert sums.status_code == 200
    lines = dict(reversed(line.split("  ")) for line in sums.text.splitlines())
    assert set(lines) == set(PARSE)
    for name, entry in listing.items():
        response = client.get(f"/dumps/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].split(";")[0] == entry["media_type"]
        digest = hashlib.sha256(response.content).hexdigest()
        assert digest == entry["sha256"] == lines[name], name
        assert len(response.content) == entry["bytes"]
        encoded = base64.b64encode(bytes.fromhex(digest)).decode()
        assert response.headers["repr-digest"] == f"sha-256=:{encoded}:"


def test_nquads_keeps_the_named_graphs_and_triple_dumps_hold_the_union(
    client: TestClient, graph_store: ox.Store
) -> None:
    quads = list(ox.parse(client.get("/dumps/icgraph.nq").content, format=ox.RdfFormat.N_QUADS))
    store_graphs = {g.value for g in graph_store.named_graphs()}  # type: ignore[union-attr]
    assert {q.graph_name.value for q in quads} == store_graphs  # type: ignore[union-attr]
    assert len(store_graphs) >= 9
    assert len(quads) == len(graph_store)
    union = _count(
        graph_store,
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
        "WHERE { GRAPH ?g { ?s ?p ?o } } }",
    )
    for name in ("icgraph.ttl", "icgraph.nt", "icgraph.jsonld"):
        triples = list(ox.parse(client.get(f"/dumps/{name}").content, format=PARSE[name]))
        assert len(triples) == union, name
        # JSON-LD can hold named graphs; the union dump must not (its title says union).
        named = [t for t in triples if not isinstance(t.graph_name, ox.DefaultGraph)]
        assert named == [], f"{name} puts {len(named)} statements in named graphs"


def test_unknown_dump_is_a_404_listing_the_files(client: TestClient) -> None:
    response = client.get("/dumps/icgraph.xml")
    assert response.status_code == 404
    assert "icgraph.nq" in response.text and "SHA256SUMS" in response.text


def _metadata(client: TestClient, path: str, accept: str = "text/turtle") -> Graph:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, path
    assert "Accept" in response.headers["vary"]
    fmt = {
        "text/turtle": "turtle",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
        "application/n-triples": "nt",
    }[accept]
    return Graph().parse(data=response.content, format=fmt)


@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void_counts_match_the_store(client: TestClient, graph_store: ox.Store, path: str) -> None:
    graph = _metadata(client, path)
    (dataset,) = set(graph.subjects(VOID.subset, None))
    content = "GRAPH ?g { ?s ?p ?o }"  # the metadata graph counts itself too
    triples = _count(
        graph_store,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {content} }} }}",
    )
    assert int(graph.value(dataset, VOID.triples)) == triples  # type: ignore[arg-type]
    subsets = set(graph.objects(dataset, VOID.subset))
    assert URIRef(METADATA_GRAPH) in subsets
    assert len(subsets) >= 9
    for subset in subsets:
        size = _count(
            graph_store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{subset}> {{ ?s ?p ?o }} }}"
        )
        assert int(graph.value(subset, VOID.triples)) == size, subset  # type: ignore[arg-type]
    assert set(graph.objects(dataset, VOID.dataDump)) == {
        URIRef(BASE + "dumps/" + name) for name in PARSE
    }


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]
)
def test_dcat_catalogue_lists_distributions_with_checksums(
    client: TestClient, listing: dict[str, dict[str, object]], accept: str
) -> None:
    graph = _metadata(client, "/catalog", accept)
    (catalog,) = set(graph.subjects(RDF.type, DCAT.Catalog))
    (dataset,) = set(graph.objects(catalog, DCAT.dataset))
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    (service,) = set(graph.objects(catalog, DCAT.service))
    assert (service, DCAT.servesDataset, dataset) in graph
    assert graph.value(service, DCAT.endpointURL) == URIRef(BASE + "sparql")
    distributions = set(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(listing)
    for distribution in distributions:
        name = str(graph.value(distribution, DCAT.downloadURL)).rsplit("/", 1)[1]
        entry = listing[name]
        media = str(graph.value(distribution, DCAT.mediaType))
        assert media.endswith("/" + str(entry["media_type"]))
        assert int(graph.value(distribution, DCAT.byteSize)) == entry["bytes"]  # type: ignore[arg-type]
        checksum = graph.value(distribution, URIRef(SPDX + "checksum"))
        assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == entry["sha256"]
        assert graph.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(
            SPDX + "checksumAlgorithm_sha256"
        )


def test_catalogue_resources_dereference(client: TestClient) -> None:
    graph = _metadata(client, "/catalog")
    for kind in (DCAT.Catalog, DCAT.Dataset, DCAT.DataService):
        (node,) = set(graph.subjects(RDF.type, kind))
        assert str(node).startswith(BASE + "id/")
        page = client.get("/" + str(node)[len(BASE) :], headers={"Accept": "text/turtle"})
        assert page.status_code == 200, node


def test_service_description_links_void_catalogue_and_dumps(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.content, format="turtle")
    # The canonical IRIs VoID and DCAT use; each answers at the same path on this server.
    see_also = {str(o) for o in graph.objects(None, RDFS.seeAlso)}
    assert {BASE + "void", BASE + "catalog"} <= see_also
    dumps_linked = {str(o) for o in graph.objects(None, VOID.dataDump)}
    assert dumps_linked == {f"{BASE}dumps/{name}" for name in PARSE}
    for url in see_also | dumps_linked:
        assert client.get("/" + url.removeprefix(BASE)).status_code == 200, url
