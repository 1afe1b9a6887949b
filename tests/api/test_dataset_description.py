"""VoID, DCAT and the Service Description agree, and every triple count is the same number.

Issue 15, items 4 and 7, on the real graph: the endpoint and dump URLs are the canonical ones
in all three descriptions (the Service Description adds the address it was fetched from as a
second endpoint), and the home page, ``void:triples``, ``COUNT(*)`` at the endpoint and the
dumps count the same triples. The reference number is the N-Triples dump's line count.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef

BASE = "https://w3id.org/icgraph/"
# Plain namespaces: rdflib's closed ones warn when pytest looks at the module's names.
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DATASET = URIRef(BASE + "id/dataset/icgraph")
ENDPOINT = URIRef(BASE + "sparql")
DUMPS = {
    URIRef(BASE + "dumps/" + name)
    for name in ("icgraph.nq", "icgraph.ttl", "icgraph.nt", "icgraph.jsonld")
}


def _turtle(client: TestClient, path: str) -> Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, path
    return Graph().parse(data=response.text, format="turtle")


def _count_at_endpoint(client: TestClient) -> int:
    answer = client.post(
        "/sparql",
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_every_triple_count_is_the_same_number(client: TestClient) -> None:
    lines = client.get("/dumps/icgraph.nt").text.splitlines()
    reference = len([line for line in lines if line.strip()])
    assert reference > 7000  # the graph as built from the report: about seven thousand triples
    assert _count_at_endpoint(client) == reference
    void = _turtle(client, "/void")
    assert int(void.value(DATASET, VOID.triples)) == reference  # type: ignore[arg-type]
    home = client.get("/").text
    shown = re.search(r'<li data-figure="triples"><span class="n">(\d+)</span>', home)
    assert shown is not None and int(shown.group(1)) == reference
    listed = {f["name"]: f["statements"] for f in client.get("/dumps").json()["files"]}
    assert listed["icgraph.ttl"] == listed["icgraph.nt"] == listed["icgraph.jsonld"] == reference
    description = _turtle(client, "/sparql")
    assert int(description.value(DATASET, VOID.triples)) == reference  # type: ignore[arg-type]


def test_the_metadata_graph_counts_itself_among_the_subsets(client: TestClient) -> None:
    void = _turtle(client, "/void")
    metadata = URIRef(BASE + "graph/metadata")
    assert (DATASET, VOID.subset, metadata) in void
    answer = client.post(
        "/sparql",
        data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{metadata}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    in_store = int(answer.json()["results"]["bindings"][0]["n"]["value"])
    assert int(void.value(metadata, VOID.triples)) == in_store > 100  # type: ignore[arg-type]
    subsets = sum(int(void.value(s, VOID.triples)) for s in void.objects(DATASET, VOID.subset))  # type: ignore[arg-type]
    nquads = [line for line in client.get("/dumps/icgraph.nq").text.splitlines() if line.strip()]
    assert subsets == len(nquads)
    # Say what the number counts, in the description and on the page.
    assert "this description included" in str(
        void.value(DATASET, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    )
    assert "dataset's own description included" in re.sub(r"\s+", " ", client.get("/").text)


def test_void_dcat_and_the_service_description_name_the_same_endpoint_and_dumps(
    client: TestClient,
) -> None:
    void = _turtle(client, "/void")
    catalog = _turtle(client, "/catalog")
    description = _turtle(client, "/sparql")
    assert set(void.objects(DATASET, VOID.sparqlEndpoint)) == {ENDPOINT}
    services = set(catalog.subjects(RDF_TYPE, DCAT.DataService))
    assert {u for s in services for u in catalog.objects(s, DCAT.endpointURL)} == {ENDPOINT}
    assert set(description.objects(DATASET, VOID.sparqlEndpoint)) == {ENDPOINT}
    (service,) = description.subjects(RDF_TYPE, SD.Service)
    # The canonical endpoint, and the address this description was fetched from.
    assert set(description.objects(service, SD.endpoint)) == {
        ENDPOINT,
        URIRef("http://testserver/sparql"),
    }
    assert description.value(service, SD.defaultDataset) == DATASET
    assert set(void.objects(DATASET, VOID.dataDump)) == DUMPS
    assert set(description.objects(DATASET, VOID.dataDump)) == DUMPS
    downloads = {
        catalog.value(d, DCAT.downloadURL) for d in catalog.objects(DATASET, DCAT.distribution)
    }
    assert downloads == DUMPS
