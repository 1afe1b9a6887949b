"""A result cache in front of any backend, for a dataset that does not change while served.

A store version never changes once published, so an answer, once computed, stays correct for
as long as its version is served, and the key holds the version. Identical queries that
arrive together run once. Only complete answers are cached (errors and timeouts are not),
keyed by the store version and the library's query request, which holds everything else that
shapes the bytes: query text, dataset, bindings, negotiated formats, result cap and base IRI.
The LRU bounded in bytes is cachetools'.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from icgraph.api.backends.base import Backend, QueryRequest, QueryResult
from icgraph.errors import QueryTimeout

#: Cache size when the settings do not name one.
DEFAULT_BYTES = 64 * 1024 * 1024

_Key = tuple[Any, ...]


class CachedBackend:
    """Wraps a backend; answers repeated queries from memory (LRU, bounded in bytes)."""

    def __init__(self, inner: Backend, max_bytes: int = DEFAULT_BYTES) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_bytes = max_bytes
        self._entries: LRUCache[_Key, QueryResult] = LRUCache(max_bytes, getsizeof=_size)
        self._running: dict[_Key, asyncio.Future[QueryResult]] = {}
        self.hits = self.misses = 0

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    @property
    def version(self) -> str | None:
        return self.inner.version

    def dumps(self) -> Path | None:
        return self.inner.dumps()

    async def probe(self) -> None:
        """Let the inner backend check its store now, if it can (for /health)."""
        probe = getattr(self.inner, "probe", None)
        if probe is not None:
            await probe()

    def health(self) -> dict[str, Any]:
        return {
            **self.inner.health(),
            "cache": {
                "entries": len(self._entries),
                "bytes": self._entries.currsize,
                "hits": self.hits,
                "misses": self.misses,
            },
        }

    @staticmethod
    def key(request: QueryRequest) -> _Key:
        # The library's request holds everything else that shapes the bytes.
        return (request.query,)

    def _key(self, request: QueryRequest) -> _Key:
        # A new store version makes every cached answer stale: the version is in the key.
        return (self.inner.version, *self.key(request))

    async def query(self, request: QueryRequest) -> QueryResult:
        key = self._key(request)
        cached = self._entries.get(key)
        if cached is not None:
            self.hits += 1
            return cached
        running = self._running.get(key)
        if running is not None:
            # The same query is already running: share its answer, within our own limit.
            self.hits += 1
            try:
                return await asyncio.wait_for(asyncio.shield(running), request.timeout)
            except TimeoutError:
                raise QueryTimeout(
                    f"query timed out after {request.timeout:g} s and was stopped"
                ) from None
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if running.cancelled() and task is not None and not task.cancelling():
                    return await self.query(request)  # its first asker left; run it anew
                raise
        self.misses += 1
        future: asyncio.Future[QueryResult] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await self.inner.query(request)
        except Exception as error:
            future.set_exception(error)
            future.exception()  # retrieved here, so an unshared failure logs no warning
            raise
        except BaseException:
            future.cancel()
            raise
        else:
            future.set_result(result)
            self._store(key, result)
            return result
        finally:
            del self._running[key]

    def _store(self, key: _Key, result: QueryResult) -> None:
        if _size(result) > self.max_bytes // 8:
            return  # one big answer would push out many small ones
        self._entries[key] = result


def _size(result: QueryResult) -> int:
    return len(result.body) + len(result.media_type) + 64
