"""Executed-notebook hygiene: what a notebook declares, and stripping what changes from run to run.

nbformat is imported where a notebook is written, not at the top: it brings jsonschema (about 2 s), and the
runner checks every input (parameters cells included) before anything that slow."""

from __future__ import annotations

import ast
import json
from pathlib import Path

VOLATILE_NB_KEYS = ("papermill", "widgets")
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")


def declared_parameters(path: Path) -> dict:
    """Names and default values in the cell tagged ``parameters`` (read without running anything).

    A value that is not a plain literal (``seed = 5 + 6``) is returned as its source text, so it never
    equals a default."""
    for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:  # nbformat 4: read, not validated
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            out = {}
            for node in ast.parse(source).body:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                    continue
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    value = ast.get_source_segment(source, node.value)
                out.update({t.id: value for t in targets if isinstance(t, ast.Name)})
            return out
    return {}


def code_size(path: Path) -> int:
    """Characters of code in a notebook: how long it takes to run, roughly."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return sum(len("".join(c["source"])) for c in cells if c.get("cell_type") == "code")


def imported_modules(paths) -> list[str]:
    """The modules the code cells of these notebooks import, in order of first appearance (read, not run):
    ``from helpers import study`` gives ``helpers`` and ``helpers.study``; cells that are not plain Python
    (magics) are skipped."""
    found: dict[str, None] = {}
    for path in paths:
        for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update(dict.fromkeys(f"{node.module}.{alias.name}" for alias in node.names))
    return list(found)


def strip_volatile(nb):
    """Remove timestamps, durations and machine details; keep outputs, execution counts, kernelspec."""
    for key in VOLATILE_NB_KEYS:
        nb.metadata.pop(key, None)
    info = nb.metadata.get("language_info")
    if info:
        nb.metadata["language_info"] = {"name": info.get("name", "python")}
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.get("name") == "stderr" and _kernel_noise(o.get("text", "")))
            ]
    return nb


def _kernel_noise(text: str) -> bool:
    return "Kernel is running over TCP without encryption" in text


def write(nb, path: Path) -> None:
    """Write only when the content differs, so an unchanged rerun leaves the file (and git) alone."""
    import nbformat

    text = nbformat.writes(nb)
    text += "" if text.endswith("\n") else "\n"
    path = Path(path)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def first_error(nb) -> tuple[int, str] | None:
    """(1-based code-cell number, 'Error: message') of the first error output, if any."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        n += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return n, f"{out.get('ename')}: {out.get('evalue')}"
    return None


def running_cell(path: Path) -> int | None:
    """The 1-based code-cell number papermill had marked as running in a partly executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code, 1):
        if cell.metadata.get("papermill", {}).get("status") == "running":
            return i
    return None
