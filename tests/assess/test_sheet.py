"""Bad sheets: every problem at once, each naming its sheet, row and column and what was
expected; and workbooks that are programs rather than data (formulas, macros, links, DTDs)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from icgraph.assess import SheetErrors, read_sheet
from icgraph.assess.sheet import MAX_ROWS, MAX_UNPACKED_BYTES, detect_format
from icgraph.assess.vocabulary import Vocabulary

from .conftest import HEADERS, UTOPIA, csv_rows, filled_template, rewrite_zip, with_cached_value

KINDS = (
    "legislation, constitutional provision, institution: dedicated expertise body, institution: "
    "mainstream implementing authority, institution: platform for cooperation, institution: "
    "equality body or national human rights institution, strategy or plan, funding stream, "
    "programme, tool, index, national Intercultural Cities network, public body (no institution role)"
)
LEVELS = "international, European, national, regional, local"
HEADER = "name,kind,governance level,start year,end year,status,target groups,positive duty,run by,state\n"


def problems(vocabulary: Vocabulary, data: bytes | str, fmt: str = "csv") -> list[str]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(SheetErrors) as caught:
        read_sheet(raw, fmt, vocabulary, source="sheet.csv" if fmt == "csv" else None)
    return caught.value.lines()


CASES = [
    (
        "bad kind",
        HEADER + "Equality Act,law,national,,,,,,,\n",
        [f"sheet 'sheet.csv', row 2, column 'kind': 'law' is not one of: {KINDS}"],
    ),
    (
        "bad level",
        HEADER + "Equality Act,legislation,federal,,,,,,,\n",
        [f"sheet 'sheet.csv', row 2, column 'governance level': 'federal' is not one of: {LEVELS}"],
    ),
    (
        "bad year",
        HEADER
        + "Equality Act,legislation,national,20x5,,,,,,\nPlan,strategy or plan,national,1850,,,,,,\n",
        [
            "sheet 'sheet.csv', row 2, column 'start year': '20x5' is not a year: expected four "
            "digits between 1900 and 2100, e.g. 2015",
            "sheet 'sheet.csv', row 3, column 'start year': '1850' is not a year: expected four "
            "digits between 1900 and 2100, e.g. 2015",
        ],
    ),
    (
        "end before start",
        HEADER + "Plan,strategy or plan,national,2020,2012,,,,,\n",
        ["sheet 'sheet.csv', row 2, column 'end year': 2012 is before the start year 2020"],
    ),
    (
        "missing name",
        HEADER + ",legislation,national,,,,,,,\n",
        [
            "sheet 'sheet.csv', row 2, column 'name': is empty; every row needs the instrument's or body's name"
        ],
    ),
    (
        "missing kind",
        HEADER + "Equality Act,,national,,,,,,,\n",
        [f"sheet 'sheet.csv', row 2, column 'kind': is empty; expected one of: {KINDS}"],
    ),
    (
        "unknown column",
        "name,kind,governance level,budget\nEquality Act,legislation,national,100\n",
        [
            "sheet 'sheet.csv', row 1, column 'budget': is not a column of the template; the "
            "columns are: " + ", ".join(HEADERS)
        ],
    ),
    (
        "missing required column",
        "name,kind\nEquality Act,legislation\n",
        [
            "sheet 'sheet.csv', row 1: the column 'governance level' is missing; every sheet "
            "needs: name, kind, governance level"
        ],
    ),
    (
        "duplicate column",
        "name,kind,governance level,kind\nEquality Act,legislation,national,tool\n",
        ["sheet 'sheet.csv', row 1, column 'kind': appears twice in the header"],
    ),
    (
        "value under no header",
        "name,kind,governance level,,\nEquality Act,legislation,national,,stray\n",
        [
            "sheet 'sheet.csv', row 2, column 'E': holds 'stray' under no header; put it in a "
            "column of the template or delete it"
        ],
    ),
    (
        "bad status",
        HEADER + "Plan,strategy or plan,national,,,draft,,,,\n",
        [
            "sheet 'sheet.csv', row 2, column 'status': 'draft' is not one of: adopted, being "
            "updated, under development, green paper, proposal, piloted, planned, in force"
        ],
    ),
    (
        "several values separated by a comma",
        HEADER + 'Plan,strategy or plan,national,,,,"migrants, Roma",,,\n',
        [
            "sheet 'sheet.csv', row 2, column 'target groups': 'migrants, Roma' is not one of: "
            "minority groups (multi-ground), Roma, national minorities, refugees, asylum seekers, "
            "people granted international protection, migrants, minority ethnic groups, persons "
            "with disabilities (separate several values with ';')"
        ],
    ),
    (
        "positive duty on a strategy",
        HEADER + "Plan,strategy or plan,national,,,,,to promote equality,,\n",
        [
            "sheet 'sheet.csv', row 2, column 'positive duty': applies to legislation only, not "
            "to a row of kind 'strategy or plan'"
        ],
    ),
    (
        "two states",
        HEADER + "Act,legislation,national,,,,,,,ES\nPlan,strategy or plan,national,,,,,,,PT\n",
        [
            "sheet 'sheet.csv', row 3, column 'state': names 'PT' but row 2 names 'ES'; a sheet covers one state"
        ],
    ),
    (
        "ambiguous link",
        HEADER
        + "Office,institution: dedicated expertise body,national,,,,,,,\n"
        + "Office,public body (no institution role),regional,,,,,,,\n"
        + "Plan,strategy or plan,national,,,,,,Office,\n",
        [
            "sheet 'sheet.csv', row 4, column 'run by': 'Office' is the name of rows 2, 3; give "
            "the rows distinct names so the link is clear"
        ],
    ),
    (
        "empty sheet",
        "\n\n",
        [
            "sheet 'sheet.csv': the sheet is empty: it needs a header row with the template's columns"
        ],
    ),
    ("header only", HEADER, ["sheet 'sheet.csv', row 1: the sheet has no rows below its header"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_sheet(vocabulary: Vocabulary, case: str, text: str, expected: list[str]) -> None:
    assert problems(vocabulary, text) == expected


def test_every_problem_is_reported_at_once(vocabulary: Vocabulary) -> None:
    text = (
        "name,kind,governance level,start year,colour\n"
        "Act,law,national,2010,\n"
        ",legislation,national,,\n"
        "Plan,strategy or plan,nowhere,20x5,\n"
        "Fund,funding stream,national,2015,\n"
    )
    found = problems(vocabulary, text)
    assert [line.split(":", 1)[0] for line in found] == [
        "sheet 'sheet.csv', row 1, column 'colour'",
        "sheet 'sheet.csv', row 2, column 'kind'",
        "sheet 'sheet.csv', row 3, column 'name'",
        "sheet 'sheet.csv', row 4, column 'governance level'",
        "sheet 'sheet.csv', row 4, column 'start year'",
    ]
    with pytest.raises(SheetErrors) as caught:
        read_sheet(text.encode(), "csv", vocabulary)
    assert str(caught.value).splitlines()[0] == "5 problems in the sheet:"


def test_semicolon_csv_and_byte_order_mark(vocabulary: Vocabulary) -> None:
    # Excel in most European locales saves "CSV" with ';' and a UTF-8 byte order mark.
    text = '\ufeffname;kind;governance level;target groups\nAct;legislation;national;"migrants; Roma"\n'
    sheet = read_sheet(text.encode("utf-8"), "csv", vocabulary)
    (row,) = sheet.rows
    assert (row.name, row.kind.label, row.level.label) == ("Act", "legislation", "national")


def test_labels_match_ignoring_case_spacing_and_alternative_labels(vocabulary: Vocabulary) -> None:
    text = (
        "name,kind,governance level,target groups\nAct,  LEGISLATION ,National,immigrants; roma\n"
    )
    (row,) = read_sheet(text.encode(), "csv", vocabulary).rows
    assert [g.label for g in row.groups] == ["migrants", "Roma"]


def test_not_utf8(vocabulary: Vocabulary) -> None:
    assert problems(vocabulary, "name,kind\nCaf\xe9,tool\n".encode("latin-1")) == [
        "sheet 'sheet.csv': the file is not UTF-8 text (byte 0xe9 at position 13); save it as "
        "'CSV UTF-8' or send an .xlsx workbook"
    ]


def test_too_many_rows(vocabulary: Vocabulary) -> None:
    text = "name,kind,governance level\n" + "Act,legislation,national\n" * (MAX_ROWS + 5)
    assert problems(vocabulary, text) == [
        f"sheet 'sheet.csv', row {MAX_ROWS + 2}: the sheet has more than {MAX_ROWS} rows; split it"
    ]


def test_old_binary_xls_is_refused() -> None:
    with pytest.raises(SheetErrors) as caught:
        detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "old binary Excel workbook (.xls)" in str(caught.value)


# --- Workbooks ---------------------------------------------------------------------------------


def utopia_rows() -> list[list[object]]:
    return [[int(v) if v.isdigit() else v for v in row] for row in csv_rows(UTOPIA)[1:]]


def test_formula_cells_are_refused_not_evaluated(vocabulary: Vocabulary) -> None:
    rows = utopia_rows()
    rows[0][0] = '=CONCATENATE("Equal ","Treatment Act")'
    rows[2][3] = "=2010+5"
    workbook = with_cached_value(filled_template(vocabulary, rows), "Cached Name")
    # The file now claims a cached value for each formula, as Excel would write it.
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert "<v>Cached Name</v>" in archive.read("xl/worksheets/sheet1.xml").decode()
    assert problems(vocabulary, workbook, "xlsx") == [
        "sheet 'Self-assessment', row 2, column 'name': is a formula "
        '(=CONCATENATE("Equal ","Treatment Act")); formulas are not evaluated: type the value itself',
        "sheet 'Self-assessment', row 4, column 'start year': is a formula (=2010+5); formulas "
        "are not evaluated: type the value itself",
    ]


def test_a_formula_linking_another_workbook_is_refused(vocabulary: Vocabulary) -> None:
    rows = utopia_rows()
    rows[1][0] = "='[budget.xlsx]Sheet1'!A1"
    found = problems(vocabulary, filled_template(vocabulary, rows), "xlsx")
    assert found == [
        "sheet 'Self-assessment', row 3, column 'name': is a formula (='[budget.xlsx]Sheet1'!A1); "
        "formulas are not evaluated: type the value itself"
    ]


def test_external_link_parts_are_not_loaded(vocabulary: Vocabulary) -> None:
    workbook = filled_template(vocabulary, utopia_rows())
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
        b'<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="file:///etc/passwd" TargetMode="External"/></Relationships>'
    )

    def change(name: str, content: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>',
            )
        if name == "[Content_Types].xml":
            return content.replace(
                b"</Types>",
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
            )
        return content

    linked = rewrite_zip(
        workbook,
        change,
        {
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels,
        },
    )
    assert [r.name for r in read_sheet(linked, "xlsx", vocabulary).rows] == [
        r.name for r in read_sheet(workbook, "xlsx", vocabulary).rows
    ]


def test_macros_are_refused(vocabulary: Vocabulary) -> None:
    workbook = filled_template(vocabulary, utopia_rows())
    with_macros = rewrite_zip(
        workbook, lambda _, c: c, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}
    )
    assert problems(vocabulary, with_macros, "xlsx") == [
        "the workbook contains macros (vbaProject.bin); macros are refused, never run: save it "
        "as an Excel workbook (.xlsx) without macros"
    ]
    macro_type = rewrite_zip(
        workbook,
        lambda name, c: (
            c.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            if name == "[Content_Types].xml"
            else c
        ),
    )
    assert problems(vocabulary, macro_type, "xlsx") == [
        "the workbook is macro-enabled (.xlsm); macros are refused, never run: save it as an "
        "Excel workbook (.xlsx)"
    ]


def test_xml_entities_are_refused(vocabulary: Vocabulary) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "kind", "governance level"])
    sheet.append(["Act", "legislation", "national"])
    out = io.BytesIO()
    book.save(out)

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        # openpyxl writes no XML declaration here, so the DTD opens the document.
        assert not content.startswith(b"<?xml")
        return bomb + content.replace(b"<t>Act</t>", b"<t>&b;</t>")

    found = problems(vocabulary, rewrite_zip(out.getvalue(), change), "xlsx")
    assert len(found) == 1 and "declares a DTD or entities, which is refused" in found[0]


def test_archive_that_unpacks_too_far_is_refused(vocabulary: Vocabulary) -> None:
    workbook = filled_template(vocabulary, utopia_rows())
    padded = rewrite_zip(
        workbook, lambda _, c: c, {"xl/media/padding.bin": b"\0" * (MAX_UNPACKED_BYTES + 1)}
    )
    assert len(padded) < 200_000  # small on the wire
    (line,) = problems(vocabulary, padded, "xlsx")
    assert line.startswith("the workbook unpacks to ") and line.endswith(
        f"bytes, more than the {MAX_UNPACKED_BYTES} accepted"
    )


def test_not_a_workbook(vocabulary: Vocabulary) -> None:
    (line,) = problems(vocabulary, b"PK\x03\x04not really a zip", "xlsx")
    assert line.startswith("this is not an XLSX workbook: the archive cannot be read")


def test_a_zip_that_is_not_a_spreadsheet(vocabulary: Vocabulary) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
    assert problems(vocabulary, out.getvalue(), "xlsx") == [
        "this is not an XLSX workbook: the archive holds no spreadsheet"
    ]


def test_workbook_cells_of_every_type(vocabulary: Vocabulary) -> None:
    from datetime import datetime

    rows = [
        ["Act", "legislation", "national", datetime(2015, 3, 1)],
        ["Plan", "strategy or plan", "national", 2015.0],
    ]
    found = problems(vocabulary, filled_template(vocabulary, rows), "xlsx")
    assert found == [
        "sheet 'Self-assessment', row 2, column 'start year': '2015-03-01' is a date; type the "
        "year only, e.g. 2015"
    ]
