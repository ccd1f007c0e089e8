"""A finished run moved into place (the old outputs are replaced only then), or what a failed one left, kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import paths
from helpers.runner import notebook_hygiene, shown

DEFAULT_PARTS = ("figures", "tables", "html")  # what the default study owns in outputs/


def install(plan, work: Path) -> None:
    """Move the finished run in ``work`` to where ``plan`` says."""
    if plan.in_place:
        import nbformat

        for nb in sorted((work / "notebooks").glob("*.ipynb")):
            notebook_hygiene.write(nbformat.read(nb, as_version=4), paths.NOTEBOOKS / nb.name)
        for part in DEFAULT_PARTS:
            replace(work / part, paths.OUTPUTS / part)
        return
    if plan.params_file:
        shutil.copy2(plan.params_file, work / "params.yaml")
    for leftover in work.glob(".*"):
        shutil.rmtree(leftover, ignore_errors=True)
    replace(work, plan.target)


def replace(new: Path, old: Path) -> None:
    """Swap ``new`` in for ``old`` with two renames; ``old`` is deleted only after the swap."""
    if new.exists():
        trash = old.with_name(f".old-{old.name}")
        shutil.rmtree(trash, ignore_errors=True)
        if old.exists():
            old.rename(trash)
        new.rename(old)
        shutil.rmtree(trash, ignore_errors=True)


def keep_failed(plan, work: Path, nb_path: Path, what: str) -> str:
    """Copy a failed notebook (and, if its process ended unexpectedly, its log) to the plan's failed folder;
    returns the words that say where."""
    kept, keep = "", plan.failed_folder
    log = work / ".logs" / f"{nb_path.stem}.log"
    for source, words in ((work / "notebooks" / nb_path.name, "; the executed notebook is kept in {}"),
                          (log if "ended unexpectedly" in what else None, " (its log: {})")):  # fmt: skip
        if source and source.exists() and source.stat().st_size:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, keep / source.name)
            kept += words.format(shown(keep / source.name))
    return kept
