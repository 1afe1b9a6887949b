"""The embedded backend: a pool of worker processes over the on-disk pyoxigraph store.

Each worker (:mod:`icgraph.api.backends.worker`) opens the store read-only and answers one query at
a time over its pipes. A query waits for an idle worker, and both the wait and the run count
against its time limit. When the limit passes, the worker is killed with SIGKILL, which is
the only way to stop a pyoxigraph query, and a fresh worker is started in the background;
the other workers keep answering meanwhile. A worker that dies on its own (say, out of
memory) is replaced the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import struct
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icgraph.api.backends.base import (
    BackendUnavailable,
    NotAcceptable,
    QueryRequest,
    QueryResult,
)
from icgraph.api.errors import EvaluationError, InvalidRequest
from icgraph.api.formats import BY_NAME, Kind
from icgraph import store as icgraph_store
from icgraph.errors import QuerySyntaxError, QueryTimeout
from icgraph.namespaces import PREFIXES

if TYPE_CHECKING:
    from icgraph.config import Settings

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!I")
#: The folder that holds the ``api`` package, so a worker imports the same code.
_CODE_ROOT = str(Path(__file__).resolve().parents[2])
_START_TIMEOUT = 60.0


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        assert process.stdin is not None and process.stdout is not None
        self._stdin = process.stdin
        self._stdout = process.stdout

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def spawn(cls, store: Path, prefixes: Mapping[str, str]) -> _Worker:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [_CODE_ROOT, *(p for p in sys.path if p), env.get("PYTHONPATH", "")]
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "icgraph.api.backends.worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            limit=1 << 20,
        )
        worker = cls(process)
        try:
            reply = await asyncio.wait_for(
                worker.call({"store": str(store.resolve()), "prefixes": dict(prefixes)}),
                _START_TIMEOUT,
            )
        except BaseException:
            worker.kill()
            raise
        if reply[0] != "ready":
            worker.kill()
            raise BackendUnavailable(reply[1])
        return worker

    async def call(self, message: Any) -> Any:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self._stdin.write(_HEADER.pack(len(data)) + data)
        await self._stdin.drain()
        (size,) = _HEADER.unpack(await self._stdout.readexactly(_HEADER.size))
        return pickle.loads(await self._stdout.readexactly(size))

    def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()


class EmbeddedBackend:
    """Answers queries from the on-disk pyoxigraph store, in killable worker processes."""

    name = "embedded"

    def __init__(
        self,
        store: Path,
        workers: int = 2,
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        self.store = store
        self.size = workers
        self.prefixes = dict(PREFIXES if prefixes is None else prefixes)
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        #: Workers killed or lost since start, for the health report.
        self.replaced = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddedBackend:
        return cls(settings.store, workers=settings.query_workers)

    async def start(self) -> None:
        if not icgraph_store.exists(self.store):
            raise FileNotFoundError(
                f"no store at {self.store}; run 'icgraph build' first (or set ICGRAPH_STORE_PATH)"
            )
        workers = await asyncio.gather(
            *(_Worker.spawn(self.store, self.prefixes) for _ in range(self.size)),
            return_exceptions=True,
        )
        failures = [w for w in workers if isinstance(w, BaseException)]
        for worker in workers:
            if isinstance(worker, _Worker):
                self._workers.add(worker)
                self._idle.put_nowait(worker)
        if failures:
            await self.close()
            raise BackendUnavailable(f"query workers did not start: {failures[0]}")

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            worker.kill()
            with contextlib.suppress(Exception):
                await worker.process.wait()
        self._workers.clear()

    def health(self) -> dict[str, Any]:
        return {
            "ok": bool(self._workers) and not self._closed,
            "workers": len(self._workers),
            "idle": self._idle.qsize(),
            "pids": sorted(w.pid for w in self._workers),
            "replaced": self.replaced,
        }

    async def query(self, request: QueryRequest) -> QueryResult:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), request.timeout)
        except TimeoutError:
            raise QueryTimeout(_timeout_message(request.timeout, waiting=True)) from None
        message = (
            request.query,
            request.dataset.default_graphs if request.dataset.given else None,
            request.dataset.named_graphs if request.dataset.given else None,
            # The union of the named graphs is the default graph unless the request or the
            # query names a dataset (pyoxigraph's union flag would override FROM).
            not request.dataset.given and not request.info.has_dataset_clause,
            tuple(
                fmt.name if fmt is not None else None
                for fmt in (
                    request.formats.solutions,
                    request.formats.boolean,
                    request.formats.graph,
                )
            ),
            request.max_results,
            request.base_iri,
        )
        try:
            reply = await asyncio.wait_for(worker.call(message), deadline - loop.time())
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(_timeout_message(request.timeout)) from None
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            self._replace(worker)
            raise BackendUnavailable(
                "the query worker stopped while running this query (it may have run out "
                "of memory); try a smaller query"
            ) from None
        except BaseException:
            # Cancelled (the client went away): the worker is mid-answer, so it cannot be
            # reused.
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return _result(reply)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self._workers.discard(worker)
        self.replaced += 1
        if not self._closed:
            task = asyncio.get_running_loop().create_task(self._respawn(worker))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _respawn(self, old: _Worker) -> None:
        with contextlib.suppress(Exception):
            await old.process.wait()
        delay = 0.5
        while not self._closed:
            try:
                worker = await _Worker.spawn(self.store, self.prefixes)
            except Exception as error:  # keep trying: the store may be mid-publish
                log.error("cannot start a query worker: %s; retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if self._closed:
                worker.kill()
                return
            self._workers.add(worker)
            self._idle.put_nowait(worker)
            return


def _timeout_message(limit: float, waiting: bool = False) -> str:
    if waiting:
        return (
            f"query timed out after {limit:g} s waiting for a free query worker; "
            "the endpoint is busy, try again"
        )
    return f"query timed out after {limit:g} s and was stopped"


def _result(reply: tuple[Any, ...]) -> QueryResult:
    if reply[0] == "ok":
        _, kind, fmt, truncated, body = reply
        return QueryResult(body, BY_NAME[fmt].media_type, Kind(kind), truncated)
    _, code, message, line, column = reply
    if code == "syntax":
        raise QuerySyntaxError(message, "query", line, column)
    if code == "not_acceptable":
        raise NotAcceptable(Kind(message))
    if code == "invalid":
        raise InvalidRequest(message)
    raise EvaluationError(message)
