"""Exporting the published store as a dump file."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pyoxigraph as ox

from . import store
from .formats import Kind, find, formats_for

#: The formats an export can be written in: the dataset formats keep the named graphs, the
#: graph formats hold their union.
EXPORT_FORMATS = [f.name for kind in (Kind.DATASET, Kind.GRAPH) for f in formats_for(kind)]


def export_store(path: Path, fmt: str) -> bytes:
    """The whole published graph in ``fmt``; triple formats hold the union without duplicates."""
    chosen = find(Kind.DATASET, fmt) or find(Kind.GRAPH, fmt)
    if chosen is None:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    native = cast(ox.RdfFormat, chosen.native)
    opened = store.open_read_only(path)
    if native.supports_datasets:
        quads = sorted(opened.quads_for_pattern(None, None, None, None), key=str)
        # Without an output, serialize returns the bytes (its stub says bytes | None).
        return cast(bytes, ox.serialize(quads, format=native))
    # A CONSTRUCT query always answers with triples.
    triples = cast(
        ox.QueryTriples, opened.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    )
    return cast(bytes, ox.serialize(sorted(triples, key=str), format=native))
