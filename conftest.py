"""pytest set-up shared by the unit tests (tests/) and nbval (notebooks/).

Notebooks re-executed by nbval write their figures and tables to a temporary folder, never to outputs/:
the kernels inherit $ITB_STUDY_OUTPUT_DIR from this process (see helpers/paths.py). The folder is removed
when the session ends.

With pytest-xdist (``make test``), tests that start Jupyter kernels over TCP (nbval, plain papermill) run
on one worker, one after another: the runner's own kernels use IPC sockets and need no such care.
"""

import os
import shutil
import tempfile

import pytest

TCP_KERNELS = "tcp-kernels"  # xdist group of the tests whose kernels use TCP ports


def pytest_configure(config):
    os.environ.setdefault("TQDM_DISABLE", "1")
    config._itb_outputs = tempfile.mkdtemp(prefix="itb-test-outputs-")
    os.environ["ITB_STUDY_OUTPUT_DIR"] = config._itb_outputs


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_itb_outputs", ""), ignore_errors=True)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith("notebooks/"):  # nbval: the cells of every notebook in one worker, in order
            item.add_marker(pytest.mark.xdist_group(TCP_KERNELS))
