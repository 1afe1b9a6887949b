"""Running the compiled SHACL checks on pyoxigraph, and the report pySHACL would write.

:mod:`icgraph.shacl_sparql` compiles the shapes into one query per constraint; this module loads
the data graph (with the ontology axioms pySHACL mixes in) into an in-memory store, runs the
queries, reads their rows as validation results, and writes them as pySHACL does: the same
report structure, blank nodes of the shapes and data graphs copied in with their ids, and a text
report in pySHACL's layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .load import rewritten_literals, to_oxigraph, to_rdflib
from .shacl_sparql import SH, Check, Compiler, Unsupported


@dataclass(frozen=True)
class Result:
    """One validation result, in the terms of the rdflib graphs."""

    focus: Node
    path: Node | None
    value: Node | None
    severity: URIRef
    shape: Node
    component: URIRef
    source_constraint: Node | None
    messages: tuple[Literal, ...]
    details: tuple[Result, ...] = ()


def _ontology_mixin(ontology: Graph | None) -> Graph:
    """The ontology triples pySHACL mixes into the data graph (``ont_graph``), exactly its own."""
    mixed = Graph()
    if ontology is not None and len(ontology):
        from pyshacl.rdfutil.inoculate import inoculate

        inoculate(mixed, ontology)  # type: ignore[arg-type]
    return mixed


#: Datatypes whose literals the store keeps by value, and so may write in another form.
_XSD = str(XSD)


def _load(
    graphs: Iterable[Graph], native: Iterable[ox.Quad] = ()
) -> tuple[ox.Store, dict[ox.Literal, Node]]:
    """An in-memory store of the graphs and of ``native`` quads, and each stored literal's
    rdflib form (of a native literal, the one :func:`~icgraph.load.to_rdflib` makes).

    Raises:
        Unsupported: for a literal the store would hold in another form.
    """
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
    back: dict[ox.Literal, Node] = {}
    probes: list[tuple[Literal, ox.Literal]] = []

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        converted = cache.get(node)
        if converted is None:
            try:
                converted = to_oxigraph(node)
            except (TypeError, ValueError) as exc:
                raise Unsupported(f"a term the store cannot hold: {node!r}") from exc
            if isinstance(node, Literal):
                # rdflib tells "x" from "x"^^xsd:string, RDF 1.1 and the store do not: answer
                # with the literal as the data wrote it, and leave data with both to pySHACL
                if back.setdefault(converted, node) != node:  # type: ignore[arg-type]
                    raise Unsupported(f"the literal {node!r} written in two forms")
                if node.language and node.language != node.language.lower():
                    raise Unsupported("a language tag with capitals (the store lowers them)")
                if node.datatype is not None and str(node.datatype).startswith(_XSD):
                    probes.append((node, converted))  # type: ignore[arg-type]
            cache[node] = converted
        return converted

    store = ox.Store()
    store.bulk_extend(native)
    store.bulk_extend(
        ox.Quad(term(s), term(p), term(o))  # type: ignore[arg-type]
        for graph in graphs
        for s, p, o in graph
    )
    _check_round_trip(probes)
    return store, back


def _check_round_trip(probes: list[tuple[Literal, ox.Literal]]) -> None:
    # pyoxigraph stores numbers, booleans and dates by value ("07" comes back as "7"); pySHACL
    # sees the literal as written, so such data is left to pySHACL.
    if not probes:
        return
    rewritten = rewritten_literals([lit for _, lit in probes])
    for node, lit in probes:
        if lit in rewritten:
            raise Unsupported(f"a literal the store writes in another form: {node!r}")


def _message_text(template: str, bound: dict[str, Node]) -> str:
    for name, value in bound.items():
        for sigil in "?$":
            template = template.replace("{" + sigil + name + "}", str(value))
    return template


class Engine:
    """Validates graphs against one shapes graph, compiled once."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.checks = Compiler(shapes).checks()
        self._literals: dict[ox.Literal, Node] = {}
        self._converted: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node] = {}

    def results(
        self, data: Graph, ontology: Graph | None = None, native: Sequence[ox.Quad] | None = None
    ) -> list[Result]:
        """The results on ``data``; ``native``, when given, is ``data`` as pyoxigraph quads.

        The native quads are loaded as they are (converting a large rdflib graph term by term
        costs more than all the queries), so their literals must be the ones the data's rdflib
        literals convert to, and back (as :mod:`icgraph.load` parses them).
        """
        mixin = _ontology_mixin(ontology)
        if native is None:
            store, literals = _load([data, mixin])
        else:
            store, literals = _load([mixin], native)
        self._literals = literals
        self._converted = {}
        found: list[Result] = []
        for check in self.checks:
            found.extend(self._run(check, store))
        return found

    def _node(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        converted = self._converted.get(term)
        if converted is None:
            written = self._literals.get(term) if isinstance(term, ox.Literal) else None
            converted = self._converted[term] = written if written is not None else to_rdflib(term)
        return converted

    def _run(self, check: Check, store: ox.Store) -> list[Result]:
        if not check.query:
            return []
        found = list(self._read(check, store))
        if check.details and found:
            by_focus: dict[Node, list[Result]] = {}
            for detail in check.details:
                for result in self._run(detail, store):
                    by_focus.setdefault(result.focus, []).append(result)
            found = [replace(r, details=tuple(by_focus.get(r.value, ()))) for r in found]  # type: ignore[arg-type]
        return found

    def _shape_info(self, shape: Node) -> tuple[Node | None, URIRef, tuple[Literal, ...]]:
        path = self.shapes.value(shape, SH.path)
        severity = self.shapes.value(shape, SH.severity)
        messages = tuple(
            m for m in self.shapes.objects(shape, SH.message) if isinstance(m, Literal)
        )
        return path, severity if isinstance(severity, URIRef) else SH.Violation, messages

    def _read(self, check: Check, store: ox.Store) -> Iterator[Result]:
        path, severity, messages = self._shape_info(check.shape)
        try:
            rows = store.query(check.query)
        except (SyntaxError, OSError) as exc:  # pragma: no cover - a bug in the compiler
            raise Unsupported(f"pyoxigraph refused a compiled query: {exc}") from exc
        assert isinstance(rows, ox.QuerySolutions)
        if check.component != SH.SPARQLConstraintComponent:
            for row in rows:
                focus = self._node(row["this"])  # type: ignore[arg-type]
                value = self._node(row["v"]) if check.has_value else None  # type: ignore[arg-type]
                yield Result(
                    focus, path, value, severity, check.shape, check.component, None, messages
                )
            return
        names = [v.value for v in rows.variables]
        seen: set[tuple] = set()
        for row in rows:
            bound = {
                name: self._node(row[name])  # type: ignore[arg-type]
                for name in names
                if row[name] is not None
            }
            if "failure" in bound:
                raise Unsupported("a SPARQL constraint reporting ?failure")
            this, result_path, value = (
                bound.pop("this"),
                bound.pop("path", None),
                bound.pop("value", None),
            )
            key = (this, result_path, value, tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            if value is None and path is None:
                value = this  # a node shape's value node is its focus node
            # pySHACL fills {?value} and {?path} only when they are bound
            variables: dict[str, Node] = {**bound, "this": this}
            if value is not None:
                variables["value"] = value
            if result_path is not None:
                variables["path"] = result_path
            texts = [m for m in check.messages if m not in messages] + list(messages)
            filled = tuple(Literal(_message_text(str(m), variables)) for m in texts)
            yield Result(
                this,
                result_path if result_path is not None else path,
                value,
                severity,
                check.shape,
                check.component,
                check.sparql_constraint,
                filled,
            )


# --- The report ----------------------------------------------------------------------------------


Triple = tuple[Node, Node, Node]


def _clone(sources: list[Graph], node: Node, target: dict[Triple, None], done: set[Node]) -> None:
    """Copy a blank node's description into the report, keeping its id, as pySHACL does."""
    if not isinstance(node, BNode) or node in done:
        return
    done.add(node)
    for source in sources:
        for p, o in source.predicate_objects(node):
            target[(node, p, o)] = None
            _clone(sources, o, target, done)


def _show(node: Node | None, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return node.n3(graph.namespace_manager)
    return node.n3()


def generic_message(result: Result, shapes: Graph) -> Literal:
    """A message for a result whose shape has no ``sh:message`` (our wording, not pySHACL's)."""
    name = str(result.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    where = _show(result.focus, shapes)
    if result.path is not None:
        where += f" -> {_show(result.path, shapes)}"
    text = f"{name} constraint of {_show(result.shape, shapes)} not met on {where}"
    if result.value is not None:
        text += f" (value {_show(result.value, shapes)})"
    return Literal(text)


@dataclass(frozen=True)
class Report:
    """A validation report as pySHACL writes it: its triples, its text, its namespaces.

    The rdflib graph is made only when asked for (:meth:`graph`): a build publishes the triples
    and never needs it, and adding 240k triples to an rdflib graph costs more than finding the
    results.
    """

    conforms: bool
    triples: list[Triple]  # distinct
    text: str
    namespaces: tuple[tuple[str, URIRef], ...]
    #: results of each severity (local name), sh:detail results included, as severity_counts
    counts: dict[str, int]

    def graph(self) -> Graph:
        graph = Graph(bind_namespaces="core")
        for prefix, namespace in self.namespaces:
            graph.namespace_manager.bind(prefix, namespace)
        add = graph.add
        for triple in self.triples:
            add(triple)
        return graph


# rdflib's Namespace makes a new URIRef on every attribute access: the report's terms, once.
_RDF_TYPE = RDF.type
_SH_VALIDATIONREPORT = SH.ValidationReport
_SH_VALIDATIONRESULT = SH.ValidationResult
_SH_CONFORMS = SH.conforms
_SH_DETAIL = SH.detail
_SH_FOCUSNODE = SH.focusNode
_SH_RESULT = SH.result
_SH_RESULTMESSAGE = SH.resultMessage
_SH_RESULTPATH = SH.resultPath
_SH_RESULTSEVERITY = SH.resultSeverity
_SH_SOURCECONSTRAINT = SH.sourceConstraint
_SH_SOURCECONSTRAINTCOMPONENT = SH.sourceConstraintComponent
_SH_SOURCESHAPE = SH.sourceShape
_SH_VALUE = SH.value


def write(
    results: list[Result], shapes: Graph, data: Graph, ontology: Graph | None = None
) -> Report:
    """The report of ``results``, in the form pySHACL writes it."""
    conforms = not any(r.severity not in (SH.Warning, SH.Info) for r in results)
    triples: dict[Triple, None] = {}  # an ordered set
    root = BNode()
    triples[(root, _RDF_TYPE, _SH_VALIDATIONREPORT)] = None
    triples[(root, _SH_CONFORMS, Literal(conforms))] = None
    shape_sources, data_sources = [shapes], [data] + ([ontology] if ontology is not None else [])
    cloned: set[Node] = set()
    shown: dict[Node, str] = {}  # the same shapes, components and nodes come back in each result
    counts = dict.fromkeys(("Violation", "Warning", "Info"), 0)

    def show(node: Node | None) -> str:
        text = shown.get(node) if node is not None else ""
        if text is None:
            text = shown[node] = _show(node, shapes)  # type: ignore[index]
        return text

    def emit(result: Result) -> tuple[BNode, str]:
        node = BNode()
        severity = str(result.severity).rsplit("#", 1)[-1]
        if severity in counts:
            counts[severity] += 1
        messages = result.messages or (generic_message(result, shapes),)
        triples[(node, _RDF_TYPE, _SH_VALIDATIONRESULT)] = None
        triples[(node, _SH_SOURCECONSTRAINTCOMPONENT, result.component)] = None
        triples[(node, _SH_SOURCESHAPE, result.shape)] = None
        _clone(shape_sources, result.shape, triples, cloned)
        triples[(node, _SH_RESULTSEVERITY, result.severity)] = None
        triples[(node, _SH_FOCUSNODE, result.focus)] = None
        _clone(data_sources, result.focus, triples, cloned)
        if result.value is not None:
            triples[(node, _SH_VALUE, result.value)] = None
            _clone(data_sources, result.value, triples, cloned)
        if result.path is not None:
            triples[(node, _SH_RESULTPATH, result.path)] = None
            _clone(shape_sources, result.path, triples, cloned)
        if result.source_constraint is not None:
            triples[(node, _SH_SOURCECONSTRAINT, result.source_constraint)] = None
            _clone(shape_sources, result.source_constraint, triples, cloned)
        for message in messages:
            triples[(node, _SH_RESULTMESSAGE, message)] = None
        text = _describe(result, messages, show)
        if result.details:
            text += "\tDetails:\n"
            for detail in result.details:
                detail_node, detail_text = emit(detail)
                triples[(node, _SH_DETAIL, detail_node)] = None
                text += "".join("\t\t" + line + "\n" for line in detail_text.splitlines())
        return node, text

    descriptions = []
    for result in results:
        node, description = emit(result)
        triples[(root, _SH_RESULT, node)] = None
        descriptions.append(description)
    text = f"Validation Report\nConforms: {conforms}\n"
    if results:
        text += f"Results ({len(results)}):\n" + "".join(sorted(descriptions))
    namespaces = tuple((p, URIRef(n)) for p, n in shapes.namespace_manager.namespaces())
    return Report(conforms, list(triples), text, namespaces, counts)


def report(
    results: list[Result], shapes: Graph, data: Graph, ontology: Graph | None = None
) -> tuple[bool, Graph, str]:
    """``(conforms, report graph, report text)`` in the form pySHACL writes them."""
    written = write(results, shapes, data, ontology)
    return written.conforms, written.graph(), written.text


def _describe(
    result: Result, messages: tuple[Literal, ...], show: Callable[[Node | None], str]
) -> str:
    kind = "Constraint Violation" if result.severity == SH.Violation else "Validation Result"
    name = str(result.component).rsplit("#", 1)[-1]
    lines = [
        f"{kind} in {name} ({result.component}):",
        f"\tSeverity: {show(result.severity)}",
        f"\tSource Shape: {show(result.shape)}",
        f"\tFocus Node: {show(result.focus)}",
    ]
    if result.value is not None:
        lines.append(f"\tValue Node: {show(result.value)}")
    if result.path is not None:
        lines.append(f"\tResult Path: {show(result.path)}")
    if result.source_constraint is not None:
        lines.append(f"\tSource Constraint: {show(result.source_constraint)}")
    lines.extend(f"\tMessage: {m}" for m in sorted(messages, key=str))
    return "\n".join(lines) + "\n"


def validate(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    native: Sequence[ox.Quad] | None = None,
) -> Report:
    """Validate as pySHACL does with ``advanced=True`` and warnings and infos allowed.

    ``native``: ``data`` as pyoxigraph quads, if the caller has them (see ``Engine.results``).

    Raises:
        Unsupported: the shapes or the data need an engine that covers more of SHACL.
    """
    engine = Engine(shapes)
    return write(engine.results(data, ontology, native), shapes, data, ontology)
