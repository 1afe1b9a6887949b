"""The report on the real graph: the golden matrix, warnings = missing elements, determinism.

The golden matrix is a reading of the report (sources/cdadi-2021-5-review-report.md), not of
the data: for each of the 32 responding states (footnote 3), which of the four framework
elements of section 2.1 the report gives evidence of anywhere in its practices of interest.
L = constitutional provision or legislation, I = an institution in one of the four roles of
2.1 "Institutions", S = a strategy or plan (adopted, being updated, under development or a
green paper), F = a funding stream.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from icgraph import report
from icgraph.config import Settings
from icgraph.validate import SH

ID = "https://w3id.org/icgraph/id/"

GOLDEN: dict[str, str] = {
    # Law No. 96/2017 on national minorities (2.1 legal); the Fund for National Minorities (2.1 funding).
    "AL": "LF",
    # The Equality Observatory, a technical advisory body (2.1 institutions); nothing else.
    "AD": "I",
    # Advisory Committee on Integration, a platform (2.1 institutions); the integral concept for
    # integration skills in rural areas (2.2 partnership) and the spatial planning concept with
    # "Spatial Diversity and Integration" (2.3 focus).
    "AT": "IS",
    # The right of equality in the Constitution (2.1 legal).
    "AZ": "L",
    # Flemish Decree of 7 June 2013 on integration and civic integration (2.1 legal).
    "BE": "L",
    # National Roma Integration Strategy 2012-2020 (2.1 strategies, 2.3 focus).
    "BG": "S",
    # Office for Human Rights and the Rights of National Minorities (2.1 institutions, 2.2);
    # the self-assessment tool and the Intercultural Cities guide are neither S nor F.
    "HR": "I",
    # Ministries of Justice and of the Interior share authority to implement CM/Rec(2015)1 (2.1
    # institutions); EU funding was only sought for a network, so no funding stream.
    "CY": "I",
    # Integrating Estonia 2020 (2.1 strategies).
    "EE": "S",
    # Integration Act and Non-Discrimination Act (2.1 legal); special state grant (2.1 funding);
    # the State Integration Programme that the partnership programme implements (2.2).
    "FI": "LSF",
    # Office of the State Minister coordinating the State Strategy, with a Government
    # Commission (2.1 institutions, strategies).
    "GE": "IS",
    # Federal and state urban development assistance, 'Social Cohesion' programme (2.1 funding).
    "DE": "F",
    # Intercultural initiatives in education: programmes and schools, none of the four (2.3 focus).
    "GR": "",
    # Operational programme 'Our Common Values - Diverse Society', grants co-financed by ESIF (2.1 funding).
    "HU": "F",
    # Reykjavik and its Human Rights and Democracy Office and Intercultural Council: city bodies,
    # not national institutions (2.2 partnership).
    "IS": "",
    # The Intercultural Cities network and the association of municipalities (2.2 local).
    "IT": "",
    # The association of local governments hosted a seminar (2.2 partnership).
    "LV": "",
    # Intercultural and Anti-Racism Unit in the Ministry of Equality (2.1 institutions); a
    # proposal for national policy on obligatory integration measures (2.3 mainstreaming).
    "MT": "IS",
    # Law on Minority Rights and Freedoms (2.1 legal).
    "ME": "L",
    # National Strategy for One Society and Interculturalism with its coordination body and
    # permanent advisory body (2.1 strategies, 2.2 national).
    "MK": "IS",
    # The Department of Integration in the Ministry of Education and Research "has a coordination
    # role" for integration policy across the public sector (2.3 mainstreaming): a mainstream
    # public authority with an overarching national role in integration, i.e. an institution.
    "NO": "I",
    # High Commission for Migration (2.1 funding, 2.2); Strategic Plan for Migration and the
    # National Plan for the Global Migration Pact (2.3 focus); its technical and financial
    # support to immigrant associations (2.1 funding).
    "PT": "ISF",
    # National Urban Policy being prepared (2.3 focus).
    "RO": "S",
    # Concept of strategic development of Izhevsk as an intercultural city (2.1 strategies).
    "RU": "S",
    # Commission for the UNCRPD with the Equal Opportunities Commission and Authority (2.1 institutions).
    "SM": "I",
    # Interdepartmental Expert Commission on Migration and Integration of Foreigners (2.1
    # institutions); KapaCity is a project (2.2).
    "SK": "I",
    # National Programme of Measures for the Roma (2.3 focus).
    "SI": "S",
    # Act 4/2000 (2.1 legal); the Memorandum of Understanding platform (2.1 institutions); PECEI
    # and the Strategy on Inclusion of Migrants (2.1 strategies); the AMIF/ESIF funding programme
    # (2.1 funding).
    "ES": "LISF",
    # Responded, but no practice of interest.
    "SE": "",
    # Cultural policy with cultural participation as a priority (2.3 focus).
    "CH": "S",
    # Ministry initiatives on labour market access; "legislation" only as an unnamed kind of
    # action, no law the framework element describes (2.3 focus).
    "TR": "",
    # Equality Act 2010 (2.1 legal, 2.3); Integrated Communities Strategy green paper (2.1 strategies).
    "GB": "LS",
}
KEYS = {"L": "legislation", "I": "institutions", "S": "strategies", "F": "funding"}


def expected_matrix() -> dict[str, dict[str, bool]]:
    return {
        code: {key: letter in letters for letter, key in KEYS.items()}
        for code, letters in GOLDEN.items()
    }


@pytest.fixture(scope="module")
def card(settings: Settings) -> report.Scorecard:
    """The scorecard of the sources, reasoned and validated as ``icgraph build`` does."""
    return report.from_sources(settings)


@pytest.fixture(scope="module")
def card_store(built: object, settings: Settings) -> report.Scorecard:
    """The scorecard of the published store, as ``GET /validation`` computes it."""
    return report.from_store(settings)


@pytest.fixture(scope="module")
def card_store_again(built: object, settings: Settings) -> report.Scorecard:
    """The same, read a second time, with blank nodes of its own."""
    return report.from_store(settings)


def test_golden_has_the_32_states_of_footnote_3(card: report.Scorecard) -> None:
    assert len(GOLDEN) == 32
    assert sorted(s.code for s in card.states) == sorted(GOLDEN)


def test_golden_matrix(card: report.Scorecard) -> None:
    actual = card.matrix()
    differences = [
        f"{code} {key}: report says {'evidence' if want else 'none'}, data gives {'evidence' if actual[code][key] else 'none'}"
        for code, row in sorted(expected_matrix().items())
        for key, want in row.items()
        if actual[code][key] != want
    ]
    assert not differences, "\n".join(differences)


def test_examples_of_the_issue(card: report.Scorecard) -> None:
    matrix = card.matrix()
    assert [k for k, v in matrix["AD"].items() if v] == ["institutions"]
    assert [k for k, v in matrix["BG"].items() if v] == ["strategies"]
    assert not any(matrix["SE"].values())


def test_a_states_warnings_are_exactly_its_missing_elements(card: report.Scorecard) -> None:
    warned: dict[str, set[str]] = {}
    for result in card.report.subjects(SH.resultSeverity, SH.Warning):
        focus = str(card.report.value(result, SH.focusNode))
        value = str(card.report.value(result, SH.value))
        warned.setdefault(focus, set()).add(value.rsplit("/", 1)[-1])
        assert str(card.report.value(result, SH.sourceShape)).startswith(report.CSH)
    for state in card.states:
        missing = {c.element.key for c in card.row(state) if c.status == "missing"}
        assert warned.get(state.iri, set()) == missing, state.code
    assert card.counts["Warning"] == sum(len(v) for v in warned.values())


def test_the_graph_conforms_and_counts_results(card: report.Scorecard) -> None:
    assert card.conforms
    assert card.counts["Violation"] == 0
    n_missing = sum(1 for c in card.cells.values() if c.status == "missing")
    assert card.counts["Warning"] == n_missing
    checked = [r for r in card.recommendations if r.checked]
    assert card.counts["Info"] == sum(len(r.states_without_evidence) for r in checked)


def test_evidence_cells_link_to_practices_that_quote_the_report(card: report.Scorecard) -> None:
    for cell in card.cells.values():
        if cell.status == "evidence":
            assert cell.evidence
            assert cell.practices, f"{cell.state.code} {cell.element.key} has no practice"
            for practice in cell.practices:
                assert f"/{cell.state.code}" in practice.iri
        else:
            assert not cell.evidence and not cell.practices


def test_warning_results_point_to_the_defining_text(card: report.Scorecard) -> None:
    sections = {str(e.iri): str(e.section) for e in report.ELEMENTS}
    for result in card.report.subjects(SH.resultSeverity, SH.Warning):
        value = str(card.report.value(result, SH.value))
        assert (
            str(card.report.value(result, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")))
            == sections[value]
        )
        label = next(
            s.label for s in card.states if s.iri == str(card.report.value(result, SH.focusNode))
        )
        assert str(card.report.value(result, SH.resultMessage)).startswith(
            f"{label} has no evidence"
        )


def test_recommendation_gaps_and_header(card: report.Scorecard) -> None:
    by_number = {r.number: r for r in card.recommendations}
    assert sorted(by_number) == list(range(1, 10))
    assert {n for n, r in by_number.items() if not r.checked} == {1, 2, 7}
    text = report.header_text(card.recommendations)
    for n in (1, 2, 7):
        assert f"Recommendation {n} (" in text
    # Examples the report itself gives: the UK's Equality Act imposes a duty on public
    # authorities, Finland's Non-Discrimination Act requires equality plans (recommendation 6);
    # Italy has a national Intercultural Cities network (5).
    without_6 = {s.code for s in by_number[6].states_without_evidence}
    assert "GB" not in without_6 and "FI" not in without_6 and "AZ" in without_6
    assert "IT" not in {s.code for s in by_number[5].states_without_evidence}
    assert "SE" in {s.code for s in by_number[3].states_without_evidence}


def test_outputs_are_byte_identical_for_the_same_graph(
    card_store: report.Scorecard, card_store_again: report.Scorecard
) -> None:
    # Two validations of the same graph, each with its own blank nodes.
    assert card_store is not card_store_again
    for fmt in report.RENDERERS:
        assert report.render(card_store, fmt) == report.render(card_store_again, fmt), fmt


def test_the_store_and_the_sources_give_the_same_bytes(
    card: report.Scorecard, card_store: report.Scorecard
) -> None:
    # The report published with the store and one reasoned and validated again from the sources.
    for fmt in report.RENDERERS:
        assert report.render(card_store, fmt) == report.render(card, fmt), fmt


def test_figures_carry_no_date(card: report.Scorecard) -> None:
    svg = report.render(card, "svg").decode("utf-8")
    assert "<dc:date>" not in svg
    assert not re.search(r"20\d\d-\d\d-\d\dT", svg)
    png = report.render(card, "png")
    assert png.startswith(b"\x89PNG") and b"tIME" not in png
    assert b"matplotlib version" not in png


def test_turtle_json_csv_html(card: report.Scorecard) -> None:
    turtle = Graph().parse(data=report.render(card, "turtle"), format="turtle")
    assert len(list(turtle.subjects(RDF.type, SH.ValidationReport))) == 1
    assert len(list(turtle.subjects(RDF.type, SH.ValidationResult))) == sum(card.counts.values())

    data = json.loads(report.render(card, "json"))
    assert len(data["matrix"]) == 32 * 4
    assert {r["number"] for r in data["header"]["not_checked"]} == {1, 2, 7}
    assert data["header"]["results"] == card.counts

    rows = list(csv.DictReader(io.StringIO(report.render(card, "csv").decode("utf-8"))))
    assert len(rows) == 32 * 4
    spain = [r for r in rows if r["code"] == "ES" and r["element"].endswith("/funding")]
    assert spain[0]["status"] == "evidence"
    assert f"{ID}practice/funding-streams/ES" in spain[0]["practices"].split()

    html = report.render(card, "html").decode("utf-8")
    assert html.count('<td class="missing"') + html.count('<td class="evidence"') == 32 * 4
    assert f'href="{ID}practice/funding-streams/ES"' in html
    assert 'id="recommendation-7"' in html


def test_write_report_writes_every_file(card: report.Scorecard, tmp_path: Path) -> None:
    paths = report.write_files(card, tmp_path)
    assert sorted(p.name for p in paths) == sorted(report.FILE_NAMES.values())
    assert all(p.stat().st_size > 0 for p in paths)
