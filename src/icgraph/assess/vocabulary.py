"""What a self-assessment sheet may say, read from the graph's own ontology and code lists.

The template's drop-downs, the sheet reader's checks and the mapping to RDF all take their
allowed values from here, so a concept added to ``data/codelists.ttl`` appears in all three.
A kind of row is an ontology class (its ``rdfs:label``); an institution's kind also carries
its role from the institution-role scheme, because the role is what makes an organisation an
``icg:Institution`` (section 2.1, Institutions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..config import Settings
from ..namespaces import CV, ICG, ID, ORG


@dataclass(frozen=True)
class Concept:
    """A concept of a code list: its IRI, its label and the other labels a sheet may use."""

    iri: URIRef
    label: str
    definition: str
    alt_labels: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.alt_labels)


@dataclass(frozen=True)
class Kind:
    """A value of the sheet's ``kind`` column: the class a row becomes, and its role if any."""

    label: str
    classes: tuple[URIRef, ...]
    definition: str
    role: URIRef | None = None
    #: The framework element (``report.ELEMENTS`` key) a row of this kind is evidence of.
    element: str | None = None

    @property
    def is_law(self) -> bool:
        return ICG.Legislation in self.classes or ICG.ConstitutionalProvision in self.classes

    @property
    def is_body(self) -> bool:
        return any(c in _BODY_CLASSES for c in self.classes)


@dataclass(frozen=True)
class KnownState:
    """One of the 32 member states that answered the survey (data/states.ttl)."""

    iri: URIRef
    code: str
    label: str


@dataclass(frozen=True)
class Vocabulary:
    """Every allowed value of the sheet, and the graph they come from."""

    kinds: tuple[Kind, ...]
    levels: tuple[Concept, ...]
    statuses: tuple[Concept, ...]
    groups: tuple[Concept, ...]
    fields: tuple[Concept, ...]
    processes: tuple[Concept, ...]
    states: tuple[KnownState, ...]
    #: The ontology and the code lists: the vocabulary the mapped RDF refers to.
    graph: Graph
    #: data/states.ttl, from which a responding state's own description is copied.
    state_graph: Graph

    def kind(self, text: str) -> Kind | None:
        wanted = _fold(text)
        return next((k for k in self.kinds if _fold(k.label) == wanted), None)

    def state(self, text: str) -> KnownState | None:
        """A responding state by its ISO 3166-1 alpha-2 code or its English name."""
        wanted = _fold(text)
        return next((s for s in self.states if wanted in (_fold(s.code), _fold(s.label))), None)


def lookup(concepts: Iterable[Concept], text: str) -> Concept | None:
    """The concept one of whose labels is ``text`` (ignoring case and spacing).

    >>> c = Concept(URIRef("urn:x"), "migrants", "", ("immigrants",))
    >>> lookup([c], "  Immigrants ") is c
    True
    """
    wanted = _fold(text)
    return next((c for c in concepts if wanted in (_fold(n) for n in c.names())), None)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


_BODY_CLASSES = frozenset(
    (
        ORG.Organization,
        ORG.OrganizationalCollaboration,
        CV.PublicOrganisation,
        ICG.InterculturalCitiesNetwork,
    )
)

#: The label of the one kind whose class the ontology only reuses (cv:PublicOrganisation has
#: no label there): a body that plays none of the four institution roles.
PUBLIC_BODY = "public body (no institution role)"


def _text(graph: Graph, node: URIRef, prop: URIRef) -> str:
    values = sorted(
        str(o)
        for o in graph.objects(node, prop)
        if isinstance(o, Literal) and o.language in (None, "en")
    )
    return values[0] if values else ""


def _scheme(graph: Graph, name: str) -> tuple[Concept, ...]:
    scheme = ID[f"scheme/{name}"]
    found = []
    for concept in graph.subjects(SKOS.inScheme, scheme):
        if not isinstance(concept, URIRef):
            continue
        ordinal = graph.value(concept, ICG.ordinal)
        alt = tuple(sorted(str(a) for a in graph.objects(concept, SKOS.altLabel)))
        found.append(
            (
                int(str(ordinal)) if ordinal is not None else 10**6,
                Concept(
                    concept,
                    _text(graph, concept, SKOS.prefLabel),
                    _text(graph, concept, SKOS.definition),
                    alt,
                ),
            )
        )
    if not found:
        raise ValueError(f"the code lists define no concept in the scheme {scheme}")
    return tuple(c for _, c in sorted(found, key=lambda pair: (pair[0], str(pair[1].iri))))


def _class_kind(graph: Graph, cls: URIRef, element: str | None = None) -> Kind:
    label = _text(graph, cls, RDFS.label)
    if not label:
        raise ValueError(f"the ontology gives {cls} no English rdfs:label")
    return Kind(label, (cls,), _text(graph, cls, SKOS.definition), element=element)


def _kinds(graph: Graph, roles: tuple[Concept, ...]) -> tuple[Kind, ...]:
    institution = _text(graph, ICG.Institution, RDFS.label)
    institution_kinds = tuple(
        Kind(
            f"{institution}: {role.label}",
            # A platform for cooperation is a collaboration of organisations, as the curated
            # data types Spain's Interinstitutional Memorandum of Understanding.
            (
                ORG.OrganizationalCollaboration
                if role.iri == ID["role/cooperation-platform"]
                else ORG.Organization,
            ),
            role.definition,
            role=role.iri,
            element="institutions",
        )
        for role in roles
    )
    return (
        _class_kind(graph, ICG.Legislation, "legislation"),
        _class_kind(graph, ICG.ConstitutionalProvision, "legislation"),
        *institution_kinds,
        _class_kind(graph, ICG.StrategyOrPlan, "strategies"),
        _class_kind(graph, ICG.FundingStream, "funding"),
        _class_kind(graph, ICG.Programme),
        _class_kind(graph, ICG.Tool),
        _class_kind(graph, ICG.Index),
        _class_kind(graph, ICG.InterculturalCitiesNetwork),
        Kind(
            PUBLIC_BODY,
            (CV.PublicOrganisation,),
            "A ministry, office, council or other public organisation that plays none of the "
            "four institution roles; it does not count as the element 'institutions'.",
        ),
    )


def _states(graph: Graph) -> tuple[KnownState, ...]:
    found = []
    for node in graph.subjects(RDF.type, ICG.MemberState):
        code = graph.value(node, ICG.alpha2Code)
        if isinstance(node, URIRef) and code is not None:
            found.append(KnownState(node, str(code), _text(graph, node, RDFS.label)))
    return tuple(sorted(found, key=lambda s: s.label))


def _parse(paths: Iterable[Path]) -> Graph:
    from ..load import parse_file

    graph = Graph()
    for path in paths:
        graph += parse_file(path)
    return graph


@lru_cache(maxsize=4)
def _load(ontology_dir: Path, data_dir: Path) -> Vocabulary:
    from ..load import turtle_files

    graph = _parse([*turtle_files(ontology_dir), data_dir / "codelists.ttl"])
    state_graph = _parse([data_dir / "states.ttl"])
    return Vocabulary(
        kinds=_kinds(graph, _scheme(graph, "role")),
        levels=_scheme(graph, "level"),
        statuses=_scheme(graph, "status"),
        groups=_scheme(graph, "group"),
        fields=_scheme(graph, "field"),
        processes=_scheme(graph, "mainstreaming"),
        states=_states(state_graph),
        graph=graph,
        state_graph=state_graph,
    )


def load_vocabulary(settings: Settings) -> Vocabulary:
    """The sheet's vocabulary from the settings' ontology and data folders (read once)."""
    return _load(settings.ontology_dir.resolve(), settings.data_dir.resolve())
