"""Analyses for the journal club: each design choice of the paper, shown with the data.

Selection (who is analysed), missing 10-year data, the reference year, mean of ratios vs ratio of means,
several time points, and a longitudinal model over every yearly dose.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.core import cohort, published, reproduction, stats
from helpers.core.diagnoses import DIAGNOSES, MS, SCI


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
        res = reproduction.headline_numbers(patients, doses, ref, tps)
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
    """Four ways to summarise change (mean of ratios, the paper's; ratio of means; geometric mean; median) and
    the (Pearson) correlation of the start (reference) dose with the ratio.

    The ratio of means is the mean of ratios weighted by the start dose, so the two differ exactly by the
    covariance of start dose and ratio over the mean start dose: only as far as the two are correlated.
    """
    at = pct.loc[pct["year"].isin(time_points)]
    g = at.groupby(["year", "diagnosis"], observed=True)
    out = pd.DataFrame(
        {
            "n": g["pct"].count(),
            "mean of ratios %": g["pct"].mean(),
            "ratio of means %": 100 * g["dose"].mean() / g["dose_ref"].mean(),
            "geometric mean %": g["pct"].apply(lambda s: 100 * np.exp(np.log(s / 100).mean())),
            "median %": g["pct"].median(),
            "r, start dose and ratio": g[["dose_ref", "pct"]].apply(
                lambda d: sps.pearsonr(d["dose_ref"], d["pct"]).statistic if len(d) > 2 else np.nan
            ),
        }
    )
    return out.reset_index()


def heterogeneity(pct: pd.DataFrame, time_points) -> pd.DataFrame:
    """How the patients' changes spread: per group and time point, how many patients' dose fell below the
    reference dose, how many at least doubled, and the 10th and 90th percentiles of the %."""
    at = pct.loc[pct["year"].isin(time_points)]
    g = at.groupby(["year", "diagnosis"], observed=True)["pct"]
    return pd.DataFrame(
        {
            "n": g.count(),
            "below 100%": g.apply(lambda v: int((v < 100).sum())),
            "200% or more": g.apply(lambda v: int((v >= 200).sum())),
            "p10 %": g.quantile(0.1),
            "p90 %": g.quantile(0.9),
        }
    ).reset_index()


def slopes_before_and_after(pct: pd.DataFrame, time_points) -> pd.DataFrame:
    """Per diagnosis, the correlation of each patient's yearly log change from the reference year to the first
    time point with their yearly change from the first to the last (patients with both): 1 if every patient
    kept one steady rate, 0 if the two stretches were unrelated."""
    first, last = time_points[0], time_points[-1]
    wide = pct.pivot_table(index=["patient_id", "diagnosis"], columns="year", values="pct")
    ref = min(wide.columns) if len(wide.columns) else first
    wide = wide.reindex(columns=sorted({*wide.columns, first, last})).reset_index().dropna()  # none followed: none
    before = np.log(wide[first] / 100) / (first - ref)
    after = (np.log(wide[last] / 100) - np.log(wide[first] / 100)) / (last - first)
    d = wide[["diagnosis"]].assign(before=before, after=after)
    rows = []
    for dx in DIAGNOSES:
        g = d.loc[d["diagnosis"] == dx]
        rows.append(
            {"diagnosis": dx, "n": len(g), "correlation": g["before"].corr(g["after"]) if len(g) > 2 else np.nan}
        )
    return pd.DataFrame(rows)


def last_step(yearly: pd.DataFrame, time_points) -> pd.DataFrame:
    """The step in each group's mean % from the year before the last time point to it, split in two: the same
    patients' change (those followed to the last time point) and the change in who is counted."""
    last = time_points[-1]
    later = set(yearly.loc[yearly["year"] == last, "patient_id"])
    rows = []
    for dx, g in yearly.groupby("diagnosis", observed=True):
        before_all = g.loc[g["year"] == last - 1, "pct"].mean()
        same = g.loc[(g["year"] == last - 1) & g["patient_id"].isin(later), "pct"].mean()
        at_last = g.loc[g["year"] == last, "pct"].mean()
        rows.append(
            {
                "diagnosis": dx,
                "year": last,
                "step": at_last - before_all,
                "same_patients": at_last - same,
                "who_is_counted": same - before_all,
            }
        )
    return pd.DataFrame(rows)


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


def mixed_model(
    yearly: pd.DataFrame, reference_year: int, alpha: float, time_points=published.TIME_POINTS
) -> tuple[pd.DataFrame, dict]:
    """Linear mixed model of log(dose / reference dose) over every yearly dose after the reference year.

    log ratio ~ years * diagnosis, with a random intercept and slope per patient (statsmodels MixedLM,
    REML). Every patient contributes all their years, not only the time points, and patients without a
    late dose still inform the slope. The reference year's own row is left out: its log ratio is 0 by
    definition (the denominator divided by itself), not a measurement. Data the model cannot be fitted to
    (too few patients, or doses that never change) give a table without estimates and ``{"failed": why}``.

    Returns, per diagnosis, the yearly change as a *geometric* % (100 (exp(slope) - 1)) and the model's
    geometric mean % of the reference dose at each time point (intercept + slope), each with a Wald CI; and
    what a reader needs to judge the fit (:func:`helpers.journal_club.results_in_words.mixed_model_note` words it): its size and
    convergence, the between-patient SDs, what a statsmodels warning about the boundary means here, the
    correlation of a patient's successive residuals (the model assumes none), and a check that does not
    assume it: each patient's own least-squares slope, compared between the groups with Welch's t.
    """
    d = yearly.loc[yearly["year"] > reference_year].copy()
    d["t"] = (d["year"] - reference_year).astype(float)
    d["log_ratio"] = np.log(d["pct"] / 100)
    d["ms"] = (d["diagnosis"] == MS).astype(float)
    try:
        return _mixed_model_fit(d, reference_year, alpha, time_points)
    except (ValueError, np.linalg.LinAlgError) as err:  # data too few or too alike for the model (a chart export)
        columns = ["yearly change %", "CI low", "CI high", "MS vs SCI slope p"]
        columns += [f"% at {k} y{s}" for k in time_points for s in (" (model)", " CI low", " CI high")]
        return pd.DataFrame({"diagnosis": [SCI, MS], **dict.fromkeys(columns, np.nan)}), {"failed": str(err)}


def _mixed_model_fit(d: pd.DataFrame, reference_year: int, alpha: float, time_points) -> tuple[pd.DataFrame, dict]:
    import statsmodels.formula.api as smf

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = smf.mixedlm("log_ratio ~ t * ms", d, groups=d["patient_id"], re_formula="~t").fit(
            reml=True, method=["lbfgs"]
        )
    names = list(fit.fe_params.index)
    cov = fit.cov_params().loc[names, names].to_numpy()
    z = stats.critical_z(alpha)

    def combo(weights: dict):
        c = np.array([weights.get(n, 0.0) for n in names])
        return float(c @ fit.fe_params.to_numpy()), float(np.sqrt(c @ cov @ c))

    rows = []
    for dx, is_ms in ((SCI, 0.0), (MS, 1.0)):
        est, se = combo({"t": 1.0, "t:ms": is_ms})
        row = {
            "diagnosis": dx,
            "yearly change %": 100 * np.expm1(est),
            "CI low": 100 * np.expm1(est - z * se),
            "CI high": 100 * np.expm1(est + z * se),
        }
        for k in time_points:
            e, s = combo({"Intercept": 1.0, "ms": is_ms, "t": k - reference_year, "t:ms": is_ms * (k - reference_year)})
            row[f"% at {k} y (model)"] = 100 * np.exp(e)
            row[f"% at {k} y CI low"] = 100 * np.exp(e - z * s)
            row[f"% at {k} y CI high"] = 100 * np.exp(e + z * s)
        rows.append(row)
    table = pd.DataFrame(rows)
    table["MS vs SCI slope p"] = fit.pvalues["t:ms"]
    return table, _fit_info(fit, d, caught, alpha)


def _fit_info(fit, d: pd.DataFrame, caught, alpha: float) -> dict:
    """How the mixed model fitted, and how far its independence assumption holds (see :func:`mixed_model`)."""
    sd = np.sqrt(np.clip(np.diag(fit.cov_re.to_numpy()), 0, None))
    resid = np.sqrt(fit.scale)
    msgs = sorted({str(w.message) for w in caught})
    r = d.assign(resid=np.asarray(fit.resid)).sort_values(["patient_id", "t"])
    by_patient = r.groupby("patient_id")
    pairs = r.assign(prev=by_patient["resid"].shift()).loc[by_patient["t"].diff() == 1]  # consecutive years
    # each patient's own slope through their log ratios (least squares), then the groups compared
    slopes = d.groupby(["patient_id", "diagnosis"], observed=True).apply(
        lambda g: np.polyfit(g["t"], g["log_ratio"], 1)[0] if g["t"].nunique() > 1 else np.nan,
        include_groups=False,
    )
    slopes = slopes.rename("slope").reset_index().dropna()
    two = stats.t_test(
        slopes.loc[slopes["diagnosis"] == MS, "slope"],
        slopes.loc[slopes["diagnosis"] == SCI, "slope"],
        False,
        alpha,
    )
    return {
        "nobs": int(fit.nobs),
        "n_patients": int(d["patient_id"].nunique()),
        "converged": bool(fit.converged),
        "sd_intercept": float(sd[0]),
        "sd_slope": float(sd[1]),
        "sd_slope_pct": float(100 * np.expm1(sd[1])),
        "var_intercept": float(sd[0] ** 2),
        "var_slope": float(sd[1] ** 2),
        "sd_resid": float(resid),
        "boundary_warning": any("boundary" in m for m in msgs),
        "boundary_real": bool(sd.min() <= 0.1 * resid),
        "other_warnings": [m for m in msgs if "boundary" not in m],
        "lag1_correlation": float(pairs["resid"].corr(pairs["prev"])) if len(pairs) > 2 else float("nan"),
        "two_stage_difference_pct": float(100 * np.expm1(two.difference)),
        "two_stage_ci_low_pct": float(100 * np.expm1(two.ci_low)),
        "two_stage_ci_high_pct": float(100 * np.expm1(two.ci_high)),
        "two_stage_p": float(two.p),
        "model_difference_pct": float(100 * np.expm1(fit.fe_params["t:ms"])),
    }


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
    half = stats.critical_t(alpha, n - 1) * logs.std(ddof=1) * np.sqrt(1 + 1 / n)
    return {
        "n": n,
        "geometric_mean_ratio": float(np.exp(logs.mean())),
        "median_ratio": float(at["pct"].median() / 100),
        "prediction_low": float(np.exp(logs.mean() - half)),
        "prediction_high": float(np.exp(logs.mean() + half)),
        "ratio_of_means": float(at["dose"].sum() / at["dose_ref"].sum()),
        "mean_of_ratios": float(at["pct"].mean() / 100),
    }


def absolute_doses(pct: pd.DataFrame, reference_year: int, time_points, alpha: float) -> pd.DataFrame:
    """The dose itself (µg/24 h) at the reference year and each time point, per diagnosis: mean, geometric
    mean and median, each with a (1 - alpha) CI (t; t on logs; order statistics, with its exact coverage)."""
    rows = []
    for k in [reference_year, *time_points]:
        for dx in DIAGNOSES:
            x = pct.loc[(pct["year"] == k) & (pct["diagnosis"] == dx), "dose"].to_numpy(float)
            n = len(x)
            mean, mean_lo, mean_hi = stats.mean_ci(x, alpha) if n else (np.nan, np.nan, np.nan)
            gm, gm_lo, gm_hi = stats.geometric_mean_ci(x, alpha)
            med_lo, med_hi, cover = stats.median_ci(x, alpha)
            rows.append(
                {
                    "year": k,
                    "diagnosis": dx,
                    "n": n,
                    "mean": mean,
                    "mean_ci_low": mean_lo,
                    "mean_ci_high": mean_hi,
                    "geometric_mean": gm,
                    "gm_ci_low": gm_lo,
                    "gm_ci_high": gm_hi,
                    "median": np.median(x) if n else np.nan,
                    "median_ci_low": med_lo,
                    "median_ci_high": med_hi,
                    "median_ci_coverage": cover,
                }
            )
    return pd.DataFrame(rows)


MULTIVERSE_ANALYSES = (
    ("mean of ratios", stats.STUDENT),
    ("mean of ratios", stats.WELCH),
    ("ratio of means", "delta method (log scale)"),
    ("geometric mean", f"{stats.STUDENT} on log ratios"),
    ("shift in ranks (Hodges-Lehmann)", stats.MANN_WHITNEY),
    ("median", "bootstrap CI, no test"),
)
EFFECT_IS = {"difference": "MS - SCI, points", "ratio": "MS / SCI", "shift": "shift MS - SCI, points"}


def _multiverse_rows(at: pd.DataFrame, alpha: float, seed: int = 0):
    """The six analyses of one reference year and time point: summary per group, effect with CI, p."""
    a, b = at.loc[at["diagnosis"] == MS], at.loc[at["diagnosis"] == SCI]
    if len(a) < 2 or len(b) < 2:  # too few to compare: each row keeps its n, with no estimate
        kinds = ("difference", "difference", "ratio", "ratio", "shift", "difference")
        return [(np.nan,) * 6 + (kind,) for kind in kinds]
    rows = []
    for equal_var in (True, False):
        t = stats.t_test(a["pct"], b["pct"], equal_var, alpha)
        rows.append((a["pct"].mean(), b["pct"].mean(), t.difference, t.ci_low, t.ci_high, t.p, "difference"))
    rm = stats.ratio_of_means_test(a, b, alpha)
    rows.append((100 * rm["ms"], 100 * rm["sci"], rm["ratio"], rm["ci_low"], rm["ci_high"], rm["p"], "ratio"))
    la, lb = np.log(a["pct"] / 100), np.log(b["pct"] / 100)
    t = stats.t_test(la, lb, True, alpha)
    rows.append(
        (100 * np.exp(la.mean()), 100 * np.exp(lb.mean()), *np.exp([t.difference, t.ci_low, t.ci_high]), t.p, "ratio")
    )
    shift, lo, hi = stats.hodges_lehmann(a["pct"], b["pct"], alpha)
    p_mw = sps.mannwhitneyu(a["pct"], b["pct"], alternative="two-sided").pvalue
    rows.append((np.nan, np.nan, shift, lo, hi, p_mw, "shift"))
    diff, lo, hi = stats.median_difference_ci(a["pct"], b["pct"], alpha, seed=seed)
    rows.append((a["pct"].median(), b["pct"].median(), diff, lo, hi, np.nan, "difference"))
    return rows


def multiverse(patients, doses, reference_years, time_points, alpha: float, seed: int = 0) -> pd.DataFrame:
    """Every combination of reference year x analysis x time point, side by side.

    One row per analysis: the summary in each group (as % of the reference dose), the MS-vs-SCI effect with its
    CI (a difference in points, a ratio MS/SCI for the ratio-scale summaries, the Hodges-Lehmann shift for the
    rank test, the difference of medians with a bootstrap CI seeded by ``seed``), p where a test goes with it,
    and whether it is the paper's own choice (reference year 1, mean of ratios, Student t).
    """
    out = []
    for ref in reference_years:
        tps = [k for k in time_points if k > ref]
        pct = cohort.percent_of_reference(patients, doses, ref, tps)
        for k in tps:
            at = pct.loc[pct["year"] == k]
            n_ms, n_sci = int((at["diagnosis"] == MS).sum()), int((at["diagnosis"] == SCI).sum())
            for (summary, test), row in zip(MULTIVERSE_ANALYSES, _multiverse_rows(at, alpha, seed)):
                ms, sci, effect, lo, hi, p, kind = row
                out.append(
                    {
                        "reference_year": ref,
                        "year": k,
                        "summary": summary,
                        "test": test,
                        "n_ms": n_ms,
                        "n_sci": n_sci,
                        "ms_pct": ms,
                        "sci_pct": sci,
                        "effect": effect,
                        "effect_is": EFFECT_IS[kind],
                        "ci_low": lo,
                        "ci_high": hi,
                        "p": p,
                        "the_papers_choice": ref == published.REFERENCE_YEAR
                        and (summary, test) == MULTIVERSE_ANALYSES[0],
                    }
                )
    return pd.DataFrame(out)
