"""Every notebook runs top to bottom in a fresh kernel, on the session's store, and is kept stripped.

The notebooks assert answers from the report in their own cells (32 states, Andorra with
institutions only, 4/6/1 practices per impetus channel, ...), so running them checks those
answers; a failing assertion fails the test with the cell's traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .paths import ROOT

NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = {
    "01-getting-started.ipynb",
    "02-framework-completeness.ipynb",
    "03-multilevel-engagement.ipynb",
    "04-policy-fields-and-groups.ipynb",
}
#: How many figures each notebook shows at least.
FIGURES_SHOWN = {
    "02-framework-completeness.ipynb": 2,
    "03-multilevel-engagement.ipynb": 2,
    "04-policy-fields-and-groups.ipynb": 1,
}
CELL_TIMEOUT = 600  # seconds; a notebook takes a few seconds, building a store about a minute

# Appended to each notebook before it runs: which interpreter and store the kernel used.
PROBE = """\
import json, os, sys
print(json.dumps({"prefix": sys.prefix, "cwd": os.getcwd(), "store": os.environ.get("ICGRAPH_STORE_PATH")}))"""


def test_the_notebooks_are_there() -> None:
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"
    assert {p.name for p in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_are_stripped(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, f"{path.name} has no code"
    for cell in code:
        assert cell.execution_count is None, f"{path.name}: a cell keeps its execution count"
        assert cell.outputs == [], f"{path.name}: a cell keeps its outputs"
        assert "execution" not in cell.metadata, f"{path.name}: a cell keeps execution timestamps"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.fixture()
def kernel_environment(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kernel inherits the environment: point it at the store the session built."""
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(store_path))
    monkeypatch.setenv("ICGRAPH_ROOT", str(ROOT))
    return store_path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, kernel_environment: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]

    probe = json.loads(code[-1].outputs[0].text)
    assert probe["prefix"] == sys.prefix, "the kernel is not this environment's interpreter"
    assert Path(probe["cwd"]) == NOTEBOOK_DIR
    assert probe["store"] == str(kernel_environment)

    # A cell ending in a figure call shows a picture, not "<Figure size ...>".
    drawing = [cell for cell in code if cell.source.strip().splitlines()[-1].startswith("figures.")]
    assert len(drawing) >= FIGURES_SHOWN.get(path.name, 0)
    for cell in drawing:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
