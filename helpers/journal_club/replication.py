"""The study rerun on cohorts the simulation model draws, one per seed: how far its estimate moves between
replications of the same study (the journal club's first exercise, answered by computation).

Every cohort is drawn as ``synthetic_mode = "simulation"`` with that seed draws it, and analysed as the paper
was: mean % of the reference dose per group, Student's t (:func:`helpers.core.stats.t_test`). What varies is set by
the simulation model's assumptions (true means, spreads), so the spread describes the model, not the real
study. Its true difference is the published one: how often a rerun reaches p < alpha would be observed power,
so it is not reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import synthetic
from helpers.core import cohort, stats
from helpers.core.diagnoses import MS, SCI


def rerun(n: int, overrides: dict, reference_year: int, year: int, alpha: float = 0.05) -> pd.DataFrame:
    """One row per seed 0 .. n-1: each group's mean % at ``year``, their difference with Student's CI, its
    pooled SD and Student's p."""
    rows = []
    for seed in range(n):
        patients, doses, _ = synthetic.draw(synthetic.make_spec("simulation", seed, overrides))
        pct = cohort.percent_of_reference(patients, doses, reference_year, [year])
        at = pct.loc[pct["year"] == year]
        ms, sci = at.loc[at["diagnosis"] == MS, "pct"], at.loc[at["diagnosis"] == SCI, "pct"]
        t = stats.t_test(ms, sci, True, alpha)
        pooled_sd = np.sqrt(stats.pooled_variance(ms.var(), sci.var(), len(ms), len(sci)))
        rows.append({"seed": seed, "ms_mean": ms.mean(), "sci_mean": sci.mean(), "difference": t.difference,
                     "ci_low": t.ci_low, "ci_high": t.ci_high, "pooled_sd": pooled_sd, "p": t.p})  # fmt: skip
    return pd.DataFrame(rows)


def summary(runs: pd.DataFrame, alpha: float = 0.05) -> dict:
    """How often MS stayed above SCI, the SD of the difference over the reruns with its Monte Carlo SE
    (normal theory: SD / sqrt(2 (n - 1))), the reruns' mean pooled SD, and whether any rerun's p reached
    ``alpha`` (how many is left out: see the module's note)."""
    n, sd = len(runs), runs["difference"].std(ddof=1)
    return {
        "some_not_significant": bool((runs["p"] >= alpha).any()),
        "n": n,
        "last_seed": n - 1,
        "positive": int((runs["difference"] > 0).sum()),
        "difference_sd": sd,
        "difference_sd_se": sd / np.sqrt(2 * (n - 1)),
        "pooled_sd": runs["pooled_sd"].mean(),
    }
