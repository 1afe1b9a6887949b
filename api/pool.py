"""One pool of killable child processes for the work whose cost a client controls.

pyoxigraph and pySHACL cannot be interrupted from another thread, so queries and the
validation of uploaded RDF run in child processes that are killed when their time is up or
their request goes away. The pool is pebble's ``ProcessPool`` (chosen over the two pools this
project used to write by hand; measured in ``benchmarks/README.md``):

- at most ``size`` children exist at once, since pebble starts exactly ``max_workers``;
- a task past its timeout, or whose request was cancelled, has its child killed, and pebble
  starts a replacement;
- each child lives under an address-space limit (``RLIMIT_AS``, ``ICGRAPH_WORKER_MEMORY_MB``),
  so a query that would take the machine's memory fails in its child instead;
- a child that dies while a task runs elsewhere is replaced by pebble's manager thread; one
  that dies while every child is idle makes pebble call its whole pool broken, and the pool
  is then replaced whole, at once, by a watcher thread, or by the task that finds it so. No
  request sees a dead pipe, and a task the broken pool took is run again on the new one.

Children are forked from a forkserver that has imported the library already, so a
replacement starts in milliseconds and is forked from a clean single-threaded process rather
than from the server's threads. Each child opens the store version it serves read-only in its
initializer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

import pebble
from pebble.pool.base_pool import PoolStatus

T = TypeVar("T")

#: Imported once by the forkserver, so children start with them loaded.
_PRELOAD = [
    "icgraph.query",
    "icgraph.report",
    "icgraph.load",
    "icgraph.validate",
    "icgraph.assess.scorecard",
    "icgraph.api.backends.worker",
]

#: Seconds between looks at the pool while a task waits for its answer (see KillablePool._answer).
_WATCH = 0.1

#: The store this child serves (set by the initializer; None in a validation-only pool).
STORE: Any = None


class TimeLimitExceeded(Exception):
    """The work ran past its time limit; its child was killed (or it never got one)."""

    def __init__(self, message: str, waiting: bool = False) -> None:
        super().__init__(message)
        #: True when the limit passed while the task still waited for a free child.
        self.waiting = waiting


class WorkerDied(Exception):
    """The child ended without an answer: over its memory limit, or crashed."""


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _initialise(store: str | None, memory_bytes: int) -> None:
    """Runs in each child: cap its address space, then open the store read-only."""
    global STORE
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if store is not None:
        import pyoxigraph as ox

        STORE = ox.Store.read_only(store)


class KillablePool:
    """A fixed number of children that run one task each, each task with its own time limit."""

    def __init__(self, size: int, memory_mb: int, store: Path | None = None) -> None:
        self.size = size
        self.memory_mb = memory_mb
        self.store = store
        self._pool = self._new_pool()
        #: Children killed at a time limit or a cancellation, or lost, since the pool started.
        self.replaced = 0
        self._futures: set[concurrent.futures.Future[Any]] = set()
        #: Set by close(): a stopped pool is not a broken one, and is not replaced.
        self._closed = False
        self._swap = threading.Lock()
        self._stopped = threading.Event()
        threading.Thread(target=self._watch, name="pool-watch", daemon=True).start()

    def _new_pool(self) -> pebble.ProcessPool:
        return pebble.ProcessPool(
            max_workers=self.size,
            initializer=_initialise,
            initargs=(str(self.store) if self.store is not None else None, self.memory_mb * 2**20),
            context=_context(),
        )

    async def run(self, function: Callable[..., T], *args: Any, timeout: float) -> T:
        """``function(*args)`` in a child within ``timeout`` seconds, waiting included.

        Past the limit, or when the caller is cancelled, a running task's child is killed and
        a waiting task is taken off the queue.

        pebble declares its whole pool broken when a child dies while no task runs anywhere
        (it cannot tell that from a failing initializer). Every child is then idle, so the pool
        is replaced and the task run on the new one, within what is left of its limit: a dead
        idle child costs a restart, never an error.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for attempt in (1, 2):
            pool = self._pool
            try:
                return await self._run_on(pool, function, args, deadline, timeout)
            except (BrokenProcessPool, RuntimeError) as error:
                if not _broken(pool, error):
                    raise
                if self._closed:
                    raise WorkerDied(
                        "the worker processes were stopped: the server is closing"
                    ) from None
                self._replace_broken(pool)
                if attempt == 2:
                    raise WorkerDied(
                        f"the worker processes stopped twice while the task waited: {error}"
                    ) from None
        raise AssertionError("unreachable")

    def _replace_broken(self, broken: pebble.ProcessPool) -> pebble.ProcessPool | None:
        """Put a new pool in place of ``broken``; the new one, or None if that was done already."""
        with self._swap:
            if self._pool is not broken or self._closed:
                return None
            self.replaced += 1
            self._pool = new = self._new_pool()
        # A broken pool keeps its live children and threads until joined; joining waits
        # for them to stop, so it happens off the caller's thread (the event loop).
        broken.stop()
        threading.Thread(target=_join, args=(broken,), daemon=True).start()
        return new

    def _watch(self) -> None:
        """Replace a pool pebble declared broken at once, not at the next task.

        pebble breaks its pool when a child dies while no task runs, and then starts no new
        child; without a task coming, the pool would stay short of children (and /health
        degraded) for good. The new pool's children start here, off the event loop.
        """
        while not self._stopped.wait(_WATCH):
            pool = self._pool
            if _declared_broken(pool):
                new = self._replace_broken(pool)
                if new is not None:
                    with contextlib.suppress(Exception):  # the next task tries again
                        new.schedule(os.getpid)

    async def _run_on(
        self,
        pool: pebble.ProcessPool,
        function: Callable[..., T],
        args: tuple[Any, ...],
        deadline: float,
        timeout: float,
    ) -> T:
        loop = asyncio.get_running_loop()
        future = pool.schedule(function, args, timeout=max(deadline - loop.time(), 0.001))
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)
        try:
            return await self._answer(pool, future, deadline)
        except TimeoutError:
            waiting = not future.running()
            self._cancel(future)
            raise TimeLimitExceeded(f"stopped after {timeout:g} s", waiting=waiting) from None
        except (asyncio.CancelledError, BrokenProcessPool):
            self._cancel(future)
            raise
        except concurrent.futures.TimeoutError:  # pebble's own limit on the running task
            self.replaced += 1
            raise TimeLimitExceeded(f"stopped after {timeout:g} s") from None
        except pebble.ProcessExpired as error:
            self.replaced += 1
            raise WorkerDied(self._death(error.exitcode)) from None

    async def _answer(
        self, pool: pebble.ProcessPool, future: concurrent.futures.Future[T], deadline: float
    ) -> T:
        """The task's result by ``deadline`` (TimeoutError past it), watching the pool.

        pebble can declare its pool broken (a child died while no task ran) just after it
        took a task but before it registered it: that task is then neither aborted nor
        answered, pending or acknowledged, until its limit. So the pool is looked at every
        :data:`_WATCH` seconds while the task is unanswered; a broken pool is BrokenProcessPool
        here, and the caller runs the task again on a new pool.
        """
        loop = asyncio.get_running_loop()
        waiter = asyncio.wrap_future(future)
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError
            done, _ = await asyncio.wait((waiter,), timeout=min(left, _WATCH))
            if done:
                return waiter.result()
            if not pool.active:
                raise BrokenProcessPool("the pool broke while the task waited for its answer")

    def _cancel(self, future: concurrent.futures.Future[Any]) -> None:
        running = future.running()
        if future.cancel() and running:  # pebble kills a running task's child
            self.replaced += 1

    def _death(self, exitcode: int | None) -> str:
        return (
            f"the worker process stopped (exit code {exitcode}): it reached its memory limit "
            f"of {self.memory_mb} MB (ICGRAPH_WORKER_MEMORY_MB) or crashed"
        )

    def pids(self) -> list[int]:
        """The children alive now, as the operating system sees them."""
        workers = getattr(self._pool._pool_manager, "worker_manager", None)  # noqa: SLF001
        if workers is None:
            return []
        alive = []
        for process in list(workers.workers.values()):
            pid = process.pid
            if pid is not None and process.is_alive() and _running(pid):
                alive.append(pid)
        return sorted(alive)

    def health(self) -> dict[str, Any]:
        pids = self.pids()
        running = sum(1 for f in list(self._futures) if f.running())
        return {
            "workers": len(pids),
            "size": self.size,
            "idle": max(len(pids) - running, 0),
            "queued": sum(1 for f in list(self._futures) if not f.running() and not f.done()),
            "pids": pids,
            "replaced": self.replaced,
            # A killed child is replaced within moments: the pool is then degraded, not down.
            "status": "ok" if len(pids) == self.size else "degraded",
        }

    def start(self) -> None:
        """Start every child now rather than at the first task."""
        self._pool.schedule(os.getpid).result(timeout=60)

    def close(self, graceful: bool = False) -> None:
        """Release the pool: at once (children killed), or ``graceful``ly, after its tasks."""
        with self._swap:
            self._closed = True
        self._stopped.set()
        if graceful:
            self._pool.close()  # no new tasks; those running finish within their time limits
            self._pool.join()
            return
        self._pool.stop()
        self._pool.join(timeout=10)


def _declared_broken(pool: pebble.ProcessPool) -> bool:
    """True once pebble has called ``pool`` broken (its ``active`` would start a new pool)."""
    return pool._context.status == PoolStatus.ERROR  # noqa: SLF001


def _join(pool: pebble.ProcessPool) -> None:
    """Wait for a stopped pool's children and threads to end (pebble kills the children)."""
    try:
        pool.join(timeout=30)
    except Exception:  # a pool that cannot be joined is left to end with the server
        return


def _broken(pool: pebble.ProcessPool, error: Exception) -> bool:
    """True when ``error`` is pebble saying the pool itself is broken, not the task."""
    if isinstance(error, BrokenProcessPool):
        return True
    return "Unexpected error within the Pool" in str(error) or not pool.active


def _running(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False
