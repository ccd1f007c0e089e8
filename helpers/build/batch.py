"""Several parameter runs in one process, for quick checks: ``python -m helpers.build.batch OUT FILE...``.

Each notebook gets one kernel that serves every run in turn (its namespace reset in between), forked from
this process once it has imported the notebooks' libraries (kernels.py), so they are imported once in all: the tests run all the
examples in params/ this way. Each run writes its executed notebooks, figures and tables to ``OUT/NAME/``
(no HTML). A real run (``python -m helpers.build.run``) gives every notebook a fresh kernel.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from .. import params, paths
from ..errors import StudyInputError
from . import kernels, notebooks

RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"


def run_many(files: list[Path], out_root: Path) -> dict[str, str | None]:
    """Run the study once per parameters file into ``out_root/<file stem>/``; {stem: None or what failed}."""
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    from .execute import kernel_manager_class

    runs = {}
    for f in files:
        values = params.load_file(f)  # bad files are refused before anything runs
        out = Path(out_root) / Path(f).stem
        (out / "notebooks").mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, out / "params.yaml")
        runs[Path(f).stem] = ({**values, "output_dir": str(out.resolve())}, out)
    failed: dict[str, str | None] = dict.fromkeys(runs)
    nbs = paths.study_notebooks()
    # the libraries imported here once; each notebook's kernel is a forked copy of this process (kernels.py)
    kernels.preload(notebooks.imported_modules(nbs))
    shells = [kernels.Shell() for _ in nbs]  # forked before any event loop or socket exists
    ipc_dir = tempfile.mkdtemp(prefix="itb-k-")
    try:
        for nb_path, shell in zip(nbs, shells):
            source = nbformat.read(nb_path, as_version=4)
            source.metadata["papermill"] = {}  # papermill's parameterize step records the values there
            declared = notebooks.declared_parameters(nb_path)
            km = kernel_manager_class(ipc_dir, [shell])(kernel_name="python3")
            try:
                for stem, (values, out) in runs.items():
                    if failed[stem]:
                        continue
                    nb = parameterize_notebook(
                        copy.deepcopy(source), {k: v for k, v in values.items() if k in declared}
                    )
                    nb.cells.insert(0, nbformat.v4.new_code_cell(RESET))
                    client = NotebookClient(
                        nb, km=km, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent)}}
                    )
                    try:
                        client.execute()
                    except CellExecutionError as err:
                        failed[stem] = f"{nb_path.name}: {str(err).strip().splitlines()[-1]}"
                    nb.cells.pop(0)
                    notebooks.write(notebooks.strip_volatile(nb), out / "notebooks" / nb_path.name)
            finally:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
        for shell in shells:
            shell.discard()
    return failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.build.batch", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder for the runs (one subfolder each)")
    ap.add_argument("files", type=Path, nargs="+", help="parameters files")
    args = ap.parse_args(argv)
    try:
        failed = run_many(args.files, args.out)
    except StudyInputError as err:
        print("\n".join(f"error: {line}" for line in err.lines), file=sys.stderr)
        return 2
    print(json.dumps(failed, indent=1))
    return 1 if any(failed.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
