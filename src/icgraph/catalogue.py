"""The query catalogue: one self-contained ``.rq`` file per competency question in ``queries/``.

Each file opens with grlc's decorator syntax, ``#+`` lines holding YAML, so grlc itself could
serve the folder (it reads ``summary``, ``description`` and ``tags``, and ignores the rest)::

    #+ summary: Which of the four framework elements does the report give evidence of?
    #+ description: One row per responding state and framework element.
    #+ tags:
    #+   - CQ2
    #+ params:
    #+   state: {variable: alpha2, type: "xsd:string", pattern: "^[A-Z]{2}$", normalise: upper,
    #+           description: "An ISO 3166-1 alpha-2 code"}
    PREFIX icg: <https://w3id.org/icgraph/ontology#>
    SELECT ...

Then come the query's own ``PREFIX`` declarations, so it runs unchanged in any SPARQL 1.1
engine. A parameter is bound to a projected variable with pyoxigraph's substitutions
(SEP-0007), never by editing the text; unbound, the query answers for every value. grlc
names parameters by variables written ``?_name``; that would put grlc's convention into the
result columns, so the parameters are declared under ``params`` instead, with a type and a
constraint that are checked here, in one place, for the CLI, the Python API and HTTP alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from .errors import InputError, ParameterError, UnknownQueryError

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
_CQ = re.compile(r"^CQ\d+$")

#: The parameter types a catalogue query may declare.
TYPES = ("xsd:string", "xsd:anyURI")
_NORMALISE = {"upper": str.upper, "lower": str.lower}


@dataclass(frozen=True)
class Parameter:
    """A declared parameter: the variable it binds, its type and its constraint."""

    name: str
    type: str = "xsd:string"
    description: str = ""
    variable: str = ""
    pattern: str | None = None
    normalise: str | None = None
    default: str | None = None

    @property
    def var(self) -> str:
        """The query variable the parameter binds (its own name unless declared)."""
        return self.variable or self.name

    def term(self, raw: str) -> ox.NamedNode | ox.Literal:
        """The RDF term a value stands for; ParameterError naming the parameter if it is bad.

        >>> Parameter("state", pattern="^[A-Z]{2}$", normalise="upper").term("es").value
        'ES'
        """
        value = raw.strip()
        if self.normalise:
            value = _NORMALISE[self.normalise](value)
        if self.type == "xsd:anyURI":
            if not _ABSOLUTE_IRI.match(value):
                raise ParameterError(
                    f"parameter {self.name!r} must be an absolute IRI, got {raw!r}"
                )
            return ox.NamedNode(value)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise ParameterError(
                f"parameter {self.name!r} must match {self.pattern} ({self.description}), got {raw!r}"
            )
        return ox.Literal(value)


@dataclass(frozen=True)
class CatalogueQuery:
    """One catalogue entry."""

    name: str
    title: str
    text: str
    path: Path
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    @property
    def cq(self) -> str:
        """The competency question it answers (``CQ2``), from its tags."""
        return next((t for t in self.tags if _CQ.match(t)), "")

    def bindings(self, given: Iterable[tuple[str, str]]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Check ``(name, value)`` pairs against the declared parameters; defaults fill gaps.

        Every problem is a :class:`ParameterError` that names the parameter: an unknown name,
        a name given twice, or a value that does not fit the declared type and constraint.
        """
        declared = {p.name: p for p in self.parameters}
        seen: dict[str, str] = {}
        for name, value in given:
            if name not in declared:
                takes = ", ".join(declared) or "no parameters"
                raise ParameterError(
                    f"query {self.name!r} has no parameter {name!r}; it takes: {takes}"
                )
            if name in seen:
                raise ParameterError(f"parameter {name!r} is given more than once; give it once")
            seen[name] = value
        out: dict[str, ox.NamedNode | ox.Literal] = {}
        for name, parameter in declared.items():
            raw = seen.get(name, parameter.default)
            if raw is not None:
                out[parameter.var] = parameter.term(raw)
        return out


def _decorators(text: str, path: Path) -> dict[str, Any]:
    """The YAML of the leading ``#+`` lines, read as grlc reads it."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("#+"):
            lines.append(line[2:])
    try:
        found = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(
            f"the '#+' header is not valid YAML: {getattr(error, 'problem', error)}",
            source=path,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    if not isinstance(found, dict):
        raise InputError("the '#+' header must be a YAML mapping (summary: ...)", source=path)
    return found


def _parameter(name: str, spec: object, path: Path) -> Parameter:
    if not isinstance(spec, Mapping):
        raise InputError(
            f"parameter {name!r}: give a mapping (type, description, ...)", source=path
        )
    unknown = set(spec) - {"type", "description", "variable", "pattern", "normalise", "default"}
    if unknown:
        raise InputError(f"parameter {name!r}: unknown keys {sorted(unknown)}", source=path)
    parameter = Parameter(
        name=name,
        type=str(spec.get("type", "xsd:string")),
        description=str(spec.get("description", "")),
        variable=str(spec.get("variable", "")),
        pattern=spec.get("pattern"),
        normalise=spec.get("normalise"),
        default=spec.get("default"),
    )
    if parameter.type not in TYPES:
        raise InputError(f"parameter {name!r}: type must be one of {', '.join(TYPES)}", source=path)
    if parameter.normalise not in (None, *_NORMALISE):
        raise InputError(f"parameter {name!r}: normalise must be upper or lower", source=path)
    if not _VARIABLE.match(parameter.var):
        raise InputError(
            f"parameter {name!r}: {parameter.var!r} is not a variable name", source=path
        )
    return parameter


def parse_entry(path: Path) -> CatalogueQuery:
    """Read one ``.rq`` file and its ``#+`` header."""
    text = path.read_text(encoding="utf-8")
    header = _decorators(text, path)
    params = header.get("params") or {}
    if not isinstance(params, Mapping):
        raise InputError("'params' must map parameter names to their declarations", source=path)
    tags = header.get("tags") or []
    return CatalogueQuery(
        name=path.stem,
        title=str(header.get("summary", path.stem)),
        text=text,
        path=path,
        description=str(header.get("description", "")),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        parameters=tuple(_parameter(str(n), s, path) for n, s in params.items()),
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
