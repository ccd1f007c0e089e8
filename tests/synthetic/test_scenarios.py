"""Scenarios of the synthetic model: off by default, inside the data contract, and each biasing the paper's
analysis in the direction its mechanism implies."""

import re

import numpy as np
import pandas as pd
import pytest

from helpers import paths, synthetic
from helpers.clinic import contract
from helpers.core import cohort, published
from helpers.errors import StudyInputError
from helpers.journal_club import scenario_effects
from helpers.synthetic import generator, scenarios

N = 400  # patients per group: enough to show each mechanism beyond chance, fast


@pytest.fixture(scope="module")
def cohorts():
    return scenario_effects.draw_cohorts(N, 2019)


@pytest.fixture(scope="module")
def effects(cohorts):
    return scenario_effects.effects(cohorts, 0.05)


@pytest.fixture(scope="module")
def table(effects):
    return effects.set_index(["scenario", "row"])


def row(table, scenario, row_id):
    return table.loc[(scenario, row_id)]


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
    patients = generator.draw_patients(spec, rng)
    d_ref, anchors, slope = generator.draw_anchors(spec, patients, rng)
    state = rng.bit_generator.state
    drawn = scenarios.apply(spec, patients, d_ref, anchors, slope, rng)
    assert rng.bit_generator.state == state
    pd.testing.assert_frame_equal(drawn.patients, patients)
    assert np.array_equal(drawn.anchors, anchors) and drawn.ref_shift is None
    assert drawn.truth["in_chart_review"].all()


def test_every_scenario_cohort_honours_the_data_contract(cohorts):
    assert set(cohorts) == {"default"} | {(n, v) for n, vs in scenario_effects.SCENARIOS.items() for v in vs}
    for name, (patients, doses, truth) in cohorts.items():
        contract.validate(patients, doses)
        assert set(patients["patient_id"]) <= set(truth["patient_id"]), name


def test_data_dictionary_documents_every_scenario_with_its_default():
    text = (paths.SYNTHETIC_DATA / "README.md").read_text(encoding="utf-8")
    for name in synthetic.SCENARIOS:
        found = re.search(rf"^\| `{name}` \| ([^|]+) \|", text, flags=re.M)
        assert found, f"data dictionary has no row for {name}"
        assert float(found.group(1)) == synthetic.FIELDS[name].default, name


def test_outcome_dependent_exclusion_removes_the_largest_sci_rises(cohorts, table):
    patients, doses, _ = cohorts[("outcome_exclusion", "on")]
    threshold = scenario_effects.SCENARIOS["outcome_exclusion"]["on"]["sci_surge_exclusion_pct"]
    pct = cohort.percent_of_reference(patients.assign(excluded=False), doses, 1, [7, 10])  # everyone screened
    sci7 = pct.loc[(pct["year"] == 7) & (pct["diagnosis"] == "SCI")].merge(patients[["patient_id", "excluded"]])
    # the rule acts on the charted rise (doses rounded to 0.1 µg/24 h)
    assert (sci7.loc[sci7["excluded"], "pct"] > threshold - 0.5).all()
    assert (sci7.loc[~sci7["excluded"], "pct"] <= threshold + 0.5).all()
    assert set(patients.loc[patients["excluded"], "exclusion_reason"]) == {published.EXCLUSION_REASONS[0]}
    name = "outcome_exclusion"
    analysed, kept = row(table, name, "sci_analysed"), row(table, name, "sci_everyone")
    assert analysed["on"] < kept["on_ci_low"]  # the analysed SCI mean is lower than everyone's
    diff = row(table, name, "difference")
    assert diff["on"] > diff["default_ci_high"]  # and the MS-SCI difference larger


def test_survivorship_alike_lowers_both_groups_and_by_diagnosis_it_creates_a_difference(cohorts, table):
    patients, _, truth = cohorts[("survivorship", "on")]
    stopped = truth.loc[~truth["in_chart_review"], "patient_id"]
    assert len(stopped) > 0 and not set(stopped) & set(patients["patient_id"])
    name = "survivorship"
    stayed, clinic = row(table, name, "sci_stayed"), row(table, name, "sci_clinic")
    assert clinic["on"] > stayed["on_ci_high"]  # those who stopped had steeper rises
    assert abs(clinic["default"] - stayed["default"]) < 1  # off: the chart review is the whole clinic
    d_stayed, d_clinic = row(table, name, "difference_stayed"), row(table, name, "difference_clinic")
    # alike in both groups the difference barely moves; stopping linked to the rise in SCI only inflates it
    assert d_stayed["by_group_ci_low"] > d_clinic["by_group"] > d_stayed["on"] - 10
    _, _, truth_by = cohorts[("survivorship", "by_group")]
    stop_ms = 1 - truth_by.loc[truth_by["diagnosis"] == "MS", "in_chart_review"].mean()
    stop_sci = 1 - truth_by.loc[truth_by["diagnosis"] == "SCI", "in_chart_review"].mean()
    assert stop_ms == pytest.approx(0.3, abs=0.06) and stop_sci == pytest.approx(0.3, abs=0.06)  # the same share


def test_the_selection_bias_is_paired_zero_without_stopping_and_its_ci_matches_a_bootstrap(cohorts, table):
    """Stayed and whole clinic share patients: the bias's CI pairs them (delta method), which a bootstrap of
    patients within each diagnosis reproduces; with no one stopping it is exactly zero."""
    bias = row(table, "survivorship", "bias")
    assert bias["default"] == 0 and bias["default_ci_low"] == bias["default_ci_high"] == 0
    _, _, truth = cohorts[("survivorship", "on")]
    rng = np.random.default_rng(1)
    draws = np.zeros(1000)
    for sign, dx in ((1, "MS"), (-1, "SCI")):
        x = truth.loc[truth["diagnosis"] == dx]
        values, stayed = x["pct_7y_model"].to_numpy(), (x["in_chart_review"] & ~x["excluded"]).to_numpy()
        i = rng.integers(0, len(x), (len(draws), len(x)))
        v, s = values[i], stayed[i]
        draws += sign * ((v * s).sum(1) / s.sum(1) - v.mean(1))
    se = (bias["on_ci_high"] - bias["on_ci_low"]) / (2 * 1.959964)
    assert draws.mean() == pytest.approx(bias["on"], abs=0.2 * se)
    assert draws.std() == pytest.approx(se, rel=0.1)


def test_informative_dropout_lowers_the_10_year_mean_and_shows_at_7_years(table):
    name = "dropout"
    seen, model = row(table, name, "ms_followed"), row(table, name, "ms_all")
    assert model["on"] > seen["on_ci_high"]
    assert abs(model["default"] - seen["default"]) < seen["default"] - seen["default_ci_low"]  # MCAR: no bias
    gap = row(table, name, "gap")
    assert gap["on_ci_high"] < 0  # completers had flatter courses already at 7 years
    assert gap["default_ci_low"] < 0 < gap["default_ci_high"]


def test_titration_alike_moves_the_mean_of_ratios_and_by_diagnosis_every_analysis(table):
    name = "titration"
    sci = row(table, name, "sci_mean")
    assert sci["on"] > sci["default_ci_high"]
    mean_diff = row(table, name, "difference")
    shift_mean = mean_diff["on"] / mean_diff["default"] - 1
    for r in ("log_ratio", "ancova"):
        x = row(table, name, r)
        assert abs(np.log(x["on"] / x["default"])) < shift_mean / 3, r  # alike: the log scale barely moves
        assert x["by_group"] > x["default_ci_high"], r  # MS titrated more slowly: it moves too
    assert mean_diff["by_group_ci_low"] > mean_diff["on_ci_high"]


def test_confounding_inflates_the_unadjusted_ratio_and_adjustment_recovers_it(table):
    name = "confounding"
    crude, adjusted = row(table, name, "crude"), row(table, name, "adjusted")
    assert crude["on"] > adjusted["on_ci_high"]
    assert adjusted["default_ci_low"] < adjusted["on"] < adjusted["default_ci_high"]
    age_only = row(table, name, "adjusted_age")  # one confounder left out: part of the bias stays
    assert adjusted["default_ci_high"] < age_only["on"] < crude["on_ci_low"]


def test_ratio_estimates_against_numpy(cohorts):
    patients, doses, truth = cohorts[("titration", "on")]
    pct = cohort.percent_of_reference(patients, doses, 1, [7, 10])
    at = pct.loc[pct["year"] == 7]
    logs = np.log(at["pct"] / 100)
    ms = (at["diagnosis"] == "MS").to_numpy()
    got, _, _ = scenario_effects.ratio_ms_sci(patients, doses, truth, 0.05)
    assert got == pytest.approx(np.exp(logs[ms].mean() - logs[~ms].mean()))
    x = np.column_stack([np.ones(len(at)), np.log(at["dose_ref"]), ms.astype(float)])
    beta = np.linalg.lstsq(x, np.log(at["dose"].to_numpy()), rcond=None)[0]
    got, _, _ = scenario_effects.ratio_ms_sci(patients, doses, truth, 0.05, adjust="ancova")
    assert got == pytest.approx(np.exp(beta[2]))


def test_verdicts_follow_the_numbers_and_state_the_settings(effects):
    """No verdict word is fixed in code: the same table with the scenario's estimate moved reads otherwise."""
    text = scenario_effects.verdict(effects, "outcome_exclusion")
    assert text.startswith("When SCI patients above 160% of their 1-year dose") and "widens" in text
    same = effects.copy()
    rows = (same["scenario"] == "outcome_exclusion") & (same["row"] == "difference")
    same.loc[rows, ["on", "on_ci_low", "on_ci_high"]] = same.loc[
        rows, ["default", "default_ci_low", "default_ci_high"]
    ].to_numpy()
    assert "stays within the default cohort's CI" in scenario_effects.verdict(same, "outcome_exclusion")
    surv = scenario_effects.verdict(effects, "survivorship")
    assert surv.startswith("When 30% stop before 7 years, in both groups")
    assert "at random in MS but in SCI" in surv and "a review of those who stayed overstates the difference" in surv
    zero = effects.copy()  # the bias's CI, not the rows' CIs, decides: one spanning zero names no bias
    rows = (zero["scenario"] == "survivorship") & (zero["row"] == "bias")
    zero.loc[rows, ["by_group_ci_low", "by_group_ci_high"]] = [-1.0, 1.0]
    assert "a bias this simulation cannot tell from zero" in scenario_effects.verdict(zero, "survivorship")
    tit = scenario_effects.verdict(effects, "titration")
    assert "When titration is alike" in tit and "MS is titrated more slowly" in tit
