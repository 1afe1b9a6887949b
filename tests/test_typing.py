"""The package and the HTTP facade type-check with mypy, as the style guide asks."""

from __future__ import annotations

from mypy import api

from .paths import ROOT


def test_mypy_passes_on_the_package_and_the_api() -> None:
    # The config file is named so the run does not depend on the working directory; the cache
    # is the one the command line uses (gitignored), so a warm run takes about a second.
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(ROOT / "src" / "icgraph"),
            str(ROOT / "api"),
        ]
    )
    assert status == 0, stdout + stderr
