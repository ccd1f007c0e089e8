"""Run the whole study: ``python -m helpers.build.run [--params FILE] [--data DIR] [--name NAME]``.

* No options: the default study. Notebooks are executed in order with papermill, written back in place
  (committed with their outputs, so GitHub shows the study) and ``outputs/`` is regenerated.
* ``--params params/NAME.yaml`` and/or ``--data DIR`` (or ``--data FILE.xlsx``): the same study with those
  parameters or that chart data; everything of the run goes to ``outputs/runs/NAME/`` (git-ignored).

Everything is checked before any notebook runs (parameters, data, the output folder); a problem is one
line per fault and exit code 2. The run is built in a temporary folder and moved into place only when
every notebook succeeded, so a failure or Ctrl-C leaves the previous outputs as they were.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .. import paths
from ..errors import StudyInputError
from . import kernels, notebooks, shown

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_PARTS = ("figures", "tables", "html")  # what the default run owns in outputs/


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.build.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--params", metavar="FILE", help="YAML file of parameters (see params/)")
    ap.add_argument(
        "--data",
        metavar="DIR",
        help="your chart data: a folder (patients and doses, .csv or .xlsx) or one .xlsx workbook",
    )
    ap.add_argument("--name", help="name of the run folder under outputs/runs/ (default: from --params or --data)")
    ap.add_argument("--out", metavar="DIR", help=argparse.SUPPRESS)  # tests/bench: build the default study elsewhere
    ap.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    args = ap.parse_args(argv)
    try:
        plan = _plan(args)
    except StudyInputError as err:
        for line in err.lines:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # while checking the inputs (reading chart data can take a few seconds)
        print("\ninterrupted; previous outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    return execute(plan)


def _plan(args) -> dict:
    """Check every input and decide where the run goes; raises StudyInputError naming each problem."""
    from .. import params  # here, not at the top: a Ctrl-C while it imports numpy is answered quietly by main()

    values = params.load_file(args.params) if args.params else {}
    if "output_dir" in values:
        raise StudyInputError(
            f"{args.params}: parameter 'output_dir': the runner decides where a run goes "
            "(outputs/runs/NAME/); use --name NAME instead"
        )
    if args.data:
        values["data_dir"] = str(Path(args.data).resolve())
    if values.get("data_dir"):
        from .. import reading  # pandas and pandera: only when there is chart data to check

        values["data_dir"] = str(Path(values["data_dir"]).expanduser().resolve())
        for note in reading.read(Path(values["data_dir"]))[2]:  # every data problem, before any notebook runs
            print(f"note: {note}", file=sys.stderr)
    named = bool(args.params or args.data or args.name)
    data_name = (Path(args.data).stem if Path(args.data).is_file() else Path(args.data).name) if args.data else None
    name = args.name or (Path(args.params).stem if args.params else data_name)
    if named and (not name or not all(c.isalnum() or c in "-_." for c in name) or name.startswith(".")):
        raise StudyInputError(f"run name {name!r}: use letters, digits, '-', '_' or '.' (option --name)")
    if args.out:
        target = Path(args.out).resolve()
    else:
        target = paths.RUNS / name if named else paths.OUTPUTS
    parent = target.parent if named or args.out else target
    folders = [parent] if named or args.out else [parent, paths.NOTEBOOKS]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StudyInputError(
                f"output folder {shown(folder)}: cannot be created ({err.strerror}); previous outputs are unchanged"
            ) from None
        try:  # a real write, not os.access: root passes os.access even where writing fails
            tempfile.TemporaryFile(dir=folder).close()
        except OSError as err:
            raise StudyInputError(
                f"output folder {shown(folder)}: not writable ({err.strerror}); previous outputs are unchanged"
            ) from None
    nbs = paths.study_notebooks()
    if not nbs:
        raise StudyInputError(f"{paths.NOTEBOOKS}: no notebooks named NN_topic.ipynb")
    edited_defaults(nbs)
    failed = (paths.FAILED / (name or "default")) if not args.out else target.with_name(target.name + "-failed")
    return {
        "values": values,
        "named": named,
        "name": name,
        "target": target,
        "notebooks": nbs,
        "failed": failed,
        "in_place": not named and not args.out,
        "params_file": args.params,
        "html": not args.no_html,
    }


def edited_defaults(nbs) -> None:
    """Refuse notebooks whose parameters cell no longer holds the study's defaults (an edit saved in JupyterLab,
    say): the committed study would silently become another one. Values belong in a parameters file."""
    from .. import params

    lines = []
    for nb in nbs:
        for name, value in notebooks.declared_parameters(nb).items():
            if name in params.DEFAULTS and value != params.DEFAULTS[name]:
                lines.append(
                    f"{shown(nb)}: parameter {name!r} is {value!r} in the parameters cell, but the study's default "
                    f"is {params.DEFAULTS[name]!r}; restore it (git checkout {shown(nb)}) and set other values "
                    "in a parameters file (make study PARAMS=...) or experiment in make lab"
                )
    if lines:
        raise StudyInputError(lines)


def _existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


# What a notebook reads that another notebook writes. Today each notebook reads only the data, so all run
# side by side; a notebook listed here starts only after the ones it needs have finished.
NEEDS: dict[str, tuple[str, ...]] = {}


def workers() -> int:
    """How many notebooks run at once: one per core (a kernel keeps one core busy)."""
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def execute(plan: dict) -> int:
    target: Path = plan["target"]
    build_parent = _existing(target.parent if plan["named"] or not plan["in_place"] else target)
    build = None
    running: dict[str, NotebookProcess] = {}
    try:
        from tqdm.auto import tqdm

        build = Path(tempfile.mkdtemp(prefix=".build-", dir=build_parent))
        (build / "notebooks").mkdir()
        env = {**os.environ, paths.OUTPUT_ENV: str(build)}  # the kernels write figures/tables here (paths.output_dir)
        # kernels import helpers even where the package is not installed (a conda environment without postBuild)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(paths.ROOT), os.environ.get("PYTHONPATH")]))
        # the notebooks' processes, and their kernels, are forked from a server that has imported what they import
        ctx = kernels.forkserver(notebooks.imported_modules(plan["notebooks"]))
        with tqdm(total=len(plan["notebooks"]), desc="study", unit="notebook", file=sys.stderr) as bar:
            failure = _run_side_by_side(plan, ctx, build, env, running, bar)
        if failure:
            return _failed(plan, *failure)
        if plan["html"]:
            from . import site

            site.build(build, plan)
        _install(plan, build)
    except KeyboardInterrupt:
        _stop(running, grace=5)  # Ctrl-C reached the notebook processes too: let them shut their kernels down
        where = "".join(
            f" in {name}" + (f", cell {cell}" if (cell := notebooks.running_cell(build / "notebooks" / name)) else "")
            for name in sorted(running)[:1]
            if build
        )
        print(f"\ninterrupted{where}; previous outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:
        print(
            f"error: could not write the outputs ({err.strerror}: {err.filename}); previous outputs are unchanged",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    finally:
        _stop(running)
        if build:
            shutil.rmtree(build, ignore_errors=True)
    where = "notebooks/ and outputs/" if plan["in_place"] else shown(target)
    print(f"study done: {len(plan['notebooks'])} notebooks; results in {where}", file=sys.stderr)
    return EXIT_OK


def _run_side_by_side(plan: dict, ctx, build: Path, env: dict, running: dict, bar):
    """Execute the notebooks, up to :func:`workers` at a time, each in its own process (execute.child).

    Returns None when all succeeded, else (notebook, executed copy, what failed, is it bad input) for the first
    failing notebook in reading order; the others still running are stopped."""
    # the most code first (notebook 6 takes as long as three others): the last to finish is then not a long one
    waiting = sorted(plan["notebooks"], key=notebooks.code_size, reverse=True)
    done: set[str] = set()
    failures = {}
    while (waiting or running) and not failures:
        ready = [nb for nb in waiting if set(NEEDS.get(nb.stem, ())) <= done]
        while ready and len(running) < workers():
            nb = ready.pop(0)
            waiting.remove(nb)
            with _ctrl_c_deferred():  # a notebook process is either not started or in `running`, never between
                running[nb.name] = _start(plan, nb, build / "notebooks" / nb.name, env, ctx)
        finished = _wait_any(running)
        if running[finished].poll() == EXIT_INTERRUPTED:  # Ctrl-C ended that notebook before the runner saw it
            raise KeyboardInterrupt
        proc = running.pop(finished)
        result = _result(proc)
        nb = next(p for p in plan["notebooks"] if p.name == finished)
        if result["ok"]:
            done.add(nb.stem)
            bar.update(1)
            bar.set_postfix_str(finished)
        else:
            failures[nb] = (build / "notebooks" / finished, result["what"], result.get("bad_input", False))
    _stop(running)
    if failures:
        first = min(failures, key=plan["notebooks"].index)
        return (first, *failures[first])
    return None


def _start(plan: dict, nb_path: Path, out_nb: Path, env: dict, ctx) -> NotebookProcess:
    declared = notebooks.declared_parameters(nb_path)
    inject = {k: v for k, v in plan["values"].items() if k in declared}
    return NotebookProcess(ctx, nb_path, out_nb, inject, env)


class NotebookProcess:
    """One notebook executing in a process forked from a warm server (papermill and the notebook's libraries
    already imported, see warm.py and kernels.py)."""

    def __init__(self, ctx, nb_path: Path, out_nb: Path, parameters: dict, env: dict):
        from . import execute

        self.log = out_nb.parent.parent / ".logs" / f"{out_nb.stem}.log"
        self.log.parent.mkdir(exist_ok=True)
        self._conn, child_end = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(
            target=execute.child, args=(nb_path, out_nb, parameters, nb_path.parent, env, self.log, child_end)
        )
        self._result: dict | None = None
        self._proc.start()
        child_end.close()

    def poll(self) -> int | None:
        if self._result is None and self._conn.poll():  # read as it comes: a large result must not block the child
            try:
                self._result = self._conn.recv()
            except (EOFError, OSError):  # the process ended without a result
                self._result = {}
        return self._proc.exitcode

    def send_signal(self, sig: int) -> None:
        if self._proc.pid and self._proc.exitcode is None:
            with contextlib.suppress(ProcessLookupError):  # it may have ended a moment ago
                os.kill(self._proc.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"notebook process {self._proc.pid}", timeout)
            self._proc.join(0.05)
        return self._proc.exitcode

    def kill(self) -> None:
        self._proc.kill()

    def result(self) -> dict:
        self.poll()
        if self._result:
            return self._result
        lines = self.log.read_text(errors="replace").strip().splitlines() if self.log.exists() else []
        last = f"exit code {self._proc.exitcode}" + (f"; its last words: {lines[-1][:300]}" if lines else "")
        return {"ok": False, "what": f"the notebook process ended unexpectedly ({last})", "bad_input": False}

    def close(self) -> None:
        self._conn.close()


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Hold Ctrl-C until the block is done, then raise it as usual. (A handler that notes the key, not a signal
    mask: Python runs handlers in the main thread whichever thread the signal reaches, and tqdm's monitor thread
    or multiprocessing would not be masked.)"""
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pressed:
            raise KeyboardInterrupt


def _wait_any(running: dict) -> str:
    """The name of a notebook whose process has ended (waits for the first)."""
    while True:
        for name, proc in running.items():
            if proc.poll() is not None:
                return name
        time.sleep(0.05)


def _result(proc: NotebookProcess) -> dict:
    proc.wait()
    result = proc.result()
    proc.close()
    return result


def _stop(running: dict, grace: float = 0) -> None:
    """End notebook processes still running (each shuts its kernel down) and wait for them."""
    deadline = time.monotonic() + grace
    while grace and time.monotonic() < deadline and any(p.poll() is None for p in running.values()):
        time.sleep(0.05)
    for proc in running.values():
        if proc.poll() is None:  # SIGTERM: quiet like Ctrl-C once the process set its handlers, and ends it before
            proc.send_signal(signal.SIGTERM)
    for proc in running.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.close()


def _failed(plan, nb_path: Path, out_nb: Path, what: str, bad_input: bool) -> int:
    keep = plan["failed"]
    kept = ""
    if out_nb.exists():
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(out_nb, keep / nb_path.name)
        kept = f"; the executed notebook is kept in {shown(keep / nb_path.name)}"
    log = out_nb.parent.parent / ".logs" / f"{out_nb.stem}.log"  # what the notebook process itself printed
    if "ended unexpectedly" in what and log.exists() and log.stat().st_size:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(log, keep / log.name)
        kept += f" (its log: {shown(keep / log.name)})"
    print(f"error: notebook {nb_path.name} failed in {what}{kept}; previous outputs are unchanged", file=sys.stderr)
    return EXIT_BAD_INPUT if bad_input else EXIT_FAILED


def _install(plan: dict, build: Path) -> None:
    """Move the finished build into place; the old outputs are replaced only now."""
    if plan["in_place"]:
        import nbformat

        for nb in sorted((build / "notebooks").glob("*.ipynb")):
            notebooks.write(nbformat.read(nb, as_version=4), paths.NOTEBOOKS / nb.name)
        for part in DEFAULT_PARTS:
            _replace(build / part, paths.OUTPUTS / part)
        return
    if plan["params_file"]:
        shutil.copy2(plan["params_file"], build / "params.yaml")
    target = plan["target"]
    for leftover in build.glob(".*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staged = Path(tempfile.mkdtemp(prefix=".staged-", dir=target.parent))
    staged.rmdir()
    build.rename(staged)
    build.mkdir()  # so the caller's cleanup finds a folder
    _replace(staged, target)
    if target.parent == paths.RUNS:
        from . import site

        site.runs_index(paths.RUNS)


def _replace(new: Path, old: Path) -> None:
    """Swap ``new`` in for ``old`` with two renames; ``old`` is deleted only after the swap."""
    if not new.exists():
        return
    if old.exists():
        trash = old.with_name(f".old-{old.name}")
        shutil.rmtree(trash, ignore_errors=True)
        old.rename(trash)
        new.rename(old)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        new.rename(old)


if __name__ == "__main__":
    raise SystemExit(main())
