"""Executed-notebook hygiene: what a notebook declares, and stripping what changes from run to run."""

from __future__ import annotations

import ast
import json
from pathlib import Path

VOLATILE_NB_KEYS = ("papermill", "widgets")
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")


def _cells(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]  # read, not validated: nbformat is slow


def declared_parameters(path: Path) -> dict:
    """Names and default values in the cell tagged ``parameters`` (read without running anything).

    A value that is not a plain literal (``seed = 5 + 6``) is returned as its source text, so it never
    equals a default. (By hand: papermill.inspect_notebook gives defaults as source text too, and importing it
    with nbformat would hold up a run's start by about a second, before any notebook could begin.)"""
    for cell in _cells(path):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            out = {}
            for node in ast.parse(source).body:
                if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                    continue
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    value = ast.get_source_segment(source, node.value)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                out.update({t.id: value for t in targets if isinstance(t, ast.Name)})
            return out
    return {}


def code_size(path: Path) -> int:
    """Characters of code in a notebook: roughly how long it runs."""
    return sum(len("".join(c["source"])) for c in _cells(path) if c.get("cell_type") == "code")


def strip_volatile(nb):
    """Remove timestamps, durations and machine details; keep outputs, execution counts, kernelspec. (By hand:
    nbconvert's ClearMetadataPreprocessor clears code cells only, and papermill writes on every cell.)"""
    for key in VOLATILE_NB_KEYS:
        nb.metadata.pop(key, None)
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = {"name": nb.metadata["language_info"].get("name", "python")}
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill draws it at random: the same run, the same bytes
    return nb


def write(nb, path: Path, unless_same: Path | None = None) -> None:
    """Write only when the content differs from ``path`` (or from the file of that name in ``unless_same``), so
    an unchanged rerun leaves the file (and git) alone."""
    import nbformat

    text = nbformat.writes(nb)
    text += "" if text.endswith("\n") else "\n"
    path = Path(path)
    before = Path(unless_same) / path.name if unless_same else path
    if not before.exists() or before.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def running_cell(path: Path) -> int | None:
    """The 1-based code-cell number papermill had marked as running in a partly executed notebook."""
    try:
        code = [c for c in _cells(path) if c.get("cell_type") == "code"]
    except (OSError, ValueError, KeyError):
        return None
    for i, cell in enumerate(code, 1):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            return i
    return None
