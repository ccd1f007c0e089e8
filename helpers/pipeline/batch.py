"""Several parameter runs for quick checks: ``python -m helpers.pipeline.batch OUT FILE...``.

Each notebook gets one kernel that serves every run in turn, its namespace reset in between, the way nbclient
documents reusing a kernel (``NotebookClient(nb, km=km)``): the libraries are imported once per notebook, not
once per run. Each run writes its executed notebooks, figures and tables to ``OUT/NAME/`` (no HTML); the tests
run every example in params/ this way. A real run (``python -m helpers.pipeline.run``) gives every notebook a
kernel of its own.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

from .. import params, paths
from ..errors import StudyInputError
from . import execute, notebooks

RESET = "%reset -f\nimport matplotlib.pyplot\nmatplotlib.pyplot.close('all')"


def run_many(files: list[Path], out_root: Path) -> dict[str, str | None]:
    """Run the study once per parameters file into ``out_root/<file stem>/``; {stem: None or what failed}."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    runs = {}
    for f in files:
        values = params.load_file(f)  # bad files are refused before anything runs
        out = Path(out_root) / Path(f).stem
        (out / "notebooks").mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, out / "params.yaml")
        runs[Path(f).stem] = ({**values, "output_dir": str(out.resolve())}, out)
    failed: dict[str, str | None] = dict.fromkeys(runs)
    with tempfile.TemporaryDirectory(prefix="itb-k-") as ipc_dir:
        for nb_path in paths.study_notebooks():
            source = nbformat.read(nb_path, as_version=4)
            source.metadata["papermill"] = {}  # papermill's parameterize step records the values there
            declared = notebooks.declared_parameters(nb_path)
            km = execute.kernel_manager_class(ipc_dir)(kernel_name=execute.KERNEL)
            try:
                for stem, (values, out) in runs.items():
                    if failed[stem]:
                        continue
                    nb = parameterize_notebook(
                        copy.deepcopy(source), {k: v for k, v in values.items() if k in declared}
                    )
                    nb.cells.insert(0, nbformat.v4.new_code_cell(RESET))
                    client = NotebookClient(nb, km=km, resources={"metadata": {"path": str(nb_path.parent)}})
                    try:
                        client.execute()
                    except CellExecutionError as err:
                        failed[stem] = f"{nb_path.name}: {str(err).strip().splitlines()[-1]}"
                    nb.cells.pop(0)
                    notebooks.write(notebooks.strip_volatile(nb), out / "notebooks" / nb_path.name)
            finally:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
    return failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.pipeline.batch", description=__doc__.split("\n\n")[0])
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
