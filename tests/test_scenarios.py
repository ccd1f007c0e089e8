"""Scenarios of the synthetic model: off by default, inside the data contract, and each biasing the paper's
analysis in the direction its mechanism implies."""

import re

import numpy as np
import pandas as pd
import pytest

from helpers import paths, published, scenario_effects, schema, synthetic
from helpers.errors import StudyInputError
from helpers.synthetic import generator, scenarios

N = 400  # patients per group: enough to show each mechanism beyond chance, fast


@pytest.fixture(scope="module")
def cohorts():
    return scenario_effects.draw_cohorts(N, 2019)


@pytest.fixture(scope="module")
def table(cohorts):
    t = scenario_effects.effects(cohorts, 0.05)
    return t.set_index(["scenario", "estimate"])


def row(table, scenario, starts):
    sub = table.loc[scenario]
    hits = [e for e in sub.index if e.startswith(starts)]
    assert len(hits) == 1, (scenario, starts, list(sub.index))
    return sub.loc[hits[0]]


def test_every_scenario_is_off_by_default_and_refused_in_calibrated_mode():
    spec = synthetic.SyntheticSpec()
    assert set(synthetic.SCENARIOS) == set(scenarios.FIELDS)
    for name, (off, _lo, _hi) in scenarios.FIELDS.items():
        assert synthetic.FIELDS[name].default == off, name
    assert scenarios.switched_on(spec) == []
    with pytest.raises(StudyInputError) as err:
        synthetic.make_spec("calibrated", 2019, {"early_stop_share": 0.2})
    assert "synthetic.early_stop_share': a scenario of the synthetic model" in str(err.value)
    with pytest.raises(StudyInputError) as err:
        synthetic.make_spec("simulation", 1, {"early_stop_share": 2})
    assert "early_stop_share': expected a number from 0 to 0.9" in str(err.value)


def test_switched_off_scenarios_draw_nothing_and_change_nothing():
    spec = synthetic.make_spec("simulation", 5, {"n_ms": 30, "n_sci": 30})
    rng = np.random.default_rng(1)
    patients = generator._draw_patients(spec, rng)
    d_ref, anchors, slope = generator._draw_anchors(spec, patients, rng)
    state = rng.bit_generator.state
    drawn = scenarios.apply(spec, patients, d_ref, anchors, slope, rng)
    assert rng.bit_generator.state == state
    pd.testing.assert_frame_equal(drawn.patients, patients)
    assert np.array_equal(drawn.anchors, anchors) and drawn.ref_shift is None
    assert drawn.truth["in_chart_review"].all()


def test_every_scenario_cohort_honours_the_data_contract(cohorts):
    for name, (patients, doses, truth) in cohorts.items():
        schema.validate(patients, doses)
        assert set(patients["patient_id"]) <= set(truth["patient_id"]), name


def test_data_dictionary_documents_every_scenario_with_its_default():
    text = (paths.SYNTHETIC_DATA / "README.md").read_text()
    for name in synthetic.SCENARIOS:
        found = re.search(rf"^\| `{name}` \| ([^|]+) \|", text, flags=re.M)
        assert found, f"data dictionary has no row for {name}"
        assert float(found.group(1)) == synthetic.FIELDS[name].default, name


def test_outcome_dependent_exclusion_removes_the_largest_sci_rises(cohorts, table):
    patients, doses, _ = cohorts["Exclusion depends on the outcome"]
    threshold = scenario_effects.SCENARIOS["Exclusion depends on the outcome"][0]["sci_surge_exclusion_pct"]
    pct = scenario_effects._pct(patients, doses, everyone=True)
    sci7 = pct.loc[(pct["year"] == 7) & (pct["diagnosis"] == "SCI")].merge(patients[["patient_id", "excluded"]])
    # the rule acts on the charted rise (doses rounded to 0.1 µg/24 h)
    assert (sci7.loc[sci7["excluded"], "pct"] > threshold - 0.5).all()
    assert (sci7.loc[~sci7["excluded"], "pct"] <= threshold + 0.5).all()
    assert set(patients.loc[patients["excluded"], "exclusion_reason"]) == {published.EXCLUSION_REASONS[0]}
    name = "Exclusion depends on the outcome"
    analysed, kept = row(table, name, "SCI mean % at 7 y, analysed"), row(table, name, "SCI mean % at 7 y, excluded")
    assert analysed["scenario_on"] < kept["ci_low"]  # the analysed SCI mean is lower than everyone's
    diff = row(table, name, "MS - SCI")
    assert diff["scenario_on"] > diff["default_ci_high"]  # and the MS-SCI difference larger


def test_survivorship_the_whole_clinic_rises_more_than_the_patients_still_on_itb(cohorts, table):
    patients, _, truth = cohorts["Survivorship (the whole clinic)"]
    stopped = truth.loc[~truth["in_chart_review"], "patient_id"]
    assert len(stopped) > 0 and not set(stopped) & set(patients["patient_id"])
    name = "Survivorship (the whole clinic)"
    for dx in ("MS", "SCI"):
        subset, whole = row(table, name, f"{dx} mean % at 7 y, on ITB"), row(table, name, f"{dx} mean % at 7 y, whole")
        assert whole["scenario_on"] > subset["ci_high"], dx  # those who stopped had steeper rises
        assert abs(whole["default"] - subset["default"]) < 1, dx  # off: the chart review is the whole clinic


def test_informative_dropout_lowers_the_10_year_mean_and_shows_at_7_years(table):
    name = "Informative dropout before 10 years"
    seen, model = row(table, name, "MS mean % at 10 y, followed"), row(table, name, "MS mean % at 10 y, all")
    assert model["scenario_on"] > seen["ci_high"]
    assert abs(model["default"] - seen["default"]) < seen["default"] - seen["default_ci_low"]  # MCAR: no bias
    gap = row(table, name, "MS % at 7 y")
    assert gap["ci_high"] < 0  # completers had flatter courses already at 7 years
    assert gap["default_ci_low"] < 0 < gap["default_ci_high"]


def test_a_noisy_low_reference_inflates_the_mean_of_ratios_more_than_the_log_scale_analyses(table):
    name = "Titration after year 1, noisy reference"
    sci = row(table, name, "SCI mean % at 7 y")
    assert sci["scenario_on"] > sci["default_ci_high"]
    mean_diff = row(table, name, "MS - SCI")
    shift_mean = mean_diff["scenario_on"] / mean_diff["default"] - 1
    for method in ("MS / SCI at 7 y, log-ratio", "MS / SCI at 7 y, ANCOVA"):
        r = row(table, name, method)
        assert abs(np.log(r["scenario_on"] / r["default"])) < shift_mean / 3, method
    corr = row(table, name, "Correlation")
    assert corr["ci_high"] < 0 < corr["default_ci_high"]  # regression to the mean


def test_confounding_inflates_the_unadjusted_difference_and_adjustment_recovers_it(table):
    name = "Confounding by age and time since onset"
    crude, adjusted = row(table, name, "MS / SCI at 7 y, unadjusted"), row(table, name, "MS / SCI at 7 y, adjusted")
    assert crude["scenario_on"] > adjusted["ci_high"]
    assert adjusted["default_ci_low"] < adjusted["scenario_on"] < adjusted["default_ci_high"]
    assert row(table, name, "MS - SCI")["scenario_on"] > row(table, name, "MS - SCI")["default_ci_high"]


def test_ratio_estimates_against_numpy(cohorts):
    patients, doses, truth = cohorts["Titration after year 1, noisy reference"]
    pct = scenario_effects._pct(patients, doses)
    at = pct.loc[pct["year"] == 7]
    logs = np.log(at["pct"] / 100)
    ms = (at["diagnosis"] == "MS").to_numpy()
    got, _, _ = scenario_effects.ratio_ms_sci(patients, doses, truth, 0.05)
    assert got == pytest.approx(np.exp(logs[ms].mean() - logs[~ms].mean()))
    x = np.column_stack([np.ones(len(at)), np.log(at["dose_ref"]), ms.astype(float)])
    beta = np.linalg.lstsq(x, np.log(at["dose"].to_numpy()), rcond=None)[0]
    got, _, _ = scenario_effects.ratio_ms_sci(patients, doses, truth, 0.05, adjust="ancova")
    assert got == pytest.approx(np.exp(beta[2]))
