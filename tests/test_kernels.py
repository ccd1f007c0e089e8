"""Kernels forked from a warm process (helpers/build/kernels.py): a notebook sees what a new kernel would show
it, the runner's kernels really are forked (or the study is slow again), and a kernel ends with its notebook's
process."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from helpers import paths
from helpers.build import execute, kernels, run

from .conftest import TCP_KERNELS, write_notebook

PROBE = """\
import json, multiprocessing, os, random, sys
import matplotlib.pyplot as plt
import numpy
facts = {
    "path": [p for p in sys.path if p],
    "argv": [os.path.basename(sys.argv[0]), sys.argv[1]],
    "cwd": os.getcwd(),
    "parent_pid_set": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "own_session": os.getsid(0) == os.getpid(),
    "backend": plt.get_backend(),
    "process": [multiprocessing.current_process().name, multiprocessing.parent_process() is None],
    "build_variables": sorted(k for k in os.environ if k.startswith("ITB_STUDY_PRELOAD")),
    "draws": [random.random(), float(numpy.random.random())],
}
"""


def _probe_notebook(path, out_json):
    return write_notebook(
        path,
        "import sys\npreloaded = 'pandas' in sys.modules",
        "import pandas",
        PROBE + f"facts['preloaded'] = preloaded\nopen({str(out_json)!r}, 'w').write(json.dumps(facts))",
        "plt.plot([1, 2])\nplt.show()",
        parameters="x = 1",
    )


def _run_in_new_process(tmp_path, nbs, **popen):
    code = (
        "import sys\nfrom pathlib import Path\nfrom helpers.build import run\n"
        f"plan = {{'values': {{}}, 'named': True, 'name': 't', 'target': Path({str(tmp_path / 'out')!r}), "
        f"'failed': Path({str(tmp_path / 'failed')!r}), 'notebooks': [Path(p) for p in {[str(p) for p in nbs]!r}], "
        "'in_place': False, 'params_file': None, 'html': False}\n"
        "if __name__ == '__main__':\n    sys.exit(run.execute(plan))\n"
    )
    script = tmp_path / "runner.py"
    script.write_text(code)
    if popen:
        return subprocess.Popen([sys.executable, str(script)], cwd=paths.ROOT, text=True, **popen)
    return subprocess.run([sys.executable, str(script)], cwd=paths.ROOT, capture_output=True, text=True, timeout=300)


def _nbval(*args, **popen):
    """pytest --nbval-lax on notebooks (paths, then options), in a process of its own, with this project's set-up."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "conftest", "-c", "pyproject.toml"]
    command += ["--nbval-lax", "--nbval-current-env", *map(str, args)]
    if popen:
        return subprocess.Popen(command, cwd=paths.ROOT, text=True, **popen)
    return subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True, timeout=300)


def _has_figure(nb_path) -> bool:
    nb = nbformat.read(nb_path, as_version=4)
    return any("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.xdist_group(TCP_KERNELS)  # nbval's kernels use TCP ports
def test_a_forked_kernel_shows_a_notebook_what_a_new_kernel_would(tmp_path, monkeypatch):
    """The runner's forked kernels, and nbval's in make test, against a kernel started as a new process
    (papermill as usual): the same path, arguments, folder and backend (figures inline), a session of their own,
    a watched parent, a main process of their own; and random states that differ between two kernels."""
    nbs = [_probe_notebook(tmp_path / f"{i:02d}_probe.ipynb", tmp_path / f"forked{i}.json") for i in (1, 2)]
    # a runner process of its own: this worker's forkserver may already run, preloaded for other notebooks
    done = _run_in_new_process(tmp_path, nbs)
    assert done.returncode == run.EXIT_OK, done.stderr
    forked = [json.loads((tmp_path / f"forked{i}.json").read_text()) for i in (1, 2)]

    # the same notebook in a kernel that is a new process, with the environment the runner gives its kernels
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(paths.ROOT), os.environ.get("PYTHONPATH")])))
    fresh_nb = _probe_notebook(tmp_path / "fresh.ipynb", tmp_path / "fresh.json")
    result = execute.execute(fresh_nb, tmp_path / "fresh.out.ipynb", {}, tmp_path)
    assert result == {"ok": True}, result
    fresh = json.loads((tmp_path / "fresh.json").read_text())

    assert forked[0]["preloaded"] and not fresh["preloaded"]  # the one difference, on purpose
    for key in ("path", "cwd", "parent_pid_set", "own_session", "backend", "process", "build_variables"):
        assert forked[0][key] == forked[1][key] == fresh[key], key
    assert forked[0]["argv"][0] == fresh["argv"][0] == "ipykernel_launcher.py"
    assert forked[0]["argv"][1] == fresh["argv"][1] == "-f"
    assert fresh["parent_pid_set"] and fresh["own_session"] and fresh["backend"].endswith("backend_inline")
    assert fresh["process"] == ["MainProcess", True]
    assert forked[0]["draws"][0] != forked[1]["draws"][0] and forked[0]["draws"][1] != forked[1]["draws"][1]
    assert _has_figure(tmp_path / "out" / "notebooks" / "01_probe.ipynb") and _has_figure(tmp_path / "fresh.out.ipynb")

    # make test's nbval (--forked-kernels): kernels forked by a server, two notebooks in one pytest process
    (tmp_path / "nbval").mkdir()
    nbs = [_probe_notebook(tmp_path / "nbval" / f"{i}.ipynb", tmp_path / f"nbval{i}.json") for i in (1, 2)]
    done = _nbval(*nbs, "--forked-kernels")
    assert done.returncode == 0, done.stdout + done.stderr
    served = [json.loads((tmp_path / f"nbval{i}.json").read_text()) for i in (1, 2)]
    assert served[0]["preloaded"] and served[1]["preloaded"]
    for key in ("path", "argv", "parent_pid_set", "own_session", "backend", "process", "build_variables"):
        assert served[0][key] == served[1][key] == fresh[key], key
    assert served[0]["cwd"] == str(tmp_path / "nbval")
    assert served[0]["draws"][0] != served[1]["draws"][0] and served[0]["draws"][1] != served[1]["draws"][1]


HANG = """\
import os, time
open({pids!r}, "w").write(f"{{os.getpid()}} {{os.getppid()}}")
time.sleep(600)
"""


def test_a_forked_kernel_ends_when_its_notebook_process_is_killed(tmp_path):
    """As a kernel started by jupyter_client does (it watches JPY_PARENT_PID): no kernel outlives its notebook."""
    pids = tmp_path / "pids.txt"
    path = write_notebook(tmp_path / "01_hang.ipynb", HANG.format(pids=str(pids)))
    proc = _run_in_new_process(tmp_path, [path], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        kernel, notebook_process = map(int, pids.read_text().split())
        os.kill(notebook_process, signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == run.EXIT_FAILED and "ended unexpectedly" in err, err
        deadline = time.monotonic() + 10
        while _alive(kernel) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(kernel), "the kernel outlived its notebook's process"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_command_that_is_not_this_interpreters_ipykernel_is_executed_as_popen_would():
    assert kernels._launcher_args([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]) == ["-f", "k.json"]
    assert kernels._launcher_args([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k"])
    assert kernels._launcher_args([sys.executable, "-I", "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    assert kernels._launcher_args(["/usr/bin/R", "-m", "ipykernel_launcher"]) is None
    assert kernels._launcher_args([sys.executable, "-m", "other_kernel", "-f", "k.json"]) is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kernels are forked only where processes fork")
def test_a_discarded_shell_ends_and_is_reaped():
    """Each shell reads its pipe to the end: a later shell must not hold an earlier one's pipe open."""
    code = (
        "import os\nfrom helpers.build import kernels\n"
        "shells = [kernels.Shell(), kernels.Shell(), kernels.Shell()]\n"
        "for s in shells:\n    s.discard()  # waits at most 10 s for the shell to end\n"
        "print(all(not os.path.exists(f'/proc/{s.pid}') for s in shells))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr


@pytest.mark.xdist_group(TCP_KERNELS)
def test_nbvals_forked_kernel_ends_when_pytest_is_killed(tmp_path):
    pids = tmp_path / "pids.txt"
    write_notebook(tmp_path / "hang.ipynb", HANG.format(pids=str(pids)))
    proc = _nbval(tmp_path / "hang.ipynb", "--forked-kernels", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        kernel, server = map(int, pids.read_text().split())
        assert server != proc.pid  # forked by the server, not by pytest's process
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while (_alive(kernel) or _alive(server)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(server) and not _alive(kernel), "the kernel outlived pytest"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if pids.exists() and pids.read_text():  # whatever happened, nothing of the test is left running
            for pid in map(int, pids.read_text().split()):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_the_forkserver_is_replaced_only_when_it_lacks_a_module_the_notebooks_import():
    code = (
        "from multiprocessing import forkserver as server\nfrom helpers.build import kernels\n"
        "pid = lambda: server._forkserver._forkserver_pid\n"
        "ctx = kernels.forkserver(['json'])\nfirst = pid()\n"
        "kernels.forkserver(['os', 'json.decoder', 'json.JSONDecoder', 'helpers.build.kernels'])\n"
        "same = pid() == first\n"
        "ctx = kernels.forkserver(['xml.dom.minidom'])\nsecond = pid()\n"
        "both = not kernels._lacking(ctx, ['json', 'xml.dom.minidom']) and kernels._lacking(ctx, ['wave'])\n"
        "kernels.forkserver(['no_such_module_here'])\nthird = pid()\n"
        "kernels.forkserver(['no_such_module_here'])\n"
        "print(same, second != first, both, third != second, pid() == third)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # kept for what it has imported; replaced by one that imports both lists (and lacks what neither asked for);
    # a module that cannot be imported is tried once, not at every call
    assert done.stdout.split() == ["True"] * 5
