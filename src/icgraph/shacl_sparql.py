"""SHACL shapes compiled to SPARQL, one query per constraint over the whole graph.

pySHACL evaluates every constraint once per focus node in Python, and runs a SPARQL-based
constraint as one rdflib query per focus node: on the real graph that is 11-17 s, nearly all of
it in that loop. Here each constraint of a shape becomes one SPARQL query that returns exactly
the focus nodes (and value nodes) that violate it, for all focus nodes at once, and pyoxigraph
runs it. The focus nodes are a sub-select of the shape's targets inside that query, so no node
of the data is ever written into query text.

:mod:`icgraph.shacl_report` runs the queries on pyoxigraph and writes the report. It is
pySHACL's, result for result: the same focus nodes, paths, values, severities,
source shapes, constraint components, source constraints and messages (the shape's
``sh:message``, with ``{?var}`` filled in for SPARQL constraints), in the same report structure
(blank nodes of the shapes and data graphs copied in with their ids). pySHACL stays the oracle:
``tests/test_shacl_sparql.py`` compares both reports on the real graph and on the shape fixtures.
Where a shape has no ``sh:message`` the wording of the generic message is this module's own.

Only what can be compiled exactly is compiled: the SHACL Core components the project's shapes
use and their neighbours (see ``_VALUE_COMPONENTS``), SPARQL targets, and SPARQL constraints
whose query can take its focus nodes as a sub-select. Anything else (``sh:closed``,
``sh:equals``, qualified shapes, SHACL-AF rules, a query with a sub-select of its own, a literal
the store would rewrite...) raises :class:`Unsupported`, and ``icgraph.validate`` then runs
pySHACL instead, so the answer never depends on which engine ran.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from .load import to_oxigraph
from .query_text import token_spans

SH = Namespace("http://www.w3.org/ns/shacl#")


class Unsupported(Exception):
    """The shapes or the data use something this engine does not compile exactly."""


# --- Reading the shapes graph ------------------------------------------------------------------

#: Predicates of a shape that are not constraints (or are read with another one).
_NOT_CONSTRAINTS = {
    SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
    SH.deactivated, SH.defaultValue, SH.flags, SH.property, SH.sparql, SH.declare, SH.prefixes,
}  # fmt: skip

#: Components checked one value node at a time, by a SPARQL expression true when it fails.
_VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
}

#: Components checked once per focus node over all its value nodes.
_FOCUS_COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
}

_COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}

#: Datatypes whose lexical forms pySHACL checks (an ill-typed literal fails sh:datatype); a
#: SPARQL cast to the datatype succeeds exactly on the well-formed ones.
_CHECKED_DATATYPES = {XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.boolean, XSD.date,
                      XSD.dateTime, XSD.time}  # fmt: skip

_NODE_KINDS = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}

_CLASS_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


def _sparql_term(term: Node) -> str:
    """A constant of the shapes graph in query text (IRIs and literals only)."""
    if isinstance(term, URIRef | Literal):
        return str(to_oxigraph(term))
    raise Unsupported(f"a blank node as a constraint value: {term!r}")


def _string_literal(text: str) -> str:
    return str(ox.Literal(text))


@dataclass(frozen=True)
class Check:
    """One compiled query and how to read its rows as results."""

    shape: Node
    component: URIRef
    query: str
    has_value: bool  # rows carry ?v, the value node
    sparql_constraint: Node | None = None
    messages: tuple[Literal, ...] = ()  # a SPARQL constraint's own sh:message
    #: for sh:node: the node shape's own checks on the failing value nodes, which pySHACL
    #: nests under each result as sh:detail
    details: tuple[Check, ...] = ()


@dataclass
class Compiler:
    """Turns the shapes of a shapes graph into :class:`Check` queries."""

    shapes: Graph
    _counter: Iterator[int] = field(default_factory=itertools.count)
    _prologue: dict[str, str] = field(default_factory=dict)  # prefixes of the current shape

    def _var(self) -> str:
        return f"?_v{next(self._counter)}"

    def _one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.shapes.objects(node, predicate))
        if len(values) > 1:
            raise Unsupported(f"{node} has {len(values)} values for {predicate}")
        return values[0] if values else None

    def _deactivated(self, shape: Node) -> bool:
        flag = self._one(shape, SH.deactivated)
        return isinstance(flag, Literal) and flag.value is True

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    # -- paths -------------------------------------------------------------------------------

    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.shapes:
            return "(" + "/".join(self.path(n) for n in self._list(node)) + ")"
        for predicate, template in (
            (SH.inversePath, "^({})"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self._one(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self._one(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(n) for n in self._list(alternatives)) + ")"
        raise Unsupported(f"unknown property path {node!r}")

    # -- targets -----------------------------------------------------------------------------

    def targets(self, shape: Node) -> list[str]:
        """Graph patterns binding ``?this`` to the shape's focus nodes, one per target."""
        patterns = []
        classes = set(self.shapes.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.shapes:
            classes.add(shape)  # an implicit class target
        for cls in sorted(classes, key=str):
            patterns.append(f"?this {_CLASS_PATH} {_sparql_term(cls)} .")
        for node in sorted(self.shapes.objects(shape, SH.targetNode), key=str):
            patterns.append(f"VALUES ?this {{ {_sparql_term(node)} }}")
        for predicate in sorted(self.shapes.objects(shape, SH.targetSubjectsOf), key=str):
            patterns.append(f"?this {_sparql_term(predicate)} [] .")
        for predicate in sorted(self.shapes.objects(shape, SH.targetObjectsOf), key=str):
            patterns.append(f"[] {_sparql_term(predicate)} ?this .")
        for target in self.shapes.objects(shape, SH.target):
            select = self._one(target, SH.select)
            if select is None or (target, SH.ask, None) in self.shapes:
                raise Unsupported(f"a target other than a SPARQL SELECT target on {shape}")
            self._declare(target)
            patterns.append(_sub_select(str(select)))
        return patterns

    def focus(self, shape: Node) -> str | None:
        """A sub-select of the shape's focus nodes, or None when it has no target."""
        patterns = self.targets(shape)
        if not patterns:
            return None
        union = " UNION ".join("{ " + p + " }" for p in patterns)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def _declare(self, node: Node) -> None:
        """Add the prefixes ``node`` declares (sh:prefixes) to the query being compiled."""
        for source in self.shapes.objects(node, SH.prefixes):
            for declaration in self.shapes.objects(source, SH.declare):
                prefix = self._one(declaration, SH.prefix)
                namespace = self._one(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise Unsupported(f"an incomplete sh:declare on {source}")
                if self._prologue.get(str(prefix), str(namespace)) != str(namespace):
                    raise Unsupported(f"prefix {prefix!r} declared with two namespaces")
                self._prologue[str(prefix)] = str(namespace)

    def _query(self, body: str) -> str:
        prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(self._prologue.items()))
        return prologue + body

    # -- value-node conditions ---------------------------------------------------------------

    def fails(self, predicate: URIRef, parameter: Node, shape: Node, v: str, stack: tuple) -> str:
        """A SPARQL expression, true when value node ``v`` fails one value-node constraint."""
        if predicate == SH["class"]:
            return f"!EXISTS {{ {v} {_CLASS_PATH} {_sparql_term(parameter)} }}"
        if predicate == SH.datatype:
            return "!(" + _datatype_matches(parameter, v) + ")"
        if predicate == SH.nodeKind:
            if not isinstance(parameter, URIRef) or parameter not in _NODE_KINDS:
                raise Unsupported(f"unknown sh:nodeKind {parameter}")
            return _NODE_KINDS[parameter].format(v=v)
        if predicate == SH.pattern:
            flags = self._one(shape, SH.flags)
            # pySHACL reads only the i and m flags
            kept = "".join(f for f in str(flags or "").lower() if f in "im")
            return (
                f"(isBlank({v}) || !REGEX(STR({v}), {_string_literal(str(parameter))}, "
                f"{_string_literal(kept)}))"
            )
        if predicate in (SH.minLength, SH.maxLength):
            if not isinstance(parameter, Literal) or not isinstance(parameter.value, int):
                raise Unsupported(f"{predicate} takes an integer")
            if predicate == SH.minLength:
                if parameter.value == 0:
                    return "false"
                return f"(isBlank({v}) || STRLEN(STR({v})) < {parameter.value})"
            return f"(isBlank({v}) || STRLEN(STR({v})) > {parameter.value})"
        if predicate in _COMPARISONS:
            bound = _sparql_term(parameter)
            # an incomparable value (a string against a number, an IRI) fails, as in pySHACL
            return f"!COALESCE({v} {_COMPARISONS[predicate]} {bound}, false)"
        if predicate == SH["in"]:
            members = [_sparql_term(m) for m in self._list(parameter)]
            return "!(" + (" || ".join(f"sameTerm({v}, {m})" for m in members) or "false") + ")"
        if predicate == SH.node:
            return "!(" + self.conforms(parameter, v, stack) + ")"
        if predicate == SH["not"]:
            return "(" + self.conforms(parameter, v, stack) + ")"
        members = [self.conforms(m, v, stack) for m in self._list(parameter)]
        if predicate == SH["or"]:
            return "!(" + (" || ".join(members) or "false") + ")"
        if predicate == SH["and"]:
            return "!(" + (" && ".join(members) or "true") + ")"
        if predicate == SH.xone:
            count = " + ".join(f"IF({m}, 1, 0)" for m in members) or "0"
            return f"(({count}) != 1)"
        raise Unsupported(f"constraint {predicate}")  # pragma: no cover - guarded by the tables

    def constraints(self, shape: Node) -> list[tuple[URIRef, Node]]:
        """``(parameter, value)`` of every constraint of a shape, refusing unknown ones."""
        found = []
        for predicate, value in sorted(self.shapes.predicate_objects(shape)):
            if not isinstance(predicate, URIRef) or not str(predicate).startswith(str(SH)):
                continue
            if predicate in _NOT_CONSTRAINTS or predicate in (SH.prefix, SH.namespace):
                continue
            if predicate in _VALUE_COMPONENTS or predicate in _FOCUS_COMPONENTS:
                found.append((predicate, value))
                continue
            if predicate == SH.select and (shape, RDF.type, SH.SPARQLTarget) in self.shapes:
                continue
            raise Unsupported(f"{predicate} on {shape}")
        return found

    def conforms(self, shape: Node, x: str, stack: tuple = ()) -> str:
        """A SPARQL expression, true when node ``x`` conforms to ``shape`` (no result at all)."""
        if shape in stack:
            raise Unsupported(f"recursive shape {shape}")
        stack = (*stack, shape)
        if self._deactivated(shape):
            return "true"
        if (shape, SH.sparql, None) in self.shapes:
            raise Unsupported(f"a SPARQL constraint inside another shape ({shape})")
        path_node = self._one(shape, SH.path)
        parts: list[str] = []
        if path_node is None:
            for predicate, value in self.constraints(shape):
                if predicate in _VALUE_COMPONENTS:
                    parts.append("!" + self.fails(predicate, value, shape, x, stack))
                elif predicate == SH.hasValue:
                    parts.append(f"sameTerm({x}, {_sparql_term(value)})")
                else:
                    raise Unsupported(f"{predicate} on node shape {shape}")
            for child in self.shapes.objects(shape, SH.property):
                parts.append(self.conforms(child, x, stack))
            return "(" + (" && ".join(parts) or "true") + ")"
        if (shape, SH.property, None) in self.shapes:
            raise Unsupported(f"sh:property inside property shape {shape}")
        path = self.path(path_node)
        value_fails = []
        for predicate, value in self.constraints(shape):
            if predicate in _VALUE_COMPONENTS:
                y = self._var()
                value_fails.append((y, self.fails(predicate, value, shape, y, stack)))
            elif predicate == SH.hasValue:
                parts.append(f"EXISTS {{ {x} {path} {_sparql_term(value)} }}")
            elif predicate == SH.minCount:
                parts.append(self._at_least(x, path, _count(value)))
            elif predicate == SH.maxCount:
                parts.append("!" + self._at_least(x, path, _count(value) + 1))
            elif predicate == SH.uniqueLang and isinstance(value, Literal) and value.value is True:
                a, b = self._var(), self._var()
                parts.append(
                    f"NOT EXISTS {{ {x} {path} {a}, {b} . FILTER (!sameTerm({a}, {b}) && "
                    f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
                )
        for y, condition in value_fails:
            parts.append(f"NOT EXISTS {{ {x} {path} {y} . FILTER ({condition}) }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    def _at_least(self, x: str, path: str, n: int) -> str:
        if n <= 0:
            return "true"
        if n > 3:
            raise Unsupported("a count above 3 inside a nested shape")
        names = [self._var() for _ in range(n)]
        distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2))
        where = " . ".join(f"{x} {path} {name}" for name in names)
        return f"EXISTS {{ {where} {f'FILTER ({distinct})' if distinct else ''} }}"

    # -- top-level checks --------------------------------------------------------------------

    def checks(self) -> list[Check]:
        """One query per constraint of every shape that has targets."""
        if (None, RDF.type, SH.ConstraintComponent) in self.shapes:
            raise Unsupported("custom constraint components")
        for predicate in (SH.rule, SH.closed, SH.equals, SH.disjoint, SH.lessThan):
            if (None, predicate, None) in self.shapes:
                raise Unsupported(f"{predicate}")
        found: list[Check] = []
        shapes = {
            s
            for p in (
                SH.targetClass,
                SH.targetNode,
                SH.targetSubjectsOf,
                SH.targetObjectsOf,
                SH.target,
            )
            for s in self.shapes.subjects(p, None)
        }
        for kind in (SH.NodeShape, SH.PropertyShape):
            shapes |= {
                s
                for s in self.shapes.subjects(RDF.type, kind)
                if (s, RDF.type, RDFS.Class) in self.shapes
            }
        for shape in sorted(shapes, key=str):
            self._prologue = {}
            focus = self.focus(shape)
            if focus is not None:
                found.extend(self._shape_checks(shape, focus))
        return found

    def _shape_checks(self, shape: Node, focus: str) -> list[Check]:
        if self._deactivated(shape):
            return []
        path_node = self._one(shape, SH.path)
        path = self.path(path_node) if path_node is not None else None
        values = f"?this {path} ?v ." if path else "BIND (?this AS ?v)"
        found = []
        for predicate, value in self.constraints(shape):
            component = _VALUE_COMPONENTS.get(predicate) or _FOCUS_COMPONENTS[predicate]
            if predicate in _VALUE_COMPONENTS:
                condition = self.fails(predicate, value, shape, "?v", (shape,))
                where = f"{focus} {values} FILTER ({condition})"
                query = f"SELECT DISTINCT ?this ?v WHERE {{ {where} }}"
                details: tuple[Check, ...] = ()
                if predicate == SH.node:
                    failing = (
                        f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?v AS ?_detail) WHERE "
                        f"{{ {where} }} }} BIND (?_detail AS ?this) }} }}"
                    )
                    details = tuple(self._shape_checks(value, failing))
                found.append(Check(shape, component, self._query(query), True, details=details))
            elif predicate == SH.hasValue:
                term = _sparql_term(value)
                if path:
                    condition = f"NOT EXISTS {{ ?this {path} {term} }}"
                else:
                    condition = f"!sameTerm(?this, {term})"
                query = f"SELECT ?this WHERE {{ {focus} FILTER ({condition}) }}"
                found.append(Check(shape, component, self._query(query), False))
            elif path is None:
                raise Unsupported(f"{predicate} on node shape {shape}")
            elif predicate == SH.minCount:
                n = _count(value)
                if n == 0:
                    continue
                query = (
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
                    f"WHERE {{ {focus} {values} }} GROUP BY ?this }} FILTER (COALESCE(?n, 0) < {n}) }}"
                )
                found.append(Check(shape, component, self._query(query), False))
            elif predicate == SH.maxCount:
                query = (
                    f"SELECT ?this WHERE {{ {focus} {values} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?v) > {_count(value)})"
                )
                found.append(Check(shape, component, self._query(query), False))
            elif predicate == SH.uniqueLang:
                if not (isinstance(value, Literal) and value.value is True):
                    continue
                # one result per focus node and language used twice, as pySHACL reports them
                query = (
                    f'SELECT ?this ?lang WHERE {{ {focus} {values} FILTER (LANG(?v) != "") '
                    f"BIND (LCASE(LANG(?v)) AS ?lang) }} GROUP BY ?this ?lang "
                    f"HAVING (COUNT(DISTINCT ?v) > 1)"
                )
                found.append(Check(shape, component, self._query(query), False))
        for constraint in self.shapes.objects(shape, SH.sparql):
            found.append(self._sparql_check(shape, constraint, focus))
        if path is None:
            for child in self.shapes.objects(shape, SH.property):
                found.extend(self._shape_checks(child, focus))
        elif (shape, SH.property, None) in self.shapes:
            raise Unsupported(f"sh:property inside property shape {shape}")
        return found

    def _sparql_check(self, shape: Node, constraint: Node, focus: str) -> Check:
        if self._deactivated(constraint):
            return Check(shape, SH.SPARQLConstraintComponent, "", False, constraint)
        select = self._one(constraint, SH.select)
        if select is None:
            raise Unsupported(f"SPARQL constraint {constraint} without sh:select")
        text = str(select)
        if re.search(r"\$(PATH|currentShape|shapesGraph)\b", text):
            raise Unsupported(
                f"SPARQL constraint {constraint} uses a pre-bound variable other than $this"
            )
        self._declare(constraint)
        query = self._query(_with_focus(text, focus))
        messages = tuple(
            m for m in self.shapes.objects(constraint, SH.message) if isinstance(m, Literal)
        )
        return Check(shape, SH.SPARQLConstraintComponent, query, False, constraint, messages)


def _count(value: Node) -> int:
    if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0:
        raise Unsupported(f"a count must be a non-negative integer, not {value!r}")
    return int(value.value)


def _datatype_matches(datatype: Node, v: str) -> str:
    if datatype == RDF.langString:
        return f'isLiteral({v}) && LANG({v}) != ""'
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    term = _sparql_term(datatype)
    same = f"isLiteral({v}) && DATATYPE({v}) = {term}"
    if datatype in _CHECKED_DATATYPES:
        return f"{same} && COALESCE(isLiteral({term}({v})), false)"
    return same


_SIMPLE_QUERY_REFUSES = {"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "MINUS",
                         "SERVICE", "GRAPH", "FROM", "COUNT", "SUM", "MIN", "MAX", "AVG",
                         "SAMPLE", "GROUP_CONCAT", "DISTINCT", "REDUCED"}  # fmt: skip


def _with_focus(text: str, focus: str) -> str:
    """A SPARQL constraint's query with its focus nodes joined in first.

    Pre-binding ``$this`` to each focus node and taking the union of the answers is the same as
    joining the focus nodes in ahead of the rest of the WHERE group, as long as the group is
    one flat pattern (joins, OPTIONAL, BIND, FILTER): every one of those distributes over a
    union of solutions. A sub-select, aggregates, VALUES or MINUS would not, so they are refused.
    """
    words = [t.upper() for kind, t, _ in token_spans(text) if kind == "word"]
    if words.count("SELECT") != 1 or _SIMPLE_QUERY_REFUSES & set(words):
        raise Unsupported("a SPARQL constraint whose query is not one flat SELECT")
    projected = []
    for kind, token, _ in token_spans(text):
        if kind == "other" and token == "{":
            break
        if kind == "var":
            projected.append(token[1:])
        if kind == "other" and token == "*":
            projected.append("this")
    if "this" not in projected:
        raise Unsupported("a SPARQL constraint that does not project $this")
    text = _anti_joins(text)
    for kind, token, start in token_spans(text):
        if kind == "other" and token == "{":
            return text[: start + 1] + " " + focus + " " + text[start + 1 :]
    raise Unsupported("a SPARQL constraint without a WHERE clause")


_NOT_IN_ANTI_JOIN = {"SELECT", "VALUES", "SERVICE", "GRAPH", "MINUS"}


def _anti_joins(text: str) -> str:
    """``FILTER NOT EXISTS { P }`` of the WHERE group as ``MINUS { SELECT DISTINCT ?this { P } }``.

    pyoxigraph evaluates NOT EXISTS once per solution without starting from the bound ``$this``,
    so a constraint over N states and N pieces of evidence costs N^2 (11 s at 10x the real graph
    instead of 0.01 s). The anti-join evaluates P once. The two are equal when P mentions
    ``$this`` only in its own top-level triple patterns (so every solution of P binds it and
    substituting it commutes with evaluating P) and shares no other variable with the rest of
    the query; a block that is not so is left as it is.
    """
    spans = list(token_spans(text))
    group = next((i for i, (k, t, _) in enumerate(spans) if k == "other" and t == "{"), None)
    if group is None:
        return text
    depth, i, blocks, end = 0, group, [], None
    while i < len(spans):
        kind, token, _ = spans[i]
        if kind == "other" and token == "{":
            depth += 1
        elif kind == "other" and token == "}":
            depth -= 1
            if depth == 0:
                end = i
                break
        elif (
            depth == 1
            and kind == "word"
            and token.upper() == "FILTER"
            and i + 3 < len(spans)
            and spans[i + 1][1].upper() == "NOT"
            and spans[i + 2][1].upper() == "EXISTS"
            and spans[i + 3][1] == "{"
        ):
            close = _matching(spans, i + 3)
            blocks.append((i, i + 3, close))
            i = close + 1
            continue
        i += 1
    if end is None:
        return text
    rewritten, moved, last = [], [], 0
    for first, open_, close in blocks:
        inner = spans[open_ + 1 : close]
        if not _anti_join_safe(inner, spans[:first] + spans[close + 1 :]):
            continue
        body = _union_subselects(text[spans[open_][2] + 1 : spans[close][2]])
        rewritten.append(text[last : spans[first][2]])
        last = spans[close][2] + 1
        moved.append(f" MINUS {{ SELECT DISTINCT ?this WHERE {{{body}}} }}")
    if not moved:
        return text
    closing = spans[end][2]
    return "".join(rewritten) + text[last:closing] + "".join(moved) + " " + text[closing:]


def _union_subselects(body: str) -> str:
    """Each top-level ``{A} UNION {B} ...`` of an anti-join body as a DISTINCT sub-select.

    pyoxigraph joins a UNION with the patterns around it badly (0.9 s where the parts take
    0.03 s at 30x the real graph). The body is evaluated on its own and projected to ``?this``,
    so the UNION may be evaluated on its own too and projected to the variables it shares with
    the rest of the body (and ``?this``): a join depends on those only.
    """
    spans = list(token_spans(body))
    chains: list[tuple[int, int]] = []
    depth, i = 0, 0
    while i < len(spans):
        kind, token, _ = spans[i]
        if kind == "other" and token == "{" and depth == 0:
            first, close = i, _matching(spans, i)
            while (
                close + 2 < len(spans)
                and spans[close + 1][0] == "word"
                and spans[close + 1][1].upper() == "UNION"
                and spans[close + 2][1] == "{"
            ):
                close = _matching(spans, close + 2)
            if close > _matching(spans, first):
                chains.append((first, close))
            i = close + 1
            continue
        if kind == "other":
            depth += {"{": 1, "}": -1, "(": 1, ")": -1}.get(token, 0)
        i += 1
    out, last = [], 0
    for first, close in chains:
        inside = {t[1:] for k, t, _ in spans[first : close + 1] if k == "var"}
        rest = {t[1:] for k, t, _ in spans[:first] + spans[close + 1 :] if k == "var"}
        shared = sorted(inside & (rest | {"this"}))
        if not shared:
            continue
        start, end = spans[first][2], spans[close][2] + 1
        projection = " ".join(f"?{v}" for v in shared)
        out.append(body[last:start])
        out.append(f"{{ SELECT DISTINCT {projection} WHERE {{ {body[start:end]} }} }}")
        last = end
    out.append(body[last:])
    return "".join(out)


def _matching(spans: list[tuple[str, str, int]], open_: int) -> int:
    depth = 0
    for j in range(open_, len(spans)):
        if spans[j][0] == "other" and spans[j][1] == "{":
            depth += 1
        elif spans[j][0] == "other" and spans[j][1] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise Unsupported("unbalanced braces in a SPARQL constraint")


def _anti_join_safe(inner: list[tuple[str, str, int]], outside: list[tuple[str, str, int]]) -> bool:
    if any(k == "word" and t.upper() in _NOT_IN_ANTI_JOIN for k, t, _ in inner):
        return False
    braces = parens = 0
    top_level_this = False
    for kind, token, _ in inner:
        if kind == "other":
            braces += {"{": 1, "}": -1}.get(token, 0)
            parens += {"(": 1, ")": -1}.get(token, 0)
        elif kind == "var" and token[1:] == "this":
            if braces or parens:
                return False  # inside a FILTER, BIND, OPTIONAL, UNION branch, ...
            top_level_this = True
    own = {t[1:] for k, t, _ in inner if k == "var"} - {"this"}
    shared = own & {t[1:] for k, t, _ in outside if k == "var"}
    return top_level_this and not shared


def _sub_select(text: str) -> str:
    """A SPARQL target's SELECT as a sub-select (its prefixes go into the outer prologue)."""
    words = {t.upper() for kind, t, _ in token_spans(text) if kind == "word"}
    if {"PREFIX", "BASE"} & words:
        raise Unsupported("PREFIX or BASE inside sh:select (declare prefixes with sh:prefixes)")
    return "{ " + text + " }"
