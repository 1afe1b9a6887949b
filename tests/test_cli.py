"""The command line: exit codes, output formats, and one-line errors for bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from icgraph.cli import main
from icgraph.config import get_settings

from .paths import ROOT


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the project's sources, with settings pointing at it."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.setenv("ICGRAPH_ROOT", str(tmp_path))
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(tmp_path / "var" / "store"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def built_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture()
def built_project(built_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ICGRAPH_ROOT", str(built_root))
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(built_root / "var" / "store"))
    get_settings.cache_clear()
    if not (built_root / "var" / "store").exists():
        result = CliRunner().invoke(main, ["build"])
        assert result.exit_code == 0, result.output
    yield built_root
    get_settings.cache_clear()


def run(*args: str, stdin: str | None = None):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(main, list(args), input=stdin)


def assert_one_line_error(result, *fragments: str) -> None:  # noqa: ANN001
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr  # progress lines may precede it
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_build_reports_each_step_and_publishes(built_project: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    # One line per step, in the build's order: its name and its seconds.
    steps = [
        line.split("  ")[0].removeprefix("✓ ")
        for line in result.stderr.splitlines()
        if line.startswith("✓ ")
    ]
    assert steps == [
        "parse sources",
        "union graph",
        "reason",
        "validate (SHACL)",
        "describe and convert",
        "load store",
        "write dumps",
    ]
    assert (built_project / "var" / "store" / "CURRENT").exists()


def test_query_from_the_catalogue_as_json(built_project: Path) -> None:
    result = run("query", "cq01-responding-states", "--format", "json")
    assert result.exit_code == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert len(bindings) == 32


def test_query_with_a_parameter(built_project: Path) -> None:
    result = run("query", "cq10-practice-provenance", "--param", "state=IT", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2  # header and Italy's one practice (2.2, local impetus)
    assert "Intercultural Cities network" in lines[1]


def test_query_from_stdin_construct_as_turtle(built_project: Path) -> None:
    result = run(
        "query",
        "-",
        stdin="CONSTRUCT { id:state\\/ES rdfs:label ?l } WHERE { id:state\\/ES rdfs:label ?l }",
    )
    assert result.exit_code == 0, result.stderr
    assert '"Spain"@en' in result.stdout


def test_query_from_a_file_as_csv(built_project: Path, tmp_path: Path) -> None:
    path = tmp_path / "ask.rq"
    path.write_text("ASK { id:state\\/SE icg:respondedTo ?survey }")
    result = run("query", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["boolean"] is True


def test_sparql_syntax_error_names_line_and_column(built_project: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?s WHERE {\n  ?s ?p \n}\n")
    assert_one_line_error(run("query", str(path)), "broken.rq:3:", "expected")


def test_unknown_catalogue_name(built_project: Path) -> None:
    assert_one_line_error(
        run("query", "no-such-query"),
        "no catalogue query named 'no-such-query'",
        "cq01-responding-states",
    )


def test_format_that_does_not_suit_the_query(built_project: Path) -> None:
    assert_one_line_error(
        run("query", "cq01-responding-states", "--format", "turtle"), "does not suit a SELECT"
    )


def test_malformed_turtle_names_file_line_and_column(project: Path) -> None:
    broken = project / "data" / "states.ttl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[20] = "this is not turtle ."
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("build")
    assert_one_line_error(result, "states.ttl:21:")
    assert not (project / "var" / "store").exists()


def test_validate_exit_codes(project: Path) -> None:
    assert run("validate").exit_code == 0
    practices = project / "data" / "national-frameworks.ttl"
    text = practices.read_text(encoding="utf-8")
    practices.write_text(text.replace("icg:inSection id:section\\/2.1 ;", "", 1), encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1
    assert "practice must stand in exactly one report section" in result.stdout


def test_build_refuses_a_graph_that_violates_an_integrity_shape(project: Path) -> None:
    assert run("build").exit_code == 0
    store_before = (project / "var" / "store").resolve()
    practices = project / "data" / "national-frameworks.ttl"
    practices.write_text(
        practices.read_text(encoding="utf-8").replace("icg:ordinal 1 ;", 'icg:ordinal "one" ;', 1),
        encoding="utf-8",
    )
    result = run("build")
    assert result.exit_code == 2
    assert "practice needs one positive integer ordinal" in result.stderr
    assert "nothing was published" in result.stderr
    assert (project / "var" / "store").resolve() == store_before


def test_build_names_the_individual_of_an_inconsistency(project: Path) -> None:
    extra = project / "data" / "zz-clash.ttl"
    extra.write_text(
        "@prefix icg: <https://w3id.org/icgraph/ontology#> .\n"
        "<https://w3id.org/icgraph/id/instrument/al/law-96-2017> a icg:FundingStream .\n",
        encoding="utf-8",
    )
    assert_one_line_error(run("build"), "law-96-2017", "FundingStream", "Legislation")


def test_export_nquads_keeps_named_graphs(built_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "dump.nq"
    result = run("export", "--format", "nquads", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "<https://w3id.org/icgraph/graph/national-frameworks> ." in text
    assert "<https://w3id.org/icgraph/graph/inferred> ." in text
