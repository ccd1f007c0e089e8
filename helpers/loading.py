"""Where the cohort comes from: a clinic's chart data (validated) or the synthetic cohort."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths, reading, schema, synthetic


def load(
    data_dir=None, synthetic_mode="calibrated", seed=2019, synthetic_overrides=None
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(patients, doses, source) for the notebooks' cohort parameters.

    ``data_dir`` given: that folder's two files (or that .xlsx workbook), validated against the data contract.
    Otherwise the synthetic cohort: the committed, calibrated files in data/synthetic/ when the synthetic
    parameters are the defaults (a test keeps them identical to the generator's output), else a cohort
    drawn by the generator from those parameters.
    """
    if data_dir:
        patients, doses, _notes = reading.read(Path(data_dir))  # the runner prints the notes
        where = Path(data_dir).name + ("" if Path(data_dir).is_file() else "/")
        return patients, doses, f"chart data from {where}"
    spec = synthetic.make_spec(synthetic_mode, seed, synthetic_overrides)
    if spec == synthetic.SyntheticSpec():
        patients, doses, _notes = reading.read(paths.SYNTHETIC_DATA)
        return patients, doses, "synthetic cohort, calibrated to the paper (data/synthetic/, seed 2019)"
    patients, doses = synthetic.generate(spec)
    patients, doses = schema.validate(patients, doses)
    label = "calibrated to the paper" if spec.mode == "calibrated" else "simulated, not calibrated"
    return patients, doses, f"synthetic cohort, {label} (seed {spec.seed})"
