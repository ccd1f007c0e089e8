"""The pooled MS - SCI difference against the textbook formulas, written out here: inverse-variance fixed effect,
DerSimonian-Laird (1986) and Paule-Mandel (1982) between-clinic variances, Q, I² and Higgins et al.'s (2009)
prediction interval."""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from helpers.pooling import meta


def _table(y, se, year=7):
    return pd.DataFrame({"clinic": [f"c{i}" for i in range(len(y))], "year": year, "estimate": y, "se": se,
                         "n_ms": 20, "n_sci": 20})  # fmt: skip


def _textbook(y, se, alpha=0.05):
    y, v = np.asarray(y, float), np.asarray(se, float) ** 2
    w = 1 / v
    fixed = (w * y).sum() / w.sum()
    q = (w * (y - fixed) ** 2).sum()
    k = len(y)
    tau2_dl = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))

    def pm_equation(t2):  # Paule-Mandel: the generalised Q equals its degrees of freedom
        wt = 1 / (v + t2)
        m = (wt * y).sum() / wt.sum()
        return (wt * (y - m) ** 2).sum() - (k - 1)

    tau2_pm = 0.0 if pm_equation(0.0) <= 0 else optimize.brentq(pm_equation, 0.0, 1e6)
    out = {"fixed": (fixed, np.sqrt(1 / w.sum()), 0.0)}
    for name, t2 in (("DL", tau2_dl), ("PM", tau2_pm)):
        wt = 1 / (v + t2)
        out[name] = ((wt * y).sum() / wt.sum(), np.sqrt(1 / wt.sum()), t2)
    z = stats.norm.isf(alpha / 2)
    i2 = max(0.0, (q - (k - 1)) / q)
    return {m: {"estimate": e, "ci_low": e - z * s, "ci_high": e + z * s, "tau2": t2, "se": s}
            for m, (e, s, t2) in out.items()}, q, i2  # fmt: skip


@pytest.mark.parametrize(
    "y, se",
    [
        ([28.6, -8.3, 26.3, 32.6, 44.0], [12.2, 11.1, 13.6, 10.3, 15.1]),  # heterogeneous: tau² > 0
        ([40.0, 30.0, 55.0], [10.0, 12.2, 14.1]),  # Q below its degrees of freedom: tau² truncated at 0
        ([44.0, 46.0], [15.0, 9.0]),  # two clinics: no prediction interval
    ],
)
def test_pooled_estimates_match_the_textbook_formulas(y, se):
    expected, q, i2 = _textbook(y, se)
    got = meta.pooled(_table(y, se)).set_index("method")
    for method, e in expected.items():
        for col in ("estimate", "ci_low", "ci_high", "tau2"):
            assert got.at[method, col] == pytest.approx(e[col], rel=1e-4, abs=1e-3), (method, col)
        assert got.at[method, "q"] == pytest.approx(q) and got.at[method, "i2"] == pytest.approx(i2)
    k = len(y)
    dl = expected["DL"]
    if k >= 3:
        half = stats.t.isf(0.025, k - 2) * np.sqrt(dl["tau2"] + dl["se"] ** 2)
        assert got.at["DL", "prediction_low"] == pytest.approx(dl["estimate"] - half, rel=1e-4)
    else:
        assert np.isnan(got.at["DL", "prediction_low"])
    assert np.isnan(got.at["fixed", "prediction_low"])


def test_a_year_with_one_estimate_is_not_pooled_and_the_paper_can_join_as_a_row():
    one = pd.concat([_table([30.0, 50.0], [10.0, 12.0]), _table([60.0], [20.0], year=10)])
    assert set(meta.pooled(one)["year"]) == {7}
    summaries = [{"clinic": "a", "differences": [{"year": 7, "withheld": False, "estimate": 30.0, "se_student": 10.0,
                                                   "se_welch": 11.0, "n_ms": 20, "n_sci": 20},
                                                  {"year": 10, "withheld": True}]}]  # fmt: skip
    rows = meta.clinics(summaries, "welch", paper=True, sci_n_10y=15)
    assert list(rows.columns) == ["clinic", "year", "estimate", "se", "n_ms", "n_sci"]
    assert rows.loc[rows["clinic"] == "a", "se"].tolist() == [11.0]  # the withheld year left out
    paper = rows.loc[rows["clinic"] == meta.PAPER].set_index("year")
    assert paper.at[7, "estimate"] == pytest.approx(44) and paper.at[10, "n_sci"] == 15
    assert paper.at[7, "se"] == pytest.approx(44 / stats.t.isf(0.003, 39), rel=1e-3)  # p = 0.006, df 39
