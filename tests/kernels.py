"""Many runs in the tests: ``python -m tests.kernels OUT FILE...`` runs the study once per parameters file.

Each notebook gets one kernel that serves every run in turn, its namespace reset in between, the way nbclient
documents reusing a kernel (``NotebookClient(nb, km=km)``): the libraries are imported once per notebook, not
once per run. Each run writes its executed notebooks, figures and tables to ``OUT/NAME/`` (no HTML). The tests
run every example in params/ and the drawn clinic exports this way; a real run (``python -m
helpers.runner.run``) gives every notebook a kernel of its own.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

from helpers import paths
from helpers.errors import StudyInputError
from helpers.runner import execute, notebook_hygiene
from helpers.study import params

RESET = "%reset -f\nimport matplotlib.pyplot\nmatplotlib.pyplot.close('all')"


class Kernels:
    """One kernel per study notebook, started when first needed and kept for the next run."""

    def __init__(self):
        self.ipc_dir = tempfile.mkdtemp(prefix="itb-k-")
        self.managers = {}

    def run(self, values: dict, out: Path) -> str | None:
        """Every notebook with ``values`` (those it declares) into ``out/notebooks``, writing its figures and
        tables to ``out``; None, or what failed first ("NN_x.ipynb: Error: ...") (later notebooks do not run)."""
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from papermill.parameterize import parameterize_notebook

        (out / "notebooks").mkdir(parents=True, exist_ok=True)
        values = {**values, "output_dir": str(Path(out).resolve())}
        for nb_path in paths.study_notebooks():
            source = nbformat.read(nb_path, as_version=4)
            source.metadata["papermill"] = {}  # papermill's parameterize step records the values there
            declared = notebook_hygiene.declared_parameters(nb_path)
            nb = parameterize_notebook(copy.deepcopy(source), {k: v for k, v in values.items() if k in declared})
            nb.cells.insert(0, nbformat.v4.new_code_cell(RESET))
            if nb_path.name not in self.managers:
                self.managers[nb_path.name] = execute.kernel_manager_class(self.ipc_dir)(kernel_name=execute.KERNEL)
            client = NotebookClient(
                nb, km=self.managers[nb_path.name], resources={"metadata": {"path": str(nb_path.parent)}}
            )
            try:
                client.execute()
            except CellExecutionError as err:
                return f"{nb_path.name}: {err.ename}: {err.evalue}"
            finally:
                if client.kc is not None:  # the kernel stays for the next run; this client's sockets go
                    client.kc.stop_channels()
                nb.cells.pop(0)
                notebook_hygiene.write(notebook_hygiene.strip_volatile(nb), out / "notebooks" / nb_path.name)
        return None

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        for km in self.managers.values():
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        shutil.rmtree(self.ipc_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_many(files: list[Path], out_root: Path) -> dict[str, str | None]:
    """Run the study once per parameters file into ``out_root/<file stem>/``; {stem: None or what failed}."""
    runs = {Path(f).stem: (params.load_file(f), Path(f)) for f in files}  # bad files refused before anything runs
    with Kernels() as kernels:
        failed = {}
        for stem, (values, f) in runs.items():
            out = Path(out_root) / stem
            out.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, out / "params.yaml")
            failed[stem] = kernels.run(values, out)
    return failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.kernels", description=__doc__.split("\n\n")[0])
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
