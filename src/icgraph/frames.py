"""Query answers as pandas tables, for the notebooks and the figures.

``catalogue_frame("cq06-multilevel-practices")`` runs a catalogue query on the published store
and returns a ``DataFrame`` with one column per projected variable, in the query's order.
Literals become Python values (integers, decimals, booleans), IRIs their strings, unbound
cells ``None``. pandas is imported only when a table is made, so the core package does not
need it (it comes with the ``notebooks`` extra).

The other tables here are the few the research notebooks need that the catalogue does not
hold; each is one SPARQL query, kept next to the function that runs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from .config import Settings, get_settings
from .query import Answer, QueryResult, request_for, run

if TYPE_CHECKING:
    import pandas as pd

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_DECIMALS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


def open_store(settings: Settings | None = None, *, build_if_missing: bool = True) -> ox.Store:
    """The published store of ``settings`` (default: ``get_settings()``), read-only.

    When no store is published yet it is built first (``icgraph.build.build``), unless
    ``build_if_missing`` is false.
    """
    from . import store

    settings = settings if settings is not None else get_settings()
    if build_if_missing and not store.exists(settings.store):
        from .build import build

        build(settings)
    return store.open_read_only(settings.store)


def python_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """A term as a plain Python value: IRIs and strings as ``str``, numbers and booleans typed.

    >>> python_value(ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    7
    >>> python_value(ox.NamedNode("https://w3id.org/icgraph/id/state/ES"))
    'https://w3id.org/icgraph/id/state/ES'
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _DECIMALS:
            return float(term.value)
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
    return term.value


def to_frame(result: QueryResult | Answer) -> pd.DataFrame:
    """A SELECT answer as a ``DataFrame``: one column per variable, in the query's order."""
    import pandas as pd

    if isinstance(result, Answer):
        native = cast(ox.QueryResultsFormat, result.format.native)
        result = ox.parse_query_results(result.body, format=native)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("to_frame() needs a SELECT result")
    names = [variable.value for variable in result.variables]
    records = [[python_value(solution[name]) for name in names] for solution in result]
    return pd.DataFrame.from_records(records, columns=names)


def _term(value: object) -> ox.NamedNode | ox.Literal:
    """A parameter value as a term: IRIs by their scheme, as ``icgraph query --param`` does."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    text = str(value)
    return ox.NamedNode(text) if text.startswith(("http://", "https://")) else ox.Literal(text)


def query_frame(
    query: str, *, store: ox.Store | None = None, settings: Settings | None = None, **params: object
) -> pd.DataFrame:
    """Run a SPARQL SELECT on the store (the project's prefixes predeclared) as a table.

    Keyword arguments bind projected variables (SEP-0007 substitutions).
    """
    settings = settings if settings is not None else get_settings()
    opened = store if store is not None else open_store(settings)
    values = {name: _term(value) for name, value in params.items()}
    return to_frame(run(opened, request_for(query, base_iri=settings.base_iri, bindings=values)))


def catalogue_frame(
    name: str, *, store: ox.Store | None = None, settings: Settings | None = None, **params: object
) -> pd.DataFrame:
    """Run the catalogue query ``name`` (a file stem in ``queries/``) as a table.

    Keyword arguments bind the query's parameters, e.g.
    ``catalogue_frame("cq10-practice-provenance", state="PT")``. An unknown parameter is an
    error, so a typo does not silently return the unnarrowed answer.
    """
    from .catalogue import get_query

    settings = settings if settings is not None else get_settings()
    entry = get_query(settings.queries_dir, name)
    bindings = entry.bindings((key, str(value)) for key, value in params.items())
    opened = store if store is not None else open_store(settings)
    request = request_for(entry.text, base_iri=settings.base_iri, bindings=bindings)
    return to_frame(run(opened, request, source=entry.path))


def catalogue_table(settings: Settings | None = None) -> pd.DataFrame:
    """The catalogue itself: name, competency question, title and parameters of each query."""
    import pandas as pd

    from .catalogue import load_catalogue

    settings = settings if settings is not None else get_settings()
    return pd.DataFrame.from_records(
        [
            (e.name, e.cq, e.title, ", ".join(p.name for p in e.parameters))
            for e in load_catalogue(settings.queries_dir).values()
        ],
        columns=["name", "cq", "title", "parameters"],
    )


# --- Tables the research notebooks need beyond the catalogue ------------------------------------

#: Actors (organisations and actor groups) named by the practices of section 2.2, one row per
#: practice × actor × governance level of the actor.
MULTILEVEL_ACTORS = """
SELECT DISTINCT ?practice ?alpha2 ?stateName ?channel ?channelLabel ?direction ?actor ?actorLabel ?level ?levelLabel ?levelOrdinal
WHERE {
  ?practice a icg:PracticeOfInterest ; icg:impetusChannel ?channel ; icg:names ?actor ;
            icg:inState ?state .
  ?state icg:alpha2Code ?alpha2 ; rdfs:label ?stateName .
  ?channel skos:prefLabel ?channelLabel ; icg:direction/skos:prefLabel ?direction .
  { ?actor a org:Organization } UNION { ?actor a icg:ActorGroup }
  ?actor rdfs:label ?actorLabel ; icg:atLevel ?level .
  ?level skos:prefLabel ?levelLabel ; icg:ordinal ?levelOrdinal .
}
ORDER BY ?channel ?alpha2 ?actorLabel ?levelOrdinal
"""

#: Every instrument with what it addresses: one row per instrument × (policy field or target
#: group); ``facet`` says which. DISTINCT because a triple stated in two data files (two named
#: graphs) appears twice in the union default graph.
INSTRUMENT_FACETS = """
SELECT DISTINCT ?instrument ?label ?kind ?alpha2 ?facet ?concept ?conceptLabel ?ordinal WHERE {
  ?instrument a icg:Instrument ; rdfs:label ?label .
  OPTIONAL { ?instrument icg:inState/icg:alpha2Code ?a2 }
  BIND (COALESCE(?a2, "EU") AS ?alpha2)
  OPTIONAL {
    ?instrument a ?k . ?k rdfs:label ?kind .
    FILTER (?k IN (icg:Legislation, icg:StrategyOrPlan, icg:FundingStream, icg:Programme, icg:Tool))
  }
  { ?instrument icg:addressesField ?concept . BIND ("field" AS ?facet) }
  UNION
  { ?instrument icg:targets ?concept . BIND ("group" AS ?facet) }
  ?concept skos:prefLabel ?conceptLabel ; icg:ordinal ?ordinal .
}
ORDER BY ?alpha2 ?label ?facet ?ordinal
"""

#: Every concept of a scheme, in the report's order.
SCHEME_CONCEPTS = """
SELECT DISTINCT ?scheme ?concept ?label ?ordinal WHERE {
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
  OPTIONAL { ?concept icg:ordinal ?ordinal }
}
ORDER BY ?ordinal ?label
"""


def multilevel_actors(
    store: ox.Store | None = None, settings: Settings | None = None
) -> pd.DataFrame:
    """The actors named by the multilevel-engagement practices (section 2.2), with levels."""
    return query_frame(MULTILEVEL_ACTORS, store=store, settings=settings)


def instrument_facets(
    store: ox.Store | None = None, settings: Settings | None = None
) -> pd.DataFrame:
    """Instruments × the policy fields they address and the target groups they name."""
    frame = query_frame(INSTRUMENT_FACETS, store=store, settings=settings)
    frame["kind"] = frame["kind"].fillna("instrument")
    return frame


def scheme_concepts(
    scheme: str, store: ox.Store | None = None, settings: Settings | None = None
) -> pd.DataFrame:
    """The concepts of one code list, e.g. ``"group"`` or ``"field"``, in the report's order."""
    from .namespaces import ID

    return query_frame(
        SCHEME_CONCEPTS,
        store=store,
        settings=settings,
        scheme=ox.NamedNode(str(ID) + f"scheme/{scheme}"),
    )


def single_group_only(facets: pd.DataFrame) -> pd.DataFrame:
    """Per target group: its instruments, how many target that group alone, and whether all do.

    An instrument is *single-group* when it has exactly one ``icg:targets`` value. A group is
    *addressed only by single-group instruments* when at least one instrument targets it and
    every instrument that targets it is single-group (no instrument targeting it names
    another group as well). Groups no instrument targets do not appear.
    """
    import pandas as pd

    groups = facets[facets["facet"] == "group"]
    per_instrument = groups.groupby("instrument")["concept"].nunique()
    rows = []
    for (concept, label), part in groups.groupby(["concept", "conceptLabel"], sort=False):
        instruments = sorted(set(part["instrument"]))
        single = [i for i in instruments if per_instrument[i] == 1]
        rows.append(
            {
                "group": label,
                "concept": concept,
                "instruments": len(instruments),
                "single_group": len(single),
                "multi_group": len(instruments) - len(single),
                "only_single_group": len(single) == len(instruments),
            }
        )
    columns = [
        "group",
        "concept",
        "instruments",
        "single_group",
        "multi_group",
        "only_single_group",
    ]
    return (
        pd.DataFrame(rows, columns=columns)
        .sort_values(["instruments", "group"], ascending=[False, True])
        .reset_index(drop=True)
    )


__all__ = [
    "catalogue_frame",
    "catalogue_table",
    "instrument_facets",
    "multilevel_actors",
    "open_store",
    "python_value",
    "query_frame",
    "scheme_concepts",
    "single_group_only",
    "to_frame",
]
