"""Check a clinic's export in seconds: ``python -m helpers.runner.check --data DIR [--params FILE]``.

The data are checked as a run checks them; the problems (exit code 2), or the notes, the warnings and what the
study would analyse (exact counts, for you only), are printed, and no notebook runs.
"""

from __future__ import annotations

import argparse
import sys

from helpers.core.diagnoses import DIAGNOSES
from helpers.errors import StudyInputError
from helpers.runner import plan


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.runner.check", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", metavar="DIR", required=True, help="a folder (patients and doses) or one .xlsx")
    ap.add_argument("--params", metavar="FILE", help="YAML file of parameters (reference_year, time_points ...)")
    args = ap.parse_args(argv)
    from helpers.core import tables
    from helpers.study import params

    try:
        values = {**params.DEFAULTS, **(params.load_file(args.params) if args.params else {}), "data_dir": args.data}
        export = plan.check_data(values)
    except StudyInputError as err:
        print("\n".join(f"error: {line}" for line in err.lines), file=sys.stderr)
        return 2
    plan.report(export, sys.stdout)
    flow = tables.flow_counts(
        export.patients, export.doses, values["reference_year"], values["time_points"], values["min_followup_years"]
    )
    counts = flow.pivot(index="stage", columns="group", values="n").reindex(flow["stage"].unique())
    counts = counts[[g for g in ("all", *DIAGNOSES) if g in counts]].map(lambda n: "" if n != n else f"{n:.0f}")
    print(
        f"{args.data}: the data pass every rule.\nWhat the study would analyse (reference year "
        f"{values['reference_year']}, time points {', '.join(map(str, values['time_points']))} years, patients "
        f"followed at least {values['min_followup_years']} years):\n{counts.to_string(index_names=False)}"
    )
    if (counts == "").any().any():
        print("(blank: as in the flow diagram, screening and exclusion are counted for all patients only, the time "
              f"points by diagnosis only; {' and '.join(DIAGNOSES)} add up to the analysed)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
