"""Moving a finished run into place, and keeping what a failed one left: old outputs are replaced only at the end."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .. import paths
from . import notebooks, shown

DEFAULT_PARTS = ("figures", "tables", "html")  # what the default study owns in outputs/


def install(plan, work: Path) -> None:
    """Move the finished run in ``work`` to where ``plan`` says."""
    if plan.in_place:
        import nbformat

        for nb in sorted((work / "notebooks").glob("*.ipynb")):
            notebooks.write(nbformat.read(nb, as_version=4), paths.NOTEBOOKS / nb.name)
        for part in DEFAULT_PARTS:
            replace(work / part, paths.OUTPUTS / part)
        return
    if plan.params_file:
        shutil.copy2(plan.params_file, work / "params.yaml")
    for leftover in work.glob(".*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staged = Path(tempfile.mkdtemp(prefix=".staged-", dir=plan.target.parent))
    staged.rmdir()
    work.rename(staged)
    work.mkdir()  # so the caller's cleanup finds a folder
    replace(staged, plan.target)


def replace(new: Path, old: Path) -> None:
    """Swap ``new`` in for ``old`` with two renames; ``old`` is deleted only after the swap."""
    if not new.exists():
        return
    if old.exists():
        trash = old.with_name(f".old-{old.name}")
        shutil.rmtree(trash, ignore_errors=True)
        old.rename(trash)
        new.rename(old)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        new.rename(old)


def keep_failed(plan, work: Path, nb_path: Path, what: str) -> str:
    """Copy a failed notebook (and, if it ended unexpectedly, its process's log) to the plan's failed folder;
    returns the words that say where."""
    keep, kept = plan.failed_folder, ""
    executed, log = work / "notebooks" / nb_path.name, work / ".logs" / f"{nb_path.stem}.log"
    if executed.exists():
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, keep / nb_path.name)
        kept = f"; the executed notebook is kept in {shown(keep / nb_path.name)}"
    if "ended unexpectedly" in what and log.exists() and log.stat().st_size:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(log, keep / log.name)
        kept += f" (its log: {shown(keep / log.name)})"
    return kept
