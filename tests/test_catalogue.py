"""Each catalogue query gives the answer the report gives.

Expected answers are read off the report (sources/cdadi-2021-5-review-report.md); the
section each comes from is named beside it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from icgraph.catalogue import load_catalogue
from icgraph.query import execute, rows, select

from .paths import QUERIES

CATALOGUE = load_catalogue(QUERIES)


def answer(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    entry = CATALOGUE[name]
    return select(store, entry.text, bindings=entry.bindings(params.items()))


def test_one_query_per_competency_question() -> None:
    # CQ1-CQ15 from the first catalogue, CQ16-CQ34 over the relations of the depth issue.
    assert sorted(q.cq for q in CATALOGUE.values()) == sorted(f"CQ{n}" for n in range(1, 35))
    for query in CATALOGUE.values():
        assert query.title.endswith("?"), query.name
        assert query.description, query.name


def test_cq01_thirty_two_states_two_through_a_city(graph_store: ox.Store) -> None:
    found = answer(graph_store, "cq01-responding-states")
    assert len(found) == 32  # footnote 3
    cities = {r["name"]: r["cityName"] for r in found if "cityName" in r}
    assert cities == {"Cyprus": "Limassol", "Russian Federation": "Izhevsk"}
    spain = next(r for r in found if r["alpha2"] == "ES")
    assert spain["wikidata"] == "http://www.wikidata.org/entity/Q29"


def _matrix(store: ox.Store, **params: str) -> dict[str, set[str]]:
    present: dict[str, set[str]] = {}
    for r in answer(store, "cq02-framework-matrix", **params):
        present.setdefault(r["alpha2"], set())
        if r["present"] == "true":
            present[r["alpha2"]].add(r["element"].rsplit("/", 1)[-1])
    return present


def test_cq02_framework_matrix(graph_store: ox.Store) -> None:
    matrix = _matrix(graph_store)
    assert len(matrix) == 32
    assert matrix["AD"] == {"institutions"}  # 2.1 Institutions: the Equality Observatory only
    assert matrix["BG"] == {
        "strategies"
    }  # 2.1 Strategies: the National Roma Integration Strategy only
    assert matrix["ES"] == {
        "legislation",
        "institutions",
        "strategies",
        "funding",
    }  # Act 4/2000, MoU, PECEI, AMIF programme
    assert matrix["AL"] == {
        "legislation",
        "funding",
    }  # Law No. 96/2017 and its Fund for National Minorities
    assert matrix["SE"] == set()  # answered the survey; no practice quoted


def test_cq02_narrows_to_one_state(graph_store: ox.Store) -> None:
    assert _matrix(graph_store, state="BG") == {"BG": {"strategies"}}


def test_cq03_laws_and_constitutional_provisions(graph_store: ox.Store) -> None:
    found = answer(graph_store, "cq03-legislation")
    by_state = {(r["stateName"], r["kind"]) for r in found}
    assert by_state == {  # 2.1 Constitutional and legal protection
        ("Albania", "legislation"),
        ("Azerbaijan", "constitutional provision"),
        ("Belgium", "legislation"),
        ("Finland", "legislation"),
        ("Montenegro", "legislation"),
        ("Spain", "legislation"),
        ("United Kingdom", "legislation"),
    }
    assert len(found) == 8  # Finland has two Acts
    albania = next(r for r in found if r["stateName"] == "Albania")
    assert albania["number"] == "96/2017" and albania["year"] == "2017"
    flanders = next(r for r in found if r["stateName"] == "Belgium")
    assert flanders["date"] == "2013-06-07" and flanders["level"] == "regional"
    assert any("Equality Act 2010" in r["label"] for r in found)


def test_cq04_strategies_with_period_and_status(graph_store: ox.Store) -> None:
    found = {r["strategy"].rsplit("/", 1)[-1]: r for r in answer(graph_store, "cq04-strategies")}
    bulgaria = found["national-roma-integration-strategy"]
    assert (bulgaria["start"], bulgaria["end"]) == ("2012", "2020")
    assert set(bulgaria["statuses"].split(", ")) == {"adopted", "being updated"}
    georgia = found["state-strategy-for-civic-equality-and-integration"]
    assert (georgia["start"], georgia["end"]) == ("2015", "2020")
    izhevsk = next(r for r in found.values() if "Izhevsk" in r["label"])
    assert izhevsk["issued"] == "2017" and izhevsk["level"] == "local"


def test_cq05_funding_streams_granters_and_beneficiaries(graph_store: ox.Store) -> None:
    found = answer(graph_store, "cq05-funding-streams")
    assert any("Social Cohesion" in r["label"] and r["stateName"] == "Germany" for r in found)
    portugal = [r for r in found if r.get("stateName") == "Portugal"]
    assert any(
        "High Commission for Migration" in r.get("grantedBy", "")
        and "immigrant associations" in r.get("beneficiaries", "")
        for r in portugal
    )
    finland = next(r for r in found if r.get("amount"))
    assert (finland["stateName"], finland["amount"], finland["currency"]) == (
        "Finland",
        "500000",
        "EUR",
    )
    hungary = next(r for r in found if r.get("stateName") == "Hungary")
    assert "European Structural and Investment Funds" in hungary["coFinancedBy"]


def test_cq06_multilevel_practices_by_channel(graph_store: ox.Store) -> None:
    found = answer(graph_store, "cq06-multilevel-practices")
    assert len(found) == 11  # 2.2: four national, six partnership, one local
    channels = {(r["stateName"], r["channel"], r["direction"]) for r in found}
    assert ("Portugal", "national impetus", "top-down") in channels
    assert ("Latvia", "partnership impetus", "bi-directional") in channels
    assert ("Italy", "local impetus", "bottom-up") in channels
    portugal = next(r for r in found if r["stateName"] == "Portugal")
    assert "Immigrant and Diversity Municipalities Index" in portugal["names"]
    latvia = next(r for r in found if r["stateName"] == "Latvia")
    assert "Latvian Association of Local and Regional Government" in latvia["names"]


def test_cq07_local_and_regional_actors(graph_store: ox.Store) -> None:
    found = {(r["label"], r["alpha2"]) for r in answer(graph_store, "cq07-local-regional-actors")}
    assert {
        ("City of Reykjavik", "IS"),
        ("Flanders", "BE"),
        ("Izhevsk", "RU"),
        ("Limassol", "CY"),
    } <= found


def test_cq08_health_practices(graph_store: ox.Store) -> None:
    found = answer(graph_store, "cq08-health-practices")
    assert {r["stateName"] for r in found} == {"Bulgaria", "Portugal"}  # 2.1 and 2.3
    assert any("health mediator" in r["quote"] for r in found)


def test_cq08_takes_another_field(graph_store: ox.Store) -> None:
    found = answer(
        graph_store, "cq08-health-practices", field="https://w3id.org/icgraph/id/field/policing"
    )
    assert {r["stateName"] for r in found} >= {
        "Slovenia",
        "Spain",
    }  # police training; community police units


def test_cq09_national_minority_instruments(graph_store: ox.Store) -> None:
    found = {
        (r["stateName"], r["kind"])
        for r in answer(graph_store, "cq09-national-minority-instruments")
    }
    assert found == {
        ("Albania", "legislation"),
        ("Albania", "funding stream"),  # Law No. 96/2017 and its Fund
        ("Montenegro", "legislation"),  # Law on Minority Rights and Freedoms
        ("Hungary", "funding stream"),  # 'Our Common Values - Diverse Society'
    }


def test_cq10_practice_words_and_place(graph_store: ox.Store) -> None:
    everything = answer(graph_store, "cq10-practice-provenance")
    assert len(everything) == 54
    portugal = answer(graph_store, "cq10-practice-provenance", state="PT")
    assert [r["subsection"] for r in portugal] == [
        "Institutions",
        "Funding streams",
        "National impetus through national bodies",
        "Focus in National Policy",
    ]
    assert (
        portugal[0]["quote"]
        == "In Portugal, a Secretary of State for Integration and Migration has been designated in the current Government."
    )
    assert portugal[0]["section"] == "2.1"


def test_cq12_cooperation_platforms(graph_store: ox.Store) -> None:
    found = {r["label"]: r for r in answer(graph_store, "cq12-cooperation-platforms")}
    assert {
        "Advisory Committee on Integration",
        "Interdepartmental Expert Commission on Migration and Integration of Foreigners",
    } <= set(found)
    assert (
        "seven platforms of civil society organisations"
        in found["Interinstitutional Memorandum of Understanding"]["members"]
    )


def test_cq13_principles_with_their_definitions(graph_store: ox.Store) -> None:
    found = answer(graph_store, "cq13-principles")
    assert [r["label"] for r in found] == ["equality", "diversity", "interaction", "participation"]
    assert found[0]["definition"].startswith(
        "ensuring equality and non-discrimination in all their actions"
    )
    assert found[2]["definition"].endswith("is the necessary building block of a thriving society.")


def test_cq14_practices_across_levels(graph_store: ox.Store) -> None:
    found = {
        r["practice"].removeprefix("https://w3id.org/icgraph/id/practice/"): r
        for r in answer(graph_store, "cq14-multilevel-levels")
    }
    austria = found[
        "partnership-impetus/AT"
    ]  # Federal Chancellery, Federal States, towns and municipalities
    assert set(austria["levels"].split(", ")) == {"national", "regional", "local"}
    assert all(int(r["levelCount"]) > 1 for r in found.values())


def test_cq15_equality_mainstreaming(graph_store: ox.Store) -> None:
    found = {
        (r["stateName"], r["process"]) for r in answer(graph_store, "cq15-equality-mainstreaming")
    }
    assert ("Norway", "mainstreaming principle in the public sector") in found
    assert ("Norway", "equality data systems") in found  # statistics through Statistics Norway
    assert ("North Macedonia", "capacity building") in found  # online learning platform
    assert ("United Kingdom", "equality impact assessment") in found
    assert {state for state, _ in found} == {"Norway", "North Macedonia", "United Kingdom"}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogue_query_parses_and_runs(graph_store: ox.Store, name: str) -> None:
    result = execute(graph_store, CATALOGUE[name].text)
    assert rows(result), f"{name} returned nothing"


ALL_STATES = {
    "AL",
    "AD",
    "AT",
    "AZ",
    "BE",
    "BG",
    "HR",
    "CY",
    "EE",
    "FI",
    "GE",
    "DE",
    "GR",
    "HU",
    "IS",
    "IT",
    "LV",
    "MT",
    "ME",
    "MK",
    "NO",
    "PT",
    "RO",
    "RU",
    "SM",
    "SK",
    "SI",
    "ES",
    "SE",
    "CH",
    "TR",
    "GB",
}


def test_cq11_recommendation_gaps(graph_store: ox.Store) -> None:
    found = {int(r["n"]): r for r in answer(graph_store, "cq11-recommendation-gaps")}
    assert sorted(found) == list(range(1, 10))  # the nine bullets of section 4.2
    assert {n for n, r in found.items() if r["checkable"] == "false"} == {1, 2, 7}
    assert all(found[n]["reason"] for n in (1, 2, 7))
    # 2.2 Local impetus: Italy alone reports a national Intercultural Cities network.
    assert set(found[5]["states"].split()) == ALL_STATES - {"IT"}
    # 2.1: the UK Equality Act's duty on public authorities; Finland's Non-Discrimination Act's equality plans.
    assert set(found[6]["states"].split()) == ALL_STATES - {"GB", "FI"}
    assert int(found[6]["statesWithoutEvidence"]) == 30


#: A value each parameter of the catalogue is tried with, and the column that must then hold it.
SAMPLES = {
    "state": "PT",
    "kind": "ministry",
    "year": "2020",
    "field": "https://w3id.org/icgraph/id/field/education",
    "group": "https://w3id.org/icgraph/id/group/roma",
}


@pytest.mark.parametrize("name", sorted(n for n, q in CATALOGUE.items() if q.parameters))
def test_a_bound_parameter_narrows_every_row(graph_store: ox.Store, name: str) -> None:
    """Every row answers for the bound value: a parameter bound only inside an OPTIONAL would
    leave other rows in, relabelled with the value, so this catches such a query."""
    entry = CATALOGUE[name]
    for parameter in entry.parameters:
        value = SAMPLES[parameter.name]
        found = answer(graph_store, name, **{parameter.name: value})
        expected = parameter.term(value).value
        assert {row.get(parameter.var) for row in found} <= {expected}, (name, parameter.name)
