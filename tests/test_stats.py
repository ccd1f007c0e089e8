"""Each statistic in helpers.stats against an independent computation with scipy/numpy."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers import stats


@pytest.fixture
def two_groups():
    rng = np.random.default_rng(42)
    a, b = rng.normal(157, 60, 22), rng.normal(113, 30, 19)
    df = pd.DataFrame({"diagnosis": ["MS"] * 22 + ["SCI"] * 19, "pct": np.r_[a, b]})
    return df, a, b


def test_student_and_welch_t_match_scipy(two_groups):
    df, a, b = two_groups
    t = stats.compare_groups(df, "pct").set_index("test")
    for name, equal in (("Student t", True), ("Welch t", False)):
        ref = sps.ttest_ind(a, b, equal_var=equal)
        assert t.at[name, "statistic"] == pytest.approx(ref.statistic)
        assert t.at[name, "p"] == pytest.approx(ref.pvalue)
        ci = ref.confidence_interval(0.95)
        assert (t.at[name, "ci_low"], t.at[name, "ci_high"]) == pytest.approx((ci.low, ci.high), abs=0.006)
    assert stats.student_t_p(df, "pct") == pytest.approx(sps.ttest_ind(a, b).pvalue)


def test_mann_whitney_matches_pingouin_and_a_pairwise_count(two_groups):
    import pingouin as pg

    df, a, b = two_groups
    t = stats.compare_groups(df, "pct").set_index("test")
    ref = pg.mwu(a, b, alternative="two-sided").iloc[0]
    assert t.at["Mann-Whitney U", "statistic"] == ref["U_val"]
    assert t.at["Mann-Whitney U", "p"] == pytest.approx(ref["p_val"])
    pairs = (a[:, None] > b[None, :]).mean() + 0.5 * (a[:, None] == b[None, :]).mean()
    assert t.at["Mann-Whitney U", "estimate"] == pytest.approx(pairs) == pytest.approx(ref["CLES"])


def test_hedges_g_and_its_ci_match_the_textbook_formulas(two_groups):
    _df, a, b = two_groups
    na, nb = len(a), len(b)
    sp = np.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    d = (a.mean() - b.mean()) / sp
    g = d * (1 - 3 / (4 * (na + nb) - 9))
    se = np.sqrt((na + nb) / (na * nb) + g**2 / (2 * (na + nb)))
    got, (lo, hi) = stats.hedges_g(a, b)
    assert got == pytest.approx(g, rel=1e-3)
    crit = sps.t.ppf(0.975, na + nb - 2)  # pingouin (and many texts) use the t quantile here
    assert (lo, hi) == pytest.approx((g - crit * se, g + crit * se), abs=0.006)


def test_summary_ci_matches_scipy_t_interval(two_groups):
    df, a, _ = two_groups
    s = stats.summary(df, "pct", alpha=0.01).set_index("diagnosis")
    lo, hi = sps.t.interval(0.99, len(a) - 1, loc=a.mean(), scale=sps.sem(a))
    assert (s.at["MS", "ci_low"], s.at["MS", "ci_high"]) == pytest.approx((lo, hi))
    assert s.at["MS", "sd"] == pytest.approx(a.std(ddof=1))


def test_log_ratio_test_is_a_t_test_on_logs(two_groups):
    df, a, b = two_groups
    lr = stats.log_ratio_test(df, "pct").set_index("diagnosis")
    assert lr.at["MS", "geometric_mean_pct"] == pytest.approx(sps.gmean(a))
    assert lr.at["MS", "p_student"] == pytest.approx(sps.ttest_ind(np.log(a), np.log(b)).pvalue)


def test_too_few_patients_give_no_test():
    df = pd.DataFrame({"diagnosis": ["MS", "MS", "SCI"], "pct": [100.0, 120.0, 90.0]})
    assert np.isnan(stats.student_t_p(df, "pct"))
    assert stats.compare_groups(df, "pct")["p"].isna().all()


@pytest.mark.parametrize("n", [6, 7, 9, 18, 22, 41])
def test_median_ci_matches_scipys_quantile_test_and_reports_its_exact_coverage(n):
    x = np.random.default_rng(n).lognormal(5, 0.7, n)
    lo, hi, coverage = stats.median_ci(x, 0.05)
    ref = sps.quantile_test(x, q=np.median(x), p=0.5).confidence_interval(0.95)
    assert (lo, hi) == (ref.low, ref.high)
    k = int(np.flatnonzero(np.sort(x) == lo)[0]) + 1
    assert coverage == pytest.approx(1 - 2 * sps.binom.cdf(k - 1, n, 0.5)) and coverage >= 0.95


def test_median_ci_is_undefined_for_tiny_groups():
    assert np.isnan(stats.median_ci([1.0, 2.0, 3.0], 0.05)[0])


def test_geometric_mean_ci_is_a_t_interval_on_logs(two_groups):
    _df, a, _b = two_groups
    a = np.abs(a)
    gm, lo, hi = stats.geometric_mean_ci(a, 0.1)
    l_lo, l_hi = sps.t.interval(0.9, len(a) - 1, loc=np.log(a).mean(), scale=sps.sem(np.log(a)))
    assert (gm, lo, hi) == pytest.approx((sps.gmean(a), np.exp(l_lo), np.exp(l_hi)))
