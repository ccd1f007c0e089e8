"""Calibration maths: exact rescaling of drawn values onto published summaries (no hand-typed rows)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def calibrate_two_groups(raw_a, raw_b, mean_a, mean_b, p_value, sd_ratio):
    """Rescale two samples to the given means and two-sided Student t-test p-value.

    Each sample keeps its shape (an affine map of its standardised values); the SDs keep
    ``sd_a / sd_b = sd_ratio`` and are solved so the pooled-variance t statistic gives ``p_value``.
    """
    raw_a, raw_b = np.asarray(raw_a, float), np.asarray(raw_b, float)
    na, nb = len(raw_a), len(raw_b)
    za = (raw_a - raw_a.mean()) / raw_a.std(ddof=1)
    zb = (raw_b - raw_b.mean()) / raw_b.std(ddof=1)
    dof = na + nb - 2
    t = stats.t.isf(p_value / 2, dof)
    sd_pooled = abs(mean_a - mean_b) / (t * np.sqrt(1 / na + 1 / nb))
    sd_b = sd_pooled / np.sqrt(((na - 1) * sd_ratio**2 + (nb - 1)) / dof)
    return mean_a + sd_ratio * sd_b * za, mean_b + sd_b * zb


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
