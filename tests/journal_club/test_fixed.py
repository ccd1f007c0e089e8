"""What the published numbers fix (the CI of the 7-year difference, about 13 to 75 points) and what rests on an
assumption, against scipy and the calibrated cohort; and the marks the headline numbers carry."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.core import cohort, published, stats, tables
from helpers.journal_club import fixed_by_paper, number_kinds
from helpers.study import params


def test_the_7_year_difference_ci_from_the_published_numbers_alone():
    t = fixed_by_paper.difference_ci(7, 0.05)
    assert (t.difference, round(t.ci_low), round(t.ci_high)) == (44, 13, 75)
    # scipy from the same summaries: the pooled SD back-solved from p, in both groups
    n_ms, n_sci = published.value("n_ms"), published.value("n_sci")
    t_obs = sps.t.isf(published.value("p_7y") / 2, n_ms + n_sci - 2)
    sd = 44 / (t_obs * np.sqrt(1 / n_ms + 1 / n_sci))
    ref = sps.ttest_ind_from_stats(157, sd, n_ms, 113, sd, n_sci)
    assert t.p == pytest.approx(published.value("p_7y")) == pytest.approx(ref.pvalue)
    half = sps.t.ppf(0.975, n_ms + n_sci - 2) * 44 / t_obs
    assert (t.ci_low, t.ci_high) == pytest.approx((44 - half, 44 + half))
    lo_min, lo_max, hi_min, hi_max = fixed_by_paper.rounding_range(7, 0.05)
    assert lo_min < t.ci_low < lo_max and hi_min < t.ci_high < hi_max and lo_max - lo_min < 2


def test_the_calibrated_cohort_has_the_fixed_ci_and_the_assumed_group_cis(pct):
    at7 = pct.loc[pct["year"] == 7]
    tests = stats.compare_groups(at7, "pct").set_index("test")
    t = fixed_by_paper.difference_ci(7, 0.05)
    assert (tests.at["Student t", "ci_low"], tests.at["Student t", "ci_high"]) == pytest.approx(
        (t.ci_low, t.ci_high), abs=0.01
    )
    groups = fixed_by_paper.group_ci(7, 2.0, 0.05).set_index("diagnosis")
    summary = stats.summary(at7, "pct").set_index("diagnosis")
    for dx in ("MS", "SCI"):
        assert groups.at[dx, "ci_low"] == pytest.approx(summary.at[dx, "ci_low"], abs=0.01)
    # another SD ratio, another group CI: the within-group claim rests on the assumption
    spread = fixed_by_paper.group_ci(7, [0.5, 3.0], 0.05).set_index(["diagnosis", "sd_ratio"])["ci_low"]
    assert spread[("SCI", 0.5)] < 100 < spread[("SCI", 3.0)] and spread[("MS", 0.5)] > 100 < spread[("MS", 3.0)]


def test_the_10_year_ci_needs_the_sci_count_but_barely_moves_with_it():
    lows = fixed_by_paper.difference_ci(10, 0.05, np.arange(10, 20)).ci_low
    assert lows.max() - lows.min() < 1 and lows.min() > 24
    means = fixed_by_paper.published_means()
    assert means.loc[(means["diagnosis"] == "SCI") & (means["year"] == 10), "n"].isna().all()
    diffs = fixed_by_paper.headline_differences(0.05, 15).set_index("year")
    assert bool(diffs.at[7, "fixed"]) and not bool(diffs.at[10, "fixed"])


@pytest.fixture(scope="module")
def run_tables(synthetic_frames):
    pct = cohort.percent_of_reference(*synthetic_frames, 1, [7, 10])
    return tables.group_summary(pct, [7, 10], 0.05), tables.group_tests(pct, [7, 10], 0.05)


def test_headline_marks_say_what_is_published_fixed_and_assumed(run_tables):
    m = number_kinds.headline_marks(*run_tables, params.DEFAULTS).set_index(["table", "year", "group", "quantity"])[
        "words"
    ]
    g, t = "04_percent_of_reference_by_group", "04_group_tests"
    assert m[(g, 7, "MS", "mean")] == "published" and m[(g, 10, "SCI", "mean")] == "published"
    assert m[(g, 10, "SCI", "n")] == "rests on an assumption: 15 SCI patients followed to 10 years (sci_n_10y)"
    assert m[(g, 7, "SCI", "ci")].startswith("rests on an assumption: the MS spread 2 times the SCI spread")
    assert m[(t, 7, "Student t", "ci")] == "fixed by the paper" and m[(t, 7, "Student t", "p")] == "published"
    assert m[(t, 10, "Student t", "ci")].startswith("rests on an assumption: 15 SCI")
    assert m[(t, 7, "Welch t", "p")].startswith("rests on an assumption: the MS spread")
    # the CSV files as the front page reads them (every value text) give the same marks
    as_text = [x.astype(str) for x in run_tables]
    assert number_kinds.headline_marks(*as_text, params.DEFAULTS)["words"].tolist() == m.tolist()


def test_other_runs_are_marked_as_theirs(run_tables):
    for changed, words in (
        ({"synthetic_mode": "simulation"}, {"simulated from the model's assumptions"}),
        ({"data_dir": "/clinic"}, {"from your chart data"}),
    ):
        assert set(number_kinds.headline_marks(*run_tables, {**params.DEFAULTS, **changed})["words"]) == words
    other = number_kinds.headline_marks(*run_tables, {**params.DEFAULTS, "reference_year": 2})
    assert set(other["mark"]) == {"assumed"}
    assumed = number_kinds.headline_marks(*run_tables, {**params.DEFAULTS, "synthetic": {"sci_n_10y": 12}})
    assert "12 SCI patients followed to 10 years" in " ".join(assumed["words"])


def test_the_legend_uses_the_marks_words(run_tables):
    legend = number_kinds.legend(number_kinds.headline_marks(*run_tables, params.DEFAULTS), params.DEFAULTS)
    for words in ("*published*", "*fixed by the paper*", "*rests on an assumption*"):
        assert words in legend
    assert isinstance(legend, str) and pd.notna(legend)


def test_the_within_group_lower_limits_are_bounded_whatever_the_sds():
    """Independent check: over a fine grid of SD splits that keep the published pooled SD, each group's t lower
    limit stays between the bounds, and reaches them at the ends (the other group's SD, or its own, near 0)."""
    from helpers.synthetic import calibration

    bounds = fixed_by_paper.lower_limit_bounds(7).set_index("diagnosis")
    ms, sci, n_ms, n_sci, p = (published.value(k) for k in ("ms_pct_7y", "sci_pct_7y", "n_ms", "n_sci", "p_7y"))
    pooled = calibration.pooled_sd_for_p(ms - sci, n_ms, n_sci, p)
    share = np.linspace(0, 1, 2001)  # the MS share of the pooled sum of squares
    ss = pooled**2 * (n_ms + n_sci - 2)
    for dx, mean, n, part in (("MS", ms, n_ms, share), ("SCI", sci, n_sci, 1 - share)):
        sd = np.sqrt(ss * part / (n - 1))
        low = mean - sps.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
        assert bounds.loc[dx, "lowest"] == pytest.approx(low.min()) and bounds.loc[dx, "highest"] == pytest.approx(
            low.max()
        )
    assert bounds.loc["MS", "lowest"] > 100 > bounds.loc["SCI", "lowest"]  # MS above 100% whatever the SDs; SCI not
