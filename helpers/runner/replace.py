"""A finished run moved into place whole or not at all, or what a failed one left, kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import paths
from helpers.runner import notebook_hygiene, shown

DEFAULT_PARTS = ("figures", "tables", "html", "summary.json")  # what the default study owns in outputs/


class InUse(OSError):
    """An old output could not be moved aside (``filename``: the file, if one could be named)."""

    def __str__(self) -> str:
        return (
            f"{self.filename} could not be replaced ({self.strerror}): is it open in another program? "
            "Close it and run again"
        )


def install(plan, work: Path) -> None:
    """Move the finished run in ``work`` to where ``plan`` says: every part, or (an error) none."""
    if not plan.in_place:
        if plan.params_file:
            shutil.copy2(plan.params_file, work / "params.yaml")
        for leftover in work.glob(".*"):
            shutil.rmtree(leftover, ignore_errors=True)
        swap([(work, plan.target)])
        return
    import nbformat

    changed = work / ".notebooks"  # the notebooks whose content changed, as they are written back
    changed.mkdir()
    for nb in sorted((work / "notebooks").glob("*.ipynb")):
        notebook_hygiene.write(nbformat.read(nb, as_version=4), changed / nb.name, unless_same=paths.NOTEBOOKS)
    parts = [(work / part, paths.OUTPUTS / part) for part in DEFAULT_PARTS if (work / part).exists()]
    swap([*parts, *((nb, paths.NOTEBOOKS / nb.name) for nb in sorted(changed.glob("*.ipynb")))])


def swap(pairs: list[tuple[Path, Path]]) -> None:
    """Put each new folder or file in place of its old one, all or none. The old ones are first moved aside; one
    that cannot be (on Windows, a file another program holds open) puts back those already moved and stops with
    an error naming that file. Then the new ones are moved in, and only then the old ones deleted."""
    aside, placed = [], []
    try:
        for _, old in pairs:
            if old.exists():
                trash = old.with_name(f".old-{old.name}")
                _remove(trash)
                try:
                    old.rename(trash)
                except OSError as err:
                    held = held_open(old) or old
                    raise InUse(err.errno, err.strerror, shown(held)) from err
                aside.append((old, trash))
        for new, old in pairs:
            new.rename(old)
            placed.append((new, old))
    except BaseException:
        for new, old in reversed(placed):
            old.rename(new)
        for old, trash in reversed(aside):
            trash.rename(old)
        raise
    for _, trash in aside:
        _remove(trash)


def held_open(path: Path) -> Path | None:
    """The first file in ``path`` (or ``path`` itself) that cannot be renamed and renamed back: one another
    program holds open, on Windows. None if every file can be (on Linux and macOS, always)."""
    for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if f.is_file():
            probe = f.with_name(f".probe-{f.name}")
            try:
                f.rename(probe)
            except OSError:
                return f
            probe.rename(f)
    return None


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def keep_failed(plan, work: Path, nb_path: Path, result: dict) -> str:
    """Copy a failed notebook (and, if its process ended unexpectedly, its log) to the plan's failed folder;
    returns the words that say where."""
    kept, keep = "", plan.failed_folder
    log = work / ".logs" / f"{nb_path.stem}.log"
    for source, words in ((work / "notebooks" / nb_path.name, "; the executed notebook is kept in {}"),
                          (log if result.get("crashed") else None, " (its log: {})")):  # fmt: skip
        if source and source.exists() and source.stat().st_size:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, keep / source.name)
            kept += words.format(shown(keep / source.name))
    return kept
