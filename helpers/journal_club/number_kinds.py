"""Which kind of number a headline result is: published, fixed by the paper, or resting on an assumption.

The study's most-read numbers (notebook 4's group summary and tests, and the site's front page, which shows
the same tables) mix three kinds: the paper's own numbers (reproduced by the calibrated cohort), numbers the
published numbers fix although the paper did not print them (the Student CI of the 7-year difference), and
numbers that rest on an assumption of the synthetic cohort (the SCI count at 10 years; each group's SD and CI,
and the Welch and Mann-Whitney p, which rest on the assumed SD ratio). :func:`headline_marks` says which is
which for a run's tables; the words are in ``helpers/text/marks.yaml``.

Usage (the front page, from a run's CSV files)::

    marks.headline_marks(
        pd.read_csv(tables / "04_percent_of_reference_by_group.csv"),
        pd.read_csv(tables / "04_group_tests.csv"),
        params,  # the run's parameters (helpers.study.params.DEFAULTS updated with the run's values)
    )
"""

from __future__ import annotations

import pandas as pd

from helpers.core import published, run_kind, stats
from helpers.core.diagnoses import SCI
from helpers.synthetic import spec as synthetic_spec
from helpers.text import words

KINDS = ("published", "fixed", "assumed", "simulated", "chart")


def assumed_counts(params: dict, time_points) -> list[tuple[str, int]]:
    """(diagnosis, year) of the group counts a figure shows that the synthetic cohort assumes where the paper
    is silent: the SCI count at 10 years (``sci_n_10y``). None on chart data."""
    last = max(published.TIME_POINTS)
    return [] if run_kind.of(params).chart or last not in time_points else [(SCI, last)]


def headline_marks(summary: pd.DataFrame, tests: pd.DataFrame, params: dict) -> pd.DataFrame:
    """One row per headline number of a run: which table and row it is in (``table``, ``year``, ``group``: a
    diagnosis or a test), which number (``quantity``: n, mean, sd, ci, estimate, p), its ``mark`` (a key of
    :data:`KINDS`) and the ``words`` to show, e.g. "rests on an assumption: 15 SCI patients followed to 10 years
    (sci_n_10y)".

    ``summary`` and ``tests`` are the run's ``04_percent_of_reference_by_group`` and ``04_group_tests`` tables
    (as DataFrames, e.g. read from their CSV files); ``params`` the run's parameters."""
    spec = synthetic_spec.make_spec(
        params.get("synthetic_mode", "calibrated"), params.get("seed", 2019), params.get("synthetic") or {}
    )
    fields = {"sd_ratio": spec.sd_ratio_ms_to_sci, "sci_n_10y": spec.sci_n_10y, "seed": spec.seed}
    run = run_kind.of(params)
    times = set(published.TIME_POINTS)
    rows = []

    def add(table, year, group, quantity, mark, because=None):
        said = words.fill(f"marks.marks.{mark}")
        if because:
            said += ": " + words.fill(f"marks.because.{because}", **fields)
        rows.append(
            {"table": table, "year": int(year), "group": group, "quantity": quantity, "mark": mark, "words": said}
        )

    def mark(kind, because=None):
        if run is run_kind.RunKind.PAPER:
            return kind, because
        if run is run_kind.RunKind.CALIBRATION:
            return "assumed", "calibration"
        return run.value, None  # a simulated cohort's or chart data's numbers: marked as such ("simulated", "chart")

    for r in summary.itertuples():
        year, dx = int(r.year), r.diagnosis
        on_paper = year in times
        sci_10 = dx == SCI and year == max(published.TIME_POINTS)
        n_mark = ("assumed", "sci_n_10y") if sci_10 else ("published", None) if on_paper else ("assumed", "calibration")
        for quantity in ("n", "mean", "sd", "ci"):
            if quantity == "n":
                kind, because = n_mark
            elif quantity == "mean":
                kind, because = ("published", None) if on_paper else ("assumed", "calibration")
            else:  # an SD and CI rest on the SD ratio, and at 10 years on the assumed SCI count too (the pooled SD
                # the published p fixes depends on it)
                kind, because = "assumed", "sd_ratio_sci_n_10y" if year == max(published.TIME_POINTS) else "sd_ratio"
            add("04_percent_of_reference_by_group", year, dx, quantity, *mark(kind, because))
    for r in tests.itertuples():
        year, test = int(r.year), r.test
        on_paper = year in times
        for quantity in ("estimate", "p", "ci"):
            if not on_paper:
                kind, because = "assumed", "calibration"
            elif test == stats.PAPER_TEST:
                kind, because = {
                    "estimate": ("published", None),
                    "p": ("published", None),
                    "ci": ("fixed", None) if year == min(times) else ("assumed", "sci_n_10y"),
                }[quantity]
            elif test == stats.HEDGES:
                kind, because = ("fixed", None) if year == min(times) else ("assumed", "sci_n_10y")
            elif test == stats.WELCH:
                kind, because = ("published", None) if quantity == "estimate" else (
                    "assumed", "sd_ratio_sci_n_10y" if year == max(published.TIME_POINTS) else "sd_ratio")  # fmt: skip
            else:  # Mann-Whitney U
                kind, because = "assumed", "shape"
            if (quantity == "p" and test == stats.HEDGES) or (
                quantity == "ci" and pd.isna(pd.to_numeric(r.ci_low, errors="coerce"))
            ):
                continue
            add("04_group_tests", year, test, quantity, *mark(kind, because))
    return pd.DataFrame(rows)


def legend(marked: pd.DataFrame, params: dict) -> str:
    """The sentence (Markdown) that says which numbers carry which mark, for a reader of notebook 4."""
    kinds = set(marked["mark"])
    if not kinds & {"published", "fixed"}:
        return words.fill("marks.legend_other", mark=marked["words"].iloc[0] if len(marked) else "")
    spec = synthetic_spec.make_spec(
        params.get("synthetic_mode", "calibrated"), params.get("seed", 2019), params.get("synthetic") or {}
    )
    fields = {"sd_ratio": spec.sd_ratio_ms_to_sci, "sci_n_10y": spec.sci_n_10y}
    lists = {k: words.fill(f"marks.legend_items.{k}", **fields) for k in ("published", "fixed", "assumed")}
    return words.fill(
        "marks.legend",
        **{k: words.fill(f"marks.marks.{k}") for k in ("published", "fixed", "assumed")},
        **{f"{k}_list": v for k, v in lists.items()},
    )
