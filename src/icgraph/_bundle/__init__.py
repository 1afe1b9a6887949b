"""The graph's sources as shipped inside the wheel.

A wheel has no checkout beside it, so ``pyproject.toml`` maps the repository's top-level
``ontology/``, ``data/``, ``shapes/``, ``queries/``, ``vocabularies/`` and ``sources/`` folders
into this package as package data. In a checkout this folder holds only this file: the
library reads the checkout's own folders (:func:`icgraph.config.default_root`).
"""
