"""The W3C SPARQL 1.1 Protocol test suite, run against a real server over a socket.

Tests are parametrised from ``manifest.ttl`` itself: each ht:Request is sent byte for byte
(bodies encoded in their cnt:characterEncoding, so the UTF-16 test sends UTF-16), with only
the manifest's headers, over ``http.client``; the response must match mf:expectedStatus,
mf:expectedFormat and mf:expectedBoolean. The service-description manifest's three tests run
the same way.
"""

from __future__ import annotations

import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

from ..api.serving import build_store, running_server
from ..api.stores import facade_over, oxigraph_server, publish_to, virtuoso_server

SUITE = Path(__file__).resolve().parent / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
MANIFEST_NS = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest#"

#: Tests not run, with the reason. Each expects an update to succeed (2xx) and then reads
#: what it wrote; this endpoint is read-only by design (SPARQL Update, LOAD and every write
#: path are refused with 403), so they cannot pass and must not. The update tests that
#: expect a 4xx, bad_update_get among them, are run.
EXCLUDED = {
    "update_dataset_default_graph": "update expected to succeed; endpoint is read-only",
    "update_dataset_default_graphs": "update expected to succeed; endpoint is read-only",
    "update_dataset_named_graphs": "update expected to succeed; endpoint is read-only",
    "update_dataset_full": "update expected to succeed; endpoint is read-only",
    "update_post_form": "update expected to succeed; endpoint is read-only",
    "update_post_direct": "update expected to succeed; endpoint is read-only",
    "update_base_uri": "update expected to succeed; endpoint is read-only",
}

RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"},
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: tuple[Request, ...]
    graphs: tuple[tuple[str, str], ...]


def _manifest() -> Graph:
    return Graph().parse(SUITE / "manifest.ttl", format="turtle")


def _items(graph: Graph, head: object) -> list:  # noqa: ANN401
    return list(Collection(graph, head))  # type: ignore[arg-type]


def load_tests() -> list[ProtocolTest]:
    graph = _manifest()
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        name = str(entry).removeprefix(MANIFEST_NS)
        requests = []
        connection = graph.value(entry, MF.action)
        for req in _items(graph, graph.value(connection, HT.requests)):
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            headers = tuple(
                (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
                for h in _items(graph, graph.value(req, HT.headers) or RDF.nil)
            )
            resp = graph.value(req, HT.resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            requests.append(
                Request(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=frozenset(
                        str(s).removeprefix(str(HTS))
                        for s in graph.objects(resp, MF.expectedStatus)
                    ),
                    expected_format=str(fmt) if fmt is not None else None,
                    expected_boolean=boolean.toPython() if boolean is not None else None,
                )
            )
        graphs = tuple(
            sorted(
                (str(graph.value(d, UT.graph)), str(graph.value(d, RDFS.label)))
                for d in graph.objects(entry, UT.graphData)
            )
        )
        tests.append(ProtocolTest(name, tuple(requests), graphs))
    return tests


TESTS = load_tests()
RUN = [t for t in TESTS if t.name not in EXCLUDED]


def test_manifest_was_read() -> None:
    assert len(TESTS) == 34
    assert all(t.requests for t in TESTS)
    assert set(EXCLUDED) <= {t.name for t in TESTS}, "an exclusion names no test"
    assert len(RUN) == 27
    assert "bad_update_get" in {t.name for t in RUN}


@pytest.fixture(
    scope="module",
    params=[
        "embedded",
        "oxigraph",
        pytest.param("virtuoso", marks=[pytest.mark.slow, pytest.mark.virtuoso]),
    ],
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The endpoint with data1..3.nt loaded as the named graphs the manifest names.

    The same facade runs over the embedded store, and over Oxigraph server and Virtuoso with
    the graphs published into them by ``icgraph publish``.
    """
    graphs = {
        label: SUITE / Path(urlsplit(file).path).name for t in TESTS for file, label in t.graphs
    }
    assert len(graphs) == 3, graphs
    folder = tmp_path_factory.mktemp("protocol")
    store = build_store(folder / "store", graphs)
    if request.param == "embedded":
        with running_server(store, query_workers=2) as base:
            yield base
        return
    start = virtuoso_server if request.param == "virtuoso" else oxigraph_server
    with start(folder / request.param) as remote:
        publish_to(store, remote)
        with facade_over(remote, store) as base:
            yield base


def _send(base: str, request: Request) -> tuple[int, str, bytes]:
    host, port = urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    # The manifest's paths start with /sparql/; the endpoint lives at /sparql.
    assert request.path.startswith("/sparql/")
    path = "/sparql" + request.path.removeprefix("/sparql/")
    connection.putrequest(request.method, path, skip_accept_encoding=True)
    for name, value in request.headers:
        connection.putheader(name, value)
    if request.body is not None:
        connection.putheader("Content-Length", str(len(request.body)))
    connection.endheaders(request.body)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("content-type", ""), body


def _boolean(media_type: str, body: bytes) -> bool:
    if media_type == "application/sparql-results+json":
        return bool(json.loads(body)["boolean"])
    element = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    return element.text == "true"


def _check_tabular(media_type: str, body: bytes) -> None:
    if media_type == "application/sparql-results+json":
        assert json.loads(body)["head"]["vars"] == ["value"]
    elif media_type == "application/sparql-results+xml":
        assert (
            ET.fromstring(body).find(".//{http://www.w3.org/2005/sparql-results#}variable")
            is not None
        )
    else:
        assert body.splitlines()[0].lstrip(b"?") == b"value"


@pytest.mark.parametrize("test", RUN, ids=lambda t: t.name)
def test_protocol(server: str, test: ProtocolTest) -> None:
    for request in test.requests:
        status, content_type, body = _send(server, request)
        status_class = f"StatusCode{status // 100}xx"
        assert status_class in request.statuses, (status, body[:300])
        if status >= 400:
            assert body.strip(), "an error must say what was wrong"
        if request.expected_format is None:
            continue
        media_type = content_type.split(";")[0].strip()
        assert media_type in RESULT_TYPES[request.expected_format], content_type
        if request.expected_format == "boolean":
            answer = _boolean(media_type, body)
            if request.expected_boolean is not None:
                assert answer is request.expected_boolean
        elif request.expected_format == "tabular":
            _check_tabular(media_type, body)
        else:
            Graph().parse(data=body, format=RDFLIB_FORMATS[media_type])


# --- The service-description manifest --------------------------------------------------------

SD_MANIFEST = Graph().parse(SUITE / "service-description-manifest.ttl", format="turtle")
SD_TESTS = [
    str(e).rsplit("#", 1)[1]
    for e in _items(
        SD_MANIFEST,
        SD_MANIFEST.value(next(SD_MANIFEST.subjects(RDF.type, MF.Manifest)), MF.entries),
    )
]


def test_service_description_manifest_was_read() -> None:
    assert SD_TESTS == ["has-endpoint-triple", "returns-rdf", "conforms-to-schema"]


def _description(server: str, accept: str) -> tuple[Graph, str]:
    connection = http.client.HTTPConnection(*urlsplit(server).netloc.split(":"), timeout=30)
    connection.request("GET", "/sparql", headers={"Accept": accept})
    response = connection.getresponse()
    assert response.status == 200
    media_type = response.getheader("content-type", "").split(";")[0]
    graph = Graph().parse(data=response.read(), format=RDFLIB_FORMATS[media_type])
    connection.close()
    return graph, media_type


@pytest.mark.parametrize("name", SD_TESTS)
def test_service_description(server: str, name: str) -> None:
    graph, _ = _description(server, "text/turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    if name == "has-endpoint-triple":
        assert (service, SD.endpoint, URIRef(server + "/sparql")) in graph
    elif name == "returns-rdf":
        for accept in RDFLIB_FORMATS:
            other, media_type = _description(server, accept)
            assert media_type == accept
            assert len(other) == len(graph)
    elif name == "conforms-to-schema":
        assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
        assert set(graph.objects(service, SD.resultFormat)) >= {
            URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON"),
            URIRef("http://www.w3.org/ns/formats/Turtle"),
        }
        dataset = graph.value(service, SD.defaultDataset)
        assert (dataset, RDF.type, SD.Dataset) in graph
        names = {graph.value(n, SD.name) for n in graph.objects(dataset, SD.namedGraph)}
        assert names == {
            URIRef(f"http://kasei.us/2009/09/sparql/data/data{i}.rdf") for i in (1, 2, 3)
        }
        void_triples = URIRef("http://rdfs.org/ns/void#triples")
        default = graph.value(dataset, SD.defaultGraph)
        assert graph.value(default, void_triples).toPython() == 3
    else:
        pytest.fail(f"no check written for service-description test {name}")
