"""HermiT and the OWL RL rules side by side, in one process, on graphs of growing size.

For each ``--factors`` value, ``icgraph.synthetic`` writes the graph with that many copies of
every state (as ``benchmarks/scale.py`` does), and three engines reason over the ontology and
data, alternating, ``--runs`` times:

- HermiT, through owlready2 (``reason(engine="hermit")``), up to ``--hermit-max``;
- the rules in Python over sets (``reason(engine="rules")``), with the share of that which is
  the fixed point alone (``icgraph.rules.closure``);
- the same rules as SPARQL updates run to a fixed point on a pyoxigraph in-memory store
  (loading the rdflib graph included), whose closure is checked equal to the Python one.

Where HermiT runs, its answer is compared with the rules' triple for triple. Then the whole
``icgraph build`` on the real graph, with ``--reasoner hermit`` and with the default, is timed
alternating with the plain pySHACL run of ``benchmarks/validation.py``. Load averages are
printed with the figures.

    .venv/bin/python benchmarks/reasoners.py --factors 1,10,100 --hermit-max 10 --json r.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from icgraph import rules  # noqa: E402
from icgraph.load import read_sources, to_oxigraph  # noqa: E402
from icgraph.reason import reason  # noqa: E402
from icgraph.synthetic import synthetic_root  # noqa: E402

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
#: prp-spo1, prp-inv1/2, prp-symp, prp-rng, prp-dom, cax-sco, over the stated schema.
SPARQL_RULES = [
    "INSERT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf+ ?q . ?s ?p ?o }",
    "INSERT { ?o ?q ?s } WHERE { ?p owl:inverseOf|^owl:inverseOf ?q . ?s ?p ?o }",
    "INSERT { ?o ?p ?s } WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o }",
    "INSERT { ?o a ?c } WHERE { ?p a owl:ObjectProperty ; rdfs:range ?c . ?s ?p ?o }",
    "INSERT { ?s a ?c } WHERE { ?p a owl:ObjectProperty ; rdfs:domain ?c . ?s ?p ?o }",
    "INSERT { ?x a ?d } WHERE { ?c rdfs:subClassOf+ ?d . ?x a ?c }",
]


def _pattern(expr: tuple[Any, ...], var: str, fresh: list[int]) -> str:
    # cls-int1, cls-svf1, cls-hv2 as one graph pattern.
    kind = expr[0]
    if kind == "class":
        return "" if expr[1] == OWL.Thing else f"{var} a <{expr[1]}> . "
    if kind == "and":
        return "".join(_pattern(m, var, fresh) for m in expr[1])
    if kind == "some":
        fresh[0] += 1
        filler = f"?v{fresh[0]}"
        return f"{var} <{expr[1]}> {filler} . " + _pattern(expr[2], filler, fresh)
    return f"{var} <{expr[1]}> <{expr[2]}> . "


def sparql_closure(graph: Graph, ontology: Graph) -> tuple[ox.Store, int]:
    """The rules as SPARQL updates to a fixed point: the store, and the rounds it took."""
    schema = Graph()
    for t in ontology:
        if not isinstance(t[2], Literal):
            schema.add(t)
    tbox = rules._TBox(schema, list(schema))  # every triple as its own example  # noqa: SLF001 (only for the definitions' shape)
    queries = [PREFIXES + q for q in SPARQL_RULES]
    for defined, expr in tbox.definitions.items():
        body = _pattern(expr, "?x", [0])
        queries.append(f"INSERT {{ ?x a <{defined}> }} WHERE {{ {body}}}")
    store = ox.Store()
    skeleton = [t for t in graph if not isinstance(t[2], Literal) and t[1] != OWL.sameAs]
    store.bulk_extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in skeleton
    )
    before, rounds = -1, 0
    while len(store) != before:
        before, rounds = len(store), rounds + 1
        for query in queries:
            store.update(query)
    return store, rounds


def sparql_found(store: ox.Store, graph: Graph) -> set[tuple[Any, ...]]:
    """The triples between named resources the SPARQL rules added."""
    asserted = {(str(s), str(p), str(o)) for s, p, o in graph}
    found = set()
    for quad in store:
        s, p, o = quad.subject, quad.predicate, quad.object
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
            key = (s.value, p.value, o.value)
            if key not in asserted:
                found.add(key)
    return found


def python_found(found: rules.Closure) -> set[tuple[Any, ...]]:
    """The triples between named resources the Python rules entail."""
    out = set()
    for node, types in found.types.items():
        if isinstance(node, URIRef):
            out |= {(str(node), str(RDF.type), str(c)) for c in types}
    for p, pairs in found.links.items():
        out |= {
            (str(s), str(p), str(o))
            for s, o in pairs
            if isinstance(s, URIRef) and isinstance(o, URIRef)
        }
    asserted = {(str(s), str(p), str(o)) for s, p, o in found.asserted}
    return out - asserted


def load() -> float:
    return os.getloadavg()[0]


def one_factor(factor: int, work: Path, runs: int, hermit: bool) -> dict[str, Any]:
    root = ROOT if factor == 1 else synthetic_root(ROOT, work / f"root-{factor}", factor)
    sources = read_sources(root / "ontology", root / "data", root / "shapes")
    union = sources.union()
    times: dict[str, list[float]] = {"hermit": [], "rules": [], "closure": [], "sparql": []}
    loads: list[float] = []
    answers: dict[str, Graph] = {}
    fixed_points: dict[str, Any] = {}
    rounds = 0
    for _ in range(runs):
        for engine in ("rules", "closure", "sparql", "hermit"):
            if engine == "hermit" and not hermit:
                continue
            loads.append(load())
            start = time.perf_counter()
            if engine in ("rules", "hermit"):
                answers[engine] = reason(union, engine).inferred  # type: ignore[arg-type]
            elif engine == "closure":
                fixed_points["python"] = rules.closure(union)
            else:
                fixed_points["sparql"], rounds = sparql_closure(union, sources.ontology)
            times[engine].append(time.perf_counter() - start)
    same_closure = python_found(fixed_points["python"]) == sparql_found(
        fixed_points["sparql"], union
    )
    del fixed_points
    row: dict[str, Any] = {
        "factor": factor,
        "triples": len(union),
        "load_average": [min(loads), max(loads)],
        "median_s": {k: statistics.median(v) for k, v in times.items() if v},
        "samples_s": {k: v for k, v in times.items() if v},
        "inferred": len(answers["rules"]),
        "sparql_rounds": rounds,
        "sparql_closure_equal": same_closure,
    }
    if hermit:
        a, b = set(answers["rules"]), set(answers["hermit"])
        row["rules_equal_hermit"] = a == b
        row["differences"] = len(a ^ b)
    return row


def build_versus_pyshacl(runs: int) -> dict[str, Any]:
    """The whole build with HermiT and with the default, next to the plain pySHACL run."""
    from validation import build_seconds, prepare, pyshacl_run

    data, shapes, ontology, settings = prepare()
    plain = pyshacl_run(data, shapes, ontology)
    times: dict[str, list[float]] = {"build --reasoner hermit": [], "build": [], "pySHACL": []}
    stages: dict[str, dict[str, float]] = {}
    loads: list[float] = []
    for _ in range(runs):
        for name in times:
            loads.append(load())
            if name == "pySHACL":
                start = time.perf_counter()
                plain()
                times[name].append(time.perf_counter() - start)
            else:
                engine = "hermit" if "hermit" in name else "auto"
                seconds, stages[name] = build_seconds(settings, engine)
                times[name].append(seconds)
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {
        "load_average": [min(loads), max(loads)],
        "median_s": medians,
        "samples_s": times,
        "stages_s": stages,
        "over_pyshacl": {k: v / medians["pySHACL"] for k, v in medians.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--runs", type=int, default=1, help="runs per engine and factor")
    parser.add_argument("--hermit-max", type=int, default=10, help="largest factor for HermiT")
    parser.add_argument("--build-runs", type=int, default=3, help="0 skips the build timing")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rows = []
    with tempfile.TemporaryDirectory(prefix="icgraph-reasoners-") as work:
        for factor in (int(f) for f in args.factors.split(",")):
            row = one_factor(factor, Path(work), args.runs, factor <= args.hermit_max)
            rows.append(row)
            m = row["median_s"]
            hermit = f"{m['hermit']:8.2f}" if "hermit" in m else "    (not run)"
            print(
                f"x{factor:<4} {row['triples']:>8} triples  HermiT {hermit} s  "
                f"rules {m['rules']:7.2f} s (fixed point {m['closure']:6.2f})  "
                f"SPARQL fixed point {m['sparql']:7.2f} s ({row['sparql_rounds']} rounds, "
                f"same closure: {row['sparql_closure_equal']})  "
                f"rules = HermiT: {row.get('rules_equal_hermit', 'not checked')}  "
                f"load {row['load_average'][0]:.1f}-{row['load_average'][1]:.1f}",
                flush=True,
            )
    figures: dict[str, Any] = {"factors": rows}
    if args.build_runs:
        built = build_versus_pyshacl(args.build_runs)
        figures["build"] = built
        print(
            f"real graph, {args.build_runs} runs alternating, load "
            f"{built['load_average'][0]:.1f}-{built['load_average'][1]:.1f}: "
            + "; ".join(
                f"{k} {v:.2f} s ({built['over_pyshacl'][k]:.2f}x pySHACL)"
                for k, v in built["median_s"].items()
            )
        )
        for name, st in built["stages_s"].items():
            print(f"  {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in st.items()))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
