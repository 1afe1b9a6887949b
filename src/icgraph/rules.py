"""OWL 2 RL rules in Python: the inferences HermiT gives :mod:`icgraph.reason`, without Java.

The rules see what HermiT sees (the skeleton: every triple whose object is not a literal, but
for ``owl:sameAs``) and cover exactly the constructs the ontology uses. Each has its rule of
the W3C OWL 2 RL/RDF tables:

- ``rdfs:subPropertyOf`` (prp-spo1), ``owl:inverseOf`` (prp-inv1/2), ``owl:SymmetricProperty``
  (prp-symp), ``rdfs:range`` and ``rdfs:domain`` on object properties (prp-rng, prp-dom);
- ``rdfs:subClassOf`` between named classes (cax-sco);
- a class defined by ``owl:equivalentClass`` to an ``owl:intersectionOf`` of named classes,
  ``owl:someValuesFrom`` and ``owl:hasValue`` restrictions (cls-int1, cls-svf1, cls-hv2; the
  other direction, cls-int2, gives the defined class its conjuncts);
- ``owl:AllDisjointClasses`` and ``owl:disjointWith`` (cax-adc, cax-dw): an individual in two
  disjoint classes is a clash, and so is a class whose every member would be (the rules run on
  one fresh witness per class, which is how a Horn fragment like this one decides
  satisfiability).

Anything else in the OWL, RDFS or RDF vocabulary raises :class:`Unsupported` naming the
axiom, and :func:`icgraph.reason.reason` runs HermiT instead, so the answer never depends on
the engine. Some combinations the rules could compute are refused too, because HermiT (through
owlready2) reports them in its own way: a property hierarchy that entails more than it states
(a symmetric subproperty of a property with an inverse, two inverse pairs one under the
other), axioms on a property that is not declared an ``owl:ObjectProperty``, an
``owl:equivalentClass`` between named classes, a defined class that could gain members other
than by its definition (asserted, a range, a subclass), a definition whose ``owl:hasValue``
property has an inverse or a range (its witness would add facts to a named individual).

:func:`infer` returns what HermiT would report, put together as ``reason()`` does it: the
most specific types HermiT finds (against the class hierarchy it computes, which the witnesses
give), the stated superclasses of every asserted and found type, every property link the rules
entail; nothing already asserted, no blank node or literal object, no ``owl:Thing``. Like
HermiT's answer, it leaves out a type implied only through a definition (an individual found an
``icg:Institution`` and typed ``org:Organization`` by nothing stated would not get the latter).

Why Python over sets and not SPARQL updates on pyoxigraph: both were measured on the 100x
graph (300k triples, ``benchmarks/reasoners.py``, 3 runs alternating, load 1.8): the fixed
point takes 2.1-2.8 s here and 7.0-8.1 s as SPARQL updates run until the store stops growing
(the same closure, checked). Most of the SPARQL time goes to converting the rdflib triples and
loading them into the store (2.2-7 s alone); an update takes about 0.2 s, seven a round, two
rounds. The build holds rdflib graphs, and every rule but the definitions reads one triple, so
one pass over them does it.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import IcgraphError

_OWL, _RDFS, _RDF = str(OWL), str(RDFS), str(RDF)
_XSD = "http://www.w3.org/2001/XMLSchema#"

#: Types that declare a term or structure an axiom, rather than classify an individual.
_DECLARATIONS = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    OWL.NamedIndividual,
    OWL.SymmetricProperty,
    OWL.AllDisjointClasses,
    OWL.Restriction,
    OWL.Thing,
}
#: Predicates with no meaning for reasoning (annotations, ontology header).
_ANNOTATIONS = {RDFS.isDefinedBy, RDFS.seeAlso, OWL.versionIRI}
#: Predicates of the OWL, RDFS or RDF namespaces that may have a literal value.
_LITERAL_ANNOTATIONS = {RDFS.label, RDFS.comment, OWL.versionInfo}
#: Predicates the parser below reads; any other one in the OWL, RDFS or RDF namespaces is refused.
_STRUCTURE = {
    RDF.type,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.inverseOf,
    RDFS.range,
    RDFS.domain,
    OWL.equivalentClass,
    OWL.intersectionOf,
    OWL.onProperty,
    OWL.someValuesFrom,
    OWL.hasValue,
    OWL.members,
    OWL.disjointWith,
    RDF.first,
    RDF.rest,
}


class Unsupported(IcgraphError):
    """The ontology or data use an OWL construct the rules do not cover exactly."""

    def __init__(self, construct: str, triple: tuple[Node, Node, Node] | None = None) -> None:
        self.construct = construct
        where = f" ({' '.join(_name(t) for t in triple)})" if triple else ""
        super().__init__(f"the OWL RL rules do not cover {construct}{where}")


@dataclass(frozen=True)
class RulesResult:
    """What the rules found: the inferences, or why the graph is inconsistent."""

    inferred: Graph
    #: Individuals in two disjoint classes, as ``"<x> is in disjoint classes <a>, <b>"``.
    clashes: list[str] = field(default_factory=list)
    #: Classes no individual can belong to.
    unsatisfiable: list[str] = field(default_factory=list)


# A class expression of a definition: ("class", C), ("and", [e...]), ("some", P, e),
# ("value", P, a).
Expr = tuple


def named_superclasses(
    graph: Graph, relation: URIRef = RDFS.subClassOf
) -> dict[URIRef, set[URIRef]]:
    """Every named class's stated superclasses, transitively (or properties', with
    ``relation=RDFS.subPropertyOf``), without itself and ``owl:Thing``."""
    closure: dict[URIRef, set[URIRef]] = {}
    for cls in set(graph.subjects(relation, None)):
        if isinstance(cls, URIRef):
            supers = {c for c in graph.transitive_objects(cls, relation) if isinstance(c, URIRef)}
            supers.discard(cls)
            supers.discard(OWL.Thing)
            closure[cls] = supers
    return closure


def _name(term: Node) -> str:
    """``owl:X``, ``rdfs:X``, ``rdf:X`` for the vocabulary, N-Triples for the rest."""
    for prefix, ns in (("owl", _OWL), ("rdfs", _RDFS), ("rdf", _RDF)):
        if isinstance(term, URIRef) and str(term).startswith(ns):
            return f"{prefix}:{str(term)[len(ns) :]}"
    return term.n3()


def _is_vocabulary(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith((_OWL, _RDFS, _RDF))


class _TBox:
    """The axioms, parsed and checked against what the rules cover."""

    def __init__(self, schema: Graph, examples: Iterable[tuple[Node, Node, Node]]) -> None:
        """``examples``: one skeleton triple per predicate and per object of ``rdf:type``."""
        g = schema
        self.object_properties = set(g.subjects(RDF.type, OWL.ObjectProperty))
        self.datatype_properties = set(g.subjects(RDF.type, OWL.DatatypeProperty))
        self.symmetric = set(g.subjects(RDF.type, OWL.SymmetricProperty))
        self.sub_class: dict[Node, set[Node]] = defaultdict(set)  # stated, one step
        self.sub_property: dict[Node, set[Node]] = defaultdict(set)
        self.inverse: dict[Node, set[Node]] = defaultdict(set)
        self.range: dict[Node, set[Node]] = defaultdict(set)
        self.domain: dict[Node, set[Node]] = defaultdict(set)
        self.definitions: dict[Node, Expr] = {}
        self.disjoint_groups: list[list[Node]] = []
        self.classes: set[Node] = {
            c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)
        }
        self._used: set[BNode] = set()  # blank nodes that are part of an axiom read here
        self._read(g, examples)

    # --- parsing -----------------------------------------------------------------------------

    def _read(self, g: Graph, examples: Iterable[tuple[Node, Node, Node]]) -> None:
        for s, p, o in examples:
            if p in _ANNOTATIONS:
                continue
            if _is_vocabulary(p) and p not in _STRUCTURE:
                raise Unsupported(f"the axiom {_name(p)}", (s, p, o))
            if p == RDF.type and _is_vocabulary(o) and o not in _DECLARATIONS:
                raise Unsupported(f"the type {_name(o)}", (s, p, o))
        for s, o in g.subject_objects(RDFS.subClassOf):
            self._need_named(s, o, RDFS.subClassOf, "a class expression in rdfs:subClassOf")
            if o != OWL.Thing:
                self.sub_class[s].add(o)
                self.classes |= {s, o}
        for s, o in g.subject_objects(RDFS.subPropertyOf):
            self._need_named(s, o, RDFS.subPropertyOf, "an unnamed property")
            if s in self.datatype_properties and o not in self.object_properties:
                continue  # between data properties: no literal reaches the rules
            self._need_object_property(s, (s, RDFS.subPropertyOf, o))
            self.sub_property[s].add(o)
        for s, o in g.subject_objects(OWL.inverseOf):
            self._need_named(s, o, OWL.inverseOf, "an inverse of an unnamed property")
            self._need_object_property(s, (s, OWL.inverseOf, o))
            self._need_object_property(o, (s, OWL.inverseOf, o))
            self.inverse[s].add(o)
            self.inverse[o].add(s)
        for prop in self.symmetric:
            self._need_object_property(prop, (prop, RDF.type, OWL.SymmetricProperty))
        for relation, target in ((RDFS.range, self.range), (RDFS.domain, self.domain)):
            for s, o in g.subject_objects(relation):
                self._need_named(s, o, relation, "a class expression as a range or domain")
                if s in self.datatype_properties and relation == RDFS.range:
                    if not str(o).startswith(_XSD) and o != RDFS.Literal:
                        raise Unsupported("a data property with a class range", (s, relation, o))
                    continue
                self._need_object_property(s, (s, relation, o))
                if o != OWL.Thing:
                    target[s].add(o)
                    self.classes.add(o)
        for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = g.value(node, OWL.members)
            if not isinstance(node, BNode) or members is None:
                raise Unsupported(
                    "an owl:AllDisjointClasses without members",
                    (node, RDF.type, OWL.AllDisjointClasses),
                )
            group = self._list(g, members)
            for m in group:
                self._need_named(
                    node, m, OWL.members, "a class expression in owl:AllDisjointClasses"
                )
            self._used.add(node)
            self.disjoint_groups.append(group)
            self.classes |= set(group)
        for s, o in g.subject_objects(OWL.disjointWith):
            self._need_named(s, o, OWL.disjointWith, "a class expression in owl:disjointWith")
            self.disjoint_groups.append([s, o])
        for s, o in g.subject_objects(OWL.equivalentClass):
            if not isinstance(s, URIRef) or not isinstance(o, BNode):
                raise Unsupported(
                    "owl:equivalentClass other than a named class = a definition",
                    (s, OWL.equivalentClass, o),
                )
            if s in self.definitions:
                raise Unsupported("a class with two definitions", (s, OWL.equivalentClass, o))
            self.definitions[s] = self._expr(g, o)
            self.classes.add(s)
        for s, o in g.subject_objects(RDF.type):
            if isinstance(s, BNode) and s not in self._used and o in _DECLARATIONS:
                raise Unsupported("an unnamed class or axiom", (s, RDF.type, o))
            if isinstance(o, BNode):
                raise Unsupported("a class expression as a type", (s, RDF.type, o))
        for s, p, o in g:
            anonymous_individual = p == RDF.type and not _is_vocabulary(o)
            if (
                isinstance(s, BNode)
                and _is_vocabulary(p)
                and s not in self._used
                and not anonymous_individual
            ):
                raise Unsupported("an unnamed class or axiom", (s, p, o))
        for prop in set(self.object_properties) & self.datatype_properties:
            raise Unsupported(
                "a property both object and data property", (prop, RDF.type, OWL.DatatypeProperty)
            )
        self._check_definitions_are_closed()

    def _need_named(self, s: Node, o: Node, p: Node, construct: str) -> None:
        if isinstance(s, BNode) and p != OWL.members or isinstance(o, BNode):
            raise Unsupported(construct, (s, p, o))

    def _need_object_property(self, prop: Node, triple: tuple[Node, Node, Node]) -> None:
        # HermiT, through owlready2, reports the links of declared object properties only.
        if prop not in self.object_properties:
            raise Unsupported("an axiom on a property not declared an owl:ObjectProperty", triple)

    def _list(self, g: Graph, head: Node) -> list[Node]:
        items: list[Node] = []
        node = head
        while node != RDF.nil:
            if not isinstance(node, BNode):
                raise Unsupported("a malformed RDF list", (head, RDF.first, node))
            self._used.add(node)
            first, rest = g.value(node, RDF.first), g.value(node, RDF.rest)
            if first is None or rest is None:
                raise Unsupported("a malformed RDF list", (head, RDF.first, node))
            items.append(first)
            node = rest
        return items

    def _expr(self, g: Graph, node: Node) -> Expr:
        if isinstance(node, URIRef):
            if node != OWL.Thing:
                self.classes.add(node)
            return ("class", node)
        if not isinstance(node, BNode) or node in self._used:
            raise Unsupported("a shared or literal class expression", (node, RDF.type, OWL.Class))
        self._used.add(node)
        preds = {p for p in g.predicates(node, None)} - {RDF.type}
        types = set(g.objects(node, RDF.type)) - {OWL.Class, OWL.Restriction}
        if types:
            raise Unsupported(
                "a class expression of this type", (node, RDF.type, next(iter(types)))
            )
        if preds == {OWL.intersectionOf}:
            members = self._list(g, g.value(node, OWL.intersectionOf))  # type: ignore[arg-type]
            return ("and", [self._expr(g, m) for m in members])
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            if not isinstance(prop, URIRef):
                raise Unsupported(
                    "a restriction on an unnamed property", (node, OWL.onProperty, prop)
                )
            self._need_object_property(prop, (node, OWL.onProperty, prop))
        if preds == {OWL.onProperty, OWL.someValuesFrom}:
            return ("some", prop, self._expr(g, g.value(node, OWL.someValuesFrom)))  # type: ignore[arg-type]
        if preds == {OWL.onProperty, OWL.hasValue}:
            value = g.value(node, OWL.hasValue)
            if not isinstance(value, URIRef):
                raise Unsupported(
                    "an owl:hasValue that is not a named individual",
                    (node, OWL.hasValue, value if value is not None else RDF.nil),
                )
            return ("value", prop, value)
        raise Unsupported("this class expression", (node, min(preds, key=str), OWL.Thing))

    # --- derived tables ----------------------------------------------------------------------

    def super_properties(self) -> dict[Node, set[Node]]:
        closure: dict[Node, set[Node]] = {}
        for prop in self.sub_property:
            seen: set[Node] = set()
            todo = list(self.sub_property[prop])
            while todo:
                q = todo.pop()
                if q not in seen:
                    seen.add(q)
                    todo.extend(self.sub_property.get(q, ()))
            if prop in seen:
                raise Unsupported("a cycle of rdfs:subPropertyOf", (prop, RDFS.subPropertyOf, prop))
            closure[prop] = seen
        return closure

    def property_reach(self, props: Iterable[Node]) -> dict[Node, list[tuple[Node, bool]]]:
        """For each property, the (property, same direction?) pairs a link of it entails."""
        supers = self.super_properties()
        reach: dict[Node, list[tuple[Node, bool]]] = {}
        for prop in props:
            seen = {(prop, True)}
            todo = [(prop, True)]
            while todo:
                p, forward = todo.pop()
                steps = [(q, forward) for q in supers.get(p, ())]
                steps += [(q, not forward) for q in self.inverse.get(p, ())]
                if p in self.symmetric:
                    steps.append((p, not forward))
                for step in steps:
                    if step not in seen:
                        seen.add(step)
                        todo.append(step)
            # HermiT reports a hierarchy it entails beyond the stated one (through inverses) as
            # new rdfs:subPropertyOf triples; the rules do not reproduce that.
            entailed = {q for q, forward in seen if forward} - {prop}
            if entailed - supers.get(prop, set()):
                extra = min(entailed - supers.get(prop, set()), key=str)
                raise Unsupported(
                    "a property hierarchy entailed through inverses or symmetry",
                    (prop, RDFS.subPropertyOf, extra),
                )
            reach[prop] = sorted(seen, key=lambda step: (str(step[0]), step[1]))
        return reach

    def super_classes(self) -> dict[Node, set[Node]]:
        """Every class's superclasses: stated ones and a definition's named conjuncts."""
        one_step: dict[Node, set[Node]] = defaultdict(set)
        for c, sups in self.sub_class.items():
            one_step[c] |= sups
        for c, expr in self.definitions.items():
            if expr[0] == "and":
                one_step[c] |= {e[1] for e in expr[1] if e[0] == "class" and e[1] != OWL.Thing}
        closure: dict[Node, set[Node]] = {}
        for c in set(one_step) | self.classes:
            seen: set[Node] = set()
            todo = list(one_step.get(c, ()))
            while todo:
                d = todo.pop()
                if d not in seen:
                    seen.add(d)
                    todo.extend(one_step.get(d, ()))
            if c in seen:
                raise Unsupported(
                    "a cycle of rdfs:subClassOf (an equivalence)", (c, RDFS.subClassOf, c)
                )
            closure[c] = seen
        return closure

    def _check_definitions_are_closed(self) -> None:
        supers = self.super_classes()
        for defined in self.definitions:
            # Members other than by the definition would need the definition's existentials.
            for c, sups in supers.items():
                if defined in sups:
                    raise Unsupported(
                        "a subclass of a defined class", (c, RDFS.subClassOf, defined)
                    )
            for prop, ranges in list(self.range.items()) + list(self.domain.items()):
                if defined in ranges:
                    raise Unsupported(
                        "a defined class as a range or domain", (prop, RDFS.range, defined)
                    )
            for group in self.disjoint_groups:
                if defined in group:
                    raise Unsupported(
                        "a defined class in a disjointness axiom",
                        (defined, OWL.disjointWith, group[0]),
                    )

    def value_properties(self) -> set[Node]:
        found: set[Node] = set()

        def walk(e: Expr) -> None:
            if e[0] == "and":
                for m in e[1]:
                    walk(m)
            elif e[0] == "some":
                walk(e[2])
            elif e[0] == "value":
                found.add(e[1])

        for expr in self.definitions.values():
            walk(expr)
        return found


class _Witness(BNode):
    """A fresh node that stands for "some member of a class" (never output)."""

    cls: Node

    def __new__(cls, of: Node) -> _Witness:
        node = super().__new__(cls)
        node.cls = of
        return node


@dataclass
class Closure:
    """The rules' fixed point: every entailed type and link, the witnesses' included."""

    tbox: _TBox
    schema: Graph
    asserted: set[tuple[Node, Node, Node]]
    types: dict[Node, set[Node]]
    links: dict[Node, set[tuple[Node, Node]]]
    witness_of: dict[Node, Node]


def infer(graph: Graph) -> RulesResult:
    """Apply the rules to ``graph`` (ontology and data) and put together HermiT's answer.

    Raises:
        Unsupported: the graph uses a construct outside the rules' exact coverage.
    """
    with _no_cyclic_gc():
        return _infer(graph)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    # The rules allocate millions of small objects and free none of them before the end: the
    # cyclic collector would only walk the (large) heap again and again, which made the time
    # grow faster than the graph.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _infer(graph: Graph) -> RulesResult:
    found = _closure(graph)
    clashes, unsatisfiable = _clashes(found.types, found.tbox.disjoint_groups)
    if clashes or unsatisfiable:
        return RulesResult(Graph(), clashes, unsatisfiable)
    # The class hierarchy HermiT computes: what a class's witness belongs to (in a Horn fragment
    # like this one, a class's witness is in every class that subsumes it).
    hierarchy = {c: found.types[w] - {c} for c, w in found.witness_of.items()}
    for c, above in hierarchy.items():
        for d in above:
            if c in hierarchy.get(d, ()):
                raise Unsupported("two classes entailed equivalent", (c, OWL.equivalentClass, d))
    return RulesResult(_report(found.schema, found.asserted, found.types, found.links, hierarchy))


def closure(graph: Graph) -> Closure:
    """Run the rules on ``graph`` to their fixed point (no check, no report).

    Raises:
        Unsupported: the graph uses a construct outside the rules' exact coverage.
    """
    with _no_cyclic_gc():
        return _closure(graph)


def _closure(graph: Graph) -> Closure:
    # One object per term: later look-ups then hit on identity, without rdflib's __eq__.
    canon: dict[Node, Node] = {}
    vocabulary: dict[Node, bool] = {}

    def term(t: Node) -> Node:
        return canon.setdefault(t, t)

    def is_vocabulary(t: Node) -> bool:
        known = vocabulary.get(t)
        if known is None:
            known = vocabulary[t] = _is_vocabulary(t)
        return known

    rdf_type, same_as = term(RDF.type), term(OWL.sameAs)
    skeleton = []
    examples: dict[Node, tuple[Node, Node, Node]] = {}  # a triple per predicate and type
    for s, p, o in graph:
        p = term(p)
        if isinstance(o, Literal):
            # A cardinality or a literal owl:hasValue would vanish from the skeleton.
            if is_vocabulary(p) and p not in _LITERAL_ANNOTATIONS:
                raise Unsupported(f"the axiom {_name(p)}", (s, p, o))
        elif p is not same_as:
            triple = (term(s), p, term(o))
            skeleton.append(triple)
            examples.setdefault(triple[2] if p is rdf_type else p, triple)
    # The axioms, in a graph of their own (the ABox would only slow the parser's look-ups).
    schema = Graph()
    for s, p, o in skeleton:
        if (
            isinstance(s, BNode)
            or (p is not rdf_type and is_vocabulary(p))
            or (p is rdf_type and (is_vocabulary(o) or isinstance(o, BNode)))
        ):
            schema.add((s, p, o))
    tbox = _TBox(schema, examples.values())
    asserted = set(skeleton)

    # Links: every rule on them reads one triple, so one pass with each property's reach.
    abox_links: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    asserted_types: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in skeleton:
        if p is rdf_type:
            if not is_vocabulary(o):
                asserted_types[s].add(o)
        elif not is_vocabulary(p) and p not in _ANNOTATIONS:
            abox_links[p].append((s, o))
    for p in set(abox_links) & tbox.datatype_properties:
        s, o = abox_links[p][0]
        raise Unsupported("a data property with a resource as its value", (s, p, o))

    for node, cs in asserted_types.items():
        tbox.classes |= {c for c in cs if isinstance(c, URIRef)}
        for c in cs & tbox.definitions.keys():
            # Its existentials would then need individuals the rules do not make.
            raise Unsupported("an asserted member of a defined class", (node, RDF.type, c))
    # The witnesses: one member of each class, with what its definition says it has.
    witnesses: list[Node] = []
    classes = sorted(tbox.classes - {OWL.Thing}, key=str)
    witness_of: dict[Node, Node] = {}
    for cls in classes:
        w = witness_of[cls] = _Witness(cls)
        witnesses.append(w)
        asserted_types[w].add(cls)
        if cls in tbox.definitions:
            _expand(tbox.definitions[cls], w, asserted_types, abox_links, witnesses)

    # Checked for every property, with links or not: HermiT classifies them all.
    reach = tbox.property_reach(set(abox_links) | tbox.object_properties)
    for prop in tbox.value_properties():
        # A witness's link to a named individual must add nothing to that individual.
        steps = tbox.property_reach([prop])[prop]
        if any(not forward or tbox.range.get(q) or tbox.domain.get(q) for q, forward in steps):
            raise Unsupported(
                "an owl:hasValue on a property with an inverse, a range or a domain",
                (prop, RDF.type, OWL.ObjectProperty),
            )
    links: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
    for p, pairs in abox_links.items():
        for q, forward in reach[p]:
            target = links[q]
            if forward:
                target.update(pairs)
            else:
                target.update((o, s) for s, o in pairs)

    supers = tbox.super_classes()
    types: dict[Node, set[Node]] = defaultdict(set)

    def add_types(node: Node, new: Iterable[Node]) -> bool:
        have = types[node]
        before = len(have)
        for c in new:
            if c not in have:
                have.add(c)
                have |= supers.get(c, set())
        have.discard(OWL.Thing)
        return len(have) != before

    for node, cs in asserted_types.items():
        add_types(node, cs)
    for p, linked in links.items():
        for c in tbox.range.get(p, ()):
            for _, o in linked:
                add_types(o, (c,))
        for c in tbox.domain.get(p, ()):
            for s, _ in linked:
                add_types(s, (c,))
    by_object: dict[Node, dict[Node, set[Node]]] = {}
    changed = bool(tbox.definitions)
    while changed:
        changed = False
        instances: dict[Node, set[Node]] = defaultdict(set)
        for node, cs in types.items():
            for c in cs:
                instances[c].add(node)
        for defined, expr in tbox.definitions.items():
            for node in _members(expr, instances, links, by_object) - instances[defined]:
                changed |= add_types(node, (defined,))
    return Closure(tbox, schema, asserted, types, links, witness_of)


def _expand(
    expr: Expr,
    node: Node,
    types: dict[Node, set[Node]],
    links: dict[Node, list[tuple[Node, Node]]],
    witnesses: list[Node],
) -> None:
    # cls-int2 and the existentials of a definition, on a witness.
    kind = expr[0]
    if kind == "class":
        types[node].add(expr[1])
    elif kind == "and":
        for member in expr[1]:
            _expand(member, node, types, links, witnesses)
    elif kind == "some":
        filler = _Witness(OWL.Thing)
        witnesses.append(filler)
        links[expr[1]].append((node, filler))  # type: ignore[arg-type]
        _expand(expr[2], filler, types, links, witnesses)  # type: ignore[arg-type]
    else:
        links[expr[1]].append((node, expr[2]))


def _members(
    expr: Expr,
    instances: dict[Node, set[Node]],
    links: dict[Node, set[tuple[Node, Node]]],
    by_object: dict[Node, dict[Node, set[Node]]],
) -> set[Node]:
    # cls-int1, cls-svf1 (cls-svf2 for owl:Thing), cls-hv2: who the expression recognises.
    kind = expr[0]
    if kind == "class":
        if expr[1] == OWL.Thing:
            return set().union(*instances.values()) if instances else set()
        return instances.get(expr[1], set())
    if kind == "and":
        parts = sorted((_members(m, instances, links, by_object) for m in expr[1]), key=len)
        return set.intersection(*parts) if parts else set()
    prop = expr[1]
    if kind == "some":
        filler = expr[2]
        pairs = links.get(prop, set())
        if filler == ("class", OWL.Thing):
            return {s for s, _ in pairs}
        fillers = _members(filler, instances, links, by_object)
        return {s for s, o in pairs if o in fillers}
    if prop not in by_object:
        index: dict[Node, set[Node]] = defaultdict(set)
        for s, o in links.get(prop, set()):
            index[o].add(s)
        by_object[prop] = index
    return set(by_object[prop].get(expr[2], set()))


def _clashes(types: dict[Node, set[Node]], groups: list[list[Node]]) -> tuple[list[str], list[str]]:
    # cax-adc / cax-dw on every individual; on a witness, the clash makes its class unsatisfiable.
    clashes: list[str] = []
    unsatisfiable: set[str] = set()
    members = [set(g) for g in groups]
    for node, cs in types.items():
        for group, as_set in zip(groups, members, strict=True):
            if len(as_set & cs) > 1:
                if isinstance(node, _Witness):
                    unsatisfiable.add(str(node.cls))
                else:
                    hit = sorted(str(c) for c in group if c in cs)
                    clashes.append(f"{node} is in disjoint classes {', '.join(hit)}")
    return sorted(clashes), sorted(unsatisfiable)


def _report(
    schema: Graph,
    asserted: set[tuple[Node, Node, Node]],
    types: dict[Node, set[Node]],
    links: dict[Node, set[tuple[Node, Node]]],
    hierarchy: dict[Node, set[Node]],
) -> Graph:
    """What ``reason()`` keeps of HermiT's answer, from the rules' closure."""
    inferred = Graph()
    found: list[tuple[Node, Node]] = []
    # HermiT's realisation: the most specific types of each named individual.
    for node, cs in types.items():
        if not isinstance(node, URIRef) or str(node).startswith(_OWL):
            continue
        for c in cs:
            if any(c in hierarchy.get(d, ()) for d in cs if d != c):
                continue
            if c in (OWL.Thing, OWL.NamedIndividual) or (node, RDF.type, c) in asserted:
                continue
            inferred.add((node, RDF.type, c))
            found.append((node, c))
    # reason() adds the stated superclasses of every asserted and found type, but for terms of
    # the ontology.
    told = named_superclasses(schema)
    ontology_terms = set(schema.subjects(RDF.type, OWL.Class)) | set(
        schema.subjects(RDF.type, OWL.ObjectProperty)
    )
    typed = [(s, o) for s, p, o in asserted if p == RDF.type]
    for s, t in typed + found:
        if s in ontology_terms or not isinstance(t, URIRef):
            continue
        for sup in told.get(t, set()):
            if (s, RDF.type, sup) not in asserted:
                inferred.add((s, RDF.type, sup))
    # Every entailed link between named resources.
    for p, pairs in links.items():
        for s, o in pairs:
            if isinstance(s, URIRef) and isinstance(o, URIRef) and (s, p, o) not in asserted:
                inferred.add((s, p, o))
    return inferred
