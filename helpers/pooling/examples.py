"""The shipped example clinics (``data/synthetic/clinics/``): summaries of synthetic clinics that differ in their
assumptions, each labelled as such in its ``clinic`` field, so that ``make pool`` runs with no clinic's data.

``python -m helpers.pooling.examples`` writes them again (a test checks they are up to date).
"""

from __future__ import annotations

import sys

from helpers import paths, synthetic
from helpers.core import cohort
from helpers.pooling import summary
from helpers.study import params

FOLDER = paths.ROOT / "data" / "synthetic" / "clinics"
CODE = "example (python -m helpers.pooling.examples)"  # not the code's fingerprint: the files stay as shipped
# name -> (what differs, assumed, seed, the synthetic model's settings)
CLINICS = {
    "clinic_a": ("the model's defaults", 101, {"n_ms": 30, "n_sci": 25}),
    "clinic_b": ("MS dose rising 4% a year", 102, {"n_ms": 25, "n_sci": 20, "ms_annual_change_pct": 4.0}),
    "clinic_c": ("SCI dose rising 5% a year", 103, {"n_ms": 18, "n_sci": 22, "sci_annual_change_pct": 5.0}),
    "clinic_d": ("twice the paper's patients", 104, {"n_ms": 44, "n_sci": 38}),
}


def build(name: str) -> dict:
    """The summary of one example clinic: a simulated cohort with its settings, analysed as the paper did."""
    label, seed, overrides = CLINICS[name]
    patients, doses, _ = synthetic.draw(synthetic.make_spec("simulation", seed, overrides))
    values = params.DEFAULTS
    pct = cohort.percent_of_reference(patients, doses, values["reference_year"], values["time_points"])
    clinic = f"Example {name[-1].upper()} (synthetic: {label}, seed {seed}; assumed)"
    return summary.build(pct, values, clinic, "simulated", summary.fingerprint(patients, doses), CODE)


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in CLINICS:
        print(summary.write(build(name), FOLDER, f"{name}.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
