"""One notebook executed by papermill: ``python -m helpers.runner.execute NOTEBOOK OUT RESULT [PARAMETERS]``.

Writes the executed notebook to OUT without volatile metadata, and to RESULT ``{"ok": true}`` or ``{"ok": false,
"what": "cell 3: ValueError: ...", "bad_input": false}``; PARAMETERS is a JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

KERNEL = "python3"


def kernel_manager_class(ipc_dir: str, made: list | None = None):
    """jupyter_client's kernel manager, each one made appended to ``made`` (if given); on IPC sockets in ``ipc_dir`` where
    Unix sockets exist: a TCP port is picked by binding and releasing it, so kernels started together could get
    the same one."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class KernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if made is not None:
                made.append(self)

    if os.name != "posix":
        return KernelManager

    class IPCKernelManager(KernelManager):
        @default("transport")
        def transport_default(self):
            return "ipc"

        @default("ip")
        def ip_default(self):
            return os.path.join(ipc_dir, f"kernel-{id(self):x}")

    return IPCKernelManager


def execute(nb_path: Path, out_nb: Path, parameters: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``nb_path`` into ``out_nb`` in the notebook's folder (or ``cwd``); the outcome as a dict."""
    import nbformat
    import papermill as pm

    from helpers.runner import notebook_hygiene

    ipc_dir = tempfile.mkdtemp(prefix="itb-k-")  # short: a socket's path must stay under about 100 characters
    managers = []
    try:
        pm.execute_notebook(str(nb_path), str(out_nb), parameters=parameters or None, cwd=str(cwd or Path(nb_path).parent),
                            kernel_name=KERNEL, progress_bar=False, log_output=False,
                            kernel_manager_class=kernel_manager_class(ipc_dir, managers))  # fmt: skip
    except KeyboardInterrupt:
        # nbclient starts the kernel before the block that would end it: one interrupted while it starts is ours
        # to end, or it outlives the run (CI once found one hung binding to the sockets' folder removed below)
        for km in managers:
            if km.has_kernel:
                asyncio.run(km.shutdown_kernel(now=True))
        raise
    except pm.PapermillExecutionError as err:
        bad_input = err.ename == "StudyInputError"
        return {"ok": False, "what": f"cell {err.exec_count}: {err.ename}: {err.evalue}", "bad_input": bad_input}
    except Exception as err:  # a dead kernel, a timeout: still this notebook's failure
        return {"ok": False, "what": f"{type(err).__name__}: {err}".strip()[:2000], "bad_input": False}
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
    notebook_hygiene.write(notebook_hygiene.strip_volatile(nbformat.read(out_nb, as_version=4)), out_nb)
    return {"ok": True}


def stopped(signum, frame):
    raise KeyboardInterrupt  # the runner ends this process (another notebook failed): end its kernel as Ctrl-C does


def main(argv=None) -> int:
    nb_path, out_nb, result, *parameters = argv if argv is not None else sys.argv[1:]
    signal.signal(signal.SIGTERM, stopped)
    try:
        outcome = execute(Path(nb_path), Path(out_nb), json.loads(parameters[0]) if parameters else None)
    except KeyboardInterrupt:  # Ctrl-C reached this process too: the runner says what happened
        return 130
    Path(result).write_text(json.dumps(outcome), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
