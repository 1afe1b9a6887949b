"""Reading the review report itself: its responding states and its practice paragraphs.

The report (``sources/cdadi-2021-5-review-report.md``) is the graph's only primary source.
This module finds, in the Markdown, the passages the graph must carry, so tests can check the
curated data against the text rather than against a copy of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import PROJECT_ROOT

REPORT_PATH = PROJECT_ROOT / "sources" / "cdadi-2021-5-review-report.md"

#: Subsection headings of sections 2.1-2.3, as the report words them, with their slugs.
SUBSECTIONS: dict[str, tuple[str, str]] = {
    "Constitutional and legal protection": ("2.1", "legal-protection"),
    "Institutions": ("2.1", "institutions"),
    "Strategies or plans": ("2.1", "strategies-or-plans"),
    "Funding streams": ("2.1", "funding-streams"),
    "National impetus through national bodies": ("2.2", "national-impetus"),
    "Partnership impetus through associations of public authorities": (
        "2.2",
        "partnership-impetus",
    ),
    "Local impetus through National Intercultural City networks": ("2.2", "local-impetus"),
    "Equality mainstreaming": ("2.3", "equality-mainstreaming"),
    "Focus in National Policy": ("2.3", "focus-in-national-policy"),
}

_EMPHASIS = re.compile(r"\*+")
_SPACE = re.compile(r"\s+")
_FOOTNOTE_3 = re.compile(r"^<sup>3</sup>\s*(?P<list>.+)$")


def normalise(text: str) -> str:
    """Drop Markdown emphasis and fold white space, the form quotes are compared in.

    >>> normalise("*In **Spain** an  Act*")
    'In Spain an Act'
    """
    return _SPACE.sub(" ", _EMPHASIS.sub("", text)).strip()


@dataclass(frozen=True)
class PracticeParagraph:
    """One 'Practice of interest' paragraph as the report prints it."""

    section: str  # e.g. "2.2"
    subsection: str  # slug, e.g. "partnership-impetus"
    state: str  # the state's name as listed in footnote 3, without a city
    text: str  # normalised text
    line: int  # 1-based line in the report


def read_report(path: Path = REPORT_PATH) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def responding_states(path: Path = REPORT_PATH) -> list[tuple[str, str | None]]:
    """The states of footnote 3, each with the city it answered through, if any.

    >>> responding_states()[7]
    ('Cyprus', 'Limassol')
    """
    for line in read_report(path):
        match = _FOOTNOTE_3.match(line.strip())
        if match:
            items = re.split(r",\s*|\s+and\s+(?=the\b|[A-Z])", match["list"].rstrip("."))
            states: list[tuple[str, str | None]] = []
            for item in items:
                item = re.sub(r"^the\s+", "", item.strip())
                city = re.search(r"\((.+)\)", item)
                name = re.sub(r"\s*\(.+\)", "", item).strip()
                states.append((name, city.group(1) if city else None))
            return states
    raise ValueError(f"{path}: footnote 3 (the responding states) not found")


def _heading_text(line: str) -> str:
    return normalise(line.lstrip("#"))


def practice_paragraphs(path: Path = REPORT_PATH) -> list[PracticeParagraph]:
    """Every 'Practice of interest' paragraph, in reading order."""
    names = sorted((name for name, _ in responding_states(path)), key=len, reverse=True)
    section = subsection = None
    found: list[PracticeParagraph] = []
    for number, raw in enumerate(read_report(path), start=1):
        stripped = raw.strip()
        heading = _heading_text(stripped) if stripped.startswith("#") else None
        if heading is None and stripped.startswith("**") and stripped.endswith("**"):
            heading = normalise(stripped)  # some subsection headings are bold lines
        if heading is not None:
            if heading in SUBSECTIONS:
                section, subsection = SUBSECTIONS[heading]
            elif re.match(r"^[34]\.", heading):
                section = subsection = None
            continue
        if not (stripped.startswith("*In ") or stripped.startswith("*In\u00a0")):
            continue
        if section is None or subsection is None:
            raise ValueError(f"{path}:{number}: practice paragraph outside sections 2.1-2.3")
        text = normalise(stripped)
        state = next((n for n in names if re.match(rf"^In (the )?{re.escape(n)}\b", text)), None)
        if state is None:
            raise ValueError(f"{path}:{number}: no responding state named at the start")
        found.append(PracticeParagraph(section, subsection, state, text, number))
    return found
