"""Imported once by the server that forks the runner's notebook processes (``multiprocessing``'s forkserver,
see ``run.py``): what every notebook process needs, so that none imports it again.

The runner starts that server with Ctrl-C ignored (``run._forkserver``); the notebook processes set their own
handlers as they start (``execute.child``).
"""

import nbformat  # noqa: F401
import papermill  # noqa: F401

from . import execute, notebooks  # noqa: F401
