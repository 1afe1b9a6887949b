"""Which edition of the graph a remote store serves: the live-edition pointer.

``icgraph publish`` loads an edition into a remote store under its canonical graph names
(``https://w3id.org/icgraph/graph/states`` and so on, the names the catalogue and the pages
query) and writes a small pointer graph beside them, ``<base>graph/current``::

    <https://w3id.org/icgraph/graph/current>
        dct:hasVersion "<store version>" ;
        dct:hasPart <https://w3id.org/icgraph/graph/ontology>, <.../graph/states>, ... .

The facade's ``sparql`` backend reads it to know the edition's version (which keys its
result cache and its ETags) and the graphs that make up the dataset: it names them as the
protocol's ``default-graph-uri`` and ``named-graph-uri``, so a query sees the edition and
nothing else the store holds (Virtuoso's system graphs, another edition being loaded).
The pointer graph itself is not part of the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

DCT = "http://purl.org/dc/terms/"


@dataclass(frozen=True)
class Edition:
    """The live edition a pointer names."""

    version: str
    graphs: tuple[str, ...]


def pointer_graph(base_iri: str) -> str:
    """The pointer graph's name for a base IRI."""
    return base_iri + "graph/current"


def pointer_query(base_iri: str) -> str:
    """A SELECT of the pointer: one row per live graph, each with the version."""
    pointer = pointer_graph(base_iri)
    return (
        f"SELECT ?version ?graph WHERE {{ GRAPH <{pointer}> {{ <{pointer}> "
        f"<{DCT}hasVersion> ?version . OPTIONAL {{ <{pointer}> <{DCT}hasPart> ?graph }} }} }}"
    )


def edition_from_rows(rows: list[dict[str, str]]) -> Edition | None:
    """The edition the pointer query's rows describe; None when there is no pointer.

    >>> edition_from_rows([{"version": "v1", "graph": "http://g/b"}, {"version": "v1", "graph": "http://g/a"}])
    Edition(version='v1', graphs=('http://g/a', 'http://g/b'))
    """
    if not rows:
        return None
    versions = sorted({row["version"] for row in rows})
    graphs = sorted({row["graph"] for row in rows if "graph" in row})
    # Two versions would mean a half-written pointer; the lowest sorts first and is reported,
    # and the graphs still name one dataset.
    return Edition(versions[0], tuple(graphs))


def pointer_triples(base_iri: str, edition: Edition) -> str:
    """The pointer graph's triples, as N-Triples lines for an INSERT DATA."""
    pointer = pointer_graph(base_iri)
    version = edition.version.replace("\\", "\\\\").replace('"', '\\"')
    lines = [f'<{pointer}> <{DCT}hasVersion> "{version}" .']
    lines += [f"<{pointer}> <{DCT}hasPart> <{graph}> ." for graph in edition.graphs]
    return "\n".join(lines)
