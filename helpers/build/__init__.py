"""The machinery that runs and renders the study (runner, notebook hygiene, site); no study module imports it.

Editing anything here never changes a committed output: the code fingerprint in notebook 5's colophon
leaves this folder out (see helpers/colophon.py).
"""

import sys
from pathlib import Path

from .. import paths

# jsonschema (which nbformat imports) imports rfc3987-syntax, installed with jupyter-events'
# jsonschema[format-nongpl], to check the "iri" format; it builds some 35 Earley parsers on import, about 1 s in
# every process of the build (python-jsonschema/jsonschema#1428). Nothing here checks that format: without the
# module, jsonschema simply has no "iri" checker.
sys.modules.setdefault("rfc3987_syntax", None)


def shown(path) -> str:
    """A path as the runner's messages show it: relative to the project folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)
