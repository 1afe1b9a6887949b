"""Run the facade with uvicorn. ``icgraph serve`` is the one entry point that calls this."""

from __future__ import annotations

import logging
import logging.handlers
import queue
from logging.config import dictConfig

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from icgraph import store
from icgraph.api.app import create_app
from icgraph.api.limits import url_too_long
from icgraph.config import Settings

#: The longest request target httptools can parse: its URL parser keeps offsets in 16 bits,
#: and uvicorn answers anything longer with a bare "400 Invalid HTTP request received."
#: (measured with uvicorn 0.54 and httptools 0.9: 65,000 bytes pass, 65,600 do not). h11
#: would take longer targets, but is slower; the app's own cap (ICGRAPH_MAX_URL_BYTES) is
#: below this one, so the app answers first whenever the server can pass the request on.
PARSER_URL_LIMIT = 65_535


_KEPT = 2048


class _Answered(Exception):
    """Stops the parser after the 414 has been written."""


class UrlCappedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering an over-long request target with 414.

    The target is not buffered past the limit (uvicorn would hold all of it), the rest of the
    request head is read and dropped, and the answer is sent once the head is complete, so
    that a client still sending is not cut off by a reset before it reads the 414.
    """

    url_limit = PARSER_URL_LIMIT
    #: The app's cap, which the message names: a target over the parser's is over it too.
    app_url_limit = PARSER_URL_LIMIT
    _url_size = 0
    _answered = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._url_size = 0

    def on_url(self, url: bytes) -> None:
        self._url_size += len(url)
        if self._url_size <= self.url_limit:
            super().on_url(url)
        elif len(self.url) < _KEPT:
            self.url += url[: _KEPT - len(self.url)]  # enough for the path the message names

    def on_headers_complete(self) -> None:
        if self._url_size <= self.url_limit:
            super().on_headers_complete()
            return
        path = self.url.split(b"?", 1)[0].decode("latin-1")
        message = (url_too_long(self._url_size, self.app_url_limit, path) + "\n").encode()
        head = [STATUS_LINE[414]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: " + str(len(message)).encode("ascii") + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + message)
        self.transport.close()
        self._answered = True
        raise _Answered

    def send_400_response(self, msg: str) -> None:
        if not self._answered:
            super().send_400_response(msg)


def serve(settings: Settings) -> None:
    """Serve the site on ``settings.host:settings.port`` until interrupted.

    Builds nothing: with the embedded backend and no store yet, raises FileNotFoundError
    (``icgraph serve`` builds one first).
    """
    if settings.backend == "embedded" and not store.exists(settings.store):
        raise FileNotFoundError(
            f"no store at {settings.store}; run 'icgraph build' first (or set ICGRAPH_STORE_PATH)"
        )
    dictConfig(LOGGING_CONFIG)
    if settings.access_log:
        defer_access_log()
    uvicorn.run(
        create_app(settings),
        access_log=settings.access_log,
        log_config=None,  # configured above
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=5,
        http=type("Protocol", (UrlCappedProtocol,), {"app_url_limit": settings.max_url_bytes}),
    )


class _Deferred(logging.handlers.QueueHandler):
    """Queues the record as it is, unformatted: the listener's thread formats and writes it."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def defer_access_log() -> logging.handlers.QueueListener:
    """Move the access log's formatting and writing off the event loop, to a thread of its own.

    Inline, the access log took 10-17 % of the uncached throughput (benchmarks/README.md);
    queued, the event loop only makes the record. uvicorn's access records carry plain
    strings and numbers, so formatting them later, elsewhere, gives the same line.
    """
    access = logging.getLogger("uvicorn.access")
    handlers = list(access.handlers)
    for handler in handlers:
        access.removeHandler(handler)
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    access.addHandler(_Deferred(records))
    listener = logging.handlers.QueueListener(records, *handlers, respect_handler_level=True)
    listener.start()
    return listener
