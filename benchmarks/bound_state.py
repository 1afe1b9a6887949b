"""Does giving a state make a catalogue query cheaper? In-process, per state-taking query.

    .venv/bin/python benchmarks/bound_state.py --store STORE [--state FI] [--runs 3]
        [--json out.json]

For each catalogue query that takes ``state``, on the given published store, the engine alone
(``icgraph.query.run`` in this process, SPARQL TSV, no cap) runs it three ways, alternating,
and the script prints the median time and the rows of each:

- **unbound**, as the catalogue lists it: every state;
- **substituted**, as the catalogue binds a state: pyoxigraph's ``substitutions``
  (SEP-0007), ``?alpha2`` given before evaluation;
- **VALUES first**: the same text with ``VALUES ?alpha2 { "FI" }`` as the first thing in its
  ``WHERE`` clause, the usual way to hand an engine a starting point. This edit is made here
  only, to see whether the engine would use one; the catalogue never edits a query's text.
  A query that computes ``?alpha2`` with ``BIND`` cannot take it (the variable would be bound
  twice) and shows ``(BIND)``; its rows are checked against the substituted ones.

Run on a store from ``scale.py``'s generator (``--keep`` there, or ``icgraph.synthetic``),
where the graph holds F copies of each state, it shows whether a state's answer costs in
proportion to the state or to the graph. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

WHERE = "WHERE {"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a store folder (a version's db)")
    parser.add_argument("--state", default="FI", help="the alpha-2 code to give")
    parser.add_argument("--runs", type=int, default=3, help="runs of each way (the median)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    import pyoxigraph as ox

    from icgraph.catalogue import load_catalogue
    from icgraph.config import Settings
    from icgraph.errors import QuerySyntaxError
    from icgraph.formats import Choice
    from icgraph.query import request_for, run

    store = ox.Store.read_only(args.store)
    settings = Settings()
    base = settings.base_iri
    tsv = Choice.named("tsv")
    print(f"store {args.store}; {len(store)} quads; load average {os.getloadavg()[0]:.2f}")
    print(f"{'query':<34}{'unbound ms':>11}{'rows':>7}{'given ms':>10}{'rows':>6}{'VALUES ms':>11}")
    figures: dict[str, dict[str, dict[str, float]]] = {}
    for name, entry in sorted(load_catalogue(settings.queries_dir).items()):
        if "state" not in {p.name for p in entry.parameters}:
            continue
        bindings = entry.bindings([("state", args.state)])
        variable = next(p.var for p in entry.parameters if p.name == "state")
        ways = {
            "unbound": request_for(entry.text, base_iri=base, formats=tsv),
            "substituted": request_for(entry.text, base_iri=base, bindings=bindings, formats=tsv),
        }
        values = f'{WHERE} VALUES ?{variable} {{ "{args.state}" }}'
        given_first = request_for(entry.text.replace(WHERE, values, 1), base_iri=base, formats=tsv)
        try:
            run(store, given_first)
            ways["values"] = given_first
        except QuerySyntaxError:  # the query computes the variable with BIND
            pass
        times: dict[str, list[float]] = {way: [] for way in ways}
        rows: dict[str, int] = {}
        for _ in range(args.runs):
            for way, request in ways.items():
                start = time.perf_counter()
                answer = run(store, request)
                times[way].append(time.perf_counter() - start)
                rows[way] = answer.body.count(b"\n") - 1
        if "values" in rows and rows["values"] != rows["substituted"]:
            sys.exit(
                f"{name}: VALUES gives {rows['values']} rows, substitution {rows['substituted']}"
            )
        ms = {way: 1000 * statistics.median(t) for way, t in times.items()}
        figures[name] = {"median_ms": ms, "rows": dict(rows)}
        shown = f"{ms['values']:>11.1f}" if "values" in ms else f"{'(BIND)':>11}"
        print(
            f"{name:<34}{ms['unbound']:>11.1f}{rows['unbound']:>7}"
            f"{ms['substituted']:>10.1f}{rows['substituted']:>6}{shown}"
        )

    def total(way: str, only: list[dict[str, dict[str, float]]]) -> float:
        return sum(f["median_ms"][way] for f in only)

    every = list(figures.values())
    took = [f for f in every if "values" in f["median_ms"]]
    print(
        f"sum of medians over all {len(every)}: unbound {total('unbound', every):.0f} ms, "
        f"given {total('substituted', every):.0f} ms; over the {len(took)} that take VALUES: "
        f"unbound {total('unbound', took):.0f}, given {total('substituted', took):.0f}, "
        f"VALUES first {total('values', took):.0f} ms"
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"state": args.state, "queries": figures}, indent=2))


if __name__ == "__main__":
    main()
