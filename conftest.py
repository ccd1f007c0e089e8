"""pytest set-up shared by the unit tests (tests/) and nbval (notebooks/).

Notebooks re-executed by nbval write their figures and tables to a temporary folder, never to outputs/:
the kernels inherit $ITB_STUDY_OUTPUT_DIR from this process (see helpers/paths.py). The folder is removed
when the session ends.

``make test`` runs tests/ with pytest-xdist, then nbval over notebooks/ in one process (nbval's cells depend
on each other and must share a kernel). Tests that start Jupyter kernels over TCP (plain papermill) share one
xdist group; the runner's own kernels use IPC sockets and need no such care.
"""

import os
import shutil
import tempfile


def pytest_configure(config):
    os.environ.setdefault("TQDM_DISABLE", "1")
    config._itb_outputs = tempfile.mkdtemp(prefix="itb-test-outputs-")
    os.environ["ITB_STUDY_OUTPUT_DIR"] = config._itb_outputs


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_itb_outputs", ""), ignore_errors=True)
