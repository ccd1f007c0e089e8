"""Group statistics: summaries with confidence intervals, MS-vs-SCI tests, effect sizes (power: helpers.journal_club.power).

Each statistical choice has one home here, and every other module calls it:

* :func:`t_test`: the two-sample t-test, Student's (pooled SD, the paper's test) or Welch's, vectorised over
  rows of replicates or cohorts (values along the last axis, NaN ignored); :func:`t_from_moments` is the same
  from means, variances and counts (what the published numbers give). A single comparison calls it too.
* :func:`hedges_g` (and :func:`hedges_g_many`, its vectorised form): the standardised mean difference.
* :func:`mean_ci`: the t interval of a mean.
* :func:`pooled_variance` and :func:`welch_dof`: the two tests' variance and degrees of freedom;
  :func:`critical_t` and :func:`critical_z`: the two-sided quantiles of a (1 - alpha) interval, and
  :func:`ci_level`, its label ("95").
* The tests by name (:data:`STUDENT` ...): :data:`PAPER_TEST` is the one the published p-values are taken to
  come from (the paper names only "a t-test"; Student's reproduces its p-values).

The unit tests check them against scipy and pingouin.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.core.diagnoses import DIAGNOSES

STUDENT, WELCH, MANN_WHITNEY, HEDGES = "Student t", "Welch t", "Mann-Whitney U", "Hedges' g"
PAPER_TEST = STUDENT


def ci_level(alpha: float) -> str:
    """The confidence level as a label: ``95`` for alpha 0.05, ``99.9`` for 0.001."""
    return f"{100 * (1 - alpha):g}"


def critical_t(alpha: float, dof):
    """t(1 - alpha/2; dof): the half-width of a (1 - alpha) t interval in standard errors."""
    return sps.t.ppf(1 - alpha / 2, dof)


def critical_z(alpha: float):
    """z(1 - alpha/2): the normal quantile of a two-sided (1 - alpha) interval."""
    return sps.norm.ppf(1 - alpha / 2)


def pooled_variance(var_a, var_b, n_a, n_b):
    """The pooled variance of two groups (Student's t, Hedges' g): df-weighted, on n_a + n_b - 2 df."""
    return ((n_a - 1) * var_a + (n_b - 1) * var_b) / (n_a + n_b - 2)


def welch_dof(var_mean_a, var_mean_b, n_a, n_b):
    """Welch-Satterthwaite degrees of freedom, from the squared standard errors of the two means."""
    return (var_mean_a + var_mean_b) ** 2 / (var_mean_a**2 / (n_a - 1) + var_mean_b**2 / (n_b - 1))


def _split(df: pd.DataFrame, value: str, group: str = "diagnosis"):
    a = df.loc[df[group] == DIAGNOSES[0], value].dropna().to_numpy(float)
    b = df.loc[df[group] == DIAGNOSES[1], value].dropna().to_numpy(float)
    return a, b


class TTest(NamedTuple):
    """A two-sample t-test of a - b: each field a number, or an array with one value per row."""

    difference: float
    statistic: float
    dof: float
    p: float
    ci_low: float
    ci_high: float
    se: float


def moments(x, axis: int = -1):
    """(n, mean, variance with ddof 1) along ``axis``, NaN ignored; NaN where a row has too few values."""
    x = np.asarray(x, float)
    ok = ~np.isnan(x)
    n = ok.sum(axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, x, 0.0).sum(axis) / n
        dev = np.where(ok, x - np.expand_dims(mean, axis), 0.0)
        var = (dev**2).sum(axis) / (n - 1)
    return n, mean, np.where(n > 1, var, np.nan)


def t_from_moments(mean_a, mean_b, var_a, var_b, n_a, n_b, equal_var: bool = True, alpha: float = 0.05) -> TTest:
    """The t-test of mean_a - mean_b from summaries (broadcast): Student's with a pooled variance
    (``equal_var``, df n_a + n_b - 2) or Welch's (Welch-Satterthwaite df); two-sided p and (1 - alpha) CI."""
    mean_a, mean_b, var_a, var_b, n_a, n_b = (np.asarray(v, float) for v in (mean_a, mean_b, var_a, var_b, n_a, n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        if equal_var:
            dof = n_a + n_b - 2
            se = np.sqrt(pooled_variance(var_a, var_b, n_a, n_b) * (1 / n_a + 1 / n_b))
        else:
            va, vb = var_a / n_a, var_b / n_b
            se = np.sqrt(va + vb)
            dof = welch_dof(va, vb, n_a, n_b)
        diff = mean_a - mean_b
        t = diff / se
        p = 2 * sps.t.sf(np.abs(t), dof)
        half = critical_t(alpha, dof) * se
    return TTest(*(_plain(v) for v in (diff, t, dof, p, diff - half, diff + half, se)))


def t_test(a, b, equal_var: bool = True, alpha: float = 0.05) -> TTest:
    """Two-sample t-test of a against b along the last axis (NaN ignored): Student's (``equal_var``, the
    paper's test) or Welch's. One comparison (1-D arrays) gives numbers; rows of replicates give arrays."""
    n_a, mean_a, var_a = moments(a)
    n_b, mean_b, var_b = moments(b)
    return t_from_moments(mean_a, mean_b, var_a, var_b, n_a, n_b, equal_var, alpha)


def _plain(v):
    """A 0-d array as a float; arrays stay arrays."""
    v = np.asarray(v, float)
    return float(v) if v.ndim == 0 else v


def student_t_p(df: pd.DataFrame, value: str, group: str = "diagnosis") -> float:
    """Two-sided p of Student's (pooled-variance) t-test, MS vs SCI, as the paper reports it."""
    a, b = _split(df, value, group)
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    return t_test(a, b).p


def mean_ci(values, alpha: float = 0.05) -> tuple[float, float, float]:
    """Mean and its (1 - alpha) t interval (NaN bounds below 2 values)."""
    n, m, v = moments(np.asarray(values, float))
    half = t_half_width(np.sqrt(v), n, alpha)
    return float(m), float(m - half), float(m + half)


def sd_ci(sd, dof, alpha: float = 0.05) -> tuple[float, float]:
    """The (1 - alpha) CI of a standard deviation estimated on ``dof`` degrees of freedom (chi-square)."""
    lo = sd * np.sqrt(dof / sps.chi2.ppf(1 - alpha / 2, dof))
    hi = sd * np.sqrt(dof / sps.chi2.ppf(alpha / 2, dof))
    return float(lo), float(hi)


def t_half_width(sd, n, alpha):
    """Half-width of the t interval of a mean: t(1 - alpha/2, n - 1) sd / sqrt(n)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return critical_t(alpha, np.maximum(np.asarray(n, float) - 1, 1)) * sd / np.sqrt(n)


def summary(df: pd.DataFrame, value: str, by=("diagnosis",), alpha: float = 0.05) -> pd.DataFrame:
    """n, mean, SD, (1-alpha) t-based CI of the mean, median, min, max of ``value`` per group."""
    g = df.groupby(list(by), observed=True, sort=True)[value]
    out = g.agg(n="count", mean="mean", sd="std", median="median", min="min", max="max")
    half = t_half_width(out["sd"], out["n"], alpha)
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
        return pd.DataFrame([{"test": t, **base, **empty} for t in (STUDENT, WELCH, MANN_WHITNEY, HEDGES)])
    for name, equal_var in ((STUDENT, True), (WELCH, False)):
        r = t_test(a, b, equal_var, alpha)
        rows.append(
            {
                "test": name,
                **base,
                "statistic": r.statistic,
                "dof": r.dof,
                "p": r.p,
                "estimate": r.difference,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
            }
        )
    # scipy rather than pingouin.mwu: pingouin builds an n_ms x n_sci matrix for its CLES, which does not fit
    # in memory for a 100,000-patient simulation. CLES = U / (n_ms * n_sci): P(MS > SCI), ties counting half.
    u = sps.mannwhitneyu(a, b, alternative="two-sided")
    rows.append(
        {
            "test": MANN_WHITNEY,
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
            "test": HEDGES,
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


def hedges_g_many(a, b):
    """Hedges' g of a - b along the last axis (NaN ignored): the mean difference over the pooled SD, times the
    small-sample correction 1 - 3 / (4 (n_a + n_b) - 9)."""
    n_a, mean_a, var_a = moments(a)
    n_b, mean_b, var_b = moments(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled_sd = np.sqrt(pooled_variance(var_a, var_b, n_a, n_b))
        return _plain((mean_a - mean_b) / pooled_sd * (1 - 3 / (4 * (n_a + n_b) - 9)))


def hedges_g(a, b, alpha: float = 0.05):
    """Hedges' g (:func:`hedges_g_many`) and its (1 - alpha) CI: g +- t(1 - alpha/2, n_a + n_b - 2) SE, with
    SE = sqrt((n_a + n_b) / (n_a n_b) + g^2 / (2 (n_a + n_b))), as pingouin's ``compute_esci``."""
    na, nb = len(a), len(b)
    g = hedges_g_many(a, b)
    se = np.sqrt((na + nb) / (na * nb) + g**2 / (2 * (na + nb)))
    half = critical_t(alpha, na + nb - 2) * se
    return float(g), (float(g - half), float(g + half))


def hodges_lehmann(a, b, alpha: float = 0.05) -> tuple[float, float, float]:
    """The Hodges-Lehmann shift of a against b (the median of all pairwise differences a_i - b_j), the estimate
    that goes with the Mann-Whitney test, and its distribution-free (1 - alpha) CI (Moses): the differences
    that inverting the Mann-Whitney test (normal approximation) keeps, from the c-th smallest to the c-th
    largest with c = floor(n_a n_b / 2 - z sqrt(n_a n_b (n_a + n_b + 1) / 12)) + 1."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = np.sort((a[:, None] - b[None, :]).ravel())
    m = len(d)
    if m == 0:
        return np.nan, np.nan, np.nan
    z = critical_z(alpha)
    c = int(np.floor(m / 2 - z * np.sqrt(len(a) * len(b) * (len(a) + len(b) + 1) / 12)))
    if c < 0:
        return float(np.median(d)), np.nan, np.nan
    return float(np.median(d)), float(d[c]), float(d[m - 1 - c])


def median_difference_ci(a, b, alpha: float = 0.05, reps: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """The difference of the two medians and its percentile bootstrap (1 - alpha) CI: each group resampled with
    replacement ``reps`` times (seeded, so the same data give the same interval)."""
    # by hand: scipy.stats.bootstrap draws its resamples otherwise, and this interval is in the committed appendix
    # (the tests check that the two agree within Monte Carlo error)
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 2 or len(b) < 2:
        return np.nan, np.nan, np.nan
    rng = np.random.default_rng(seed)
    boot = np.median(a[rng.integers(0, len(a), (reps, len(a)))], axis=1) - np.median(
        b[rng.integers(0, len(b), (reps, len(b)))], axis=1
    )
    lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return float(np.median(a) - np.median(b)), float(lo), float(hi)


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
    # by hand: scipy's quantile_test gives the same interval (the tests check) but not its exact coverage
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
    m, lo, hi = mean_ci(logs, alpha)
    return float(np.exp(m)), float(np.exp(lo)), float(np.exp(hi))


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
    z = critical_z(alpha)
    diff = la - lb
    return {
        "ms": float(np.exp(la)),
        "sci": float(np.exp(lb)),
        "ratio": float(np.exp(diff)),
        "ci_low": float(np.exp(diff - z * se)),
        "ci_high": float(np.exp(diff + z * se)),
        "p": float(2 * sps.norm.sf(abs(diff) / se)),
    }
