"""GET /self-assessment, the templates, and POST /self-assessment: a sheet in four answer
formats, Spain beside its published scorecard, every bad request with its status and message,
and nothing kept afterwards."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from icgraph.api.app import create_app
from icgraph.assess.sheet import XLSX_MEDIA_TYPE
from icgraph.config import Settings
from icgraph.namespaces import ICG, ID
from icgraph.validate import SH

from ..assess.conftest import HEADERS, SPAIN, UTOPIA, csv_rows, filled_template
from .test_validation_routes import store_fingerprint

MAX_BODY = 40_000
JSON = {"content-type": "text/csv", "accept": "application/json"}


@pytest.fixture(scope="module")
def client(store_path: Path, settings: Settings) -> Iterator[TestClient]:
    # The real backend: the published scorecard beside the sheet's is read through it.
    capped = settings.model_copy(update={"max_body_bytes": MAX_BODY, "query_workers": 1})
    with TestClient(create_app(capped)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def published(client: TestClient) -> dict[str, Any]:
    """The published validation report, as GET /validation serves it."""
    return client.get("/validation", headers={"accept": "application/json"}).json()  # type: ignore[no-any-return]


def test_the_form(client: TestClient) -> None:
    response = client.get("/self-assessment")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert (
        '<form id="self-assessment" action="/self-assessment" method="post" enctype="multipart/form-data">'
        in page
    )
    assert '<input type="file" id="sheet" name="sheet" required' in page
    assert page.count('<option value="') == 33  # the 32 responding states and "as the sheet says"
    assert '<option value="ES">Spain (ES)</option>' in page
    assert 'href="/self-assessment/template.xlsx"' in page
    assert "institution: platform for cooperation" in page
    assert '<a href="/self-assessment">Self-assessment</a>' in page  # the site's navigation


def test_the_templates(client: TestClient) -> None:
    text = client.get("/self-assessment/template.csv")
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        text.headers["content-disposition"] == 'attachment; filename="icgraph-self-assessment.csv"'
    )
    assert text.text.splitlines()[-1] == ",".join(HEADERS)
    book = client.get("/self-assessment/template.xlsx")
    assert book.status_code == 200
    assert book.headers["content-type"] == XLSX_MEDIA_TYPE
    workbook = load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames == ["Self-assessment", "Instructions", "Lists"]


def test_spain_reproduces_the_published_report(
    client: TestClient, published: dict[str, Any]
) -> None:
    response = client.post("/self-assessment", content=SPAIN.read_bytes(), headers=JSON)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    data = response.json()
    mine = {e["key"]: e["status"] for e in data["elements"]}
    theirs = {c["element_key"]: c["status"] for c in published["matrix"] if c["code"] == "ES"}
    assert theirs == dict.fromkeys(mine, "evidence")
    assert mine == dict.fromkeys(theirs, "present")
    gaps = {
        r["number"]
        for r in published["recommendations"]
        if r["checked"] and "ES" in {s["code"] for s in r["states_without_evidence"]}
    }
    assert gaps == {3, 5, 6, 8, 9}
    assert {r["number"] for r in data["recommendations"] if r["evidenced"] is False} == gaps
    assert data["published"]["differences"] == []


def test_html_answer_in_the_site_layout(client: TestClient) -> None:
    response = client.post(
        "/self-assessment", content=SPAIN.read_bytes(), headers={"content-type": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<title>Self-assessment: Spain · icgraph</title>" in page
    assert '<tr data-element="strategies" data-status="present" data-published="present">' in page
    assert (
        'The sheet gives the same scorecard as the report gives <a href="/id/state/ES">Spain</a>.'
        in page
    )
    assert '<tr data-number="4" data-evidenced="evidenced">' in page


def test_form_upload_with_the_state_field(client: TestClient) -> None:
    sheet = b"name,kind,governance level\nOrganic Act 4/2000,legislation,national\n"
    response = client.post(
        "/self-assessment",
        files={"sheet": ("spain.csv", sheet, "application/vnd.ms-excel")},
        data={"state": "ES"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["state"]["iri"] == str(ID["state/ES"])
    assert data["published"]["differences"] == [
        "institutions: missing in the sheet, present in the report",
        "strategies or plans: missing in the sheet, present in the report",
        "funding streams: missing in the sheet, present in the report",
        "recommendation 4 (National platforms for multilevel and multisectoral engagement): "
        "no evidence in the sheet, evidenced in the report",
    ]


def test_filled_xlsx_template_as_csv_answer(client: TestClient, settings: Settings) -> None:
    from icgraph.assess.vocabulary import load_vocabulary

    rows = [[int(v) if v.isdigit() else v for v in r] for r in csv_rows(UTOPIA)[1:]]
    workbook = filled_template(load_vocabulary(settings), rows)
    response = client.post(
        "/self-assessment",
        content=workbook,
        headers={"content-type": XLSX_MEDIA_TYPE, "accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    found = {(r["part"], r["key"]): r["status"] for r in csv.DictReader(io.StringIO(response.text))}
    assert found[("element", "strategies")] == "under development"
    assert found[("element", "funding")] == "missing"
    assert found[("recommendation", "3")] == "evidenced"
    assert found[("recommendation", "5")] == "no evidence"


def test_turtle_answer(client: TestClient) -> None:
    response = client.post(
        "/self-assessment",
        content=UTOPIA.read_bytes(),
        headers={"content-type": "text/csv"},
        params={"format": "ttl"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef("urn:icgraph:sheet:row-2"), RDF.type, ICG.Legislation) in graph
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    warnings = [
        graph.value(r, SH.value)
        for r in graph.objects(report, SH.result)
        if graph.value(r, SH.resultSeverity) == SH.Warning
    ]
    assert warnings == [ID["element/funding"]]


def test_nothing_is_kept(
    client: TestClient, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store_fingerprint(store_path)
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    big = UTOPIA.read_bytes() + b"\n" * 5_000  # larger than a small-upload buffer, within the cap
    response = client.post(
        "/self-assessment",
        files={"sheet": ("utopia.csv", big, "text/csv")},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert list(spool.iterdir()) == []
    assert store_fingerprint(store_path) == before


# --- Bad requests ------------------------------------------------------------------------------


def test_bad_sheet_lists_every_problem(client: TestClient) -> None:
    sheet = b"name,kind,governance level,start year\nAct,law,national,2010\n,tool,national,20x5\n"
    response = client.post("/self-assessment", content=sheet, headers=JSON)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.splitlines() == [
        "The sheet cannot be assessed: 3 problems in the sheet:",
        "row 2, column 'kind': 'law' is not one of: legislation, constitutional provision, "
        "institution: dedicated expertise body, institution: mainstream implementing authority, "
        "institution: platform for cooperation, institution: equality body or national human "
        "rights institution, strategy or plan, funding stream, programme, tool, index, national "
        "Intercultural Cities network, public body (no institution role)",
        "row 3, column 'name': is empty; every row needs the instrument's or body's name",
        "row 3, column 'start year': '20x5' is not a year: expected four digits between 1900 "
        "and 2100, e.g. 2015",
    ]


def test_bad_sheet_from_the_form_shows_the_form_again(client: TestClient) -> None:
    sheet = b"name,kind,governance level\nAct,legislation,federal\n"
    response = client.post(
        "/self-assessment", files={"sheet": ("mine.csv", sheet, "text/csv")}, data={"state": "PT"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "The sheet cannot be assessed: 1 problem</h2>" in response.text
    assert (
        "<li>sheet &#39;mine.csv&#39;, row 2, column &#39;governance level&#39;: &#39;federal&#39; "
        "is not one of: international, European, national, regional, local</li>"
    ) in response.text
    assert '<option value="PT" selected>' in response.text


def test_formula_cell_over_http(client: TestClient, settings: Settings) -> None:
    from icgraph.assess.vocabulary import load_vocabulary

    workbook = filled_template(load_vocabulary(settings), [["=1+1", "legislation", "national"]])
    response = client.post(
        "/self-assessment", content=workbook, headers={"content-type": XLSX_MEDIA_TYPE}
    )
    assert response.status_code == 400
    assert (
        "sheet &#39;Self-assessment&#39;, row 2, column &#39;name&#39;: is a formula (=1+1)"
        in response.text
    )


@pytest.mark.parametrize(
    ("headers", "body", "status", "message"),
    [
        (
            {"content-type": "application/json"},
            b"{}",
            415,
            "Unsupported media type 'application/json'; send the sheet as text/csv, "
            f"{XLSX_MEDIA_TYPE} or multipart/form-data (the form at /self-assessment)",
        ),
        (
            {"content-type": ""},
            b"name",
            415,
            f"Missing Content-Type; send the sheet as text/csv, {XLSX_MEDIA_TYPE} or "
            "multipart/form-data (the form at /self-assessment)",
        ),
        (
            {"content-type": "application/vnd.ms-excel.sheet.macroEnabled.12"},
            b"PK\x03\x04",
            415,
            "Macro-enabled workbooks (application/vnd.ms-excel.sheet.macroenabled.12) are refused; "
            f"save the workbook as .xlsx and send it as {XLSX_MEDIA_TYPE}",
        ),
        (
            {"content-type": "text/csv"},
            b"PK\x03\x04rest of a workbook",
            400,
            f"The body is a zip archive (an XLSX workbook?) sent as text/csv; send it as {XLSX_MEDIA_TYPE}",
        ),
        (
            {"content-type": XLSX_MEDIA_TYPE, "accept": "application/json"},
            b"name,kind,governance level\n",
            400,
            "The sheet cannot be assessed: 1 problem in the sheet:\nthis is not an XLSX workbook: the "
            "archive cannot be read (File is not a zip file)",
        ),
        (
            {"content-type": "multipart/form-data; boundary=b", "accept": "application/json"},
            b'--b\r\nContent-Disposition: form-data; name="state"\r\n\r\nES\r\n--b--\r\n',
            400,
            "The form sent no file: choose a CSV or XLSX sheet in the field 'sheet'",
        ),
        (
            {"content-type": "multipart/form-data; boundary=b"},
            b"this is not multipart",
            400,
            "the multipart/form-data body is malformed: Expected boundary character 45, got 116 at index 2",
        ),
        (
            {"content-type": "text/csv", "accept": "application/xml"},
            b"name",
            406,
            "No acceptable format for a self-assessment. Ask for one of: text/html, application/json, "
            "text/csv, text/turtle.",
        ),
    ],
    ids=[
        "wrong media type",
        "no media type",
        "macro workbook",
        "zip as csv",
        "csv as xlsx",
        "form without file",
        "malformed form",
        "not acceptable",
    ],
)
def test_bad_request(
    client: TestClient, headers: dict[str, str], body: bytes, status: int, message: str
) -> None:
    response = client.post("/self-assessment", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.text.rstrip("\n") == message


def test_macro_file_name_in_the_form(client: TestClient) -> None:
    response = client.post(
        "/self-assessment",
        files={"sheet": ("budget.xlsm", b"PK\x03\x04", "application/octet-stream")},
    )
    assert response.status_code == 415
    assert response.text.rstrip() == "Macro-enabled workbooks (.xlsm) are refused; save it as .xlsx"


def test_unknown_format_parameter(client: TestClient) -> None:
    response = client.post(
        "/self-assessment",
        content=SPAIN.read_bytes(),
        headers={"content-type": "text/csv"},
        params={"format": "xlsx"},
    )
    assert response.status_code == 406
    assert response.text.startswith("unknown answer format 'xlsx'")


def test_oversized_body(client: TestClient) -> None:
    body = b"name,kind,governance level\n" + b"Act,legislation,national\n" * 2_000
    assert len(body) > MAX_BODY
    response = client.post("/self-assessment", content=body, headers=JSON)
    assert response.status_code == 413
    assert response.text.startswith(f"request body too large: the limit is {MAX_BODY} bytes")

    def chunks() -> Iterator[bytes]:
        yield body[:30_000]
        yield body[30_000:]

    streamed = client.post("/self-assessment", content=chunks(), headers=JSON)
    assert streamed.status_code == 413
    assert streamed.text.startswith(f"request body too large: the limit is {MAX_BODY} bytes")


def test_time_limit(store_path: Path, settings: Settings) -> None:
    hurried = settings.model_copy(update={"validation_timeout": 0.05, "query_workers": 1})
    with TestClient(create_app(hurried)) as hurried_client:
        response = hurried_client.post("/self-assessment", content=SPAIN.read_bytes(), headers=JSON)
    assert response.status_code == 503
    assert response.text.rstrip() == (
        "Self-assessment timeout: assessing the sheet took more than 0.05 s and was stopped; send fewer rows"
    )


def test_json_round_trip_is_stable(client: TestClient) -> None:
    first = client.post("/self-assessment", content=UTOPIA.read_bytes(), headers=JSON).content
    second = client.post("/self-assessment", content=UTOPIA.read_bytes(), headers=JSON).content
    assert first == second
    assert json.loads(first)["state"] == {
        "code": "",
        "iri": "urn:icgraph:sheet:state",
        "label": "Utopia",
        "responding": False,
    }


def test_cells_are_escaped_in_the_pages(client: TestClient) -> None:
    script = "<script>alert(1)</script>"
    sheet = f"name,kind,governance level\n{script},legislation,national\nAct,{script},national\n"
    refused = client.post(
        "/self-assessment", content=sheet.encode(), headers={"content-type": "text/csv"}
    )
    assert refused.status_code == 400
    assert script not in refused.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in refused.text
    sheet = f"name,kind,governance level\n{script},legislation,national\n"
    shown = client.post(
        "/self-assessment", content=sheet.encode(), headers={"content-type": "text/csv"}
    )
    assert shown.status_code == 200
    assert script not in shown.text and "row 2: &lt;script&gt;alert(1)&lt;/script&gt;" in shown.text


def test_a_form_part_named_in_bytes_that_are_no_text_is_a_400(client: TestClient) -> None:
    """Found by schemathesis: a part name outside Latin-1 and UTF-8 once gave a 500."""
    body = (
        b'--b\r\nContent-Disposition: form-data; name="%22\xf4\x8b\xb7\xb8x"\r\n\r\nnull\r\n'
        b'--b\r\nContent-Disposition: form-data; name="state"\r\n\r\nE\xc3\x90\r\n--b--\r\n'
    )
    response = client.post(
        "/self-assessment",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=b", "accept": "application/json"},
    )
    assert response.status_code == 400
    assert "no file" in response.text and "'sheet'" in response.text
