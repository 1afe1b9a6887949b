"""The ``icgraph`` command line.

Exit codes: 0 success (``validate``: the graph conforms), 1 ``validate``: the graph does not
conform, 2 an error the user can act on (bad input, unknown name, refused build), reported in
one line without a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from .config import Settings, get_settings
from .errors import BuildRefused, IcgraphError, InputError

if TYPE_CHECKING:
    from .catalogue import CatalogueQuery
    from .reason import Engine

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, highlight=False)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    sys.exit(code)


def handles_errors(func: F) -> F:
    """Turn the project's own errors into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BuildRefused as exc:
            if exc.report:
                err.print(exc.report, markup=False, highlight=False)
            _fail(str(exc))
        except IcgraphError as exc:
            _fail(str(exc))
        except FileNotFoundError as exc:
            _fail(str(exc))

    return wrapper  # type: ignore[return-value]


def output_folder(default: str | None, what: str) -> Callable[[F], F]:
    """The ``-o/--output`` option of commands that write a folder of files (None: optional)."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default) if default is not None else None,
        show_default=default is not None,
        help=f"Folder to write {what} to.",
    )


def _progress(name: str, seconds: float) -> None:
    err.print(f"[green]✓[/] {name:<20} {seconds:6.2f} s")


@click.group()
@click.version_option(package_name="icgraph")
def main() -> None:
    """Build, query, validate and serve the icgraph knowledge graph."""


@main.command()
@click.option(
    "--reasoner",
    type=click.Choice(["auto", "rules", "hermit"]),
    default="auto",
    show_default=True,
    help="OWL reasoner: the RL rules (HermiT where they do not cover the graph), or one of them.",
)
@handles_errors
def build(reasoner: Engine) -> None:
    """Parse, reason, validate and publish the on-disk store."""
    from .build import build as run_build

    settings = get_settings()
    result = run_build(settings, progress=_progress, reasoner=reasoner)
    total = sum(result.timings.values())
    err.print(
        f"published {result.total_triples} triples in {len(result.graph_sizes)} graphs "
        f"to {settings.store} in {total:.2f} s"
    )


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "turtle"]), default="text", show_default=True
)
@handles_errors
def validate(fmt: str) -> None:
    """Validate the sources with the SHACL shapes (exit 0 conforms, 1 does not, 2 error)."""
    from .build import check
    from .load import read_sources

    settings = get_settings()
    sources = read_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    _, result = check(sources, {}, _progress)
    if fmt == "turtle":
        click.echo(result.report.serialize(format="turtle"))
    else:
        click.echo(result.text)
    counts = ", ".join(f"{n} {k.lower()}" for k, n in result.counts.items())
    err.print(f"{'conforms' if result.conforms else 'does not conform'}: {counts}")
    sys.exit(0 if result.conforms else 1)


def _read_query(spec: str, settings: Settings) -> tuple[str, str, CatalogueQuery | None]:
    """A query from a file, stdin ('-') or the catalogue; returns (text, where, entry)."""
    from .catalogue import get_query

    if spec == "-":
        return sys.stdin.read(), "<stdin>", None
    path = Path(spec)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise InputError("no such query file", source=path)
        return path.read_text(encoding="utf-8"), str(path), None
    entry = get_query(settings.queries_dir, spec)
    return entry.text, str(entry.path), entry


@main.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    default=None,
    help="json, xml, csv or tsv for SELECT/ASK (default csv); turtle, ntriples, jsonld or "
    "rdfxml for graphs (default turtle); or a media type.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a catalogue query's declared parameter, e.g. --param state=ES.",
)
@click.option(
    "--default-graph",
    "default_graphs",
    multiple=True,
    metavar="IRI",
    help="A graph of the default graph, as the protocol's default-graph-uri (repeatable).",
)
@click.option(
    "--named-graph",
    "named_graphs",
    multiple=True,
    metavar="IRI",
    help="A named graph of the dataset, as the protocol's named-graph-uri (repeatable).",
)
@handles_errors
def query(
    query: str,
    fmt: str | None,
    params: tuple[str, ...],
    default_graphs: tuple[str, ...],
    named_graphs: tuple[str, ...],
) -> None:
    """Run QUERY: a .rq file, '-' for stdin, or a catalogue name (see 'icgraph catalogue')."""
    from . import store
    from .errors import UnacceptableFormat
    from .formats import BY_NAME, Choice, Kind, names_for
    from .query import request_for, run

    settings = get_settings()
    text, where, entry = _read_query(query, settings)
    given = []
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"--param wants NAME=VALUE, got {item!r}")
        given.append((name, value))
    if given and entry is None:
        raise InputError("--param binds a catalogue query's declared parameters; name one")
    bindings = entry.bindings(given) if entry is not None else {}
    if fmt is None:
        formats = Choice(BY_NAME["csv"], BY_NAME["csv"], BY_NAME["turtle"])
    else:
        formats = Choice.named(fmt)
        if not any((formats.solutions, formats.graph)):
            known = ", ".join(names_for(Kind.SOLUTIONS) + names_for(Kind.GRAPH))
            raise InputError(f"unknown format {fmt!r}; use one of {known}")
    request = request_for(
        text,
        base_iri=settings.base_iri,
        bindings=bindings,
        formats=formats,
        default_graphs=default_graphs or None,
        named_graphs=named_graphs or None,
    )
    try:
        answer = run(store.open_read_only(settings.store), request, source=where)
    except UnacceptableFormat as error:
        form = "a SELECT or ASK" if error.kind in (Kind.SOLUTIONS, Kind.BOOLEAN) else "a graph"
        raise InputError(
            f"format {fmt!r} does not suit {form} result; use one of "
            + ", ".join(names_for(error.kind))  # type: ignore[arg-type]
        ) from None
    sys.stdout.buffer.write(answer.body)
    sys.stdout.flush()


@main.command()
@handles_errors
def catalogue() -> None:
    """List the catalogue's queries."""
    from .catalogue import load_catalogue

    for entry in load_catalogue(get_settings().queries_dir).values():
        click.echo(f"{entry.name:<32} {entry.cq:<5} {entry.title}")
        for p in entry.parameters:
            click.echo(f"{'':<32} {'':<5}   --param {p.name}=...  {p.description}")


from .export import EXPORT_FORMATS  # noqa: E402 - pyoxigraph only, cheap


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="nquads", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write; standard output if omitted.",
)
@handles_errors
def export(fmt: str, output: Path | None) -> None:
    """Export the published graph (N-Quads and TriG keep the named graphs)."""
    from .export import export_store

    data = export_store(get_settings().store, fmt)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        err.print(f"wrote {len(data)} bytes to {output}")


@main.command()
@output_folder("reports", "the report files")
@handles_errors
def report(out_dir: Path) -> None:
    """Write the framework-completeness report: Turtle, JSON, CSV, HTML scorecard, heatmap."""
    from .report import write_report

    for path in write_report(get_settings(), out_dir):
        err.print(f"wrote {path}")


@main.command()
@output_folder("figures", "the figures")
@handles_errors
def figures(out_dir: Path) -> None:
    """Write the research figures (PNG and SVG) that the notebooks show."""
    from .figures import write_figures

    for path in write_figures(get_settings(), out_dir):
        err.print(f"wrote {path}")


@main.command()
@click.option(
    "--version", "version", default=None, help="Edition name (default: the store's version)."
)
@click.option("--force", is_flag=True, help="Publish even if this version is already live.")
@click.option(
    "--grace",
    type=float,
    default=None,
    help="Seconds to wait for the facades when an edition adds graphs (default 12).",
)
@handles_errors
def publish(version: str | None, force: bool, grace: float | None) -> None:
    """Load the built store into the remote store (ICGRAPH_SPARQL_*), edition-whole."""
    from .publish import DEFAULT_GRACE, Target
    from .publish import publish as run_publish

    settings = get_settings()
    target = Target.from_settings(settings)
    result = run_publish(
        settings.store,
        target,
        base_iri=settings.base_iri,
        version=version,
        force=force,
        grace=DEFAULT_GRACE if grace is None else grace,
        progress=_progress,
    )
    if not result.switched:
        err.print(f"edition {result.version} is already live at {target.query}; nothing to do")
        return
    err.print(
        f"published edition {result.version} ({result.triples} triples in "
        f"{len(result.graphs)} graphs) to {target.query}"
        + (f", replacing {result.previous}" if result.previous else "")
    )


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default from ICGRAPH_HOST).")
@click.option("--port", type=int, default=None, help="Port (default from ICGRAPH_PORT).")
@handles_errors
def serve(host: str | None, port: int | None) -> None:
    """Serve the graph over HTTP (SPARQL endpoint and linked data); builds the store if missing."""
    from . import store

    settings = get_settings()
    if settings.backend == "embedded" and not store.exists(settings.store):
        err.print(f"no store at {settings.store}; building it first")
        from .build import build as run_build

        run_build(settings, progress=_progress)
    from .api.server import serve as run_server

    run_server(
        settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    )


# --- icgraph assess: a state's self-assessment sheet (issue 14) ---------------------------------


def _assessment_summary(a: Any) -> list[str]:
    from .assess.scorecard import PRESENT

    lines = [
        f"{a.state.label}{f' ({a.state.code})' if a.state.code else ''}: {len(a.sheet.rows)} rows"
    ]
    for e in a.elements:
        rows = ", ".join(str(ev.row) for ev in e.evidence)
        lines.append(f"  {e.label:<42} {e.status:<18} {('rows ' + rows) if rows else ''}".rstrip())
    groups: dict[str, list[str]] = {"evidenced": [], "no evidence": [], "not checked": []}
    for r in a.recommendations:
        key = (
            "not checked" if r.evidenced is None else "evidenced" if r.evidenced else "no evidence"
        )
        groups[key].append(str(r.number))
    lines.append(
        "  recommendations: " + "; ".join(f"{k} {', '.join(v)}" for k, v in groups.items() if v)
    )
    for e in a.elements:
        if e.status != PRESENT and e.guidance is not None:
            kinds = " or ".join(f"'{k}'" for k in e.guidance.kinds)
            lines.append(f"  {e.label} ({e.status}) takes a row of kind {kinds}")
    if a.comparison is not None:
        differences = a.comparison.differences()
        if differences:
            lines.append(f"  beside the report's scorecard of {a.comparison.state.label}:")
            lines.extend(f"    {d}" for d in differences)
        else:
            lines.append(f"  the same scorecard as the report gives {a.comparison.state.label}")
    return lines


@main.command()
@click.argument("sheet", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--template",
    "template",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the empty template to this file (.csv or .xlsx) and stop.",
)
@click.option(
    "--state",
    default=None,
    help="The state the sheet is about (alpha-2 code or English name), if its 'state' column is empty.",
)
@output_folder(
    None, "the scorecard (HTML, JSON, CSV) and the sheet's RDF with its SHACL report (Turtle)"
)
@handles_errors
def assess(
    sheet: Path | None, template: Path | None, state: str | None, out_dir: Path | None
) -> None:
    """Score a state's framework from a spreadsheet (CSV or XLSX), or write the template.

    Exit 0 with a scorecard, 2 when the sheet has problems (each named by row and column).
    """
    from .assess import SheetErrors, assess_bytes
    from .assess.render import FILE_NAMES, render
    from .assess.scorecard import compare, published_scorecard, published_states
    from .assess.template import csv_template, xlsx_template
    from .assess.vocabulary import load_vocabulary

    settings = get_settings()
    if (sheet is None) == (template is None):
        raise InputError("give a sheet to assess, or --template FILE to write the empty template")
    if template is not None:
        writers = {".csv": csv_template, ".xlsx": xlsx_template}
        writer = writers.get(template.suffix.lower())
        if writer is None:
            raise InputError("the template is written as .csv or .xlsx", source=template)
        template.write_bytes(writer(load_vocabulary(settings)))
        err.print(f"wrote {template}")
        return
    assert sheet is not None
    if sheet.suffix.lower() in (".xlsm", ".xltm"):
        raise InputError("macro-enabled workbooks are refused; save it as .xlsx", source=sheet)
    if not sheet.is_file():
        raise InputError("no such file", source=sheet)
    try:
        found = assess_bytes(sheet.read_bytes(), settings, source=sheet.name, state=state)
    except SheetErrors as problems:
        for line in problems.lines():
            err.print(line, markup=False, highlight=False, soft_wrap=True)
        _fail(f"{len(problems.problems)} problem(s) in {sheet}; nothing was assessed")
    if found.state.responding:
        published = published_states(published_scorecard(settings)).get(found.state.code)
        if published is not None:
            found.comparison = compare(found, published)
    for line in _assessment_summary(found):
        click.echo(line)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for fmt, name in FILE_NAMES.items():
            path = out_dir / name
            path.write_bytes(render(found, fmt))
            err.print(f"wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
