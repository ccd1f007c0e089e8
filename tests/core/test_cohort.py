"""The data contract's rule for the dose at year k, checked on small hand-made charts."""

import numpy as np
import pandas as pd
import pytest

from helpers.clinic import contract
from helpers.core import cohort, reproduction


@pytest.fixture
def tiny():
    patients = pd.DataFrame(
        {
            "patient_id": ["A", "B", "C", "X"],
            "diagnosis": ["MS", "SCI", "MS", "SCI"],
            "excluded": [False, False, False, True],
            "followup_years": [10.5, 7.2, 9.9, 12.0],
            "sci_level": ["", "cervical", "", "thoracic"],
            "ais_grade": ["", "A", "", "B"],
        }
    )
    doses = pd.DataFrame(
        {
            "patient_id": ["A", "A", "A", "A", "B", "B", "B", "C", "C", "X"],
            "years_since_implant": [0.0, 0.6, 1.0, 6.5, 0.0, 0.9, 7.0, 0.0, 1.2, 0.0],
            "dose_ug_per_day": [50.0, 100.0, 200.0, 300.0, 80.0, 160.0, 120.0, 40.0, 90.0, 10.0],
        }
    )
    return patients, doses


def test_dose_at_year_is_the_last_adjustment_at_or_before_it(tiny):
    d = cohort.dose_at_years(*tiny, [1, 7, 10]).set_index(["patient_id", "year"])["dose"]
    assert d[("A", 1)] == 200  # an adjustment exactly at year 1 counts
    assert d[("A", 7)] == 300 and d[("A", 10)] == 300  # unchanged since 6.5 years
    assert d[("B", 1)] == 160 and d[("B", 7)] == 120  # exactly at year 7 counts
    assert d[("C", 1)] == 40  # the 1.2-year adjustment is after year 1
    assert ("B", 10) not in d.index and ("C", 10) not in d.index  # follow-up shorter than 10 years


def test_percent_of_reference_uses_analysed_patients_only(tiny):
    pct = cohort.percent_of_reference(*tiny, reference_year=1, time_points=[7, 10])
    assert "X" not in set(pct["patient_id"])
    got = pct.set_index(["patient_id", "year"])["pct"]
    assert got[("A", 7)] == pytest.approx(150) and got[("B", 7)] == pytest.approx(75)
    assert got[("C", 7)] == pytest.approx(225)


def test_another_reference_year(tiny):
    pct = cohort.percent_of_reference(*tiny, reference_year=2, time_points=[7])
    assert pct.set_index(["patient_id", "year"])["pct"][("C", 7)] == pytest.approx(100)


def test_adjustments_per_year_counts_full_years_only(tiny):
    counts = cohort.adjustments_per_year(*tiny).set_index(["patient_id", "year"])["n"]
    assert counts[("A", 1)] == 2 and counts[("A", 7)] == 1 and ("A", 11) not in counts.index
    assert counts[("B", 1)] == 1 and counts[("B", 7)] == 1


def test_analyse_on_tiny_data(tiny):
    patients, doses = tiny  # as the notebooks see them: checked against the contract (which asks a reason)
    res = reproduction.headline_numbers(*contract.validate(patients.assign(exclusion_reason=[None] * 3 + ["x"]), doses))
    assert res["n_screened"] == 4 and res["n_analysed"] == 3 and res["n_excluded"] == 1
    assert res["dose_ref_median"] == 160 and res["ms_n_10y"] == 1 and res["sci_n_10y"] == 0
    assert np.isnan(res["p_10y"])  # too few to test


def test_vectorised_rule_matches_a_plain_loop_on_the_synthetic_cohort(synthetic_frames):
    patients, doses = synthetic_frames
    fast = cohort.dose_at_years(patients, doses, [1, 4, 7, 10]).set_index(["patient_id", "year"])["dose"]
    for pid, fu in zip(patients["patient_id"], patients["followup_years"]):
        mine = doses.loc[doses["patient_id"] == pid]
        for k in (1, 4, 7, 10):
            if fu >= k:
                assert fast[(pid, k)] == mine.loc[mine["years_since_implant"] <= k, "dose_ug_per_day"].iloc[-1]


def test_dose_rows_in_any_order_give_the_same_result(synthetic_frames):
    """Grouped per patient in time order (the fast path) or shuffled (sorted first): the same table."""
    patients, doses = synthetic_frames
    years = range(13)
    grouped = cohort.dose_at_years(patients, doses, years)
    shuffled = cohort.dose_at_years(patients, doses.sample(frac=1, random_state=3), years)
    interleaved = cohort.dose_at_years(patients, doses.sort_values("years_since_implant", kind="stable"), years)
    pd.testing.assert_frame_equal(grouped, shuffled)
    pd.testing.assert_frame_equal(grouped, interleaved)
    assert (
        grouped["dose"].notna().all()
        and len(grouped) == (patients["followup_years"].to_numpy()[:, None] >= list(years)).sum()
    )
