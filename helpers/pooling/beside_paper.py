"""A clinic's run beside the paper: the MS - SCI difference at each published time point, this clinic's (from
its shareable summary) and the paper's (its CI fixed by the published numbers), and whether the two differ."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import published, stats
from helpers.core.run_kind import RunKind
from helpers.pooling import meta
from helpers.text import words


def label(kind: RunKind) -> str:
    """How the run's row is named beside the paper's."""
    return "this clinic" if kind.chart else "this run"


def rows(shared: dict, alpha: float, sci_n_10y: int, kind: RunKind = RunKind.CHART) -> pd.DataFrame:
    """``clinic, year, estimate, se, ci_low, ci_high``: this run's Student CIs and the paper's, at the
    published time points the summary does not withhold."""
    mine = meta.clinics([shared]).assign(clinic=label(kind))
    mine = mine.loc[mine["year"].isin(published.TIME_POINTS)]
    dof = {d["year"]: d.get("dof_student") for d in shared["differences"]}
    half = [r.se * stats.critical_t(alpha, dof.get(r.year) or np.inf) for r in mine.itertuples()]
    mine = mine.assign(ci_low=mine["estimate"] - half, ci_high=mine["estimate"] + half)
    theirs = pd.DataFrame(meta.paper_rows(sci_n_10y, alpha))  # the paper's CI as its published numbers fix it
    return pd.concat([mine, theirs.loc[theirs["year"].isin(mine["year"])]], ignore_index=True)


def in_words(table: pd.DataFrame, shared: dict, alpha: float, kind: RunKind = RunKind.CHART) -> str:
    """Whether this run's difference and the paper's differ, at each published time point (a z-test of two
    independent estimates), and what a difference could come from. On the cohort calibrated to the paper they
    agree by construction: no test."""
    clinic, by_construction = label(kind), kind is RunKind.PAPER
    ci, z = stats.ci_level(alpha), stats.critical_z(alpha)
    sentences = []
    withheld = {d["year"] for d in shared["differences"] if d["withheld"]}
    for year in published.TIME_POINTS:
        if year in withheld:
            sentences.append(words.fill("notebooks.beside_paper.withheld", year=year))
            continue
        at = table.loc[table["year"] == year].set_index("clinic")
        if clinic not in at.index:
            continue
        me, paper = at.loc[clinic], at.loc[meta.PAPER]
        delta, se = me["estimate"] - paper["estimate"], float(np.hypot(me["se"], paper["se"]))
        verdict = "by_construction" if by_construction else "differ" if abs(delta) > z * se else "compatible"
        sentences.append(words.fill("notebooks.beside_paper.year", year=year, ci=ci, d=me["estimate"],
                                    lo=me["ci_low"], hi=me["ci_high"], dp=paper["estimate"], lop=paper["ci_low"],
                                    hip=paper["ci_high"], verdict=words.fill(
                                        f"notebooks.beside_paper.{verdict}", delta=delta, ci=ci,
                                        dlo=delta - z * se, dhi=delta + z * se)))  # fmt: skip
    text = "paper" if by_construction else kind.data
    return words.fill(f"notebooks.beside_paper.text.{text}", years=" ".join(sentences))
