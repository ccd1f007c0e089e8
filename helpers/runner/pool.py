"""``make pool``: clinics' summaries pooled, ``python -m helpers.runner.pool [--name NAME] [SUMMARY ...]``.

Every summary is checked first (one line per problem, exit code 2, nothing run); then the pooling notebook
(``notebooks/clinics/08_clinics.ipynb``) runs through papermill as the study's notebooks do, into
``outputs/runs/NAME/`` (default ``pool``) with its pages. No summary: the shipped example clinics.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers import paths
from helpers.errors import StudyInputError
from helpers.runner import plan, run

NOTEBOOK = paths.NOTEBOOKS / "clinics" / "08_clinics.ipynb"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.runner.pool", description=__doc__.split("\n\n")[0])
    ap.add_argument("summaries", nargs="*", metavar="SUMMARY", help="summary.json files (none: the examples)")
    ap.add_argument("--name", default="pool", help="name of the run folder under outputs/runs/ (default: pool)")
    ap.add_argument("--paper", choices=("row", "comparison"), help="the paper pooled as a row, or only shown")
    ap.add_argument("--out", metavar="DIR", help=argparse.SUPPRESS)  # tests: elsewhere than outputs/runs/
    args = ap.parse_args(argv)
    from helpers.pooling import checks, examples  # here: a wrong option is answered before numpy imports

    try:
        files = [Path(f).resolve() for f in args.summaries]
        checks.read(files or sorted(examples.FOLDER.glob("*.json")))  # every problem before any notebook runs
        if not all(c.isalnum() or c in "-_." for c in args.name) or args.name.startswith("."):
            raise StudyInputError(f"run name {args.name!r}: use letters, digits, '-', '_' or '.' (option --name)")
    except StudyInputError as err:
        print("\n".join(f"error: {line}" for line in err.lines), file=sys.stderr)
        return run.EXIT_BAD_INPUT
    values = {"summaries": [str(f) for f in files], **({"paper": args.paper} if args.paper else {})}
    target = Path(args.out).resolve() if args.out else paths.RUNS / args.name
    return run.execute(plan.Plan([NOTEBOOK], target, values, args.name, failed=paths.FAILED / args.name))


if __name__ == "__main__":
    raise SystemExit(main())
