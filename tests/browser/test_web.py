"""A researcher's path through the web interface, in a real browser.

Home page -> a state's page and its scorecard; the SPARQL editor running a catalogue query;
the label search. Each test leaves a screenshot in ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect


def test_home_page_shows_figures_and_the_states(page: Page, screenshots: Path) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_text(
        "Intercultural integration in Council of Europe member states"
    )
    expect(page.locator('[data-figure="states"] .n')).to_have_text("32")
    expect(page.locator('[data-figure="practices of interest"] .n')).to_have_text("54")
    expect(page.locator("#states tbody tr")).to_have_count(32)
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)


def test_from_home_to_a_state_scorecard(page: Page, screenshots: Path) -> None:
    page.goto("/")
    page.get_by_role("link", name="Andorra", exact=True).click()
    expect(page).to_have_url(re.compile(r"/states/AD$"))
    expect(page.locator("h1")).to_contain_text("Andorra")
    rows = page.locator("#scorecard tbody tr")
    expect(rows).to_have_count(4)
    statuses = {
        rows.nth(i).get_attribute("data-element"): rows.nth(i).get_attribute("data-status")
        for i in range(4)
    }
    assert statuses == {
        "legislation": "missing",
        "institutions": "present",
        "strategies": "missing",
        "funding": "missing",
    }
    expect(page.locator('#scorecard tr[data-element="institutions"] td.present')).to_have_text(
        "present"
    )
    expect(page.locator('#scorecard tr[data-element="institutions"]')).to_contain_text(
        "Equality Observatory"
    )
    expect(page.locator("#practices blockquote")).to_contain_text(
        "In Andorra, an Equality Observatory has been established as a technical advisory body"
    )
    page.screenshot(path=str(screenshots / "state-AD.png"), full_page=True)


def test_state_page_with_multilevel_links(page: Page, screenshots: Path) -> None:
    page.goto("/states/ES")
    expect(page.locator("#scorecard td.present")).to_have_count(4)
    multilevel = page.locator("#multilevel")
    expect(multilevel).to_contain_text("national impetus")
    expect(multilevel).to_contain_text("top-down")
    page.screenshot(path=str(screenshots / "state-ES.png"), full_page=True)


def test_editor_runs_a_catalogue_query(page: Page, screenshots: Path) -> None:
    page.goto("/editor")
    tabs = page.locator(".yasgui .tabsList .tab")
    expect(tabs.first).to_contain_text("cq01-responding-states")
    assert tabs.count() >= 14
    tabs.filter(has_text="cq06-multilevel-practices").click()
    expect(page.locator(".yasgui .tab.active")).to_contain_text("cq06-multilevel-practices")
    panel = page.locator(".tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("icg:impetusChannel")
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable")
    expect(table.locator("tbody tr")).to_have_count(11)  # the 11 practices of section 2.2
    headers = table.locator("thead th").all_inner_texts()
    assert {"stateName", "channel", "direction"} <= {h.strip() for h in headers}
    expect(table).to_contain_text("Croatia")
    expect(table).to_contain_text("bottom-up")
    page.screenshot(path=str(screenshots / "editor-cq06-multilevel-practices.png"), full_page=True)


def test_label_search_links_to_resource_pages(page: Page, screenshots: Path) -> None:
    page.goto("/")
    box = page.locator("header form.search input[name=q]")
    box.fill("Observatory")
    box.press("Enter")
    page.wait_for_url("**/search?q=Observatory")
    results = page.locator("#results tbody tr")
    # The two observatories the report names (Andorra's, Spain's) and the body kind itself.
    expect(results).to_have_count(3)
    link = page.get_by_role("link", name="Equality Observatory")
    expect(link).to_have_attribute("href", "/id/actor/ad/equality-observatory")
    page.screenshot(path=str(screenshots / "search-observatory.png"), full_page=True)
    link.click()
    expect(page).to_have_url(re.compile(r"/id/actor/ad/equality-observatory$"))
    expect(page.locator("h1")).to_have_text("Equality Observatory")
