"""``/validation`` as a page of the site, in plain words (issue 15, item 6).

Expectations come from the report (Andorra reports institutions only; Spain all four framework
elements; only Italy reports a national network of Intercultural Cities, recommendation 5) and
from the Turtle form of the same report, parsed here, not from the page code.
"""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace

SH = Namespace("http://www.w3.org/ns/shacl#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    response = client.get("/validation", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.fixture(scope="module")
def turtle(client: TestClient) -> Graph:
    response = client.get("/validation", headers={"Accept": "text/turtle"})
    return Graph().parse(data=response.text, format="turtle")


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def _section(page: str, severity: str, shape_end: str) -> str:
    found = re.search(
        rf'<section class="shape" data-shape="[^"]*{shape_end}" data-severity="{severity}">'
        r"(.*?)</section>",
        page,
        re.S,
    )
    assert found is not None, shape_end
    return found.group(1)


def test_it_is_a_page_of_the_site(page: str) -> None:
    assert '<header class="site-header">' in page
    assert '<link rel="stylesheet" href="/static/site.css">' in page
    assert "<title>Validation report · icgraph</title>" in page


def test_it_speaks_plain_words(page: str, turtle: Graph) -> None:
    warnings = len(set(turtle.subjects(SH.resultSeverity, SH.Warning)))
    infos = len(set(turtle.subjects(SH.resultSeverity, SH.Info)))
    assert warnings > 0 and infos > 0
    counts = dict(
        (name, int(n))
        for n, name in re.findall(
            r'<li data-count="[^"]+"><span class="n">(\d+)</span>([^<]+)</li>', page
        )
    )
    assert counts == {
        "integrity violations": 0,
        "missing framework elements": warnings,
        "recommendations not evidenced": infos,
    }
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert "Missing framework elements" in headings
    assert "Recommendations not evidenced" in headings
    # Severity IRIs appear only where the page says which Turtle term means what.
    visible = _text(page)
    assert visible.count("sh:Warning") == 1 and visible.count("sh:Info") == 1


def test_each_result_carries_its_shapes_message(page: str, turtle: Graph) -> None:
    funding = _section(page, "missing framework element", "FundingShape")
    andorra = re.search(r'<li data-state="AD">(.*?)</li>', funding, re.S)
    assert andorra is not None
    messages = {str(m) for m in turtle.objects(None, SH.resultMessage)}
    shown = _text(andorra.group(1))
    assert shown in messages
    assert shown == (
        "Andorra has no evidence of the framework element 'funding streams' "
        "(section 2.1, Funding streams)"
    )
    assert "A state has funding streams in the framework when" in _text(
        funding
    )  # the shape's comment


def test_andorra_misses_three_elements_and_spain_none(page: str) -> None:
    warnings = re.findall(
        r'<section class="shape" data-shape="[^"]*" data-severity="missing framework element">(.*?)</section>',
        page,
        re.S,
    )
    assert len(warnings) == 4  # the four framework elements of section 2.1
    with_andorra = [w for w in warnings if 'data-state="AD"' in w]
    assert len(with_andorra) == 3
    assert not any('data-state="ES"' in w for w in warnings)


def test_only_italy_evidences_recommendation_5(page: str) -> None:
    networking = _section(page, "recommendation not evidenced", "Recommendation5Shape")
    states = re.findall(r'<li data-state="([A-Z]{2})">', networking)
    assert len(states) == 31  # every responding state but one
    assert "IT" not in states
    assert "National networking of Intercultural Cities" in _text(networking)


def test_links_stay_on_this_server(page: str) -> None:
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert len(hrefs) > 145
    assert [h for h in hrefs if "w3id.org" in h] == []
    assert "/states/AD" in hrefs
