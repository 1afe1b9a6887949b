"""Dump files of the published graph, with SHA-256 checksums, for download.

``write_dumps(quads, folder)`` writes the whole graph in Turtle, N-Triples and JSON-LD (the
union of the named graphs, each triple once) and in N-Quads (every named graph kept), then
``SHA256SUMS`` (the format ``sha256sum -c`` reads) and ``manifest.json`` (sizes, checksums,
statement counts, and which published store they were made from).

Each store version carries its own dumps (:mod:`icgraph.versions`): they are written while
the version is built and published with it in one rename, so a download always matches the
store that answers queries, and never sees half a set.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from . import export

CHECKSUMS = "SHA256SUMS"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class DumpFormat:
    """One dump file: its name, the export format that writes it, and its media type."""

    name: str
    export_format: str
    media_type: str
    title: str


FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("icgraph.nq", "nquads", "application/n-quads", "N-Quads, with the named graphs"),
    DumpFormat("icgraph.ttl", "turtle", "text/turtle", "Turtle, the union of the named graphs"),
    DumpFormat(
        "icgraph.nt",
        "ntriples",
        "application/n-triples",
        "N-Triples, the union of the named graphs",
    ),
    DumpFormat(
        "icgraph.jsonld", "jsonld", "application/ld+json", "JSON-LD, the union of the named graphs"
    ),
)
BY_NAME = {f.name: f for f in FORMATS}


@dataclass(frozen=True)
class DumpFile:
    """A written dump file."""

    name: str
    media_type: str
    title: str
    bytes: int
    sha256: str
    #: Triples (quads for N-Quads) in the file.
    statements: int


@dataclass(frozen=True)
class Manifest:
    """What a dumps folder holds and which published store it was made from."""

    store_version: str
    created: str
    files: tuple[DumpFile, ...]

    def file(self, name: str) -> DumpFile | None:
        return next((f for f in self.files if f.name == name), None)

    def to_json(self) -> dict[str, object]:
        return {
            "store_version": self.store_version,
            "created": self.created,
            "files": [asdict(f) for f in self.files],
        }


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_dumps(quads: Sequence[ox.Quad], folder: Path) -> Manifest:
    """Write every dump of ``quads`` (a version's whole store) into ``folder``.

    The quads are put in dump order once (:func:`icgraph.export.ordered`), the triple formats
    share one union of them, and pyoxigraph writes each file itself; the statement counts are
    the lengths of what was written. The manifest's ``store_version`` is filled in when the
    version is named, after the dumps' hashes are known (:func:`icgraph.store.publish`).
    """
    folder.mkdir(parents=True)
    quads = export.ordered(quads)
    triples = export.union(quads)
    files = []
    for fmt in FORMATS:
        native, keeps_graphs = export.native_format(fmt.export_format)
        statements = quads if keeps_graphs else triples
        path = folder / fmt.name
        ox.serialize(statements, str(path), format=native)
        files.append(
            DumpFile(
                fmt.name,
                fmt.media_type,
                fmt.title,
                path.stat().st_size,
                _sha256(path),
                len(statements),
            )
        )
    manifest = Manifest("", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), tuple(files))
    (folder / CHECKSUMS).write_text(
        "".join(f"{f.sha256}  {f.name}\n" for f in files), encoding="ascii"
    )
    write_manifest(folder, manifest)
    return manifest


def write_manifest(folder: Path, manifest: Manifest) -> None:
    (folder / MANIFEST).write_text(
        json.dumps(manifest.to_json(), indent=2) + "\n", encoding="utf-8"
    )


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a dumps folder, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(
            data["store_version"], data["created"], tuple(DumpFile(**f) for f in data["files"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
