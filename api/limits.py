"""The request-body cap, as pure ASGI middleware so it holds for every route.

A declared ``Content-Length`` over the cap is refused before a byte is read; a chunked body
is counted as it arrives and refused as soon as it passes the cap.
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
