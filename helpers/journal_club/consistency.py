"""What the published numbers fix, and what they leave open: many cohorts consistent with the paper.

In the spirit of SPRITE (Heathers et al. 2018, reconstructing samples consistent with reported summaries):
draw many cohorts of the paper's size over seeds and over the assumptions the paper does not report (the
ratio of the MS to the SCI spread, the SCI count at 10 years, the shape of the dose courses), calibrate each
exactly onto the published means and Student p-values as the calibrated generator does, keep those whose
every % is clinically plausible, and see how far each secondary quantity ranges over them. A quantity that
does not move is fixed by the paper; one that moves is set by an assumption, not by the paper.

This is a fast path, vectorised with numpy over cohorts: it draws only what the comparisons need (each
analysed patient's % at 7 and 10 years and their 1-year dose) from the generator's model, with no per-cohort
DataFrame or dose chart. Unlike the generator it does not round doses to 0.1 µg/24 h nor rerun the full
pipeline, so a consistent cohort here is consistent to floating-point precision.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.core import published, stats
from helpers.core.diagnoses import MS, SCI
from helpers.synthetic import generator
from helpers.synthetic.calibration import calibrate_many, map_to_median_range
from helpers.synthetic.spec import SyntheticSpec

N_MS, N_SCI = int(published.value("n_ms")), int(published.value("n_sci"))
MS_N_10Y = int(published.value("ms_n_10y"))
PLAUSIBLE_PCT = (35.0, 450.0)  # the calibrated generator's rule for a plausible % of the 1-year dose
# the unpublished assumptions varied, each drawn uniformly over its range for every cohort
ASSUMPTION_RANGES = {
    "sd_ratio_ms_to_sci": (0.5, 3.0),  # SD of the MS % relative to the SCI % (same at both time points)
    "sci_n_10y": (10, 19),  # SCI patients of 19 followed to 10 years (whole numbers)
    "slope_sd": (0.02, 0.08),  # between-patient SD of the yearly log dose change: the shape of the %s
}


def draw_cohorts(n_draws: int, seed: int, ranges: dict | None = None) -> pd.DataFrame:
    """One row per drawn cohort: its assumptions, whether it is consistent (every % plausible, every dose
    at most 2000 µg/24 h) and the quantities of :func:`quantities`, all vectorised over cohorts."""
    ranges = {**ASSUMPTION_RANGES, **(ranges or {})}
    rng = np.random.default_rng(seed)
    spec = SyntheticSpec()
    c = n_draws
    ratio = rng.uniform(*ranges["sd_ratio_ms_to_sci"], c)
    lo, hi = ranges["sci_n_10y"]
    sci_n10 = rng.integers(lo, hi + 1, c)
    slope_sd = rng.uniform(*ranges["slope_sd"], c)

    # the generator's model of each patient's log(dose / 1-year dose) at 7 and 10 years (shape only: the
    # calibration below keeps each group's standardised values and sets its mean and SD)
    def logs(n):
        slope = slope_sd[:, None] * rng.standard_normal((c, n))
        return (
            6 * slope + rng.normal(0, generator.ANCHOR_NOISE_SD[7], (c, n)),
            9 * slope + rng.normal(0, generator.ANCHOR_NOISE_SD[10], (c, n)),
        )

    ms7, ms10 = logs(N_MS)
    sci7, sci10 = logs(N_SCI)
    # who is followed to 10 years: a random subset of the published size (MS) or the assumed one (SCI)
    ms_reach = _random_subset(rng, c, N_MS, np.full(c, MS_N_10Y))
    sci_reach = _random_subset(rng, c, N_SCI, sci_n10)
    d_ref = np.exp(rng.normal(np.log(published.value("dose_ref_median")), spec.dose_ref_log_sd, (c, N_MS + N_SCI)))
    d_ref = np.apply_along_axis(
        map_to_median_range,
        1,
        d_ref,
        published.value("dose_ref_median"),
        published.value("dose_ref_min"),
        published.value("dose_ref_max"),
    )

    pct = {}
    for k, (a, b) in ((7, (ms7, sci7)), (10, (ms10, sci10))):
        a = 100 * np.exp(a)
        b = 100 * np.exp(b)
        if k == 10:
            a, b = np.where(ms_reach, a, np.nan), np.where(sci_reach, b, np.nan)
        pct[k] = calibrate_many(
            a,
            b,
            published.value(f"ms_pct_{k}y"),
            published.value(f"sci_pct_{k}y"),
            published.value(f"p_{k}y"),
            ratio,
        )
    both = np.concatenate([np.concatenate(pct[7], 1), np.concatenate(pct[10], 1)], 1)
    with np.errstate(invalid="ignore"):
        plausible = np.all(np.isnan(both) | ((both >= PLAUSIBLE_PCT[0]) & (both <= PLAUSIBLE_PCT[1])), axis=1)
        doses = np.concatenate([d_ref, d_ref], 1) * both / 100
        plausible &= np.nanmax(doses, axis=1) <= generator.MAX_PLAUSIBLE_DOSE
    out = pd.DataFrame(
        {"sd_ratio_ms_to_sci": ratio, "sci_n_10y": sci_n10, "slope_sd": slope_sd, "consistent": plausible}
    )
    return pd.concat([out, quantities(pct, d_ref)], axis=1)


def _random_subset(rng, c, n, size):
    """(c, n) booleans: in each row a random subset of ``size[row]`` of the n patients."""
    ranks = np.argsort(rng.random((c, n)), axis=1).argsort(axis=1)
    return ranks < size[:, None]


def quantities(pct: dict, d_ref) -> pd.DataFrame:
    """Per cohort (row), at 7 and 10 years: what the paper published (means, Student p) and what it did not.

    The mixed model's MS - SCI difference in yearly change is approximated from each patient's slope through
    the origin and their 7- and 10-year log ratios (least squares; the 7-year one alone without 10 years):
    close to the model fitted on every yearly dose of the generator's cohorts (a test checks)."""
    with np.errstate(invalid="ignore"):  # a cohort with a % below 0 is implausible (dropped later), not an error
        return _quantities(pct, d_ref)


def _quantities(pct: dict, d_ref) -> pd.DataFrame:
    out = {}
    for k in (7, 10):
        a, b = pct[k]
        la, lb = np.log(a / 100), np.log(b / 100)
        out[f"MS mean % at {k} y"] = np.nanmean(a, 1)
        out[f"SCI mean % at {k} y"] = np.nanmean(b, 1)
        out[f"{stats.STUDENT} p at {k} y"] = stats.t_test(a, b, equal_var=True).p
        out[f"Hedges' g at {k} y"] = stats.hedges_g_many(a, b)
        out[f"Welch t p at {k} y"] = stats.t_test(a, b, equal_var=False).p
        out[f"Mann-Whitney p at {k} y"] = _mann_whitney_p(a, b)
        out[f"log-ratio t p at {k} y"] = stats.t_test(la, lb, equal_var=True).p
        out[f"MS SD % at {k} y"] = np.nanstd(a, 1, ddof=1)
        out[f"SCI SD % at {k} y"] = np.nanstd(b, 1, ddof=1)
        out[f"MS median % at {k} y"] = np.nanmedian(a, 1)
        out[f"SCI median % at {k} y"] = np.nanmedian(b, 1)
        for dx, v in ((MS, a), (SCI, b)):
            out[f"{dx} patients below 100% at {k} y"] = np.sum(v < 100, 1)
            out[f"{dx} patients at 200% or more at {k} y"] = np.sum(v >= 200, 1)
        out[f"MS geometric mean % at {k} y"] = 100 * np.exp(np.nanmean(la, 1))
        out[f"SCI geometric mean % at {k} y"] = 100 * np.exp(np.nanmean(lb, 1))
        ref_a, ref_b = d_ref[:, :N_MS], d_ref[:, N_MS:]
        ratio_of_means = {
            dx: 100 * np.nansum(ref * v / 100, 1) / np.nansum(np.where(np.isnan(v), np.nan, ref), 1)
            for dx, ref, v in ((MS, ref_a, a), (SCI, ref_b, b))
        }
        out[f"MS ratio of means % at {k} y"] = ratio_of_means[MS]
        out[f"SCI ratio of means % at {k} y"] = ratio_of_means[SCI]
    out["1-year dose median"] = np.median(d_ref, 1)
    out["1-year dose minimum"] = d_ref.min(1)
    out["1-year dose maximum"] = d_ref.max(1)
    slope = {}
    for dx, i in ((MS, 0), (SCI, 1)):
        l7, l10 = np.log(pct[7][i] / 100), np.log(pct[10][i] / 100)
        per_patient = np.where(np.isnan(l10), l7 / 6, (6 * l7 + 9 * np.nan_to_num(l10)) / (6**2 + 9**2))
        slope[dx] = 100 * np.expm1(per_patient.mean(1))
    out["MS - SCI yearly change (%/y, mixed model approx.)"] = slope[MS] - slope[SCI]
    return pd.DataFrame(out)


def _rows(a, b):
    """Yield (row indices, a rows, b rows) in blocks of equal group sizes (the 10-year SCI n varies)."""
    na, nb = np.sum(~np.isnan(a), 1), np.sum(~np.isnan(b), 1)
    for sizes in sorted(set(zip(na, nb))):
        idx = np.flatnonzero((na == sizes[0]) & (nb == sizes[1]))
        yield idx, _packed(a[idx], sizes[0]), _packed(b[idx], sizes[1])


def _packed(x, n):
    """Each row's non-missing values, first n columns (order kept)."""
    order = np.argsort(np.isnan(x), axis=1, kind="stable")
    return np.take_along_axis(x, order, 1)[:, :n]


def _by_blocks(a, b, fn):
    out = np.empty(len(a))
    for idx, pa, pb in _rows(a, b):
        out[idx] = fn(pa, pb)
    return out


def _mann_whitney_p(a, b):
    # as helpers.core.stats.compare_groups: scipy's default method, two-sided
    return _by_blocks(a, b, lambda x, y: sps.mannwhitneyu(x, y, axis=1, alternative="two-sided").pvalue)


def ranges(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Per quantity, its range over the consistent cohorts: fixed (by the paper) or set by the assumptions."""
    ok = cohorts.loc[cohorts["consistent"]]
    qs = [c for c in cohorts.columns if c not in (*ASSUMPTION_RANGES, "consistent")]
    rows = []
    for q in qs:
        v = ok[q].to_numpy(float)
        lo, mid, hi = v.min(), np.median(v), v.max()
        rows.append(
            {
                "quantity": q,
                "fixed_by_paper": bool(hi - lo <= 1e-9 * max(1.0, abs(mid))),
                "min": lo,
                "median": mid,
                "max": hi,
                "n_cohorts": len(v),
            }
        )
    return pd.DataFrame(rows)


def by_sd_ratio(cohorts: pd.DataFrame, year: int = 7, bins=(0.5, 1.0, 1.5, 2.0, 2.5, 3.0)) -> pd.DataFrame:
    """Median p-values of the three other tests at ``year`` over consistent cohorts, by assumed SD ratio."""
    ok = cohorts.loc[cohorts["consistent"]]
    labels = [f"{lo:g} to {hi:g}" for lo, hi in itertools.pairwise(bins)]
    band = pd.cut(ok["sd_ratio_ms_to_sci"], bins, labels=labels, include_lowest=True)
    cols = [f"{t} p at {year} y" for t in (stats.STUDENT, stats.WELCH, "Mann-Whitney", "log-ratio t")]
    out = ok.groupby(band, observed=True)[cols].median()
    out.insert(0, "n_cohorts", ok.groupby(band, observed=True).size())
    return out.rename_axis("assumed SD ratio MS:SCI").reset_index()


def assumptions() -> pd.DataFrame:
    """The unpublished assumptions varied, with their ranges, for the reader (words: helpers/text/appendix.yaml)."""
    from helpers.text import words

    return pd.DataFrame(
        [
            {
                "assumption": k,
                "from": lo,
                "to": hi,
                "what it sets": words.fill(f"appendix.consistency.assumptions.{k}"),
            }
            for k, (lo, hi) in ASSUMPTION_RANGES.items()
        ]
    )


def display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`ranges` as a reader sees it: 'fixed by the paper' as yes/no."""
    return table.assign(fixed_by_paper=table["fixed_by_paper"].map({True: "yes", False: "no"}))


def number_format(v) -> str:
    """Whole numbers for %, two decimals for values from 1 to 10, two significant digits below 1 (p-values)."""
    if not isinstance(v, (int, float, np.number)) or np.isnan(v):
        return str(v)
    if abs(v) >= 10:
        return f"{v:.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return np.format_float_positional(float(v), precision=2, unique=False, fractional=False, trim="-")


def in_words(table: pd.DataFrame, n_kept: int, n_drawn: int) -> str:
    """How many cohorts were kept, and the ranges that matter most for reading notebook 4 (Markdown)."""
    from helpers.text import words

    t = table.set_index("quantity")

    def span(q):
        return f"{number_format(t.at[q, 'min'])} to {number_format(t.at[q, 'max'])}"

    lines = [words.fill("appendix.consistency.kept", n_kept=n_kept, n_drawn=n_drawn), ""]
    for k in (7, 10):
        lines.append(
            words.fill(
                "appendix.consistency.time_point",
                year=k,
                student=number_format(t.at[f"{stats.STUDENT} p at {k} y", "median"]),
                welch=span(f"Welch t p at {k} y"),
                mw=span(f"Mann-Whitney p at {k} y"),
                log_ratio=span(f"log-ratio t p at {k} y"),
                ms_median=span(f"MS median % at {k} y"),
                ms_gm=span(f"MS geometric mean % at {k} y"),
            )
        )
    lines.append(
        words.fill("appendix.consistency.yearly_change", span=span("MS - SCI yearly change (%/y, mixed model approx.)"))
    )
    return "\n".join(lines)
