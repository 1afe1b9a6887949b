"""The query catalogue: one ``.rq`` file per competency question in ``queries/``.

Each file opens with a header of ``# key: value`` lines::

    # title: Which states answered the survey?
    # cq: CQ1
    # description: The 32 member states of footnote 3, with the city two of them answered through.
    # param: state  An ISO 3166-1 alpha-2 code, e.g. ES (optional)

A ``param`` names a variable the caller may bind (``icgraph.query.bind_values``) to narrow the
answer; a query with parameters must still run without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnknownQueryError

_HEADER = re.compile(r"^#\s*(?P<key>[a-z]+):\s*(?P<value>.*)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str


@dataclass(frozen=True)
class CatalogueQuery:
    """One catalogue entry."""

    name: str
    title: str
    text: str
    path: Path
    cq: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)


def parse_entry(path: Path) -> CatalogueQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not line.strip().startswith("#"):
            break
        if match is None:
            continue
        key, value = match["key"], match["value"].strip()
        if key == "param":
            name, _, desc = value.partition(" ")
            params.append(Parameter(name.lstrip("?"), desc.strip()))
        else:
            header[key] = value
    return CatalogueQuery(
        name=path.stem,
        title=header.get("title", path.stem),
        text=text,
        path=path,
        cq=header.get("cq", ""),
        description=header.get("description", ""),
        parameters=tuple(params),
    )


def load_catalogue(folder: Path) -> dict[str, CatalogueQuery]:
    """Every query of the catalogue by name, in file-name order."""
    return {
        path.stem: parse_entry(path)
        for path in sorted(folder.glob("*.rq"))
        if _NAME.match(path.stem)
    }


def get_query(folder: Path, name: str) -> CatalogueQuery:
    """One catalogue query by name; an unknown name lists the known ones."""
    catalogue = load_catalogue(folder)
    if name not in catalogue:
        known = ", ".join(catalogue) or "none"
        raise UnknownQueryError(
            f"no catalogue query named {name!r} (known: {known})", source=folder
        )
    return catalogue[name]
