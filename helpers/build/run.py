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
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from .. import params, paths, reading
from ..errors import StudyInputError
from . import notebooks

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
    return execute(plan)


def _plan(args) -> dict:
    """Check every input and decide where the run goes; raises StudyInputError naming each problem."""
    values = params.load_file(args.params) if args.params else {}
    if "output_dir" in values:
        raise StudyInputError(
            f"{args.params}: parameter 'output_dir': the runner decides where a run goes "
            "(outputs/runs/NAME/); use --name NAME instead"
        )
    if args.data:
        values["data_dir"] = str(Path(args.data).resolve())
    if values.get("data_dir"):
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
                f"output folder {_rel(folder)}: cannot be created ({err.strerror}); previous outputs are unchanged"
            ) from None
        try:  # a real write, not os.access: root passes os.access even where writing fails
            tempfile.TemporaryFile(dir=folder).close()
        except OSError as err:
            raise StudyInputError(
                f"output folder {_rel(folder)}: not writable ({err.strerror}); previous outputs are unchanged"
            ) from None
    nbs = paths.study_notebooks()
    if not nbs:
        raise StudyInputError(f"{paths.NOTEBOOKS}: no notebooks named NN_topic.ipynb")
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


def _existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def execute(plan: dict) -> int:
    import papermill as pm
    from tqdm.auto import tqdm

    target: Path = plan["target"]
    build_parent = _existing(target.parent if plan["named"] or not plan["in_place"] else target)
    build = Path(tempfile.mkdtemp(prefix=".build-", dir=build_parent))
    (build / "notebooks").mkdir()
    previous_env = {k: os.environ.get(k) for k in (paths.OUTPUT_ENV, "PYTHONPATH")}
    os.environ[paths.OUTPUT_ENV] = str(build)  # the kernels write figures/tables here (see paths.output_dir)
    # kernels import helpers whatever environment runs the study (.venv has a .pth file; conda may not)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(paths.ROOT), previous_env["PYTHONPATH"]]))
    current = None
    try:
        with tqdm(plan["notebooks"], desc="study", unit="notebook", file=sys.stderr) as bar:
            for nb_path in bar:
                current = nb_path
                bar.set_postfix_str(nb_path.name)
                failure = _execute_one(pm, plan, nb_path, build / "notebooks" / nb_path.name)
                if failure:
                    bar.close()
                    return _failed(plan, nb_path, build / "notebooks" / nb_path.name, *failure)
        current = None
        if plan["html"]:
            from . import site

            site.build(build, plan)
        _install(plan, build)
    except KeyboardInterrupt:
        where = ""
        if current:
            cell = notebooks.running_cell(build / "notebooks" / current.name)
            where = f" in {current.name}" + (f", cell {cell}" if cell else "")
        print(f"\ninterrupted{where}; previous outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:
        print(
            f"error: could not write the outputs ({err.strerror}: {err.filename}); previous outputs are unchanged",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    finally:
        for key, value in previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(build, ignore_errors=True)
    where = "notebooks/ and outputs/" if plan["in_place"] else _rel(target)
    print(f"study done: {len(plan['notebooks'])} notebooks; results in {where}", file=sys.stderr)
    return EXIT_OK


@functools.cache
def _quiet_kernel_manager():
    """Kernels whose own log (not the notebook's output) does not reach the terminal: no TCP warning at start,
    no traceback when Ctrl-C stops a cell. Everything a cell prints still goes into the notebook."""
    import subprocess

    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = subprocess.DEVNULL
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def _execute_one(pm, plan, nb_path: Path, out_nb: Path):
    """Execute one notebook into the build; None on success, else (what failed, is it bad input)."""
    declared = notebooks.declared_parameters(nb_path)
    inject = {k: v for k, v in plan["values"].items() if k in declared}
    try:
        pm.execute_notebook(
            str(nb_path),
            str(out_nb),
            parameters=inject or None,
            cwd=str(paths.NOTEBOOKS),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            kernel_manager_class=_quiet_kernel_manager(),
        )
    except pm.PapermillExecutionError as err:
        return f"cell {err.exec_count}: {err.ename}: {err.evalue}", err.ename == "StudyInputError"
    except Exception as err:  # a dead kernel, a timeout: still this notebook's failure
        return f"{type(err).__name__}: {err}".strip(), False
    notebooks.write(notebooks.strip_volatile(nbformat.read(out_nb, as_version=4)), out_nb)
    return None


def _failed(plan, nb_path: Path, out_nb: Path, what: str, bad_input: bool) -> int:
    keep = plan["failed"]
    kept = ""
    if out_nb.exists():
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(out_nb, keep / nb_path.name)
        kept = f"; the executed notebook is kept in {_rel(keep / nb_path.name)}"
    print(f"error: notebook {nb_path.name} failed in {what}{kept}; previous outputs are unchanged", file=sys.stderr)
    return EXIT_BAD_INPUT if bad_input else EXIT_FAILED


def _install(plan: dict, build: Path) -> None:
    """Move the finished build into place; the old outputs are replaced only now."""
    if plan["in_place"]:
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


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
