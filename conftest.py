"""pytest set-up shared by the unit tests (tests/) and nbval (notebooks/).

Notebooks re-executed by nbval write their figures and tables to a temporary folder, never to outputs/: the
kernels inherit $ITB_STUDY_OUTPUT_DIR from this process (see helpers/paths.py). The folder is removed when the
session ends.

``make test`` runs nbval over notebooks/ and the tests in tests/ in one pytest-xdist session. nbval's cells
depend on each other and share a kernel, so every cell goes to one worker, in order: they join the xdist group
of the tests whose kernels use TCP ports (nbval, plain papermill), which also keeps those kernels from starting
at the same moment. The runner's own kernels use IPC sockets and need no such care.
"""

import os
import shutil
import sys
import tempfile

import pytest

TCP_KERNELS = "tcp-kernels"  # the xdist group of the tests whose kernels use TCP ports
# the pooling notebook is committed without outputs (make pool runs it on the summaries it is given): its run is
# tested end to end in tests/pooling/, not by nbval
collect_ignore_glob = ["notebooks/clinics/*"]
OUTPUTS = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns the mark into the group it schedules by
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(TCP_KERNELS))


def pytest_configure(config):
    os.environ.setdefault("TQDM_DISABLE", "1")
    # make test runs Python with -X warn_default_encoding (pyproject.toml fails a test on the project's own
    # EncodingWarning): pytest-xdist's workers get it through the environment, the kernels and commands the
    # tests start do not (they are other programs, and what they print is read as UTF-8)
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        os.environ.pop("PYTHONWARNDEFAULTENCODING", None)
        os.environ["PYTHONIOENCODING"] = "utf-8"
    elif sys.flags.warn_default_encoding:
        os.environ["PYTHONWARNDEFAULTENCODING"] = "1"
    config.stash[OUTPUTS] = os.environ["ITB_STUDY_OUTPUT_DIR"] = tempfile.mkdtemp(prefix="itb-test-outputs-")


def pytest_unconfigure(config):
    if folder := config.stash.get(OUTPUTS, None):
        shutil.rmtree(folder, ignore_errors=True)
