"""icgraph: a knowledge graph of intercultural integration in Council of Europe member states.

Built from the review report CDADI(2021)5 on Recommendation CM/Rec(2015)1.
"""

from __future__ import annotations

__version__ = "0.1.0"
