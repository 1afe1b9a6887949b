"""The killable pool itself: what it does when pebble's own pool breaks under a task."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pebble
import pytest
from pebble.pool.base_pool import PoolStatus

from icgraph.api.pool import KillablePool, WorkerDied

from .serving import alive, wait_for


@pytest.fixture()
def pool() -> Iterator[KillablePool]:
    pool = KillablePool(2, memory_mb=0)
    pool.start()
    try:
        yield pool
    finally:
        pool.close()


def test_a_task_a_broken_pool_never_answers_is_run_again_on_a_new_one(
    pool: KillablePool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pebble declares its pool broken when a child dies while no task runs; a task it took
    # just before, but had not registered yet, is then neither aborted nor answered. That is
    # the state made here: the first task goes nowhere and the pool is marked broken.
    broken = pool._pool  # noqa: SLF001
    lost: list[pebble.ProcessFuture[int]] = []

    def swallow(*_: object, **__: object) -> pebble.ProcessFuture[int]:
        broken._context.status = PoolStatus.ERROR  # noqa: SLF001
        lost.append(pebble.ProcessFuture())
        return lost[-1]

    monkeypatch.setattr(broken, "schedule", swallow)
    # Were the broken pool not noticed, this would end in TimeLimitExceeded after 20 s.
    pid = asyncio.run(pool.run(os.getpid, timeout=20))
    assert lost and pool._pool is not broken  # noqa: SLF001
    assert pid in pool.pids()


def test_a_dead_idle_child_is_replaced_at_once_and_its_pool_leaves_no_child_behind(
    pool: KillablePool,
) -> None:
    first, second = pool.pids()
    os.kill(first, signal.SIGKILL)
    # No task runs, so pebble calls its whole pool broken and starts no child itself; the
    # pool is replaced without waiting for a task to come.
    pids = wait_for(
        lambda: len(p := pool.pids()) == 2 and first not in p and p, "two live children again"
    )
    assert first not in pids
    assert pool.replaced == 1
    # The broken pool's live child is stopped, not left waiting for tasks that never come:
    # never more children than the pool's size.
    wait_for(lambda: not alive(second), "the old pool's live child to stop")
    assert asyncio.run(pool.run(os.getpid, timeout=20)) in pool.pids()


def test_a_task_on_a_closed_pool_fails_and_starts_no_new_one(pool: KillablePool) -> None:
    # A stopped pebble pool is not active, which is how a broken one looks to a task: the task
    # must then fail as the server closing, not put a new pool in its place.
    old = pool._pool  # noqa: SLF001
    pool.close()
    with pytest.raises(WorkerDied, match="closing"):
        asyncio.run(pool.run(os.getpid, timeout=5))
    assert pool._pool is old  # noqa: SLF001
    assert pool.replaced == 0 and pool.pids() == []
