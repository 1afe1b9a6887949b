"""The API documentation pages (Swagger UI at ``/docs``, ReDoc at ``/redoc``) and the favicon.

FastAPI's own pages load their scripts, stylesheets and favicon from CDNs, so they are blank
offline or behind a firewall. These are the same pages (FastAPI's ``get_swagger_ui_html`` and
``get_redoc_html``, as its self-hosting guide does it) pointing at the copies vendored under
``api/static/vendor/`` by ``web/vendor.mjs`` and pinned by ``web/package-lock.json``.

ReDoc's sidebar always shows its maker's logo, an image on the maker's server; the page's
Content-Security-Policy keeps the browser on this server (ReDoc hides the image when it does
not load). ``/favicon.ico`` is ``static/favicon.ico``, the 16, 32 and 48 px rendering of
``static/favicon.svg``, so the request browsers make on their own finds something.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parents[1] / "static"
VENDOR = "/static/vendor"
FAVICON = "/favicon.ico"

#: The documentation pages fetch from this server only: scripts and styles of the vendored
#: bundles (both add inline styles, ReDoc runs its search in a blob: worker), data: images.
_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


_IMAGE_GUARD = b'<script src="/static/offline-images.js"></script>\n    '


def _openapi_url(request: Request) -> str:
    return str(request.app.openapi_url or "/openapi.json")


@router.get("/docs")
async def swagger_ui(request: Request) -> Response:
    """Swagger UI over the app's OpenAPI document."""
    page = get_swagger_ui_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title}: API",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        # The default sends the document's URL to a validator on the Swagger project's site.
        swagger_ui_parameters={"validatorUrl": None},
    )
    page.headers["Content-Security-Policy"] = _CSP
    return page


@router.get("/redoc")
async def redoc(request: Request) -> Response:
    """ReDoc over the app's OpenAPI document."""
    page = get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{request.app.title}: API reference",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )
    # The guard must run before the bundle, which starts rendering as soon as it loads.
    marker = b"<redoc "
    body = bytes(page.body)
    if marker not in body:
        raise RuntimeError("FastAPI's ReDoc page has no <redoc> element to put the guard before")
    body = body.replace(marker, _IMAGE_GUARD + marker, 1)
    return HTMLResponse(body, headers={"Content-Security-Policy": _CSP})


@router.head(FAVICON)
@router.get(FAVICON)
async def favicon() -> Response:
    return FileResponse(
        STATIC / "favicon.ico",
        media_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )
