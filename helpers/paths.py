"""Where things are. The only module that knows the project's layout (paths from ``__file__``)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = ROOT / "helpers"
RUNNER = HELPERS / "runner"  # the machinery (runner, site, handout, lab): not part of the code fingerprint
TEXT = HELPERS / "text"  # the words a reader sees: YAML templates filled with computed numbers (helpers/text/words.py)
NOTEBOOKS = ROOT / "notebooks"
SYNTHETIC_DATA = ROOT / "data" / "synthetic"
EXAMPLE_DATA = ROOT / "data" / "examples"  # small synthetic examples of each accepted form of chart data
OUTPUTS = ROOT / "outputs"
RUNS = OUTPUTS / "runs"
FAILED = OUTPUTS / "failed"
PARAMS = ROOT / "params"

# The runner and the tests point notebooks at a temporary build folder through this variable, so a
# notebook's own default (outputs/) is only written when a build succeeds.
OUTPUT_ENV = "ITB_STUDY_OUTPUT_DIR"


def output_dir(requested: str | os.PathLike | None = None) -> Path:
    """The folder a notebook writes to: the ``output_dir`` parameter, else $ITB_STUDY_OUTPUT_DIR, else outputs/."""
    if requested:
        path = Path(requested)
        return path if path.is_absolute() else (NOTEBOOKS / path).resolve()
    env = os.environ.get(OUTPUT_ENV)
    return Path(env) if env else OUTPUTS


def figures_dir(out: Path) -> Path:
    (out / "figures").mkdir(parents=True, exist_ok=True)
    return out / "figures"


def tables_dir(out: Path) -> Path:
    (out / "tables").mkdir(parents=True, exist_ok=True)
    return out / "tables"


def study_notebooks() -> list[Path]:
    """The study's notebooks in reading order (``NN_topic.ipynb``)."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
