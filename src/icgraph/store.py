"""The on-disk pyoxigraph store: open it, and publish a new version of it atomically.

``<store>`` is a symbolic link to the served version's database (:mod:`icgraph.versions`): a
reader sees the old graph or the new one, never half of either, and a build that fails or
dies leaves the served store untouched. Each version carries the dumps made from it.
"""

from __future__ import annotations

from collections.abc import Callable
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


def publish(path: Path, fill: Callable[[ox.Store], None], keep: int = 3) -> versions.Version:
    """Build a store with ``fill`` and its dumps in a fresh version, then swap it in at ``path``.

    Returns the new version. If ``fill`` raises, nothing is published and ``path`` still
    points where it did.
    """
    from .dumps import read_manifest, write_dumps, write_manifest

    def write(folder: Path) -> None:
        store = ox.Store(str(folder / versions.DB))
        fill(store)
        store.flush()
        store.optimize()
        del store
        write_dumps(folder / versions.DB, folder / versions.DUMPS)

    def name(folder: Path) -> str:
        # The N-Quads dump holds every quad in a fixed order: its hash names the content.
        manifest = read_manifest(folder / versions.DUMPS)
        assert manifest is not None
        quads = next(f for f in manifest.files if f.name.endswith(".nq"))
        version_id = versions.new_id(quads.sha256)
        write_manifest(folder / versions.DUMPS, replace(manifest, store_version=version_id))
        return version_id

    return versions.publish(path, write, name, keep=keep)
