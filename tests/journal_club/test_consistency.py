"""Cohorts consistent with the paper: the vectorised fast path against the study's own computations, and the
table of what the published numbers fix."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers import synthetic
from helpers.core import cohort, published, stats
from helpers.journal_club import appraisal, consistency
from helpers.synthetic import calibration


@pytest.fixture(scope="module")
def drawn():
    return consistency.draw_cohorts(600, 3)


def test_vectorised_calibration_is_the_one_the_generator_uses_one_cohort_at_a_time():
    rng = np.random.default_rng(0)
    a, b = rng.lognormal(0, 0.3, (5, 22)), rng.lognormal(0, 0.3, (5, 19))
    b[:, 15:] = np.nan  # a smaller group at 10 years
    ratio = np.array([0.5, 1.0, 1.7, 2.0, 3.0])
    got_a, got_b = calibration.calibrate_many(a, b, 194, 121, 0.004, ratio)
    for r in range(5):
        want_a, want_b = synthetic.calibrate_two_groups(a[r], b[r, :15], 194, 121, 0.004, ratio[r])
        assert got_a[r] == pytest.approx(want_a) and got_b[r, :15] == pytest.approx(want_b)
        assert np.isnan(got_b[r, 15:]).all()


def test_every_quantity_matches_the_study_statistics_cohort_by_cohort():
    rng = np.random.default_rng(1)
    a = rng.lognormal(4.9, 0.35, (4, 22))
    b = rng.lognormal(4.7, 0.25, (4, 19))
    b10 = b.copy()
    b10[:2, 14:] = np.nan  # two cohorts with 14 SCI patients at 10 years, two with 19
    d_ref = rng.lognormal(5, 0.7, (4, 41))
    q = consistency.quantities({7: (a, b), 10: (a, b10)}, d_ref)
    for r in range(4):
        for k, sci in ((7, b[r]), (10, b10[r][~np.isnan(b10[r])])):
            df = pd.DataFrame({"diagnosis": ["MS"] * 22 + ["SCI"] * len(sci), "pct": np.concatenate([a[r], sci])})
            ref = stats.compare_groups(df, "pct").set_index("test")
            assert q.at[r, f"Student t p at {k} y"] == pytest.approx(ref.at["Student t", "p"], rel=1e-9)
            assert q.at[r, f"Welch t p at {k} y"] == pytest.approx(ref.at["Welch t", "p"], rel=1e-9)
            assert q.at[r, f"Mann-Whitney p at {k} y"] == pytest.approx(ref.at["Mann-Whitney U", "p"], rel=1e-9)
            assert q.at[r, f"Hedges' g at {k} y"] == pytest.approx(ref.at["Hedges' g", "estimate"], rel=1e-9)
            lr = stats.log_ratio_test(df, "pct").set_index("diagnosis")
            assert q.at[r, f"log-ratio t p at {k} y"] == pytest.approx(lr.at["MS", "p_student"], rel=1e-9)
            assert q.at[r, f"SCI geometric mean % at {k} y"] == pytest.approx(sps.gmean(sci))
            assert q.at[r, f"SCI median % at {k} y"] == pytest.approx(np.median(sci))
            followed = d_ref[r, 22 : 22 + len(sci)]
            assert q.at[r, f"SCI ratio of means % at {k} y"] == pytest.approx(
                100 * (followed * sci / 100).sum() / followed.sum()
            )


def test_the_mixed_model_approximation_is_close_to_the_fitted_model(synthetic_frames):
    patients, doses = synthetic_frames
    pct = cohort.percent_of_reference(patients, doses, 1, [7, 10])
    wide = pct.pivot_table(index=["patient_id", "diagnosis"], columns="year", values="pct").reset_index()
    groups = {dx: wide.loc[wide["diagnosis"] == dx] for dx in ("MS", "SCI")}
    q = consistency.quantities(
        {k: tuple(g[k].to_numpy()[None, :] for g in groups.values()) for k in (7, 10)},
        np.full((1, len(wide)), 100.0),
    )
    yearly = cohort.percent_of_reference(patients, doses, 1, all_years=True)
    fitted = appraisal.mixed_model(yearly, 1, 0.05)[0].set_index("diagnosis")["yearly change %"]
    approx = q.at[0, "MS - SCI yearly change (%/y, mixed model approx.)"]
    assert approx == pytest.approx(fitted["MS"] - fitted["SCI"], abs=0.3)


def test_consistent_cohorts_reproduce_the_published_numbers_and_stay_plausible(drawn):
    ok = drawn.loc[drawn["consistent"]]
    assert 0 < len(ok) < len(drawn)  # the plausibility rule bites
    for key in ("ms_pct_7y", "sci_pct_10y"):
        dx, k = key.split("_pct_")
        assert ok[f"{dx.upper()} mean % at {k[:-1]} y"].to_numpy() == pytest.approx(published.value(key))
    assert ok["Student t p at 7 y"].to_numpy() == pytest.approx(published.value("p_7y"))
    # the low assumed SD ratios make SCI values implausible more often
    share = drawn.groupby(drawn["sd_ratio_ms_to_sci"] < 1)["consistent"].mean()
    assert share[True] < share[False]


def test_the_table_separates_what_the_paper_fixes_from_what_the_assumptions_set(drawn):
    table = consistency.ranges(drawn).set_index("quantity")
    _check_table(table)
    # the assumed SD ratio moves the Mann-Whitney p in one direction over consistent cohorts
    ok = drawn.loc[drawn["consistent"]]
    rho = sps.spearmanr(ok["sd_ratio_ms_to_sci"], ok["Mann-Whitney p at 7 y"]).statistic
    assert rho > 0.3


def test_the_committed_consistent_cohorts_table(committed):
    table = pd.read_csv(committed / "tables" / "07_consistent_cohorts.csv").set_index("quantity")
    assert {"min", "median", "max", "n_cohorts"} <= set(table.columns)
    assert (table["n_cohorts"] >= 200).all()
    _check_table(table)


def _check_table(table):
    spread = table["max"] - table["min"]
    for q in (
        "MS mean % at 7 y",
        "SCI mean % at 10 y",
        "Student t p at 7 y",
        "Student t p at 10 y",
        "1-year dose median",
        "Hedges' g at 7 y",
    ):
        assert spread[q] <= 1e-6 * max(1, abs(table.at[q, "median"])), q
        assert table.at[q, "fixed_by_paper"], q
    for q in ("Welch t p at 7 y", "Mann-Whitney p at 7 y", "log-ratio t p at 10 y", "MS median % at 7 y"):
        assert spread[q] > 0.1 * table.at[q, "median"], q
        assert not table.at[q, "fixed_by_paper"], q


def test_the_calibration_algebra_gives_back_the_published_p():
    a, b = calibration.calibrate_two_groups(np.arange(22.0), np.arange(19.0) ** 1.5, 157, 113, 0.006, 2.0)
    assert sps.ttest_ind(a, b).pvalue == pytest.approx(0.006) and a.std(ddof=1) / b.std(ddof=1) == pytest.approx(2.0)
    sd = calibration.pooled_sd_for_p(44, 22, 19, 0.006)
    ms_sd, sci_sd = calibration.split_sd(sd, 22, 19, 2.0)
    assert np.sqrt((21 * ms_sd**2 + 18 * sci_sd**2) / 39) == pytest.approx(sd) and ms_sd / sci_sd == pytest.approx(2)
