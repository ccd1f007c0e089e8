"""The journal-club session (notebook 6) in sentences: numbers computed here, words in
``helpers/text/journal_club.yaml``.

Each function takes the run's tables or parameters and returns Markdown (or a DataFrame to show); which
sentence applies is chosen from the numbers.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from helpers.core import published, stats
from helpers.core.diagnoses import DIAGNOSES, SCI
from helpers.journal_club import fixed_by_paper, results_in_words
from helpers.journal_club.fixed_by_paper import SD_RATIOS
from helpers.text import words

N10_LOW = 10  # the fewest SCI patients at 10 years the ranges consider (as the appendix's consistent cohorts)


def claim() -> str:
    """The paper's question answered in its own words and numbers."""
    return words.fill("journal_club.claim", **published.formatted())


def fixed_ci(alpha: float, sci_n_10y: int) -> str:
    """The CI of the 7-year difference that the published numbers fix, and the 10-year one that needs the SCI
    count."""
    t7, t10 = fixed_by_paper.difference_ci(7, alpha), fixed_by_paper.difference_ci(10, alpha, sci_n_10y)
    n_sci = int(published.value("n_sci"))
    lows = fixed_by_paper.difference_ci(10, alpha, np.arange(N10_LOW, n_sci + 1)).ci_low
    return words.fill(
        "journal_club.fixed_ci",
        lo10_min=float(np.min(lows)),
        lo10_max=float(np.max(lows)),
        n10_low=N10_LOW,
        n_sci=n_sci,
        ci=stats.ci_level(alpha),
        d7=t7.difference,
        lo7=t7.ci_low,
        hi7=t7.ci_high,
        lo10=t10.ci_low,
        hi10=t10.ci_high,
        sci_n_10y=sci_n_10y,
    )


def sd_ratio_spread(alpha: float) -> pd.DataFrame:
    """Each group's 7-year CI over the SD ratios the appendix's consistent cohorts span (:data:`SD_RATIOS`)."""
    return fixed_by_paper.group_ci(7, np.linspace(*SD_RATIOS, 26), alpha)


def fixed_table(alpha: float, sci_n_10y: int, sd_ratio: float) -> pd.DataFrame:
    """What the published numbers fix and what rests on an assumption, with each interval's range over the
    assumption it rests on, and its mark (helpers/text/marks.yaml)."""
    ci = stats.ci_level(alpha)
    n_sci = int(published.value("n_sci"))
    counts = np.arange(N10_LOW, n_sci + 1)
    t7, t10 = fixed_by_paper.difference_ci(7, alpha), fixed_by_paper.difference_ci(10, alpha, sci_n_10y)
    lows = fixed_by_paper.difference_ci(10, alpha, counts).ci_low
    mark = {k: words.fill(f"marks.marks.{k}") for k in ("fixed", "assumed")}
    rows = [  # (quantity, (estimate, CI low, CI high), CI low over the assumption's range, mark)
        (
            words.fill("journal_club.fixed_table.difference_7"),
            (t7.difference, t7.ci_low, t7.ci_high),
            "-",
            mark["fixed"],
        ),
        (
            words.fill("journal_club.fixed_table.difference_10"),
            (t10.difference, t10.ci_low, t10.ci_high),
            words.fill(
                "journal_club.fixed_table.range_n", low=lows.min(), high=lows.max(), n_low=int(counts[0]), n_high=n_sci
            ),
            mark["assumed"],
        ),
    ]
    spread = sd_ratio_spread(alpha)
    here = fixed_by_paper.group_ci(7, sd_ratio, alpha).set_index("diagnosis")
    for dx in DIAGNOSES:
        lo = spread.loc[spread["diagnosis"] == dx, "ci_low"]
        r = here.loc[dx]
        rows.append(
            (
                words.fill("journal_club.fixed_table.mean", dx=dx, year=7, sd_ratio=sd_ratio),
                (r["mean"], r["ci_low"], r["ci_high"]),
                words.fill(
                    "journal_club.fixed_table.range_ratio",
                    low=lo.min(),
                    high=lo.max(),
                    r_low=SD_RATIOS[0],
                    r_high=SD_RATIOS[1],
                ),
                mark["assumed"],
            )
        )
    names = [
        words.fill(f"journal_club.fixed_table.columns.{k}", ci=ci) for k in ("quantity", "estimate", "range", "mark")
    ]
    return pd.DataFrame([(q, results_in_words.with_ci(*est), rng, m) for q, est, rng, m in rows], columns=names)


def within_group(bounds: pd.DataFrame, alpha: float) -> str:
    """The paper's within-group claim against what its numbers can say: how low and how high each group's CI
    lower limit can be, whatever the unpublished SDs (``bounds``: :func:`helpers.journal_club.fixed_by_paper.lower_limit_bounds`)."""
    sentences = []
    for r in bounds.itertuples():
        key = "above" if r.lowest > 100 else "depends" if r.highest > 100 else "not_above"
        sentences.append(words.fill(f"journal_club.within_group.{key}", dx=r.diagnosis, ci=stats.ci_level(alpha),
                                    low=r.lowest, high=r.highest))  # fmt: skip
    return words.fill("journal_club.within_group.text", groups=" ".join(sentences))


def ratios_in_words(rm: pd.DataFrame, chart_data: bool) -> str:
    """Where the ratio of means and the mean of ratios differ most, and the start-dose correlation there."""
    gap = (rm["ratio of means %"] - rm["mean of ratios %"]).abs()
    r = rm.loc[gap.idxmax()]
    return words.fill(
        f"journal_club.ratios.{'chart' if chart_data else 'synthetic'}",
        dx=r["diagnosis"],
        year=int(r["year"]),
        rom=r["ratio of means %"],
        mor=r["mean of ratios %"],
        r=r["r, start dose and ratio"],
    )


def heterogeneity_table(het: pd.DataFrame, masked) -> pd.DataFrame:
    """The heterogeneity table as shown: counts masked on chart data (``masked``: :meth:`helpers.study.Study.masked`),
    the 10th-90th percentiles in one column."""
    out = het.assign(
        **{"10th-90th percentile %": [f"{a:.0f}-{b:.0f}" for a, b in het[["p10 %", "p90 %"]].to_numpy()]}
    ).drop(columns=["p10 %", "p90 %"])
    return masked(out, "n", "below 100%", "200% or more")


def heterogeneity_in_words(het: pd.DataFrame, consistent: pd.DataFrame | None, year: int, count) -> str:
    """How many patients fell or doubled at ``year`` (counts as they may be shown), and on synthetic data
    (``consistent`` given) how far the assumptions move them."""
    h = het.loc[het["year"] == year].set_index("diagnosis")
    where = "synthetic" if consistent is not None else "chart"
    text = words.fill(
        "journal_club.heterogeneity.text",
        where=words.fill(f"journal_club.heterogeneity.where_{where}"),
        year=year,
        **{
            f"{dx.lower()}_{k}": count(int(h.at[dx, col]))
            for dx in DIAGNOSES
            for k, col in (("n", "n"), ("fell", "below 100%"), ("doubled", "200% or more"))
        },
        sci_p90=h.at[SCI, "p90 %"],
    )
    if consistent is not None:
        t = consistent.set_index("quantity")
        text += " " + words.fill(
            "journal_club.heterogeneity.synthetic",
            year=year,
            ms_fell_low=t.at[f"MS patients below 100% at {year} y", "min"],
            ms_fell_high=t.at[f"MS patients below 100% at {year} y", "max"],
        )
    return text


def apply_in_words() -> str:
    """Why the published means are not a patient's dose."""
    return words.fill("journal_club.apply", **published.formatted())


def replications(summary: dict, year: int, alpha: float) -> str:
    """Question E's folded answer: how the difference moved over the simulation model's reruns
    (:func:`helpers.journal_club.replication.summary`), and, at a published time point, its spread against the one the
    published p fixes."""
    spread = ""
    if year in published.TIME_POINTS:
        t = fixed_by_paper.difference_ci(year)
        paper_sd = t.se / np.sqrt(1 / published.value(f"ms_n_{year}y") + 1 / published.value("n_sci"))
        spread = words.fill("journal_club.exercise_1.spread", paper_sd=paper_sd, paper_se=t.se, **summary,
                            level=stats.ci_level(alpha), half=stats.critical_z(alpha) * t.se) + " "  # fmt: skip
    p_words = words.fill(
        f"journal_club.exercise_1.{'p_reached' if summary['some_not_significant'] else 'p_never'}", alpha=f"{alpha:g}"
    )
    return words.fill(
        "journal_club.exercise_1.text", year=year, alpha=f"{alpha:g}", spread=spread, p_words=p_words, **summary
    )


def dose_planning(
    f: dict, start_dose: float, diagnosis: str, year: int, reference_year: int, alpha: float, n_shown, chart_data: bool
) -> str:
    """The dose-planning exercise: its question and its answer from :func:`helpers.journal_club.appraisal.planning_figures`, folded in
    ``<details>`` as one HTML block (Markdown renderers end an HTML block at a blank line, which would leave the
    answer outside its fold)."""
    question = words.fill(
        "journal_club.dose_planning.question",
        start_dose=start_dose,
        reference_year=reference_year,
        plural="s" if reference_year > 1 else "",
        year=year,
    )
    if f["n"] < 2:
        return question + "\n\n" + words.fill("journal_club.dose_planning.too_few", diagnosis=diagnosis, year=year)
    key = f"{diagnosis.lower()}_pct_{year}y"
    from_abstract = (
        [
            words.fill(
                "journal_club.dose_planning.from_abstract",
                year=year,
                published_multiple=published.value(key) / 100,
                published_dose=start_dose * published.value(key) / 100,
            )
        ]
        if key in published.formatted() and reference_year == published.REFERENCE_YEAR
        else []
    )
    parts = [
        *from_abstract,
        words.fill(
            "journal_club.dose_planning.patient",
            label=words.fill(f"journal_club.dose_planning.label.{'chart' if chart_data else 'synthetic'}"),
            n_shown=n_shown,
            diagnosis=diagnosis,
            year=year,
            gm=f["geometric_mean_ratio"],
            median=f["median_ratio"],
            typical=start_dose * f["geometric_mean_ratio"],
            low=results_in_words.two_digits(start_dose * f["prediction_low"]),
            high=results_in_words.two_digits(start_dose * f["prediction_high"]),
            level=f"{stats.ci_level(alpha)}%",
        ),
        words.fill("journal_club.dose_planning.service", rom=f["ratio_of_means"], diagnosis=diagnosis),
        words.fill("journal_club.dose_planning.caveat", year=year),
    ]
    if not chart_data:
        parts[-1] += " " + words.fill("journal_club.dose_planning.synthetic")
    paragraphs = (re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", p) for p in parts)
    return (
        question
        + "\n\n"
        + "<details><summary>Answer</summary>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</details>"
    )


def bottom_line(alpha: float) -> str:
    """What the paper supports, with the CI its numbers fix, and what it does not."""
    t7 = fixed_by_paper.difference_ci(7, alpha)
    return words.fill(
        "journal_club.bottom_line",
        ci=stats.ci_level(alpha),
        n_analysed=published.formatted()["n_analysed"],
        d7=t7.difference,
        lo7=t7.ci_low,
        hi7=t7.ci_high,
        d10=published.value("ms_pct_10y") - published.value("sci_pct_10y"),
    )
