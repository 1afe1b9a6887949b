"""The web pages on the real graph: figures, state scorecards, label search, the editor.

Every expected value is either a fact of the report (Andorra's Equality Observatory) or
computed independently of the pages: the scorecard against ``icgraph report``'s matrix, the
figures against the published store.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from icgraph import report
from icgraph.api.app import create_app
from icgraph.api.backends import make_backend
from icgraph.api.backends.base import QueryRequest, QueryResult
from icgraph.catalogue import load_catalogue
from icgraph.config import Settings
from icgraph.namespaces import PREFIXES

from ..paths import QUERIES, ROOT

STATIC = ROOT / "api" / "static"
ANDORRA_QUOTE = (
    "In Andorra, an Equality Observatory has been established as a technical advisory body, "
    "with a role in preparing studies and action plans in this field."
)


class RecordingBackend:
    """The app's real backend, recording every query the pages send through it."""

    def __init__(self, settings: Settings) -> None:
        self.inner = make_backend(settings)
        self.name = self.inner.name
        self.queries: list[str] = []

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def query(self, request: QueryRequest) -> QueryResult:
        self.queries.append(request.query)
        return await self.inner.query(request)

    @property
    def version(self) -> str | None:
        return self.inner.version  # type: ignore[no-any-return]

    def dumps(self) -> Path | None:
        return self.inner.dumps()  # type: ignore[no-any-return]

    def health(self) -> dict[str, Any]:
        return self.inner.health()


@pytest.fixture(scope="module")
def backend(settings: Settings, store_path: Path) -> RecordingBackend:
    return RecordingBackend(settings)


@pytest.fixture(scope="module")
def client(settings: Settings, backend: RecordingBackend) -> Iterator[TestClient]:
    with TestClient(create_app(settings, backend=backend)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def matrix(settings: Settings, store_path: Path) -> dict[str, dict[str, bool]]:
    """``icgraph report``'s framework matrix of the published store."""
    return report.from_store(settings).matrix()


def solutions(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    """Rows of a SELECT on the store itself, with the project's prefixes, over all graphs."""
    answer = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


def text(page: str) -> str:
    """The page's visible text, tags dropped and white space folded."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def scorecard(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-element="(\w+)" data-status="(\w+)">', page))


def figures(page: str) -> dict[str, int]:
    return {
        name: int(n)
        for name, n in re.findall(r'<li data-figure="([^"]+)"><span class="n">(\d+)</span>', page)
    }


# --- Home ---------------------------------------------------------------------------------------


def test_home_shows_the_graphs_figures(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    shown = figures(response.text)
    assert shown["states"] == 32  # footnote 3
    assert shown["practices of interest"] == 54  # 30 + 11 + 13 in sections 2.1, 2.2, 2.3
    # The report gives no count of triples, instruments or actors, so the page is not checked
    # against a second copy of its own queries; it must show them, as numbers.
    assert {"triples", "instruments", "actors"} <= set(shown)


def test_home_lists_the_32_states_with_links_to_their_pages(
    client: TestClient, graph_store: ox.Store
) -> None:
    page = client.get("/").text
    codes = re.findall(r'<a href="/states/([A-Z]{2})">', page)
    expected = {
        str(row["c"].value)
        for row in solutions(
            graph_store, "SELECT ?c WHERE { ?s a icg:MemberState ; icg:alpha2Code ?c }"
        )
    }
    assert len(expected) == 32
    assert sorted(codes) == sorted(expected)
    assert "Cyprus (answered through Limassol)" in text(page)


# --- A state ------------------------------------------------------------------------------------


def test_andorra_has_the_equality_observatory_and_only_institutions(client: TestClient) -> None:
    response = client.get("/states/AD")
    assert response.status_code == 200
    page = response.text
    assert scorecard(page) == {
        "legislation": "missing",
        "institutions": "present",
        "strategies": "missing",
        "funding": "missing",
    }
    visible = text(page)
    assert "Equality Observatory" in visible
    assert '<a href="/id/actor/ad/equality-observatory">Equality Observatory</a>' in page
    assert ANDORRA_QUOTE in visible
    assert "Section 2.1, Institutions" in visible
    assert "dedicated expertise body" in visible  # its institution role


def test_bulgaria_has_strategies_only(client: TestClient) -> None:
    page = client.get("/states/BG").text
    assert scorecard(page) == {
        "legislation": "missing",
        "institutions": "missing",
        "strategies": "present",
        "funding": "missing",
    }


def test_every_state_scorecard_agrees_with_icgraph_report(
    client: TestClient, matrix: dict[str, dict[str, bool]]
) -> None:
    assert len(matrix) == 32
    for code, row in matrix.items():
        page = client.get(f"/states/{code}").text
        expected = {key: "present" if has else "missing" for key, has in row.items()}
        assert scorecard(page) == expected, code
        assert "disagree" not in page, code


def test_present_elements_link_their_evidence_and_missing_ones_their_definition(
    client: TestClient,
) -> None:
    page = client.get("/states/ES").text
    assert set(scorecard(page).values()) == {"present"}
    assert '<a href="/id/instrument/es/act-4-2000">' in page
    andorra = client.get("/states/AD").text
    legislation = re.search(r'<tr data-element="legislation".*?</tr>', andorra, flags=re.DOTALL)
    assert legislation is not None
    assert 'href="/id/section/2.1/legal-protection"' in legislation.group(0)


def test_state_page_lists_instruments_and_actors_with_types_and_levels(
    client: TestClient,
) -> None:
    page = client.get("/states/ES").text
    instruments = re.search(r'<table id="instruments">.*?</table>', page, flags=re.DOTALL)
    actors = re.search(r'<table id="actors">.*?</table>', page, flags=re.DOTALL)
    assert instruments is not None and actors is not None
    row = re.search(
        r"Strategy on Inclusion of Migrants</a></td>\s*<td>([^<]*)</td><td>([^<]*)</td>",
        instruments.group(0),
    )
    assert row is not None and row.groups() == ("strategy or plan", "national")
    assert "Municipal Police of Madrid" in actors.group(0)
    assert "Equality Observatory" not in actors.group(0)


def test_multilevel_links_show_channel_direction_and_the_quote(client: TestClient) -> None:
    page = client.get("/states/HR").text
    multilevel = re.search(r'<table id="multilevel">.*?</table>', page, flags=re.DOTALL)
    assert multilevel is not None
    visible = text(multilevel.group(0))
    assert "national impetus" in visible and "top-down" in visible
    assert "self-assessment tool" in visible
    assert (
        "In Croatia, the Office for Human Rights and the Rights of National Minorities "
        "undertook a survey of the challenges of integration in Croatia"
    ) in text(page)


def test_a_state_code_is_case_insensitive(client: TestClient) -> None:
    assert scorecard(client.get("/states/ad").text) == scorecard(client.get("/states/AD").text)


@pytest.mark.parametrize("code", ["XX", "FR", "123", "ESP"])
def test_an_unknown_state_is_a_404_page(client: TestClient, code: str) -> None:
    response = client.get(f"/states/{code}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No responding state" in text(response.text)


def test_pages_read_the_graph_through_the_backend(
    client: TestClient, backend: RecordingBackend
) -> None:
    before = len(backend.queries)
    client.get("/states/PT")
    sent = backend.queries[before:]
    # Every query of the state page is narrowed to Portugal by a binding, not by its text.
    assert sent
    portugal = ox.NamedNode("https://w3id.org/icgraph/id/state/PT")
    assert all(("state", portugal) in q.bindings for q in sent)


# --- Search -------------------------------------------------------------------------------------


def results(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr><td><a href="([^"]+)">([^<]*)</a></td>', page)


def test_search_is_a_case_insensitive_substring_match(client: TestClient) -> None:
    lower = results(client.get("/search", params={"q": "observatory"}).text)
    upper = results(client.get("/search", params={"q": "OBSERVATORY"}).text)
    assert lower == upper
    assert ("/id/actor/ad/equality-observatory", "Equality Observatory") in lower
    assert (
        "/id/actor/es/spanish-observatory-on-racism-and-xenophobia",
        "Spanish Observatory on Racism and Xenophobia",
    ) in lower


def test_search_covers_skos_pref_labels(client: TestClient) -> None:
    found = results(client.get("/search", params={"q": "impetus"}).text)
    assert ("/id/channel/national-impetus", "national impetus") in found


def test_search_ranks_exact_matches_first(client: TestClient) -> None:
    found = results(client.get("/search", params={"q": "andorra"}).text)
    assert found[0] == ("/id/state/AD", "Andorra")


@pytest.mark.parametrize("q", ['" } ; DROP ALL #', "\\", "nothing-has-this-label-zz"])
def test_search_takes_any_text_as_a_string(client: TestClient, q: str) -> None:
    response = client.get("/search", params={"q": q})
    assert response.status_code == 200
    assert results(response.text) == []
    assert "0 results for" in text(response.text)


def test_an_empty_search_shows_the_form_only(client: TestClient) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    assert results(response.text) == []


# --- Editor -------------------------------------------------------------------------------------


def editor_tabs(page: str) -> list[dict[str, str]]:
    match = re.search(
        r'<script type="application/json" id="catalogue">(.*?)</script>', page, flags=re.DOTALL
    )
    assert match is not None
    return json.loads(html.unescape(match.group(1)))  # type: ignore[no-any-return]


def test_editor_has_one_tab_per_catalogue_query(client: TestClient) -> None:
    catalogue = load_catalogue(QUERIES)
    assert catalogue, "the catalogue glob found no queries"
    tabs = editor_tabs(client.get("/editor").text)
    assert [t["name"] for t in tabs] == list(catalogue)
    for tab in tabs:
        body = catalogue[tab["name"]].text.split("\nSELECT", 1)[-1]
        assert body.strip() in tab["query"]


def test_every_editor_tab_runs_on_the_endpoint(client: TestClient) -> None:
    for tab in editor_tabs(client.get("/editor").text):
        response = client.post(
            "/sparql",
            data={"query": tab["query"]},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200, (tab["name"], response.text)
        assert response.json()["results"]["bindings"], tab["name"]


def test_editor_loads_yasgui_from_this_server_only(client: TestClient) -> None:
    page = client.get("/editor").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/vendor/yasgui/yasgui.min.js" in sources
    assert "/static/vendor/yasgui/yasgui.min.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]


def test_vendored_yasgui_is_served_as_the_build_step_recorded_it(client: TestClient) -> None:
    manifest = json.loads((STATIC / "vendor" / "yasgui" / "VERSION.json").read_text())
    assert manifest["package"] == "@zazuko/yasgui"
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@zazuko/yasgui"]["version"] == manifest["version"]
    for name, digest in manifest["sha256"].items():
        response = client.get(f"/static/vendor/yasgui/{name}")
        assert response.status_code == 200, name
        assert hashlib.sha256(response.content).hexdigest() == digest, name
    assert client.get("/static/vendor/yasgui/LICENSES.txt").status_code == 200


def test_what_a_user_types_comes_back_escaped(client: TestClient) -> None:
    page = client.get("/search", params={"q": '<script>alert("x")</script>'}).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
