"""Sheets with known answers: a fictitious state, and Spain as the report describes it, which
must give Spain's published scorecard."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from icgraph import report
from icgraph.assess import Assessment, SheetErrors, assess_bytes, published_states
from icgraph.assess.render import render
from icgraph.assess.vocabulary import Vocabulary
from icgraph.build import BuildResult
from icgraph.config import Settings
from icgraph.namespaces import ELI, ICG, ID
from icgraph.validate import SH

from .conftest import SPAIN, UTOPIA, csv_rows, filled_template

ROW = "urn:icgraph:sheet:row-"
DCAT_START = URIRef("http://www.w3.org/ns/dcat#startDate")
DCAT_END = URIRef("http://www.w3.org/ns/dcat#endDate")
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")

# The fictitious state's answer, worked out by hand from utopia.csv and the shapes' rules.
UTOPIA_ELEMENTS = {
    "legislation": ("present", [2]),
    "institutions": ("present", [4]),
    "strategies": ("under development", [5]),  # its only strategy is under development
    "funding": ("missing", []),
}
UTOPIA_RECOMMENDATIONS = {
    1: None,
    2: None,
    3: True,  # a national expertise body runs the strategy
    4: False,  # no platform for cooperation
    5: False,  # the cities network is only a proposal
    6: True,  # the Equal Treatment Act's positive duty
    7: None,
    8: True,  # an index
    9: True,  # capacity building
}


def statuses(a: Assessment) -> dict[str, tuple[str, list[int]]]:
    return {e.key: (e.status, [ev.row for ev in e.evidence]) for e in a.elements}


def evidenced(a: Assessment) -> dict[int, bool | None]:
    return {r.number: r.evidenced for r in a.recommendations}


@pytest.fixture(scope="module")
def utopia(settings: Settings) -> Assessment:
    return assess_bytes(UTOPIA.read_bytes(), settings, source="utopia.csv")


@pytest.fixture(scope="module")
def published(built: BuildResult, settings: Settings) -> report.Scorecard:
    return report.from_store(settings)


@pytest.fixture(scope="module")
def spain(settings: Settings, published: report.Scorecard) -> Assessment:
    return assess_bytes(SPAIN.read_bytes(), settings, published=published_states(published))


def test_fictitious_state_known_answer(utopia: Assessment) -> None:
    assert (utopia.state.label, utopia.state.responding) == ("Utopia", False)
    assert statuses(utopia) == UTOPIA_ELEMENTS
    assert evidenced(utopia) == UTOPIA_RECOMMENDATIONS
    assert utopia.comparison is None
    assert utopia.counts == {"Violation": 0, "Warning": 1, "Info": 2}


def test_filled_xlsx_template_gives_the_same_answer(
    settings: Settings, vocabulary: Vocabulary
) -> None:
    rows = csv_rows(UTOPIA)[1:]
    # Years typed as numbers, as a spreadsheet stores them.
    typed = [[int(v) if v.isdigit() else v for v in row] for row in rows]
    found = assess_bytes(filled_template(vocabulary, typed), settings)
    assert found.sheet.name == "Self-assessment"
    assert statuses(found) == UTOPIA_ELEMENTS
    assert evidenced(found) == UTOPIA_RECOMMENDATIONS


def test_what_the_gaps_would_take(utopia: Assessment) -> None:
    gaps = {e.key: e.guidance for e in utopia.elements}
    assert gaps["legislation"] is None and gaps["institutions"] is None
    funding = gaps["funding"]
    assert funding is not None
    assert funding.definition == (
        "Funding streams for intercultural integration from the national level, dedicated or "
        "focused on a wider policy field, in some cases supported from a European level."
    )
    assert funding.kinds == ("funding stream",)
    assert funding.recommendations == ()
    assert [p.iri.rsplit("/", 1)[-1] for p in funding.examples] == [
        "AL",
        "FI",
        "DE",
        "HU",
        "PT",
        "ES",
    ]
    assert funding.examples[1].quote.startswith(
        "In Finland, the Ministry of Employment and the Economy granted over €500,000 annually"
    )
    strategies = gaps["strategies"]
    assert strategies is not None
    assert strategies.counted_statuses == ("adopted", "being updated", "in force")
    assert len(strategies.examples) == 7
    unmet = {r.number: r for r in utopia.recommendations if r.evidenced is False}
    assert set(unmet) == {4, 5}
    assert unmet[4].quote.startswith("platforms for multilevel and multisectoral engagement")
    assert "role:cooperation-platform" in unmet[4].explanation


def test_what_institutions_would_take_quotes_recommendations_3_and_4(settings: Settings) -> None:
    sheet = b"name,kind,governance level\nEquality Act,legislation,national\n"
    found = assess_bytes(sheet, settings, state="Examplestan")
    institutions = next(e for e in found.elements if e.key == "institutions")
    assert institutions.status == "missing" and institutions.guidance is not None
    assert [n for n, _, _ in institutions.guidance.recommendations] == [3, 4]
    assert institutions.guidance.recommendations[0][2].startswith(
        "responsibility at national level for driving implementation of Recommendation CM/Rec(2015)1"
    )
    assert len(institutions.guidance.kinds) == 4


def test_the_sheet_as_rdf(utopia: Assessment) -> None:
    g = utopia.data
    law, assembly, office, strategy = (URIRef(ROW + str(n)) for n in (2, 3, 4, 5))
    state = URIRef("urn:icgraph:sheet:state")
    assert (state, RDF.type, ICG.MemberState) in g
    assert g.value(state, RDFS.label) == Literal("Utopia", lang="en")
    assert str(g.value(state, SKOS.editorialNote)).startswith("Reading:")
    assert set(g.objects(law, RDF.type)) == {ICG.Legislation}
    assert g.value(law, ICG.inState) == state
    assert g.value(law, ICG.atLevel) == ID["level/national"]
    assert g.value(law, ICG.status) == ID["status/adopted"]
    assert g.value(law, ICG.targets) == ID["group/minority-groups"]
    assert g.value(law, DCTERMS.issued) == Literal("2012", datatype=GYEAR)
    assert g.value(law, ELI.passed_by) == assembly
    assert str(g.value(law, ICG.positiveDuty)).startswith("to have due regard")
    assert g.value(law, DCTERMS.source) == URIRef("https://example.org/utopia/equal-treatment-act")
    assert g.value(office, ICG.institutionRole) == ID["role/expertise-body"]
    assert g.value(office, DCTERMS.bibliographicCitation) == Literal(
        "Annual report of the Office 2021"
    )
    assert (office, ICG.implements, strategy) in g
    period = g.value(strategy, DCTERMS.temporal)
    assert period is not None
    assert g.value(period, DCAT_START) == Literal("2022", datatype=GYEAR)
    assert g.value(period, DCAT_END) == Literal("2027", datatype=GYEAR)
    assert set(g.objects(strategy, ICG.addressesField)) == {
        ID["field/education"],
        ID["field/employment"],
    }
    assert g.value(URIRef(ROW + "7"), DCTERMS.publisher) == office
    assert (
        g.value(URIRef(ROW + "8"), ICG.mainstreamingProcess)
        == ID["mainstreaming/capacity-building"]
    )


def test_turtle_answer_holds_the_rdf_and_the_shacl_report(utopia: Assessment) -> None:
    g = Graph().parse(data=render(utopia, "turtle").decode(), format="turtle")
    assert (URIRef(ROW + "2"), RDF.type, ICG.Legislation) in g
    warnings = list(g.subjects(SH.resultSeverity, SH.Warning))
    assert len(warnings) == 1
    assert g.value(warnings[0], SH.value) == ID["element/funding"]
    infos = {g.value(r, SH.value) for r in g.subjects(SH.resultSeverity, SH.Info)}
    assert infos == {ID["recommendation/4"], ID["recommendation/5"]}


def test_json_and_csv_answers(utopia: Assessment) -> None:
    data = json.loads(render(utopia, "json"))
    assert {e["key"]: e["status"] for e in data["elements"]} == {
        k: v[0] for k, v in UTOPIA_ELEMENTS.items()
    }
    assert data["published"] is None
    funding = next(e for e in data["elements"] if e["key"] == "funding")
    assert funding["what_it_takes"]["kinds"] == ["funding stream"]
    rows = list(csv.DictReader(io.StringIO(render(utopia, "csv").decode())))
    assert [(r["part"], r["key"], r["status"]) for r in rows[:4]] == [
        ("element", "legislation", "present"),
        ("element", "institutions", "present"),
        ("element", "strategies", "under development"),
        ("element", "funding", "missing"),
    ]
    assert [(r["key"], r["status"]) for r in rows[4:]] == [
        ("1", "not checked"),
        ("2", "not checked"),
        ("3", "evidenced"),
        ("4", "no evidence"),
        ("5", "no evidence"),
        ("6", "evidenced"),
        ("7", "not checked"),
        ("8", "evidenced"),
        ("9", "evidenced"),
    ]


def test_spain_reproduces_the_published_scorecard(
    spain: Assessment, published: report.Scorecard
) -> None:
    # What the report gives Spain: all four elements (section 2.1: Act 4/2000, the
    # Interinstitutional Memorandum of Understanding, three strategies, two funding streams),
    # and of the checkable recommendations only 4 (that memorandum is a national platform).
    assert spain.state.iri == ID["state/ES"] and spain.state.responding
    assert {e.key: e.status for e in spain.elements} == dict.fromkeys(
        ("legislation", "institutions", "strategies", "funding"), "present"
    )
    assert {n: v for n, v in evidenced(spain).items() if v is not None} == {
        3: False,
        4: True,
        5: False,
        6: False,
        8: False,
        9: False,
    }
    # ... and the same as the published scorecard, cell by cell, with the same evidence.
    es = next(s for s in published.states if s.code == "ES")
    for element in spain.elements:
        cell = published.cells[(es.iri, element.key)]
        assert cell.status == "evidence"
        assert sorted(ev.name for ev in element.evidence) == sorted(n.label for n in cell.evidence)
    gaps = {
        r.number for r in published.recommendations if r.checked and es in r.states_without_evidence
    }
    assert gaps == {r.number for r in spain.recommendations if r.evidenced is False}
    assert spain.comparison is not None and spain.comparison.differences() == []


def test_spain_without_its_memorandum_differs_from_the_report(
    settings: Settings, published: report.Scorecard
) -> None:
    lines = SPAIN.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if not line.startswith("Interinstitutional Memorandum"))
    assert len(kept) < len("".join(lines))
    found = assess_bytes(kept.encode(), settings, published=published_states(published))
    assert found.comparison is not None
    assert found.comparison.differences() == [
        "institutions: missing in the sheet, present in the report",
        "recommendation 4 (National platforms for multilevel and multisectoral engagement): "
        "no evidence in the sheet, evidenced in the report",
    ]


def test_strict_view_leaves_out_what_is_not_adopted(settings: Settings) -> None:
    sheet = (
        "name,kind,governance level,status\n"
        "Draft Equality Bill,legislation,national,proposal\n"
        "Fund for Cohesion,funding stream,national,piloted\n"
        "Integration Plan,strategy or plan,national,green paper\n"
        "Old Plan,strategy or plan,national,being updated\n"
    )
    found = assess_bytes(sheet.encode(), settings, state="Examplestan")
    assert {e.key: e.status for e in found.elements} == {
        "legislation": "under development",
        "institutions": "missing",
        "strategies": "present",
        # A piloted fund is not yet adopted: the strict view sets it aside, as cq29 does.
        "funding": "under development",
    }
    legislation = found.elements[0]
    assert [(ev.row, ev.pending) for ev in legislation.evidence] == [(2, True)]


def test_state_from_the_request_and_conflicts(settings: Settings) -> None:
    sheet = b"name,kind,governance level\nEquality Act,legislation,national\n"
    assert assess_bytes(sheet, settings, state="pt").state.iri == ID["state/PT"]
    assert assess_bytes(sheet, settings, state="Portugal").state.code == "PT"
    nameless = assess_bytes(sheet, settings)
    assert (nameless.state.label, nameless.state.responding) == ("the assessed state", False)
    with pytest.raises(SheetErrors) as caught:
        assess_bytes(SPAIN.read_bytes(), settings, state="PT", source="spain.csv")
    assert caught.value.lines() == [
        "sheet 'spain.csv', row 3, column 'state': names 'ES' but the assessment was asked for 'PT'"
    ]
    assert assess_bytes(SPAIN.read_bytes(), settings, state="Spain").state.code == "ES"
