"""Every page of the site, opened in Chromium: no console error, no failed request, every
image drawn, nothing fetched from another origin (the ``page`` fixture checks the last).

A request fails when it gets no answer or an answer of 400 or more, the browser's own
``/favicon.ico`` included. The pages also keep their links to the graph's IRIs on this
server (issue 15, item 4), the editor's result table too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

#: One page of each kind the site serves to a browser.
PAGES = {
    "home": "/",
    "state": "/states/ES",
    "resource": "/id/state/ES",
    "multilevel-section": "/id/section/2.2",
    "search": "/search?q=Observatory",
    "editor": "/editor",
    "validation": "/validation",
    "docs": "/docs",
    "sparql": "/sparql",
}


@dataclass
class Trouble:
    """What went wrong while a page loaded."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} ({message.location.get('url', '')})")

    def on_failed(self, request: Request) -> None:
        self.failed.append(f"{request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: {response.status}")


def _watch(page: Page) -> Trouble:
    trouble = Trouble()
    page.on("console", trouble.on_console)
    page.on("requestfailed", trouble.on_failed)
    page.on("response", trouble.on_response)
    return trouble


def _broken_images(page: Page) -> list[str]:
    return page.evaluate(  # type: ignore[no-any-return]
        "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.currentSrc || i.src)"
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_without_errors(page: Page, screenshots: Path, name: str) -> None:
    trouble = _watch(page)
    response = page.goto(PAGES[name], wait_until="networkidle")
    assert response is not None and response.status == 200, name
    assert response.headers["content-type"].startswith("text/html"), name
    # The browser asks for /favicon.ico on its own, after the page; give it time to fail.
    page.wait_for_timeout(500)
    assert _broken_images(page) == [], name
    page.screenshot(path=str(screenshots / f"page-{name}.png"), full_page=True)
    assert trouble.console == [], f"console errors on {name}: {trouble.console}"
    assert trouble.failed == [], f"failed requests on {name}: {trouble.failed}"


def test_pages_show_their_figures_with_text(page: Page) -> None:
    page.goto("/", wait_until="networkidle")
    heatmap = page.locator('figure[data-chart="framework-completeness"] img')
    expect(heatmap).to_have_attribute("src", "/figures/framework-completeness.svg")
    assert "32 responding states" in (heatmap.get_attribute("alt") or "")
    page.goto("/states/ES", wait_until="networkidle")
    for name in ("multilevel-network", "instruments-matrix", "impetus-channels"):
        expect(page.locator(f'figure[data-chart="{name}"] img')).to_be_visible()
    network = page.locator('figure[data-chart="multilevel-network"] img')
    expect(network).to_have_attribute("src", "/figures/states/ES/multilevel-network.svg")
    assert "Spain" in (network.get_attribute("alt") or "")
    assert _broken_images(page) == []
    page.goto("/states/AD", wait_until="networkidle")  # Andorra reports no multilevel practice
    expect(page.locator('figure[data-chart="multilevel-network"]')).to_have_count(0)
    page.goto("/validation", wait_until="networkidle")
    expect(page.locator('figure[data-chart="framework-completeness"] img')).to_be_visible()
    assert _broken_images(page) == []


def test_editor_result_links_stay_on_this_server(page: Page, web_server: str) -> None:
    page.goto("/editor")
    panel = page.locator(".tabPanel.active")
    expect(page.locator(".yasgui .tab.active")).to_contain_text("cq01-responding-states")
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable")
    expect(table.locator("tbody tr").first).to_be_visible()
    links = table.locator("a.iri")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert "/id/state/ES" in hrefs
    assert [h for h in hrefs if h.startswith("https://w3id.org/")] == []
    spain = table.locator('a.iri[href="/id/state/ES"]').first
    expect(spain).to_have_text("id:state/ES")  # the table still shows the canonical IRI
    spain.click()
    expect(page).to_have_url(f"{web_server}/id/state/ES")
    expect(page.locator("h1")).to_have_text("Spain")
