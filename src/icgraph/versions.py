"""Store versions: each build publishes a complete, named version, and readers hold theirs.

Layout, for ``settings.store`` = ``.../store``::

    store -> store.d/<version>/db        the served version's pyoxigraph store (a link)
    store.d/<version>/db/                a published store, never written again
    store.d/<version>/dumps/             its dumps, with SHA256SUMS and MANIFEST.json
    store.d/<version>/READERS            readers hold a shared lock on it while they read
    store.d/.building-<pid>-<ns>/        a build in progress; removed by the next build
    store.d/BUILD.lock                   one build at a time

A version id is ``<UTC time>-<first 12 hex of the N-Quads dump's SHA-256>``: it sorts by time
and names the content, so two builds of the same sources differ only in time, and replicas
serving one version report the same id (and so the same ETags).

A build writes the store and its dumps under ``.building-*``, renames that folder to its
version (one rename), and then swaps the ``store`` link (another): a reader that resolves the
link sees one whole version. Old versions are deleted once no reader holds their lock; a build
keeps the newest ``keep`` of them (``ICGRAPH_KEEP_VERSIONS``, default 3) and never deletes one
that a reader holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

DB = "db"
DUMPS = "dumps"
READERS = "READERS"
BUILD_LOCK = "BUILD.lock"
_BUILDING = ".building-"


@dataclass(frozen=True)
class Version:
    """One published version of the store."""

    id: str
    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / DB

    @property
    def dumps(self) -> Path:
        return self.folder / DUMPS


def versions_dir(store: Path) -> Path:
    return store.parent / (store.name + ".d")


def current(store: Path) -> Version | None:
    """The version the ``store`` link points at now, or None when nothing is published."""
    try:
        target = Path(os.readlink(store))
    except (FileNotFoundError, OSError):
        return None
    folder = (store.parent / target).parent
    if target.name != DB or not (folder / DB / "CURRENT").exists():
        return None
    return Version(folder.name, folder)


def published(store: Path) -> list[Version]:
    """Every complete version on disk, oldest first."""
    root = versions_dir(store)
    if not root.is_dir():
        return []
    found = [
        Version(p.name, p)
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / DB / "CURRENT").exists()
    ]
    return sorted(found, key=lambda v: v.id)


@contextlib.contextmanager
def _locked(path: Path, flags: int) -> Iterator[IO[str] | None]:
    """A flock on ``path``; yields None when ``LOCK_NB`` was asked and someone else holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield None
            return
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Reader:
    """A shared lock on a version, held while a process reads it (released by ``close``)."""

    def __init__(self, version: Version) -> None:
        self.version = version
        self._handle: IO[str] | None = open(version.folder / READERS, "a+", encoding="ascii")  # noqa: SIM115
        fcntl.flock(self._handle, fcntl.LOCK_SH)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing releases the lock
            self._handle = None


def new_id(content_hash: str) -> str:
    """A version id: the UTC time, then the content's hash (so ids sort by time)."""
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{content_hash[:12]}"


def publish(
    store: Path, fill: Callable[[Path], None], name: Callable[[Path], str], keep: int = 3
) -> Version:
    """Write a new version with ``fill(folder)``, name it, swap it in, prune old versions.

    ``fill`` writes ``folder/db`` and ``folder/dumps``; ``name(folder)`` gives the version id
    (see :func:`new_id`). If either raises or the process dies, nothing is published and the
    next build removes what was left.
    """
    root = versions_dir(store)
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root / BUILD_LOCK, fcntl.LOCK_EX):
        for leftover in root.glob(_BUILDING + "*"):
            shutil.rmtree(leftover, ignore_errors=True)  # a build that died
        building = root / f"{_BUILDING}{os.getpid()}-{time.monotonic_ns()}"
        building.mkdir()
        try:
            fill(building)
            version_id = name(building)
            version = Version(version_id, root / version_id)
            os.rename(building, version.folder)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        _swap_link(store, version)
        prune(store, keep)
    return version


def _swap_link(store: Path, version: Version) -> None:
    if store.exists() and not store.is_symlink():
        shutil.rmtree(store)  # a plain folder from an older layout
    link = store.parent / f".{store.name}.swap-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(version.db.relative_to(store.parent))
    os.replace(link, store)


def prune(store: Path, keep: int) -> list[str]:
    """Delete versions beyond the newest ``keep`` (never the served one, never a held one)."""
    served = current(store)
    removed = []
    for version in published(store)[: -keep if keep > 0 else None]:
        if served is not None and version.id == served.id:
            continue
        with _locked(version.folder / READERS, fcntl.LOCK_EX | fcntl.LOCK_NB) as lock:
            if lock is None:
                continue  # a reader still holds it; a later prune will take it
            shutil.rmtree(version.folder, ignore_errors=True)
            removed.append(version.id)
    return removed
