"""icgraph: a knowledge graph of intercultural integration in Council of Europe member states.

Built from the review report CDADI(2021)5 on Recommendation CM/Rec(2015)1. The public surface:

>>> import icgraph
>>> sorted(icgraph.__all__)[:4]
['BuildResult', 'Settings', 'ValidationResult', 'build']
"""

from __future__ import annotations

from .build import BuildResult, build
from .catalogue import get_query, load_catalogue
from .config import Settings, get_settings
from .query import execute, rows, serialise
from .store import open_read_only
from .validate import ValidationResult, validate

__version__ = "0.1.0"

__all__ = [
    "BuildResult",
    "Settings",
    "ValidationResult",
    "build",
    "execute",
    "get_query",
    "get_settings",
    "load_catalogue",
    "open_read_only",
    "rows",
    "serialise",
    "validate",
]
