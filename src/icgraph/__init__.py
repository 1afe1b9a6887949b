"""icgraph: a knowledge graph of intercultural integration in Council of Europe member states.

Built from the review report CDADI(2021)5 on Recommendation CM/Rec(2015)1. The public surface:

>>> import icgraph
>>> sorted(icgraph.__all__)[:4]
['Answer', 'BuildResult', 'QueryRequest', 'Settings']
"""

from __future__ import annotations

from .build import BuildResult, build
from .catalogue import get_query, load_catalogue
from .config import Settings, get_settings
from .query import Answer, QueryRequest, execute, request_for, rows, run, select
from .store import open_read_only
from .validate import ValidationResult, validate

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "BuildResult",
    "QueryRequest",
    "Settings",
    "ValidationResult",
    "build",
    "execute",
    "get_query",
    "get_settings",
    "load_catalogue",
    "open_read_only",
    "request_for",
    "rows",
    "run",
    "select",
    "validate",
]
