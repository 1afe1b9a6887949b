"""The on-disk pyoxigraph store: open it, and publish a new one atomically.

A published store is a folder under ``<store>.d/`` and ``<store>`` is a symbolic link to it.
Publishing writes a complete new folder first and then replaces the link in one
``os.replace``, so a reader sees either the old graph or the new one, never half of either,
and a build that fails leaves the served store untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox


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
    versions = path.parent / (path.name + ".d")
    versions.mkdir(parents=True, exist_ok=True)
    target = versions / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        store = ox.Store(str(target))
        fill(store)
        store.flush()
        store.optimize()
        del store
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    previous = path.resolve() if path.is_symlink() else None
    if path.exists() and not path.is_symlink():
        # A plain folder from an older layout: move it aside so the link can take its place.
        shutil.rmtree(path)
    link = path.parent / f".{path.name}.swap-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target.relative_to(path.parent))
    os.replace(link, path)
    if previous is not None and previous != target:
        shutil.rmtree(previous, ignore_errors=True)
    return target


def quads(store: ox.Store) -> Iterable[ox.Quad]:
    """Every quad in the store, in the store's order."""
    return store.quads_for_pattern(None, None, None, None)
