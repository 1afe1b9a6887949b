"""The API documentation (/docs, /redoc) and the favicon come from this server, not from a CDN.

The vendored bundles are checked against what the build step recorded (``VERSION.json``) and
what ``web/package-lock.json`` pins; the package data of ``pyproject.toml`` is checked to
carry every static file into a wheel.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib

import pytest
from fastapi.testclient import TestClient

from ..paths import ROOT

STATIC = ROOT / "api" / "static"
VENDORED = {
    "swagger-ui": ("swagger-ui-dist", "swagger-ui-bundle.js"),
    "redoc": ("redoc", "redoc.standalone.js"),
    "yasgui": ("@zazuko/yasgui", "yasgui.min.js"),
}


def _sources(page: str) -> list[str]:
    return re.findall(r'(?:src|href|spec-url)="([^"]+)"', page)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/docs",
            {
                "/static/vendor/swagger-ui/swagger-ui-bundle.js",
                "/static/vendor/swagger-ui/swagger-ui.css",
                "/favicon.ico",
            },
        ),
        (
            "/redoc",
            {
                "/static/vendor/redoc/redoc.standalone.js",
                "/static/offline-images.js",
                "/favicon.ico",
                "/openapi.json",
            },
        ),
    ],
)
def test_documentation_pages_load_everything_from_this_server(
    client: TestClient, path: str, expected: set[str]
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    sources = set(_sources(response.text))
    assert sources == expected
    assert "https://" not in response.text and "http://" not in response.text
    for source in sources:
        assert client.get(source).status_code == 200, source
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy


def test_swagger_ui_reads_this_apps_openapi_document(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "url: '/openapi.json'" in page
    assert '"validatorUrl": null' in page  # no badge fetched from the Swagger project's site


@pytest.mark.parametrize("folder", sorted(VENDORED))
def test_vendored_bundles_are_served_as_the_build_step_recorded_them(
    client: TestClient, folder: str
) -> None:
    package, main = VENDORED[folder]
    manifest = json.loads((STATIC / "vendor" / folder / "VERSION.json").read_text())
    assert manifest["package"] == package
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    pinned = lock["packages"][f"node_modules/{package}"]
    assert (pinned["version"], pinned["integrity"]) == (manifest["version"], manifest["integrity"])
    manifest_json = json.loads((ROOT / "web" / "package.json").read_text())
    assert manifest_json["devDependencies"][package] == manifest["version"]  # exact pin
    assert main in manifest["sha256"]
    for name, digest in manifest["sha256"].items():
        response = client.get(f"/static/vendor/{folder}/{name}")
        assert response.status_code == 200, name
        assert hashlib.sha256(response.content).hexdigest() == digest, name
    licences = client.get(f"/static/vendor/{folder}/LICENSES.txt")
    assert licences.status_code == 200
    assert f"{package} {manifest['version']}" in licences.text


def test_favicon_is_an_icon_of_this_site(client: TestClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    icon = response.content
    assert icon[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert int.from_bytes(icon[4:6], "little") == 3  # 16, 32 and 48 px
    assert icon == (STATIC / "favicon.ico").read_bytes()
    assert client.head("/favicon.ico").status_code == 200
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")


def _glob(pattern: str) -> re.Pattern[str]:
    """A setuptools package-data glob: ``*`` stays within one folder."""
    return re.compile(re.escape(pattern).replace(r"\*", "[^/]*") + "$")


def test_every_static_file_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = [_glob(p) for p in config["tool"]["setuptools"]["package-data"]["icgraph.api"]]
    files = [p.relative_to(ROOT / "api").as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert len(files) >= 14
    assert {f for f in files if f.startswith("static/vendor/")} >= {
        "static/vendor/swagger-ui/swagger-ui-bundle.js",
        "static/vendor/redoc/redoc.standalone.js",
    }
    missing = [f for f in files if not any(p.match(f) for p in patterns)]
    assert missing == []
