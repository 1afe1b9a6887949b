"""Browser tests: the real server over a socket, driven by Debian's chromium through Playwright.

The server is ``python -m icgraph serve`` on 127.0.0.1, started by the API tests' helper on the
graph the session fixtures build. Chromium is the system one (``/usr/bin/chromium``, which
``.ci/run`` installs), never a browser Playwright downloads, and it is started with every
background network feature off, so a test that passes has fetched nothing off this machine.
Screenshots are kept under ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from ..api.serving import running_server
from ..paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def web_server(store_path: Path) -> Iterator[str]:
    """The real server on the real graph; yields its base URL."""
    with running_server(store_path, query_workers=2) as base:
        yield base


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


@pytest.fixture()
def page(browser: Browser, web_server: str) -> Iterator[Page]:
    """A fresh page; fails the test if it requests anything but the test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web_server)
    opened = context.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []
    opened.on(
        "request",
        # blob: URLs of the server's own origin are made in the page (ReDoc's search worker).
        lambda r: (
            None
            if r.url.startswith((web_server, "data:", f"blob:{web_server}/"))
            else elsewhere.append(r.url)
        ),
    )
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not elsewhere, f"the page requested other origins: {elsewhere}"
    assert not errors, f"script errors: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
