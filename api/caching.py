"""HTTP caching for every GET: ETags from the store version, 304s, and a Cache-Control per route.

Every answer of a GET or HEAD depends only on the store version, the URL and the request's
``Accept`` header (the store is read-only between versions), so its entity tag can be known
before the route runs: ``"<version>.<hash of URL and Accept>"``. A request whose
``If-None-Match`` names it, or whose ``If-Modified-Since`` is not older than the version's
publication, is answered ``304 Not Modified`` without running the route. Replicas serving the
same version give the same tags, so a CDN or load balancer can revalidate against any of them.

Routes that set their own ``ETag`` (a dump's SHA-256) keep it; ``/health`` is never cached.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Paths whose answers change without a new store version (or must never be cached).
_UNCACHED = ("/health",)

#: ``Cache-Control`` by path prefix, first match wins. Query answers are kept briefly, since a
#: new version may come at any time; the other pages a little longer; vendored assets a day.
CACHE_CONTROL: tuple[tuple[str, str], ...] = (
    ("/static/", "public, max-age=86400"),
    ("/sparql", "public, max-age=60"),
    ("/queries", "public, max-age=60"),
    ("/dumps", "public, max-age=300"),
    ("", "public, max-age=300"),
)


def entity_tag(version: str, path: str, query: bytes, accept: str) -> str:
    """The strong entity tag of a GET answer.

    >>> entity_tag("20261201T120000.000000Z-abc", "/id/state/ES", b"", "text/turtle")[:29]
    '"20261201T120000.000000Z-abc.'
    """
    digest = hashlib.sha256(b"\0".join((path.encode(), query, accept.encode()))).hexdigest()
    return f'"{version}.{digest[:16]}"'


@lru_cache(maxsize=16)
def published_at(version: str) -> datetime | None:
    """When a version was published, read from its id (``YYYYmmddTHHMMSS[.ffffff]Z-...``).

    Read once per version: strptime (and the locale look-up it makes) ran on every GET.
    """
    stamp = version.split("-", 1)[0]
    for fmt in ("%Y%m%dT%H%M%S.%fZ", "%Y%m%dT%H%M%SZ"):
        try:
            return datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match on GET."""
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or tag in tags


def _not_modified_since(if_modified_since: str, modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    # HTTP dates have whole seconds.
    return modified.replace(microsecond=0) <= since


class ConditionalGet:
    """ASGI middleware: tags GET answers with the store version and answers 304 when it can."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        backend = scope["app"].state.backend
        version = backend.version if hasattr(backend, "version") else None
        if version is None or path.startswith(_UNCACHED):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        tag = entity_tag(version, path, scope.get("query_string", b""), headers.get("accept", ""))
        modified = published_at(version)
        control = next(value for prefix, value in CACHE_CONTROL if path.startswith(prefix))
        validators = {"ETag": tag, "Cache-Control": control, "Vary": "Accept"}
        if modified is not None:
            validators["Last-Modified"] = format_datetime(modified, usegmt=True)
        if_none_match = headers.get("if-none-match")
        fresh = (
            _matches(if_none_match, tag)
            if if_none_match is not None
            else modified is not None
            and "if-modified-since" in headers
            and _not_modified_since(headers["if-modified-since"], modified)
        )
        if fresh:
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in validators.items()],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        swallowed = False

        async def tagged(message: Message) -> None:
            nonlocal swallowed
            if message["type"] == "http.response.start" and message["status"] == 200:
                out = MutableHeaders(scope=message)
                own = out.get("etag")
                for name, value in validators.items():
                    if name == "Vary":
                        if "vary" not in out:
                            out["Vary"] = value
                    elif name.lower() not in out:
                        out[name] = value
                if own is not None and if_none_match is not None and _matches(if_none_match, own):
                    # A route's own tag (a dump's SHA-256) revalidates too: 304, body dropped.
                    message = {**message, "status": 304}
                    del out["content-length"]
                    swallowed = True
            elif message["type"] == "http.response.body" and swallowed:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, tagged)
