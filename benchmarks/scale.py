"""How build, validation, store size, memory and query latency grow with the graph.

    .venv/bin/python benchmarks/scale.py --factors 1,10,100 --json scale.json --png scale.png
    .venv/bin/python benchmarks/scale.py --factors 1000 --json scale-1000.json   # alone, last

For each factor F, ``icgraph.synthetic`` writes a project folder whose data hold the real
graph's 32 responding states F times over (with their practices, actors, instruments, groups,
events, places and amounts; what the states share stays single), and a child process:

1. builds it with the real pipeline (``icgraph.build``), timing each stage as the build names
   it; validation is the build's one SHACL pass (its Violations are the integrity gate, and it
   is the published report);
2. measures the published store's size on disk and its own peak RSS (and the peak RSS of
   its children, HermiT's JVM when it runs);
3. starts ``icgraph serve`` on the store with the result cache off
   (``ICGRAPH_RESULT_CACHE_BYTES=0``, so every request runs its query), and times with one
   keep-alive client every catalogue query (``GET /queries/<name>``, SPARQL JSON), unbound
   (every state: the answer grows with F) and, where it takes a state, for one state
   (``?state=FI``: at F times, the F copies that share Finland's code), and a few
   ``/id/`` documents (Turtle and HTML), sequentially, as latencies; plus the engine alone
   (pyoxigraph in-process, the same catalogue texts) for reference.

A watchdog kills the child when the RSS of its whole process tree passes ``--max-rss-gb``
(default 20 of the machine's 24), and the table says which stage ran out. Each figure is
printed with the load average at the time, since the machine is shared. The table goes to
stdout, ``--json`` gets every figure, and ``--png`` a log-log plot of each stage's cost
against the number of triples with its fitted slope (1.0 is linear).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Documents of the real graph that every factor keeps (the copies get other IRIs).
DOCUMENTS = (
    "/id/state/FI",
    "/id/actor/fi/ministry-of-employment-and-economy",
    "/id/instrument/fi/special-state-grant",
    "/id/practice/funding-streams/FI",
)
#: The state whose code the bound catalogue requests give (at F times, its F copies share it).
BOUND_STATE = "FI"


def stages(rows: list[dict[str, Any]]) -> list[str]:
    """The build's stages in the order it ran them, as its timings name them."""
    names: list[str] = []
    for row in rows:
        for name in row.get("stages_s", {}):
            if name not in names:
                names.append(name)
    return names


def is_validation(stage: str) -> bool:
    return stage.startswith("valid")


def is_reasoning(stage: str) -> bool:
    return stage.startswith("reason")


def load() -> float:
    return os.getloadavg()[0]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# --- In the child: one factor ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed_get(conn: http.client.HTTPConnection, path: str, accept: str) -> tuple[float, int]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    return time.perf_counter() - start, response.status


def serve_and_measure(root: Path, store: Path, requests: int, budget: float) -> dict[str, Any]:
    from icgraph.catalogue import load_catalogue

    port = free_port()
    env = {
        **os.environ,
        "ICGRAPH_ROOT": str(root),
        "ICGRAPH_STORE_PATH": str(store),
        "ICGRAPH_RESULT_CACHE_BYTES": "0",
    }
    command = [sys.executable, "-m", "icgraph.cli", "serve", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = time.perf_counter()
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"icgraph serve exited with {server.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                if timed_get(conn, "/health", "application/json")[1] == 200:
                    break
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - started > 300:
                raise RuntimeError("icgraph serve did not answer within 300 s")
        ready = time.perf_counter() - started
        catalogue = load_catalogue(root / "queries")
        # Each query as the catalogue lists it (unbound: every state), and, where it takes a
        # state, for one state, as someone asking about one country does.
        paths = {name: f"/queries/{name}" for name in catalogue}
        bound = {
            name: f"/queries/{name}?state={BOUND_STATE}"
            for name, entry in catalogue.items()
            if any(p.name == "state" for p in entry.parameters)
        }
        per_query: dict[str, list[float]] = {}
        per_bound: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        for _ in range(requests):
            for timings, targets in ((per_query, paths), (per_bound, bound)):
                for name, path in targets.items():
                    samples = timings.setdefault(name, [])
                    if sum(samples) > budget:  # a slow query gets fewer samples, not more time
                        continue
                    seconds, status = timed_get(conn, path, "application/sparql-results+json")
                    if status != 200:
                        errors[path] = status
                    samples.append(seconds)
        documents: list[float] = []
        for _ in range(requests):
            for path in DOCUMENTS:
                for accept in ("text/turtle", "text/html"):
                    seconds, status = timed_get(conn, path, accept)
                    if status != 200:
                        errors[path] = status
                    documents.append(seconds)
        server_rss = tree_rss(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    pooled = [s for samples in per_query.values() for s in samples]
    pooled_bound = [s for samples in per_bound.values() for s in samples]
    slowest = max(per_query, key=lambda n: statistics.median(per_query[n]))
    return {
        "serve_ready_s": ready,
        "catalogue_requests": len(pooled),
        "catalogue_p50_ms": 1000 * percentile(pooled, 0.5),
        "catalogue_p99_ms": 1000 * percentile(pooled, 0.99),
        "catalogue_slowest": slowest,
        "catalogue_slowest_median_ms": 1000 * statistics.median(per_query[slowest]),
        "catalogue_median_ms_by_query": {
            n: 1000 * statistics.median(s) for n, s in sorted(per_query.items())
        },
        "bound_state": BOUND_STATE,
        "bound_requests": len(pooled_bound),
        "bound_p50_ms": 1000 * percentile(pooled_bound, 0.5),
        "bound_p99_ms": 1000 * percentile(pooled_bound, 0.99),
        "bound_median_ms_by_query": {
            n: 1000 * statistics.median(s) for n, s in sorted(per_bound.items())
        },
        "id_requests": len(documents),
        "id_p50_ms": 1000 * percentile(documents, 0.5),
        "id_p99_ms": 1000 * percentile(documents, 0.99),
        "http_errors": errors,
        "server_rss_bytes": server_rss,
        "load_average_after_http": load(),
    }


def engine_alone(root: Path, store_path: Path, requests: int, budget: float) -> dict[str, Any]:
    """The catalogue on pyoxigraph in-process: the floor under the HTTP figures."""
    import pyoxigraph as ox

    from icgraph import store as store_module
    from icgraph.catalogue import load_catalogue

    store = store_module.open_read_only(store_path)
    pooled: list[float] = []
    for entry in load_catalogue(root / "queries").values():
        spent = 0.0
        for _ in range(requests):
            if spent > budget:
                break
            start = time.perf_counter()
            result = store.query(entry.text, use_default_graph_as_union=True)
            if isinstance(result, ox.QuerySolutions):
                result.serialize(format=ox.QueryResultsFormat.JSON)
            else:
                list(result)  # type: ignore[arg-type]
            seconds = time.perf_counter() - start
            spent += seconds
            pooled.append(seconds)
    return {
        "engine_p50_ms": 1000 * percentile(pooled, 0.5),
        "engine_p99_ms": 1000 * percentile(pooled, 0.99),
    }


def one_factor(factor: int, work: Path, requests: int, budget: float) -> dict[str, Any]:
    import resource

    sys.path.insert(0, str(ROOT / "src"))
    from icgraph.build import build
    from icgraph.config import Settings
    from icgraph.synthetic import synthetic_root

    figures: dict[str, Any] = {"factor": factor, "load_average_start": load()}
    start = time.perf_counter()
    root = synthetic_root(ROOT, work / f"root-{factor}", factor)
    figures["generate_s"] = time.perf_counter() - start
    settings = Settings(root=root, store_path=work / f"store-{factor}")
    stage_loads: dict[str, float] = {}

    def progress(name: str, _seconds: float) -> None:
        stage_loads[name] = load()
        print(f"  [{factor}x] {name}: {_seconds:.2f} s (load {stage_loads[name]:.1f})", flush=True)
        (work / f"stage-{factor}").write_text(name)

    start = time.perf_counter()
    result = build(settings, progress)
    figures["build_s"] = time.perf_counter() - start
    figures["stages_s"] = result.timings
    figures["stage_load_average"] = stage_loads
    figures["validation_s"] = sum(t for n, t in result.timings.items() if is_validation(n))
    figures["triples"] = result.total_triples
    figures["graph_sizes"] = result.graph_sizes
    figures["store_bytes"] = folder_bytes(Path(result.store).resolve())
    figures["build_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    figures["hermit_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    (work / f"stage-{factor}").write_text("serving")
    if requests > 0:  # --requests 0: the build and the store only
        figures.update(serve_and_measure(root, settings.store, requests, budget))
        figures.update(engine_alone(root, settings.store, requests, budget))
    figures["load_average_end"] = load()
    return figures


# --- In the parent: the factors, the watchdog, the table and the plot ------------------------


def run_factor(
    factor: int, work: Path, requests: int, budget: float, max_rss: int, max_seconds: float
) -> dict[str, Any]:
    out = work / f"figures-{factor}.json"
    child = subprocess.Popen(
        [sys.executable, __file__, "--one", str(factor), "--work", str(work)]
        + ["--requests", str(requests), "--budget", str(budget), "--out", str(out)],
        start_new_session=True,
    )
    peak, killed = 0, ""
    deadline = time.monotonic() + max_seconds

    def watch() -> None:
        nonlocal peak, killed
        while child.poll() is None:
            rss = tree_rss(child.pid)
            peak = max(peak, rss)
            if rss > max_rss or time.monotonic() > deadline:
                killed = (
                    f"RSS passed {max_rss / 2**30:.0f} GB"
                    if rss > max_rss
                    else f"still running after {max_seconds:.0f} s"
                )
                os.killpg(child.pid, signal.SIGKILL)
                return
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    child.wait()
    watcher.join()
    stage_file = work / f"stage-{factor}"
    stage = stage_file.read_text() if stage_file.exists() else "generating the data"
    if killed or child.returncode != 0 or not out.exists():
        why = killed or f"exit {child.returncode}"
        return {
            "factor": factor,
            "failed": f"{why}, in the stage after {stage!r}",
            "load_average_end": load(),
            "tree_peak_rss_bytes": peak,
        }
    figures: dict[str, Any] = json.loads(out.read_text())
    figures["tree_peak_rss_bytes"] = peak
    return figures


def fit_slope(xs: list[float], ys: list[float]) -> float | None:
    points = [
        (math.log10(x), math.log10(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0
    ]
    if len(points) < 2:
        return None
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    den = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / den if den else None


def series(rows: list[dict[str, Any]]) -> dict[str, list[float]]:
    ok = [r for r in rows if "failed" not in r]
    out: dict[str, list[float]] = {"triples": [r["triples"] for r in ok]}
    for stage in stages(ok):
        out[stage] = [r["stages_s"].get(stage, 0.0) for r in ok]
    out["build (total)"] = [r["build_s"] for r in ok]
    out["validation (SHACL)"] = [r["validation_s"] for r in ok]
    out["store on disk (MB)"] = [r["store_bytes"] / 1e6 for r in ok]
    out["peak RSS of the build (MB)"] = [r["build_peak_rss_bytes"] / 1e6 for r in ok]
    # A factor measured without serving (--requests 0) has no latencies: 0 is left out of fits.
    out["catalogue p99 (ms)"] = [r.get("catalogue_p99_ms", 0.0) for r in ok]
    out[f"catalogue p99, state={BOUND_STATE} (ms)"] = [r.get("bound_p99_ms", 0.0) for r in ok]
    out["/id/ p99 (ms)"] = [r.get("id_p99_ms", 0.0) for r in ok]
    return out


def plot(rows: list[dict[str, Any]], path: Path, slopes: dict[str, float | None]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = series(rows)
    fig, (time_ax, other_ax) = plt.subplots(1, 2, figsize=(13, 5.5))
    ok = [r for r in rows if "failed" not in r]
    for name, ax in [(s, time_ax) for s in (*stages(ok), "build (total)")] + [
        (s, other_ax)
        for s in (
            "store on disk (MB)",
            "peak RSS of the build (MB)",
            "catalogue p99 (ms)",
            f"catalogue p99, state={BOUND_STATE} (ms)",
            "/id/ p99 (ms)",
        )
    ]:
        ys = data[name]
        if not any(y > 0 for y in ys):
            continue
        slope = slopes.get(name)
        label = f"{name}: slope {slope:.2f}" if slope is not None else name
        ax.loglog(data["triples"], ys, marker="o", label=label)
    for ax, title, unit in (
        (time_ax, "Build stages", "seconds"),
        (other_ax, "Store, memory and latency", "MB or ms"),
    ):
        ax.set_xlabel("triples in the store")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("icgraph cost against graph size (log-log; slope 1 is linear)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'factor':>6} {'triples':>9} {'build s':>8} {'reason':>7} {'valid.':>7} {'load':>6} "
        f"{'dumps':>6} {'store MB':>8} {'RSS MB':>7} {'cat p50':>8} {'cat p99':>8} "
        f"{'1 st p99':>8} {'id p50':>7} {'id p99':>7} {'eng p99':>8} {'load avg':>9}"
    )
    lines = [head]
    nan = float("nan")  # not measured (--requests 0)
    for r in rows:
        if "failed" in r:
            lines.append(
                f"{r['factor']:>6} failed: {r['failed']} (tree peak {r['tree_peak_rss_bytes'] / 1e9:.1f} GB)"
            )
            continue
        s = r["stages_s"]
        reasoning = sum(t for n, t in s.items() if is_reasoning(n))
        lines.append(
            f"{r['factor']:>6} {r['triples']:>9} {r['build_s']:>8.1f} {reasoning:>7.1f} "
            f"{r['validation_s']:>7.2f} {s.get('load store', 0.0):>6.1f} "
            f"{s.get('write dumps', 0.0):>6.1f} "
            f"{r['store_bytes'] / 1e6:>8.1f} {r['tree_peak_rss_bytes'] / 1e6:>7.0f} "
            f"{r.get('catalogue_p50_ms', nan):>8.1f} {r.get('catalogue_p99_ms', nan):>8.1f} "
            f"{r.get('bound_p99_ms', nan):>8.1f} {r.get('id_p50_ms', nan):>7.1f} "
            f"{r.get('id_p99_ms', nan):>7.1f} {r.get('engine_p99_ms', nan):>8.1f} "
            f"{r['load_average_start']:>4.1f}-{r['load_average_end']:<4.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", default="1,10,100", help="comma-separated, e.g. 1,10,100")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--png", type=Path, help="write the log-log plot here")
    parser.add_argument(
        "--requests", type=int, default=10, help="rounds over the queries (0: build only)"
    )
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per query at most")
    parser.add_argument("--max-rss-gb", type=float, default=20.0)
    parser.add_argument("--max-minutes", type=float, default=600.0, help="per factor")
    parser.add_argument("--keep", type=Path, help="keep the generated folders and stores here")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        figures = one_factor(args.one, args.work, args.requests, args.budget)
        args.out.write_text(json.dumps(figures, indent=2))
        return
    factors = [int(f) for f in args.factors.split(",") if f.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="icgraph-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for factor in factors:
            print(f"factor {factor} (load average {load():.1f})", flush=True)
            limits = (int(args.max_rss_gb * 2**30), 60 * args.max_minutes)
            rows.append(run_factor(factor, work, args.requests, args.budget, *limits))
            for name in (f"root-{factor}", f"store-{factor}"):
                if args.keep is None:
                    shutil.rmtree(work / name, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    data = series(rows)
    slopes = {
        name: fit_slope(data["triples"], ys) for name, ys in data.items() if name != "triples"
    }
    print(table(rows))
    print("fitted log-log slopes (cost ~ triples^slope):")
    for name, slope in slopes.items():
        print(f"  {name}: {'-' if slope is None else f'{slope:.2f}'}")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "slopes": slopes}, indent=2))
    if args.png:
        plot(rows, args.png, slopes)


if __name__ == "__main__":
    main()
