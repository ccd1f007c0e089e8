"""The seeded generator: (patients, doses) for a :class:`~helpers.synthetic.spec.SyntheticSpec`.

The model of one patient: a dose after 1 year of titration (log-normal); a dose at 7 and at 10 years from a
patient-specific yearly slope on the log scale plus noise of their own (:data:`ANCHOR_NOISE_SD`); between them
a path of two log-linear pieces, years 1-7 and 7-10 (after 10 years the average rate since year 1), with
year-to-year wobble; 4-10 adjustments a year spread over the year; follow-up of at least 7 years. Calibrated
mode then solves the draw onto the published aggregates (:mod:`.calibration`), each group's 7-year values and
its 10-year values separately, and keeps it only if it reproduces every published number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.clinic import contract
from helpers.core import published, reproduction
from helpers.core.diagnoses import MS, SCI
from helpers.synthetic import scenarios
from helpers.synthetic.calibration import calibrate_two_groups, map_to_median_range
from helpers.synthetic.spec import FIELDS, SyntheticSpec, check_spec

MAX_PLAUSIBLE_DOSE = 2000.0  # µg/24 h; the generator keeps below it (the schema refuses above 3000)
ANCHOR_NOISE_SD = {7: 0.08, 10: 0.10}  # log scale: a patient's 7- and 10-year dose around their own trend


def generate(spec: SyntheticSpec | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(patients, doses) for the spec; deterministic for a given spec."""
    patients, doses, _truth = draw(spec)
    return patients, doses


def draw(spec: SyntheticSpec | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(patients, doses, truth): the chart files and the model's own view of every patient drawn, including
    those a scenario keeps out of the chart review (:mod:`.scenarios`); deterministic for a given spec."""
    spec = spec or SyntheticSpec()
    check_spec(spec)
    rng = np.random.default_rng(spec.seed)
    for _attempt in range(200):
        patients = draw_patients(spec, rng)
        d_ref, anchors, slope = draw_anchors(spec, patients, rng)
        if spec.mode == "simulation" or _plausible(d_ref, _censor(anchors, patients)):
            # scenarios act in simulation mode only; switched off they change nothing and draw nothing
            drawn = scenarios.apply(spec, patients, d_ref, anchors, slope, rng)
            doses = _draw_adjustments(
                spec, drawn.patients, drawn.d_ref, _censor(drawn.anchors, drawn.patients), rng, drawn.ref_shift
            )
            if spec.mode == "simulation" or _reproduces_paper(drawn.patients, doses):
                return drawn.patients, doses, drawn.truth
    raise RuntimeError("no calibrated cohort found in 200 attempts; check the synthetic parameters")


def _censor(anchors, patients):
    """The 10-year log ratio only where follow-up reaches 10 years (NaN otherwise)."""
    fu = patients["followup_years"].to_numpy()
    return np.column_stack([anchors[:, 0], np.where(fu >= 10, anchors[:, 1], np.nan)])


def draw_patients(spec: SyntheticSpec, rng) -> pd.DataFrame:
    """The screened patients: diagnosis, exclusion, follow-up, sex, ages, SCI level and grade."""
    n_ex, n = spec.n_excluded, spec.n_analysed + spec.n_excluded
    diagnosis = np.array(
        [MS] * spec.n_ms + [SCI] * spec.n_sci + [MS] * spec.n_excluded_ms + [SCI] * (n_ex - spec.n_excluded_ms),
        dtype=object,
    )
    excluded = np.arange(n) >= spec.n_analysed
    reason = np.full(n, "", dtype=object)
    reason[spec.n_analysed :] = [published.EXCLUSION_REASONS[0]] * spec.n_excluded_pump_failure + [
        published.EXCLUSION_REASONS[1]
    ] * (n_ex - spec.n_excluded_pump_failure)

    # Follow-up: everyone >= 7 years (inclusion); the published 18 of 22 MS, and sci_n_10y of 19 SCI, reach 10.
    is_ms, is_sci = diagnosis == MS, diagnosis == SCI
    reach10 = np.zeros(n, bool)
    if spec.mode == "calibrated":
        n_ms10 = int(published.value("ms_n_10y"))
        reach10[np.flatnonzero(is_ms & ~excluded)[rng.permutation(spec.n_ms)[:n_ms10]]] = True
        reach10[np.flatnonzero(is_sci & ~excluded)[rng.permutation(spec.n_sci)[: spec.sci_n_10y]]] = True
        reach10[excluded] = rng.random(n_ex) < 0.75
    else:
        share = np.where(
            is_ms, published.value("ms_n_10y") / published.value("n_ms"), spec.sci_n_10y / FIELDS["n_sci"].default
        )
        reach10 = rng.random(n) < share
    followup = np.where(reach10, rng.uniform(10.0, spec.max_followup_years, n), rng.uniform(7.0, 9.95, n))
    followup = np.floor(followup * 10) / 10

    # Descriptive columns (assumptions, see the data dictionary)
    female = rng.random(n) < np.where(is_ms, spec.ms_female_share, spec.sci_female_share)
    age = np.clip(np.round(rng.normal(np.where(is_ms, spec.ms_age_mean, spec.sci_age_mean), spec.age_sd)), 18, 80)
    onset = _draw_onset(np.where(is_ms, spec.ms_years_since_onset, spec.sci_years_since_onset), age, rng)
    level = np.full(n, "", dtype=object)
    ais = np.full(n, "", dtype=object)
    if spec.mode == "calibrated":
        # exact published breakdown for the 19 analysed; excluded SCI drawn in the same proportions
        lv = ["cervical"] * int(published.value("n_sci_cervical")) + ["thoracic"] * int(
            published.value("n_sci_thoracic")
        )
        gr = ["A"] * int(published.value("n_sci_ais_a")) + [
            g for g, k in zip("BCD", spec.sci_ais_bcd) for _ in range(k)
        ]
        sci_idx = np.flatnonzero(is_sci & ~excluded)
        level[sci_idx] = rng.permutation(np.array(lv, dtype=object))
        ais[sci_idx] = rng.permutation(np.array(gr, dtype=object))
        rest = np.flatnonzero(is_sci & excluded)
    else:
        rest = np.flatnonzero(is_sci)
    p_level = np.array([published.value("n_sci_cervical"), published.value("n_sci_thoracic")]) / published.value(
        "n_sci"
    )
    p_ais = np.array([published.value("n_sci_ais_a"), *spec.sci_ais_bcd], float)
    level[rest] = rng.choice(np.array(["cervical", "thoracic"], dtype=object), len(rest), p=p_level)
    ais[rest] = rng.choice(np.array(list("ABCD"), dtype=object), len(rest), p=p_ais / p_ais.sum())

    # Shuffle the chart order so ids say nothing about group or exclusion.
    order = rng.permutation(n)
    width = max(3, len(str(n)))
    return pd.DataFrame(
        {
            "patient_id": [f"P{i + 1:0{width}d}" for i in range(n)],
            "diagnosis": diagnosis[order],
            "excluded": excluded[order],
            "exclusion_reason": reason[order],
            "followup_years": followup[order],
            "sex": np.where(female, "F", "M")[order],
            "age_at_implant": age[order].astype(int),
            "years_since_onset": onset[order],
            "sci_level": level[order],
            "ais_grade": ais[order],
        }
    )


def _draw_onset(median, age, rng):
    """Years from onset to implant: log-normal around the median, redrawn where it would exceed the age at
    implant or the data contract's 80 years (redraws use the generator only when needed, so a cohort with
    none keeps its values)."""
    log_median = np.log(median)
    onset = np.round(np.exp(rng.normal(log_median, 0.5)), 1)
    limit = np.minimum(age, contract.MAX_YEARS_SINCE_ONSET)
    bad = onset > limit
    while bad.any():
        onset[bad] = np.round(np.exp(rng.normal(log_median[bad], 0.5)), 1)
        bad = onset > limit
    return onset


def draw_anchors(spec: SyntheticSpec, patients: pd.DataFrame, rng):
    """1-year dose, log(dose / 1-year dose) at 7 and 10 years (also past follow-up), and the yearly slope."""
    n = len(patients)
    is_ms = (patients["diagnosis"] == MS).to_numpy()
    analysed = ~patients["excluded"].to_numpy()
    fu = patients["followup_years"].to_numpy()
    mu = np.log1p(np.where(is_ms, spec.ms_annual_change_pct, spec.sci_annual_change_pct) / 100)
    slope = rng.normal(mu, spec.slope_sd, n)
    log7 = 6 * slope + rng.normal(0, ANCHOR_NOISE_SD[7], n)
    log10 = 9 * slope + rng.normal(0, ANCHOR_NOISE_SD[10], n)
    # On the paper's scale: the *mean* ratio at year k is (1 + change)^(k - 1), as the yearly-change parameter
    # says; a log-normal's mean is exp(variance / 2) above its median. (Calibrated mode rescales the analysed
    # patients' values anyway; the excluded patients keep these draws.)
    log7 -= log_variance(spec, 7) / 2
    log10 -= log_variance(spec, 10) / 2
    d_ref = np.exp(rng.normal(np.log(published.value("dose_ref_median")), spec.dose_ref_log_sd, n))
    if spec.mode == "calibrated":
        a = np.flatnonzero(analysed)
        d_ref[a] = map_to_median_range(
            d_ref[a],
            published.value("dose_ref_median"),
            published.value("dose_ref_min"),
            published.value("dose_ref_max"),
        )
        for k, log_k in ((7, log7), (10, log10)):
            ms = np.flatnonzero(analysed & is_ms & (fu >= k))
            sci = np.flatnonzero(analysed & ~is_ms & (fu >= k))
            pct_ms, pct_sci = calibrate_two_groups(
                100 * np.exp(log_k[ms]),
                100 * np.exp(log_k[sci]),
                published.value(f"ms_pct_{k}y"),
                published.value(f"sci_pct_{k}y"),
                published.value(f"p_{k}y"),
                spec.sd_ratio_ms_to_sci,
            )
            with np.errstate(invalid="ignore"):
                log_k[ms], log_k[sci] = np.log(pct_ms / 100), np.log(pct_sci / 100)
    d_ref = np.round(d_ref, 1)
    return d_ref, np.column_stack([log7, log10]), slope


def log_variance(spec: SyntheticSpec, year: int) -> float:
    """Variance of log(dose / 1-year dose) at year 7 or 10 in the model: the patient's slope and own noise."""
    return (year - 1) ** 2 * spec.slope_sd**2 + ANCHOR_NOISE_SD[year] ** 2


def expected_percent(spec: SyntheticSpec, diagnosis: str, year: int) -> float:
    """Mean % of the 1-year dose at ``year`` in a simulated cohort (before doses are rounded and bounded)."""
    change = spec.ms_annual_change_pct if diagnosis == MS else spec.sci_annual_change_pct
    return 100 * (1 + change / 100) ** (year - 1)


def typical_yearly_change(spec: SyntheticSpec, diagnosis: str) -> float:
    """The typical (median) patient's yearly change in % implied by the model: a least-squares line through
    the median log ratios at 7 and 10 years. It is below the mean-scale parameter (the log-normal's mean lies
    above its median); a model on log doses, such as the mixed model of notebook 6, estimates this one."""
    change = spec.ms_annual_change_pct if diagnosis == MS else spec.sci_annual_change_pct
    mu = np.log1p(change / 100)
    m7, m10 = 6 * mu - log_variance(spec, 7) / 2, 9 * mu - log_variance(spec, 10) / 2
    return float(100 * np.expm1((6 * m7 + 9 * m10) / (6**2 + 9**2)))


def _plausible(d_ref, log_anchor) -> bool:
    """A calibrated draw is kept only if every % is clinically plausible (35-450 %) and doses stay <= 2000."""
    with np.errstate(invalid="ignore"):
        ratio = np.exp(log_anchor)
    ok = np.isnan(ratio) | ((ratio >= 0.35) & (ratio <= 4.5))
    return bool(ok.all()) and bool(np.nanmax(d_ref[:, None] * ratio) <= MAX_PLAUSIBLE_DOSE)


def _year_path(log_anchor, fu, years, rng):
    """log(dose / 1-year dose) at each whole year 0..K: titration, then log-linear between the anchors."""
    n = len(fu)
    k = years[None, :].astype(float)
    l7, l10 = log_anchor[:, :1], log_anchor[:, 1:2]
    have10 = ~np.isnan(l10)
    l10f = np.where(have10, l10, l7 * 9 / 6)  # without a 10-year value the 7-year trend continues
    slope_late = l10f / 9
    path = np.where(
        k <= 7, l7 * (k - 1) / 6, np.where(k <= 10, l7 + (l10f - l7) * (k - 7) / 3, l10f + slope_late * (k - 10))
    )
    wobble = rng.normal(0, 0.05, (n, len(years)))
    wobble[:, [1, 7, 10]] = 0.0  # the reference year and the anchors are exact
    path = path + wobble
    path[:, 0] = np.log(rng.uniform(0.3, 0.7, n))  # the dose set at implant, before titration
    return path


def _draw_adjustments(spec: SyntheticSpec, patients, d_ref, log_anchor, rng, ref_shift=None) -> pd.DataFrame:
    """One row per dose adjustment, vectorised over patients and years (no per-patient loop).

    ``ref_shift`` (a scenario): log(charted 1-year dose / settled dose) per patient; later years follow the
    settled dose, so the charted 1-year dose is off by that much."""
    fu = patients["followup_years"].to_numpy()
    n = len(fu)
    n_years = max(int(np.ceil(fu.max())), 10)
    years = np.arange(n_years + 1)
    path = _year_path(log_anchor, fu, years, rng)
    if ref_shift is not None:
        path[:, 1] += ref_shift

    # patient-years 1..ceil(follow-up), each with 4-10 adjustments
    last_year = np.ceil(fu).astype(int)
    py_patient = np.repeat(np.arange(n), last_year)
    py_year = np.arange(len(py_patient)) - np.repeat(np.cumsum(last_year) - last_year, last_year) + 1
    lo, hi = published.ADJUSTMENTS_PER_YEAR
    py_count = rng.integers(lo, hi + 1, len(py_patient))

    row_patient = np.repeat(py_patient, py_count)
    row_year = np.repeat(py_year, py_count)
    row_count = np.repeat(py_count, py_count)
    row_slot = np.arange(len(row_patient)) - np.repeat(np.cumsum(py_count) - py_count, py_count)
    # stratified days: slot j of n lies in its own 1/n of the year, so days are distinct and ordered
    day = np.floor(365 * (row_slot + rng.uniform(0.1, 0.9, len(row_slot))) / row_count) + 1
    t = np.round(row_year - 1 + day / 365, 3)
    is_last = row_slot == row_count - 1
    frac = day / 365
    prev = path[row_patient, row_year - 1]
    here = path[row_patient, row_year]
    log_dose = np.where(is_last, here, prev + (here - prev) * frac + rng.normal(0, 0.05, len(t)))
    dose = np.round(d_ref[row_patient] * np.exp(log_dose), 1)
    keep = t <= fu[row_patient]

    start = pd.DataFrame(
        {
            "patient_id": patients["patient_id"].to_numpy(),
            "years_since_implant": 0.0,
            "dose_ug_per_day": np.round(d_ref * np.exp(path[:, 0]), 1),
        }
    )
    rows = pd.DataFrame(
        {
            "patient_id": patients["patient_id"].to_numpy()[row_patient[keep]],
            "years_since_implant": t[keep],
            "dose_ug_per_day": dose[keep],
        }
    )
    doses = pd.concat([start, rows], ignore_index=True)
    # a floor and a ceiling as a clinic would keep them (simulated paths can wander past both)
    doses["dose_ug_per_day"] = doses["dose_ug_per_day"].clip(lower=5.0, upper=MAX_PLAUSIBLE_DOSE)
    return doses.sort_values(["patient_id", "years_since_implant"], kind="stable").reset_index(drop=True)


def _reproduces_paper(patients, doses) -> bool:
    table = reproduction.compare(reproduction.headline_numbers(patients, doses))
    return bool(table["matches"].all())
