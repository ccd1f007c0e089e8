"""The MS - SCI difference pooled over clinics by inverse variance: fixed effect, and random effects with the
between-clinic variance tau² estimated by DerSimonian-Laird and by Paule-Mandel (statsmodels' meta-analysis),
with Q, I² and a prediction interval for a new clinic.

statsmodels 0.15 leaves the DerSimonian-Laird tau² negative when Q < k - 1; the estimator as published
truncates it at 0, where random effects equal the fixed effect, and so does :func:`pooled`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import stats
from helpers.journal_club import fixed_by_paper

METHODS = {"fixed": None, "DL": "dl", "PM": "pm"}
PAPER = "Skoog & Hedman 2019"


def clinics(
    summaries: list[dict], se: str = "student", paper: bool = False, sci_n_10y: int | None = None
) -> pd.DataFrame:
    """One row per clinic and time point: ``clinic, year, estimate, se, n_ms, n_sci`` (estimate: MS minus SCI
    in % points; se: Student's, or Welch's with ``se="welch"``); withheld time points are left out. With
    ``paper``, the paper as one more clinic, its SE fixed by its published numbers (Student's t)."""
    rows = [{"clinic": s["clinic"], "year": d["year"], "estimate": d["estimate"], "se": d[f"se_{se}"],
             "n_ms": d["n_ms"], "n_sci": d["n_sci"]}
            for s in summaries for d in s["differences"] if not d["withheld"]]  # fmt: skip
    if paper:
        rows += [
            {k: r[k] for k in ("clinic", "year", "estimate", "se", "n_ms", "n_sci")} for r in paper_rows(sci_n_10y)
        ]
    return pd.DataFrame(rows, columns=["clinic", "year", "estimate", "se", "n_ms", "n_sci"])


def paper_rows(sci_n_10y: int | None = None, alpha: float = 0.05) -> list[dict]:
    """The paper at each published time point: its difference, and the SE and Student CI its means, counts and p
    fix (:func:`helpers.journal_club.fixed_by_paper.headline_differences`; the SCI count after the first time
    point is not published: ``sci_n_10y``, else the 7-year count)."""
    paper = fixed_by_paper.headline_differences(alpha, sci_n_10y).rename(columns={"difference": "estimate"})
    columns = ["year", "estimate", "se", "ci_low", "ci_high", "n_ms", "n_sci"]
    return [{"clinic": PAPER, **r} for r in paper[columns].to_dict("records")]


def pooled(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """At each year with at least two clinics: ``year, method, estimate, ci_low, ci_high, tau2, i2, q, k,
    prediction_low, prediction_high`` for ``method`` fixed, DL and PM (the prediction interval: random effects
    with three clinics or more, Higgins et al. 2009)."""
    from statsmodels.stats.meta_analysis import combine_effects

    rows = []
    for year, at in table.groupby("year", sort=True):
        k = len(at)
        if k < 2:
            continue
        y, v = at["estimate"].to_numpy(float), at["se"].to_numpy(float) ** 2
        for method, how in METHODS.items():
            with np.errstate(invalid="ignore", divide="ignore"):  # its DL weights with a negative tau², unused
                res = combine_effects(y, v, method_re=how or "dl", alpha=alpha)
            tau2 = 0.0 if how is None else max(float(res.tau2), 0.0)
            if how is None or tau2 == 0.0:  # the fixed effect, or random effects with no between-clinic variance
                mean, se = float(res.mean_effect_fe), float(res.sd_eff_w_fe)
            else:
                mean, se = float(res.mean_effect_re), float(res.sd_eff_w_re)
            z = stats.critical_z(alpha)
            low, high = mean - z * se, mean + z * se
            if how and k >= 3:
                half = stats.critical_t(alpha, k - 2) * np.sqrt(tau2 + se**2)
                pred = (mean - half, mean + half)
            else:
                pred = (np.nan, np.nan)
            q = float(res.q)
            rows.append({"year": int(year), "method": method, "estimate": mean, "ci_low": low, "ci_high": high,
                         "tau2": tau2, "i2": max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0, "q": q, "k": k,
                         "prediction_low": pred[0], "prediction_high": pred[1]})  # fmt: skip
    return pd.DataFrame(rows)
