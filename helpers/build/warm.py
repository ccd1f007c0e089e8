"""Imported once by the server that forks the runner's notebook processes (``multiprocessing``'s forkserver,
see ``run.py``): what every notebook process needs, so that none imports it again.

Ctrl-C is ignored from the first line: the forkserver shares the runner's terminal, and the runner is the one
that reports an interruption (the forkserver ignores it itself only once this import is done). The notebook
processes set their own handlers as they start (``execute.child``).
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)

import nbformat  # noqa: E402, F401
import papermill  # noqa: E402, F401

from . import execute, notebooks  # noqa: E402, F401
