"""Fixtures: small data sets written to temporary folders, and one full study run shared by the end-to-end tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import TCP_KERNELS  # noqa: F401 - the root conftest.py; the tests import it from here
from helpers import paths, synthetic
from helpers.core import cohort

PY = sys.executable


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below a folder, by relative path (to show that nothing changed)."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_study(*args, timeout=900, env=None):
    """``python -m helpers.runner.run ARGS`` in a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [PY, "-m", "helpers.runner.run", *map(str, args)],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
    )


# Imported by every Python of a run when its folder is on PYTHONPATH (sitecustomize): the runner, its notebook
# processes and their kernels then have no os.fork and start processes by spawn, as on Windows and macOS.
WITHOUT_FORK = """\
import multiprocessing, os
if hasattr(os, "fork"):
    del os.fork
multiprocessing.set_start_method("spawn", force=True)
"""


def without_fork(folder: Path) -> dict:
    """An environment in which every Python started lacks os.fork and spawns (see WITHOUT_FORK)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(WITHOUT_FORK, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


def write_notebook(path: Path, *sources: str, parameters: str | None = None) -> Path:
    """A small notebook for the python3 kernel: a parameters cell (if given), then a code cell per source."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    tagged = [] if parameters is None else [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells = tagged + [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)
    return Path(path)


@pytest.fixture(scope="session")
def synthetic_frames():
    return synthetic.generate()


@pytest.fixture
def canonical(tmp_path, synthetic_frames):
    """The synthetic cohort written as a clinic's canonical export (patients.csv, doses.csv)."""
    folder = tmp_path / "canonical"
    synthetic.write_csvs(*synthetic_frames, folder)
    return folder


@pytest.fixture
def data_dir(tmp_path, synthetic_frames):
    """A valid chart-data folder (the calibrated synthetic cohort as CSV) to break in one way per test."""
    folder = tmp_path / "chart"
    synthetic.write_csvs(*synthetic_frames, folder)
    return folder


def shared(tmp_path_factory, name: str, build) -> Path:
    """A folder made once per test session by ``build(folder)``, whichever xdist worker asks first; the
    others wait for it (a lock file beside it) and reuse it. Without xdist, simply built once."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this session
    folder, done = root / name, root / f"{name}.done"
    with FileLock(root / f"{name}.lock"):
        if not done.exists():
            build(folder)
            done.write_text("ok", encoding="utf-8")
    return folder


def _build_default(folder: Path) -> None:
    proc = run_study("--out", folder, env=without_fork(folder.with_name("without-fork")))
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def committed(tmp_path_factory) -> Path:
    """A copy of the committed figures and tables, made once per session: the tests read it, never outputs/,
    which a study running in the same checkout may be writing."""
    import shutil

    folder = tmp_path_factory.mktemp("committed")
    for part in ("figures", "tables"):
        shutil.copytree(paths.OUTPUTS / part, folder / part)
    return folder


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project (code, notebooks, data, parameters) to run the runner in with its default folders:
    run with ``cwd`` and ``PYTHONPATH`` there, its ``outputs/`` is the copy's, never the real one."""
    import shutil

    root = tmp_path / "project"
    keep = shutil.ignore_patterns("__pycache__", "*.py[co]")
    for folder in ("helpers", "params", "data/synthetic"):
        shutil.copytree(paths.ROOT / folder, root / folder, ignore=keep)
    (root / "notebooks").mkdir()
    for nb in paths.study_notebooks():
        shutil.copy2(nb, root / "notebooks" / nb.name)
    for name in ("pyproject.toml", "requirements.txt", "references.bib", "jupytext.toml"):
        shutil.copy2(paths.ROOT / name, root / name)
    return root


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """The whole default study built once into a temporary folder (as `make study` would, but elsewhere), by
    processes without os.fork that start others by spawn (the tests of its outputs then show it runs so)."""
    return shared(tmp_path_factory, "default-study", _build_default)


@pytest.fixture(scope="module")
def pct(synthetic_frames):
    """Dose as % of the 1-year dose at 7 and 10 years, for the calibrated cohort."""
    return cohort.percent_of_reference(*synthetic_frames, 1, [7, 10])
