"""The synthetic ITB cohort (``patients.csv`` + ``doses.csv``).

Two modes share one model of a dose chart:

* ``calibrated`` (default): the cohort has the published structure (49 screened, 8 excluded, 22 MS and 19
  SCI analysed ...) and is *solved* to reproduce every published aggregate: the 1-year doses are mapped
  onto the published median and range, and each group's 7- and 10-year percentages are rescaled exactly
  so the group means and Student's t-test p-values are the published ones. Any seed gives such a cohort.
* ``simulation``: the same model drawn at random (no calibration), with the cohort size and the yearly
  dose change per diagnosis as parameters: for sensitivity analyses, teaching and scale tests.

The model of one patient: a dose after 1 year of titration (log-normal); a dose path that changes by a
patient-specific factor per year (log-linear, with small year-to-year wobble); 4-10 adjustments a year
spread over the year; follow-up of at least 7 years. Everything the paper does not give is a field of
:class:`SyntheticSpec`, stated in ``data/synthetic/README.md``.
"""

from .calibration import calibrate_two_groups, map_to_median_range, paper_scale_yearly_change
from .files import write_csvs
from .generator import MAX_PLAUSIBLE_DOSE, draw, expected_percent, generate, typical_yearly_change
from .spec import ASSUMPTIONS, FIELDS, SCENARIOS, SyntheticSpec, check_spec, make_spec

__all__ = [
    "ASSUMPTIONS",
    "FIELDS",
    "MAX_PLAUSIBLE_DOSE",
    "SCENARIOS",
    "SyntheticSpec",
    "calibrate_two_groups",
    "check_spec",
    "draw",
    "expected_percent",
    "generate",
    "make_spec",
    "map_to_median_range",
    "paper_scale_yearly_change",
    "typical_yearly_change",
    "write_csvs",
]
