"""Each statistic in helpers.core.stats against an independent computation with scipy/numpy."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.core import stats


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


def test_the_one_t_test_matches_scipy_and_pingouin_one_at_a_time_and_by_rows():
    import pingouin as pg

    rng = np.random.default_rng(5)
    a, b = rng.normal(150, 50, (40, 22)), rng.normal(110, 25, (40, 19))
    b[:10, 15:] = np.nan  # some rows with fewer SCI values: NaN is no value
    for equal_var in (True, False):
        rows = stats.t_test(a, b, equal_var, alpha=0.1)
        for r in (0, 5, 20, 39):
            y = b[r][~np.isnan(b[r])]
            ref = sps.ttest_ind(a[r], y, equal_var=equal_var)
            ci = ref.confidence_interval(0.9)
            one = stats.t_test(a[r], y, equal_var, alpha=0.1)  # the single comparison calls the same code
            for got in (one, stats.TTest(*(np.asarray(f)[r] for f in rows))):
                assert got.statistic == pytest.approx(ref.statistic) and got.p == pytest.approx(ref.pvalue)
                assert (got.ci_low, got.ci_high) == pytest.approx((ci.low, ci.high))
                assert got.dof == pytest.approx(ref.df)
            pg_row = pg.ttest(a[r], y, correction=not equal_var, confidence=0.9).iloc[0]
            assert one.p == pytest.approx(pg_row["p_val"]) and one.dof == pytest.approx(pg_row["dof"])
    # from summaries: what the published numbers give
    n_a, m_a, v_a = stats.moments(a[0])
    n_b, m_b, v_b = stats.moments(b[20])
    assert stats.t_from_moments(m_a, m_b, v_a, v_b, n_a, n_b).p == pytest.approx(stats.t_test(a[0], b[20]).p)


def test_hedges_g_one_home_matches_pingouin_by_rows_and_alone():
    import pingouin as pg

    rng = np.random.default_rng(8)
    a, b = rng.normal(150, 50, (6, 22)), rng.normal(110, 25, (6, 19))
    many = stats.hedges_g_many(a, b)
    for r in range(6):
        g, (lo, hi) = stats.hedges_g(a[r], b[r], 0.05)
        ref = pg.compute_effsize(a[r], b[r], paired=False, eftype="hedges")
        ref_ci = pg.compute_esci(stat=ref, nx=22, ny=19, eftype="hedges", confidence=0.95, decimals=12)
        assert g == pytest.approx(ref) == pytest.approx(many[r])
        assert (lo, hi) == pytest.approx(tuple(ref_ci))


def test_hodges_lehmann_shift_is_the_median_pairwise_difference_with_the_mann_whitney_ci(two_groups):
    _df, a, b = two_groups
    shift, lo, hi = stats.hodges_lehmann(a, b, 0.05)
    d = np.sort((a[:, None] - b[None, :]).ravel())
    assert shift == pytest.approx(np.median(d))

    def p_at(delta):  # the Mann-Whitney test of a - delta against b, normal approximation, no continuity
        return sps.mannwhitneyu(a - delta, b, method="asymptotic", use_continuity=False).pvalue

    i_lo, i_hi = np.searchsorted(d, lo), np.searchsorted(d, hi)
    assert p_at((d[i_lo] + d[i_lo + 1]) / 2) >= 0.05 > p_at((d[i_lo - 1] + d[i_lo]) / 2)  # inverting the test
    assert p_at((d[i_hi - 1] + d[i_hi]) / 2) >= 0.05 > p_at((d[i_hi] + d[i_hi + 1]) / 2)


def test_median_difference_bootstrap_is_seeded_and_brackets_the_difference(two_groups):
    _df, a, b = two_groups
    diff, lo, hi = stats.median_difference_ci(a, b, 0.05, reps=2000, seed=3)
    assert diff == pytest.approx(np.median(a) - np.median(b)) and lo < diff < hi
    assert (diff, lo, hi) == stats.median_difference_ci(a, b, 0.05, reps=2000, seed=3)
    assert (lo, hi) != stats.median_difference_ci(a, b, 0.05, reps=2000, seed=4)[1:]


def test_median_difference_ci_agrees_with_scipys_bootstrap(two_groups):
    _df, a, b = two_groups
    _, lo, hi = stats.median_difference_ci(a, b, 0.05, reps=20_000, seed=1)
    ref = sps.bootstrap((a, b), lambda x, y, axis: np.median(x, axis) - np.median(y, axis), n_resamples=20_000,
                        method="percentile", random_state=np.random.default_rng(2)).confidence_interval  # fmt: skip
    tolerance = (hi - lo) / 20  # well above the Monte Carlo error of a percentile of 20,000 draws
    assert lo == pytest.approx(ref.low, abs=tolerance) and hi == pytest.approx(ref.high, abs=tolerance)


def test_mean_and_sd_intervals_against_scipy(two_groups):
    _df, a, _b = two_groups
    m, lo, hi = stats.mean_ci(a, 0.1)
    assert (m, lo, hi) == pytest.approx((a.mean(), *sps.t.interval(0.9, len(a) - 1, loc=a.mean(), scale=sps.sem(a))))
    s = a.std(ddof=1)
    lo, hi = stats.sd_ci(s, len(a) - 1, 0.05)
    chi = sps.chi2(len(a) - 1)
    assert (lo, hi) == pytest.approx(
        (s * np.sqrt((len(a) - 1) / chi.ppf(0.975)), s * np.sqrt((len(a) - 1) / chi.ppf(0.025)))
    )


def test_each_statistical_choice_has_one_home():
    """The t-test, Hedges' g and the calibration algebra are computed only in their homes; every other module
    calls them. (power.simulate_power_loop keeps pingouin: the benchmark's independent per-replicate baseline.)"""
    import re

    from helpers import paths

    homes = {
        r"ttest_ind|pg\.ttest|\.ttest\(": {"stats.py", "power.py:simulate_power_loop"},
        r"compute_effsize|compute_esci|4 \* \(n_a \+ n_b\) - 9": {"stats.py"},
        r"t\.isf\(": {"calibration.py"},
        r"\(\(na - 1\) \* sd_ratio|\(n_a - 1\) \* np\.asarray\(sd_ratio": {"calibration.py"},
    }
    found = []
    for path in sorted(paths.HELPERS.rglob("*.py")):
        if paths.RUNNER in path.parents:
            continue
        function = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("def "):
                function = line[4:].split("(")[0]
            if line.lstrip().startswith("#"):
                continue
            for pattern, allowed in homes.items():
                if re.search(pattern, line) and path.name not in allowed and f"{path.name}:{function}" not in allowed:
                    found.append(f"{path.relative_to(paths.ROOT)} ({function}): {line.strip()}")
    assert not found
