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
from typing import Any, TypeVar

import click
from rich.console import Console

from .config import Settings, get_settings
from .errors import BuildRefused, IcgraphError, InputError

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


def output_folder(default: str, what: str) -> Callable[[F], F]:
    """The ``-o/--output`` option of commands that write a folder of files."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=f"Folder to write {what} to.",
    )


def _progress(name: str, seconds: float) -> None:
    err.print(f"[green]✓[/] {name:<20} {seconds:6.2f} s")


@click.group()
@click.version_option(package_name="icgraph")
def main() -> None:
    """Build, query, validate and serve the icgraph knowledge graph."""


@main.command()
@handles_errors
def build() -> None:
    """Parse, reason, validate and publish the on-disk store."""
    from .build import build as run_build

    settings = get_settings()
    result = run_build(settings, progress=_progress)
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


def _read_query(spec: str, settings: Settings) -> tuple[str, str]:
    """A query from a file, stdin ('-') or the catalogue; returns (text, where)."""
    from .catalogue import get_query

    if spec == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(spec)
    if path.suffix == ".rq" or path.exists():
        if not path.is_file():
            raise InputError("no such query file", source=path)
        return path.read_text(encoding="utf-8"), str(path)
    entry = get_query(settings.queries_dir, spec)
    return entry.text, str(entry.path)


@main.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    default=None,
    help="json, csv, tsv or xml for SELECT/ASK; turtle, ntriples, jsonld or rdfxml for graphs.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a catalogue query's parameter, e.g. --param state=ES.",
)
@handles_errors
def query(query: str, fmt: str | None, params: tuple[str, ...]) -> None:
    """Run QUERY: a .rq file, '-' for stdin, or a catalogue name (see 'icgraph catalogue')."""
    import pyoxigraph as ox

    from . import store
    from .query import execute, serialise

    settings = get_settings()
    text, where = _read_query(query, settings)
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"--param wants NAME=VALUE, got {item!r}")
        bindings[name] = (
            ox.NamedNode(value) if value.startswith(("http://", "https://")) else ox.Literal(value)
        )
    result = execute(store.open_read_only(settings.store), text, source=where, values=bindings)
    if fmt is None:
        fmt = "turtle" if isinstance(result, ox.QueryTriples) else "csv"
    answer = serialise(result, fmt)
    sys.stdout.buffer.write(answer.body)
    sys.stdout.flush()


@main.command()
@handles_errors
def catalogue() -> None:
    """List the catalogue's queries."""
    from .catalogue import load_catalogue

    for entry in load_catalogue(get_settings().queries_dir).values():
        click.echo(f"{entry.name:<32} {entry.cq:<5} {entry.title}")


EXPORT_FORMATS = {
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "turtle": "TURTLE",
    "ntriples": "N_TRIPLES",
    "jsonld": "JSON_LD",
}


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="nquads", show_default=True
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
@click.option("--host", default=None, help="Interface to listen on (default from ICGRAPH_HOST).")
@click.option("--port", type=int, default=None, help="Port (default from ICGRAPH_PORT).")
@handles_errors
def serve(host: str | None, port: int | None) -> None:
    """Serve the graph over HTTP (SPARQL endpoint and linked data); builds the store if missing."""
    import uvicorn

    from . import store

    settings = get_settings()
    if not store.exists(settings.store):
        err.print(f"no store at {settings.store}; building it first")
        from .build import build as run_build

        run_build(settings, progress=_progress)
    # The app lives in the api package, which imports icgraph; icgraph names it only by string.
    # The factory reads the same ICGRAPH_* settings; host and port matter only to uvicorn.
    uvicorn.run(
        "icgraph.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )


if __name__ == "__main__":  # pragma: no cover
    main()
