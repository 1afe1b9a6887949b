"""Human documentation of the ontology, generated from ``ontology/`` with pyLODE.

pyLODE (OntPub profile) writes one self-contained HTML page: metadata (IRI, versionIRI,
licence, creator), then every class and property with its label, definition, domain and
range. Each term's anchor is its local name, so ``/ontology#MemberState`` lands on the term
``icg:MemberState``. The changelog (``ontology/CHANGELOG.md``) is appended as a section.

pyLODE calls ``logging.basicConfig(level=DEBUG)`` when imported; :func:`render` shields the
host application's logging from that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

CHANGELOG = "CHANGELOG.md"


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Keep pyLODE's ``basicConfig`` and module-level ``logging.info`` off the root logger."""
    root = logging.getLogger()
    level = root.level
    shield = logging.NullHandler()
    added = not root.handlers
    if added:
        root.addHandler(shield)  # basicConfig does nothing when the root logger has a handler
    try:
        yield
    finally:
        if added:
            root.removeHandler(shield)
        root.setLevel(level)


def _changelog_html(path: Path) -> str:
    from markdown_it import MarkdownIt

    if not path.is_file():
        return ""
    body = MarkdownIt("commonmark").render(path.read_text(encoding="utf-8"))
    return f'<section id="changelog"><h2>Changelog</h2>\n{body}</section>\n'


def _navigation(formats: bool) -> str:
    links = ['<a href="/">icgraph</a>', '<a href="#changelog">Changelog</a>']
    if formats:
        links += [
            f'<a href="/ontology.{ext}">{name}</a>'
            for ext, name in (
                ("ttl", "Turtle"),
                ("jsonld", "JSON-LD"),
                ("rdf", "RDF/XML"),
                ("nt", "N-Triples"),
            )
        ]
    return (
        '<nav style="padding:0.5em 1em;border-bottom:1px solid #ccc;font-family:sans-serif">'
        + " · ".join(links)
        + "</nav>\n"
    )


def render(ontology_dir: Path, *, links: bool = True) -> str:
    """The ontology's HTML documentation, with the changelog; ``links`` adds a header bar.

    Raises:
        FileNotFoundError: ``ontology_dir`` has no Turtle file.
    """
    files = sorted(ontology_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no ontology files (*.ttl) in {ontology_dir}")
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    changelog = ontology_dir / CHANGELOG
    stamp = changelog.stat().st_mtime_ns if changelog.is_file() else 0
    return _render_cached(key, str(changelog), stamp, links)


@lru_cache(maxsize=4)
def _render_cached(
    key: tuple[tuple[str, int, int], ...], changelog: str, _stamp: int, links: bool
) -> str:
    graph = Graph()
    for path, _, _ in key:
        graph.parse(path, format="turtle")
    return _page(graph, changelog, links)


def render_ntriples(ntriples: bytes, changelog: Path, *, links: bool = True) -> str:
    """The documentation of an ontology given as N-Triples (e.g. read through the Backend).

    Raises:
        FileNotFoundError: the graph is empty.
    """
    stamp = changelog.stat().st_mtime_ns if changelog.is_file() else 0
    return _render_ntriples_cached(ntriples, str(changelog), stamp, links)


@lru_cache(maxsize=2)
def _render_ntriples_cached(ntriples: bytes, changelog: str, _stamp: int, links: bool) -> str:
    graph = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    if not len(graph):
        raise FileNotFoundError("the ontology graph is empty")
    return _page(graph, changelog, links)


def _page(graph: Graph, changelog: str, links: bool) -> str:
    with _quiet_root_logger():
        from pylode import OntPub

        html = str(OntPub(ontology=graph).make_html())
    if links:
        html = html.replace("<body>", "<body>\n" + _navigation(True), 1)
    addition = _changelog_html(Path(changelog))
    marker = "</body>"
    at = html.rfind(marker)
    return html[:at] + addition + html[at:] if at >= 0 else html + addition


def write(ontology_dir: Path, target: Path) -> Path:
    """Write the documentation to ``target`` (e.g. for a static site); returns the path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(ontology_dir), encoding="utf-8")
    return target
