"""The on-disk pyoxigraph store: open it, and publish a new version of it atomically.

``<store>`` is a symbolic link to the served version's database (:mod:`icgraph.versions`): a
reader sees the old graph or the new one, never half of either, and a build that fails or
dies leaves the served store untouched. Each version carries the dumps made from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from . import versions


def exists(path: Path) -> bool:
    """True when a published store is at ``path``."""
    return path.exists() and (path / "CURRENT").exists()


def open_read_only(path: Path) -> ox.Store:
    """Open a published store for reading; many processes may do so at once."""
    if not exists(path):
        raise FileNotFoundError(f"no store at {path}; run 'icgraph build' first")
    return ox.Store.read_only(str(path.resolve()))


#: Times one step of a publication by name (``icgraph.build`` passes its own timer).
Step = Callable[[str], AbstractContextManager[object]]


def _untimed(_name: str) -> AbstractContextManager[object]:
    return nullcontext()


def publish(
    path: Path,
    fill: Callable[[ox.Store], None] | Sequence[ox.Quad],
    keep: int = 3,
    step: Step = _untimed,
) -> versions.Version:
    """Build a store with ``fill`` and its dumps in a fresh version, then swap it in at ``path``.

    ``fill`` fills a store, or is the store's quads themselves: distinct, and each literal in
    the form the store holds it (see :func:`icgraph.load.rewritten_literals`), so that the dumps
    written from them are the store's. Returns the new version. If ``fill`` raises, nothing is
    published and ``path`` still points where it did. ``step`` times the two steps,
    ``load store`` and ``write dumps``.
    """
    from .dumps import read_manifest, write_dumps, write_manifest

    def write(folder: Path) -> None:
        with step("load store"):
            # Filled in memory first: the dumps are read from there, which is many times
            # faster than reading the on-disk store back (every term a lookup in RocksDB), and
            # holds the quads exactly as the on-disk store does (one encoding for both).
            if callable(fill):
                memory = ox.Store()
                fill(memory)
                quads: Sequence[ox.Quad] = list(memory)
                del memory
            else:
                quads = fill
            disk = ox.Store(str(folder / versions.DB))
            disk.bulk_extend(quads)
            disk.flush()
            disk.optimize()
            del disk
        with step("write dumps"):
            write_dumps(quads, folder / versions.DUMPS)

    def name(folder: Path) -> str:
        # The N-Quads dump holds every quad in a fixed order: its hash names the content.
        manifest = read_manifest(folder / versions.DUMPS)
        assert manifest is not None
        quads = next(f for f in manifest.files if f.name.endswith(".nq"))
        version_id = versions.new_id(quads.sha256)
        write_manifest(folder / versions.DUMPS, replace(manifest, store_version=version_id))
        return version_id

    return versions.publish(path, write, name, keep=keep)
