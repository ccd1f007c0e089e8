"""Fixtures: small data sets written to temporary folders, and one full study run shared by the end-to-end tests."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import paths, synthetic

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


def run_study(*args, timeout=900):
    """``python -m helpers.build.run ARGS`` in a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [PY, "-m", "helpers.build.run", *map(str, args)],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def synthetic_frames():
    return synthetic.generate()


@pytest.fixture
def data_dir(tmp_path, synthetic_frames):
    """A valid chart-data folder (the calibrated synthetic cohort as CSV) to break in one way per test."""
    folder = tmp_path / "chart"
    synthetic.write_csvs(*synthetic_frames, folder)
    return folder


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """The whole default study built once into a temporary folder (as `make study` would, but elsewhere)."""
    out = tmp_path_factory.mktemp("study") / "default"
    proc = run_study("--out", out)
    assert proc.returncode == 0, proc.stderr
    return out
