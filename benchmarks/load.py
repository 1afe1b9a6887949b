"""Load benchmark: the icgraph facade against rdflib-endpoint, or over remote SPARQL stores.

Starts both servers as child processes on 127.0.0.1, checks they agree on every query, then
drives each in turn with N concurrent keep-alive clients for a fixed time, and prints
throughput, p50 and p99 for each and their ratio. Also measures the engine's in-process
query rate on the same queries (the ceiling an HTTP facade can approach).

    .venv/bin/python benchmarks/load.py [--clients 8] [--duration 10]
    .venv/bin/python benchmarks/load.py --stores [--clients 8] [--duration 10] [--parameter-free]

``--stores`` compares, in one run, the facade over Oxigraph server, Oxigraph server direct,
Virtuoso direct and the facade over Virtuoso (where ``virtuoso-t`` is installed), each facade
with and without its result cache, and the embedded facade, on the catalogue queries that
every target answers alike (``--parameter-free``: only those that declare no parameters), and
the embedded facade against Oxigraph's own server on the build (``serve-read-only``).

Data and queries: the real store (ICGRAPH_STORE_PATH or var/store, built with the real
pipeline into a temporary folder if absent) and the catalogue ``queries/*.rq``; without a
catalogue, the fixed graph and queries in ``benchmarks/fallback/``. See README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from icgraph import versions  # noqa: E402
from icgraph.config import Settings  # noqa: E402
from icgraph.namespaces import PREFIXES  # noqa: E402

FALLBACK = HERE / "fallback"
HOST = "127.0.0.1"
ACCEPT = "application/sparql-results+json"
REQUEST_TIMEOUT = 60.0
MAX_REQUESTS = 2_000_000
#: Slices each target's duration is cut into with --stores (the targets take turns).
ROUNDS = 5


# --- data and queries ------------------------------------------------------------------------


def fallback_graph() -> str:
    """A deterministic graph in the icgraph vocabulary for the fallback queries (TriG)."""
    head = (
        "@prefix icg: <https://w3id.org/icgraph/ontology#> .\n"
        "@prefix id: <https://w3id.org/icgraph/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix g: <https://w3id.org/icgraph/graph/> .\n"
    )
    states, instruments = [], []
    kinds = ["Legislation", "StrategyOrPlan", "FundingStream", "Programme"]
    for i in range(46):
        states.append(
            f'id:state{i} a icg:MemberState ; rdfs:label "State {i:02d}"@en ; '
            f'icg:alpha2Code "S{i:02d}" .'
        )
        for j in range(i % 7 + 1):
            kind = kinds[(i + j) % len(kinds)]
            instruments.append(
                f'id:inst{i}-{j} a icg:{kind} ; rdfs:label "{kind} {i}-{j}"@en ; '
                f"icg:inState id:state{i}"
                + (f" ; icg:amount {1000 * (j + 1)}" if j % 2 else "")
                + " ."
            )
    return (
        head
        + "g:states {\n"
        + "\n".join(states)
        + "\n}\n"
        + "g:instruments {\n"
        + "\n".join(instruments)
        + "\n}\n"
    )


def _publish(path: Path, trig: str) -> Path:
    from icgraph.store import publish

    publish(path, lambda s: s.load(trig.encode(), format=ox.RdfFormat.TRIG))
    return path


def resolve_workload(args: argparse.Namespace, tmp: Path) -> tuple[Path, dict[str, str], str]:
    """The store to serve, the queries by name, and a description of where they came from."""
    from icgraph import store as store_module

    settings = Settings()
    catalogue = sorted(settings.queries_dir.glob("*.rq")) if not args.fallback else []
    if catalogue:
        store = Path(args.store) if args.store else settings.store
        if not store_module.exists(store):
            from icgraph.build import build

            print(f"no store at {store}; building the real graph into {tmp} ...", flush=True)
            store = tmp / "store"
            build(Settings(store_path=store))
        queries = {p.stem: p.read_text(encoding="utf-8") for p in catalogue}
        if args.parameter_free:
            from icgraph.catalogue import load_catalogue

            # The queries the catalogue gives no parameters: one fixed answer each.
            entries = load_catalogue(settings.queries_dir)
            queries = {
                k: v for k, v in queries.items() if k in entries and not entries[k].parameters
            }
            return (
                store,
                queries,
                (f"catalogue {settings.queries_dir}, parameter-free ({len(queries)} queries)"),
            )
        return store, queries, f"catalogue {settings.queries_dir} ({len(queries)} queries)"
    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted(FALLBACK.glob("*.rq"))}
    if not queries:
        sys.exit(f"no queries: neither {settings.queries_dir}/*.rq nor {FALLBACK}/*.rq exist")
    store = _publish(tmp / "store", fallback_graph())
    return store, queries, f"fallback {FALLBACK} ({len(queries)} queries)"


def published_version(store: Path) -> versions.Version:
    """The version a published store serves now; exits when it has none."""
    version = versions.current(store)
    if version is None:
        sys.exit(f"{store} holds no published version: run icgraph build first")
    return version


def catalogue_texts(parameter_free: bool) -> list[str]:
    """The catalogue's query texts in name order (``parameter_free``: those with no parameter)."""
    from icgraph.catalogue import load_catalogue

    entries = sorted(load_catalogue(Settings().queries_dir).items())
    return [q.text for _, q in entries if not (parameter_free and q.parameters)]


def with_prologue(query: str) -> str:
    """Declare the project's prefixes, which rdflib-endpoint does not know by default."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + query


# --- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], limit: float = 120.0) -> float:
    start = time.monotonic()
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() - start < limit:
        if process.poll() is not None:
            sys.exit(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.02)
    sys.exit(f"server for {url} did not answer within {limit:.0f} s")


def start_facade(
    store: Path, workers: int, cache: bool = True, command: list[str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``icgraph serve`` on ``store`` (or ``command``, a server taking the same settings)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICGRAPH_")}
    env.update(
        {
            "ICGRAPH_STORE_PATH": str(store),
            "ICGRAPH_PORT": str(port),
            "ICGRAPH_HOST": HOST,
            "ICGRAPH_QUERY_WORKERS": str(workers),
        }
    )
    if not cache:
        # Every request then runs its query in a worker: the engine-bound figure.
        env["ICGRAPH_RESULT_CACHE_BYTES"] = "0"
    process = subprocess.Popen(
        command or [sys.executable, "-m", "icgraph", "serve"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://{HOST}:{port}/sparql"


def start_rdflib_endpoint(quads: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(HERE / "rdflib_server.py"), str(quads), str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, f"http://{HOST}:{port}/sparql"


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the load client -------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    latencies: list[float]
    errors: int
    elapsed: float
    #: CPU seconds the whole machine spent while the run lasted (server, client and the rest).
    busy: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed

    def add(self, other: Run) -> None:
        """Count ``other`` (a later slice of the same target) into this run."""
        self.latencies += other.latencies
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.busy += other.busy

    @property
    def cpu_ms_per_request(self) -> float:
        """The machine's CPU time per answered request: what a request costs, on any target."""
        return 1000 * self.busy / max(len(self.latencies), 1)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip()
        for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = b""
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


def _request_bytes(url: str, query: str) -> bytes:
    parts = urllib.parse.urlsplit(url)
    # A target URL may carry parameters of its own (a store's dataset); the query joins them.
    target = (
        parts.path
        + "?"
        + urllib.parse.urlencode({"query": query})
        + (f"&{parts.query}" if parts.query else "")
    )
    return (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: {ACCEPT}\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()


async def _client(
    index: int,
    url: str,
    requests: list[bytes],
    until: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port, limit=1 << 22)
    i = index
    try:
        while time.perf_counter() < until and len(latencies) < MAX_REQUESTS:
            start = time.perf_counter()
            writer.write(requests[i % len(requests)])
            status, _ = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT)
            if status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors.append(status)
            i += 1
    finally:
        writer.close()


def machine_busy() -> float:
    """CPU seconds the machine's cores have spent running work since boot, all cores summed.

    Idle, I/O wait and steal (time the hypervisor gave to other machines) are left out.
    """
    with open("/proc/stat", encoding="ascii") as stat:
        fields = stat.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


async def drive(url: str, queries: list[str], clients: int, seconds: float) -> Run:
    requests = [_request_bytes(url, q) for q in queries]
    latencies: list[float] = []
    errors: list[int] = []
    busy = machine_busy()
    start = time.perf_counter()
    await asyncio.gather(
        *(_client(i, url, requests, start + seconds, latencies, errors) for i in range(clients))
    )
    elapsed = time.perf_counter() - start
    return Run(url, latencies, len(errors), elapsed, machine_busy() - busy)


def load(url: str, queries: list[str], clients: int, warmup: float, seconds: float) -> Run:
    asyncio.run(drive(url, queries, clients, warmup))
    return asyncio.run(drive(url, queries, clients, seconds))


# --- correctness and the in-process ceiling --------------------------------------------------


def row_count(url: str, query: str) -> int | str:
    """Rows in the answer, or the error the server gave."""
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            return len(json.loads(response.read())["results"]["bindings"])
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.read()[:120].decode(errors='replace')}"


def in_process_rate(store_path: Path, queries: list[str], seconds: float) -> float:
    store = ox.Store.read_only(str(store_path.resolve()))
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for query in queries:
            store.query(query, use_default_graph_as_union=True).serialize(
                format=ox.QueryResultsFormat.JSON
            )
            done += 1
    return done / (time.perf_counter() - start)


# --- main ------------------------------------------------------------------------------------


def rows(url: str, query: str) -> list[dict[str, dict[str, str]]] | str:
    """The answer's SPARQL JSON rows, or the error the server gave (URL parameters kept)."""
    parts = urllib.parse.urlsplit(url)
    params = [("query", query), *urllib.parse.parse_qsl(parts.query)]
    request = urllib.request.Request(
        parts._replace(query="").geturl(),
        data=urllib.parse.urlencode(params).encode(),
        headers={"Accept": ACCEPT},
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            return list(json.loads(response.read())["results"]["bindings"])
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.read()[:120].decode(errors='replace')}"


def stores_main(args: argparse.Namespace) -> None:
    """The facade over Oxigraph server and Virtuoso against the stores direct, in one run."""
    from contextlib import ExitStack

    from icgraph.edition import pointer_query
    from tests.api.stores import (
        concat_columns,
        facade_over,
        normalised,
        oxigraph_server,
        publish_to,
        virtuoso_available,
        virtuoso_server,
    )

    with tempfile.TemporaryDirectory(prefix="icgraph-bench-") as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        store, named, source = resolve_workload(args, tmp)
        version = versions.current(store)
        print(f"workload: {source}; store {store} (version {version.id if version else '?'})")
        load_avg = os.getloadavg()
        print(
            f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, {platform.machine()}, load average "
            + " ".join(f"{x:.2f}" for x in load_avg)
        )
        targets: dict[str, str] = {}
        facade_settings = {"query_workers": args.workers, "query_timeout": 60}
        remotes = [("Oxigraph", stack.enter_context(oxigraph_server(tmp / "oxigraph")))]
        if virtuoso_available():
            remotes.append(("Virtuoso", stack.enter_context(virtuoso_server(tmp / "virtuoso"))))
        else:
            print("virtuoso-t is not installed: Virtuoso is left out of this run")
        for label, remote in remotes:
            publish_to(store, remote)
            # Direct: the store gets what the facade would send, the live edition's dataset.
            graphs = [
                row["graph"]["value"]
                for row in rows(remote.query, pointer_query("https://w3id.org/icgraph/"))
            ]  # type: ignore[index,union-attr]
            dataset = urllib.parse.urlencode(
                [("default-graph-uri", g) for g in graphs]
                + [("named-graph-uri", g) for g in graphs]
            )
            targets[f"{label} direct"] = f"{remote.query}?{dataset}"
            for cache in (True, False):
                base = stack.enter_context(
                    facade_over(
                        remote,
                        store,
                        **facade_settings,
                        **({} if cache else {"result_cache_bytes": 0}),
                    )
                )
                targets[f"facade over {label}" + ("" if cache else ", no cache")] = base + "/sparql"
        # The build served as it is, no pointer: the store's union default graph, no dataset.
        if version is not None:
            plain = stack.enter_context(oxigraph_server(version.db, read_only=True, union=True))
            targets["Oxigraph read-only (union) direct"] = plain.query
            base = stack.enter_context(
                facade_over(plain, store, **facade_settings, result_cache_bytes=0)
            )
            targets["facade over it, no cache"] = base + "/sparql"
        for cache in (True, False):
            process, url = start_facade(store, args.workers, cache=cache)
            stack.callback(stop, process)
            wait_ready(url, process)
            targets["embedded facade" + ("" if cache else ", no cache")] = url

        # Only the queries every target answers alike are timed.
        agreed, disagreed = [], []
        for name, query in named.items():
            answers = {}
            for label, url in targets.items():
                got = rows(url, query)
                answers[label] = (
                    got if isinstance(got, str) else normalised(got, concat_columns(query))
                )
            first = next(iter(answers.values()))
            if all(a == first for a in answers.values()) and not isinstance(first, str):
                agreed.append(query)
            else:
                odd = [k for k, a in answers.items() if a != answers["embedded facade"]]
                disagreed.append(f"{name}: differs on {', '.join(odd)}")
        timed = list(named.values()) if args.all_queries else agreed
        if not timed:
            sys.exit("the targets agree on no query; nothing fair to time")
        # Interleaved: each target gets ROUNDS slices of the duration, in turn, so that a
        # change in what else the machine runs falls on every target alike.
        runs: dict[str, Run] = {}
        for url in targets.values():
            asyncio.run(drive(url, timed, args.clients, args.warmup))
        for round_ in range(ROUNDS):
            print(f"round {round_ + 1} of {ROUNDS} over {len(targets)} targets ...", flush=True)
            for label, url in targets.items():
                run = asyncio.run(drive(url, timed, args.clients, args.duration / ROUNDS))
                runs.setdefault(label, Run(label, [], 0, 0.0)).add(run)

    print()
    print(
        f"{'target':<32}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/req':>12}"
    )
    for label, run in runs.items():
        print(
            f"{label:<32}{len(run.latencies):>10}{run.errors:>8}{run.throughput:>10.1f}"
            f"{run.percentile(50):>9.2f}{run.percentile(99):>9.2f}{run.cpu_ms_per_request:>12.2f}"
        )
    print("CPU ms/req: the whole machine's CPU time (server, load client, the rest) per answer")
    goals = {}
    for label, _ in remotes:
        direct = runs[f"{label} direct"].throughput
        uncached = runs[f"facade over {label}, no cache"].throughput / direct
        cached = runs[f"facade over {label}"].throughput / direct
        goals[label] = {"uncached_share": uncached, "cached_ratio": cached}
        print(
            f"{label}: facade without cache = {100 * uncached:.0f}% of the store direct "
            f"(goal >= 80%); with the cache {cached:.1f}x the store direct (goal >= 2x)"
        )
    if "Oxigraph read-only (union) direct" in runs:
        plain = runs["Oxigraph read-only (union) direct"].throughput
        share = runs["facade over it, no cache"].throughput / plain
        print(
            f"Oxigraph read-only, union default graph: the facade without cache = "
            f"{100 * share:.0f}% of it; naming the edition's graphs as "
            f"the dataset costs Oxigraph {plain / runs['Oxigraph direct'].throughput:.1f}x"
        )
        # The comparison: the embedded facade against Oxigraph's own server, same store.
        peer = runs["Oxigraph read-only (union) direct"]
        for label, goal in (("embedded facade, no cache", 0.8), ("embedded facade", 3.0)):
            ours = runs[label]
            ratio = ours.throughput / peer.throughput
            goals[label] = {
                "ratio_to_oxigraph_read_only": ratio,
                "p99_ms": ours.percentile(99),
                "oxigraph_read_only_p99_ms": peer.percentile(99),
            }
            print(
                f"{label}: {ratio:.2f}x Oxigraph read-only's throughput (goal >= {goal:g}x), "
                f"p99 {ours.percentile(99):.1f} ms against {peer.percentile(99):.1f} ms"
            )
    print(f"timed {len(timed)} of {len(named)} catalogue queries (every target answers alike)")
    if disagreed:
        print("not timed:\n  " + "\n  ".join(disagreed))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "source": source,
                    "clients": args.clients,
                    "duration": args.duration,
                    "cores": os.cpu_count(),
                    "load_average": load_avg,
                    "timed_queries": len(timed),
                    "disagreed": disagreed,
                    "goals": goals,
                    "runs": figures(runs),
                },
                indent=2,
            )
        )


def figures(runs: dict[str, Run]) -> dict[str, dict[str, float]]:
    """Each target's run as the --json file gives it."""
    return {
        k: {
            "requests": len(r.latencies),
            "errors": r.errors,
            "throughput": r.throughput,
            "p50_ms": r.percentile(50),
            "p99_ms": r.percentile(99),
            "cpu_ms_per_request": r.cpu_ms_per_request,
        }
        for k, r in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per target")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2, help="facade query workers")
    parser.add_argument("--store", help="serve this store instead of the configured one")
    parser.add_argument("--fallback", action="store_true", help="use benchmarks/fallback/")
    parser.add_argument(
        "--all-queries",
        action="store_true",
        help="time every query, even those the servers disagree on",
    )
    parser.add_argument(
        "--parameter-free",
        action="store_true",
        help="time only the catalogue queries that declare no parameters",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--stores",
        action="store_true",
        help="compare the facade over Oxigraph server and Virtuoso with the stores direct",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 0 < args.duration <= 120:
        sys.exit("keep --clients in 1..64 and --duration in (0, 120] seconds")
    if args.stores:
        stores_main(args)
        return

    with tempfile.TemporaryDirectory(prefix="icgraph-bench-") as tmp_name:
        tmp = Path(tmp_name)
        store, named, source = resolve_workload(args, tmp)
        queries = [with_prologue(q) for q in named.values()]
        quads = tmp / "graph.nq"
        ox.serialize(
            ox.Store.read_only(str(store.resolve())).quads_for_pattern(None, None, None, None),
            str(quads),
            format=ox.RdfFormat.N_QUADS,
        )
        print(f"workload: {source}; store {store}")
        print(
            f"machine: {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, {platform.machine()}"
        )

        facade, facade_url = start_facade(store, args.workers)
        uncached, uncached_url = start_facade(store, args.workers, cache=False)
        peer, peer_url = start_rdflib_endpoint(quads)
        try:
            startup = wait_ready(facade_url, facade)
            wait_ready(uncached_url, uncached)
            wait_ready(peer_url, peer)
            # Only queries both answer alike are timed: an error answer is cheap, and
            # timing a wrong answer says nothing.
            mismatches, agreed = [], []
            for name, query in zip(named, queries, strict=False):
                ours, theirs = row_count(facade_url, query), row_count(peer_url, query)
                if ours == theirs:
                    agreed.append(query)
                else:
                    mismatches.append(f"{name}: icgraph {ours} rows; rdflib-endpoint {theirs}")
            timed = queries if args.all_queries else agreed
            if not timed:
                sys.exit("the two servers agree on no query; nothing fair to time")
            runs = {}
            for label, url in (
                ("icgraph facade", facade_url),
                ("icgraph, no cache", uncached_url),
                ("rdflib-endpoint", peer_url),
            ):
                print(
                    f"loading {label} with {args.clients} clients for {args.duration:g} s "
                    f"on {len(timed)} queries ...",
                    flush=True,
                )
                runs[label] = load(url, timed, args.clients, args.warmup, args.duration)
        finally:
            stop(facade)
            stop(uncached)
            stop(peer)
        ceiling = in_process_rate(store, timed, min(args.duration, 5.0))

    ours, theirs = runs["icgraph facade"], runs["rdflib-endpoint"]
    engine = runs["icgraph, no cache"]
    print()
    print(
        f"{'target':<20}{'clients':>8}{'requests':>10}{'errors':>8}{'req/s':>10}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/req':>12}"
    )
    for label, run in runs.items():
        print(
            f"{label:<20}{args.clients:>8}{len(run.latencies):>10}{run.errors:>8}"
            f"{run.throughput:>10.1f}{run.percentile(50):>9.2f}{run.percentile(99):>9.2f}"
            f"{run.cpu_ms_per_request:>12.2f}"
        )
    for label, run in (("icgraph facade", ours), ("icgraph, no cache", engine)):
        print(
            f"{label} / rdflib-endpoint: throughput {run.throughput / theirs.throughput:.1f}x,"
            f" p99 {theirs.percentile(99) / run.percentile(99):.1f}x lower"
        )
    print(
        f"in-process engine (pyoxigraph, 1 thread, same queries): {ceiling:.1f} queries/s; "
        f"no-cache facade = {100 * engine.throughput / ceiling:.0f}% of it "
        f"(the cached facade does not run the engine on repeats)"
    )
    print(f"facade start to first answer (workers ready): {startup:.2f} s")
    print(
        f"timed {len(timed)} of {len(queries)} queries"
        + ("" if args.all_queries else " (those both servers answer with the same row count)")
    )
    if mismatches:
        print(
            "the servers disagree on (icgraph's answers are pyoxigraph's):\n  "
            + "\n  ".join(mismatches)
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "source": source,
                    "clients": args.clients,
                    "duration": args.duration,
                    "cores": os.cpu_count(),
                    "ceiling_qps": ceiling,
                    "startup_s": startup,
                    "mismatches": mismatches,
                    "timed_queries": len(timed),
                    "queries": len(queries),
                    "runs": figures(runs),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
