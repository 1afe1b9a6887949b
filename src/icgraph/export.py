"""Exporting the published store as a dump file, in the one order every dump uses.

A dump holds its statements sorted by their N-Quads (N-Triples) text, so the same graph gives
the same bytes whatever order the store was filled in, and a version's id, the hash of its
N-Quads dump, names its content (:mod:`icgraph.versions`). The triple formats hold the union
of the named graphs, each triple once, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from . import store
from .formats import Kind, find, formats_for

#: The formats an export can be written in: the dataset formats keep the named graphs, the
#: graph formats hold their union.
EXPORT_FORMATS = [f.name for kind in (Kind.DATASET, Kind.GRAPH) for f in formats_for(kind)]


def ordered(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads in dump order: sorted by their N-Quads text."""
    return sorted(quads, key=str)


def union(quads: Sequence[ox.Quad]) -> list[ox.Triple]:
    """The triples of the named graphs of ``ordered`` quads, each once, in the quads' order.

    A quad's text is its triple's text and `` <graph>``, so sorted quads are sorted triples,
    each triple's copies in several graphs side by side: the union is the sorted triples.
    """
    return list(
        dict.fromkeys(q.triple for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
    )


def native_format(fmt: str) -> tuple[ox.RdfFormat, bool]:
    """The pyoxigraph format of an export format name, and whether it keeps the named graphs
    (the project's dataset formats; pyoxigraph can also write JSON-LD with named graphs, but
    here JSON-LD is a graph format and holds the union). ValueError for an unknown name."""
    dataset = find(Kind.DATASET, fmt)
    chosen = dataset or find(Kind.GRAPH, fmt)
    if chosen is None:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return cast(ox.RdfFormat, chosen.native), dataset is not None


def export_store(path: Path, fmt: str) -> bytes:
    """The whole published graph in ``fmt``; triple formats hold the union without duplicates."""
    native, keeps_graphs = native_format(fmt)
    quads = ordered(store.open_read_only(path))
    statements = quads if keeps_graphs else union(quads)
    # Without an output, serialize returns the bytes (its stub says bytes | None).
    return cast(bytes, ox.serialize(statements, format=native))
