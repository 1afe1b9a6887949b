"""``icgraph assess``: the template, a scorecard on stdout or in a folder, and exit code 2 with
every problem of a bad sheet."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from icgraph.cli import main
from icgraph.config import get_settings

from ..paths import ROOT
from .conftest import HEADERS, SPAIN, UTOPIA


@pytest.fixture()
def env(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ICGRAPH_ROOT", str(ROOT))
    monkeypatch.setenv("ICGRAPH_STORE_PATH", str(store_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_writes_the_templates(env: None, tmp_path: Path) -> None:
    result = run("assess", "--template", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO((tmp_path / "t.xlsx").read_bytes()))
    assert [c.value for c in book["Self-assessment"][1]] == HEADERS
    assert run("assess", "--template", str(tmp_path / "t.csv")).exit_code == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[-1] == ",".join(HEADERS)
    refused = run("assess", "--template", str(tmp_path / "t.ods"))
    assert refused.exit_code == 2
    assert "the template is written as .csv or .xlsx" in refused.stderr


def test_scores_a_fictitious_state(env: None) -> None:
    result = run("assess", str(UTOPIA))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Utopia: 7 rows"
    assert lines[3].split() == ["strategies", "or", "plans", "under", "development", "rows", "5"]
    assert lines[4].split() == ["funding", "streams", "missing"]
    assert lines[5] == (
        "  recommendations: evidenced 3, 6, 8, 9; no evidence 4, 5; not checked 1, 2, 7"
    )
    assert "  funding streams (missing) takes a row of kind 'funding stream'" in lines


def test_spain_beside_its_published_scorecard_into_a_folder(env: None, tmp_path: Path) -> None:
    result = run("assess", str(SPAIN), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "  the same scorecard as the report gives Spain"
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["assessment.ttl", "scorecard.csv", "scorecard.html", "scorecard.json"]
    data = json.loads((tmp_path / "out" / "scorecard.json").read_text(encoding="utf-8"))
    assert data["published"]["differences"] == []
    assert data["published"]["recommendations_evidenced"] == [4]
    html = (tmp_path / "out" / "scorecard.html").read_text(encoding="utf-8")
    assert 'data-element="institutions" data-status="present" data-published="present"' in html


def test_a_bad_sheet_exits_2_with_every_problem(env: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,governance level\nAct,law,national\nPlan,strategy or plan,federal\n")
    result = run("assess", str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("sheet 'bad.csv', row 2, column 'kind': 'law' is not one of:")
    assert lines[1] == (
        "sheet 'bad.csv', row 3, column 'governance level': 'federal' is not one of: "
        "international, European, national, regional, local"
    )
    assert lines[2] == "error: 2 problem(s) in " + str(bad) + "; nothing was assessed"


def test_refuses_macro_workbooks_and_wrong_arguments(env: None, tmp_path: Path) -> None:
    macro = tmp_path / "sheet.xlsm"
    macro.write_bytes(b"PK\x03\x04")
    result = run("assess", str(macro))
    assert result.exit_code == 2
    assert "macro-enabled workbooks are refused" in result.stderr
    neither = run("assess")
    assert neither.exit_code == 2
    assert "give a sheet to assess, or --template FILE" in neither.stderr
    missing = run("assess", str(tmp_path / "nothing.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
