"""Where pyoxigraph's SPARQL parser (and the RDF/XML parsers) give way on hostile input.

Each probe runs in a throw-away child process with an address-space limit (RLIMIT_AS, 4 GB by
default), so a probe can crash or run out of memory without touching the machine. For each
query shape, a binary search finds the smallest size at which the child dies of a signal
(SIGSEGV: the parser's recursion ran off the stack). The limits in ``src/icgraph/query_limits.py``
are chosen well below these figures.

    python benchmarks/parser_limits.py queries [--thread] [--shape NAME]
    python benchmarks/parser_limits.py entities

``--thread`` parses in a new thread instead of the main one (threads get the default stack of
the platform), ``--stack-mb 2`` in a thread with a 2 MiB stack; the query workers parse in
their main thread today.
"""

from __future__ import annotations

import argparse
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable

MEMORY_LIMIT = 4 * 2**30
PROBE_TIMEOUT = 10.0
ENTITY_TIMEOUT = 60.0

SHAPES: dict[str, Callable[[int], str]] = {
    "braces": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
    "parens": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "?o" + ")" * n + ") }",
    "brackets": lambda n: "SELECT * WHERE { ?s ?p " + "[ ?p " * n + "?o" + " ]" * n + " }",
    "collections": lambda n: "SELECT * WHERE { ?s ?p " + "( " * n + "?o" + " )" * n + " }",
    "union": lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
    "path-sequence": lambda n: "SELECT * WHERE { ?s " + "/".join(["<http://ex/p>"] * n) + " ?o }",
    "path-alternative": lambda n: (
        "SELECT * WHERE { ?s " + "|".join(["<http://ex/p>"] * n) + " ?o }"
    ),
    "path-nested": lambda n: "SELECT * WHERE { ?s " + "(" * n + "<http://ex/p>" + ")" * n + " ?o }",
    "filter-and": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + " && ".join(["?o"] * n) + ") }",
    "filter-plus": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + " + ".join(["1"] * n) + ") }",
    "filter-not": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "?o) }",
    "optional": lambda n: (
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }"
    ),
    "optional-chain": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * n + "}",
    "minus-chain": lambda n: "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * n + "}",
    "bind-chain": lambda n: (
        "SELECT * WHERE { ?s ?p ?o " + " ".join(f"BIND(1 AS ?v{i})" for i in range(n)) + " }"
    ),
    "filter-many": lambda n: "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o) " * n + "}",
    "in-list": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + ",".join(["1"] * n) + ")) }",
    "values-rows": lambda n: "SELECT * WHERE { ?s ?p ?o VALUES ?o { " + "1 " * n + "} }",
    "triples-star": lambda n: "SELECT * WHERE { " + " ".join(["?s ?p ?o ."] * n) + " }",
    "group-sequence": lambda n: "SELECT * WHERE { " + "{ ?s ?p ?o } " * n + "}",
    "graph-chain": lambda n: "SELECT * WHERE { ?s ?p ?o " + "GRAPH ?g { ?s ?p ?o } " * n + "}",
    "values-chain": lambda n: "SELECT * WHERE { ?s ?p ?o " + "VALUES ?o { 1 } " * n + "}",
    "collection-long": lambda n: "SELECT * WHERE { ?s ?p (" + " 1" * n + " ) }",
    "object-list": lambda n: "SELECT * WHERE { ?s ?p " + ", ".join(["1"] * n) + " }",
    "values-tuples": lambda n: "SELECT * WHERE { ?s ?p ?o VALUES (?o ?x) { " + "(1 2) " * n + "} }",
    "select-exprs": lambda n: "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(n)) + " {}",
}

_CHILD = """
import sys, threading
import pyoxigraph as ox
text = sys.stdin.read()
store = ox.Store()
store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("o")))
def run():
    try:
        result = store.query(text)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
    except SyntaxError:
        sys.exit(3)
    except MemoryError:
        sys.exit(4)
if sys.argv[1] != "main":
    if sys.argv[1] != "thread":
        threading.stack_size(int(sys.argv[1]))
    t = threading.Thread(target=run); t.start(); t.join()
else:
    run()
"""


def _where(thread: bool | int) -> str:
    """The child's first argument: main thread, a default thread, or a thread's stack size."""
    if thread is True:
        return "thread"
    return str(thread) if thread else "main"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def probe(text: str, thread: bool | int) -> str:
    """'ok', 'syntax', 'memory', 'timeout' or the name of the signal that ended the child."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, _where(thread)],
            input=text.encode(),
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            preexec_fn=_limit_memory,  # noqa: PLW1509 (no threads in this process)
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode < 0:
        return signal.Signals(-done.returncode).name
    if done.returncode == 0:
        return "ok"
    if done.returncode == 3:
        return "syntax"
    if done.returncode == 4 or b"memory" in done.stderr.lower():
        return "memory"
    return f"rc {done.returncode}: {done.stderr.decode(errors='replace')[-200:]}"


def largest(shape: Callable[[int], str], max_bytes: int) -> int:
    """The largest size whose text fits in ``max_bytes`` (the request-body cap)."""
    low, high = 1, 2
    while len(shape(high)) <= max_bytes:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if len(shape(mid)) <= max_bytes else (low, mid)
    return low


def _survives(outcome: str) -> bool:
    # A probe still running after PROBE_TIMEOUT got through the parser (which takes
    # milliseconds even at a megabyte) and is busy in the optimiser or evaluation.
    return outcome in ("ok", "syntax", "memory", "timeout")


def crash_point(shape: Callable[[int], str], thread: bool | int, max_bytes: int) -> str:
    """The smallest size that kills the child: doubling from 16, then bisection (to 1 %)."""
    top = largest(shape, max_bytes)
    low, high, n, slow = 0, None, 16, False
    while high is None:
        n = min(n, top)
        outcome = probe(shape(n), thread)
        slow = slow or outcome == "timeout"
        if _survives(outcome):
            low = n
            if n == top:
                return f"no crash up to {top} ({outcome}; {len(shape(top)):,} bytes)"
            n *= 2
        else:
            high, signal_name = n, outcome
    while high - low > max(1, low // 100):
        mid = (low + high) // 2
        if _survives(probe(shape(mid), thread)):
            low = mid
        else:
            high = mid
    note = "; some probes ran past the time limit" if slow else ""
    return f"{signal_name} from about {high} (survives {low}; {len(shape(high)):,} bytes{note})"


def _entity_body(levels: int, fanout: int) -> bytes:
    lines = ['<!ENTITY e0 "lol">']
    for i in range(1, levels + 1):
        lines.append(f'<!ENTITY e{i} "{f"&e{i - 1};" * fanout}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(lines) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://ex/">\n'
        f'<rdf:Description rdf:about="http://ex/s"><ex:p>&e{levels};</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    ).encode()


_ENTITY_CHILD = """
import resource, sys, time
body = sys.stdin.buffer.read()
start = time.monotonic()
try:
    if sys.argv[1] == "pyoxigraph":
        import pyoxigraph as ox
        n = sum(len(q.object.value) for q in ox.parse(body, format=ox.RdfFormat.RDF_XML))
    else:
        import rdflib
        g = rdflib.Graph().parse(data=body, format="xml")
        n = sum(len(o) for o in g.objects())
    outcome = f"parsed, literal of {n:,} chars"
except MemoryError:
    outcome = "MemoryError"
except Exception as e:
    outcome = f"{type(e).__name__}: {str(e)[:120]}"
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{outcome}; peak RSS {rss} MB; {time.monotonic() - start:.1f} s")
"""


def entities(limit_mb: int) -> None:
    """Peak RSS of each parser on nested internal entities, under an address-space limit."""
    global MEMORY_LIMIT
    MEMORY_LIMIT = limit_mb * 2**20
    for levels, fanout in ((5, 10), (6, 10), (7, 10), (8, 10), (9, 10)):
        body = _entity_body(levels, fanout)
        for parser in ("pyoxigraph", "rdflib"):
            start = time.monotonic()
            try:
                done = subprocess.run(
                    [sys.executable, "-c", _ENTITY_CHILD, parser],
                    input=body,
                    capture_output=True,
                    timeout=ENTITY_TIMEOUT,
                    preexec_fn=_limit_memory,  # noqa: PLW1509
                )
                out = done.stdout.decode().strip() or (
                    f"rc {done.returncode} {done.stderr.decode(errors='replace')[-160:]}"
                )
            except subprocess.TimeoutExpired:
                out = f"timeout after {time.monotonic() - start:.0f} s"
            print(
                f"{levels} levels x {fanout} ({len(body)} bytes, expands to "
                f"{3 * fanout**levels:,} chars) {parser}: {out}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("what", choices=["queries", "entities"])
    parser.add_argument("--thread", action="store_true")
    parser.add_argument("--stack-mb", type=float, help="parse in a thread with this stack")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES))
    parser.add_argument("--max-bytes", type=int, default=1_000_000, help="largest query")
    parser.add_argument("--memory-mb", type=int, default=1024, help="limit of an entity probe")
    args = parser.parse_args()
    if args.what == "entities":
        entities(args.memory_mb)
        return
    for name in args.shape or SHAPES:
        where: bool | int = int(args.stack_mb * 2**20) if args.stack_mb else args.thread
        print(f"{name}: {crash_point(SHAPES[name], where, args.max_bytes)}", flush=True)


if __name__ == "__main__":
    main()
