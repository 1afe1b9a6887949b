"""OWL reasoning: consistency, and the inferences worth keeping.

Two engines give the same answer. The OWL 2 RL rules of :mod:`icgraph.rules` (Python, no
Java, milliseconds on the real graph and linear in its size) run by default; HermiT (through
owlready2) runs where the rules raise :class:`~icgraph.rules.Unsupported`, that is where the
ontology or data use a construct the rules do not cover exactly, or when asked for
(``engine="hermit"``, ``icgraph build --reasoner hermit``). The tests hold the rules to
HermiT's answer, triple for triple.

HermiT sees the ontology and the data's skeleton: every triple whose object is an IRI (types,
object properties, class axioms) but for owl:sameAs links to outside items. Literals are left out because the graph uses datatypes
outside the OWL 2 datatype map (``xsd:gYear``), which HermiT rejects, and no axiom of the
ontology constrains a literal. What it infers that the data does not already say is kept:
classifications such as ``icg:Institution``, inverse links such as ``icg:names``, the
superclasses of every asserted type, so that a query for ``org:Organization`` (or
``prov:Agent``) also finds a ``cv:PublicOrganisation``, and the superproperties of every
link between resources, so that a query for ``org:subOrganizationOf`` also finds
``icg:clusterOf``.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Choice

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef

from .errors import IcgraphError
from .rules import Unsupported, infer, named_superclasses

__all__ = ["ENGINES", "Engine", "InconsistentGraph", "ReasoningResult", "Unsupported", "reason"]

log = logging.getLogger(__name__)

#: Which reasoner runs: the rules where they cover the graph, else HermiT; or one of them.
Engine = Choice["auto", "rules", "hermit"]
ENGINES: tuple[Engine, ...] = ("auto", "rules", "hermit")


class InconsistentGraph(IcgraphError):
    """The ontology plus data are inconsistent; ``culprits`` names what clashes."""

    def __init__(self, culprits: list[str]) -> None:
        self.culprits = culprits
        detail = "; ".join(culprits) if culprits else "HermiT gave no explanation"
        super().__init__(f"the ontology and data are inconsistent: {detail}")


@dataclass(frozen=True)
class ReasoningResult:
    """What reasoning added: the inferred triples, to be kept in their own named graph."""

    inferred: Graph
    unsatisfiable: list[str] = field(default_factory=list)
    #: The engine that gave the answer: ``"rules"`` or ``"hermit"``.
    engine: str = "hermit"


def _skeleton(graph: Graph) -> Graph:
    # owl:sameAs links states to Wikidata items; given to HermiT, they would copy every fact
    # about a state onto an IRI the graph does not describe.
    skeleton = Graph()
    for triple in graph:
        if not isinstance(triple[2], Literal) and triple[1] != OWL.sameAs:
            skeleton.add(triple)
    return skeleton


def disjointness_clashes(graph: Graph) -> list[str]:
    """Individuals whose asserted types (with superclasses) fall in two disjoint classes.

    HermiT says only *that* an ABox is inconsistent; this says which individual and which
    classes, which is nearly always the cause in curated data.
    """
    supers = named_superclasses(graph)
    groups: list[list[URIRef]] = []
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = graph.value(node, OWL.members)
        if members is not None:
            groups.append([m for m in graph.items(members) if isinstance(m, URIRef)])
    for a, b in graph.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            groups.append([a, b])
    clashes: list[str] = []
    individuals = {s for s, o in graph.subject_objects(RDF.type) if isinstance(s, URIRef)}
    for ind in sorted(individuals):
        types: set[URIRef] = set()
        for t in graph.objects(ind, RDF.type):
            if isinstance(t, URIRef):
                types |= {t} | supers.get(t, set())
        for group in groups:
            hit = sorted(str(c) for c in group if c in types)
            if len(hit) > 1:
                clashes.append(f"{ind} is in disjoint classes {', '.join(hit)}")
    return clashes


def _die_with_the_build() -> None:
    """Make HermiT's ``java`` die with this process, even when the build is killed.

    owlready2 starts java with ``subprocess`` and passes it its module-level
    ``_subprocess_kargs``; a ``preexec_fn`` there asks Linux (``PR_SET_PDEATHSIG``) to send the
    child SIGKILL when its parent dies, so a killed build leaves no orphaned reasoner.
    """
    import ctypes
    import signal
    import sys

    from owlready2 import reasoning

    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)

    def kill_with_parent() -> None:
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    reasoning._subprocess_kargs["preexec_fn"] = kill_with_parent  # noqa: SLF001


def reason(graph: Graph, engine: Engine = "auto") -> ReasoningResult:
    """Check consistency and return the inferences the data lacks.

    ``engine="auto"`` runs the rules, and HermiT where the rules do not cover the graph;
    ``"rules"`` raises :class:`~icgraph.rules.Unsupported` there instead; ``"hermit"`` always
    runs HermiT.

    Raises:
        InconsistentGraph: naming the individuals and classes that clash.
        Unsupported: with ``engine="rules"``, the construct the rules do not cover.
        ValueError: an unknown engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoner {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine != "hermit":
        try:
            found = infer(graph)
        except Unsupported as exc:
            if engine == "rules":
                raise
            log.info("reasoning with HermiT: %s", exc)
        else:
            if found.clashes:
                raise InconsistentGraph(found.clashes)
            if found.unsatisfiable:
                raise InconsistentGraph(
                    [f"class {c} is unsatisfiable" for c in found.unsatisfiable]
                )
            log.info("reasoned with the OWL RL rules")
            return ReasoningResult(inferred=found.inferred, engine="rules")
    return _hermit(graph)


def _hermit(graph: Graph) -> ReasoningResult:
    """Check consistency with HermiT and return the inferences the data lacks."""
    import owlready2

    skeleton = _skeleton(graph)
    with tempfile.TemporaryDirectory(prefix="icgraph-reason-") as tmp:
        source = Path(tmp) / "skeleton.nt"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            skeleton.serialize(source, format="nt", encoding="utf-8")
        _die_with_the_build()
        world = owlready2.World()
        world.get_ontology(source.as_uri()).load(format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            culprits = disjointness_clashes(graph) or str(exc).strip().splitlines()[-1:]
            raise InconsistentGraph(culprits) from None
        unsatisfiable = sorted(str(c.iri) for c in world.inconsistent_classes())
        if unsatisfiable:
            raise InconsistentGraph([f"class {c} is unsatisfiable" for c in unsatisfiable])
        reasoned = world.as_rdflib_graph()
        inferred = Graph()
        for s, p, o in reasoned:
            if isinstance(s, BNode) or isinstance(o, (BNode, Literal)):
                continue
            if (s, p, o) in skeleton or p in (OWL.equivalentClass, RDFS.subClassOf):
                continue
            if p == RDF.type and o in (OWL.Thing, OWL.NamedIndividual, OWL.Ontology):
                continue
            inferred.add((s, p, o))
        world.close()

    # Superclasses of every type, asserted or inferred (HermiT reports only the most specific).
    supers = named_superclasses(graph)
    ontology_terms = set(graph.subjects(RDF.type, OWL.Class)) | set(
        graph.subjects(RDF.type, OWL.ObjectProperty)
    )
    for s, t in list(graph.subject_objects(RDF.type)) + list(inferred.subject_objects(RDF.type)):
        # Only IRIs have named superclasses (the keys of ``supers`` are all IRIs).
        if s in ontology_terms or not isinstance(t, URIRef):
            continue
        for sup in supers.get(t, set()):
            if (s, RDF.type, sup) not in graph:
                inferred.add((s, RDF.type, sup))

    # Superproperties of every link between resources (HermiT, through owlready2, does not
    # report them). Links to literals stay out, like the rest of this graph.
    for prop, sups in named_superclasses(graph, RDFS.subPropertyOf).items():
        for s, o in list(graph.subject_objects(prop)) + list(inferred.subject_objects(prop)):
            if isinstance(s, BNode) or isinstance(o, (BNode, Literal)):
                continue
            for sup in sups:
                if (s, sup, o) not in graph:
                    inferred.add((s, sup, o))
    return ReasoningResult(inferred=inferred, engine="hermit")
