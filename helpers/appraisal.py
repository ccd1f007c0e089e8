"""Analyses for the journal club: each design choice of the paper, shown with the data.

Selection (who is analysed), missing 10-year data, the reference year, mean of ratios vs ratio of means,
several time points, and a longitudinal model over every yearly dose.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import cohort, stats


def _means(pct: pd.DataFrame, time_points) -> pd.DataFrame:
    at = pct.loc[pct["year"].isin(time_points)]
    return at.groupby(["year", "diagnosis"], observed=True)["pct"].agg(n="count", mean="mean").reset_index()


def selection_effect(patients, doses, reference_year, time_points) -> pd.DataFrame:
    """Mean % at each time point among the analysed patients and among everyone screened (excluded too)."""
    analysed = _means(cohort.percent_of_reference(patients, doses, reference_year, time_points), time_points)
    everyone = _means(
        cohort.percent_of_reference(patients.assign(excluded=False), doses, reference_year, time_points), time_points
    )
    out = analysed.merge(everyone, on=["year", "diagnosis"], suffixes=("_analysed", "_all_screened"))
    out["difference"] = out["mean_all_screened"] - out["mean_analysed"]
    return out


def completers(pct: pd.DataFrame, time_points) -> pd.DataFrame:
    """At the first time point: mean % of patients later followed to the last time point vs those who were not."""
    first, last = time_points[0], time_points[-1]
    later = set(pct.loc[pct["year"] == last, "patient_id"])
    at = pct.loc[pct["year"] == first].assign(
        followed=lambda d: np.where(d["patient_id"].isin(later), f"followed to {last} y", f"not followed to {last} y")
    )
    out = at.groupby(["diagnosis", "followed"], observed=True)["pct"].agg(n="count", mean="mean").reset_index()
    return out.rename(columns={"mean": f"mean_pct_at_{first}y"})


def reference_year_sensitivity(patients, doses, reference_years, time_points) -> pd.DataFrame:
    """The headline means and Student p with other reference years (time points after the reference only)."""
    rows = []
    for ref in reference_years:
        tps = [k for k in time_points if k > ref]
        res = cohort.headline_numbers(patients, doses, ref, tps)
        for k in tps:
            rows.append(
                {
                    "reference_year": ref,
                    "year": k,
                    "MS mean %": res[f"ms_pct_{k}y"],
                    "SCI mean %": res[f"sci_pct_{k}y"],
                    "Student p": res[f"p_{k}y"],
                }
            )
    return pd.DataFrame(rows)


def ratio_measures(pct: pd.DataFrame, time_points) -> pd.DataFrame:
    """Four ways to summarise change: mean of ratios (the paper), ratio of means, geometric mean, median."""
    at = pct.loc[pct["year"].isin(time_points)]
    g = at.groupby(["year", "diagnosis"], observed=True)
    out = pd.DataFrame(
        {
            "n": g["pct"].count(),
            "mean of ratios %": g["pct"].mean(),
            "ratio of means %": 100 * g["dose"].mean() / g["dose_ref"].mean(),
            "geometric mean %": g["pct"].apply(lambda s: 100 * np.exp(np.log(s / 100).mean())),
            "median %": g["pct"].median(),
        }
    )
    return out.reset_index()


def log_ratio_tests(pct: pd.DataFrame, time_points, alpha: float) -> pd.DataFrame:
    """Student t on log ratios at each time point: compares geometric means; p beside the published test's."""
    rows = []
    for k in time_points:
        at = pct.loc[pct["year"] == k]
        t = stats.log_ratio_test(at, "pct", alpha).assign(year=k, p_published_test=stats.student_t_p(at, "pct"))
        rows.append(t)
    out = pd.concat(rows, ignore_index=True)
    return out[
        ["year", "diagnosis", "n", "geometric_mean_pct", "gm_ci_low", "gm_ci_high", "p_student", "p_published_test"]
    ]


def multiple_testing(p_values: dict) -> pd.DataFrame:
    """The time points' p-values with Holm and Bonferroni adjustment (pingouin)."""
    import pingouin as pg

    keys = list(p_values)
    raw = np.array([p_values[k] for k in keys], float)
    _, holm = pg.multicomp(raw, method="holm")
    _, bonf = pg.multicomp(raw, method="bonf")
    return pd.DataFrame({"comparison": keys, "p": raw, "p Holm": holm, "p Bonferroni": bonf})


def mixed_model(yearly: pd.DataFrame, reference_year: int, alpha: float) -> tuple[pd.DataFrame, str]:
    """Linear mixed model of log(dose / reference dose) over every yearly dose from the reference year on.

    log ratio ~ years * diagnosis, with a random intercept and slope per patient (statsmodels MixedLM,
    REML). Every patient contributes all their years, not only the 7- and 10-year values, and patients
    without a 10-year dose still inform the slope. Returns the yearly % change per diagnosis with CIs, the
    model's % at each whole year, and a note on convergence.
    """
    import statsmodels.formula.api as smf

    d = yearly.loc[yearly["year"] >= reference_year].copy()
    d["t"] = (d["year"] - reference_year).astype(float)
    d["log_ratio"] = np.log(d["pct"] / 100)
    d["ms"] = (d["diagnosis"] == "MS").astype(float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = smf.mixedlm("log_ratio ~ t * ms", d, groups=d["patient_id"], re_formula="~t").fit(
            reml=True, method=["lbfgs"]
        )
    cov = fit.cov_params()
    rows = []
    for dx, terms in (("SCI", ["t"]), ("MS", ["t", "t:ms"])):
        est = sum(fit.params[t] for t in terms)
        se = np.sqrt(sum(cov.loc[a, b] for a in terms for b in terms))
        z = sps.norm.ppf(1 - alpha / 2)
        rows.append(
            {
                "diagnosis": dx,
                "yearly change %": 100 * np.expm1(est),
                "CI low": 100 * np.expm1(est - z * se),
                "CI high": 100 * np.expm1(est + z * se),
                "% at 7 y (model)": 100 * np.exp(est * (7 - reference_year)),
                "% at 10 y (model)": 100 * np.exp(est * (10 - reference_year)),
            }
        )
    table = pd.DataFrame(rows)
    table["MS vs SCI slope p"] = fit.pvalues["t:ms"]
    msgs = sorted({str(w.message) for w in caught})
    note = (
        f"{fit.nobs:.0f} yearly doses of {d['patient_id'].nunique()} patients; converged: "
        f"{'yes' if fit.converged else 'no'}" + (f"; statsmodels notes: {'; '.join(msgs)}" if msgs else "")
    )
    return table, note


def planning_figures(pct: pd.DataFrame, diagnosis: str, year: int, alpha: float) -> dict:
    """What a change in dose means for one patient and for a service, at one time point and diagnosis.

    For one patient: the geometric mean and median ratio to the reference dose, and a (1 - alpha) prediction
    interval for the ratio of one new patient (t on log ratios: mean +- t * sd * sqrt(1 + 1/n), back-
    transformed). For a service: the ratio of the summed doses (ratio of means), which is what the total
    amount of drug follows. Beside them the paper's mean of ratios. Only patients with a dose at ``year``.
    """
    at = pct.loc[(pct["year"] == year) & (pct["diagnosis"] == diagnosis)]
    logs = np.log(at["pct"].to_numpy(float) / 100)
    n = len(logs)
    if n < 2:
        return {"n": n}
    half = sps.t.ppf(1 - alpha / 2, n - 1) * logs.std(ddof=1) * np.sqrt(1 + 1 / n)
    return {
        "n": n,
        "geometric_mean_ratio": float(np.exp(logs.mean())),
        "median_ratio": float(at["pct"].median() / 100),
        "prediction_low": float(np.exp(logs.mean() - half)),
        "prediction_high": float(np.exp(logs.mean() + half)),
        "ratio_of_means": float(at["dose"].sum() / at["dose_ref"].sum()),
        "mean_of_ratios": float(at["pct"].mean() / 100),
    }
