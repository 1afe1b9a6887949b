"""Publishing a folder atomically: write it complete, then swap a symbolic link to it.

``<path>`` is a symbolic link to a folder under ``<path>.d/``. A new version is written into a
fresh folder there; only when it is complete is the link replaced, in one ``os.replace``. A
reader therefore sees the old version or the new one, never half of either, and a writer
that fails leaves the published version untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path


def publish_folder(path: Path, fill: Callable[[Path], None], *, create: bool = True) -> Path:
    """Write a new version of ``path`` with ``fill(folder)`` and swap it in; return the folder.

    ``create=False`` lets ``fill`` create the folder itself (a store that must not pre-exist).
    If ``fill`` raises, the new folder is removed and ``path`` still points where it did.
    """
    versions = path.parent / (path.name + ".d")
    versions.mkdir(parents=True, exist_ok=True)
    target = versions / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    if create:
        target.mkdir()
    try:
        fill(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    previous = path.resolve() if path.is_symlink() else None
    if path.exists() and not path.is_symlink():
        shutil.rmtree(path)  # a plain folder from an older layout
    link = path.parent / f".{path.name}.swap-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target.relative_to(path.parent))
    os.replace(link, path)
    if previous is not None and previous != target:
        shutil.rmtree(previous, ignore_errors=True)
    return target
