"""The empty self-assessment template, as CSV and as an XLSX workbook.

Headers and allowed values come from :mod:`.vocabulary`, that is from the ontology and the code
lists. The workbook has three sheets: ``Self-assessment`` (the header and drop-down lists made
with openpyxl's data validation), ``Instructions`` (each column, each allowed value and its
definition) and a hidden ``Lists`` sheet that the drop-downs read (a list typed into a
validation rule is limited to 255 characters; the target groups alone pass that). The CSV
template carries the same instructions as comment lines (``#``), which the reader skips.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from .columns import COLUMNS, FIRST_YEAR, LAST_YEAR, SEPARATOR, Column
from .sheet import DATA_SHEET
from .vocabulary import Vocabulary

#: Empty rows the workbook's drop-downs cover.
TEMPLATE_ROWS = 500


def allowed_values(vocabulary: Vocabulary, column: Column) -> list[str]:
    """The values a column accepts, in the code list's order; empty for free text."""
    if column.values is None:
        return []
    if column.values == "kinds":
        return [k.label for k in vocabulary.kinds]
    if column.values == "states":
        return [s.label for s in vocabulary.states]
    return [c.label for c in getattr(vocabulary, column.values)]


def _instructions(vocabulary: Vocabulary) -> list[str]:
    lines = [
        "icgraph self-assessment template: one row per instrument or body of the state.",
        "Fill one row per law, institution, strategy, funding stream, programme or tool below "
        "the header; 'name', 'kind' and 'governance level' are required.",
        f"In the columns that take several values, separate them with '{SEPARATOR}'.",
        f"Years are four digits between {FIRST_YEAR} and {LAST_YEAR}.",
        "Formulas are never evaluated: a cell holding one is refused.",
    ]
    for column in COLUMNS:
        values = allowed_values(vocabulary, column)
        text = f"{column.header}: {column.help}"
        if values and column.values != "states":
            text += " Allowed: " + "; ".join(values) + "."
        lines.append(text)
    return lines


def csv_template(vocabulary: Vocabulary) -> bytes:
    """The CSV template: instructions as comment lines, then the header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in _instructions(vocabulary):
        writer.writerow(["# " + line])
    writer.writerow([c.header for c in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _definitions(vocabulary: Vocabulary, column: Column) -> Sequence[tuple[str, str]]:
    if column.values == "kinds":
        return [(k.label, k.definition) for k in vocabulary.kinds]
    if column.values == "states":
        return [(f"{s.code} / {s.label}", "") for s in vocabulary.states]
    if column.values is None:
        return []
    return [(c.label, c.definition) for c in getattr(vocabulary, column.values)]


def xlsx_template(vocabulary: Vocabulary) -> bytes:
    """The XLSX template: the data sheet with drop-downs, the instructions and the lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    data = book.active
    assert data is not None
    data.title = DATA_SHEET
    lists = book.create_sheet("Lists")
    instructions = book.create_sheet("Instructions")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")

    for index, column in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font = bold
        cell.fill = fill
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = column.width
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        values = allowed_values(vocabulary, column)
        if values:
            lists.cell(row=1, column=index, value=column.header).font = bold
            for row, value in enumerate(values, start=2):
                lists.cell(row=row, column=index, value=value)
            source = f"=Lists!${letter}$2:${letter}${len(values) + 1}"
            # A drop-down takes one value: where a column takes several, or (for the state)
            # a state outside the list, the rule only informs and lets the typing stand.
            lenient = column.multiple or column.values == "states"
            rule = DataValidation(
                type="list",
                formula1=source,
                allow_blank=not column.required,
                showErrorMessage=True,
                errorStyle="information" if lenient else "stop",
                errorTitle=column.header,
                error=(
                    f"Pick a value from the list; several are separated by '{SEPARATOR}'."
                    if column.multiple
                    else "Pick a value from the list."
                ),
                promptTitle=column.header,
                prompt=column.help[:255],
                showInputMessage=True,
            )
        elif column.key in ("start", "end"):
            rule = DataValidation(
                type="whole",
                operator="between",
                formula1=str(FIRST_YEAR),
                formula2=str(LAST_YEAR),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error=f"A year: four digits between {FIRST_YEAR} and {LAST_YEAR}.",
                promptTitle=column.header,
                prompt=column.help[:255],
                showInputMessage=True,
            )
        else:
            rule = DataValidation(
                type=None,
                promptTitle=column.header,
                prompt=column.help[:255],
                showInputMessage=True,
            )
        rule.add(cells)
        data.add_data_validation(rule)
    data.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    instructions.column_dimensions["A"].width = 34
    instructions.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for line in _instructions(vocabulary)[:5]:
        instructions.cell(row=row, column=1, value=line)
        row += 1
    row += 1
    for column in COLUMNS:
        head = instructions.cell(row=row, column=1, value=column.header)
        head.font = bold
        help_cell = instructions.cell(
            row=row,
            column=2,
            value=column.help + (" Required." if column.required else ""),
        )
        help_cell.alignment = wrap
        row += 1
        for value, definition in _definitions(vocabulary, column):
            instructions.cell(row=row, column=1, value=value).alignment = wrap
            instructions.cell(row=row, column=2, value=definition).alignment = wrap
            row += 1
        row += 1
    book.move_sheet("Instructions", offset=-1)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
