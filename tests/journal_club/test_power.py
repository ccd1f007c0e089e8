"""Prospective power: Monte Carlo against analytic power, the SDs it assumes, the cohort's own size in the text."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.core import cohort, published
from helpers.journal_club import power, results_in_words


@pytest.mark.parametrize("equal_var", [True, False])
def test_vectorised_power_equals_the_per_replicate_pingouin_loop(equal_var):
    args = dict(n_ms=12, n_sci=10, ms_mean=150, sci_mean=110, ms_sd=50, sci_sd=30, alpha=0.05, reps=150, seed=3)
    assert power.simulate_power(**args, equal_var=equal_var) == power.simulate_power_loop(**args, equal_var=equal_var)


def test_power_is_alpha_without_a_difference_and_near_one_with_a_large_one():
    null = power.simulate_power(20, 20, 100, 100, 30, 30, alpha=0.05, reps=20000, seed=1)
    assert null == pytest.approx(0.05, abs=0.006)
    assert power.simulate_power(50, 50, 200, 100, 30, 30, reps=2000, seed=1) == 1.0


def test_monte_carlo_and_analytic_welch_power_agree_within_a_few_monte_carlo_ses():
    reps = 4000
    grid = power.power_grid([10, 20, 41, 80, 160], [0, 20, 45], ms_sd=60, sci_sd=30, reps=reps, seed=5)
    z = (grid["power_mc"] - grid["power_analytic"]) / power.mc_se(grid["power_analytic"].clip(1 / reps, 1), reps)
    assert z.abs().max() < 4, grid.assign(z=z)
    assert power.largest_gap_in_se(grid, reps) == pytest.approx(z.abs().max())
    assert grid["power_mc_se"].to_numpy() == pytest.approx(np.sqrt(grid["power_mc"] * (1 - grid["power_mc"]) / reps))
    # and the analytic power is itself no artefact: 5% at no difference, rising with n and difference
    assert grid.loc[grid["difference"] == 0, "power_analytic"].to_numpy() == pytest.approx(0.05)
    rising = grid.loc[grid["difference"] > 0].sort_values(["difference", "n_total"])
    assert (rising.groupby("difference")["power_analytic"].diff().dropna() > 0).all()


def test_analytic_welch_power_matches_statsmodels_when_the_sds_are_equal():
    for diff in (20, 30, 45):
        welch = float(power.welch_power(22, 19, diff, 45, 45))
        assert welch == pytest.approx(power.student_power_equal_sd(22, 19, diff, 45), abs=0.005)


def test_the_sds_back_solved_from_the_paper_are_the_calibrated_cohorts(synthetic_frames):
    pct = cohort.percent_of_reference(*synthetic_frames, 1, [7, 10])
    for k, n_sci in ((7, None), (10, 15)):
        ms_sd, sci_sd = power.sds_from_published(k, 2.0, n_sci)
        sd = pct.loc[pct["year"] == k].groupby("diagnosis")["pct"].std()
        assert (ms_sd, sci_sd) == pytest.approx((sd["MS"], sd["SCI"]), rel=1e-3)
        assert ms_sd / sci_sd == pytest.approx(2.0)
    # the pooled SD gives back the published p with Student's t
    ms_sd, sci_sd = power.sds_from_published(7, 3.0)
    n1, n2 = published.value("ms_n_7y"), published.value("n_sci")
    sp = np.sqrt(((n1 - 1) * ms_sd**2 + (n2 - 1) * sci_sd**2) / (n1 + n2 - 2))
    t = (published.value("ms_pct_7y") - published.value("sci_pct_7y")) / (sp * np.sqrt(1 / n1 + 1 / n2))
    assert 2 * sps.t.sf(t, n1 + n2 - 2) == pytest.approx(published.value("p_7y"))


def test_grid_cells_do_not_depend_on_what_else_is_in_the_grid():
    small = power.power_grid([41], [20], ms_sd=60, sci_sd=30, reps=500, seed=2)
    large = power.power_grid([10, 41, 410], [20, 30], ms_sd=60, sci_sd=30, reps=500, seed=2)
    row = large.loc[(large["n_total"] == 41) & (large["difference"] == 20)]
    assert row["power_mc"].iloc[0] == small["power_mc"].iloc[0]
    assert (row["n_ms"].iloc[0], row["n_sci"].iloc[0]) == (22, 19)
    assert {"n_total", "difference", "power_mc", "power_mc_se", "power_analytic"} <= set(large.columns)


def test_n_for_power_is_the_smallest_size_reaching_the_target():
    n = power.n_for_power(30, 60, 30)
    n_ms, n_sci = power.split(n, power.PAPER_MS_SHARE)
    before = power.split(n - 1, power.PAPER_MS_SHARE)
    assert power.welch_power(n_ms, n_sci, 30, 60, 30) >= 0.8 > power.welch_power(*before, 30, 60, 30)
    assert power.n_for_power(0.01, 60, 30, n_max=100) is None


def test_the_text_quotes_the_power_at_the_cohorts_own_size():
    grid = power.power_grid([41, 410], [20, 45], ms_sd=60, sci_sd=30, reps=1000, seed=1)
    at = grid.set_index(["n_total", "difference"])["power_mc"]
    large = results_in_words.power_in_words(grid, 410, 220, 190, 0.05, 1000, {20: 171, 45: 37}, paper_n=41)
    assert "**410 patients** (220 MS, 190 SCI)" in large and "paper" not in large
    assert f"power {100 * at[(410, 20)]:.0f}%" in large and f"power {100 * at[(41, 20)]:.0f}%" not in large
    small = results_in_words.power_in_words(grid, 41, 22, 19, 0.05, 1000, {20: 171, 45: 37}, paper_n=41)
    assert "the paper's size" in small and f"power {100 * at[(41, 20)]:.0f}%" in small
    with pytest.raises(ValueError, match="n=99"):
        results_in_words.power_in_words(grid, 99, 50, 49, 0.05, 1000, {}, paper_n=41)


def test_grid_with_the_published_test_is_labelled_student():
    grid = power.power_grid([41], [20], ms_sd=60, sci_sd=30, reps=200, equal_var=True)
    assert isinstance(grid, pd.DataFrame) and grid["test"].iloc[0] == "Student t"


def test_winners_curse_significant_small_studies_overstate_the_difference():
    wc = power.winners_curse_table(22, 19, [20, 45], ms_sd=60, sci_sd=30, reps=4000, seed=1).set_index("difference")
    low, high = wc.loc[20], wc.loc[45]
    assert low["power_mc"] < 0.5
    # at low power the significant studies exaggerate, by many Monte Carlo SEs
    assert low["exaggeration_ratio"] - 1 > 10 * low["exaggeration_ratio_se"]
    assert low["mean_estimate_all"] == pytest.approx(20, abs=1.5)  # all studies together are unbiased
    # the exaggeration shrinks as power grows
    assert 1 <= high["exaggeration_ratio"] < low["exaggeration_ratio"]


def test_winners_curse_summary_by_hand():
    studies = pd.DataFrame({"estimate": [10.0, 30.0, 50.0, -40.0], "p": [0.5, 0.01, 0.001, 0.02]})
    studies["significant"] = studies["p"] < 0.05
    w = power.winners_curse(studies, 20)
    assert w["power_mc"] == 0.75 and w["power_mc_se"] == pytest.approx(np.sqrt(0.75 * 0.25 / 4))
    assert w["mean_estimate_significant"] == pytest.approx(40 / 3)
    assert w["mean_estimate_significant_se"] == pytest.approx(np.std([30, 50, -40], ddof=1) / np.sqrt(3))
    assert w["exaggeration_ratio"] == pytest.approx(40 / 3 / 20) and w["wrong_sign_share"] == pytest.approx(1 / 3)


def test_a_wrong_sign_share_of_zero_shows_its_upper_bound_not_a_zero_se():
    from scipy import stats as sps

    from helpers.journal_club import results_in_words

    studies = pd.DataFrame({"estimate": [30.0, 50.0, 40.0], "p": [0.01, 0.001, 0.02]}).assign(significant=True)
    w = power.winners_curse(studies, 20)
    assert w["wrong_sign_share"] == 0 and w["significant_studies"] == 3
    # the exact (Clopper-Pearson) one-sided 95% upper bound for 0 of 3
    assert w["wrong_sign_share_upper95"] == pytest.approx(sps.beta.ppf(0.95, 1, 3))
    shown = results_in_words.share_with_se(
        w["wrong_sign_share"], w["wrong_sign_share_se"], w["significant_studies"], w["wrong_sign_share_upper95"]
    )
    assert shown == "0 of 3 (95% upper bound 0.632)" and "SE" not in shown
    assert results_in_words.share_with_se(0.25, 0.1, 4, np.nan) == results_in_words.with_se(0.25, 0.1, 3)
