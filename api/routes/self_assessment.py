"""Self-assessment over HTTP: a state's spreadsheet in, a framework scorecard out.

``GET /self-assessment`` is the analysts' form; ``GET /self-assessment/template.csv`` and
``template.xlsx`` the empty template. ``POST /self-assessment`` takes a sheet as ``text/csv``,
as an XLSX workbook, or as the form's ``multipart/form-data`` (fields ``sheet`` and ``state``),
maps it to RDF and runs the published report's completeness and recommendation shapes on it.
The answer is negotiated: the HTML scorecard in the site's layout (the default), JSON, CSV, or
Turtle (the sheet's RDF and its SHACL report). A sheet about one of the 32 responding states
is shown beside the published scorecard of that state.

Nothing is stored: the sheet is read from memory in a child process and forgotten. The body
cap, the time limit and the concurrency are those of ``POST /validate``, with which the
assessment shares its worker slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from icgraph.api.deps import SettingsDep
from icgraph.api.errors import BodyTooLarge, InvalidRequest, ProtocolError
from icgraph.api.form_parts import FormError, parse_form
from icgraph.api.formats import best_offer
from icgraph.api.links import SiteLinks, for_request
from icgraph.api.pool import KillablePool, TimeLimitExceeded, WorkerDied

# Shared with POST /validate: one cache of the published scorecard, one pool of worker slots.
from icgraph.api.routes.validation import NoStore, current_scorecard
from icgraph.assess import PublishedState, SheetErrors, assess_bytes, published_states
from icgraph.assess.columns import COLUMNS
from icgraph.assess.render import MEDIA_TYPES, render, to_html_fragment
from icgraph.assess.sheet import XLSX_MEDIA_TYPE
from icgraph.assess.template import allowed_values, csv_template, xlsx_template
from icgraph.assess.vocabulary import load_vocabulary
from icgraph.config import Settings

router = APIRouter(tags=["self-assessment"])

# Autoescape on for every template: Starlette's default turns it on by file extension, and
# ".html.j2" is not one it knows, while these pages show what a sheet's cells hold.
TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"),
        autoescape=True,
    )
)

#: Answer formats in order of preference: the first is the default (no or ``*/*`` Accept).
ANSWER_FORMATS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("html", "text/html", ("application/xhtml+xml",)),
    ("json", "application/json", ()),
    ("csv", "text/csv", ()),
    ("turtle", "text/turtle", ("application/x-turtle",)),
)

#: What a sheet may be sent as, and how it is read.
SHEET_TYPES = {"text/csv": "csv", XLSX_MEDIA_TYPE: "xlsx"}
FORM = "multipart/form-data"
MACRO_TYPES = (
    "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.ms-excel.template.macroenabled.12",
)


class UnsupportedSheet(ProtocolError):
    status = 415


class NotAcceptableAnswer(ProtocolError):
    status = 406


class AssessmentTimeout(ProtocolError):
    status = 503


def negotiate(accept: str | None, format_key: str | None) -> str:
    """The answer format for an Accept header or a ``format`` parameter (which wins)."""
    offers = ", ".join(media for _, media, _ in ANSWER_FORMATS)
    if format_key:
        key = format_key.strip().lower()
        for name, media_type, aliases in ANSWER_FORMATS:
            if key in (name, media_type, *aliases) or (name == "turtle" and key == "ttl"):
                return name
        raise NotAcceptableAnswer(f"unknown answer format {format_key!r}; use one of: {offers}")
    if not accept or not accept.strip():
        return ANSWER_FORMATS[0][0]
    index = best_offer(accept, [(media, *aliases) for _, media, aliases in ANSWER_FORMATS])
    if index is None:
        raise NotAcceptableAnswer(
            f"No acceptable format for a self-assessment. Ask for one of: {offers}."
        )
    return ANSWER_FORMATS[index][0]


# --- The form and the template -------------------------------------------------------------------


def _form_context(settings: Settings) -> dict[str, Any]:
    vocabulary = load_vocabulary(settings)
    return {
        "states": vocabulary.states,
        "columns": [(c, allowed_values(vocabulary, c)) for c in COLUMNS],
        "max_body_bytes": settings.max_body_bytes,
    }


def _form_page(
    request: Request,
    settings: Settings,
    problems: list[str] | None = None,
    state: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = _form_context(settings) | {"problems": problems or [], "chosen": state}
    return TEMPLATES.TemplateResponse(
        request, "self_assessment.html.j2", context, status_code=status_code
    )


@router.get(
    "/self-assessment",
    response_class=HTMLResponse,
    summary="The self-assessment form",
    responses={200: {"content": {"text/html": {}}, "description": "The form, as HTML."}},
)
async def form(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The self-assessment form: download the template, upload a filled one."""
    return await run_in_threadpool(_form_page, request, settings)


# OPTIONS too: its Allow must name both methods, which the two separate routes would not.
@router.api_route(
    "/self-assessment", methods=["PUT", "DELETE", "PATCH", "OPTIONS"], include_in_schema=False
)
async def other_methods(request: Request) -> Response:
    """Refuse methods the form does not take."""
    raise ProtocolError(
        f"method {request.method} is not allowed here; GET the form or POST a sheet",
        status=405,
        headers={"Allow": "GET, POST"},
    )


def _template(request: Request, settings: Settings, fmt: str) -> bytes:
    cache: dict[str, bytes] | None = getattr(request.app.state, "self_assessment_templates", None)
    if cache is None:
        cache = request.app.state.self_assessment_templates = {}
    if fmt not in cache:
        vocabulary = load_vocabulary(settings)
        cache[fmt] = csv_template(vocabulary) if fmt == "csv" else xlsx_template(vocabulary)
    return cache[fmt]


@router.get(
    "/self-assessment/template.csv",
    summary="The empty self-assessment template (CSV)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def template_csv(request: Request, settings: SettingsDep) -> Response:
    """The template's header, with its instructions as '#' comment lines."""
    body = await run_in_threadpool(_template, request, settings, "csv")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="icgraph-self-assessment.csv"'},
    )


@router.get(
    "/self-assessment/template.xlsx",
    summary="The empty self-assessment template (XLSX, with drop-down lists)",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def template_xlsx(request: Request, settings: SettingsDep) -> Response:
    """The template workbook: the data sheet with drop-downs, instructions and lists."""
    body = await run_in_threadpool(_template, request, settings, "xlsx")
    return Response(
        body,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="icgraph-self-assessment.xlsx"'},
    )


# --- POST /self-assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The rendered answer, or every problem of the sheet (crosses the process boundary)."""

    body: bytes = b""
    fragment: str = ""
    title: str = ""
    problems: tuple[str, ...] = ()


def assess_and_render(
    data: bytes,
    sheet_format: str | None,
    source: str | None,
    state: str | None,
    settings: Settings,
    fmt: str,
    published: dict[str, PublishedState] | None,
    links: SiteLinks,
) -> Outcome:
    """Read, map, validate and render a sheet (in a child process); ``links`` is the page's
    link rule, so the graph's IRIs point where the rest of the site's links do."""
    try:
        found = assess_bytes(
            data, settings, fmt=sheet_format, source=source, state=state, published=published
        )
    except SheetErrors as error:
        return Outcome(problems=tuple(str(error).splitlines()))
    if fmt == "html":
        return Outcome(fragment=to_html_fragment(found, links.href), title=found.state.label)
    return Outcome(body=render(found, fmt))


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _refuse_media_type(media_type: str) -> UnsupportedSheet:
    accepted = f"text/csv, {XLSX_MEDIA_TYPE} or {FORM} (the form at /self-assessment)"
    if not media_type:
        return UnsupportedSheet(f"Missing Content-Type; send the sheet as {accepted}")
    if media_type in MACRO_TYPES:
        return UnsupportedSheet(
            f"Macro-enabled workbooks ({media_type}) are refused; save the workbook as .xlsx "
            f"and send it as {XLSX_MEDIA_TYPE}"
        )
    return UnsupportedSheet(f"Unsupported media type {media_type!r}; send the sheet as {accepted}")


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    too_large = f"request body too large: the limit is {limit} bytes"
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(too_large)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise BodyTooLarge(too_large)
    return bytes(body)


def _from_form(body: bytes, content_type: str) -> tuple[bytes, str | None, str | None]:
    """The uploaded sheet, its file name and the state field of the form."""
    try:
        parts = parse_form(body, content_type)
    except FormError as error:
        raise InvalidRequest(str(error)) from None
    upload = parts.get("sheet")
    if upload is None or (upload.filename is not None and not upload.data):
        raise InvalidRequest(
            "The form sent no file: choose a CSV or XLSX sheet in the field 'sheet'"
        )
    state_part = parts.get("state")
    state = bytes(state_part.data).decode("utf-8", "replace").strip() if state_part else ""
    filename = upload.filename or None
    if filename and filename.lower().endswith((".xlsm", ".xltm")):
        raise UnsupportedSheet("Macro-enabled workbooks (.xlsm) are refused; save it as .xlsx")
    return bytes(upload.data), filename, state or None


async def _published(request: Request, settings: Settings) -> dict[str, PublishedState] | None:
    """The published scorecard's rows, or None when no graph is published."""
    try:
        card = await current_scorecard(request, settings)
    except NoStore:
        return None
    cached = getattr(request.app.state, "self_assessment_published", None)
    if cached is not None and cached[0] is card:
        return cached[1]  # type: ignore[no-any-return]
    rows = published_states(card)
    request.app.state.self_assessment_published = (card, rows)
    return rows


def _respond(body: bytes, fmt: str) -> Response:
    return Response(
        body, media_type=MEDIA_TYPES[fmt] + "; charset=utf-8", headers={"Vary": "Accept"}
    )


@router.post(
    "/self-assessment",
    summary="Score a state's framework from a spreadsheet",
    response_class=Response,
    responses={
        200: {
            "description": "The scorecard (HTML, JSON, CSV) or the sheet's RDF with its SHACL "
            "report (Turtle).",
            "content": {"text/html": {}, "application/json": {}, "text/csv": {}, "text/turtle": {}},
        },
        400: {"description": "Every problem of the sheet, each with its sheet, row and column."},
        406: {"description": "No acceptable format."},
        413: {"description": "Body larger than the server's limit."},
        415: {"description": "Not CSV, XLSX or the form's multipart/form-data."},
        503: {"description": "The assessment ran past its time limit."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The filled template: CSV, XLSX, or the form's upload.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["sheet"],
                        "properties": {
                            "sheet": {"type": "string", "format": "binary"},
                            "state": {"type": "string"},
                        },
                    }
                },
            },
        }
    },
)
async def post_self_assessment(request: Request, settings: SettingsDep) -> Response:
    """Assess the sheet in the body; nothing is stored."""
    fmt = negotiate(request.headers.get("accept"), request.query_params.get("format"))
    media_type = _media_type(request.headers.get("content-type"))
    if media_type not in SHEET_TYPES and media_type != FORM:
        raise _refuse_media_type(media_type)
    body = await _read_body(request, settings.max_body_bytes)
    state = request.query_params.get("state") or None
    source: str | None = None
    sheet_format: str | None
    if media_type == FORM:
        body, source, form_state = _from_form(body, request.headers["content-type"])
        state = form_state or state
        sheet_format = None  # told apart by content: browsers label a CSV file many ways
    else:
        sheet_format = SHEET_TYPES[media_type]
        if sheet_format == "csv" and body.startswith(b"PK\x03\x04"):
            raise InvalidRequest(
                f"The body is a zip archive (an XLSX workbook?) sent as text/csv; send it as "
                f"{XLSX_MEDIA_TYPE}"
            )
    published = await _published(request, settings)
    limit = settings.validation_timeout
    pool: KillablePool = request.app.state.validation_pool
    try:
        # The same children, limits and memory cap as POST /validate.
        outcome = await pool.run(
            assess_and_render,
            body,
            sheet_format,
            source,
            state,
            settings,
            fmt,
            published,
            for_request(request),
            timeout=limit,
        )
    except TimeLimitExceeded:
        raise AssessmentTimeout(
            f"Self-assessment timeout: assessing the sheet took more than {limit:g} s and was "
            "stopped; send fewer rows"
        ) from None
    except WorkerDied as error:
        raise AssessmentTimeout(f"Self-assessment stopped: {error}") from None
    if outcome.problems:
        if fmt == "html":
            return _form_page(request, settings, list(outcome.problems[1:]), state or "", 400)
        raise InvalidRequest("The sheet cannot be assessed: " + "\n".join(outcome.problems))
    if fmt == "html":
        return TEMPLATES.TemplateResponse(
            request,
            "self_assessment_result.html.j2",
            # The library rendered the fragment with autoescape on.
            {"title": outcome.title, "body": Markup(outcome.fragment)},
            headers={"Vary": "Accept"},
        )
    return _respond(outcome.body, fmt)
