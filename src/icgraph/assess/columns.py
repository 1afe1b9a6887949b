"""The columns of a self-assessment sheet: one row per instrument or body.

The template writes these headers, the reader accepts exactly these, and the mapping turns
each into the property the curated data uses (``data/national-frameworks.ttl``). Columns whose
values come from a code list name it in ``values``; cells of a ``multiple`` column may hold
several values separated by ``;``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What separates the values of a cell in a column that takes several.
SEPARATOR = ";"

#: Years outside this range are refused as typing errors.
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    required: bool = False
    #: The attribute of ``Vocabulary`` holding the allowed values, if any.
    values: str | None = None
    multiple: bool = False
    width: int = 24


COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        "name",
        "The instrument's or body's name, as it is officially written.",
        True,
        width=46,
    ),
    Column(
        "kind",
        "kind",
        "What the row is: one of the kinds listed. An institution's kind names the role it "
        "plays (section 2.1, Institutions).",
        True,
        "kinds",
        width=40,
    ),
    Column(
        "level",
        "governance level",
        "The level of governance at which it applies or acts.",
        True,
        "levels",
        width=18,
    ),
    Column(
        "start",
        "start year",
        "The year it was adopted, established or began (four digits).",
        width=12,
    ),
    Column(
        "end", "end year", "The year it ends or ended, if it has an end (four digits).", width=12
    ),
    Column(
        "status",
        "status",
        "Where it stands; leave empty for something in force. Rows under development, "
        "proposed, at green-paper stage, planned or piloted do not count in the strict view.",
        values="statuses",
        width=18,
    ),
    Column(
        "groups",
        "target groups",
        "The groups it focuses on; leave empty for a general or multi-ground focus.",
        values="groups",
        multiple=True,
        width=30,
    ),
    Column(
        "fields",
        "policy fields",
        "The policy fields it covers.",
        values="fields",
        multiple=True,
        width=30,
    ),
    Column(
        "processes",
        "mainstreaming processes",
        "The kind of equality-mainstreaming process it is, if it is one (section 2.3).",
        values="processes",
        multiple=True,
        width=30,
    ),
    Column(
        "duty",
        "positive duty",
        "Legislation only: the duty it places on public authorities to be proactive in "
        "promoting equality, in the law's words.",
        width=40,
    ),
    Column(
        "adopted_by",
        "adopted or established by",
        "The body (or law) that adopted, passed, established or made it. Use a name from "
        "the 'name' column to link two rows; separate several with ';'.",
        multiple=True,
        width=32,
    ),
    Column(
        "run_by",
        "run by",
        "The body that implements, coordinates, grants or runs it; a name from the 'name' "
        "column links the rows; separate several with ';'.",
        multiple=True,
        width=32,
    ),
    Column(
        "citation",
        "citation or URL",
        "Where this is stated: a URL, a reference, or the IRI of a passage of the report.",
        width=46,
    ),
    Column(
        "state",
        "state",
        "The member state the sheet is about (ISO 3166-1 alpha-2 code or English name); "
        "the same in every row, or empty.",
        values="states",
        width=16,
    ),
)

BY_HEADER = {c.header: c for c in COLUMNS}
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)
