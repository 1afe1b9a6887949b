"""Exporting the published store as a dump file."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pyoxigraph as ox

from . import store

#: Formats that keep named graphs, and those that flatten the dataset to its union.
DATASET_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def export_store(path: Path, fmt: str) -> bytes:
    """The whole published graph in ``fmt``; triple formats hold the union without duplicates."""
    opened = store.open_read_only(path)
    if fmt in DATASET_FORMATS:
        quads = sorted(opened.quads_for_pattern(None, None, None, None), key=str)
        # Without an output, serialize returns the bytes (its stub says bytes | None).
        return cast(bytes, ox.serialize(quads, format=DATASET_FORMATS[fmt]))
    if fmt in GRAPH_FORMATS:
        # A CONSTRUCT query always answers with triples.
        triples = cast(
            ox.QueryTriples,
            opened.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"),
        )
        ordered = sorted(triples, key=str)
        return cast(bytes, ox.serialize(ordered, format=GRAPH_FORMATS[fmt]))
    raise ValueError(f"unknown export format {fmt!r}")
