"""The paper beside this run: each published number, the value computed here, and whether they match."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.core import cohort, counts, published, stats
from helpers.core.diagnoses import DIAGNOSES, MS, SCI
from helpers.core.published import PUBLISHED

# The study's counts (helpers/core/counts.py) that the paper's patient counts are: one key, one decision to show
KEYS = {
    "n_screened": ("screened",),
    "n_excluded": ("excluded",),
    "n_analysed": ("analysed", "all"),
    "n_sci": ("analysed", SCI),
    "n_sci_cervical": ("t1", "sci_level", "cervical", SCI),
    "n_sci_thoracic": ("t1", "sci_level", "thoracic", SCI),
    "n_sci_ais_a": ("t1", "ais_grade", "A", SCI),
    "n_sci_ais_bd": ("sci", "all", "AIS B-D"),
    "n_ms": ("analysed", MS),
}
EXTREMES = ("dose_ref_min", "dose_ref_max")  # single patients' values
NOT_SHOWN = "not shown"


def headline_numbers(
    patients: pd.DataFrame,
    doses: pd.DataFrame,
    reference_year: int = published.REFERENCE_YEAR,
    time_points=published.TIME_POINTS,
) -> dict[str, float]:
    """The study's headline numbers, keyed like :data:`helpers.core.published.PUBLISHED`: the patient counts
    from the one count model (:mod:`helpers.core.counts`, :data:`KEYS`), the doses and means from the cohort."""
    c = counts.cells(patients, doses, reference_year, time_points)
    res: dict[str, float] = {q: c.count(key) for q, key in KEYS.items()}
    pct = cohort.percent_of_reference(patients, doses, reference_year, time_points)
    ref = pct.loc[pct["year"] == reference_year, "dose_ref"]
    res |= {"dose_ref_median": ref.median(), "dose_ref_min": ref.min(), "dose_ref_max": ref.max()}
    for k in time_points:
        at_k = pct.loc[pct["year"] == k]
        for dx in DIAGNOSES:
            vals = at_k.loc[at_k["diagnosis"] == dx, "pct"]
            res[f"{dx.lower()}_n_{k}y"] = c.count(("followed", k, dx))
            res[f"{dx.lower()}_pct_{k}y"] = vals.mean() if len(vals) else np.nan
        res[f"p_{k}y"] = stats.student_t_p(at_k, "pct")
    return res


def _key(quantity: str):
    if quantity in KEYS:
        return KEYS[quantity]
    parts = quantity.split("_")  # ms_n_10y
    if len(parts) == 3 and parts[1] == "n" and parts[2].endswith("y"):
        return ("followed", int(parts[2][:-1]), parts[0].upper())
    return None


def compare(
    results: dict[str, float], count=None, shown: dict | None = None, extremes: bool | None = None
) -> pd.DataFrame:
    """One row per published quantity: ``quantity, published, reproduced, matches``.

    Both values are shown at the paper's precision (as text, so 0.006 stays 0.006); a quantity matches
    when the computed value, rounded to that precision, equals the published one. A quantity this run
    did not compute (another time point, say) is shown as "-" and does not match. Chart data: ``count``
    masks small patient counts in the reproduced column, ``shown`` (:func:`helpers.core.counts.protected`)
    shows each count as every other table does, and the minimum and maximum dose (single patients'
    values) are not shown unless ``extremes`` is True (default: shown only without ``count``).
    """
    extremes = count is None if extremes is None else extremes
    rows = []
    for p in PUBLISHED:
        got = results.get(p.key, math.nan)
        ok = got is not None and not (isinstance(got, float) and math.isnan(got))
        shown_as = p.fmt(got) if ok else "-"
        if ok and p.unit == "patients" and shown is not None and _key(p.key) in shown:
            shown_as = str(shown[_key(p.key)])
        elif ok and count and p.unit == "patients":
            shown_as = str(count(int(got)))
        if ok and p.key in EXTREMES and not extremes:
            shown_as = NOT_SHOWN
        rows.append(
            {
                "quantity": p.label + (f" ({p.unit})" if p.unit and p.unit != "patients" else ""),
                "published": p.fmt(p.value),
                "reproduced": shown_as,
                "matches": bool(ok and shown_as == p.fmt(p.value)),
            }
        )
    return pd.DataFrame(rows)
