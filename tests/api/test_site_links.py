"""Links in HTML stay on the server that served the page; RDF keeps the canonical IRIs.

The rule (``api/links.py``, ``docs/linked-data.md``): a link to one of the graph's own IRIs
(under ``https://w3id.org/icgraph/``) goes to this server's path whenever the request came
to another host than the base IRI's; served from that host itself, a page keeps the IRI.
The in-process client talks to ``testserver``; a second one claims to be ``w3id.org``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from icgraph.api.app import create_app
from icgraph.config import Settings

from ..paths import ROOT

BASE = "https://w3id.org/icgraph/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

#: One page of each kind; every one links some of the graph's IRIs.
PAGES = (
    "/",
    "/states/ES",
    "/states/AD",
    "/search?q=Observatory",
    "/id/state/ES",
    "/id/actor/pt/high-commission-for-migration",
    "/id/practice/national-impetus/ES",
    "/editor",
)


@pytest.fixture(scope="module")
def canonical(store_path: Path) -> Iterator[TestClient]:
    """The app as if reached at the base IRI's own host (behind a proxy keeping Host)."""
    settings = Settings(root=ROOT, store_path=store_path, query_workers=1)
    with TestClient(create_app(settings), base_url="https://w3id.org") as test_client:
        yield test_client


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


@pytest.mark.parametrize("path", PAGES)
def test_no_link_leaves_a_local_server_for_the_graphs_own_iris(
    client: TestClient, path: str
) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200, path
    hrefs = _hrefs(response.text)
    assert hrefs, path
    assert [h for h in hrefs if h.startswith("https://w3id.org/")] == []


def test_a_page_links_its_resources_by_local_path(client: TestClient) -> None:
    page = client.get("/id/actor/pt/high-commission-for-migration", headers={"Accept": BROWSER})
    hrefs = _hrefs(page.text)
    assert "/id/state/PT" in hrefs
    assert "/id/level/national" in hrefs
    assert "/ontology#Institution" in hrefs or "/ontology#institutionRole" in hrefs


def test_served_from_the_base_host_links_keep_the_canonical_iris(canonical: TestClient) -> None:
    page = canonical.get("/id/actor/pt/high-commission-for-migration", headers={"Accept": BROWSER})
    assert page.status_code == 200
    hrefs = _hrefs(page.text)
    assert BASE + "id/state/PT" in hrefs
    assert BASE + "id/level/national" in hrefs
    assert "/id/state/PT" not in hrefs
    state = canonical.get("/states/AD").text
    assert f'href="{BASE}id/actor/ad/equality-observatory"' in state


def test_the_editor_gets_the_rule_for_its_result_table(
    client: TestClient, canonical: TestClient
) -> None:
    def rule(page: str) -> dict[str, object]:
        found = re.search(r'<script type="application/json" id="links">(.*?)</script>', page)
        assert found is not None
        return json.loads(found.group(1))  # type: ignore[no-any-return]

    assert rule(client.get("/editor").text) == {"base": BASE, "local": True, "root": ""}
    assert rule(canonical.get("/editor").text) == {"base": BASE, "local": False, "root": ""}
    script = (ROOT / "api" / "static" / "editor.js").read_text(encoding="utf-8")
    assert "getUriLinkFromBinding" in script  # the table's IRI links are rewritten


def test_rdf_bodies_keep_the_canonical_iris(client: TestClient) -> None:
    turtle = client.get("/id/state/ES", headers={"Accept": "application/n-triples"}).text
    assert f"<{BASE}id/state/ES>" in turtle
    assert "<http://testserver/" not in turtle
