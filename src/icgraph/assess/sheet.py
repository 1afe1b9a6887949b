"""Reading a self-assessment sheet (CSV or XLSX) into checked rows, every problem at once.

Each problem names the sheet, the row and the column as the analyst sees them (the header's
text, rows counted from 1 as the spreadsheet numbers them) and what was expected, e.g.
``row 7, column 'kind': 'law' is not one of: legislation, constitutional provision, ...``.

An XLSX workbook is data, never a program:

* it is opened with openpyxl in read-only mode and with ``data_only=False``: a formula cell then
  shows its formula instead of the value the file claims it last computed. That cached value
  was written by whatever produced the file, may be stale and cannot be checked, so formula
  cells are refused by name rather than trusted or evaluated;
* a macro-enabled workbook (a ``vbaProject.bin`` part, or a macro-enabled content type) is
  refused before openpyxl opens it;
* links to other workbooks are not loaded (``keep_links=False``); since formulas are refused,
  nothing could use them;
* the archive's members, the size it unpacks to, the rows and the cell lengths are capped, and
  openpyxl parses the XML with defusedxml (a DTD or an entity is refused).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..errors import InputError
from .columns import BY_HEADER, BY_KEY, COLUMNS, FIRST_YEAR, LAST_YEAR, REQUIRED, SEPARATOR, Column
from .vocabulary import Concept, Kind, Vocabulary, lookup

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The template's data sheet; a workbook without it is read from its first other sheet.
DATA_SHEET = "Self-assessment"
#: The template's other sheets, never read as data.
OTHER_SHEETS = ("Instructions", "Lists")

MAX_ROWS = 2_000
MAX_COLUMNS = 40
MAX_CELL_CHARS = 4_000
MAX_MEMBERS = 1_000
MAX_UNPACKED_BYTES = 64 * 2**20
#: Problems listed in full; the rest are counted.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the sheet, and where."""

    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class SheetErrors(InputError):
    """The sheet cannot be assessed; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"... and {len(self.problems) - MAX_PROBLEMS} more problems")
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the sheet"
        super().__init__("\n".join([heading + ":", *lines]))

    def lines(self) -> list[str]:
        return str(self).splitlines()[1:]


@dataclass(frozen=True)
class Row:
    """One checked row: an instrument or body of the state."""

    number: int
    name: str
    kind: Kind
    level: Concept
    start: int | None = None
    end: int | None = None
    status: Concept | None = None
    groups: tuple[Concept, ...] = ()
    fields: tuple[Concept, ...] = ()
    processes: tuple[Concept, ...] = ()
    duty: str | None = None
    adopted_by: tuple[str, ...] = ()
    run_by: tuple[str, ...] = ()
    citation: str | None = None


@dataclass(frozen=True)
class Sheet:
    """The checked rows of a sheet, and the state it names (if it names one)."""

    name: str | None
    rows: tuple[Row, ...]
    state: str | None = None
    state_row: int | None = None


@dataclass
class _Raw:
    """Cells as read, before checking: ``(row number, [value per column])``."""

    name: str | None
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- Which format ------------------------------------------------------------------------------


def detect_format(data: bytes) -> str:
    """``"xlsx"`` for a zip archive, else ``"csv"``; an old binary .xls is refused.

    >>> detect_format(b"PK\\x03\\x04rest"), detect_format(b"name,kind\\n")
    ('xlsx', 'csv')
    """
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise SheetErrors(
            [
                Problem(
                    "this is an old binary Excel workbook (.xls) or another OLE file, which "
                    "is not read: save it as an Excel workbook (.xlsx) or as CSV UTF-8"
                )
            ]
        )
    return "csv"


def read_sheet(
    data: bytes, fmt: str, vocabulary: Vocabulary, *, source: str | None = None
) -> Sheet:
    """Read and check a sheet; raises ``SheetErrors`` listing every problem.

    ``fmt`` is ``"csv"`` or ``"xlsx"``; ``source`` names the file in messages about a CSV
    (a workbook's messages name its sheet).
    """
    raw = _read_xlsx(data) if fmt == "xlsx" else _read_csv(data, source)
    if raw.problems and not raw.rows:
        raise SheetErrors(raw.problems)
    return _check(raw, vocabulary)


# --- CSV ---------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    # Excel saves "CSV" with ';' where the decimal separator is a comma (most of Europe).
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            counts = {d: line.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _read_csv(data: bytes, source: str | None) -> _Raw:
    raw = _Raw(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raw.problems.append(
            Problem(
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
                f"{error.start}); save it as 'CSV UTF-8' or send an .xlsx workbook",
                sheet=source,
            )
        )
        return raw
    if "\x00" in text:
        raw.problems.append(
            Problem("the file holds NUL characters: it is not CSV text", sheet=source)
        )
        return raw
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        for values in reader:
            if not _collect(raw, reader.line_num, list(values)):
                break
    except csv.Error as error:
        raw.problems.append(
            Problem(f"the CSV is malformed: {error}", reader.line_num, sheet=source)
        )
    return raw


def _collect(raw: _Raw, number: int, values: list[Any]) -> bool:
    """Keep one row; False once the sheet has too many rows to go on."""
    if all(_blank(v) for v in values):
        return True
    if isinstance(values[0], str) and values[0].lstrip().startswith("#"):
        return True  # a comment line, as the CSV template's instructions are
    if len(raw.rows) > MAX_ROWS:
        raw.problems.append(
            Problem(f"the sheet has more than {MAX_ROWS} rows; split it", number, sheet=raw.name)
        )
        return False
    if len(values) > MAX_COLUMNS:
        extra = [v for v in values[MAX_COLUMNS:] if not _blank(v)]
        if extra:
            raw.problems.append(
                Problem(f"the row has more than {MAX_COLUMNS} cells", number, sheet=raw.name)
            )
        values = values[:MAX_COLUMNS]
    raw.rows.append((number, values))
    return True


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- XLSX --------------------------------------------------------------------------------------


class _Formula:
    """A formula cell, kept so that the checks can name it without ever evaluating it."""

    def __init__(self, text: str) -> None:
        self.text = text


class _ErrorValue:
    def __init__(self, text: str) -> None:
        self.text = text


def _archive_problems(data: bytes) -> list[Problem]:
    """What makes a zip archive unacceptable as a workbook, checked before openpyxl reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        return [Problem(f"this is not an XLSX workbook: the archive cannot be read ({error})")]
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return [Problem(f"the workbook has more than {MAX_MEMBERS} parts")]
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            return [
                Problem(
                    f"the workbook unpacks to {unpacked} bytes, more than the "
                    f"{MAX_UNPACKED_BYTES} accepted"
                )
            ]
        names = {m.filename.lower() for m in members}
        if any(n.endswith("vbaproject.bin") for n in names):
            return [
                Problem(
                    "the workbook contains macros (vbaProject.bin); macros are refused, never "
                    "run: save it as an Excel workbook (.xlsx) without macros"
                )
            ]
        if "[content_types].xml" not in names:
            return [Problem("this is not an XLSX workbook: it has no [Content_Types].xml")]
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        if "macroenabled" in types.lower():
            return [
                Problem(
                    "the workbook is macro-enabled (.xlsm); macros are refused, never run: "
                    "save it as an Excel workbook (.xlsx)"
                )
            ]
        if "spreadsheetml" not in types:
            return [Problem("this is not an XLSX workbook: the archive holds no spreadsheet")]
    return []


def _read_xlsx(data: bytes) -> _Raw:
    problems = _archive_problems(data)
    if problems:
        return _Raw(None, problems=problems)
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not read (data validation extensions,
            # conditional formats); they carry no data.
            warnings.simplefilter("ignore")
            book = load_workbook(
                io.BytesIO(data),
                read_only=True,
                data_only=False,
                keep_vba=False,
                keep_links=False,
                rich_text=False,
            )
            try:
                return _read_book(book)
            finally:
                book.close()
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile, SyntaxError) as error:
        # openpyxl raises these for parts that are missing or malformed, and wraps defusedxml's
        # refusal (itself a ValueError) in a ValueError of its own.
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            message = f"the workbook's XML declares a DTD or entities, which is refused ({cause})"
        else:
            message = "the workbook cannot be read as XLSX: " + " ".join(str(error).split())
        return _Raw(None, problems=[Problem(message)])


def _read_book(book: Any) -> _Raw:
    names = list(book.sheetnames)
    if DATA_SHEET in names:
        name = DATA_SHEET
    else:
        candidates = [n for n in names if n not in OTHER_SHEETS]
        if not candidates:
            return _Raw(None, problems=[Problem("the workbook has no sheet of data")])
        name = candidates[0]
    sheet = book[name]
    raw = _Raw(name)
    if not hasattr(sheet, "iter_rows"):
        raw.problems.append(Problem("the sheet is a chart, not a table", sheet=name))
        return raw
    # The dimension a file declares may be wrong; read what is really there.
    sheet.reset_dimensions()
    for cells in sheet.iter_rows():
        number = next((c.row for c in cells if getattr(c, "row", None)), None)
        if number is None:
            continue
        values: list[Any] = []
        for cell in cells:
            column = getattr(cell, "column", None)
            if column is None or column > MAX_COLUMNS + 1:
                continue
            while len(values) < column - 1:
                values.append(None)
            values.append(_cell_value(cell))
        if not _collect(raw, number, values):
            break
    return raw


def _cell_value(cell: Any) -> Any:
    if cell.data_type == "f":
        text = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "")
        return _Formula(str(text or "="))
    if cell.data_type == "e":
        return _ErrorValue(str(cell.value))
    return cell.value


# --- Checking ----------------------------------------------------------------------------------


def _allowed(values: Sequence[str]) -> str:
    return ", ".join(values)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return " ".join(str(value).split())


class _Checker:
    def __init__(self, raw: _Raw, vocabulary: Vocabulary) -> None:
        self.raw = raw
        self.vocabulary = vocabulary
        self.problems = list(raw.problems)
        self.unknown: set[int] = set()

    def problem(self, message: str, row: int | None, column: str | None = None) -> None:
        self.problems.append(Problem(message, row, column, self.raw.name))

    def header(self) -> tuple[int, dict[int, Column]] | None:
        if not self.raw.rows:
            self.problem(
                "the sheet is empty: it needs a header row with the template's columns", None
            )
            return None
        number, values = self.raw.rows[0]
        by_header = {" ".join(h.split()).casefold(): c for h, c in BY_HEADER.items()}
        columns: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for index, value in enumerate(values):
            if _blank(value):
                continue
            text = _text(value) if not isinstance(value, _Formula | _ErrorValue) else value.text
            column = by_header.get(text.casefold())
            if column is None:
                self.problem(
                    "is not a column of the template; the columns are: "
                    + _allowed([c.header for c in COLUMNS]),
                    number,
                    text,
                )
                self.unknown.add(index)
                continue
            if column.key in seen:
                self.problem("appears twice in the header", number, column.header)
                self.unknown.add(index)
                continue
            seen[column.key] = index
            columns[index] = column
        for column in REQUIRED:
            if column.key not in seen:
                self.problem(
                    f"the column '{column.header}' is missing; every sheet needs: "
                    + _allowed([c.header for c in REQUIRED]),
                    number,
                )
        return number, columns

    def cell(self, number: int, column: Column, value: Any) -> Any:
        """The cell as text (None when empty), or a problem when it is a formula or error."""
        if isinstance(value, _Formula):
            self.problem(
                f"is a formula ({value.text[:60]}); formulas are not evaluated: type the value "
                "itself",
                number,
                column.header,
            )
            return _INVALID
        if isinstance(value, _ErrorValue):
            self.problem(
                f"holds the error value {value.text}; type the value itself", number, column.header
            )
            return _INVALID
        if _blank(value):
            return None
        if column.key in ("start", "end"):
            return value
        text = _text(value)
        if len(text) > MAX_CELL_CHARS:
            self.problem(f"is longer than {MAX_CELL_CHARS} characters", number, column.header)
            return _INVALID
        return text

    def year(self, number: int, column: Column, value: Any) -> int | None:
        if value is None or value is _INVALID:
            return None
        if isinstance(value, datetime | date):
            self.problem(
                f"'{_text(value)}' is a date; type the year only, e.g. 2015", number, column.header
            )
            return None
        year: int | None = None
        if isinstance(value, bool):
            year = None
        elif isinstance(value, int):
            year = value
        elif isinstance(value, float) and value.is_integer():
            year = int(value)
        elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
            year = int(value.strip())
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            self.problem(
                f"'{_text(value)}' is not a year: expected four digits between {FIRST_YEAR} "
                f"and {LAST_YEAR}, e.g. 2015",
                number,
                column.header,
            )
            return None
        return year

    def concepts(
        self, number: int, column: Column, text: str | None, concepts: Sequence[Concept]
    ) -> tuple[Concept, ...]:
        if not text or text is _INVALID:
            return ()
        parts = [p.strip() for p in text.split(SEPARATOR)] if column.multiple else [text]
        found = []
        for part in parts:
            if not part:
                continue
            concept = lookup(concepts, part)
            if concept is None:
                hint = (
                    f" (separate several values with '{SEPARATOR}')"
                    if column.multiple and "," in part
                    else ""
                )
                self.problem(
                    f"'{part}' is not one of: {_allowed([c.label for c in concepts])}{hint}",
                    number,
                    column.header,
                )
                continue
            if concept not in found:
                found.append(concept)
        return tuple(found)

    def rows(self, columns: dict[int, Column]) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each data row's cells by column key; a header's unknown columns are skipped."""
        for number, values in self.raw.rows[1:]:
            cells: dict[str, Any] = {}
            for index, value in enumerate(values):
                column = columns.get(index)
                if column is None:
                    # A column whose header is refused is reported once, at the header.
                    if not _blank(value) and index not in self.unknown:
                        self.problem(
                            f"holds '{_text(value) if not isinstance(value, _Formula | _ErrorValue) else value.text}' "
                            "under no header; put it in a column of the template or delete it",
                            number,
                            _column_letter(index),
                        )
                    continue
                cells[column.key] = self.cell(number, column, value)
            yield number, cells


_INVALID: Any = object()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check(raw: _Raw, vocabulary: Vocabulary) -> Sheet:
    checker = _Checker(raw, vocabulary)
    header = checker.header()
    if header is None:
        raise SheetErrors(checker.problems)
    header_row, columns = header
    columns_present = [c.key for c in columns.values()]
    kinds = [k.label for k in vocabulary.kinds]
    rows: list[Row] = []
    states: list[tuple[int, str]] = []
    for number, cells in checker.rows(columns):
        col = BY_KEY
        present = set(columns_present)
        name = cells.get("name")
        if name is None and "name" in present:
            checker.problem(
                "is empty; every row needs the instrument's or body's name", number, "name"
            )
        kind_text = cells.get("kind")
        kind = None
        if kind_text is None and "kind" in present:
            checker.problem(f"is empty; expected one of: {_allowed(kinds)}", number, "kind")
        elif kind_text is not None and kind_text is not _INVALID:
            kind = vocabulary.kind(kind_text)
            if kind is None:
                checker.problem(f"'{kind_text}' is not one of: {_allowed(kinds)}", number, "kind")
        level_text = cells.get("level")
        level = None
        if level_text is None and "level" in present:
            checker.problem(
                f"is empty; expected one of: {_allowed([c.label for c in vocabulary.levels])}",
                number,
                col["level"].header,
            )
        elif level_text is not None:
            found = checker.concepts(number, col["level"], level_text, vocabulary.levels)
            level = found[0] if found else None
        start = checker.year(number, col["start"], cells.get("start"))
        end = checker.year(number, col["end"], cells.get("end"))
        if start is not None and end is not None and end < start:
            checker.problem(f"{end} is before the start year {start}", number, col["end"].header)
        statuses = checker.concepts(number, col["status"], cells.get("status"), vocabulary.statuses)
        groups = checker.concepts(number, col["groups"], cells.get("groups"), vocabulary.groups)
        fields = checker.concepts(number, col["fields"], cells.get("fields"), vocabulary.fields)
        processes = checker.concepts(
            number, col["processes"], cells.get("processes"), vocabulary.processes
        )
        duty = cells.get("duty")
        if duty is _INVALID:
            duty = None
        if duty is not None and kind is not None and not kind.is_law:
            checker.problem(
                f"applies to legislation only, not to a row of kind '{kind.label}'",
                number,
                col["duty"].header,
            )
        state = cells.get("state")
        if state is not None and state is not _INVALID:
            states.append((number, state))
        citation = cells.get("citation")
        if (
            name is None
            or name is _INVALID
            or kind is None
            or level is None
            or any(p.row == number for p in checker.problems)
        ):
            continue
        rows.append(
            Row(
                number=number,
                name=name,
                kind=kind,
                level=level,
                start=start,
                end=end,
                status=statuses[0] if statuses else None,
                groups=groups,
                fields=fields,
                processes=processes,
                duty=duty,
                adopted_by=_names(cells.get("adopted_by")),
                run_by=_names(cells.get("run_by")),
                citation=citation if citation is not _INVALID else None,
            )
        )
    state_text, state_row = _one_state(checker, states)
    _check_links(checker, rows)
    if not checker.problems and not rows:
        checker.problem("the sheet has no rows below its header", header_row)
    if checker.problems:
        raise SheetErrors(checker.problems)
    return Sheet(raw.name, tuple(rows), state_text, state_row)


def _names(text: Any) -> tuple[str, ...]:
    if text is None or text is _INVALID:
        return ()
    return tuple(dict.fromkeys(p.strip() for p in str(text).split(SEPARATOR) if p.strip()))


def _one_state(checker: _Checker, states: list[tuple[int, str]]) -> tuple[str | None, int | None]:
    if not states:
        return None, None
    first_row, first = states[0]
    chosen = checker.vocabulary.state(first)
    for number, text in states[1:]:
        same = (
            checker.vocabulary.state(text) == chosen
            if chosen is not None
            else text.casefold() == first.casefold()
        )
        if not same:
            checker.problem(
                f"names '{text}' but row {first_row} names '{first}'; a sheet covers one state",
                number,
                "state",
            )
    return first, first_row


def _check_links(checker: _Checker, rows: list[Row]) -> None:
    """A body named in 'adopted or established by' or 'run by' must not be ambiguous."""
    by_name: dict[str, list[int]] = {}
    for row in rows:
        by_name.setdefault(row.name.casefold(), []).append(row.number)
    for row in rows:
        for key, names in (("adopted_by", row.adopted_by), ("run_by", row.run_by)):
            header = next(c.header for c in COLUMNS if c.key == key)
            for name in names:
                numbers = by_name.get(name.casefold(), [])
                if len(numbers) > 1:
                    checker.problem(
                        f"'{name}' is the name of rows {', '.join(map(str, numbers))}; give the "
                        "rows distinct names so the link is clear",
                        row.number,
                        header,
                    )
                elif numbers == [row.number]:
                    checker.problem(f"'{name}' is this row itself", row.number, header)
