"""Run the whole study: ``python -m helpers.runner.run [--params FILE] [--data DIR] [--name NAME]``.

Without options, the default study: notebooks written back in place (committed with their outputs) and
``outputs/`` regenerated; with them, everything goes to ``outputs/runs/NAME/``. Every input is checked first (a
problem: one line, exit code 2), and the run is moved into place only when every notebook succeeded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from helpers import paths
from helpers.errors import StudyInputError
from helpers.runner import plan, replace, shown, side_by_side

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, side_by_side.INTERRUPTED


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.runner.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--params", metavar="FILE", help="YAML file of parameters (see params/)")
    ap.add_argument("--data", metavar="DIR", help="your chart data: a folder (patients and doses) or one .xlsx")
    ap.add_argument("--name", help="name of the run folder under outputs/runs/ (default: from --params or --data)")
    ap.add_argument("--out", metavar="DIR", help=argparse.SUPPRESS)  # tests and bench: the default study elsewhere
    ap.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    args = ap.parse_args(argv)
    try:
        return execute(plan.make(args.params, args.data, args.name, args.out, not args.no_html))
    except StudyInputError as err:
        print("\n".join(f"error: {line}" for line in err.lines), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # while checking the inputs (reading chart data can take a few seconds)
        print("\ninterrupted; previous outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED


def execute(p: plan.Plan) -> int:
    """Run the notebooks of ``p`` into a temporary folder, render the pages, then move the result into place."""
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=_existing(p.target if p.in_place else p.target.parent)))
    # the kernels write figures and tables to the work folder (paths.output_dir) and import helpers from here
    pythonpath = os.pathsep.join(filter(None, [str(paths.ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, paths.OUTPUT_ENV: str(work), "PYTHONPATH": pythonpath}
    try:
        from tqdm.auto import tqdm

        from helpers.runner import site

        pages = site.titles(p.notebooks) if p.html else None

        def done(name):  # a notebook's pages are rendered while the others still run
            bar.update(1)
            bar.set_postfix_str(name)
            if pages:
                site.notebook_pages(work, name, pages)

        with tqdm(total=len(p.notebooks), desc="study", unit="notebook", file=sys.stderr) as bar:
            failure = side_by_side.run_all(p.notebooks, work, p.values, env, done)
        if failure:
            nb, result = failure
            kept = replace.keep_failed(p, work, nb, result)
            print(f"error: notebook {nb.name} failed in {result['what']}{kept}; previous outputs are unchanged",
                  file=sys.stderr)  # fmt: skip
            return EXIT_BAD_INPUT if result.get("bad_input") else EXIT_FAILED
        if p.html:
            site.write(work, p, pages)
        replace.install(p, work)
        if paths.RUNS.exists() and (p.in_place or p.target.parent == paths.RUNS):
            site.runs_index(paths.RUNS)  # every run, a notebook's alone with papermill included
    except KeyboardInterrupt as err:
        print(f"\ninterrupted{getattr(err, 'where', '')}; previous outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except replace.InUse as err:
        print(f"error: {err}; previous outputs are unchanged", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        print(f"error: could not write the outputs ({err.strerror}: {err.filename}); previous outputs are unchanged",
              file=sys.stderr)  # fmt: skip
        return EXIT_BAD_INPUT
    finally:
        shutil.rmtree(work, ignore_errors=True)
    where = "notebooks/ and outputs/" if p.in_place else shown(p.target)
    print(f"study done: {len(p.notebooks)} notebooks; results in {where}", file=sys.stderr)
    return EXIT_OK


def _existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


if __name__ == "__main__":
    raise SystemExit(main())
