"""How a run was made: package versions, a fingerprint of the code and data, the parameters, the source.

The committed notebooks cannot carry their own git commit (committing them would change it), so they carry a
fingerprint of what produced them instead: the same fingerprint means the same code, pins and synthetic data.
Runs under outputs/runs/ also record the git commit (run.json, written by the runner).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import metadata

import pandas as pd

from helpers import paths
from helpers.core import published, run_kind

PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "pingouin",
    "tableone",
    "pandera",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "jupytext",
)


def versions() -> pd.DataFrame:
    rows = [("python", f"{sys.version_info.major}.{sys.version_info.minor}")]
    rows += [(p, metadata.version(p)) for p in PACKAGES]
    return pd.DataFrame(rows, columns=["package", "version"])


def fingerprint() -> str:
    """sha256 (first 12 hex digits) of what computes the results: the study's code and its words (``helpers/``
    with the text files of ``helpers/text/``, without the machinery in ``helpers/runner/``), the cells of the
    notebooks that run (their sources, not their outputs), the pins, the reference list and the synthetic data.
    Editing the runner or the site never changes it."""
    code = [f for f in (*paths.HELPERS.rglob("*.py"), *paths.HELPERS.rglob("*.yaml")) if paths.RUNNER not in f.parents]
    files = sorted(
        [*code, paths.ROOT / "requirements.txt", paths.ROOT / "references.bib", *paths.SYNTHETIC_DATA.glob("*.csv")]
    )
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(paths.ROOT).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for nb in paths.study_notebooks():
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        h.update(nb.name.encode() + b"\0")
        for cell in cells:
            h.update(cell["cell_type"].encode() + b"\0" + "".join(cell["source"]).encode() + b"\0")
    return h.hexdigest()[:12]


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(paths.ROOT), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def table(params: dict, source: str, disclosure: str = "") -> pd.DataFrame:
    """How a run was made: the paper, the data (and, on chart data, the disclosure settings in force), the code
    fingerprint, the git commit and every parameter."""
    from helpers.study.params import changed

    default_run = not changed(params)
    commit = (
        "the commit that contains this notebook (a committed file cannot hold its own commit hash; "
        "the fingerprint above identifies the code)"
        if default_run
        else (git_commit() or "unknown (not a git checkout)")
    )
    rows = [
        ("paper", f"{published.CITATION} doi:{published.DOI}"),
        ("data", source),
        *([("disclosure", disclosure)] if disclosure else []),
        ("code fingerprint", fingerprint()),
        ("git commit", commit),
    ]
    # on chart data the synthetic cohort's parameters do not apply, and the data folder's path stays private
    skip = ("data_dir", "synthetic_mode", "seed", "synthetic") if run_kind.of(params).chart else ()
    rows += [(f"parameter {k}", repr(v)) for k, v in params.items() if k not in skip]
    return pd.DataFrame(rows, columns=["item", "value"])
