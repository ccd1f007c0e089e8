"""Calibration maths: exact rescaling of drawn values onto published summaries (no hand-typed rows).

The algebra has one home here. :func:`pooled_sd_for_p` is the pooled SD for which Student's t-test of two
published means, with their group sizes, gives a published p; :func:`split_sd` divides it between the groups
by an assumed SD ratio; :func:`calibrate_many` rescales drawn samples onto both, for many cohorts at once,
and :func:`calibrate_two_groups` is its use for one cohort.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def pooled_sd_for_p(difference, n_a, n_b, p_value):
    """The pooled SD for which Student's t-test of a mean difference ``difference`` between groups of n_a and
    n_b gives the two-sided ``p_value``: |difference| / (t(p/2; n_a + n_b - 2) sqrt(1/n_a + 1/n_b))."""
    n_a, n_b = np.asarray(n_a, float), np.asarray(n_b, float)
    t = stats.t.isf(np.asarray(p_value, float) / 2, n_a + n_b - 2)
    return np.abs(difference) / (t * np.sqrt(1 / n_a + 1 / n_b))


def split_sd(sd_pooled, n_a, n_b, sd_ratio):
    """(sd_a, sd_b) with sd_a / sd_b = ``sd_ratio`` whose pooled SD (Student's) is ``sd_pooled``."""
    n_a, n_b = np.asarray(n_a, float), np.asarray(n_b, float)
    sd_b = sd_pooled / np.sqrt(((n_a - 1) * np.asarray(sd_ratio, float) ** 2 + (n_b - 1)) / (n_a + n_b - 2))
    return sd_ratio * sd_b, sd_b


def calibrate_many(raw_a, raw_b, mean_a, mean_b, p_value, sd_ratio):
    """Rescale two samples per row (one cohort a row; NaN: no value) to the given means and two-sided Student
    t-test p-value.

    Each row keeps its shape (an affine map of its standardised values); the SDs keep ``sd_a / sd_b =
    sd_ratio`` (one value, or one per row) and are solved so the pooled-variance t statistic gives ``p_value``.
    """
    raw_a, raw_b = np.atleast_2d(np.asarray(raw_a, float)), np.atleast_2d(np.asarray(raw_b, float))
    na, nb = np.sum(~np.isnan(raw_a), 1), np.sum(~np.isnan(raw_b), 1)
    za = (raw_a - np.nanmean(raw_a, 1, keepdims=True)) / np.nanstd(raw_a, 1, ddof=1, keepdims=True)
    zb = (raw_b - np.nanmean(raw_b, 1, keepdims=True)) / np.nanstd(raw_b, 1, ddof=1, keepdims=True)
    sd_a, sd_b = split_sd(pooled_sd_for_p(mean_a - mean_b, na, nb, p_value), na, nb, np.asarray(sd_ratio, float))
    sd_a, sd_b = np.broadcast_to(sd_a, na.shape), np.broadcast_to(sd_b, nb.shape)
    return mean_a + sd_a[:, None] * za, mean_b + sd_b[:, None] * zb


def calibrate_two_groups(raw_a, raw_b, mean_a, mean_b, p_value, sd_ratio):
    """:func:`calibrate_many` for one cohort: the two samples rescaled to the means and Student p."""
    a, b = calibrate_many(raw_a, raw_b, mean_a, mean_b, p_value, sd_ratio)
    return a[0], b[0]


def map_to_median_range(raw, median, lo, hi):
    """Monotone map (log-linear on each side of the median) of an odd-sized sample onto median and range."""
    raw = np.log(np.asarray(raw, float))
    order = np.sort(raw)
    r_lo, r_med, r_hi = order[0], order[len(order) // 2], order[-1]
    below = np.log(lo) + (raw - r_lo) / (r_med - r_lo) * (np.log(median) - np.log(lo))
    above = np.log(median) + (raw - r_med) / (r_hi - r_med) * (np.log(hi) - np.log(median))
    return np.exp(np.where(raw <= r_med, below, above))


def paper_scale_yearly_change(mean_pct_7y, mean_pct_10y) -> float:
    """The yearly change (%/year) whose mean-of-ratios course 100 (1 + r)^(k - 1) comes closest to the given
    mean % at 7 and 10 years: least squares on the log scale, ln(1 + r) = (6 ln m7 + 9 ln m10) / (6² + 9²)."""
    log7, log10 = np.log(mean_pct_7y / 100), np.log(mean_pct_10y / 100)
    return float(100 * np.expm1((6 * log7 + 9 * log10) / (6**2 + 9**2)))
