"""Limits that hold: a runaway query is stopped while others are answered; SERVICE is gated."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient

from icgraph.api.app import create_app
from icgraph.api.backends.base import QueryRequest
from icgraph.config import Settings
from icgraph.formats import BY_NAME, Kind
from icgraph.query import Answer

from .conftest import Listener
from .serving import alive, wait_for

# Four cross-joined VALUES blocks: 8.1e9 rows to count, far more than any timeout allows,
# independent of the data, and small enough for the body cap.
_BLOCK = " ".join(str(i) for i in range(300))
PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"{{ VALUES ?{v} {{ {_BLOCK} }} }}" for v in "abcd")
    + " }"
)


def test_timeout_stops_the_query_and_others_are_answered(api_server: str) -> None:
    with httpx.Client(base_url=api_server, timeout=60) as client:
        before = wait_for(
            lambda: (h := client.get("/health").json())["idle"] == 2 and h, "idle workers"
        )
        slow: dict[str, httpx.Response] = {}

        def run_slow() -> None:
            slow["response"] = client.post(
                "/sparql", data={"query": PATHOLOGICAL, "timeout": "1.5"}
            )

        thread = threading.Thread(target=run_slow)
        thread.start()
        # Once a worker is busy with it, the other answers a normal query meanwhile.
        wait_for(lambda: client.get("/health").json()["idle"] == 1, "the slow query to start")
        # A text never sent before, so the result cache cannot answer it: a worker must.
        fresh = f'ASK {{ ?s icg:alpha2Code "AT" }} # {uuid.uuid4()}'
        quick = client.get(
            "/sparql",
            params={"query": fresh},
            headers={"accept": "application/sparql-results+json"},
        )
        assert quick.status_code == 200
        assert quick.json()["boolean"] is True
        assert thread.is_alive(), "the pathological query finished instead of running on"

        thread.join(timeout=60)
        response = slow["response"]
        assert response.status_code == 503
        assert "query timed out after 1.5 s and was stopped" in response.text

        # The worker that ran it is gone (no longer using CPU) and has been replaced. SIGKILL
        # was sent before the answer; the exit itself may lag a moment behind.
        killed = wait_for(lambda: [p for p in before["pids"] if not alive(p)], "the kill")
        assert len(killed) == 1, before["pids"]
        after = wait_for(
            lambda: (h := client.get("/health").json())["workers"] == 2 and h, "a new worker"
        )
        assert after["replaced"] >= 1
        assert killed[0] not in after["pids"]
        again = client.get("/sparql", params={"query": f"ASK {{}} # {uuid.uuid4()}"})
        assert again.status_code == 200


class RecordingBackend:
    """Answers every query with an empty result and keeps the requests it was given."""

    name = "recording"

    def __init__(self) -> None:
        self.requests: list[QueryRequest] = []

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def query(self, request: QueryRequest) -> Answer:
        self.requests.append(request)
        return Answer(b'{"head":{},"boolean":true}', BY_NAME["json"], Kind.BOOLEAN)

    def health(self) -> dict[str, object]:
        return {"ok": True}


@pytest.mark.parametrize(("asked", "given"), [("9999", 7.0), ("2.5", 2.5), (None, 7.0)])
def test_server_limit_caps_the_client_timeout(
    settings: Settings, asked: str | None, given: float
) -> None:
    """A client may shorten the server's limit (7 s here) but never lift it."""
    backend = RecordingBackend()
    limited = settings.model_copy(update={"query_timeout": 7.0, "result_cache_bytes": 0})
    params = {"query": "ASK {}"} | ({"timeout": asked} if asked else {})
    with TestClient(create_app(limited, backend=backend)) as client:
        assert client.get("/sparql", params=params).status_code == 200
    assert [r.timeout for r in backend.requests] == [given]


def test_service_to_an_unlisted_endpoint_never_connects(
    endpoint: str, silent_listener: Listener
) -> None:
    queries = [
        f"SELECT * WHERE {{ SERVICE <{silent_listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{silent_listener.url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{silent_listener.url.rsplit('/', 1)[0]}/> "
        "SELECT * WHERE { SERVICEx:sparql { ?s ?p ?o } }",
        f"SELECT * WHERE {{ BIND(<{silent_listener.url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{silent_listener.url}> {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        r = httpx.get(endpoint, params={"query": query}, timeout=30)
        assert r.status_code == 400, (query, r.text)
        assert "is refused" in r.text
    assert silent_listener.poll() == []


def test_service_to_an_allowed_endpoint_is_called(
    endpoint: str, allowed_endpoint: tuple[str, list[str]]
) -> None:
    # The control for the test above: the gate, not some other failure, stopped those calls.
    url, calls = allowed_endpoint
    r = httpx.get(
        endpoint,
        params={"query": f"SELECT ?remote WHERE {{ SERVICE <{url}> {{}} }}"},
        headers={"accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert calls, "the allowed endpoint was never called"
    bindings = r.json()["results"]["bindings"]
    assert bindings == [{"remote": {"type": "literal", "value": "from the allowed endpoint"}}]


@pytest.mark.parametrize("timeout", ["0.5"])
def test_timeout_while_waiting_for_a_worker_is_also_a_timeout(
    api_server: str, timeout: str
) -> None:
    # Both workers busy with runaway queries: a third query waits, and its own time limit
    # still holds.
    with httpx.Client(base_url=api_server, timeout=60) as client:
        wait_for(lambda: client.get("/health").json()["idle"] == 2, "idle workers")
        results: list[httpx.Response] = []
        # Different texts, so they are not merged into one run.
        threads = [
            threading.Thread(
                target=lambda n=n: results.append(
                    client.post("/sparql", data={"query": f"{PATHOLOGICAL} # {n}", "timeout": "3"})
                )
            )
            for n in range(2)
        ]
        for t in threads:
            t.start()
        wait_for(lambda: client.get("/health").json()["idle"] == 0, "both workers busy")
        waiting = client.get(
            "/sparql", params={"query": f"ASK {{}} # {uuid.uuid4()}", "timeout": timeout}
        )
        assert waiting.status_code == 503
        assert "waiting for a free query worker" in waiting.text
        for t in threads:
            t.join(timeout=60)
        assert [r.status_code for r in results] == [503, 503]
        wait_for(lambda: client.get("/health").json()["idle"] == 2, "workers replaced")
