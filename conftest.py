"""pytest set-up shared by the unit tests (tests/) and nbval (notebooks/).

Notebooks re-executed by nbval write their figures and tables to a temporary folder, never to outputs/:
the kernels inherit $ITB_STUDY_OUTPUT_DIR from this process (see helpers/paths.py). The folder is removed
when the session ends.

``make test`` runs nbval over notebooks/ and the tests in tests/ in one pytest-xdist session. nbval's cells
depend on each other and share a kernel, so every cell goes to one worker, in order: they join the xdist
group of the tests whose kernels use TCP ports (nbval, plain papermill), which also keeps those kernels from
starting at the same moment. The runner's own kernels use IPC sockets and need no such care.

With ``--forked-kernels`` (``make test`` gives it), nbval's kernels are forked from a server that has imported
the notebooks' libraries, as the runner's are (helpers/build/kernels.py): about 2 s less per notebook. Without
it (``pytest --nbval-lax notebooks``, the floor of ``make bench``), each kernel is a new process as usual.
"""

import os
import shutil
import tempfile

import pytest

TCP_KERNELS = "tcp-kernels"  # the xdist group of the tests whose kernels use TCP ports


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns the mark into the group it schedules by
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(TCP_KERNELS))


def pytest_addoption(parser):
    parser.addoption(
        "--forked-kernels",
        action="store_true",
        help="nbval's kernels forked from a server that has imported the notebooks' libraries (make test)",
    )


def pytest_configure(config):
    os.environ.setdefault("TQDM_DISABLE", "1")
    config._itb_outputs = tempfile.mkdtemp(prefix="itb-test-outputs-")
    os.environ["ITB_STUDY_OUTPUT_DIR"] = config._itb_outputs
    if config.getoption("forked_kernels"):
        _fork_nbval_kernels()


def _fork_nbval_kernels() -> None:
    if not hasattr(os, "fork"):  # Windows: kernels are new processes, as usual
        return
    import nbval.kernel

    from helpers import paths
    from helpers.build import execute, kernels, notebooks

    modules = tuple(notebooks.imported_modules(paths.study_notebooks()))

    def launch(cmd, env, cwd):  # the server is started, or found running, when a notebook's kernel is needed
        return kernels.launch_served(kernels.forkserver(modules), cmd, env, cwd)

    nbval.kernel.KernelManager = execute.forking(nbval.kernel.KernelManager, launch)


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_itb_outputs", ""), ignore_errors=True)
