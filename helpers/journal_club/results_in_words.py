"""Results in words: the sentences notebooks 4 and 7 show beside a table (Markdown), and numbers as text.

The numbers are computed here; the words are in ``helpers/text/dose_change.yaml`` and
``helpers/text/appendix.yaml`` (:mod:`helpers.text.words`), and this module only chooses which sentence applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import captions, stats
from helpers.core.diagnoses import DIAGNOSES, MS, SCI
from helpers.text import words


def tests_in_words(tests: pd.DataFrame, alpha: float, chart_data: bool = True) -> str:
    """One plain sentence per time point from :func:`group_tests` (Markdown); on a synthetic cohort
    (``chart_data`` False) it adds that the other tests' agreement with Student's t is set by assumptions."""
    lines = []
    for k, t in tests.groupby("year", sort=True):
        r = t.set_index("test")
        if pd.isna(r.at[stats.STUDENT, "p"]) if "p" in r else True:
            lines.append(words.fill("dose_change.tests.too_few", year=k))
            continue
        st, we, mw, g = (r.loc[n] for n in (stats.STUDENT, stats.WELCH, stats.MANN_WHITNEY, stats.HEDGES))
        sig = [p < alpha for p in (st["p"], we["p"], mw["p"])]
        agree = "all" if all(sig) else "none" if not any(sig) else "mixed"
        lines.append(
            words.fill(
                "dose_change.tests.line",
                year=k,
                n_ms=st["n_ms"],
                n_sci=st["n_sci"],
                diff=abs(st["estimate"]),
                side=words.fill(f"dose_change.tests.{'above' if st['estimate'] >= 0 else 'below'}"),
                ci=stats.ci_level(alpha),
                lo=st["ci_low"],
                hi=st["ci_high"],
                p_student=p_text(st["p"]),
                p_welch=p_text(we["p"]),
                p_mw=p_text(mw["p"]),
                g=g["estimate"],
                g_lo=g["ci_low"],
                g_hi=g["ci_high"],
                agree=words.fill(
                    f"dose_change.tests.agree.{agree}",
                    alpha=alpha,
                    assumed="" if chart_data else words.fill("dose_change.tests.assumed"),
                ),
            )
        )
    if not chart_data and lines:
        lines.append("\n" + words.fill("dose_change.tests.synthetic"))
    return "\n".join(lines)


def test_run(tests: pd.DataFrame) -> str:
    """Which test gives the published p, its formula and this run's t and df (Markdown)."""
    st = tests.loc[tests["test"] == stats.STUDENT].dropna(subset=["statistic"])
    t_list = and_list(f"{r.statistic:.2f} on {r.dof:.0f} df at {r.year} years ({p_text(r.p)})" for r in st.itertuples())
    return words.fill("dose_change.test_run", t_list=t_list or "-")


def p_format(p: float) -> str:
    """A p-value for a table cell: '0.012', '<0.001' (never '0.000'), '-' when missing."""
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """A p-value in a sentence: 'p = 0.012' or 'p < 0.001' (never 'p = 0.000' or 'p = <0.001')."""
    text = p_format(p)
    return f"p < {text[1:]}" if text.startswith("<") else f"p = {text}"


def and_list(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def or_list(items) -> str:
    """'a', 'a or b', 'a, b or c'."""
    text = and_list(items)
    head, sep, tail = text.rpartition(" and ")
    return f"{head} or {tail}" if sep else text


def share(p: float) -> str:
    """A proportion as a whole percentage, without rounding a near-certainty to 100% or a rarity to 0%."""
    if p >= 0.995:
        return ">99%"
    if p < 0.005:
        return "<1%"
    return f"{100 * p:.0f}%"


def power_in_words(
    grid: pd.DataFrame, cohort_n: int, n_ms, n_sci, alpha: float, reps: int, n_needed: dict, paper_n: int
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
            words.fill(
                "appendix.power.line",
                difference=d,
                power=share(r["power_mc"]),
                se=100 * r["power_mc_se"],
                reps=reps,
                analytic=share(r["power_analytic"]),
                need=words.fill("appendix.power.need", n=need) if need else words.fill("appendix.power.need_many"),
            )
        )
    size = words.fill(
        "appendix.power.size",
        n=cohort_n,
        n_ms=n_ms,
        n_sci=n_sci,
        papers=words.fill("appendix.power.papers") if cohort_n == paper_n else "",
    )
    return words.fill("appendix.power.intro", size=size, test=test, alpha=alpha) + "\n\n" + "\n".join(lines)


def two_digits(x: float) -> str:
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


def share_with_se(share: float, se: float, studies: int, upper: float) -> str:
    """A Monte Carlo share with its SE, or "0 of N (95% upper bound ...)" when no study had it."""
    if share == 0 and studies:
        return f"0 of {studies:.0f} (95% upper bound {upper:.3f})"
    return with_se(share, se, 3)


def with_se(estimate: float, se: float, decimals: int = 1, percent: bool = False) -> str:
    """'37.9 (SE 0.4)': a Monte Carlo estimate with its standard error, as one table cell (``percent``:
    a proportion shown as a percentage)."""
    k = 100 if percent else 1
    unit = "%" if percent else ""
    return f"{k * estimate:.{decimals}f}{unit} (SE {k * se:.{decimals}f})"


def multiverse_in_words(
    mv: pd.DataFrame, alpha: float, chart_data: bool, consistent: pd.DataFrame | None = None
) -> str:
    """What the multiverse table says: how many tested paths reach alpha, how far the MS figure moves; on a
    synthetic cohort, which rows the paper fixes (``consistent``: :func:`helpers.journal_club.consistency.ranges`, optional)."""
    from helpers.core import published

    tested = mv.dropna(subset=["p"])
    last = mv["year"].max()
    at_last = mv.loc[(mv["year"] == last)].dropna(subset=["ms_pct"])
    ms_last = at_last.drop_duplicates(["reference_year", "summary"])["ms_pct"]  # one per summary
    paper = mv.loc[mv["the_papers_choice"] & (mv["year"] == last), "ms_pct"]
    text = words.fill(
        "appendix.multiverse.count",
        n_sig=int((tested["p"] < alpha).sum()),
        n_tests=len(tested),
        alpha=alpha,
        p_min=p_format(tested["p"].min()),
        p_max=p_format(tested["p"].max()),
        year=last,
        ms_min=ms_last.min(),
        ms_max=ms_last.max(),
    )
    highest = False
    if len(paper):
        rank = int((ms_last > paper.iloc[0]).sum()) + 1
        highest = rank == 1
        text += words.fill(
            "appendix.multiverse.paper_rank",
            paper=paper.iloc[0],
            place=words.fill("appendix.multiverse.highest")
            if highest
            else words.fill("appendix.multiverse.rank", rank=rank),
            n_summaries=len(ms_last),
        )
    text += ". "
    if not chart_data:
        table = captions.label("Table", "07_consistent_cohorts")
        ref = published.REFERENCE_YEAR
        text += words.fill("appendix.multiverse.synthetic", ref=ref)
        above = []
        if consistent is not None:
            t = consistent.loc[~consistent["fixed_by_paper"] & consistent["quantity"].str.contains(" p at ")]
            above = list(t.loc[t["max"] > alpha, "quantity"])
        text += (
            words.fill("appendix.multiverse.above", alpha=alpha, table=table, quantities=and_list(above))
            if above
            else words.fill("appendix.multiverse.range_only", table=table)
        )
        if highest:
            spans = ref == mv["reference_year"].min() and paper.iloc[0] == ms_last.max()
            text += " " + words.fill(
                "appendix.multiverse.highest_reason",
                span=words.fill("appendix.multiverse.span", ref=ref) if spans else "",
            )
        text += " " + words.fill("appendix.multiverse.reused")
    return text


def mixed_model_note(info: dict, alpha: float, chart_data: bool) -> str:
    """How the mixed model fitted, what a statsmodels boundary warning means here, and its serial correlation
    with the check that does not assume it (:func:`helpers.journal_club.appraisal.mixed_model`), as Markdown."""
    if "failed" in info:
        return words.fill("appendix.mixed_model.failed", reason=info["failed"])
    parts = []
    if not chart_data:
        parts.append(
            words.fill("appendix.mixed_model.synthetic", table=captions.label("Table", "07_consistent_cohorts"))
        )
    note = words.fill(
        "appendix.mixed_model.fit",
        **{**info, "converged": words.fill(f"appendix.mixed_model.{'yes' if info['converged'] else 'no'}")},
    )
    if info["boundary_warning"]:
        if not info["boundary_real"] and info["converged"]:
            note = words.fill("appendix.mixed_model.boundary_false_alarm_first") + "\n\n" + note
        key = "boundary_real" if info["boundary_real"] else "boundary_false_alarm"
        note += " " + words.fill(f"appendix.mixed_model.{key}", **info)
    if info["other_warnings"]:
        note += " " + words.fill("appendix.mixed_model.other_warnings", messages="; ".join(info["other_warnings"]))
    parts.append(note)
    serial = words.fill(
        f"appendix.mixed_model.serial.{'chart' if chart_data else 'synthetic'}", lag1=info["lag1_correlation"]
    )
    parts.append(
        serial
        + " "
        + words.fill(
            "appendix.mixed_model.two_stage",
            two_stage=info["two_stage_difference_pct"],
            two_lo=info["two_stage_ci_low_pct"],
            two_hi=info["two_stage_ci_high_pct"],
            p_two=p_text(info["two_stage_p"]),
            model=info["model_difference_pct"],
            ci=stats.ci_level(alpha),
        )
    )
    return "\n\n".join(parts)


def multiple_testing(p_values: dict, holm: dict, n_both: int, first: int, last: int, mv, alpha: float) -> str:
    """Why the paper's claim at both time points needs no adjustment, what Holm would give for an 'either'
    claim, and where the multiplicity that matters lies: the multiverse ``mv`` (Markdown)."""
    return words.fill(
        "appendix.multiple_testing",
        alpha=alpha,
        p_first=p_format(p_values[first]),
        p_last=p_format(p_values[last]),
        holm_first=p_format(holm[first]),
        holm_last=p_format(holm[last]),
        n_both=n_both,
        first=first,
        last=last,
        n_paths=len(mv),
        n_tested=int(mv["p"].notna().sum()),
        n_times=mv["year"].nunique(),
        n_choices=len(mv.groupby(["reference_year", "summary", "test"])),
    )


def power_differences_in_words(differences, median_dose: float, first: int, ci_low: float, published_gap: float) -> str:
    """The chosen differences in points and in µg/24 h for a patient at the median dose; a difference within 5
    points of the published one is called what it is, observed power (Markdown)."""
    text = words.fill(
        "appendix.power.differences",
        differences=and_list(f"{d:g}" for d in differences),
        differences_or=or_list(f"{d:g}" for d in differences),
        median_dose=median_dose,
        doses=and_list(f"{d / 100 * median_dose:.0f}" for d in differences),
        first=first,
        ci_low=ci_low,
    )
    near = [d for d in differences if abs(d - published_gap) <= 5]
    if near:
        text += " " + words.fill(
            "appendix.power.observed",
            near=and_list(f"{d:g} points" for d in near).capitalize(),
            near_word=words.fill(f"appendix.power.near_{'one' if len(near) == 1 else 'many'}"),
            first=first,
            published_gap=published_gap,
        )
    return text


def sd_source(kind: str, alpha: float, **values) -> str:
    """Where the SDs used to plan a study come from (``kind``: 'published', 'model' or 'chart'), Markdown."""
    return words.fill(f"appendix.power.sds_{kind}", ci=stats.ci_level(alpha), **values)


def winners_curse_in_words(curve: pd.DataFrame, n_ms: int, n_sci: int, alpha: float, published_gap: float) -> str:
    """The exaggeration ratio at the smallest true difference of the curve and at the one nearest the published
    difference, with their Monte Carlo SEs (Markdown)."""
    low = curve.iloc[0]
    high = curve.iloc[(curve["difference"] - published_gap).abs().argmin()]
    return words.fill(
        "appendix.winners_curse",
        fig=captions.label("Figure", "07_exaggeration"),
        n_ms=n_ms,
        n_sci=n_sci,
        alpha=alpha,
        low=low["difference"],
        power_low=100 * low["power_mc"],
        est_low=low["mean_estimate_significant"],
        ratio_low=low["exaggeration_ratio"],
        ratio_low_se=low["exaggeration_ratio_se"],
        high=high["difference"],
        published_gap=published_gap,
        ratio_high=high["exaggeration_ratio"],
        ratio_high_se=high["exaggeration_ratio_se"],
    )


def sd_ratio_note(sd_ratio: float) -> str:
    """What the assumed SD ratio sets in notebook 4, and what equal spreads on the log scale would give."""
    from helpers.core import published

    return words.fill(
        "dose_change.sd_ratio",
        sd_ratio_ms_to_sci=sd_ratio,
        log_scale_ratio=published.value("ms_pct_7y") / published.value("sci_pct_7y"),
    )


def trajectories_in_words(slopes: pd.DataFrame, step: pd.DataFrame, time_points, chart_data: bool) -> str:
    """What the yearly curves of notebook 4 can show: how far a patient's yearly change before and after the
    first time point go together (:func:`helpers.journal_club.appraisal.slopes_before_and_after`) and what the MS mean's
    last step is made of (:func:`helpers.journal_club.appraisal.last_step`)."""
    kind = "chart" if chart_data else "synthetic"
    r = slopes.set_index("diagnosis")["correlation"]
    text = words.fill(f"dose_change.trajectories.{kind}", r_ms=r.get(MS, np.nan), r_sci=r.get(SCI, np.nan))
    if len(time_points) > 1 and MS in set(step["diagnosis"]):
        s = step.set_index("diagnosis").loc[MS]
        text += "\n\n" + words.fill(
            f"dose_change.trajectories.step_{kind}",
            before=time_points[-1] - 1,
            year=time_points[-1],
            step=s["step"],
            same=s["same_patients"],
            who=s["who_is_counted"],
        )
    return text


def doses_note(chart_data: bool) -> str:
    """How to read the doses in µg/24 h side by side (notebook 7)."""
    return words.fill(f"appendix.doses.{'chart' if chart_data else 'synthetic'}")


def mean_above_geometric_mean(pct: pd.DataFrame, year: int) -> str:
    """Why a mean of ratios lies above their geometric mean, with this run's spreads (a folded answer)."""
    at = pct.loc[pct["year"] == year]
    values = {}
    for dx in DIAGNOSES:
        ratios = at.loc[at["diagnosis"] == dx, "pct"] / 100
        s = np.log(ratios).std(ddof=1)
        values |= {
            f"s_{dx.lower()}": s,
            f"f_{dx.lower()}": np.exp(s**2 / 2),
            f"obs_{dx.lower()}": ratios.mean() / np.exp(np.log(ratios).mean()),
        }
    return words.fill("appendix.mean_above_geometric_mean", year=year, **values)


def completers_note(chart_data: bool) -> str:
    """On the synthetic cohort, why those followed to 10 years differ from the others only by chance."""
    return "" if chart_data else words.fill("appendix.completers_synthetic")


def power_setup(differences, first: int, alpha: float, sds: dict, kind: str, **values) -> str:
    """The three inputs of the power analysis in words: the chosen differences (flagging one near the published
    difference as observed power), the SDs and where they come from (``kind``: 'published', 'model' or
    'chart'; :func:`sd_source`), and the test."""
    from helpers.core import published
    from helpers.journal_club import fixed_by_paper

    return (
        power_differences_in_words(
            differences,
            published.value("dose_ref_median"),
            first,
            fixed_by_paper.difference_ci(published.TIME_POINTS[0], alpha).ci_low,
            fixed_by_paper.published_difference(published.TIME_POINTS[0]),
        )
        + "\n\n"
        + sd_source(kind, alpha, first=first, **sds, **values)
        + "\n\n"
        + words.fill("appendix.power.test")
    )


def power_results(
    grid: pd.DataFrame,
    cohort_n: int,
    n_ms,
    n_sci,
    alpha: float,
    reps: int,
    needed: dict,
    paper_n: int,
    gap: float,
    difference: float,
    needed_range: tuple,
    first: int,
) -> str:
    """What a cohort of this size would detect, how well simulation and analysis agree (``gap`` in Monte Carlo
    SEs), how far the size needed for ``difference`` moves over the SD's CI (``needed_range``), and what a
    study must enrol."""
    low, high = needed_range
    return (
        power_in_words(grid, cohort_n, n_ms, n_sci, alpha, reps, needed, paper_n)
        + "\n\n"
        + words.fill("appendix.power.gap", gap=gap)
        + " "
        + words.fill(
            "appendix.power.uncertainty",
            difference=difference,
            n_mid=needed.get(difference) or words.fill("appendix.power.over"),
            n_low=low or words.fill("appendix.power.over"),
            n_high=high or words.fill("appendix.power.over"),
            ci=stats.ci_level(alpha),
        )
        + "\n\n"
        + words.fill("appendix.power.enrol", first=first)
    )
