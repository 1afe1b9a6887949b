"""``icgraph figures`` and the tables it draws from (``icgraph.frames``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from icgraph import figures, frames
from icgraph.build import BuildResult
from icgraph.cli import main
from icgraph.config import Settings, get_settings
from icgraph.errors import InputError

from .paths import ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: The file names the README documents.
EXPECTED_FILES = sorted(
    f"{stem}.{fmt}"
    for stem in (
        "framework-completeness",
        "recommendation-gaps",
        "impetus-channels",
        "multilevel-network",
        "instruments-matrix",
    )
    for fmt in ("png", "svg")
)


@pytest.fixture(scope="module")
def written(
    built: BuildResult, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    return figures.write_figures(settings, tmp_path_factory.mktemp("figures"))


def test_write_figures_writes_every_documented_file(written: list[Path]) -> None:
    out_dir = written[0].parent
    on_disk = sorted(p.name for p in out_dir.glob("*.*"))
    assert on_disk, f"no figures in {out_dir}"
    assert on_disk == EXPECTED_FILES
    assert [p.name for p in written] == [
        f"{s}.{f}" for s in figures.FIGURE_NAMES for f in figures.FORMATS
    ]


def test_pngs_are_pngs(written: list[Path]) -> None:
    pngs = [p for p in written if p.suffix == ".png"]
    assert pngs
    for path in pngs:
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC), path.name
        assert len(data) > 5_000, path.name


def test_svgs_are_svg_without_a_date(written: list[Path]) -> None:
    svgs = [p for p in written if p.suffix == ".svg"]
    assert svgs
    for path in svgs:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path.name
        assert b"<dc:date>" not in path.read_bytes(), path.name


@pytest.fixture()
def cli_environment(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(store_path))
    monkeypatch.setenv("ICGRAPH_ROOT", str(ROOT))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_writes_the_same_bytes(
    cli_environment: None, written: list[Path], tmp_path: Path
) -> None:
    """The command and the library agree, and two drawings of the same graph are identical."""
    result = CliRunner().invoke(main, ["figures", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    produced = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert produced == EXPECTED_FILES
    for path in written:
        assert (tmp_path / "out" / path.name).read_bytes() == path.read_bytes(), path.name


def test_unknown_format_is_refused() -> None:
    figure = figures.impetus_channels(
        pd.DataFrame({"channel": ["c"], "direction": ["top-down"], "stateName": ["Spain"]})
    )
    with pytest.raises(ValueError, match="unknown figure format"):
        figures.to_bytes(figure, "gif")


# --- The multilevel graph ------------------------------------------------------------------------


def _actors(rows: list[tuple[str, str, str, str, str, int]]) -> pd.DataFrame:
    """(practice, state, channel, direction, actor, level ordinal) rows in the frames' shape."""
    levels = {2: "national", 3: "regional", 4: "local"}
    return pd.DataFrame(
        [
            {
                "practice": p,
                "alpha2": s[:2].upper(),
                "stateName": s,
                "channel": c,
                "channelLabel": c,
                "direction": d,
                "actor": a,
                "actorLabel": a,
                "level": f"level/{levels[n]}",
                "levelLabel": levels[n],
                "levelOrdinal": n,
            }
            for p, s, c, d, a, n in rows
        ]
    )


def test_multilevel_graph_layers_and_edges() -> None:
    actors = _actors(
        [
            ("p1", "Spain", "national impetus", "top-down", "ministry", 2),
            ("p1", "Spain", "national impetus", "top-down", "cities", 4),
            ("p2", "Latvia", "partnership impetus", "bi-directional", "association", 3),
            ("p2", "Latvia", "partnership impetus", "bi-directional", "association", 4),
        ]
    )
    graph = figures.multilevel_graph(actors)
    layers = {node: data["layer"] for node, data in graph.nodes(data=True)}
    assert layers == {
        "national impetus": 0,
        "partnership impetus": 0,
        "p1": 1,
        "p2": 1,
        "ministry": 2,
        "cities": 2,
        "association": 2,
        "level/national": 3,
        "level/regional": 3,
        "level/local": 3,
    }
    assert set(graph.successors("association")) == {"level/regional", "level/local"}
    assert set(graph.successors("p1")) == {"ministry", "cities"}
    assert graph.nodes["p2"]["direction"] == "bi-directional"


# --- frames ---------------------------------------------------------------------------------------


def _facets(targets: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "instrument": i,
                "label": i,
                "kind": "tool",
                "alpha2": "XX",
                "facet": "group",
                "concept": f"group/{g}",
                "conceptLabel": g,
                "ordinal": 1,
            }
            for i, groups in targets.items()
            for g in groups
        ]
    )


def test_single_group_only_follows_its_definition() -> None:
    table = frames.single_group_only(
        _facets(
            {
                "a": ["roma"],
                "b": ["roma"],  # roma: single-group instruments only
                "c": ["migrants"],
                "d": ["migrants", "refugees"],  # migrants: one single, one multi
            }
        )
    ).set_index("group")
    assert table.loc["roma"].tolist()[1:] == [2, 2, 0, True]
    assert table.loc["migrants"].tolist()[1:] == [2, 1, 1, False]
    assert table.loc["refugees"].tolist()[1:] == [1, 0, 1, False]


def test_catalogue_frame_types_and_parameters(graph_store: ox.Store, settings: Settings) -> None:
    matrix = frames.catalogue_frame(
        "cq02-framework-matrix", store=graph_store, settings=settings, state="AD"
    )
    assert list(matrix.columns) == [
        "alpha2",
        "name",
        "element",
        "elementLabel",
        "evidenceCount",
        "present",
    ]
    assert matrix["present"].dtype == bool and matrix["evidenceCount"].dtype.kind == "i"
    present = matrix.set_index(matrix["element"].str.rsplit("/", n=1).str[-1])["present"]
    assert present.to_dict() == {
        "legislation": False,
        "institutions": True,
        "strategies": False,
        "funding": False,
    }


def test_catalogue_frame_refuses_an_unknown_parameter(
    graph_store: ox.Store, settings: Settings
) -> None:
    with pytest.raises(InputError, match="has no parameter .stat."):
        frames.catalogue_frame(
            "cq02-framework-matrix", store=graph_store, settings=settings, stat="AD"
        )


def test_instrument_facets_have_no_duplicates(graph_store: ox.Store, settings: Settings) -> None:
    facets = frames.instrument_facets(graph_store, settings)
    assert len(facets) > 0
    assert not facets.duplicated(["instrument", "facet", "concept"]).any()
