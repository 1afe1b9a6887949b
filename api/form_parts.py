"""A multipart/form-data body, already read and capped, split into its parts in memory.

Starlette's form parser spools an uploaded file to a temporary file on disk past 1 MiB; the
self-assessment keeps nothing, so a body is parsed here, from bytes, with python-multipart's
streaming parser and no file ever written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

#: More parts than a form of two fields has is not a form of ours.
MAX_PARTS = 8


class FormError(ValueError):
    """The body is not a multipart/form-data body this endpoint can read."""


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytearray = field(default_factory=bytearray)


def parse_form(body: bytes, content_type: str) -> dict[str, Part]:
    """The parts of a multipart/form-data body, by field name (the first of each name wins).

    >>> body = b'--b\\r\\nContent-Disposition: form-data; name="state"\\r\\n\\r\\nES\\r\\n--b--\\r\\n'
    >>> bytes(parse_form(body, "multipart/form-data; boundary=b")["state"].data)
    b'ES'
    """
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise FormError("multipart/form-data without a boundary parameter")
    parts: list[Part] = []
    headers: dict[str, str] = {}
    header_name = bytearray()
    header_value = bytearray()
    current: list[Part] = []

    def on_part_begin() -> None:
        headers.clear()
        if len(parts) >= MAX_PARTS:
            raise FormError(f"the form has more than {MAX_PARTS} parts")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        # Latin-1 keeps every byte as one character, as the options parser below expects; the
        # names and file names it returns are then read as UTF-8.
        headers[header_name.decode("latin-1").strip().lower()] = header_value.decode(
            "latin-1"
        ).strip()
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        kind, params = parse_options_header(headers.get("content-disposition", ""))
        if kind != b"form-data" or b"name" not in params:
            raise FormError("a part of the form has no 'Content-Disposition: form-data; name=...'")
        filename = params.get(b"filename")
        part = Part(
            params[b"name"].decode("utf-8", "replace"),
            filename.decode("utf-8", "replace") if filename is not None else None,
            headers.get("content-type"),
        )
        parts.append(part)
        current[:] = [part]

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current[0].data.extend(data[start:end])

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except (MultipartParseError, UnicodeError) as error:
        raise FormError(f"the multipart/form-data body is malformed: {error}") from None
    found: dict[str, Part] = {}
    for part in parts:
        found.setdefault(part.name, part)
    return found
