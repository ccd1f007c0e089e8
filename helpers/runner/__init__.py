"""The machinery that runs and renders the study: runner, notebook hygiene, site, handout (with the journal
club's session kit: sheet, guide, slides), lab. No study module imports it, and the code fingerprint in notebook
5's colophon leaves it out, so editing it never changes a result.
"""

import sys
from pathlib import Path

from helpers import paths

# jsonschema (imported with nbformat) builds some 35 parsers for rfc3987-syntax, an optional checker of a
# format nothing here uses: about 1 s per process (python-jsonschema/jsonschema#1428). A None entry in
# sys.modules makes that import fail quietly, as if the package were not installed.
sys.modules.setdefault("rfc3987_syntax", None)


def shown(path) -> str:
    """A path as messages show it: relative to the project folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)
