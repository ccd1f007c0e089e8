"""Scenarios: labelled mechanisms that bias the paper's analysis, switched on in simulation mode only.

Each is a field of :class:`~helpers.synthetic.spec.SyntheticSpec`, off by default; with all of them off,
:func:`apply` changes nothing and draws no random number, so the default cohorts stay byte-identical.
They exist so that the journal club can show what a bias *can* do on data where it is known to act; their
sizes are set by the user and say nothing about the size of any bias in the real cohort.

* **exclusion depends on the outcome** (``sci_surge_exclusion_pct``): an SCI patient whose dose at 7 years
  is above this % of the 1-year dose is checked for catheter or pump failure, the rise is taken as one,
  and the patient is excluded (the paper's conclusion reads a large SCI rise as one that "suggests possible pump
  failure, triggering factors for spasticity or progressive spinal disease": a rise that prompts a search).
* **survivorship** (``early_stop_share``, ``early_stop_link``, ``early_stop_link_sci_minus_ms``): the clinic
  also implanted patients who stopped ITB before 7 years (death, explant, lack of effect), more often those
  with a steeper dose rise; they never reach the chart review (its rule: ITB for at least 7 years). The link
  is ``early_stop_link`` in MS and that plus ``early_stop_link_sci_minus_ms`` in SCI (0: alike).
* **informative dropout before 10 years** (``dropout_link``): whether follow-up reaches 10 years depends
  on the patient's dose slope (off: a random draw, missing completely at random).
* **titration after year 1, noisy reference** (``titration_after_year1_pct``, ``titration_ms_minus_sci_pct``,
  ``reference_noise_log_sd``): the 1-year dose lies below the settled dose on average (by
  ``titration_after_year1_pct`` in SCI and that plus ``titration_ms_minus_sci_pct`` in MS: 0, alike), and
  scatters around it.
* **confounding** (``age_change_pct_per_10y``, ``onset_change_pct_per_10y``): the yearly dose change
  depends on age at implant and years since onset, which differ between MS and SCI.

Besides the chart files, :func:`apply` returns the model's own view (``truth``): every patient drawn,
including those the chart review cannot see, with their dose course relative to the settled 1-year dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from helpers.core import published
from helpers.core.diagnoses import MS

if TYPE_CHECKING:
    import pandas as pd
# pandas and scipy are imported where a cohort is drawn: the spec (and the runner's check of a parameters
# file) needs only FIELDS and switched_on

# field: (value that switches the mechanism off, low, high); the off value is the field's default
FIELDS = {
    "sci_surge_exclusion_pct": (0.0, 0, 1000),
    "early_stop_share": (0.0, 0, 0.9),
    "early_stop_link": (1.0, -5, 5),
    "early_stop_link_sci_minus_ms": (0.0, -5, 5),
    "dropout_link": (0.0, -5, 5),
    "titration_after_year1_pct": (0.0, -50, 100),
    "titration_ms_minus_sci_pct": (0.0, -40, 100),
    "reference_noise_log_sd": (0.0, 0, 1),
    "age_change_pct_per_10y": (0.0, -10, 10),
    "onset_change_pct_per_10y": (0.0, -10, 10),
}


@dataclass
class Drawn:
    """What the chart review sees (patients, their 1-year doses and 7/10-year log ratios, a shift of the
    1-year dose away from the settled one) and the model's own view of every patient drawn (truth)."""

    patients: pd.DataFrame
    d_ref: np.ndarray
    anchors: np.ndarray  # (n, 2): log(dose / settled 1-year dose) at 7 and 10 years, past follow-up too
    ref_shift: np.ndarray | None  # log(charted 1-year dose / settled 1-year dose); None: no shift
    truth: pd.DataFrame


def switched_on(spec) -> list[str]:
    """The scenario fields that differ from their off value."""
    return [name for name, (off, _, _) in FIELDS.items() if getattr(spec, name) != off]


def apply(spec, patients: pd.DataFrame, d_ref, anchors, slope, rng) -> Drawn:
    """Apply the scenarios switched on in ``spec`` to one draw of the model (in a fixed order)."""
    on = switched_on(spec)
    patients = patients.copy()
    anchors = np.array(anchors, float)
    slope = np.asarray(slope, float)
    n = len(patients)
    is_ms = (patients["diagnosis"] == MS).to_numpy()

    if spec.age_change_pct_per_10y or spec.onset_change_pct_per_10y:
        slope, anchors = _confounding(spec, patients, slope, anchors)

    stopped = np.zeros(n, bool)
    if spec.early_stop_share > 0:
        share = dict.fromkeys((True, False), spec.early_stop_share)
        link = {True: spec.early_stop_link, False: spec.early_stop_link + spec.early_stop_link_sci_minus_ms}
        p_stop = _linked_probability(slope, is_ms, link, share)
        stopped = rng.random(n) < p_stop

    if spec.dropout_link != 0:
        share = {
            True: published.value("ms_n_10y") / published.value("n_ms"),
            False: spec.sci_n_10y / published.value("n_sci"),
        }
        # the link is to leaving early: reaching 10 years gets the opposite sign
        reach10 = rng.random(n) < _linked_probability(
            slope, is_ms, dict.fromkeys((True, False), -spec.dropout_link), share
        )
        fu = np.where(reach10, rng.uniform(10.0, spec.max_followup_years, n), rng.uniform(7.0, 9.95, n))
        patients["followup_years"] = np.floor(fu * 10) / 10

    ref_shift = None
    if spec.titration_after_year1_pct or spec.reference_noise_log_sd or spec.titration_ms_minus_sci_pct:
        titration = spec.titration_after_year1_pct + np.where(is_ms, spec.titration_ms_minus_sci_pct, 0.0)
        ref_shift = -np.log1p(titration / 100)
        if spec.reference_noise_log_sd:
            ref_shift = ref_shift + rng.normal(0, spec.reference_noise_log_sd, n)

    if spec.sci_surge_exclusion_pct > 0:
        # the rise the clinic sees: the 7-year dose against the charted 1-year dose
        seen = anchors[:, 0] - (0 if ref_shift is None else ref_shift)
        surge = ~is_ms & ~patients["excluded"].to_numpy() & (100 * np.exp(seen) > spec.sci_surge_exclusion_pct)
        patients.loc[surge, "excluded"] = True
        patients.loc[surge, "exclusion_reason"] = published.EXCLUSION_REASONS[0]

    import pandas as pd

    truth = pd.DataFrame(
        {
            "patient_id": patients["patient_id"].to_numpy(),
            "diagnosis": patients["diagnosis"].to_numpy(),
            "age_at_implant": patients["age_at_implant"].to_numpy(),
            "years_since_onset": patients["years_since_onset"].to_numpy(),
            "in_chart_review": ~stopped,
            "excluded": patients["excluded"].to_numpy() & ~stopped,
            "followup_years": np.where(stopped, np.nan, patients["followup_years"].to_numpy()),
            "pct_7y_model": 100 * np.exp(anchors[:, 0]),
            "pct_10y_model": 100 * np.exp(anchors[:, 1]),
        }
    )
    if not on:
        return Drawn(patients, np.asarray(d_ref), anchors, None, truth)
    keep = ~stopped
    return Drawn(
        patients.loc[keep].reset_index(drop=True),
        np.asarray(d_ref)[keep],
        anchors[keep],
        None if ref_shift is None else ref_shift[keep],
        truth,
    )


def _confounding(spec, patients, slope, anchors):
    """Yearly change higher by the given % points per 10 years of age (and of years since onset) above the
    cohort's mean: the average patient's course is unchanged, the older group's rises faster."""
    age = patients["age_at_implant"].to_numpy(float)
    onset = patients["years_since_onset"].to_numpy(float)
    shift = (
        np.log1p(spec.age_change_pct_per_10y / 100) * (age - age.mean()) / 10
        + np.log1p(spec.onset_change_pct_per_10y / 100) * (onset - onset.mean()) / 10
    )
    return slope + shift, anchors + shift[:, None] * np.array([6.0, 9.0])


def _linked_probability(slope, is_ms, link: dict, share: dict) -> np.ndarray:
    """P(event) = logistic(a + link * z), z the patient's slope standardised within diagnosis, the link
    ``link[is_ms]`` and a solved per diagnosis so that the expected share is ``share[is_ms]``."""
    from scipy import special

    p = np.zeros(len(slope))
    for group in (True, False):
        idx = np.flatnonzero(is_ms == group)
        if not len(idx):
            continue
        s = slope[idx]
        z = (s - s.mean()) / s.std() if s.std() > 0 else np.zeros(len(s))
        target, g_link = share[group], link[group]
        if target <= 0 or target >= 1 or g_link == 0:
            p[idx] = target
            continue
        p[idx] = special.expit(_intercept(g_link * z, target) + g_link * z)
    return p


def _intercept(lz, target: float) -> float:
    """The a for which the mean of logistic(a + lz) is ``target``."""
    from scipy import optimize, special

    return optimize.brentq(lambda a: special.expit(a + lz).mean() - target, -60, 60, xtol=1e-12)
