"""The pooling notebook's results in words (``helpers/text/pooling.yaml``): each year's pooled estimates, the
paper's role, and what pooling cannot show."""

from __future__ import annotations

import pandas as pd

from helpers.core import stats
from helpers.text import words


def say(pooled: pd.DataFrame, table: pd.DataFrame, alpha: float, paper: str, examples: bool = False) -> str:
    """Markdown: one paragraph per year, the paper's role (and, for the shipped ``examples``, that they are
    synthetic), and the limits."""
    ci, parts = stats.ci_level(alpha), []
    for year in sorted(table["year"].unique()):
        at = pooled.loc[pooled["year"] == year].set_index("method")
        if at.empty:
            parts.append(words.fill("pooling.too_few", year=year))
            continue
        fe, dl, pm = at.loc["fixed"], at.loc["DL"], at.loc["PM"]
        prediction = (words.fill("pooling.no_prediction") if pd.isna(dl["prediction_low"]) else
                      words.fill("pooling.prediction", low=dl["prediction_low"], high=dl["prediction_high"], ci=ci))  # fmt: skip
        parts.append(words.fill("pooling.year", year=year, k=int(fe["k"]), ci=ci, fixed=fe["estimate"],
                                fixed_lo=fe["ci_low"], fixed_hi=fe["ci_high"], dl=dl["estimate"], dl_lo=dl["ci_low"],
                                dl_hi=dl["ci_high"], pm=pm["estimate"], pm_lo=pm["ci_low"], pm_hi=pm["ci_high"],
                                i2=100 * fe["i2"], tau2_dl=dl["tau2"], tau2_pm=pm["tau2"], prediction=prediction))  # fmt: skip
    parts.append(words.fill(f"pooling.paper_{'row' if paper == 'row' else 'comparison'}"))
    if examples:
        parts[-1] += " " + words.fill("pooling.examples")
    return "\n\n".join([*parts, words.fill("pooling.limits")])
