"""Group statistics: summaries with confidence intervals, MS-vs-SCI tests, effect sizes (power: helpers.power).

Tests use pingouin (the study's statistics library); the unit tests check them against scipy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats as sps

from .diagnoses import DIAGNOSES


def _split(df: pd.DataFrame, value: str, group: str = "diagnosis"):
    a = df.loc[df[group] == DIAGNOSES[0], value].dropna().to_numpy(float)
    b = df.loc[df[group] == DIAGNOSES[1], value].dropna().to_numpy(float)
    return a, b


def student_t_p(df: pd.DataFrame, value: str, group: str = "diagnosis") -> float:
    """Two-sided p of Student's (pooled-variance) t-test, MS vs SCI, as the paper reports it."""
    a, b = _split(df, value, group)
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    with np.errstate(over="ignore"):  # see compare_groups
        return float(pg.ttest(a, b, correction=False)["p_val"].iloc[0])


def summary(df: pd.DataFrame, value: str, by=("diagnosis",), alpha: float = 0.05) -> pd.DataFrame:
    """n, mean, SD, (1-alpha) t-based CI of the mean, median, min, max of ``value`` per group."""
    g = df.groupby(list(by), observed=True, sort=True)[value]
    out = g.agg(n="count", mean="mean", sd="std", median="median", min="min", max="max")
    half = sps.t.ppf(1 - alpha / 2, (out["n"] - 1).clip(lower=1)) * out["sd"] / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    return out.reset_index()[[*by, "n", "mean", "sd", "ci_low", "ci_high", "median", "min", "max"]]


def compare_groups(df: pd.DataFrame, value: str, alpha: float = 0.05, group: str = "diagnosis") -> pd.DataFrame:
    """MS vs SCI side by side: Student t (as published), Welch t, Mann-Whitney U, Hedges' g with CI.

    One row per test: test, n_ms, n_sci, statistic, dof, p, estimate, ci_low, ci_high. ``estimate`` is
    the difference in means (t-tests, with its CI), the common-language effect size (U) or Hedges' g.
    """
    a, b = _split(df, value, group)
    rows = []
    base = {"n_ms": len(a), "n_sci": len(b)}
    if len(a) < 2 or len(b) < 2:
        empty = dict.fromkeys(("statistic", "dof", "p", "estimate", "ci_low", "ci_high"), np.nan)
        return pd.DataFrame(
            [{"test": t, **base, **empty} for t in ("Student t", "Welch t", "Mann-Whitney U", "Hedges' g")]
        )
    conf = 1 - alpha
    for name, corr in (("Student t", False), ("Welch t", True)):
        with np.errstate(over="ignore"):  # pingouin's Bayes factor overflows for very large cohorts; unused here
            r = pg.ttest(a, b, correction=corr, confidence=conf).iloc[0]
        lo, hi = r.filter(regex="^CI").iloc[0]  # pingouin names it CI95, CI99 ... after the confidence
        rows.append(
            {
                "test": name,
                **base,
                "statistic": r["T"],
                "dof": r["dof"],
                "p": r["p_val"],
                "estimate": a.mean() - b.mean(),
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    # scipy rather than pingouin.mwu: pingouin builds an n_ms x n_sci matrix for its CLES, which does not fit
    # in memory for a 100,000-patient simulation. CLES = U / (n_ms * n_sci): P(MS > SCI), ties counting half.
    u = sps.mannwhitneyu(a, b, alternative="two-sided")
    rows.append(
        {
            "test": "Mann-Whitney U",
            **base,
            "statistic": u.statistic,
            "dof": np.nan,
            "p": u.pvalue,
            "estimate": u.statistic / (len(a) * len(b)),
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    g, (lo, hi) = hedges_g(a, b, alpha)
    rows.append(
        {
            "test": "Hedges' g",
            **base,
            "statistic": np.nan,
            "dof": np.nan,
            "p": np.nan,
            "estimate": g,
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    return pd.DataFrame(rows)


def hedges_g(a, b, alpha: float = 0.05):
    """Hedges' g (bias-corrected standardised mean difference) and its (1-alpha) CI, via pingouin."""
    g = pg.compute_effsize(a, b, paired=False, eftype="hedges")
    ci = pg.compute_esci(stat=g, nx=len(a), ny=len(b), eftype="hedges", confidence=1 - alpha)
    return float(g), (float(ci[0]), float(ci[1]))


def log_ratio_test(df: pd.DataFrame, value: str = "pct", alpha: float = 0.05) -> pd.DataFrame:
    """Student t on log(% / 100): compares geometric means; returns them as % with CIs per group."""
    logs = df.assign(log_ratio=np.log(df[value] / 100))
    s = summary(logs, "log_ratio", alpha=alpha)
    s["geometric_mean_pct"] = 100 * np.exp(s["mean"])
    s["gm_ci_low"], s["gm_ci_high"] = 100 * np.exp(s["ci_low"]), 100 * np.exp(s["ci_high"])
    s["p_student"] = student_t_p(logs, "log_ratio")
    return s[["diagnosis", "n", "geometric_mean_pct", "gm_ci_low", "gm_ci_high", "p_student"]]


def median_ci(values, alpha: float = 0.05) -> tuple[float, float, float]:
    """Distribution-free CI of a median from order statistics: (low, high, coverage).

    The interval runs from the k-th smallest to the k-th largest value, with k the largest rank whose
    binomial(n, 1/2) tail stays within alpha/2; its exact coverage (returned) is at least 1 - alpha.
    NaN when n is too small for any such interval.
    """
    x = np.sort(np.asarray(values, float))
    n = len(x)
    k = int(sps.binom.ppf(alpha / 2, n, 0.5))  # P(B <= k - 1) <= alpha / 2 < P(B <= k)
    if sps.binom.cdf(k, n, 0.5) <= alpha / 2:
        k += 1
    if k < 1:
        return np.nan, np.nan, np.nan
    coverage = 1 - 2 * sps.binom.cdf(k - 1, n, 0.5)
    return float(x[k - 1]), float(x[n - k]), float(coverage)


def geometric_mean_ci(values, alpha: float = 0.05) -> tuple[float, float, float]:
    """Geometric mean and its (1-alpha) CI: a t interval on the logs, back-transformed."""
    logs = np.log(np.asarray(values, float))
    n = len(logs)
    if n < 2:
        return (float(np.exp(logs.mean())) if n else np.nan), np.nan, np.nan
    half = sps.t.ppf(1 - alpha / 2, n - 1) * logs.std(ddof=1) / np.sqrt(n)
    return float(np.exp(logs.mean())), float(np.exp(logs.mean() - half)), float(np.exp(logs.mean() + half))


def ratio_of_means_log_var(dose, dose_ref) -> float:
    """Delta-method variance of log(mean(dose) / mean(dose_ref)) for paired doses of one group."""
    x, y = np.asarray(dose, float), np.asarray(dose_ref, float)
    n = len(x)
    mx, my = x.mean(), y.mean()
    cxy = np.cov(x, y, ddof=1)
    return float((cxy[0, 0] / mx**2 + cxy[1, 1] / my**2 - 2 * cxy[0, 1] / (mx * my)) / n)


def ratio_of_means_test(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.05) -> dict:
    """MS vs SCI on the ratio of means (sum of doses / sum of reference doses), by the delta method on the log
    scale (normal approximation): each group's ratio, the ratio of the two with its CI, and p."""
    la = np.log(a["dose"].mean() / a["dose_ref"].mean())
    lb = np.log(b["dose"].mean() / b["dose_ref"].mean())
    se = np.sqrt(ratio_of_means_log_var(a["dose"], a["dose_ref"]) + ratio_of_means_log_var(b["dose"], b["dose_ref"]))
    z = sps.norm.ppf(1 - alpha / 2)
    diff = la - lb
    return {
        "ms": float(np.exp(la)),
        "sci": float(np.exp(lb)),
        "ratio": float(np.exp(diff)),
        "ci_low": float(np.exp(diff - z * se)),
        "ci_high": float(np.exp(diff + z * se)),
        "p": float(2 * sps.norm.sf(abs(diff) / se)),
    }
