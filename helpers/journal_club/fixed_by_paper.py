"""What the published numbers fix, computed from them alone: no synthetic patient enters here.

The paper gives each group's mean % and size at 7 and 10 years and the Student t-test p. Inverted, the p gives
the standard error of the difference (the calibration's algebra, :func:`helpers.synthetic.calibration.pooled_sd_for_p`),
and with it the Student CI of the difference (:func:`helpers.core.stats.t_from_moments`): fixed by the paper at 7
years; at 10 years it needs the SCI count, which the paper does not give. A group's own CI needs its own SD,
which the paper does not give either: it rests on how the pooled SD divides between the groups (the assumed
SD ratio), and so does any within-group test against the 1-year dose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import published, stats
from helpers.core.diagnoses import DIAGNOSES, MS, SCI
from helpers.synthetic import calibration

SD_RATIOS = (0.5, 3.0)  # the range of the MS:SCI SD ratio the appendix's consistent cohorts span


def _inputs(time_point: int, n_sci=None):
    k = f"{time_point}y"
    n_ms = published.value(f"ms_n_{k}")
    n_sci = published.value("n_sci") if n_sci is None else n_sci
    return published.value(f"ms_pct_{k}"), published.value(f"sci_pct_{k}"), n_ms, n_sci, published.value(f"p_{k}")


def difference_ci(time_point: int, alpha: float = 0.05, n_sci=None) -> stats.TTest:
    """The Student t-test of the MS - SCI difference in mean % at a published time point, from the published
    means, group sizes and p alone (``n_sci``: the SCI count there, published only at 7 years; an array gives
    one test per count)."""
    ms, sci, n_ms, n_sci, p = _inputs(time_point, n_sci)
    sd = calibration.pooled_sd_for_p(ms - sci, n_ms, n_sci, p)
    return stats.t_from_moments(ms, sci, sd**2, sd**2, n_ms, n_sci, equal_var=True, alpha=alpha)


def rounding_range(time_point: int, alpha: float = 0.05, n_sci=None) -> tuple[float, float, float, float]:
    """How far the CI of :func:`difference_ci` moves within the rounding of the published means (whole %) and
    p (three decimals): (lowest and highest CI low, lowest and highest CI high)."""
    ms, sci, n_ms, n_sci, p = _inputs(time_point, n_sci)
    grid = np.array(np.meshgrid([ms - 0.5, ms + 0.5], [sci - 0.5, sci + 0.5], [p - 0.0005, p + 0.0005])).reshape(3, -1)
    sd = calibration.pooled_sd_for_p(grid[0] - grid[1], n_ms, n_sci, grid[2])
    t = stats.t_from_moments(grid[0], grid[1], sd**2, sd**2, n_ms, n_sci, equal_var=True, alpha=alpha)
    return float(t.ci_low.min()), float(t.ci_low.max()), float(t.ci_high.min()), float(t.ci_high.max())


def group_ci(time_point: int, sd_ratio, alpha: float = 0.05, n_sci=None) -> pd.DataFrame:
    """Each group's mean % with its (1 - alpha) t interval, the pooled SD divided by an assumed MS:SCI SD
    ratio (one value or several: a row per ratio and group). The interval against 100% is the within-group
    test of the dose against the 1-year dose that the paper does not report."""
    ms, sci, n_ms, n_sci, p = _inputs(time_point, n_sci)
    ratio = np.atleast_1d(np.asarray(sd_ratio, float))
    ms_sd, sci_sd = calibration.split_sd(calibration.pooled_sd_for_p(ms - sci, n_ms, n_sci, p), n_ms, n_sci, ratio)
    rows = []
    for dx, mean, sd, n in ((MS, ms, ms_sd, n_ms), (SCI, sci, sci_sd, n_sci)):
        half = stats.t_half_width(sd, n, alpha)
        rows += [
            {"diagnosis": dx, "sd_ratio": r, "mean": mean, "sd": s, "n": n, "ci_low": mean - h, "ci_high": mean + h}
            for r, s, h in zip(ratio, np.broadcast_to(sd, ratio.shape), np.broadcast_to(half, ratio.shape))
        ]
    return pd.DataFrame(rows)


def welch_difference_ci(time_point: int, sd_ratio, alpha: float = 0.05, n_sci=None) -> stats.TTest:
    """The CI of the MS - SCI difference had the paper's p come from Welch's t instead, for an assumed MS:SCI SD
    ratio: the SDs that give the published p under Welch's t, found numerically (a check on the Student
    assumption of :func:`difference_ci`)."""
    from scipy.optimize import brentq

    ms, sci, n_ms, n_sci, p = _inputs(time_point, n_sci)

    def welch(sci_sd):
        return stats.t_from_moments(
            ms, sci, (sd_ratio * sci_sd) ** 2, sci_sd**2, n_ms, n_sci, equal_var=False, alpha=alpha
        )

    sci_sd = brentq(lambda s: float(welch(s).p) - p, 1e-6, 1e4)
    return welch(sci_sd)


def lower_limit_bounds(time_point: int, alpha: float = 0.05, n_sci=None) -> pd.DataFrame:
    """How low and how high each group's (1 - alpha) CI lower limit can be over every way the pooled SD can
    divide between the groups: lowest when the other group's SD is 0 (this group's as large as it can be),
    highest when this group's SD is 0 (the mean itself). diagnosis, lowest, highest."""
    ms, sci, n_ms, n_sci, p = _inputs(time_point, n_sci)
    sd = calibration.pooled_sd_for_p(ms - sci, n_ms, n_sci, p)
    rows = []
    for dx, mean, n in ((MS, ms, n_ms), (SCI, sci, n_sci)):
        largest = sd * np.sqrt((n_ms + n_sci - 2) / (n - 1))
        rows.append({"diagnosis": dx, "lowest": mean - float(stats.t_half_width(largest, n, alpha)), "highest": mean})
    return pd.DataFrame(rows)


def published_means() -> pd.DataFrame:
    """The paper's mean % of the 1-year dose per group, with the 1-year dose itself as 100%: year, diagnosis,
    mean, n (None where the paper gives no count: SCI at 10 years)."""
    rows = []
    for dx in DIAGNOSES:
        rows.append({"year": published.REFERENCE_YEAR, "diagnosis": dx, "mean": 100.0, "n": None})
        for k in published.TIME_POINTS:
            key = f"{dx.lower()}_n_{k}y"
            n = published.BY_KEY[key].value if key in published.BY_KEY else None
            if n is None and k == min(published.TIME_POINTS):
                n = published.value(f"n_{dx.lower()}")  # everyone is followed to the first time point
            rows.append({"year": k, "diagnosis": dx, "mean": published.value(f"{dx.lower()}_pct_{k}y"), "n": n})
    return pd.DataFrame(rows)


def published_difference(year: int) -> float | None:
    """The published MS - SCI difference of means at ``year`` (percentage points), or None if not published."""
    if year not in published.TIME_POINTS:
        return None
    return published.value(f"ms_pct_{year}y") - published.value(f"sci_pct_{year}y")


def headline_differences(alpha: float, sci_n_10y: int | None) -> pd.DataFrame:
    """The MS - SCI difference at each published time point with its Student SE and CI (:func:`difference_ci`),
    the group sizes behind it, and whether the paper fixes it (``fixed``) or it needs the assumed SCI count at
    10 years (``sci_n_10y``; None: the 7-year count)."""
    first = min(published.TIME_POINTS)
    rows = []
    for k in published.TIME_POINTS:
        n_sci = None if k == first else sci_n_10y
        t = difference_ci(k, alpha, n_sci)
        rows.append({"year": k, "difference": t.difference, "se": t.se, "ci_low": t.ci_low, "ci_high": t.ci_high,
                     "n_ms": int(published.value(f"ms_n_{k}y")), "n_sci": int(n_sci or published.value("n_sci")),
                     "fixed": k == first})  # fmt: skip
    return pd.DataFrame(rows)
