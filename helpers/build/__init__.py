"""The machinery that runs and renders the study (runner, notebook hygiene, site); no study module imports it.

Editing anything here never changes a committed output: the code fingerprint in notebook 5's colophon
leaves this folder out (see helpers/colophon.py).
"""

from pathlib import Path

from .. import paths


def shown(path) -> str:
    """A path as the runner's messages show it: relative to the project folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)
