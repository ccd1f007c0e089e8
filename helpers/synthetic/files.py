"""The synthetic cohort as files: fixed number formats, so the same cohort gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def write_csvs(patients: pd.DataFrame, doses: pd.DataFrame, folder) -> None:
    """Write both files with fixed number formats, so the same cohort gives the same bytes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    p = patients.copy()
    p["excluded"] = p["excluded"].map({True: "true", False: "false"})
    p["followup_years"] = p["followup_years"].map("{:.1f}".format)
    p["years_since_onset"] = p["years_since_onset"].map("{:.1f}".format)
    d = doses.copy()
    d["years_since_implant"] = d["years_since_implant"].map("{:.3f}".format)
    d["dose_ug_per_day"] = d["dose_ug_per_day"].map("{:.1f}".format)
    p.to_csv(folder / "patients.csv", index=False, lineterminator="\n")
    d.to_csv(folder / "doses.csv", index=False, lineterminator="\n")
