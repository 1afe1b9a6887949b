"""The on-disk pyoxigraph store: open it, and publish a new one atomically.

A published store is a folder under ``<store>.d/`` and ``<store>`` is a symbolic link to it,
swapped in one rename (:mod:`icgraph.atomic`): a reader sees either the old graph or the new
one, never half of either, and a build that fails leaves the served store untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .atomic import publish_folder


def exists(path: Path) -> bool:
    """True when a published store is at ``path``."""
    return path.exists() and (path / "CURRENT").exists()


def open_read_only(path: Path) -> ox.Store:
    """Open a published store for reading; many processes may do so at once."""
    if not exists(path):
        raise FileNotFoundError(f"no store at {path}; run 'icgraph build' first")
    return ox.Store.read_only(str(path.resolve()))


def publish(path: Path, fill: Callable[[ox.Store], None]) -> Path:
    """Build a store with ``fill`` in a fresh folder, then swap it in at ``path``.

    Returns the folder the link now points to. If ``fill`` raises, the new folder is removed
    and ``path`` still points where it did.
    """

    def write(folder: Path) -> None:
        store = ox.Store(str(folder))
        fill(store)
        store.flush()
        store.optimize()
        del store

    return publish_folder(path, write, create=False)
