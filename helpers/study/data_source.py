"""Where the cohort comes from: a clinic's chart data (validated) or the synthetic cohort."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import paths, synthetic
from helpers.clinic import contract, export_files


def load(
    data_dir=None, synthetic_mode="calibrated", seed=2019, synthetic_overrides=None, rules=None
) -> tuple[pd.DataFrame, pd.DataFrame, str, list[str]]:
    """(patients, doses, source, warnings) for the notebooks' cohort parameters; ``rules``: what the contract
    checks that depends on the study's parameters (reference year, minimum follow-up).

    ``data_dir`` given: that folder's two files (or that .xlsx workbook), validated against the data contract;
    ``warnings`` are its values that are allowed but unlikely. Otherwise the synthetic cohort: the committed,
    calibrated files in data/synthetic/ when the synthetic parameters are the defaults (a test keeps them
    identical to the generator's output), else a cohort drawn by the generator from those parameters.
    """
    rules = rules or contract.Rules()
    if data_dir:
        export = export_files.read(Path(data_dir), rules)  # the runner prints its notes
        return export.patients, export.doses, source_of(data_dir), export.warnings
    spec = synthetic.make_spec(synthetic_mode, seed, synthetic_overrides)
    if spec == synthetic.SyntheticSpec():
        export = export_files.read(paths.SYNTHETIC_DATA, rules)
        return (
            export.patients,
            export.doses,
            "synthetic cohort, calibrated to the paper (data/synthetic/, seed 2019)",
            [],
        )
    patients, doses = contract.validate(*synthetic.generate(spec), rules=rules)
    label = "calibrated to the paper" if spec.calibrated else "simulated, not calibrated"
    return patients, doses, f"synthetic cohort, {label} (seed {spec.seed})", []


def source_of(data_dir) -> str:
    """How a run's pages name chart data: "chart data from <folder>/" (or "<workbook>.xlsx")."""
    where = Path(data_dir).name + ("" if Path(data_dir).is_file() else "/")
    return f"chart data from {where}"
