"""An analyst's path through the self-assessment form in a real browser: download nothing,
upload the sheet for Spain built from the report, read the scorecard beside the published one;
then a sheet with problems, shown on the form. Screenshots go to tests/artifacts/screenshots/
(docs/img/ holds copies of the first two for docs/self-assessment.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..assess.conftest import SPAIN, UTOPIA

pytestmark = pytest.mark.browser


def test_upload_spain_and_read_the_scorecard(page: Page, screenshots: Path) -> None:
    page.goto("/")
    page.get_by_role("link", name="Self-assessment").click()
    expect(page).to_have_url(re.compile(r"/self-assessment$"))
    expect(page.locator("h1")).to_have_text("Self-assessment of a national framework")
    expect(page.locator("#state option")).to_have_count(33)
    page.screenshot(path=str(screenshots / "self-assessment-form.png"))

    page.set_input_files("#sheet", str(SPAIN))
    page.get_by_role("button", name="Assess").click()
    expect(page.locator("#assessment h1")).to_have_text("Self-assessment: Spain (ES)")
    rows = page.locator("#scorecard tbody tr")
    expect(rows).to_have_count(4)
    found = {
        rows.nth(i).get_attribute("data-element"): (
            rows.nth(i).get_attribute("data-status"),
            rows.nth(i).get_attribute("data-published"),
        )
        for i in range(4)
    }
    assert found == dict.fromkeys(
        ("legislation", "institutions", "strategies", "funding"), ("present", "present")
    )
    expect(page.locator('#scorecard tr[data-element="institutions"]')).to_contain_text(
        "row 6: Interinstitutional Memorandum of Understanding"
    )
    expect(page.locator('#recommendations tr[data-number="4"] td').nth(2)).to_have_text("evidenced")
    expect(page.locator('#recommendations tr[data-number="3"] td').nth(2)).to_have_text(
        "no evidence"
    )
    expect(page.locator("#differences")).to_contain_text(
        "The sheet gives the same scorecard as the report gives Spain."
    )
    page.screenshot(path=str(screenshots / "self-assessment-scorecard.png"))
    page.locator("#differences a").click()
    expect(page).to_have_url(re.compile(r"/id/state/ES$|/states/ES$"))
    expect(page.locator("h1")).to_contain_text("Spain")


def test_a_fictitious_state_and_what_its_gaps_would_take(page: Page, screenshots: Path) -> None:
    page.goto("/self-assessment")
    page.set_input_files("#sheet", str(UTOPIA))
    page.get_by_role("button", name="Assess").click()
    expect(page.locator('#scorecard tr[data-element="strategies"] td.pending')).to_have_text(
        "under development"
    )
    expect(page.locator('#scorecard tr[data-element="funding"] td.missing')).to_have_text("missing")
    expect(page.locator("#differences")).to_have_count(0)
    funding = page.locator('.guidance[data-element="funding"]')
    expect(funding).to_contain_text(
        "Funding streams for intercultural integration from the national level"
    )
    funding.locator("summary").click()
    expect(funding.locator("blockquote").nth(1)).to_contain_text(
        "In Finland, the Ministry of Employment"
    )
    page.screenshot(path=str(screenshots / "self-assessment-utopia.png"), full_page=True)


def test_a_sheet_with_problems_comes_back_to_the_form(page: Page, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,kind,governance level\nAct,law,national\n,tool,federal\n", encoding="utf-8"
    )
    page.goto("/self-assessment")
    page.set_input_files("#sheet", str(bad))
    page.select_option("#state", "PT")
    page.get_by_role("button", name="Assess").click()
    problems = page.locator("#problems li")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text(
        "sheet 'bad.csv', row 2, column 'kind': 'law' is not one of:"
    )
    expect(problems.nth(2)).to_have_text(
        "sheet 'bad.csv', row 3, column 'governance level': 'federal' is not one of: international, European, "
        "national, regional, local"
    )
    expect(page.locator("#state")).to_have_value("PT")
