"""The study rerun on cohorts the simulation model draws, one per seed: how far its means and its p move
between replications of the same study (the journal club's first exercise, answered by computation).

Every cohort is drawn as ``synthetic_mode = "simulation"`` with that seed draws it, and analysed as the paper
was: mean % of the reference dose per group, Student's t (:func:`helpers.stats.t_test`). What varies is set by
the simulation model's assumptions (true means, spreads), so the shares describe the model, not the real
study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import cohort, power, stats, synthetic
from .diagnoses import MS, SCI


def rerun(n: int, overrides: dict, reference_year: int, year: int, alpha: float = 0.05) -> pd.DataFrame:
    """One row per seed 0 .. n-1: each group's mean % at ``year``, their difference and Student's p."""
    rows = []
    for seed in range(n):
        patients, doses, _ = synthetic.draw(synthetic.make_spec("simulation", seed, overrides))
        pct = cohort.percent_of_reference(patients, doses, reference_year, [year])
        at = pct.loc[pct["year"] == year]
        ms, sci = at.loc[at["diagnosis"] == MS, "pct"], at.loc[at["diagnosis"] == SCI, "pct"]
        t = stats.t_test(ms, sci, True, alpha)
        rows.append({"seed": seed, "ms_mean": ms.mean(), "sci_mean": sci.mean(), "difference": t.difference, "p": t.p})
    return pd.DataFrame(rows)


def summary(runs: pd.DataFrame, alpha: float = 0.05) -> dict:
    """Middle 90% of each mean over the reruns, how often the difference kept the published direction (MS
    above SCI), and the share with p >= ``alpha`` with its Monte Carlo SE."""
    n = len(runs)
    above = float((runs["p"] >= alpha).mean())
    out = {"n": n, "last_seed": n - 1, "positive": int((runs["difference"] > 0).sum())}
    for col in ("ms_mean", "sci_mean", "difference"):
        out[f"{col}_p5"], out[f"{col}_p95"] = np.percentile(runs[col], [5, 95])
    return out | {"not_significant": int((runs["p"] >= alpha).sum()), "share": 100 * above,
                  "share_se": 100 * power.mc_se(above, n)}  # fmt: skip
