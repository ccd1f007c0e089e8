"""``make lab``: JupyterLab on a working copy of the notebooks, so experiments never touch the committed study.

``python -m helpers.pipeline.lab [--fresh] [--dir DIR] [JUPYTER LAB OPTIONS ...]``

* The working copy is ``outputs/lab/`` (git-ignored): ``notebooks/`` (the committed ``.ipynb`` and their
  ``.py`` twins, copied when missing, or anew with ``--fresh``, the old copy kept as ``notebooks.old/``) and
  a copy of ``jupytext.toml``. JupyterLab serves that folder, so autosave, a changed parameter or a stripped
  output only ever change the copy, and jupytext, which looks for its config from the notebook's folder up to
  the server's root, keeps pairing each notebook with its ``.py``.
* Figures and tables the notebooks write go to ``outputs/lab/outputs/`` (``$ITB_STUDY_OUTPUT_DIR``, see
  :mod:`helpers.paths`), never over ``outputs/figures`` or ``outputs/tables``, whatever the parameters.
* The kernels import ``helpers`` from the project (it is installed in ``.venv`` in editable mode).
* As root (a container) JupyterLab needs ``--allow-root``; it is added only then. Any other option is passed
  to ``jupyter lab`` as it is, e.g. ``--no-browser --port 8890`` or ``--ip 0.0.0.0``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from .. import paths
from . import shown

LAB = paths.OUTPUTS / "lab"
CONFIG = paths.ROOT / "jupytext.toml"


def prepare(folder: Path = LAB, fresh: bool = False) -> Path:
    """Create (or, with ``fresh``, renew) the working copy in ``folder``; returns its notebooks folder."""
    folder = Path(folder)
    work = folder / "notebooks"
    if fresh and work.exists():
        old = folder / "notebooks.old"
        shutil.rmtree(old, ignore_errors=True)
        work.rename(old)
        print(f"lab: the previous working copy is kept in {shown(old)}/")
    if not work.exists():
        work.mkdir(parents=True)
        for nb in paths.study_notebooks():
            for twin in (nb, nb.with_suffix(".py")):
                if twin.exists():
                    shutil.copy2(twin, work / twin.name)
        print(f"lab: a fresh working copy of the notebooks in {shown(work)}/")
    shutil.copy2(CONFIG, folder / CONFIG.name)  # jupytext's pairing must be visible from the served root
    (folder / "outputs").mkdir(exist_ok=True)
    return work


def command(folder: Path, extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command line serving ``folder``."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(folder).resolve()}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")  # a container's root user; a laptop user never needs it
    return cmd + extra


def environment(folder: Path) -> dict[str, str]:
    """The server's (and so the kernels') environment: outputs go to the working copy's own folder."""
    return {**os.environ, paths.OUTPUT_ENV: str((Path(folder) / "outputs").resolve())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.pipeline.lab", description=__doc__.split("\n\n")[0])
    ap.add_argument("--fresh", action="store_true", help="start from a new copy of the committed notebooks")
    ap.add_argument("--dir", type=Path, default=LAB, help=argparse.SUPPRESS)  # tests: a temporary folder
    args, extra = ap.parse_known_args(argv)
    folder = args.dir.resolve()
    prepare(folder, args.fresh)
    print(
        f"lab: JupyterLab on {shown(folder)}/ (notebooks/ is a copy: the committed study is never changed; "
        f"outputs go to {shown(folder / 'outputs')}/). Stop it with Ctrl-C.",
        flush=True,
    )
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to answer; this process waits for it
    return subprocess.call(command(folder, extra), env=environment(folder))


if __name__ == "__main__":
    raise SystemExit(main())
