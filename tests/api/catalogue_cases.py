"""Catalogue-style queries with the answers they must give on the fixture graph.

The real-client tests (SPARQLWrapper, rdflib's SPARQLStore) run each case. To point them at
the real graph later, give the ``catalogue_server`` fixture the real store and replace CASES
with the catalogue's queries and their expected answers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    #: Expected rows as tuples of strings, in the query's variable order (sorted when the
    #: query has no ORDER BY).
    rows: tuple[tuple[str, ...], ...]
    variables: tuple[str, ...]


# Queries use the project's default prefixes (icg:, rdfs:, ...) without declaring them, as the
# catalogue does; the endpoint supplies them.
CASES: tuple[Case, ...] = (
    Case(
        "states",
        "SELECT ?name ?code WHERE { ?s a icg:MemberState ; rdfs:label ?name ; "
        "icg:alpha2Code ?code } ORDER BY ?name",
        (("Austria", "AT"), ("Cyprus", "CY"), ("Norway", "NO")),
        ("name", "code"),
    ),
    Case(
        "instruments-per-state",
        "SELECT ?state (COUNT(?i) AS ?n) WHERE { ?i icg:inState/rdfs:label ?state } "
        "GROUP BY ?state ORDER BY ?state",
        (("Austria", "1"), ("Norway", "2")),
        ("state", "n"),
    ),
    Case(
        "funding-without-law",
        "SELECT ?label WHERE { ?f a icg:FundingStream ; rdfs:label ?label ; icg:inState ?s . "
        "FILTER NOT EXISTS { ?l a icg:Legislation ; icg:inState ?s } } ORDER BY ?label",
        (("Integration fund",),),
        ("label",),
    ),
)
