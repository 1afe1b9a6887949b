"""Paths the tests read, in one place."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "icgraph.ttl"
SHAPES = ROOT / "shapes"
DATA = ROOT / "data"
QUERIES = ROOT / "queries"
REPORT = ROOT / "sources" / "cdadi-2021-5-review-report.md"
FIXTURES = Path(__file__).resolve().parent / "data"
SHAPES_FIXTURES = FIXTURES / "shapes"
