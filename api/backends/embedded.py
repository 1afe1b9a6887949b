"""The embedded backend: the published pyoxigraph store, read in a pool of killable children.

Each child (:mod:`icgraph.api.pool`) opens the served store version read-only and runs the
library's query function in it. A query past its time limit, or whose client went away, has
its child killed, which is the only way to stop a pyoxigraph query; pebble starts a new one.

**Store versions.** The backend serves one version at a time (:mod:`icgraph.versions`) and
holds a reader's lock on it. A watcher looks for a newly published version every
``ICGRAPH_VERSION_POLL_SECONDS``; when it finds one it starts a pool on it, switches every new
query to it, and then kills the old pool and releases the old version, which a build or the
next switch deletes once nobody holds it. An answer that an old pool computes after the switch
is thrown away and the query is answered again by the new pool, so from the first answer that
comes from the new version, none comes from the old one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icgraph import versions
from icgraph.api.backends.base import (
    BackendUnavailable,
    NotAcceptable,
    QueryRequest,
    QueryResult,
)
from icgraph.api.backends.worker import run_in_child
from icgraph.api.errors import EvaluationError, InvalidRequest
from icgraph.api.pool import KillablePool, TimeLimitExceeded, WorkerDied
from icgraph.errors import QuerySyntaxError, QueryTimeout
from icgraph.formats import BY_NAME, Kind

if TYPE_CHECKING:
    from icgraph.config import Settings

log = logging.getLogger(__name__)

#: How many times a query is answered again when the version changes while it runs.
_RETRIES = 3


@dataclass
class _Live:
    """A served version: its reader's lock and the pool of children that read it."""

    version: versions.Version
    reader: versions.Reader
    pool: KillablePool

    def close(self, graceful: bool = False) -> None:
        self.pool.close(graceful=graceful)
        self.reader.close()


class EmbeddedBackend:
    """Answers queries from the published on-disk store, in killable child processes."""

    name = "embedded"

    def __init__(
        self,
        store: Path,
        workers: int = 2,
        memory_mb: int = 1024,
        keep_versions: int = 3,
        poll_seconds: float = 1.0,
    ) -> None:
        self.store = store
        self.size = workers
        self.memory_mb = memory_mb
        self.keep_versions = keep_versions
        self.poll_seconds = poll_seconds
        self._live: _Live | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._retiring: set[asyncio.Task[None]] = set()
        self._closed = False
        #: Version switches since start, for the health report.
        self.switches = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddedBackend:
        return cls(
            settings.store,
            workers=settings.query_workers,
            memory_mb=settings.worker_memory_mb,
            keep_versions=settings.keep_versions,
            poll_seconds=settings.version_poll_seconds,
        )

    @property
    def version(self) -> str | None:
        """The id of the version every new query reads."""
        return self._live.version.id if self._live is not None else None

    def dumps(self) -> Path | None:
        """The dumps of the served version, made with it by the build."""
        return self._live.version.dumps if self._live is not None else None

    async def start(self) -> None:
        version = versions.current(self.store)
        if version is None:
            raise FileNotFoundError(
                f"no store at {self.store}; run 'icgraph build' first (or set ICGRAPH_STORE_PATH)"
            )
        self._live = await self._open(version)
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _open(self, version: versions.Version) -> _Live:
        reader = versions.Reader(version)
        pool = KillablePool(self.size, self.memory_mb, version.db)
        try:
            await asyncio.to_thread(pool.start)
        except Exception as error:
            pool.close()
            reader.close()
            raise BackendUnavailable(f"query workers did not start: {error}") from error
        return _Live(version, reader, pool)

    async def _watch(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.poll_seconds)
            found = versions.current(self.store)
            live = self._live
            if found is None or live is None or found.id == live.version.id:
                continue
            try:
                await self.switch(found)
            except Exception as error:  # keep serving the old version; try again later
                log.error("cannot switch to store version %s: %s", found.id, error)

    async def switch(self, version: versions.Version) -> None:
        """Serve ``version`` from now on; close the old one once nothing new reaches it."""
        new = await self._open(version)
        old, self._live = self._live, new
        self.switches += 1
        log.info("serving store version %s", version.id)
        if old is not None:
            # Queries still running there finish (their answers are then asked anew of the
            # new version); then its children stop and its lock is released.
            retire = asyncio.get_running_loop().create_task(self._retire(old))
            self._retiring.add(retire)
            retire.add_done_callback(self._retiring.discard)

    async def _retire(self, old: _Live) -> None:
        await asyncio.to_thread(old.close, True)
        await asyncio.to_thread(versions.prune, self.store, self.keep_versions)

    async def close(self) -> None:
        self._closed = True
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        for retire in list(self._retiring):
            with contextlib.suppress(Exception):
                await retire
        if self._live is not None:
            await asyncio.to_thread(self._live.close)
            self._live = None

    def health(self) -> dict[str, Any]:
        live = self._live
        if live is None or self._closed:
            return {"ok": False, "workers": 0}
        pool = live.pool.health()
        # A child being replaced leaves the pool degraded, still able to answer: not down.
        return {"ok": True, "version": live.version.id, "switches": self.switches, **pool}

    async def query(self, request: QueryRequest) -> QueryResult:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout
        for _ in range(_RETRIES):
            live = self._live
            if live is None:
                raise BackendUnavailable("the store is closed")
            try:
                # The wait for a free child and the run both count against the limit.
                reply = await live.pool.run(
                    run_in_child, request.query, timeout=max(deadline - loop.time(), 0.001)
                )
            except TimeLimitExceeded as error:
                raise QueryTimeout(_timeout_message(request.timeout, error.waiting)) from None
            except WorkerDied as error:
                if live is not self._live:
                    continue  # the old pool was closed under it: ask the new one
                raise BackendUnavailable(f"{error}; try a smaller query") from None
            if live is self._live:
                return _result(reply)
            # The version changed while the query ran: answer it from the new one.
        raise BackendUnavailable("the store version kept changing while the query ran; try again")


def _timeout_message(limit: float, waiting: bool) -> str:
    if waiting:
        return (
            f"query timed out after {limit:g} s waiting for a free query worker; "
            "the endpoint is busy, try again"
        )
    return f"query timed out after {limit:g} s and was stopped"


def _result(reply: tuple[Any, ...]) -> QueryResult:
    if reply[0] == "ok":
        _, body, format_name, kind, truncated = reply
        return QueryResult(body, BY_NAME[format_name], Kind(kind), truncated)
    _, code, message, line, column = reply
    if code == "syntax":
        raise QuerySyntaxError(message, "query", line, column)
    if code == "not_acceptable":
        raise NotAcceptable(Kind(message))
    if code == "invalid":
        raise InvalidRequest(message)
    raise EvaluationError(message)
