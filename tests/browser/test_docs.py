"""The API documentation and the endpoint's page render in a browser with nothing but this server:
no CDN, no failed request, no console error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect
from rdflib import Graph

from ..paths import DATA


def _watch(page: Page) -> list[str]:
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # Swagger UI warns, harmlessly, about string formats it has no widget for ("uri").
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    def failed(request: Request) -> None:
        problems.append(f"failed: {request.url} ({request.failure})")

    def response(answer: Response) -> None:
        if answer.status >= 400:
            problems.append(f"{answer.status}: {answer.url}")

    page.on("console", console)
    page.on("requestfailed", failed)
    page.on("response", response)
    return problems


def test_swagger_ui_lists_the_operations(page: Page, screenshots: Path) -> None:
    problems = _watch(page)
    page.goto("/docs")
    paths = page.locator(".opblock-summary-path")
    expect(paths.first).to_be_visible()
    shown = {text.strip() for text in paths.all_inner_texts()}
    assert {"/sparql", "/validation", "/dumps/{name}", "/queries/{name}"} <= {
        p.replace("\u200b", "") for p in shown
    }
    page.locator(".opblock-summary-path", has_text="/sparql").first.click()
    expect(page.locator(".opblock.is-open")).to_contain_text("default-graph-uri")
    page.screenshot(path=str(screenshots / "docs.png"), full_page=False)
    assert problems == []


def test_redoc_renders_the_reference(page: Page, screenshots: Path) -> None:
    problems = _watch(page)
    page.goto("/redoc")
    expect(page.locator("h1")).to_contain_text("icgraph")
    menu = page.locator(".menu-content")
    for tag in ("sparql", "validation", "linked data", "dumps and metadata"):
        expect(menu).to_contain_text(tag)
    # ReDoc's maker's logo (on the maker's server) is left out; its text link stays.
    expect(menu.locator("img")).to_have_count(0)
    page.screenshot(path=str(screenshots / "redoc.png"), full_page=False)
    assert problems == []


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_pages_have_this_sites_favicon(page: Page, path: str) -> None:
    page.goto(path)
    icon = page.locator('link[rel~="icon"]').get_attribute("href")
    assert icon in ("/static/favicon.svg", "/favicon.ico")
    assert page.request.get(icon).status == 200


def test_a_browser_opening_the_endpoint_reads_its_description(
    page: Page, screenshots: Path
) -> None:
    problems = _watch(page)
    response = page.goto("/sparql")
    assert response is not None and response.headers["content-type"].startswith("text/html")
    expect(page.locator("h1")).to_have_text("SPARQL endpoint")
    expect(
        page.locator('#graphs tr[data-graph="https://w3id.org/icgraph/graph/states"]')
    ).to_contain_text(str(len(Graph().parse(DATA / "states.ttl"))))  # the states graph
    page.screenshot(path=str(screenshots / "sparql.png"), full_page=True)
    page.locator("#open-editor").click()
    expect(page).to_have_url(re.compile(r"/editor$"))
    expect(page.locator(".yasgui .tabsList .tab").first).to_contain_text("cq01-responding-states")
    assert problems == []
