"""``python -m icgraph``: the same command line as the ``icgraph`` script."""

from icgraph.cli import main

main()
