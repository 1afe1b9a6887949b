"""The wheel alone, in a fresh virtualenv and an empty folder, builds the graph and serves it.

The wheel is built from this checkout; the new environment gets it without its dependencies,
which it reads from the test environment's own site-packages (listed in a ``.pth`` file, which
puts a folder on ``sys.path`` without running that folder's own ``.pth`` files, so the
checkout's editable install stays out). Everything icgraph itself needs (ontology, data,
shapes, queries, templates, static files) must therefore come from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .api.serving import free_port, get_json
from .paths import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    wheels = list(out.glob("icgraph-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_wheel_carries_the_sources_and_no_top_level_api(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert not any(n.startswith("api/") for n in names)
    for expected in (
        "icgraph/api/app.py",
        "icgraph/api/templates/base.html.j2",
        "icgraph/api/static/vendor/yasgui/yasgui.min.js",
        "icgraph/_bundle/ontology/icgraph.ttl",
        "icgraph/_bundle/data/national-frameworks.ttl",
        "icgraph/_bundle/shapes/completeness.ttl",
        "icgraph/_bundle/queries/cq02-framework-matrix.rq",
        "icgraph/_bundle/sources/cdadi-2021-5-review-report.md",
    ):
        assert expected in names, expected


def test_a_fresh_venv_serves_every_state_from_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "deps-from-tests.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ICGRAPH_", "PYTHON"))}
    env.update(
        {
            "ICGRAPH_PORT": str(port),
            "ICGRAPH_STORE_PATH": str(tmp_path / "store"),
            "ICGRAPH_QUERY_WORKERS": "1",
        }
    )
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [str(venv / "bin" / "icgraph"), "serve"], cwd=empty, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if get_json(base + "/health").get("ok"):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail((tmp_path / "serve.log").read_text())
        health = get_json(base + "/health")
        assert health["ok"], health
        for code in ("ES", "PT", "AD", "RU"):
            with urllib.request.urlopen(f"{base}/states/{code}", timeout=30) as page:  # noqa: S310
                assert page.status == 200
        with urllib.request.urlopen(
            f"{base}/queries/cq01-responding-states?format=csv", timeout=30
        ) as r:  # noqa: S310
            assert len(r.read().decode().strip().splitlines()) == 33  # a header and 32 states
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert list(empty.iterdir()) == []  # nothing written into the working folder
    imported = subprocess.run(
        [str(python), "-c", "import icgraph, icgraph.api; print(icgraph.__file__); import api"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
    )
    assert imported.returncode != 0 and "No module named 'api'" in imported.stderr
    assert str(venv) in imported.stdout
