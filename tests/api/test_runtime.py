"""The serving runtime: store versions, the killable pool's guarantees, a dying child.

Each test runs the real server (``icgraph serve``) on a store of its own, so it can publish new
versions, kill children and count processes without disturbing the other tests.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from icgraph import store, versions

from .serving import numbered_quads, process_state, running_server, wait_for

pytestmark = pytest.mark.slow

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Four cross-joined VALUES blocks: far more rows than any time limit allows to count.
_BLOCK = " ".join(str(i) for i in range(300))
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"{{ VALUES ?{v} {{ {_BLOCK} }} }}" for v in "abcd")
    + " }"
)


def _count(client: httpx.Client) -> int:
    # A text never sent before, so the result cache cannot answer it: a child must.
    r = client.get("/sparql", params={"query": f"{COUNT} # {uuid.uuid4()}"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def _children(server_pid: int) -> list[int]:
    """The pool's children as the OS sees them: processes forked by the server's forkserver."""

    def kids(pid: int) -> list[int]:
        # Every thread's children: the forkserver is started from a worker thread.
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except FileNotFoundError:
                continue
        return found

    found = []
    for child in kids(server_pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"forkserver" in cmdline:
            found += [p for p in kids(child) if process_state(p) not in ("Z", None)]
    return found


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    path = tmp_path / "store"
    store.publish(path, numbered_quads(10))
    with (
        running_server(
            path, query_workers=2, version_poll_seconds=0.2, keep_versions=1, query_timeout=20
        ) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client, path


def test_a_new_version_moves_every_reader_and_no_old_answer_follows(
    served: tuple[httpx.Client, Path],
) -> None:
    client, path = served
    old = versions.current(path)
    assert old is not None and _count(client) == 10
    seen: list[tuple[float, int]] = []
    stop = threading.Event()

    def ask() -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=60) as own:
            while not stop.is_set():
                count = _count(own)
                # The time the answer arrived: the order the guarantee speaks of.
                seen.append((time.monotonic(), count))

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for t in askers:
        t.start()
    new = store.publish(path, numbered_quads(11), keep=1)  # the old one is held by the server: kept
    wait_for(lambda: client.get("/health").json().get("version") == new.id, "the switch")
    time.sleep(1.0)
    stop.set()
    for t in askers:
        t.join()
    answers = [n for _, n in sorted(seen)]
    assert set(answers) <= {10, 11} and 11 in answers
    first_new = answers.index(11)
    assert 10 not in answers[first_new:], "an answer came from the old version after the new one"
    # Every reader moved: the dumps list the new version's statements.
    listed = client.get("/dumps").json()
    nq = next(f for f in listed["files"] if f["name"] == "icgraph.nq")
    assert nq["statements"] == 11
    # The old version is closed and, once no reader holds it, deleted (keep_versions=1).
    wait_for(lambda: not old.folder.exists(), "the old version to be deleted")
    assert [v.id for v in versions.published(path)] == [new.id]


def test_the_pool_never_runs_more_children_than_configured(
    served: tuple[httpx.Client, Path],
) -> None:
    client, _ = served
    server = int(client.get("/health").json()["server_pid"])
    counts: list[int] = []
    results: list[int] = []

    def runaway(n: int) -> None:
        r = client.post("/sparql", data={"query": f"{RUNAWAY} # {n}", "timeout": "2"})
        results.append(r.status_code)

    threads = [threading.Thread(target=runaway, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        counts.append(len(_children(server)))
        time.sleep(0.02)
    # Two query children, however many queries wait (the validation pool starts no child
    # until an upload comes).
    assert max(counts) == 2, counts
    assert sorted(set(results)) == [503]
    # Every timed-out task had its child killed: none of the runaways is still computing.
    wait_for(lambda: client.get("/health").json()["idle"] == 2, "two idle children")


def test_a_cancelled_request_kills_its_child(served: tuple[httpx.Client, Path]) -> None:
    client, _ = served
    before = set(client.get("/health").json()["pids"])
    with pytest.raises(httpx.ReadTimeout):
        client.post("/sparql", data={"query": RUNAWAY}, timeout=1.5)  # the client gives up
    # Its request is cancelled, so its child is killed long before the 20 s limit.
    wait_for(lambda: before - set(client.get("/health").json()["pids"]), "the child to be killed")
    assert _count(client) == 10


def test_a_dead_idle_child_is_replaced_and_never_gives_a_500(
    served: tuple[httpx.Client, Path],
) -> None:
    client, _ = served
    health = client.get("/health").json()
    victim = health["pids"][0]
    os.kill(victim, signal.SIGKILL)
    statuses = []
    for _ in range(20):
        h = client.get("/health")
        statuses.append((h.status_code, h.json()["status"]))
        assert _count(client) == 10
    assert all(code == 200 for code, _ in statuses), statuses
    assert {s for _, s in statuses} <= {"ok", "degraded"}
    after = wait_for(
        lambda: (h := client.get("/health").json())["workers"] == 2 and h, "the replacement"
    )
    assert victim not in after["pids"]


def test_a_query_over_the_memory_limit_gets_a_503_that_says_so(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store.publish(path, numbered_quads(10))
    # Sorting every row of a large cross product holds them all in memory.
    hungry = (
        "SELECT ?a ?b ?c WHERE { "
        + " ".join(f"{{ VALUES ?{v} {{ {_BLOCK} }} }}" for v in "abc")
        + ' } ORDER BY DESC(CONCAT(STR(?a), STR(?b), STR(?c), "padding-padding-padding"))'
    )
    with (
        running_server(path, query_workers=1, worker_memory_mb=900, query_timeout=60) as base,
        httpx.Client(base_url=base, timeout=90) as client,
    ):
        r = client.get("/sparql", params={"query": hungry, "format": "tsv"})
        assert r.status_code == 503, r.text[:200]
        assert "memory limit" in r.text
        assert "ICGRAPH_WORKER_MEMORY_MB" in r.text
        wait_for(lambda: client.get("/health").json()["workers"] == 1, "a new child")
        assert _count(client) == 10


def test_validations_stay_within_their_pool_and_stop_with_their_requests(tmp_path: Path) -> None:
    """Eight concurrent uploads, two validation children: never more, and none runs on."""
    path = tmp_path / "store"
    store.publish(path, numbered_quads(10))
    states = "\n".join(f"<https://example.org/state/S{i}> a icg:MemberState ." for i in range(300))
    body = ("@prefix icg: <https://w3id.org/icgraph/ontology#> .\n" + states).encode()
    with (
        running_server(
            path,
            query_workers=1,
            validation_workers=2,
            validation_timeout=2,
            max_body_bytes=100_000,
        ) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        server = int(client.get("/health").json()["server_pid"])
        counts: list[int] = []
        statuses: list[int] = []

        def upload() -> None:
            r = client.post("/validate", content=body, headers={"content-type": "text/turtle"})
            statuses.append(r.status_code)

        threads = [threading.Thread(target=upload) for _ in range(8)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            counts.append(len(_children(server)))
            time.sleep(0.02)
        assert max(counts) == 1 + 2, counts  # one query child, two validation children
        assert set(statuses) <= {200, 503} and len(statuses) == 8
        # Once every client has its answer, no validation is left running.
        validation = client.get("/health").json()["validation"]
        assert validation["queued"] == 0
        assert validation["idle"] == validation["workers"], validation
