"""Which summary fields a resource page shows, chosen by the kind of resource.

A state has codes and a Wikidata item, not a governance level; an actor or an instrument has
a level and a state; a concept has a scheme and a definition. Each :class:`Kind` names the
classes that make a resource that kind (asserted or inferred, so ``icg:Programme`` is an
instrument through ``icg:Instrument``) and its fields. A *required* field is shown as "not
given" when the graph has no value, because its absence says something (an actor of no
level); an optional one is left out. A resource of no listed kind gets no summary, only its
facts.

The ontology declares no ``rdfs:domain`` for these properties (they are shared across kinds
on purpose), so the choice is made here and not read from the ontology.
"""

from __future__ import annotations

from dataclasses import dataclass

_ICG = "https://w3id.org/icgraph/ontology#"
_ORG = "http://www.w3.org/ns/org#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_OWL = "http://www.w3.org/2002/07/owl#"


@dataclass(frozen=True)
class Field:
    """One summary line: a CSS key, its label, the properties whose values it lists."""

    key: str
    label: str
    predicates: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class Kind:
    name: str
    classes: tuple[str, ...]
    fields: tuple[Field, ...]


_LEVEL = Field("level", "Governance level", (_ICG + "atLevel",))
_STATE = Field("state", "State", (_ICG + "inState",))

#: In order of precedence: the first kind whose class a resource has wins (a practice of
#: interest is also a passage).
KINDS: tuple[Kind, ...] = (
    Kind(
        "member state",
        (_ICG + "MemberState",),
        (
            Field("codes", "ISO 3166-1 codes", (_ICG + "alpha2Code", _ICG + "alpha3Code")),
            Field("same-as", "Same as", (_OWL + "sameAs",)),
            Field(
                "answered-through",
                "Answered the survey through",
                (_ICG + "answeredThrough",),
                False,
            ),
        ),
    ),
    Kind(
        "practice of interest",
        (_ICG + "PracticeOfInterest",),
        (_STATE, Field("channel", "Impetus channel", (_ICG + "impetusChannel",), False)),
    ),
    Kind(
        "actor",
        (_ORG + "Organization", _ORG + "OrganizationalCollaboration", _ICG + "ActorGroup"),
        (_LEVEL, _STATE, Field("role", "Institution role", (_ICG + "institutionRole",), False)),
    ),
    Kind(
        "instrument",
        (_ICG + "Instrument",),
        (
            _LEVEL,
            _STATE,
            Field("fields", "Policy fields", (_ICG + "addressesField",), False),
            Field("groups", "Target groups", (_ICG + "targets",), False),
        ),
    ),
    Kind("event", (_ICG + "Event",), (_LEVEL, _STATE)),
    Kind(
        "concept",
        (_SKOS + "Concept",),
        (
            Field("scheme", "In the code list", (_SKOS + "inScheme",)),
            Field("definition", "Definition", (_SKOS + "definition",)),
        ),
    ),
    Kind(
        "report section",
        (_ICG + "ReportSection",),
        (
            Field("number", "Section number", (_ICG + "sectionNumber",), False),
            Field("part-of", "Part of", (_DCT + "isPartOf",)),
        ),
    ),
)


def kind_of(types: set[str]) -> Kind | None:
    """The kind of a resource with these ``rdf:type`` IRIs, or None.

    >>> kind_of({"https://w3id.org/icgraph/ontology#MemberState"}).name
    'member state'
    >>> [f.key for f in kind_of({"http://www.w3.org/ns/org#Organization"}).fields]
    ['level', 'state', 'role']
    >>> kind_of({"https://w3id.org/icgraph/ontology#Passage"}) is None
    True
    """
    for kind in KINDS:
        if types.intersection(kind.classes):
            return kind
    return None
