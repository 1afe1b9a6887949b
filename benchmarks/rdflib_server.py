"""The peer under test: rdflib-endpoint serving an N-Quads file, run like the facade.

    python benchmarks/rdflib_server.py GRAPH.nq PORT

The default graph is the union of the named graphs, as in the facade.
"""

from __future__ import annotations

import sys

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    quads, port = sys.argv[1], int(sys.argv[2])
    dataset = Dataset(default_union=True)
    dataset.parse(quads, format="nquads")
    app = SparqlEndpoint(
        graph=dataset, path="/sparql", cors_enabled=False, title="rdflib-endpoint (benchmark peer)"
    )
    # Same server and logging settings as api.server.serve.
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")


if __name__ == "__main__":
    main()
