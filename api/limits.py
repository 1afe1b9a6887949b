"""Request-size caps, as pure ASGI middleware so they hold for every route.

A declared ``Content-Length`` over the body cap is refused before a byte is read; a chunked
body is counted as it arrives and refused as soon as it passes the cap. A request target
(path and query string) over the URL cap gets 414 and the advice to POST.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icgraph.api.errors import BodyTooLarge, plain


def _too_large(limit: int) -> str:
    return f"request body too large: the limit is {limit} bytes (ICGRAPH_MAX_BODY_BYTES)"


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await plain(400, "invalid Content-Length header")(scope, receive, send)
                    return
                if declared > self.limit:
                    await plain(413, _too_large(self.limit))(scope, receive, send)
                    return
                break
        received = 0
        limit = self.limit

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(_too_large(limit))
            return message

        await self.app(scope, counted, send)


def url_too_long(size: int, limit: int, path: str) -> str:
    """The 414 sentence: how long, the limit, and how to send the request instead."""
    how = (
        "send the query as POST (application/sparql-query or a form)"
        if path.rstrip("/").endswith("/sparql")
        else "send it as POST"
    )
    return (
        f"request URL too long: {size} bytes, over the limit of {limit} "
        f"(ICGRAPH_MAX_URL_BYTES); {how}"
    )


class UrlLimit:
    """Answer 414 to a request whose target (path and query string) is over ``limit`` bytes.

    uvicorn's httptools parser cannot hold a target over 65,535 bytes; api/server.py answers
    those with the same sentence. The app's own check answers first for everything shorter,
    inside the CORS middleware, so a browser can read why.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: bytes = scope.get("raw_path") or scope["path"].encode()
            query: bytes = scope["query_string"]
            size = len(path) + (len(query) + 1 if query else 0)
            if size > self.limit:
                message = url_too_long(size, self.limit, scope["path"])
                await plain(414, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)
