"""What the synthetic cohort is made from: published structure as defaults, every assumption a field.

:class:`SyntheticSpec` lists everything the generator needs; :func:`make_spec` builds one from the notebook
parameters (``synthetic_mode``, ``seed``, ``synthetic``) and checks it. The data dictionary
(``data/synthetic/README.md``) states each field for people; a test keeps the two in step.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field

import numpy as np

from helpers.core import published
from helpers.errors import StudyInputError
from helpers.synthetic import scenarios


@dataclass(frozen=True)
class SyntheticSpec:
    """Everything the generator needs. Published facts are defaults; assumptions are marked as such."""

    mode: str = "calibrated"  # "calibrated" or "simulation"
    seed: int = 2019
    # --- cohort structure (published; only simulation mode may change them)
    n_ms: int = 22
    n_sci: int = 19
    n_excluded: int = 8
    # --- assumptions: the paper does not give these
    sci_n_10y: int = 15  # SCI patients of 19 followed to 10 years (published only for MS: 18 of 22);
    #                      simulation mode draws follow-up with the same share, sci_n_10y / 19
    n_excluded_ms: int = 4  # diagnosis of the excluded patients
    n_excluded_pump_failure: int = 5  # the other excluded had a factor aggravating spasticity
    sd_ratio_ms_to_sci: float = 2.0  # SD of the % dose in MS relative to SCI (the abstract gives no SDs)
    # yearly change of the *mean* % of the 1-year dose (the paper's scale): mean % at year k = 100 (1 + r)^(k-1);
    # fitted to the published means (calibration.paper_scale_yearly_change, rounded): MS 156/195, SCI 113/121
    ms_annual_change_pct: float = 7.7
    sci_annual_change_pct: float = 2.1
    slope_sd: float = 0.05  # between-patient SD of the yearly log dose change (simulation)
    dose_ref_log_sd: float = 0.75  # spread of the 1-year dose (simulation; log scale)
    ms_female_share: float = 0.65
    sci_female_share: float = 0.20
    ms_age_mean: float = 48.0  # age at implant, years
    sci_age_mean: float = 38.0
    age_sd: float = 10.0
    ms_years_since_onset: float = 15.0  # median years from diagnosis to implant
    sci_years_since_onset: float = 6.0  # median years from injury to implant
    max_followup_years: float = 15.0
    sci_ais_bcd: tuple[int, int, int] = field(default=(3, 4, 5))  # AIS B, C, D of the 12 published "B-D"
    # --- scenarios (simulation mode only, off by default): labelled mechanisms that bias the paper's
    #     analysis, switched on to show what a bias can do (helpers/synthetic/scenarios.py)
    sci_surge_exclusion_pct: float = 0.0  # SCI dose at 7 y above this % of the 1-year dose: excluded as
    #                                       pump failure (exclusion depends on the outcome); 0: off
    early_stop_share: float = 0.0  # survivorship: share of implanted patients who stopped ITB before 7 y
    early_stop_link: float = 1.0  # log-odds of stopping early per SD of the patient's yearly dose change (MS;
    #                               SCI: this plus early_stop_link_sci_minus_ms)
    early_stop_link_sci_minus_ms: float = 0.0  # group-differential survivorship: the SCI link minus the MS link
    dropout_link: float = 0.0  # log-odds of follow-up ending before 10 y per SD of the yearly dose change
    titration_after_year1_pct: float = 0.0  # the dose still rises this much on average after the 1-year dose
    #                                         (SCI; MS: this plus titration_ms_minus_sci_pct)
    titration_ms_minus_sci_pct: float = 0.0  # group-differential titration: MS titrated on for this much more
    reference_noise_log_sd: float = 0.0  # scatter of the 1-year dose around the settled dose (log scale)
    age_change_pct_per_10y: float = 0.0  # confounding: yearly change higher by this per 10 years of age
    onset_change_pct_per_10y: float = 0.0  # ... and per 10 years since onset (both around the cohort mean)

    @property
    def calibrated(self) -> bool:
        """Solved to reproduce the published numbers (else drawn at random from the model)."""
        return self.mode == "calibrated"

    @property
    def n_analysed(self) -> int:
        return self.n_ms + self.n_sci


FIELDS = {f.name: f for f in dataclasses.fields(SyntheticSpec)}
ASSUMPTIONS = (
    "sci_n_10y",
    "n_excluded_ms",
    "n_excluded_pump_failure",
    "sd_ratio_ms_to_sci",
    "ms_female_share",
    "sci_female_share",
    "ms_age_mean",
    "sci_age_mean",
    "age_sd",
    "ms_years_since_onset",
    "sci_years_since_onset",
    "max_followup_years",
    "sci_ais_bcd",
)
_STRUCTURE = ("n_ms", "n_sci", "n_excluded")
SCENARIOS = tuple(scenarios.FIELDS)


def make_spec(mode: str = "calibrated", seed: int = 2019, overrides: dict | None = None) -> SyntheticSpec:
    """A checked spec from the notebook/runner parameters (``synthetic_mode``, ``seed``, ``synthetic``)."""
    overrides = dict(overrides or {})
    problems = []
    for key in overrides:
        if key not in FIELDS or key in ("mode", "seed"):
            known = sorted(set(FIELDS) - {"mode", "seed"})
            likely = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean '{likely[0]}'? " if likely else ""
            problems.append(f"parameter 'synthetic': unknown key {key!r} ({hint}known: {', '.join(known)})")
    if problems:
        raise StudyInputError(problems)
    n_ex = overrides.get("n_excluded")
    if isinstance(n_ex, int) and not isinstance(n_ex, bool) and n_ex >= 0:
        # a simulated cohort with another number of exclusions keeps the default split unless told otherwise
        for key in ("n_excluded_ms", "n_excluded_pump_failure"):
            overrides.setdefault(key, round(FIELDS[key].default * n_ex / FIELDS["n_excluded"].default))
    if isinstance(overrides.get("sci_ais_bcd"), list):
        overrides["sci_ais_bcd"] = tuple(overrides["sci_ais_bcd"])
    spec = SyntheticSpec(mode=mode, seed=seed, **overrides)
    check_spec(spec)
    return spec


def check_spec(spec: SyntheticSpec) -> None:
    p = []
    if spec.mode not in ("calibrated", "simulation"):
        p.append(f"parameter 'synthetic_mode': {spec.mode!r} is not 'calibrated' or 'simulation'")
    if spec.mode == "calibrated":
        for name in _STRUCTURE:
            if getattr(spec, name) != FIELDS[name].default:
                p.append(
                    f"parameter 'synthetic.{name}': the calibrated cohort has the published "
                    f"{FIELDS[name].default}; change it with synthetic_mode: simulation"
                )
        for name in scenarios.switched_on(spec):
            p.append(
                f"parameter 'synthetic.{name}': a scenario of the synthetic model, off in the calibrated cohort "
                "(which reproduces the paper); switch it on with synthetic_mode: simulation"
            )
    ints = {
        "n_ms": (2, 1_000_000),
        "n_sci": (2, 1_000_000),
        "n_excluded": (0, 1_000_000),
        "sci_n_10y": (2, FIELDS["n_sci"].default),
        "n_excluded_ms": (0, spec.n_excluded),
        "n_excluded_pump_failure": (0, spec.n_excluded),
    }
    for name, (lo, hi) in ints.items():
        v = getattr(spec, name)
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
            p.append(f"parameter 'synthetic.{name}': expected a whole number from {lo} to {hi}, got {v!r}")
    reals = {
        "sd_ratio_ms_to_sci": (0.25, 4),
        "ms_annual_change_pct": (-20, 50),
        "sci_annual_change_pct": (-20, 50),
        "slope_sd": (0, 0.5),
        "dose_ref_log_sd": (0.05, 2),
        "ms_female_share": (0, 1),
        "sci_female_share": (0, 1),
        "ms_age_mean": (18, 80),
        "sci_age_mean": (18, 80),
        "age_sd": (0, 30),
        "ms_years_since_onset": (0.5, 50),
        "sci_years_since_onset": (0.5, 50),
        "max_followup_years": (10.5, 40),
    }
    reals |= {name: (lo, hi) for name, (_off, lo, hi) in scenarios.FIELDS.items()}
    for name, (lo, hi) in reals.items():
        v = getattr(spec, name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            p.append(f"parameter 'synthetic.{name}': expected a number from {lo} to {hi}, got {v!r}")
    ais = spec.sci_ais_bcd
    if not (
        isinstance(ais, tuple)
        and len(ais) == 3
        and all(isinstance(a, int) and a >= 0 for a in ais)
        and (spec.mode == "simulation" or sum(ais) == published.value("n_sci_ais_bd"))
    ):
        p.append(
            f"parameter 'synthetic.sci_ais_bcd': expected three counts (B, C, D) adding up to "
            f"{published.value('n_sci_ais_bd'):.0f}, got {ais!r}"
        )
    if p:
        raise StudyInputError(p)
