"""Kernels forked from a process that has already imported what the notebooks import.

A kernel started the usual way is a new Python that imports IPython, numpy, pandas, scipy, matplotlib ...
before a notebook's first cell has done anything: about 2.5 s per notebook, most of a study run. Here the
libraries are imported once (by the runner's forkserver for every notebook of a run, see ``warm.py``; by the
batch process for all its runs), and each kernel is a forked copy of that process:

* :class:`Shell` forks a child at a quiet moment (one thread, no event loop, no sockets), which waits;
* the kernel manager from :func:`helpers.build.execute.kernel_manager_class` hands it the kernel command,
  environment and folder that jupyter_client would have given a new process, and the child becomes that
  kernel (``ipykernel``'s own app, run in place of ``python -m ipykernel_launcher``);
* the kernel is a child of the notebook's process, in a session of its own, exactly as a ``Popen``'ed kernel
  is, and :class:`ForkedKernel` gives jupyter_client the ``Popen`` methods it uses (poll, wait, signals).

A process that cannot fork at a quiet moment (a pytest-xdist worker has threads: ``make test``'s nbval) asks
the forkserver instead (:func:`launch_served`): the kernel is then the server's child, and the server, which
ends with that process, reports its end (:class:`ServedKernel`).

The child starts from a clean slate as far as a notebook can tell: the kernel's own environment, folder,
``sys.argv`` and ``sys.path``, fresh random states, matplotlib's backend chosen from the kernel's environment
(nothing drew a figure before the fork), no exit handlers or multiprocessing state of the parent. Modules
already imported are the one difference, which is the point. A command that is not this interpreter's
``ipykernel_launcher`` is simply executed, as ``Popen`` would.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import signal
import subprocess
import sys
import time
from multiprocessing import process as _mp_process

# multiprocessing's class for a main process (not exported): this module is imported by one (the forkserver,
# a batch), and a kernel forked from a notebook's process is given a fresh one
_MAIN_PROCESS = type(_mp_process.current_process()) if _mp_process.parent_process() is None else None
PRELOAD_ENV = "ITB_STUDY_PRELOAD"  # the modules the runner's forkserver imports (see warm.py)
_WRITE_ENDS: set[int] = set()  # of the shells waiting in this process
_SERVED: tuple[str, ...] | None = None  # what this process's forkserver imported (see forkserver())


# what a library imports on first use, in most notebooks that import it (pandas' Styler for every table, about
# 0.1 s; statsmodels' API, 0.3 s): imported once with the library rather than in each kernel
FIRST_USE = ("pandas.io.formats.style", "statsmodels.api")


def preload(modules) -> None:
    """Import ``modules`` (names; those that fail to import are left to the kernel to report), ipykernel, and
    the :data:`FIRST_USE` modules of the libraries these have imported."""
    import importlib

    for name in ("ipykernel.kernelapp", *modules):
        with contextlib.suppress(Exception):  # the notebook's own import raises it again, where a reader sees it
            importlib.import_module(name)
    for name in FIRST_USE:
        if name.partition(".")[0] in sys.modules:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    _new_interpreter_path()
    # what was imported lives as long as the process: the collector need not walk it again, here or in a
    # process forked from here (each Shell collects garbage before it forks: 0.1 s each without this)
    gc.collect()
    gc.freeze()


class Shell:
    """A child process forked now, waiting to become a kernel (:meth:`launch`) or to be discarded."""

    def __init__(self, close: tuple[int, ...] = ()):
        """``close``: descriptors of the parent's that the kernel must not hold (a pipe whose end is awaited)."""
        gc.collect()  # nothing of the parent's garbage is left to be finalised in the child
        read_end, self._write_end = os.pipe()
        # the path entries this interpreter adds by itself, as they would be in a new kernel process
        self._base_path = _new_interpreter_path()
        self.pid = os.fork()
        if self.pid == 0:  # the child: wait for the kernel command, run the kernel, never return
            code = 1
            try:
                # its own pipe's and earlier shells' writing ends: each shell reads its pipe to the end
                for fd in (self._write_end, *_WRITE_ENDS, *close):
                    os.close(fd)
                os.setsid()  # a session of its own, as jupyter_client starts kernels: Ctrl-C is for the notebook's process
                code = _serve(read_end, self._base_path)
            except BaseException:  # to the kernel's log, as for a kernel that fails to start
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(read_end)
        _WRITE_ENDS.add(self._write_end)

    def _close(self) -> None:
        _WRITE_ENDS.discard(self._write_end)
        os.close(self._write_end)
        self._write_end = None

    def launch(self, cmd: list[str], env: dict | None, cwd: str | None) -> ForkedKernel:
        """Turn the waiting child into the kernel ``cmd`` would have started; a Popen-like handle to it."""
        env = dict(env if env is not None else os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it: the kernel ends with us
        # a new process starts where this one is now (papermill changes folder to the notebook's before it)
        order = json.dumps({"cmd": list(cmd), "env": env, "cwd": cwd or os.getcwd()})
        with os.fdopen(os.dup(self._write_end), "w", encoding="utf-8") as pipe:
            pipe.write(order)
        self._close()
        return ForkedKernel(self.pid)

    def discard(self) -> None:
        """The child is not needed: it ends when its pipe closes; reap it."""
        if self._write_end is not None:
            self._close()
            ForkedKernel(self.pid).wait(timeout=10)


class ForkedKernel:
    """What jupyter_client's LocalProvisioner uses of ``subprocess.Popen``, for a forked kernel process."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # already reaped elsewhere
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ServedKernel(ForkedKernel):
    """A kernel forked by multiprocessing's forkserver (see :func:`launch_served`): the server is its parent
    and reports its end."""

    def __init__(self, process):
        super().__init__(process.pid)
        self._process = process

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._process.exitcode
        return self.returncode


def forkserver(modules=()):
    """multiprocessing's forkserver, its server having imported papermill, ipykernel and ``modules`` (what the
    notebooks import, see ``warm.py``) once: the runner forks its notebook processes from it, nbval its kernels.

    A process has one such server. One that lacks some of ``modules`` (started for other notebooks, in a
    process that runs the study more than once) is replaced by one that imports both its modules and these:
    nothing forked from it may still be running then (the runner and nbval ask before a run, a notebook)."""
    global _SERVED
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows: each process imports for itself
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["helpers.build.warm"])
    from multiprocessing import forkserver as server

    modules = tuple(modules)
    if (
        _SERVED is not None
        and not set(modules) <= set(_SERVED)  # a module it tried and could not import is not asked for again
        and server._forkserver._forkserver_pid is not None
        and not multiprocessing.active_children()  # _stop waits for every process forked from the server
        and _lacking(ctx, modules)
    ):
        server._forkserver._stop()  # not public (CPython's own tests use it); ensure_running starts a new one
        modules = tuple(dict.fromkeys((*_SERVED, *modules)))
        _SERVED = None
    # Started with Ctrl-C ignored (kept across exec): the server shares the terminal, and a Ctrl-C while it
    # starts would print a traceback there. A Ctrl-C in these few milliseconds is lost; the next one is not.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[PRELOAD_ENV] = " ".join(modules)  # warm.py imports them, whatever they raise
    try:
        server.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
        del os.environ[PRELOAD_ENV]
    if _SERVED is None:
        _SERVED = modules
    return ctx


def _lacking(ctx, modules) -> bool:
    """Whether the server has not imported some of ``modules`` (asked of a process it forks)."""
    if not modules:
        return False
    here, there = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_report_lacking, args=(there, modules), name="probe")
    process.start()
    there.close()
    try:
        return bool(here.recv())
    except EOFError:  # the probe died: a new server will do
        return True
    finally:
        here.close()
        process.join()


def _report_lacking(conn, modules) -> None:
    def imported(name):  # a module, or a name imported from one (``from helpers.errors import StudyInputError``)
        parent, _, attr = name.rpartition(".")
        return name in sys.modules or (parent in sys.modules and hasattr(sys.modules[parent], attr))

    conn.send([m for m in modules if not imported(m)])


def launch_served(ctx, cmd: list[str], env: dict | None, cwd: str | None) -> ServedKernel:
    """The kernel ``cmd`` would have started, forked by the server of :func:`forkserver`, for a process that
    cannot fork one itself at a quiet moment (a pytest-xdist worker has threads)."""
    order = {"cmd": list(cmd), "env": dict(env if env is not None else os.environ), "cwd": cwd or os.getcwd()}
    process = ctx.Process(target=_served, args=(order, _new_interpreter_path()), name="kernel", daemon=True)
    process.start()
    return ServedKernel(process)


def _served(order: dict, base_path: list[str]) -> None:
    os.setsid()  # a session of its own, as jupyter_client starts kernels
    # its parent is the server, which ends with the process that started it: the kernel ends with the server
    order["env"]["JPY_PARENT_PID"] = str(os.getppid())
    sys.exit(_become(order, base_path))


@functools.cache
def _new_interpreter_path() -> list[str]:
    """sys.path of a new interpreter after its first entry and without PYTHONPATH (what _run_kernel completes):
    asked of one, since this process's path may hold what pytest or multiprocessing put there. Asked once by
    :func:`preload`, so that the processes forked from there have the answer."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "import json, sys; print(json.dumps(sys.path[0 if sys.flags.safe_path else 1 :]))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _serve(read_end: int, base_path: list[str]) -> int:
    with os.fdopen(read_end, "r", encoding="utf-8") as pipe:
        text = pipe.read()
    if not text:  # discarded, or the parent has gone
        return 0
    return _become(json.loads(text), base_path)


def _become(order: dict, base_path: list[str]) -> int:
    """Become the kernel of ``order`` (cmd, env, cwd); its exit code."""
    cmd, env, cwd = order["cmd"], order["env"], order["cwd"]
    null = os.open(os.devnull, os.O_RDWR)  # the kernel's own log is discarded (see execute.kernel_manager_class)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    if cwd:
        os.chdir(cwd)
    launcher = _launcher_args(cmd)
    if launcher is None:  # another kernel: started as Popen would (exec does not return)
        _drop_multiprocessing_pipes()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the forkserver ignores Ctrl-C; exec keeps what is ignored
        os.execve(cmd[0], cmd, env)
    return _run_kernel(launcher, env, base_path)


def _launcher_args(cmd: list[str]) -> list[str] | None:
    """The arguments of ``ipykernel_launcher`` if ``cmd`` runs it with this interpreter, else None.

    ``-X`` options before ``-m`` are allowed: ipykernel's spec has ``-Xfrozen_modules=off`` (for its debugger,
    which this study does not use; the forked kernel keeps the interpreter's frozen standard modules)."""
    if "-m" not in cmd or os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    at = cmd.index("-m")
    if cmd[at + 1 : at + 2] != ["ipykernel_launcher"] or not all(a.startswith("-X") for a in cmd[1:at]):
        return None
    return cmd[at + 2 :]


def _run_kernel(argv: list[str], env: dict, base_path: list[str]) -> int:
    import atexit
    import random

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(env)
    # as `python -m ipykernel_launcher` has it (the launcher then drops the folder; IPython adds '' back)
    sys.path[:] = [*filter(None, env.get("PYTHONPATH", "").split(os.pathsep)), *base_path]
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *argv]
    atexit._clear()  # the parent's exit handlers are the parent's; those a module registers on import come back:
    _fresh_process_state(atexit.register)
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:  # read from MPLBACKEND when matplotlib is imported, i.e. before this kernel's environment
        mpl.rcParams["backend"] = env.get("MPLBACKEND") or "module://matplotlib_inline.backend_inline"
    import asyncio

    from ipykernel import kernelapp

    asyncio.set_event_loop_policy(None)  # a parent's event loop (its selector shared after the fork) is not ours
    gc.freeze()  # what came with the fork is never collected: the collector does not walk it again and again
    code = 0
    try:  # ipykernel reads JPY_PARENT_PID (the kernel ends if that process does) when imported: passed here
        kernelapp.IPKernelApp.launch_instance(parent_handle=int(env.get("JPY_PARENT_PID") or 0))
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a stream closed at exit
            stream.flush()
    return code


def _fresh_process_state(at_exit) -> None:
    """This process is the main process of the kernel, not a child of the notebook's process (multiprocessing
    keeps track of that; it matters to a notebook that starts processes of its own)."""
    import itertools

    if "logging" in sys.modules:
        at_exit(sys.modules["logging"].shutdown)

    mp_process = sys.modules.get("multiprocessing.process")
    if mp_process is not None and _MAIN_PROCESS and not isinstance(mp_process._current_process, _MAIN_PROCESS):
        mp_process._current_process = _MAIN_PROCESS()
        mp_process._parent_process = None
        mp_process._children = set()
        mp_process._process_counter = itertools.count(1)
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        mp_util._finalizer_registry.clear()
        at_exit(mp_util._exit_function)
    _drop_multiprocessing_pipes()


def _drop_multiprocessing_pipes() -> None:
    """A process forked by the forkserver holds the server's "alive" pipe (the server lives as long as one holder
    does) and the resource tracker's: a kernel does not keep them alive, nor they it."""
    server, tracker = sys.modules.get("multiprocessing.forkserver"), sys.modules.get("multiprocessing.resource_tracker")
    for holder, attr in (
        (server and server._forkserver, "_forkserver_alive_fd"),
        (tracker and tracker._resource_tracker, "_fd"),
    ):
        fd = getattr(holder, attr, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
            setattr(holder, attr, None)
    if tracker is not None:
        tracker._resource_tracker._pid = None
