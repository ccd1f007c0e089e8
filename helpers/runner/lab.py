"""``make lab``: JupyterLab on a working copy of the notebooks, so experiments never touch the committed study.

``python -m helpers.runner.lab [--fresh] [JUPYTER LAB OPTIONS ...]`` serves ``outputs/lab/`` (git-ignored): a
copy of the notebooks with their ``.py`` twins (``--fresh``: a new copy, the old one kept in ``notebooks.old/``)
and of ``jupytext.toml``, so that pairing works from the served root; figures and tables go to
``outputs/lab/outputs/``. Other options reach ``jupyter lab`` as they are (``--no-browser --ip 0.0.0.0``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from helpers import paths
from helpers.runner import shown

LAB = paths.OUTPUTS / "lab"
CONFIG = paths.ROOT / "jupytext.toml"


def prepare(folder: Path = LAB, fresh: bool = False) -> Path:
    """Create (or, with ``fresh``, renew) the working copy in ``folder``; returns its notebooks folder."""
    folder = Path(folder)
    work = folder / "notebooks"
    if fresh and work.exists():
        shutil.rmtree(folder / "notebooks.old", ignore_errors=True)
        work.rename(folder / "notebooks.old")
        print(f"lab: the previous working copy is kept in {shown(folder / 'notebooks.old')}/")
    if not work.exists():
        work.mkdir(parents=True)
        for nb in paths.study_notebooks():
            for twin in (nb, nb.with_suffix(".py")):
                if twin.exists():
                    shutil.copy2(twin, work / twin.name)
        print(f"lab: a fresh working copy of the notebooks in {shown(work)}/")
    shutil.copy2(CONFIG, folder / CONFIG.name)
    (folder / "outputs").mkdir(exist_ok=True)
    return work


def command(folder: Path, extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command line serving ``folder`` (as root, as in a container, it needs --allow-root)."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(folder).resolve()}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return cmd + extra


def environment(folder: Path) -> dict[str, str]:
    """The server's (and so the kernels') environment: outputs go to the working copy's own folder."""
    return {**os.environ, paths.OUTPUT_ENV: str((Path(folder) / "outputs").resolve())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.runner.lab", description=__doc__.split("\n\n")[0])
    ap.add_argument("--fresh", action="store_true", help="start from a new copy of the committed notebooks")
    ap.add_argument("--dir", type=Path, default=LAB, help=argparse.SUPPRESS)  # tests: a temporary folder
    args, extra = ap.parse_known_args(argv)
    folder = args.dir.resolve()
    prepare(folder, args.fresh)
    print(f"lab: JupyterLab on {shown(folder)}/, a copy: the committed study never changes. Stop it with Ctrl-C.")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to answer; this process waits for it
    return subprocess.call(command(folder, extra), env=environment(folder))


if __name__ == "__main__":
    raise SystemExit(main())
