"""The ``sparql`` backend: the same facade over any SPARQL 1.1 endpoint (``ICGRAPH_BACKEND=sparql``).

The facade keeps its own guarantees; the store only evaluates. For each request it:

- **refuses** anything that is not a query (an update, Virtuoso's ``DEFINE`` pragmas, any text
  whose form is not SELECT, CONSTRUCT, DESCRIBE or ASK) and any IRI in the ``bif:`` or
  ``sql:`` schemes, through which Virtuoso calls its SQL functions; the routes refuse updates
  and unlisted SERVICE endpoints before any backend, and this is the second check. Only the
  store's query URL is ever called, with ``query=``;
- **writes the request into the text** where the protocol has no parameter for it: the base
  IRI as ``BASE`` in front (only when the query has none), the predeclared prefixes as
  ``PREFIX`` lines (only those the text does not declare), and the bindings as a trailing
  ``VALUES`` clause after the solution modifiers, which the grammar allows and which joins
  as the embedded store's substitutions do (a catalogue parameter binds a projected variable
  that every row binds);
- **names the dataset**: the request's own graphs, or the query's ``FROM``, or else every
  graph of the live edition (:mod:`icgraph.edition`) as ``default-graph-uri`` and
  ``named-graph-uri``, which is what the embedded store's union default graph means;
- **limits time** with a deadline over the whole exchange, and the store's own limit where it
  has one (Virtuoso's ``timeout`` parameter; its partial "anytime" answers count as timeouts);
- **caps the answer** itself: solutions are read as SPARQL TSV (one line per row) when the
  store writes TSV by the W3C note, as SPARQL JSON otherwise, graphs as N-Triples (one line
  per triple); the download stops after the cap and the rows are converted by pyoxigraph with
  :func:`icgraph.query.from_tsv` / :func:`icgraph.query.from_ntriples`, as for the embedded
  store;
- **reports the store down** as :class:`BackendUnavailable` ("store unavailable: ..."), a
  503, and ``/health`` says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode, urljoin

import httpx
import pyoxigraph as ox

from icgraph import versions
from icgraph.api.backends.base import BackendUnavailable, QueryRequest, QueryResult
from icgraph.api.errors import EvaluationError
from icgraph.edition import Edition, edition_from_rows, pointer_query
from icgraph.errors import QueryRefused, QuerySyntaxError, QueryTimeout, UnacceptableFormat
from icgraph.formats import KIND_OF_FORM, Kind
from icgraph.namespaces import PREFIXES
from icgraph.query import Answer, CapReached, LineCapWriter, from_ntriples, from_tsv
from icgraph.query_text import QUERY_FORMS, inspect_query, outline, prologue, tokens

if TYPE_CHECKING:
    from icgraph.config import Settings

log = logging.getLogger(__name__)

TSV = "text/tab-separated-values"
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
#: Most bytes read from the store for one answer, whatever the cap: a store that sends
#: more (a huge literal, a format without lines) is stopped there.
MAX_ANSWER_BYTES = 64 * 2**20
#: How long /health waits for the store.
PROBE_TIMEOUT = 3.0
_FUNCTION_SCHEMES = ("bif:", "sql:")
_POSITION = re.compile(r"error at (\d+):(\d+)")
_VIRTUOSO_LINE = re.compile(r"SPARQL compiler, line (\d+): ")
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_RESULT_TYPES = {
    JSON: ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    TSV: ox.QueryResultsFormat.TSV,
}


@dataclass(frozen=True)
class Prepared:
    """A request as it goes to the store."""

    text: str
    kind: Kind
    #: Lines put in front of the request's text, to report the store's positions in it.
    shift: int
    params: tuple[tuple[str, str], ...]


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.BlankNode):
        raise QueryRefused("a binding to a blank node cannot be sent to a remote store")
    return str(term)


def values_clause(bindings: Iterable[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]) -> str:
    """The trailing ``VALUES`` clause that pre-binds variables, one row.

    >>> values_clause([("alpha2", ox.Literal("ES")), ("x", ox.NamedNode("http://ex/a"))])
    'VALUES (?alpha2 ?x) { ("ES" <http://ex/a>) }'
    """
    pairs = list(bindings)
    names = " ".join(f"?{name}" for name, _ in pairs)
    terms = " ".join(_term(term) for _, term in pairs)
    return f"VALUES ({names}) {{ ({terms}) }}"


def _check_iris(text: str, declared: dict[str, str], base: str | None) -> None:
    """Refuse store functions (``bif:``, ``sql:``) and prefixes nobody declared."""
    previous = ("", "")
    for kind, value in tokens(text):
        before, previous = previous, (kind, value)
        if kind == "iri":
            iri = value[1:-1]
        elif kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix == "" and before == ("word", "_"):
                continue  # a blank node label, _:b
            if prefix not in declared:
                raise QuerySyntaxError(f"the prefix '{prefix}:' is not declared")
            iri = declared[prefix] + local
        else:
            continue
        resolved = urljoin(base, iri) if base else iri
        if resolved.lower().startswith(_FUNCTION_SCHEMES) or iri.lower().startswith(
            _FUNCTION_SCHEMES
        ):
            raise QueryRefused(
                f"<{iri}> names a function of the store (bif: and sql: IRIs call Virtuoso's SQL "
                "functions); this endpoint runs SPARQL only"
            )


@lru_cache(maxsize=512)
def _front(text: str, predeclared_prefixes: bool, base_iri: str | None) -> str:
    """The BASE and PREFIX lines a text needs in front, after checking its IRIs (per text)."""
    predeclared = PREFIXES if predeclared_prefixes else {}
    declared = prologue(text)
    missing = {p: iri for p, iri in predeclared.items() if p not in declared.prefixes}
    _check_iris(text, {**missing, **declared.prefixes}, base_iri)
    front = ""
    if base_iri and not declared.has_base:
        front += f"BASE <{base_iri}>\n"
    return front + "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in missing.items())


def prepare(
    request: QueryRequest,
    live: Edition | None,
    extra: Iterable[tuple[str, str]] = (),
    *,
    nest_bindings: bool = False,
) -> Prepared:
    """The text and protocol parameters one request becomes.

    With ``nest_bindings`` (Virtuoso), a bound SELECT is nested in an outer
    ``SELECT * { { ... } VALUES ... }`` that repeats its ORDER BY: Virtuoso 7.2 ignores a
    trailing VALUES clause on a variable a BIND computes (it fills the column instead of
    narrowing the rows). The join is the same, so the answer is.
    """
    query = request.query
    text = query.text
    predeclared = PREFIXES if query.predeclared_prefixes else {}
    info = inspect_query(text, predeclared, query.base_iri)
    if info.form not in QUERY_FORMS:
        # Whatever the store would accept (Virtuoso runs updates and DEFINE pragmas sent as
        # query=), this endpoint is read-only and speaks SPARQL queries only.
        raise QueryRefused(
            "only SELECT, CONSTRUCT, DESCRIBE and ASK queries are run (after BASE and PREFIX); "
            "this endpoint is read-only"
        )
    kind = KIND_OF_FORM[info.form]
    if query.formats.for_kind(kind) is None:
        raise UnacceptableFormat(kind)
    front = _front(text, query.predeclared_prefixes, query.base_iri)
    body = front + text
    if query.bindings and nest_bindings and kind is Kind.SOLUTIONS:
        parts = outline(text)
        if parts.limited:
            raise QueryRefused(
                "this store (Virtuoso) cannot bind parameters of a query with LIMIT or OFFSET: "
                "it ignores a trailing VALUES clause, and nesting would bind after the limit"
            )
        body = (
            front
            + text[: parts.body]
            + "SELECT * WHERE {\n{\n"
            + text[parts.body :]
            + "\n}\n"
            + values_clause(query.bindings)
            + "\n}\n"
            + (parts.order_by or "")
            + "\n"
        )
    elif query.bindings:
        # After a newline: the text may end in a comment.
        body += "\n" + values_clause(query.bindings) + "\n"
    params: list[tuple[str, str]] = [("query", body)]
    if query.names_dataset:
        default = query.default_graphs or ()
        named = query.named_graphs
        if named is None and live is not None:
            named = live.graphs  # the embedded store: every named graph of the edition
        params += [("default-graph-uri", g) for g in default]
        params += [("named-graph-uri", g) for g in named or ()]
    elif live is not None and not info.has_dataset_clause:
        params += [("default-graph-uri", g) for g in live.graphs]
        params += [("named-graph-uri", g) for g in live.graphs]
    params += list(extra)
    return Prepared(body, kind, front.count("\n"), tuple(params))


def _tsv_line(solution: ox.QuerySolution, names: list[str]) -> str:
    cells = []
    for name in names:
        term = solution[name]
        cells.append("" if term is None else str(term))
    return "\t".join(cells) + "\n"


def solutions_to_tsv(solutions: ox.QuerySolutions, limit: int | None) -> tuple[bytes, bool]:
    """Solutions parsed from another format, as SPARQL TSV, cut after ``limit`` rows."""
    names = [v.value for v in solutions.variables]
    lines = ["\t".join(f"?{n}" for n in names) + "\n"]
    truncated = False
    try:
        for solution in solutions:
            if limit is not None and len(lines) > limit:
                truncated = True
                break
            lines.append(_tsv_line(solution, names))
    except SyntaxError:
        truncated = True  # cut by MAX_ANSWER_BYTES: keep the rows that arrived whole
    return "".join(lines).encode("utf-8"), truncated


def _boolean(parsed: ox.QuerySolutions | ox.QueryBoolean, fmt: Any) -> Answer:
    """An ASK answer in ``fmt``.

    Virtuoso 7.2 writes an ASK answer as solutions of one variable, ``__ASK_RETVAL``: one row
    of 1 for true, no row for false. That is read as the boolean it stands for.
    """
    if isinstance(parsed, ox.QuerySolutions):
        value = any(
            term is not None and term.value not in ("0", "false")
            for solution in parsed
            for term in solution
        )
        parsed = ox.parse_query_results(
            '{"head":{},"boolean":%s}' % ("true" if value else "false"),
            format=ox.QueryResultsFormat.JSON,
        )
    native = cast(ox.QueryResultsFormat, fmt.native)
    return Answer(cast(bytes, parsed.serialize(format=native)), fmt, Kind.BOOLEAN)


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _message(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    # Virtuoso echoes the whole query after its message; the client has it already.
    text = text.split("\nSPARQL query:", 1)[0]
    return re.sub(r"\s+", " ", text)[:600] or "(no message)"


class SparqlBackend:
    """Answers queries from a remote SPARQL 1.1 endpoint, with the facade's limits."""

    name = "sparql"

    def __init__(
        self,
        endpoint: str,
        *,
        base_iri: str,
        poll: float = 1.0,
        store: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.base_iri = base_iri
        self.poll = poll
        #: The local store folder whose versions' dumps this facade may serve.
        self.store = store
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._edition: Edition | None = None
        self._edition_read = False
        self._poller: asyncio.Task[None] | None = None
        #: None until known: does the store write TSV by the W3C note?
        self._tsv: bool | None = None
        self._server = ""
        self._virtuoso = False
        self._error: str | None = None
        self._reachable = False
        #: Times the live edition changed while served.
        self.switches = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> SparqlBackend:
        assert settings.sparql_endpoint is not None  # the settings check it
        return cls(
            settings.sparql_endpoint,
            base_iri=settings.base_iri,
            poll=settings.version_poll_seconds,
            store=settings.store,
        )

    @property
    def version(self) -> str | None:
        """The live edition's version, as last read from the store's pointer."""
        return self._edition.version if self._edition is not None else None

    def dumps(self) -> Path | None:
        """The local build's dumps of the live edition, when this machine has that version.

        The dumps are written by ``icgraph build`` and deployed beside each replica (the
        store folder's ``store.d/<version>/dumps``); a download is only of the edition the
        store serves, never of another.
        """
        live = self.version
        if live is None or self.store is None:
            return None
        for version in versions.published(self.store):
            if version.id == live and version.dumps.is_dir():
                return version.dumps
        return None

    # --- life cycle --------------------------------------------------------------------------

    async def start(self) -> None:
        # No timeout on the client: every call runs under its own deadline.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(None),
            transport=self._transport,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            headers={"User-Agent": "icgraph facade"},
        )
        # A store that is down at start-up is reported by /health, not fatal: it may come up.
        with contextlib.suppress(BackendUnavailable, QueryTimeout):
            await self.probe()
        self._poller = asyncio.get_running_loop().create_task(self._poll())

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _poll(self) -> None:
        """Read the pointer every ``poll`` seconds, so a new edition is followed (and keys
        the cache and the ETags) without a request having to ask."""
        while True:
            await asyncio.sleep(self.poll)
            try:
                async with asyncio.timeout(max(PROBE_TIMEOUT, self.poll)):
                    await self._read_edition()
            except (BackendUnavailable, TimeoutError):
                pass  # _down() noted why; /health reports it
            except Exception as error:  # keep following: one bad answer is not the end
                log.warning("cannot read the remote store's pointer: %s", error)

    def health(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "ok": self._reachable and self._client is not None,
            "endpoint": self.endpoint,
            "store": self._server or None,
            "version": self.version,
            "graphs": len(self._edition.graphs) if self._edition else None,
            "switches": self.switches,
        }
        if self._error:
            report["error"] = self._error
        return report

    async def probe(self) -> None:
        """Ask the store a trivial query now (for /health); raise if it cannot answer."""
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                await self._read_edition()
                if self._tsv is None:
                    self._tsv = await self._writes_tsv()
        except TimeoutError:
            self._down(f"no answer within {PROBE_TIMEOUT:g} s")
            raise BackendUnavailable(f"store unavailable: {self._error}") from None

    # --- queries -----------------------------------------------------------------------------

    async def query(self, request: QueryRequest) -> QueryResult:
        try:
            async with asyncio.timeout(request.timeout):
                if not self._edition_read:
                    await self._read_edition()
                live = self._edition
                if self._tsv is None:
                    self._tsv = await self._writes_tsv()
                extra: tuple[tuple[str, str], ...] = ()
                if self._virtuoso:
                    # Virtuoso's own limit, in milliseconds; it answers with partial results
                    # and X-SQL-State S1TAT when it passes, which is a timeout here.
                    extra = (("timeout", str(max(1, int(request.timeout * 1000)))),)
                prepared = prepare(request, live, extra, nest_bindings=self._virtuoso)
                return await self._run(prepared, request)
        except TimeoutError:
            raise QueryTimeout(
                f"query timed out after {request.timeout:g} s and was stopped"
            ) from None

    def _accept(self, kind: Kind) -> str:
        if kind is Kind.GRAPH:
            return f"{NTRIPLES}, text/turtle;q=0.5"
        if kind is Kind.SOLUTIONS and self._tsv:
            return TSV
        return f"{JSON}, application/sparql-results+xml;q=0.5"

    async def _run(self, prepared: Prepared, request: QueryRequest) -> Answer:
        query = request.query
        fmt = query.formats.for_kind(prepared.kind)
        assert fmt is not None
        cap = query.max_results
        client = self._client_or_fail()
        headers = {"Accept": self._accept(prepared.kind), "Content-Type": FORM}
        form = urlencode(prepared.params).encode("ascii")
        try:
            async with client.stream(
                "POST", self.endpoint, content=form, headers=headers
            ) as response:
                if response.status_code != 200:
                    body = await _read_some(response, 64 * 1024)
                    self._answered(response)
                    raise self._error_for(response.status_code, body, prepared)
                self._answered(response)
                if response.headers.get("x-sql-state") == "S1TAT":
                    raise QueryTimeout(
                        f"query timed out after {request.timeout:g} s and was stopped "
                        "(the store returned a partial answer)"
                    )
                media = _media_type(response)
                line_based = (prepared.kind is Kind.SOLUTIONS and media == TSV) or (
                    prepared.kind is Kind.GRAPH and media in (NTRIPLES, "text/plain")
                )
                if line_based and cap is not None:
                    lines = cap + 1 if prepared.kind is Kind.SOLUTIONS else cap
                    data, truncated = await _read_lines(response, lines)
                else:
                    data, truncated = await _read_all(response)
        except (httpx.TransportError, OSError) as error:
            self._down(f"{type(error).__name__}: {error}".rstrip(": "))
            raise BackendUnavailable(f"store unavailable: {self._error}") from None
        return self._answer(prepared.kind, media, data, truncated, fmt, cap, line_based)

    def _answer(
        self,
        kind: Kind,
        media: str,
        data: bytes,
        truncated: bool,
        fmt: Any,
        cap: int | None,
        line_based: bool,
    ) -> Answer:
        try:
            if kind is Kind.GRAPH:
                if line_based:
                    return from_ntriples(data, fmt, truncated)
                rdf = _RDF_TYPES.get(media)
                if rdf is None:
                    raise EvaluationError(f"the store answered a graph as {media!r}")
                triples: list[ox.Triple] = []
                for triple in ox.parse(data, format=rdf):
                    if cap is not None and len(triples) >= cap:
                        truncated = True
                        break
                    triples.append(triple)
                nt = cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
                return from_ntriples(nt, fmt, truncated)
            results = _RESULT_TYPES.get(media)
            if results is None:
                raise EvaluationError(f"the store answered a query as {media!r}")
            if kind is Kind.SOLUTIONS and media == TSV:
                return from_tsv(data, fmt, truncated)
            parsed = ox.parse_query_results(data, format=results)
            if kind is Kind.BOOLEAN:
                return _boolean(parsed, fmt)
            if isinstance(parsed, ox.QueryBoolean):
                raise EvaluationError("the store answered a SELECT query with a boolean")
            tsv, cut = solutions_to_tsv(parsed, cap)
            return from_tsv(tsv, fmt, truncated or cut)
        except SyntaxError as error:
            raise EvaluationError(f"the store's answer does not parse: {error}") from None

    def _error_for(self, status: int, body: bytes, prepared: Prepared) -> Exception:
        message = _message(body)
        if status in (400, 422):
            if self._virtuoso and ("SR171" in message or "S1T00" in message):
                return QueryTimeout(f"the store stopped the query: {message}")
            virtuoso = _VIRTUOSO_LINE.search(message)
            if virtuoso is not None:
                line = max(1, int(virtuoso[1]) - prepared.shift)
                message = message[virtuoso.end() :]
                return QuerySyntaxError(f"the store refused the query: {message}", line=line)
            match = _POSITION.search(message)
            if match is not None:
                line = int(match[1]) - prepared.shift
                message = message[match.end() :].lstrip(": ")
                return QuerySyntaxError(f"the store refused the query: {message}", line=line)
            return QuerySyntaxError(f"the store refused the query: {message}")
        if status in (401, 403, 407):
            self._down(f"the store refused the facade (HTTP {status}): {message}")
            return BackendUnavailable(f"store unavailable: {self._error}")
        if status in (408, 504) or "timeout" in message.lower() or "S1T00" in message:
            return QueryTimeout(f"the store stopped the query: {message}")
        if status >= 500 and status != 500:
            self._down(f"HTTP {status}: {message}")
            return BackendUnavailable(f"store unavailable: {self._error}")
        return EvaluationError(f"the store could not evaluate the query (HTTP {status}): {message}")

    # --- talking to the store ----------------------------------------------------------------

    def _client_or_fail(self) -> httpx.AsyncClient:
        if self._client is None:
            raise BackendUnavailable("store unavailable: the backend is not started")
        return self._client

    def _answered(self, response: httpx.Response) -> None:
        self._reachable = True
        self._error = None
        server = response.headers.get("server", "")
        if server:
            self._server = server
            self._virtuoso = server.lower().startswith("virtuoso")

    def _down(self, why: str) -> None:
        self._reachable = False
        self._error = why

    async def _select(self, text: str) -> list[dict[str, str]]:
        """A small SELECT of the facade's own, as plain rows (no dataset, no cap)."""
        client = self._client_or_fail()
        try:
            response = await client.post(
                self.endpoint, data={"query": text}, headers={"Accept": JSON}
            )
        except (httpx.TransportError, OSError) as error:
            self._down(f"{type(error).__name__}: {error}".rstrip(": "))
            raise BackendUnavailable(f"store unavailable: {self._error}") from None
        if response.status_code != 200:
            self._down(f"HTTP {response.status_code}: {_message(response.content)}")
            raise BackendUnavailable(
                f"store unavailable: HTTP {response.status_code} for the facade's own query: "
                f"{_message(response.content)}"
            )
        self._answered(response)
        media = _media_type(response)
        parsed = ox.parse_query_results(
            response.content, format=_RESULT_TYPES.get(media, ox.QueryResultsFormat.JSON)
        )
        assert isinstance(parsed, ox.QuerySolutions)
        names = [v.value for v in parsed.variables]
        return [
            {n: cast(ox.NamedNode, s[n]).value for n in names if s[n] is not None} for s in parsed
        ]

    async def _read_edition(self) -> None:
        rows = await self._select(pointer_query(self.base_iri))
        edition = edition_from_rows(rows)
        if edition != self._edition:
            log.info("remote store edition: %s", edition.version if edition else "none")
            if self._edition is not None:
                self.switches += 1
        self._edition = edition
        self._edition_read = True

    async def _writes_tsv(self) -> bool:
        """True when the store writes TSV by the W3C note (``?x`` header, N-Triples terms)."""
        client = self._client_or_fail()
        try:
            response = await client.post(
                self.endpoint,
                data={"query": 'SELECT ?x WHERE { BIND ("a" AS ?x) }'},
                headers={"Accept": TSV},
            )
        except (httpx.TransportError, OSError) as error:
            self._down(f"{type(error).__name__}: {error}".rstrip(": "))
            raise BackendUnavailable(f"store unavailable: {self._error}") from None
        self._answered(response)
        return (
            response.status_code == 200
            and _media_type(response) == TSV
            and response.content.replace(b"\r", b"") == b'?x\n"a"\n'
        )


async def _read_some(response: httpx.Response, limit: int) -> bytes:
    out = bytearray()
    async for chunk in response.aiter_bytes():
        out += chunk
        if len(out) >= limit:
            break
    return bytes(out)


async def _read_lines(response: httpx.Response, lines: int) -> tuple[bytes, bool]:
    """At most ``lines`` lines of the answer; stops the download once there are more."""
    writer = LineCapWriter(lines)
    size = 0
    with contextlib.suppress(CapReached):
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            writer.write(chunk)
            if size > MAX_ANSWER_BYTES:
                raise EvaluationError(
                    f"the store's answer passed {MAX_ANSWER_BYTES} bytes; add LIMIT to the query"
                )
    return writer.value()


async def _read_all(response: httpx.Response) -> tuple[bytes, bool]:
    """The whole answer, or its first MAX_ANSWER_BYTES (then marked truncated)."""
    out = bytearray()
    async for chunk in response.aiter_bytes():
        out += chunk
        if len(out) > MAX_ANSWER_BYTES:
            return bytes(out[:MAX_ANSWER_BYTES]), True
    return bytes(out), False
