"""The journal club's first exercise answered by computation: the study rerun on the simulation model's
cohorts, one per seed."""

import numpy as np
import pytest
from scipy import stats as sps

from helpers import synthetic
from helpers.core import cohort
from helpers.journal_club import replication, session


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
    pooled = np.sqrt(((len(ms) - 1) * ms.var() + (len(sci) - 1) * sci.var()) / (len(ms) + len(sci) - 2))
    assert row["pooled_sd"] == pytest.approx(pooled)


def test_the_summary_gives_the_spread_its_monte_carlo_se_and_never_the_share_of_significant_reruns(runs):
    s = replication.summary(runs, 0.05)
    sd = runs["difference"].std(ddof=1)
    assert s["n"] == 60 and s["positive"] == int((runs["difference"] > 0).sum())
    assert s["difference_sd"] == pytest.approx(sd) and s["difference_sd_se"] == pytest.approx(sd / np.sqrt(118))
    assert s["some_not_significant"] == bool((runs["p"] >= 0.05).any())
    text = session.replications(s, 7, 0.05)
    assert "observed power" in text and "%" not in text.split("pooled SD")[0]  # no share of reruns is given
    assert "the published p fixes (48)" in text and "about 15 points" in text  # its SD, and the SE it gives


def test_a_changed_assumption_reaches_the_reruns():
    flatter = replication.rerun(60, {"ms_annual_change_pct": 4.0}, 1, 7)
    default = replication.rerun(60, {}, 1, 7)
    assert flatter["difference"].mean() < default["difference"].mean() - 10
