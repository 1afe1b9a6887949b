"""The research figures on the site (issue 15, item 11): SVG at stable URLs, the same bytes
``icgraph figures`` writes, a text alternative, an ETag and 304, and shown where they belong.

Expectations are the report's: 32 responding states; the 11 practices of section 2.2, four of
national impetus (Croatia, North Macedonia, Portugal, Spain), six of partnership impetus and
one of local impetus (Italy); Spain's multilevel practice is national impetus, top-down;
Andorra reports no multilevel practice.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from icgraph import figures
from icgraph.build import BuildResult
from icgraph.config import Settings

SVG = "{http://www.w3.org/2000/svg}"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def written(
    built: BuildResult, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """What ``icgraph figures`` writes, by file name."""
    paths = figures.write_figures(settings, tmp_path_factory.mktemp("figures"))
    assert paths
    return {p.name: p.read_bytes() for p in paths}


def _text(body: bytes) -> tuple[str, str]:
    """The SVG's <title> and <desc>, which must be the root's first children."""
    root = ET.fromstring(body)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert (first.tag, second.tag) == (SVG + "title", SVG + "desc")
    return first.text or "", second.text or ""


@pytest.mark.parametrize("name", figures.FIGURE_NAMES)
def test_each_figure_is_served_as_icgraph_figures_writes_it(
    client: TestClient, written: dict[str, bytes], name: str
) -> None:
    response = client.get(f"/figures/{name}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content == written[f"{name}.svg"]
    title, description = _text(response.content)
    assert title and len(description) > 80


def test_the_heatmap_says_what_it_shows(client: TestClient) -> None:
    _, description = _text(client.get("/figures/framework-completeness.svg").content)
    assert "32 responding states" in description
    assert "constitutional provision and legislation" in description


def test_the_impetus_channel_chart_gives_its_numbers(client: TestClient) -> None:
    _, description = _text(client.get("/figures/impetus-channels.svg").content)
    assert "11 practices of interest of section 2.2" in description
    assert (
        "national impetus (top-down): 4, Croatia, North Macedonia, Portugal, Spain" in description
    )
    assert "local impetus (bottom-up): 1, Italy" in description
    assert "partnership impetus (bi-directional): 6," in description


def test_a_states_figures(client: TestClient) -> None:
    network = client.get("/figures/states/ES/multilevel-network.svg")
    assert network.status_code == 200
    title, description = _text(network.content)
    assert title == "Multilevel engagement in Spain"
    assert "national impetus, top-down" in description
    assert "Secretary of State of Migrations" in network.text  # an actor the practice names
    instruments = client.get("/figures/states/es/instruments-matrix.svg")
    assert instruments.status_code == 200
    assert "Spain" in _text(instruments.content)[0]
    assert "Organic Act 4/2000" in instruments.text or "Organic Act 4" in instruments.text


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/figures/states/AD/multilevel-network.svg", "Nothing to draw"),
        ("/figures/states/ES/impetus-channels.svg", "per state"),
        ("/figures/heatmap.svg", "framework-completeness"),
        ("/figures/states/E1/instruments-matrix.svg", "alpha-2"),
    ],
)
def test_what_cannot_be_drawn_is_a_404_that_says_why(
    client: TestClient, path: str, says: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert says in response.text


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/figures/recommendation-gaps.svg")
    etag = first.headers["etag"]
    version = client.get("/health").json()["version"]
    assert etag.startswith(f'"{version}.')  # the store version's tag (icgraph.api.caching)
    again = client.get("/figures/recommendation-gaps.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get("/figures/recommendation-gaps.svg", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    other = client.get("/figures/recommendation-gaps.svg", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.content == first.content
    assert client.get("/figures/impetus-channels.svg").headers["etag"] != etag


def _images(page: str) -> dict[str, str]:
    """``{src: alt}`` of the page's figures."""
    return dict(re.findall(r'<img src="([^"]+)" alt="([^"]*)">', page))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", {"/figures/framework-completeness.svg"}),
        (
            "/states/ES",
            {
                "/figures/states/ES/multilevel-network.svg",
                "/figures/states/ES/instruments-matrix.svg",
                "/figures/impetus-channels.svg",
            },
        ),
        ("/states/AD", set()),  # Andorra: no multilevel practice, no instrument with a field
        ("/id/section/2.2", {"/figures/impetus-channels.svg", "/figures/multilevel-network.svg"}),
        ("/id/channel/national-impetus", {"/figures/impetus-channels.svg"}),
        (
            "/validation",
            {"/figures/framework-completeness.svg", "/figures/recommendation-gaps.svg"},
        ),
    ],
)
def test_pages_show_their_figures_and_every_one_answers(
    client: TestClient, path: str, expected: set[str]
) -> None:
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 200
    shown = _images(page.text)
    assert set(shown) == expected
    for src, alt in shown.items():
        assert len(alt) > 80, src  # the figure's description, not just its name
        assert client.get(src).status_code == 200, src
