"""CPU-heavy work in a child process that is killed at its time limit.

pySHACL, like pyoxigraph, cannot be interrupted from another thread, so work whose cost a
client controls (validating the RDF it sends) runs in a child process. Children come from a
forkserver that has already imported the library: they start in milliseconds, and they fork
from a clean single-threaded process rather than from the server's threads.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

_PRELOAD = ["icgraph.report", "icgraph.load"]
_context: Any = None


class TimeLimitExceeded(Exception):
    """The work ran past its time limit; its process was killed."""


class WorkerDied(Exception):
    """The child process ended without an answer (killed for memory, or crashed)."""


def _get_context() -> Any:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _context = context
    return _context


def _child(connection: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        connection.send(function(*args))
    finally:
        connection.close()


def run_isolated(function: Callable[..., T], *args: Any, timeout: float) -> T:
    """``function(*args)`` in a child process; kill it after ``timeout`` seconds.

    Blocking: call it from a thread (``asyncio.to_thread``). ``function`` and its arguments
    must pickle, and so must its result; report expected failures in the result rather than
    by raising.
    """
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise TimeLimitExceeded(f"stopped after {timeout:g} s")
        try:
            return receiver.recv()  # type: ignore[no-any-return]
        except EOFError:
            raise WorkerDied(f"the worker ended with exit code {process.exitcode}") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
