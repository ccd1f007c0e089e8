"""`make lab`: JupyterLab serves a working copy, not notebooks/; jupytext pairing works there; the committed
study is untouched. The server is started on a free localhost port with a token, then shut down."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import paths
from helpers.runner import lab

from ..conftest import tree_digest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(port, token, path, method="GET", body=None, timeout=10):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as r:
        text = r.read()
    return json.loads(text) if text else None


@pytest.fixture
def server(tmp_path):
    port, token = _free_port(), os.urandom(16).hex()
    folder = tmp_path / "lab"
    log = (tmp_path / "lab.log").open("w", encoding="utf-8")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_PLATFORM_DIRS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.runner.lab", "--dir", str(folder), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
        cwd=paths.ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _api(port, token, "status", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "lab.log").read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "JupyterLab did not start within 120 s"
                time.sleep(0.5)
        yield port, token, folder
    finally:
        with contextlib.suppress(OSError):
            _api(port, token, "shutdown", method="POST")
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def test_lab_serves_a_working_copy_with_jupytext_pairing(server):
    committed = tree_digest(paths.NOTEBOOKS)
    port, token, folder = server
    root = {item["name"] for item in _api(port, token, "contents")["content"]}
    assert {"notebooks", "jupytext.toml", "outputs"} <= root, root  # the root is the working copy, not notebooks/
    assert not any(name.endswith(".ipynb") for name in root)
    listing = {item["name"] for item in _api(port, token, "contents/notebooks")["content"]}
    assert "01_cohort.ipynb" in listing

    # save a notebook through the server, as JupyterLab's autosave does: jupytext updates its .py twin
    model = _api(port, token, "contents/notebooks/01_cohort.ipynb?content=1")
    first = next(c for c in model["content"]["cells"] if c["cell_type"] == "markdown")
    first["source"] = "# An edit in the working copy\n\n" + "".join(first["source"])
    _api(port, token, "contents/notebooks/01_cohort.ipynb", "PUT", {"type": "notebook", "content": model["content"]})
    assert "An edit in the working copy" in (folder / "notebooks" / "01_cohort.py").read_text(encoding="utf-8")
    assert tree_digest(paths.NOTEBOOKS) == committed  # the committed study is untouched


def test_lab_outputs_and_root_flag(tmp_path, monkeypatch):
    work = lab.prepare(tmp_path / "lab")
    assert sorted(p.name for p in work.glob("*.ipynb")) == [p.name for p in paths.study_notebooks()]
    (work / "01_cohort.ipynb").write_text("changed", encoding="utf-8")
    lab.prepare(tmp_path / "lab")  # an existing copy is kept ...
    assert (work / "01_cohort.ipynb").read_text(encoding="utf-8") == "changed"
    lab.prepare(tmp_path / "lab", fresh=True)  # ... unless asked for a fresh one; the old one is set aside
    assert (work / "01_cohort.ipynb").read_bytes() == (paths.NOTEBOOKS / "01_cohort.ipynb").read_bytes()
    assert (tmp_path / "lab" / "notebooks.old" / "01_cohort.ipynb").read_text(encoding="utf-8") == "changed"
    env = lab.environment(tmp_path / "lab")
    assert Path(env[paths.OUTPUT_ENV]) == (tmp_path / "lab" / "outputs").resolve()
    monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)  # Windows has no user ids
    assert "--allow-root" not in lab.command(tmp_path, [])
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    assert "--allow-root" in lab.command(tmp_path, [])
