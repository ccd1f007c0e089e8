"""The journal club's first exercise answered by computation: the study rerun on the simulation model's
cohorts, one per seed."""

import numpy as np
import pytest
from scipy import stats as sps

from helpers import cohort, replication, synthetic


@pytest.fixture(scope="module")
def runs():
    return replication.rerun(60, {}, 1, 7)


def test_each_rerun_is_the_cohort_its_seed_draws_analysed_with_students_t(runs):
    assert list(runs["seed"]) == list(range(60))
    patients, doses, _ = synthetic.draw(synthetic.make_spec("simulation", 17, {}))
    pct = cohort.percent_of_reference(patients, doses, 1, [7])
    at = pct.loc[pct["year"] == 7]
    ms, sci = at.loc[at["diagnosis"] == "MS", "pct"], at.loc[at["diagnosis"] == "SCI", "pct"]
    row = runs.loc[runs["seed"] == 17].iloc[0]
    assert row["ms_mean"] == pytest.approx(ms.mean()) and row["sci_mean"] == pytest.approx(sci.mean())
    assert row["p"] == pytest.approx(sps.ttest_ind(ms, sci, equal_var=True).pvalue)


def test_the_summary_counts_the_reruns_and_gives_the_share_its_monte_carlo_se(runs):
    s = replication.summary(runs, 0.05)
    k = int((runs["p"] >= 0.05).sum())
    assert s["n"] == 60 and s["not_significant"] == k and s["share"] == pytest.approx(100 * k / 60)
    assert s["share_se"] == pytest.approx(100 * np.sqrt(k / 60 * (1 - k / 60) / 60))
    assert s["ms_mean_p5"] < runs["ms_mean"].median() < s["ms_mean_p95"]
    assert 0 < k < 60  # the simulation model's replications do sometimes "fail": the exercise's point


def test_a_changed_assumption_reaches_the_reruns():
    small = replication.summary(replication.rerun(60, {"ms_annual_change_pct": 4.0}, 1, 7), 0.05)
    default = replication.summary(replication.rerun(60, {}, 1, 7), 0.05)
    assert small["share"] > default["share"]  # a smaller true difference: more reruns miss it
