"""The empty template: headers and allowed values from the graph's code lists, drop-downs and
instructions in the workbook, and a template that reads back as a sheet with no rows."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from icgraph.assess import SheetErrors, read_sheet
from icgraph.assess.template import csv_template, xlsx_template
from icgraph.assess.vocabulary import Vocabulary

from .conftest import HEADERS

KINDS = [
    "legislation",
    "constitutional provision",
    "institution: dedicated expertise body",
    "institution: mainstream implementing authority",
    "institution: platform for cooperation",
    "institution: equality body or national human rights institution",
    "strategy or plan",
    "funding stream",
    "programme",
    "tool",
    "index",
    "national Intercultural Cities network",
    "public body (no institution role)",
]
LEVELS = ["international", "European", "national", "regional", "local"]
STATUSES = [
    "adopted",
    "being updated",
    "under development",
    "green paper",
    "proposal",
    "piloted",
    "planned",
    "in force",
]


def test_headers_are_the_issue_columns() -> None:
    assert HEADERS == [
        "name",
        "kind",
        "governance level",
        "start year",
        "end year",
        "status",
        "target groups",
        "policy fields",
        "mainstreaming processes",
        "positive duty",
        "adopted or established by",
        "run by",
        "citation or URL",
        "state",
    ]


def test_csv_template_lists_the_code_lists(vocabulary: Vocabulary) -> None:
    rows = list(csv.reader(io.StringIO(csv_template(vocabulary).decode("utf-8"))))
    assert rows[-1] == HEADERS
    comments = [r[0] for r in rows[:-1]]
    assert all(c.startswith("# ") for c in comments)
    kind_line = next(c for c in comments if c.startswith("# kind:"))
    assert kind_line.endswith("Allowed: " + "; ".join(KINDS) + ".")
    level_line = next(c for c in comments if c.startswith("# governance level:"))
    assert level_line.endswith("Allowed: " + "; ".join(LEVELS) + ".")
    groups = next(c for c in comments if c.startswith("# target groups:"))
    assert "migrants; minority ethnic groups; persons with disabilities." in groups


def test_xlsx_template_has_drop_downs_instructions_and_lists(vocabulary: Vocabulary) -> None:
    book = load_workbook(io.BytesIO(xlsx_template(vocabulary)))
    assert book.sheetnames == ["Self-assessment", "Instructions", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    data = book["Self-assessment"]
    assert [c.value for c in data[1]] == HEADERS
    assert data.freeze_panes == "A2"
    rules = {str(r.sqref): r for r in data.data_validations.dataValidation}
    kind = rules["B2:B501"]
    assert (kind.type, kind.formula1, kind.errorStyle) == ("list", "=Lists!$B$2:$B$14", "stop")
    assert [book["Lists"].cell(row=r, column=2).value for r in range(2, 15)] == KINDS
    level = rules["C2:C501"]
    assert level.formula1 == "=Lists!$C$2:$C$6"  # five levels, international first
    assert [book["Lists"].cell(row=r, column=3).value for r in range(2, 7)] == LEVELS
    assert [book["Lists"].cell(row=r, column=6).value for r in range(2, 10)] == STATUSES
    # Several target groups may be typed in one cell, so that drop-down only informs.
    assert rules["G2:G501"].errorStyle == "information"
    years = rules["D2:D501"]
    assert (years.type, years.operator, years.formula1, years.formula2) == (
        "whole",
        "between",
        "1900",
        "2100",
    )
    instructions = {
        row[0]: row[1] for row in book["Instructions"].iter_rows(values_only=True) if row[0]
    }
    assert instructions["legislation"] == (
        "A law, act, decree or constitution: the framework element 'constitutional provision "
        "and legislation' (section 2.1)."
    )
    assert instructions["institution: platform for cooperation"] == (
        "A platform established for cooperation between public authorities; public "
        "authorities and civil society; and different levels of governance."
    )
    assert "ES / Spain" in instructions and "TR / Turkey" in instructions


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_empty_template_reads_back_with_no_rows(vocabulary: Vocabulary, fmt: str) -> None:
    data = csv_template(vocabulary) if fmt == "csv" else xlsx_template(vocabulary)
    with pytest.raises(SheetErrors) as caught:
        read_sheet(data, fmt, vocabulary, source="template.csv")
    header_row = len(csv_template(vocabulary).splitlines()) if fmt == "csv" else 1
    where = "sheet 'template.csv'" if fmt == "csv" else "sheet 'Self-assessment'"
    assert caught.value.lines() == [
        f"{where}, row {header_row}: the sheet has no rows below its header"
    ]
