"""From the two chart files to the analysis: who is analysed, the dose at year k, the % of the reference dose.

The rule (the data contract): the dose at year k is the last adjustment at or before year k; a patient
counts at year k only if ``followup_years >= k``. The reference ("initial") dose is the dose at the
reference year (1 by default, after titration). Patients followed for less than the minimum follow-up (the
paper's inclusion rule: 7 years) are in the data but neither screened nor analysed; the data contract marks them
(``short_followup``). Everything here is vectorised over patients.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import published


def short_followup(patients: pd.DataFrame) -> pd.Series:
    """Followed for less than the minimum follow-up, so not analysed (a frame without the contract's mark, such
    as the generator's, has none: it follows everyone at least 7 years)."""
    if "short_followup" in patients:
        return patients["short_followup"].astype(bool)
    return pd.Series(False, index=patients.index)


def excluded_patients(patients: pd.DataFrame) -> pd.DataFrame:
    """The patients followed long enough but excluded (pump failure, aggravating factors ...)."""
    return patients.loc[patients["excluded"] & ~short_followup(patients)]


def analysed_patients(patients: pd.DataFrame) -> pd.DataFrame:
    """The patients the paper analyses: followed at least the minimum follow-up, and not excluded."""
    return patients.loc[~patients["excluded"] & ~short_followup(patients)].reset_index(drop=True)


def dose_at_years(patients: pd.DataFrame, doses: pd.DataFrame, years) -> pd.DataFrame:
    """Long table (patient_id, diagnosis, year, dose): the last adjustment at or before each year.

    A patient whose follow-up is shorter than the year gets no row for it. Rows come by patient_id, then year.
    Linear in the dose rows when they come grouped per patient in time order, as the data contract
    describes them (a chart export usually does); otherwise they are sorted first.
    """
    years = np.array(sorted({int(y) for y in years}), dtype=float)
    pid = doses["patient_id"].to_numpy(dtype=object)
    t = doses["years_since_implant"].to_numpy(float)
    dose = doses["dose_ug_per_day"].to_numpy(float)
    new = np.ones(len(pid), dtype=bool)
    new[1:] = pid[1:] != pid[:-1]  # a patient's first row (comparing neighbours: no hashing of every row)
    codes, ids = np.cumsum(new) - 1, pd.Index(pid[new])
    if not (ids.is_unique and (np.diff(t)[~new[1:]] >= 0).all()):
        codes, ids = pd.factorize(pid)  # not grouped per patient in time order: sort (n log n)
        order = np.lexsort((t, codes))
        codes, t, dose, ids = codes[order], t[order], dose[order], pd.Index(ids)
    # key = patient code * span + time: one sorted axis (span beyond every time and year)
    span = np.ceil(max(t.max() if len(t) else 0.0, years.max() if len(years) else 0.0)) + 2
    key = codes * span + t
    pts = patients[["patient_id", "diagnosis", "followup_years"]].sort_values("patient_id", kind="stable")
    code = ids.get_indexer(pts["patient_id"])
    fu = pts["followup_years"].to_numpy(float)
    p_idx, y_idx = np.nonzero(fu[:, None] >= years[None, :])  # patients followed to each year, by patient
    row = np.searchsorted(key, code[p_idx] * span + years[y_idx], side="right") - 1
    found = (code[p_idx] >= 0) & (row >= 0)
    found[found] &= codes[row[found]] == code[p_idx][found]  # the row belongs to this patient
    return pd.DataFrame(
        {
            "patient_id": pts["patient_id"].to_numpy()[p_idx],
            "diagnosis": pts["diagnosis"].to_numpy()[p_idx],
            "year": years[y_idx].astype(int),
            "dose": np.where(found, dose[np.where(found, row, 0)], np.nan),
        }
    )


def percent_of_reference(
    patients: pd.DataFrame,
    doses: pd.DataFrame,
    reference_year: int = 1,
    time_points=published.TIME_POINTS,
    all_years: bool = False,
) -> pd.DataFrame:
    """Long table (patient_id, diagnosis, year, dose, dose_ref, pct): dose as % of the reference-year dose.

    Rows for the reference year and the time points (or every whole year with ``all_years``), for
    analysed patients followed to that year.
    """
    pts = analysed_patients(patients)
    last = int(np.floor(pts["followup_years"].max())) if len(pts) else reference_year
    years = range(last + 1) if all_years else [reference_year, *time_points]
    long = dose_at_years(pts, doses, years)
    ref = long.loc[long["year"] == reference_year, ["patient_id", "dose"]].rename(columns={"dose": "dose_ref"})
    long = long.merge(ref, on="patient_id", how="inner")
    long["pct"] = 100 * long["dose"] / long["dose_ref"]
    return long


def adjustments_per_year(patients: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """Number of dose adjustments in each full year of follow-up (patient_id, diagnosis, year, n), a year
    without any counting 0."""
    pts = analysed_patients(patients)
    full = np.floor(pts["followup_years"]).astype(int)
    years = (
        pts[["patient_id", "diagnosis"]]
        .loc[pts.index.repeat(full)]
        .assign(year=np.concatenate([np.arange(1, k + 1) for k in full]) if len(pts) else [])
    )
    d = doses.loc[doses["years_since_implant"] > 0]
    d = d.assign(year=np.ceil(d["years_since_implant"]).astype(int))
    n = d.groupby(["patient_id", "year"]).size().rename("n")
    out = years.merge(n, left_on=["patient_id", "year"], right_index=True, how="left")
    return out.assign(n=out["n"].fillna(0).astype(int)).reset_index(drop=True)
