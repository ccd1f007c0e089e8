"""Imported once by the server that forks the runner's notebook processes (``multiprocessing``'s forkserver,
see ``run.py``): what every notebook process needs, and what its kernel will import, so that none imports
it again (the kernels are forked from the notebook processes, see ``kernels.py``).

The runner starts that server with Ctrl-C ignored (``kernels.forkserver``) and names the notebooks' imports in
``$ITB_STUDY_PRELOAD``; the notebook processes set their own handlers as they start (``execute.child``).
"""

import os

import nbformat  # noqa: F401
import papermill  # noqa: F401

from . import execute, kernels, notebooks  # noqa: F401

if kernels.PRELOAD_ENV in os.environ:  # set by the runner for the forkserver only
    kernels.preload(os.environ.pop(kernels.PRELOAD_ENV).split())
