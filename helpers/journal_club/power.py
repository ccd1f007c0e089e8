"""Prospective power and the winner's curse, by Monte Carlo (vectorised over replicates) and analytically.

Power is computed for differences chosen *before* looking at a result (clinically relevant ones), never at
the difference a study observed: power at the observed difference is only the p-value re-expressed.

Every Monte Carlo proportion comes with its standard error, sqrt(p (1 - p) / reps). The analytic cross-check
matches the simulated test: Welch's t, whose power is the noncentral t with the Welch-Satterthwaite degrees
of freedom (an approximation, good from about 5 patients per group). Student's t, the paper's test, can be
simulated too (``equal_var=True``); its analytic power (statsmodels' ``TTestIndPower``) assumes equal SDs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats as sps

from helpers.core import published, stats
from helpers.synthetic import calibration

PAPER_MS_SHARE = published.value("n_ms") / published.value("n_analysed")


def ttest_p_matrix(a: np.ndarray, b: np.ndarray, equal_var: bool = True) -> np.ndarray:
    """t-test p-values along the last axis of two arrays of replicates (one test per row): the study's one
    t-test, :func:`helpers.core.stats.t_test`."""
    return stats.t_test(a, b, equal_var).p


def _draws(n_ms, n_sci, ms_mean, sci_mean, ms_sd, sci_sd, reps, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(ms_mean, ms_sd, (reps, n_ms)), rng.normal(sci_mean, sci_sd, (reps, n_sci))


def simulate_power(
    n_ms, n_sci, ms_mean, sci_mean, ms_sd, sci_sd, alpha=0.05, reps=2000, seed=0, equal_var: bool = True
) -> float:
    """Share of simulated studies (normal % values) in which the t-test finds MS != SCI at ``alpha``
    (Student's t with ``equal_var``, else Welch's)."""
    a, b = _draws(n_ms, n_sci, ms_mean, sci_mean, ms_sd, sci_sd, reps, seed)
    return float((ttest_p_matrix(a, b, equal_var) < alpha).mean())


def simulate_power_loop(
    n_ms, n_sci, ms_mean, sci_mean, ms_sd, sci_sd, alpha=0.05, reps=200, seed=0, equal_var: bool = True
) -> float:
    """The same as :func:`simulate_power`, one pingouin t-test per replicate. Not a use of the study's t-test
    but an independent baseline: the benchmark's loop, and the tests' cross-check of the vectorised form."""
    a, b = _draws(n_ms, n_sci, ms_mean, sci_mean, ms_sd, sci_sd, reps, seed)
    hits = sum(pg.ttest(a[r], b[r], correction=not equal_var)["p_val"].iloc[0] < alpha for r in range(reps))
    return hits / reps


def mc_se(p, reps):
    """Monte Carlo standard error of a simulated proportion: sqrt(p (1 - p) / reps)."""
    p = np.asarray(p, float)
    return np.sqrt(p * (1 - p) / reps)


def welch_power(n_ms, n_sci, difference, ms_sd, sci_sd, alpha=0.05):
    """Analytic two-sided power of Welch's t: noncentral t, Welch-Satterthwaite df, at the true SDs.

    Vectorised over its arguments (numpy broadcasting)."""
    n_ms, n_sci = np.asarray(n_ms, float), np.asarray(n_sci, float)
    v_ms, v_sci = ms_sd**2 / n_ms, sci_sd**2 / n_sci
    dof = stats.welch_dof(v_ms, v_sci, n_ms, n_sci)
    ncp = np.asarray(difference, float) / np.sqrt(v_ms + v_sci)
    crit = stats.critical_t(alpha, dof)
    with np.errstate(invalid="ignore"):
        p = sps.nct.sf(crit, dof, ncp) + sps.nct.cdf(-crit, dof, ncp)
    # scipy's noncentral t returns nan far in the tail (power indistinguishable from 1): use the normal there
    normal = sps.norm.sf(crit - ncp) + sps.norm.cdf(-crit - ncp)
    return np.where(np.isnan(p), normal, p)


def student_power_equal_sd(n_ms, n_sci, difference, sd, alpha=0.05) -> float:
    """Analytic power of Student's t when both groups share one SD (statsmodels ``TTestIndPower``)."""
    from statsmodels.stats.power import TTestIndPower

    return float(TTestIndPower().power(effect_size=difference / sd, nobs1=n_ms, ratio=n_sci / n_ms, alpha=alpha))


def sds_from_published(time_point: int, sd_ratio: float, n_sci: int | None = None) -> tuple[float, float]:
    """The MS and SCI SDs of % that the paper's means, group sizes and Student p imply at a time point, split
    by an *assumed* MS:SCI SD ratio (the paper publishes no SD).

    The pooled SD is the one for which Student's t gives the published p; ``sd_ratio`` divides it between the
    groups. ``n_sci`` at 10 years is itself unpublished (an assumption; default: all 19 SCI patients).
    """
    k = f"{time_point}y"
    n_ms = published.value(f"ms_n_{k}")
    n_sci = published.value("n_sci") if n_sci is None else n_sci
    diff = published.value(f"ms_pct_{k}") - published.value(f"sci_pct_{k}")
    ms_sd, sci_sd = calibration.split_sd(
        calibration.pooled_sd_for_p(diff, n_ms, n_sci, published.value(f"p_{k}")), n_ms, n_sci, sd_ratio
    )
    return float(ms_sd), float(sci_sd)


def split(n_total: int, ms_share: float) -> tuple[int, int]:
    """MS and SCI patients in a cohort of ``n_total`` (at least 2 each)."""
    n_ms = max(2, round(n_total * ms_share))
    return n_ms, max(2, n_total - n_ms)


def _cell_seed(seed: int, n: int, difference: float) -> np.random.SeedSequence:
    """One seed per (n, difference), so a cell's value does not depend on what else is in the grid."""
    return np.random.SeedSequence([seed, n, round(1000 * difference)])


def power_grid(
    sizes,
    differences,
    ms_sd,
    sci_sd,
    alpha=0.05,
    reps=2000,
    seed=0,
    ms_share: float = PAPER_MS_SHARE,
    equal_var: bool = False,
) -> pd.DataFrame:
    """Power over total cohort size x true difference in mean % (MS - SCI): Monte Carlo with its SE, beside
    the analytic Welch power. All replicates of a cell are one array operation.

    Columns: n_total, n_ms, n_sci, difference, power_mc, power_mc_se, power_analytic, test.
    """
    rows = []
    for n in sizes:
        n_ms, n_sci = split(n, ms_share)
        for diff in differences:
            mc = simulate_power(
                n_ms, n_sci, diff, 0.0, ms_sd, sci_sd, alpha, reps, _cell_seed(seed, n, diff), equal_var
            )
            rows.append(
                {
                    "n_total": n,
                    "n_ms": n_ms,
                    "n_sci": n_sci,
                    "difference": diff,
                    "power_mc": mc,
                    "power_mc_se": float(mc_se(mc, reps)),
                    "power_analytic": float(welch_power(n_ms, n_sci, diff, ms_sd, sci_sd, alpha)),
                }
            )
    out = pd.DataFrame(rows)
    out["test"] = stats.STUDENT if equal_var else stats.WELCH
    return out


def n_for_power(difference, ms_sd, sci_sd, target=0.8, alpha=0.05, ms_share=PAPER_MS_SHARE, n_max=5000):
    """Smallest total cohort (MS share kept) whose analytic Welch power reaches ``target`` (None above ``n_max``)."""
    n = np.arange(6, n_max + 1)
    n_ms = np.maximum(2, np.round(n * ms_share))
    n_sci = np.maximum(2, n - n_ms)
    hit = np.flatnonzero(welch_power(n_ms, n_sci, difference, ms_sd, sci_sd, alpha) >= target)
    return int(n[hit[0]]) if len(hit) else None


# ----------------------------------------------------------------------------------------------------
# The winner's curse: studies that reach p < alpha overestimate the difference when power is low


def simulate_studies(
    n_ms, n_sci, difference, ms_sd, sci_sd, alpha=0.05, reps=2000, seed=0, equal_var=False
) -> pd.DataFrame:
    """``reps`` simulated studies of a true ``difference``: each study's estimate (MS - SCI mean), p, significant."""
    a, b = _draws(n_ms, n_sci, difference, 0.0, ms_sd, sci_sd, reps, _cell_seed(seed, n_ms + n_sci, difference))
    p = ttest_p_matrix(a, b, equal_var)
    return pd.DataFrame({"estimate": a.mean(axis=1) - b.mean(axis=1), "p": p, "significant": p < alpha})


def winners_curse(studies: pd.DataFrame, difference: float) -> dict:
    """Summary of :func:`simulate_studies`: power, the mean estimate among significant studies and the
    exaggeration ratio (that mean / the truth), each with its Monte Carlo SE, and the share of the significant
    studies with the wrong sign, with its SE or, when none has it, the exact one-sided 95% upper bound (a share
    of zero has no spread to show)."""
    reps = len(studies)
    sig = studies.loc[studies["significant"], "estimate"]
    k = len(sig)
    power = k / reps
    mean_sig = sig.mean() if k else np.nan
    se_sig = sig.std(ddof=1) / np.sqrt(k) if k > 1 else np.nan
    wrong = float((np.sign(sig) != np.sign(difference)).mean()) if k else np.nan
    return {
        "difference": difference,
        "studies": reps,
        "power_mc": power,
        "power_mc_se": float(mc_se(power, reps)),
        "mean_estimate_all": studies["estimate"].mean(),
        "mean_estimate_significant": mean_sig,
        "mean_estimate_significant_se": se_sig,
        "exaggeration_ratio": mean_sig / difference,
        "exaggeration_ratio_se": se_sig / abs(difference),
        "wrong_sign_share": wrong,
        "wrong_sign_share_se": float(mc_se(wrong, k)) if k else np.nan,
        "significant_studies": k,
        "wrong_sign_share_upper95": float(1 - 0.05 ** (1 / k)) if k and wrong == 0 else np.nan,
    }


def winners_curse_table(n_ms, n_sci, differences, ms_sd, sci_sd, alpha=0.05, reps=2000, seed=0, equal_var=False):
    """:func:`winners_curse` for each true difference, at one study size."""
    rows = [
        winners_curse(simulate_studies(n_ms, n_sci, d, ms_sd, sci_sd, alpha, reps, seed, equal_var), d)
        for d in differences
    ]
    return pd.DataFrame(rows).assign(n_ms=n_ms, n_sci=n_sci)


def largest_gap_in_se(grid: pd.DataFrame, reps: int) -> float:
    """Largest |Monte Carlo - analytic| power over a grid, in Monte Carlo SEs at the analytic power.

    The analytic power is kept at least 1/reps from 0 and 1 for the SE: there one simulated study is a whole
    step, and the SE of a power of 0.99999 would make a single miss look like a large gap."""
    se = mc_se(grid["power_analytic"].clip(1 / reps, 1 - 1 / reps), reps)
    return float((np.abs(grid["power_mc"] - grid["power_analytic"]) / se).max())
