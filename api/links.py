"""Where an HTML link to one of the graph's own IRIs points: the canonical IRI, or this server.

The graph mints its IRIs under ``settings.base_iri`` (``https://w3id.org/icgraph/`` by
default). A page served from another host (``localhost``, a mirror, a test server) links
those IRIs to the same path on the host it was served from, so a reader browsing a local
copy stays on it: ``https://w3id.org/icgraph/id/state/ES`` becomes ``/id/state/ES``. A page
served from the base IRI's own host keeps the canonical IRIs. Only HTML is rewritten; RDF
bodies always carry the canonical IRIs (see ``docs/linked-data.md``).

The pages' templates call it as the ``href`` filter (``{{ iri | href }}``, installed by
:mod:`icgraph.api.templating`); the SPARQL editor gets the same rule as JSON (``SiteLinks.as_json``)
and applies it to the links of its result table.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request


@dataclass(frozen=True)
class SiteLinks:
    """The link rule for one request."""

    base_iri: str
    #: True when the request came to another host than the base IRI's: links go local.
    local: bool
    #: The path the app is mounted under (ASGI ``root_path``), without a trailing slash.
    root: str = ""

    def href(self, iri: str) -> str:
        """The link target for ``iri`` on this page.

        >>> SiteLinks("https://w3id.org/icgraph/", True).href("https://w3id.org/icgraph/id/state/ES")
        '/id/state/ES'
        >>> SiteLinks("https://w3id.org/icgraph/", True).href("https://w3id.org/icgraph/ontology#MemberState")
        '/ontology#MemberState'
        >>> SiteLinks("https://w3id.org/icgraph/", False).href("https://w3id.org/icgraph/id/state/ES")
        'https://w3id.org/icgraph/id/state/ES'
        >>> SiteLinks("https://w3id.org/icgraph/", True).href("http://www.wikidata.org/entity/Q29")
        'http://www.wikidata.org/entity/Q29'
        """
        if self.local and iri.startswith(self.base_iri):
            return f"{self.root}/{iri[len(self.base_iri) :]}"
        return iri

    def as_json(self) -> dict[str, str | bool]:
        """The rule for a script: ``{"base": ..., "local": ..., "root": ...}``."""
        return {"base": self.base_iri, "local": self.local, "root": self.root}


def _authority(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), parts.port or default


def site_links(request: Request, base_iri: str) -> SiteLinks:
    """The link rule for a request: local unless it came to the base IRI's own host and port."""
    canonical = _authority(base_iri) == _authority(str(request.url))
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return SiteLinks(base_iri, not canonical, root)


def for_request(request: Request) -> SiteLinks:
    """The link rule for a request to this app (its settings give the base IRI)."""
    return site_links(request, request.app.state.settings.base_iri)
