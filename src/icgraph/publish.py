"""``icgraph publish``: load a built store into a remote SPARQL store, one edition at a time.

Readers see an edition whole or not at all. The steps:

1. **Stage.** Every named graph of the local store is loaded under a staging name that
   carries the version, ``<base>graph/staging/<version>/<graph IRI, percent-encoded>``,
   through the SPARQL 1.1 Graph Store Protocol (``PUT``, N-Triples) when a Graph Store URL
   is given, else through SPARQL Update (one ``INSERT DATA`` per graph, so blank nodes keep
   their identity). The facade does not see staging graphs: it names the live edition's
   graphs as the dataset of every query (:mod:`icgraph.edition`).
2. **Check.** Each staged graph must hold as many triples as the local one.
3. **Widen**, only when the new edition has graphs the live one lacks: the pointer lists
   both sets, and publishing waits until every facade has read it (see :func:`publish`).
4. **Switch**, in one SPARQL Update request: ``MOVE`` each staged graph onto its canonical
   name (which drops the old edition's graph of that name first), ``DROP`` the old
   edition's graphs the new one does not have, and rewrite the pointer graph
   ``<base>graph/current`` with the new version and graph list. The stores tested run one
   update request as one transaction (Oxigraph: a transaction, read on snapshots; Virtuoso:
   one transaction, committed at the end), so a query sees the old edition or the new one.
5. **Clean.** Staging graphs left by an earlier publish that failed are dropped first.

Why canonical names for the live graphs rather than versioned ones: the catalogue and the
pages name graphs (cq11 reads ``graph/shapes`` and ``graph/validation``, ``/ontology`` reads
``graph/ontology``) and ``GRAPH ?g`` answers show graph names, so live graphs under other
names would change answers between the embedded and the remote store. The version lives in
the staging names and in the pointer.

A failure before the switch leaves the live edition untouched (its staging graphs are dropped
by the next publish); the switch itself is one request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from . import store as store_module
from . import versions
from .edition import Edition, edition_from_rows, pointer_graph, pointer_query, pointer_triples
from .errors import IcgraphError

if TYPE_CHECKING:
    from .config import Settings

Progress = Callable[[str, float], None]
#: Seconds one request to the store may take while publishing.
REQUEST_TIMEOUT = 300.0
#: Seconds to wait, when an edition adds graphs, for every facade to read the wider pointer:
#: the facade's default poll (1 s) and query time limit (10 s), and a margin.
DEFAULT_GRACE = 12.0


class PublishError(IcgraphError):
    """The remote store refused or failed a step; the live edition is unchanged (or switched)."""


@dataclass(frozen=True)
class Target:
    """Where to publish: the remote store's URLs and credentials."""

    query: str
    update: str
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None
    auth: Literal["basic", "digest"] = "basic"

    @classmethod
    def from_settings(cls, settings: Settings) -> Target:
        if not settings.sparql_endpoint:
            raise PublishError("set ICGRAPH_SPARQL_ENDPOINT, the store's query URL")
        if not settings.sparql_update_endpoint:
            raise PublishError("set ICGRAPH_SPARQL_UPDATE_ENDPOINT, the store's update URL")
        password = settings.sparql_password
        return cls(
            query=settings.sparql_endpoint,
            update=settings.sparql_update_endpoint,
            graph_store=settings.sparql_graph_store,
            user=settings.sparql_user,
            password=password.get_secret_value() if password is not None else None,
            auth=settings.sparql_auth,
        )

    def http_auth(self) -> httpx.Auth | None:
        if self.user is None:
            return None
        password = self.password or ""
        if self.auth == "digest":
            return httpx.DigestAuth(self.user, password)
        return httpx.BasicAuth(self.user, password)


@dataclass
class PublishResult:
    """What a publish did."""

    version: str
    previous: str | None
    graphs: dict[str, int]
    switched: bool
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def staging_root(base_iri: str) -> str:
    return base_iri + "graph/staging/"


def staging_name(base_iri: str, version: str, graph: str) -> str:
    """Where a graph of an edition is loaded before the switch.

    >>> staging_name("https://w3id.org/icgraph/", "v1", "https://w3id.org/icgraph/graph/states")
    'https://w3id.org/icgraph/graph/staging/v1/https%3A%2F%2Fw3id.org%2Ficgraph%2Fgraph%2Fstates'
    """
    return f"{staging_root(base_iri)}{quote(version, safe='')}/{quote(graph, safe='')}"


class _Remote:
    """The HTTP calls publishing needs, each failure a PublishError naming the step."""

    def __init__(self, target: Target, client: httpx.Client) -> None:
        self.target = target
        self.client = client

    def _check(self, response: httpx.Response, what: str) -> None:
        if response.status_code >= 300:
            text = response.text.strip().replace("\n", " ")[:500]
            raise PublishError(f"{what}: the store answered HTTP {response.status_code}: {text}")

    def select(self, text: str, what: str) -> list[dict[str, str]]:
        response = self._send(
            "POST",
            self.target.query,
            what,
            data={"query": text},
            headers={"Accept": "application/sparql-results+json"},
        )
        self._check(response, what)
        parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(parsed, ox.QuerySolutions)
        names = [v.value for v in parsed.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in parsed]  # type: ignore[union-attr]

    def update(self, text: str, what: str) -> None:
        response = self._send(
            "POST",
            self.target.update,
            what,
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            auth=self.target.http_auth(),
        )
        self._check(response, what)

    def put_graph(self, graph: str, ntriples: bytes, what: str) -> None:
        assert self.target.graph_store is not None
        response = self._send(
            "PUT",
            self.target.graph_store,
            what,
            params={"graph": graph},
            content=ntriples,
            headers={"Content-Type": "application/n-triples"},
            auth=self.target.http_auth(),
        )
        self._check(response, what)

    def _send(self, method: str, url: str, what: str, **kwargs: object) -> httpx.Response:
        try:
            return self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as error:
            raise PublishError(f"{what}: cannot reach the store at {url}: {error}") from None


def _count(remote: _Remote, graph: str, what: str) -> int:
    rows = remote.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", what
    )
    return int(rows[0]["n"]) if rows else 0


def _graphs_under(remote: _Remote, prefix: str) -> list[str]:
    text = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER (STRSTARTS(STR(?g), "{prefix}")) }}'
    )
    return sorted(row["g"] for row in remote.select(text, "listing staging graphs"))


def current_edition(target: Target, base_iri: str) -> Edition | None:
    """The edition the remote store serves now, or None when it has no pointer."""
    with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
        rows = _Remote(target, client).select(pointer_query(base_iri), "reading the pointer")
    return edition_from_rows(rows)


def publish(
    store_path: Path,
    target: Target,
    *,
    base_iri: str,
    version: str | None = None,
    force: bool = False,
    grace: float = DEFAULT_GRACE,
    progress: Progress | None = None,
) -> PublishResult:
    """Publish the built store at ``store_path`` to ``target``, edition-whole.

    ``version`` defaults to the published store's version id (:mod:`icgraph.versions`), so
    the remote edition, the local store and the dumps written with it share it, and so do the
    ETags of every facade serving it. Publishing
    the version that is already live does nothing unless ``force``.

    When the new edition has graphs the live one lacks, the pointer first lists both sets and
    publishing waits ``grace`` seconds, so that every facade reads the wider list before the
    switch (each reads the pointer every ICGRAPH_SPARQL_VERSION_POLL seconds; allow for its
    longest query too): a query then sees the old edition's graphs or the new one's, whole,
    and never the new data under the old list of graphs.
    """
    timings: dict[str, float] = {}

    def step(name: str, start: float) -> None:
        timings[name] = time.perf_counter() - start
        if progress is not None:
            progress(name, timings[name])

    local = store_module.open_read_only(store_path)
    if version is None:
        current = versions.current(store_path)
        if current is None:
            raise PublishError(f"no published store at {store_path}; run 'icgraph build' first")
        version = current.id
    pointer = pointer_graph(base_iri)
    graphs = sorted(
        g.value
        for g in local.named_graphs()
        if isinstance(g, ox.NamedNode)
        and g.value != pointer
        and not g.value.startswith(staging_root(base_iri))
    )
    if not graphs:
        raise PublishError(f"the store at {store_path} has no named graphs to publish")
    sizes = {
        g: sum(1 for _ in local.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        for g in graphs
    }
    with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
        remote = _Remote(target, client)
        start = time.perf_counter()
        live = edition_from_rows(remote.select(pointer_query(base_iri), "reading the pointer"))
        if live is not None and live.version == version and not force:
            return PublishResult(version, live.version, sizes, switched=False, timings=timings)
        stale = _graphs_under(remote, staging_root(base_iri))
        if stale:
            remote.update(
                " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale), "dropping staging graphs"
            )
        step("prepare", start)

        start = time.perf_counter()
        for graph in graphs:
            staged = staging_name(base_iri, version, graph)
            body = cast(
                bytes, local.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            )
            what = f"loading {graph}"
            if target.graph_store:
                remote.put_graph(staged, body, what)
            else:
                remote.update(
                    f"DROP SILENT GRAPH <{staged}> ;\n"
                    f"INSERT DATA {{ GRAPH <{staged}> {{\n{body.decode('utf-8')}\n}} }}",
                    what,
                )
        step("stage", start)

        start = time.perf_counter()
        for graph in graphs:
            staged = staging_name(base_iri, version, graph)
            found = _count(remote, staged, f"checking {graph}")
            if found != sizes[graph]:
                raise PublishError(
                    f"the store holds {found} triples of {graph} where the build has "
                    f"{sizes[graph]}; nothing was switched"
                )
        step("check", start)

        start = time.perf_counter()
        if live is not None and set(graphs) - set(live.graphs):
            # New graphs are empty under their canonical names until the switch, so listing
            # them early changes no answer; it makes every facade's dataset cover both editions.
            wider = Edition(live.version, tuple(sorted(set(live.graphs) | set(graphs))))
            remote.update(
                f"DROP SILENT GRAPH <{pointer}> ;\n"
                f"INSERT DATA {{ GRAPH <{pointer}> {{\n{pointer_triples(base_iri, wider)}\n}} }}",
                "widening the pointer",
            )
            time.sleep(grace)
        step("widen", start)

        start = time.perf_counter()
        edition = Edition(version, tuple(graphs))
        operations = [
            f"MOVE GRAPH <{staging_name(base_iri, version, g)}> TO GRAPH <{g}>" for g in graphs
        ]
        if live is not None:
            operations += [f"DROP SILENT GRAPH <{g}>" for g in live.graphs if g not in graphs]
        operations += [
            f"DROP SILENT GRAPH <{pointer}>",
            f"INSERT DATA {{ GRAPH <{pointer}> {{\n{pointer_triples(base_iri, edition)}\n}} }}",
        ]
        remote.update(" ;\n".join(operations), "switching to the new edition")
        now = edition_from_rows(remote.select(pointer_query(base_iri), "reading the pointer"))
        if now != edition:
            raise PublishError(
                f"after the switch the pointer names {now}, not {edition}; check the store"
            )
        step("switch", start)
    return PublishResult(
        version, live.version if live else None, sizes, switched=True, timings=timings
    )
