"""Which kind of run this is, decided once from the run's parameters; everything that shows or words a run
differently by kind asks :func:`of` (a notebook asks ``S.kind``).

* ``PAPER``: the synthetic cohort calibrated to the paper, analysed as the paper did (the default study);
* ``CALIBRATION``: the calibrated cohort read another way (another reference year): its numbers are the
  calibration's, not the paper's;
* ``SIMULATED``: a synthetic cohort drawn from the model, not calibrated;
* ``CHART``: a clinic's chart data (``data_dir``): disclosure control applies, nothing is synthetic;
* ``POOLED``: clinics' shareable summaries pooled (``summaries``, ``make pool``): aggregates only.
"""

from __future__ import annotations

import enum

from helpers.core import published


class RunKind(enum.Enum):
    PAPER = "paper"
    CALIBRATION = "calibration"
    SIMULATED = "simulated"
    CHART = "chart"
    POOLED = "pooled"

    @property
    def chart(self) -> bool:
        """A clinic's chart data: disclosure rules apply."""
        return self is RunKind.CHART

    @property
    def calibrated(self) -> bool:
        """The synthetic cohort calibrated to the published numbers."""
        return self in (RunKind.PAPER, RunKind.CALIBRATION)

    @property
    def data(self) -> str:
        """``chart`` or ``synthetic``: the key of a sentence the text files write once for each kind of data."""
        return "chart" if self.chart else "synthetic"


def of(params: dict) -> RunKind:
    """The kind of the run with these parameters (missing ones at their defaults)."""
    if "summaries" in params:
        return RunKind.POOLED
    if params.get("data_dir"):
        return RunKind.CHART
    if params.get("synthetic_mode", "calibrated") != "calibrated":
        return RunKind.SIMULATED
    if params.get("reference_year", published.REFERENCE_YEAR) == published.REFERENCE_YEAR:
        return RunKind.PAPER
    return RunKind.CALIBRATION
