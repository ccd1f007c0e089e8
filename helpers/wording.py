"""Results in words: the sentences notebooks show beside a table (Markdown), and p-values as text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import captions


def tests_in_words(tests: pd.DataFrame, alpha: float, chart_data: bool = True) -> str:
    """One plain sentence per time point from :func:`group_tests` (Markdown); on a synthetic cohort
    (``chart_data`` False) it adds that the other tests' agreement with Student's t is set by assumptions."""
    lines = []
    for k, t in tests.groupby("year", sort=True):
        r = t.set_index("test")
        if pd.isna(r.at["Student t", "p"]) if "p" in r else True:
            lines.append(f"* **{k} years:** too few patients in a group to compare.")
            continue
        st, we, mw, g = (r.loc[n] for n in ("Student t", "Welch t", "Mann-Whitney U", "Hedges' g"))
        ci = f"{100 * (1 - alpha):g}% CI"
        lines.append(
            f"* **{k} years** (MS n={st['n_ms']}, SCI n={st['n_sci']}): the MS mean is {st['estimate']:.0f} % points "
            f"{'above' if st['estimate'] >= 0 else 'below'} the SCI mean ({ci} {st['ci_low']:.0f} to {st['ci_high']:.0f}); "
            f"Student {p_text(st['p'])}, Welch {p_text(we['p'])}, Mann-Whitney {p_text(mw['p'])}; "
            f"Hedges' g = {g['estimate']:.2f} ({ci} {g['ci_low']:.2f} to {g['ci_high']:.2f}). "
            f"{_agree(st, we, mw, alpha)}"
        )
    if not chart_data and len(lines) > 0:
        lines.append(
            "\nOn the synthetic cohort the Welch and Mann-Whitney p-values follow from the assumed SD ratio and the "
            "model's shape of the distributions; their agreement with Student's t is not a check of the paper."
        )
    return "\n".join(lines)


def _agree(st, we, mw, alpha) -> str:
    sig = [p < alpha for p in (st["p"], we["p"], mw["p"])]
    if all(sig):
        return f"All three tests find a difference at alpha = {alpha:g}."
    if not any(sig):
        return f"None of the three tests finds a difference at alpha = {alpha:g}."
    return f"The tests disagree at alpha = {alpha:g}: read the difference with caution."


def p_format(p: float) -> str:
    """A p-value for a table cell: '0.012', '<0.001' (never '0.000'), '-' when missing."""
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """A p-value in a sentence: 'p = 0.012' or 'p < 0.001' (never 'p = 0.000' or 'p = <0.001')."""
    text = p_format(p)
    return f"p < {text[1:]}" if text.startswith("<") else f"p = {text}"


def sd_source(chart_data: bool, mode: str, reference_year: int, time_point: int, sd_ratio: float) -> str:
    """Where the SDs used to plan a study come from, for the sentence beside the power analysis."""
    from . import published

    if chart_data:
        return (
            f"estimated from your charts at {time_point} years: estimates with their own uncertainty, not known values"
        )
    if mode == "calibrated" and reference_year == published.REFERENCE_YEAR and time_point in published.TIME_POINTS:
        return (
            "**assumed**: the paper publishes no SD. The calibrated cohort's SDs are back-solved from the published "
            "means, group sizes and p-value (the pooled SD for which Student's t gives that p), then split between "
            f"the groups by the assumed ratio `sd_ratio_ms_to_sci` = {sd_ratio:g}"
        )
    return (
        "**assumed**: set by the synthetic model's assumptions (how much the yearly dose change varies between "
        "patients, `slope_sd`), not by anything the paper published"
    )


def and_list(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def power_in_words(
    grid: pd.DataFrame, cohort_n: int, n_ms: int, n_sci: int, alpha: float, reps: int, n_needed: dict, paper_n: int
) -> str:
    """What a cohort of *this* size would detect (Markdown), read from the grid row of ``cohort_n``."""
    here = grid.loc[grid["n_total"] == cohort_n].set_index("difference")
    if here.empty:
        raise ValueError(f"the power grid has no row for the cohort's size n={cohort_n}")
    test = here["test"].iloc[0].replace(" t", "'s t")
    lines = []
    for d, r in here.iterrows():
        need = n_needed.get(d)
        lines.append(
            f"* a true difference of **{d:g} points**: power {_share(r['power_mc'])} (Monte Carlo SE "
            f"{100 * r['power_mc_se']:.1f} percentage points, {reps} simulated studies; analytic "
            f"{_share(r['power_analytic'])}); "
            + (f"80% power needs about {need} patients in all." if need else "80% power needs over 5,000 patients.")
        )
    size = f"**{cohort_n} patients** ({n_ms} MS, {n_sci} SCI" + ("; the paper's size)" if cohort_n == paper_n else ")")
    return (
        f"A study of this cohort's size, {size}, analysed with {test} at alpha = {alpha:g}, would detect\n\n"
        + "\n".join(lines)
    )


def _share(p: float) -> str:
    """A proportion as a whole percentage, without rounding a near-certainty to 100% or a rarity to 0%."""
    if p >= 0.995:
        return ">99%"
    if p < 0.005:
        return "<1%"
    return f"{100 * p:.0f}%"


def dose_plan_answer(
    f: dict, start_dose: float, diagnosis: str, year: int, alpha: float, n_shown, chart_data: bool = False
) -> str:
    """Exercise 4's answer from :func:`helpers.appraisal.planning_figures`, folded in ``<details>``.

    Written as one HTML block (paragraphs, no blank lines): Markdown renderers end an HTML block at a blank line,
    which would leave the answer outside its fold."""
    if f["n"] < 2:
        return f"<details><summary>Answer</summary>\nFewer than 2 {diagnosis} patients at {year} years.\n</details>"
    level = f"{100 * (1 - alpha):g}%"
    text = (
        ""
        f"**For this patient**, plan from the typical course and its spread, not from the group mean. Among the "
        f"{n_shown} {diagnosis} patients still on ITB and followed to {year} years, the dose at {year} years was "
        f"typically {f['geometric_mean_ratio']:.2f} times the reference dose (geometric mean; median "
        f"{f['median_ratio']:.2f} times): about **{start_dose * f['geometric_mean_ratio']:.0f} µg/24 h**. One new "
        f"patient's dose could lie anywhere from roughly {_two_digits(start_dose * f['prediction_low'])} to "
        f"{_two_digits(start_dose * f['prediction_high'])} µg/24 h ({level} prediction interval, from the spread of "
        "the log "
        "ratios, assuming they are roughly normal): a starting expectation, revised at every refill.\n\n"
        "**For the service** (how much baclofen to buy), what counts is the total dose of all its patients; for "
        f"patients like these it changes by the ratio of the summed doses, {f['ratio_of_means']:.2f} times (ratio "
        "of means). Patients starting or stopping ITB change the total too.\n\n"
        f"The paper's **mean of ratios** ({f['mean_of_ratios']:.2f} times) answers neither question: it weighs a "
        "patient going from 30 to 90 µg/24 h as much as one going from 500 to 1500 (so it does not follow the "
        "total), and a few large ratios pull it above the typical patient's course.\n\n"
        f"**Only for patients who stay on ITB**: all of these come from patients still treated and charted at "
        f"{year} years, without a pump or catheter failure. They say nothing about how likely this patient is to "
        "be one of them."
        + (
            ""
            if chart_data
            else " On the synthetic cohort, apart from the paper's mean of ratios, these numbers (the typical course, "
            f"the spread between patients and so the interval, the ratio of means) are set by our assumptions (see "
            f"{captions.label('Table', '06_consistent_cohorts')}): they illustrate the reasoning only, not real "
            "patients."
        )
    )
    paragraphs = (re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", p) for p in text.split("\n\n"))
    return "<details><summary>Answer</summary>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</details>"


def _two_digits(x: float) -> str:
    """A number rounded to two significant digits, for an interval that is only a rough guide: 906 -> '910'."""
    return f"{float(f'{x:.2g}'):.0f}"


def with_ci(estimate: float, low: float, high: float, decimals: int = 0) -> str:
    """'147 (130 to 168)': an estimate with its CI, as one table cell (the estimate alone without a CI)."""
    f = f"{{:.{decimals}f}}"
    if pd.isna(estimate):
        return "-"
    if pd.isna(low) or pd.isna(high):
        return f.format(estimate)
    return f"{f.format(estimate)} ({f.format(low)} to {f.format(high)})"


def multiverse_in_words(
    mv: pd.DataFrame, alpha: float, chart_data: bool, consistent: pd.DataFrame | None = None
) -> str:
    """What the multiverse table says: how many paths reach alpha, how far the headline figure moves; on a
    synthetic cohort, which rows the paper fixes (``consistent``: :func:`helpers.consistency.ranges`, optional)."""
    from . import published

    sig = int((mv["p"] < alpha).sum())
    last = mv["year"].max()
    ms_last = mv.loc[mv["year"] == last].drop_duplicates(["reference_year", "summary"])["ms_pct"]  # one per summary
    paper = mv.loc[mv["the_papers_choice"] & (mv["year"] == last), "ms_pct"]
    text = (
        f"**{sig} of {len(mv)}** analyses reach p < {alpha:g} (p from {p_format(mv['p'].min())} to "
        f"{p_format(mv['p'].max())}). The MS figure at {last} years ranges from **{ms_last.min():.0f}% to "
        f"{ms_last.max():.0f}%** of the reference dose across these choices"
    )
    highest = False
    if len(paper):
        rank = int((ms_last > paper.iloc[0]).sum()) + 1
        highest = rank == 1
        place = "the highest" if highest else f"number {rank} from the top"
        text += f"; the paper's path gives {paper.iloc[0]:.0f}%, {place} of these {len(ms_last)} summaries"
    text += ". "
    if not chart_data:
        table = captions.label("Table", "06_consistent_cohorts")
        ref = published.REFERENCE_YEAR
        text += (
            f"On the synthetic cohort only the Student rows at reference year {ref} are fixed by the paper (the "
            "cohort was calibrated to them, so they agree with it by construction). Every other row is set by our "
            "assumptions"
        )
        above = []
        if consistent is not None:
            t = consistent.loc[~consistent["fixed_by_paper"] & consistent["quantity"].str.contains(" p at ")]
            above = list(t.loc[t["max"] > alpha, "quantity"])
        text += (
            f", and over cohorts equally consistent with the paper some give p > {alpha:g} ({table}: "
            f"{and_list(above)})."
            if above
            else f"; how far they range over cohorts equally consistent with the paper is in {table}."
        )
        if highest:
            text += (
                " The paper's path gives the highest MS value partly by arithmetic: a mean of ratios is never below "
                "the geometric mean"
                + (
                    f", and year {ref} as reference spans the most years"
                    if ref == mv["reference_year"].min() and paper.iloc[0] == ms_last.max()
                    else ""
                )
                + "."
            )
        text += (
            " The analyses are not independent: they reuse the same patients, so their agreement is not corroboration."
        )
    return text


def with_se(estimate: float, se: float, decimals: int = 1, percent: bool = False) -> str:
    """'37.9 (SE 0.4)': a Monte Carlo estimate with its standard error, as one table cell (``percent``:
    a proportion shown as a percentage)."""
    k = 100 if percent else 1
    unit = "%" if percent else ""
    return f"{k * estimate:.{decimals}f}{unit} (SE {k * se:.{decimals}f})"
