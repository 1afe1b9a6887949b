"""A bigger graph of the same shape, for the scale benchmark: the real data, copied per state.

``multiply(data_dir, out_dir, factor)`` writes a data folder holding the real data plus
``factor - 1`` copies of everything that belongs to a member state: the state and its
membership, its practices of interest, actors, instruments, actor groups, events, places and
amounts. What the states share stays single: the code lists, the report and its sections,
passages and recommendations, the European and international actors and instruments, the
periods. A copy links to the shared nodes exactly as its original does (a copied practice
stands in the same report section and quotes the same words), so the classes, the links per
resource and the proportions are the real graph's, and the copies pass the integrity shapes
as the original does.

Which resources belong to a state is read from their IRIs, which the data mint per state:
``state/FI``, ``practice/<subsection>/FI``, ``membership/<organisation>/FI``, and
``<kind>/fi/<name>`` for actors, instruments, groups, events, places and amounts. Copy ``k``
of Finland is ``state/FI-s<k>``, its ministry ``actor/fi-s<k>/...``. A copied state keeps its
ISO codes, labels and Wikidata link: the shapes ask for the codes' pattern, not their
uniqueness, so a query bound to one code answers for the state and its copies.

The output is deterministic: the same input and factor give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .load import turtle_files

ID = "https://w3id.org/icgraph/id/"
MEMBER_STATE = ox.NamedNode("https://w3id.org/icgraph/ontology#MemberState")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: Kinds of resource minted as ``<kind>/<code>/<name>`` or ``<kind>/.../<CODE>``.
_PER_STATE_LAST = ("state", "practice", "membership")


def state_codes(data_dir: Path) -> set[str]:
    """The alpha-2 codes (as the IRIs write them, upper case) of the data's member states."""
    codes = set()
    for path in turtle_files(data_dir):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if quad.predicate == RDF_TYPE and quad.object == MEMBER_STATE:
                subject = quad.subject
                if isinstance(subject, ox.NamedNode) and subject.value.startswith(ID + "state/"):
                    codes.add(subject.value.rsplit("/", 1)[1])
    return codes


Copier = Callable[[str, int], "str | None"]


def copier(codes: set[str]) -> Copier:
    """A function from (IRI, copy number) to the copy's IRI, or None for a shared IRI."""
    lower = {c.lower() for c in codes}

    def copy(iri: str, k: int) -> str | None:
        if not iri.startswith(ID):
            return None
        parts = iri[len(ID) :].split("/")
        if parts[0] in _PER_STATE_LAST and parts[-1] in codes:
            return ID + "/".join([*parts[:-1], f"{parts[-1]}-s{k}"])
        if len(parts) > 2 and parts[1] in lower:
            return ID + "/".join([parts[0], f"{parts[1]}-s{k}", *parts[2:]])
        return None

    return copy


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _copy_term(term: Term, k: int, copy: Copier) -> ox.NamedNode | ox.BlankNode | None:
    if isinstance(term, ox.NamedNode):
        mapped = copy(term.value, k)
        return None if mapped is None else ox.NamedNode(mapped)
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"{term.value}s{k}")  # copied with the triple that holds it
    return None


def multiply(data_dir: Path, out_dir: Path, factor: int) -> dict[str, int]:
    """Write the data files of a graph ``factor`` times the real one's states into ``out_dir``.

    Returns the number of triples written per file. Each output file is N-Triples, which is
    Turtle, under the input file's name, so ``icgraph build`` reads the folder as it is.
    """
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")
    codes = state_codes(data_dir)
    copy = copier(codes)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for path in turtle_files(data_dir):
        triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        # sorted once, so the output is the same bytes on every run
        triples.sort(key=str)
        lines = [f"{t} .\n" for t in triples]
        for k in range(2, factor + 1):
            for t in triples:
                s, p, o = t.subject, t.predicate, t.object
                new_s, new_o = _copy_term(s, k, copy), _copy_term(o, k, copy)
                if new_s is None and new_o is None:
                    continue  # a fact about shared resources only: stated once
                triple = ox.Triple(new_s or s, p, new_o or o)  # type: ignore[arg-type]
                lines.append(f"{triple} .\n")
        (out_dir / path.name).write_text("".join(lines), encoding="utf-8")
        written[path.name] = len(lines)
    return written


def synthetic_root(root: Path, out: Path, factor: int) -> Path:
    """A project folder like ``root`` whose data is ``factor`` times the real one's states.

    Its other source folders (ontology, shapes, queries, vocabularies, sources) link to
    ``root``'s, so ``Settings(root=out)`` builds and serves the bigger graph.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes", "queries", "vocabularies", "sources"):
        target = out / name
        if target.exists() or not (root / name).is_dir():
            continue
        target.symlink_to((root / name).resolve(), target_is_directory=True)
    multiply(root / "data", out / "data", factor)
    return out
