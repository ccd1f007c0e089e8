"""Execute one notebook with papermill, in a process of its own.

The runner starts one of these per notebook, several at a time: :func:`child` is the target of a process
forked from a server that has already imported papermill (see ``warm.py``), so a notebook process starts in
milliseconds rather than importing papermill and nbformat again (about 3 s each). It hands back
``{"ok": true}`` or ``{"ok": false, "what": "cell 3: ValueError: ...", "bad_input": false}``.

Why a process each: notebooks run side by side without sharing papermill's event loop, and Ctrl-C is
handled here quietly (the runner prints the one line a user sees; this process's output goes to a log).
Kernels talk over IPC sockets in a private folder instead of TCP ports: jupyter_client picks a TCP port by
binding and releasing it, so two kernels started at the same moment could be handed the same port.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def kernel_manager_class(ipc_dir: str, shells: list | None = None):
    """A kernel manager whose kernels use IPC sockets in ``ipc_dir`` and whose own log is discarded.

    With ``shells`` (``kernels.Shell`` objects, used up one per kernel), each kernel is a forked copy of a
    process that has imported the libraries already (see kernels.py); without, a new process as usual."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class StudyKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(ipc_dir, f"kernel-{id(self):x}")

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = subprocess.DEVNULL  # the kernel's log, not the notebook's output
            # nor our stdout: a kernel outliving this process must not hold the pipe the runner reads to its end
            kw["stdout"] = subprocess.DEVNULL
            if not shells:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            _adopt(self, shells.pop(0).launch(kernel_cmd, kw.get("env"), kw.get("cwd")), kw.get("cwd"))

    return StudyKernelManager


def forking(manager_class, launch):
    """``manager_class`` (a jupyter_client kernel manager) with kernels from ``launch(cmd, env, cwd)`` (a
    Popen-like forked kernel, see kernels.py) in place of new processes; used for nbval's kernels in
    ``make test`` (``--forked-kernels``, see conftest.py)."""

    class ForkingKernelManager(manager_class):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            _adopt(self, launch(kernel_cmd, kw.get("env"), kw.get("cwd")), kw.get("cwd"))

    return ForkingKernelManager


def _adopt(manager, process, cwd) -> None:
    """What LocalProvisioner.launch_kernel does after its Popen, for a forked kernel ``process``."""
    provisioner = manager.provisioner
    provisioner.process = process
    provisioner.pid = provisioner.pgid = process.pid  # the child leads its own session
    provisioner.cwd = cwd
    manager._reconcile_connection_info(provisioner.connection_info)


def execute(nb_path: Path, out_nb: Path, parameters: dict, cwd: Path, shells: list | None = None) -> dict:
    """Run ``nb_path`` into ``out_nb``; the result as a dict (see the module docstring). ``shells``: see
    :func:`kernel_manager_class`."""
    import nbformat
    import papermill as pm

    from . import notebooks

    ipc_dir = tempfile.mkdtemp(prefix="itb-k-")  # short: a socket path must stay under ~100 characters
    try:
        pm.execute_notebook(
            str(nb_path),
            str(out_nb),
            parameters=parameters or None,
            cwd=str(cwd),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            kernel_manager_class=kernel_manager_class(ipc_dir, shells),
        )
    except pm.PapermillExecutionError as err:
        return {
            "ok": False,
            "what": f"cell {err.exec_count}: {err.ename}: {err.evalue}",
            "bad_input": err.ename == "StudyInputError",
        }
    except Exception as err:  # a dead kernel, a timeout: still this notebook's failure
        return {"ok": False, "what": f"{type(err).__name__}: {err}".strip(), "bad_input": False}
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
        for shell in shells or ():
            shell.discard()
    notebooks.write(notebooks.strip_volatile(nbformat.read(out_nb, as_version=4)), out_nb)
    return {"ok": True}


def child(nb_path: Path, out_nb: Path, parameters: dict, cwd: Path, env: dict, log: Path, conn) -> None:
    """The body of a notebook process forked by the runner: run one notebook, send the result through ``conn``."""
    _quiet_signals()
    from .. import paths

    os.chdir(paths.ROOT)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits it (where to write outputs, PYTHONPATH)
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError:  # the run was stopped while this process was being started: its folder is gone
        os._exit(1)
    os.dup2(fd, 1)  # papermill's and nbclient's chatter is not the user's; the runner reads the log on failure
    os.dup2(fd, 2)
    os.close(fd)
    from . import kernels

    # forked now, while this process is quiet; it becomes the notebook's kernel (it has no use for the pipe)
    shells = [kernels.Shell(close=(conn.fileno(),))]
    result = execute(nb_path, out_nb, parameters, cwd, shells)
    if "what" in result:
        result["what"] = result["what"][:2000]  # one line for the user, not a whole report
    conn.send(result)
    conn.close()


def _quiet_signals() -> None:
    # Ctrl-C reaches this process with the runner's (same process group): end quietly, the runner reports it.
    signal.signal(signal.SIGINT, lambda *_: _quiet_exit(130))
    signal.signal(signal.SIGTERM, lambda *_: _quiet_exit(143))


def _quiet_exit(code: int):
    """Leave without a traceback; papermill's context managers shut the kernel down on SystemExit (a second
    Ctrl-C or SIGTERM must not cut that short and leave the kernel running)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - stays open until the process ends
    raise SystemExit(code)
