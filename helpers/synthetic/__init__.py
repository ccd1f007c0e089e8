"""The synthetic ITB cohort (``patients.csv`` + ``doses.csv``).

Two modes share one model of a dose chart:

* ``calibrated`` (default): the cohort has the published structure (49 screened, 8 excluded, 22 MS and 19
  SCI analysed ...) and is *solved* to reproduce every published aggregate: the 1-year doses are mapped
  onto the published median and range, and each group's 7- and 10-year percentages are rescaled exactly
  so the group means and Student's t-test p-values are the published ones. Any seed gives such a cohort.
* ``simulation``: the same model drawn at random (no calibration), with the cohort size and the yearly
  dose change per diagnosis as parameters: for sensitivity analyses, teaching and scale tests.

The model of one patient: a dose after 1 year of titration (log-normal); a dose at 7 and at 10 years (a
patient-specific yearly slope on the log scale plus noise of their own) joined by two log-linear pieces with
year-to-year wobble; 4-10 adjustments a year spread over the year; follow-up of at least 7 years. Everything the paper does not give is a field of
:class:`SyntheticSpec`, stated in ``data/synthetic/README.md``.
"""

import importlib

# Loaded on first use: checking a parameters file needs only the spec, and importing the generator brings the
# statistics stack (pandas, scipy, pingouin: seconds), which the runner should not wait for to refuse bad input.
_WHERE = {
    "calibrate_two_groups": "calibration",
    "map_to_median_range": "calibration",
    "paper_scale_yearly_change": "calibration",
    "write_csvs": "files",
    "MAX_PLAUSIBLE_DOSE": "generator",
    "draw": "generator",
    "expected_percent": "generator",
    "generate": "generator",
    "typical_yearly_change": "generator",
    "ASSUMPTIONS": "spec",
    "FIELDS": "spec",
    "SCENARIOS": "spec",
    "SyntheticSpec": "spec",
    "check_spec": "spec",
    "make_spec": "spec",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_WHERE])
