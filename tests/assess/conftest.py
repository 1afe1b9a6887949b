"""Fixtures for the self-assessment tests: the vocabulary, the fixture sheets, and workbooks
made from the template the way an analyst fills it."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from icgraph.assess.columns import COLUMNS
from icgraph.assess.template import xlsx_template
from icgraph.assess.vocabulary import Vocabulary, load_vocabulary
from icgraph.config import Settings

from ..paths import FIXTURES

SHEETS = FIXTURES / "self-assessment"
SPAIN = SHEETS / "spain.csv"
UTOPIA = SHEETS / "utopia.csv"
HEADERS = [c.header for c in COLUMNS]


@pytest.fixture(scope="session")
def vocabulary(settings: Settings) -> Vocabulary:
    return load_vocabulary(settings)


def csv_rows(path: Path) -> list[list[str]]:
    """The header and rows of a fixture CSV, without its comment lines."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle) if row and not row[0].startswith("#")]


def filled_template(vocabulary: Vocabulary, rows: Sequence[Sequence[Any]]) -> bytes:
    """The XLSX template with ``rows`` typed into its data sheet below the header."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_template(vocabulary)))
    sheet = book["Self-assessment"]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value not in ("", None):
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_zip(
    data: bytes, change: Callable[[str, bytes], bytes | None], add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of a zip archive with members changed (None drops one) or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_cached_value(data: bytes, cached: str) -> bytes:
    """Give every formula cell of the data sheet a cached string value, as Excel writes one."""

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        text = content.decode("utf-8")
        text = re.sub(
            r"<c r=\"([A-Z]+[0-9]+)\"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?",
            lambda m: f'<c r="{m.group(1)}" t="str"><f>{m.group(3)}</f><v>{cached}</v>',
            text,
        )
        return text.encode("utf-8")

    return rewrite_zip(data, change)
