# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=[]
# # 7. Appendix: the longer analyses
#
# For readers of the journal club ([6](06_journal_club.ipynb)) who want more: the doses in µg/24 h, the
# excluded patients and the missing 10-year data, a model that uses every year, every analysis path at once
# (a multiverse) and what multiple testing means here, what the published numbers fix over many cohorts
# consistent with the paper, and power for a next study with the winner's curse.

# %% tags=["parameters"]
data_dir = None  # folder with your own patients.csv and doses.csv; None: the synthetic cohort
synthetic_mode = "calibrated"  # synthetic cohort: "calibrated" to the paper, or "simulation" (random draw)
seed = 2019  # seed of the synthetic cohort's generator
synthetic = {}  # assumptions of the synthetic cohort to change, e.g. {"sci_n_10y": 12} (data dictionary)
output_dir = None  # None: outputs/ for the default parameters (see helpers/study/study.py)
reference_year = 1  # the "initial" dose is the dose at this year after implant
min_followup_years = 7  # patients followed for fewer years are not analysed (the paper's inclusion rule)
accept_low_reference_dose = (
    False  # chart data: analyse a reference-year dose under 5 µg/24 h (written in mg/24 h?) instead of refusing it
)
time_points = [7, 10]  # years at which the dose is compared with the reference
alpha = 0.05  # significance level; confidence intervals are 1 - alpha
power_reps = 2000  # Monte Carlo replicates per cell of the power grid
scenario_n = 1000  # simulated patients per group in each scenario cohort (the biases switched on)
consistency_draws = 2000  # cohorts drawn and calibrated to the paper: what its numbers fix and leave open
power_differences = [15, 20, 30]  # true MS-SCI differences (points of %) the power analysis plans for
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
import numpy as np
from IPython.display import Markdown, display

from helpers import study
from helpers.core import cohort, figures, presentation, published, reproduction, run_kind, stats
from helpers.journal_club import appraisal, consistency, fixed_by_paper, power, results_in_words, scenario_effects
from helpers.publishing import references

S = study.start(globals())
print(S.describe())
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points)
yearly = cohort.percent_of_reference(S.patients, S.doses, reference_year, all_years=True)
pct_fmt = dict.fromkeys(("mean_analysed", "mean_all_screened", "difference"), "{:.0f}")
S.say("appendix_scope")

# %% [markdown] tags=[]
# ## 1. Doses in µg/24 h
#
# A percentage hides what a pharmacy dispenses and a clinician programs. The doses at the reference year and at
# each time point, each row of the patients followed to it: at the first time point all analysed patients, later
# only those still followed, so a later row divided by the reference-year row mixes patients: the **mean** (what
# a service's total drug supply follows), and the
# **geometric mean** and **median** (the typical patient), each with its confidence interval. The median's CI
# comes from order statistics (no distributional assumption); its exact coverage, at least the nominal level,
# is in the saved table.

# %% tags=[]
doses_abs = S.masked(appraisal.absolute_doses(pct, reference_year, time_points, alpha), "n")
presentation.save(doses_abs, "07_absolute_doses", S.out)
presentation.show(
    doses_abs[["year", "diagnosis", "n"]].assign(
        **{
            "mean (CI)": [
                results_in_words.with_ci(*r) for r in doses_abs[["mean", "mean_ci_low", "mean_ci_high"]].to_numpy()
            ],
            "geometric mean (CI)": [
                results_in_words.with_ci(*r)
                for r in doses_abs[["geometric_mean", "gm_ci_low", "gm_ci_high"]].to_numpy()
            ],
            "median (CI)": [
                results_in_words.with_ci(*r)
                for r in doses_abs[["median", "median_ci_low", "median_ci_high"]].to_numpy()
            ],
        }
    ),
    "07_absolute_doses",
    params=S.params,
)

# %% tags=[]
Markdown(results_in_words.doses_note(S.chart_data))

# %% [markdown] tags=[]
# **Exercise.** In the journal club's section 3.2, why is the mean of ratios above the geometric mean in both
# groups?

# %% tags=[]
Markdown(results_in_words.mean_above_geometric_mean(pct, time_points[0]))

# %% [markdown] tags=[]
# ## 2. The excluded patients, and the missing 10-year data

# %% tags=[]
display(S.say("excluded_kept"))
sel = S.masked(
    appraisal.selection_effect(S.patients, S.doses, reference_year, time_points), "n_analysed", "n_all_screened"
)
presentation.show(sel, "07_selection_effect", formats=pct_fmt)

# %% [markdown] tags=[]
# Were the patients followed to 10 years already different at 7 years? With few patients not followed, this
# comparison cannot tell chance from informative dropout.

# %% tags=[]
comp = S.masked(appraisal.completers(pct, time_points), "n")
presentation.show(
    comp, "07_completers", params=S.params, formats={c: "{:.0f}" for c in comp.columns if c.startswith("mean")}
)

# %% tags=[]
Markdown(results_in_words.completers_note(S.chart_data))

# %% [markdown] tags=[]
# **Switched on: informative dropout.** Patients whose dose rises faster are less often followed to 10 years
# (the same share is followed as before), in a simulated cohort beside the same cohort without it.

# %% tags=[]
appendix_scenarios = ("dropout", "titration", "confounding")
scenarios = scenario_effects.effects(scenario_effects.draw_cohorts(scenario_n, seed, appendix_scenarios), alpha)
presentation.save(scenarios, "07_scenarios", S.out)


display(*scenario_effects.shown(scenarios, "dropout", S.params))

# %% [markdown] tags=[]
# **Switched on: titration after year 1, and a noisy 1-year dose** (notebook 6, section 2.2). Beside the
# mean of ratios (this study's reading of the paper's mean %): the log-ratio comparison and an ANCOVA on log
# dose (the groups compared at the same 1-year dose), first with titration alike in both groups, then with MS
# titrated more slowly.

# %% tags=[]
display(*scenario_effects.shown(scenarios, "titration", S.params))

# %% [markdown] tags=[]
# **Switched on: confounding** (notebook 6, section 2.3). A scenario in which we make age and time since onset
# steepen the yearly rise, with MS patients older and longer since onset (as the model assumes).

# %% tags=[]
display(*scenario_effects.shown(scenarios, "confounding", S.params))

# %% [markdown] tags=[]
# ## 3. A model that uses every year
#
# Two snapshots throw most of the chart away. A **linear mixed model** ([Laird & Ware 1982](#ref-laird1982))
# uses every yearly dose after the reference year: log(dose / reference dose) changes linearly with the years
# since the reference, at a rate that differs by diagnosis, with each patient allowed their own level and rate
# (random intercept and slope). Patients without a 10-year dose still inform the rate, and one question
# replaces two tests: *does the dose rise faster in MS than in SCI?* To know before reading it:
#
# * **The reference year's own rows are left out**: every ratio there is 1 by definition, not a measurement.
# * **Its percentages are geometric**: the yearly change is a geometric % per year and its % at 7 and 10 years
#   are geometric means, to set beside the geometric means, not the arithmetic means of ratios this study takes
#   the paper's figures to be.
# * **Missing data are assumed missing at random**: valid if whether a patient was still followed depends only
#   on what was recorded before (diagnosis, earlier doses), not on an unrecorded surge or explant.
# * **One straight line per patient on the log scale is assumed**: on chart data, look at the patients'
#   trajectories first (notebook 4, with `show_individuals`).

# %% tags=[]
mm, fit = appraisal.mixed_model(yearly, reference_year, alpha, time_points)
presentation.show(
    mm[["diagnosis"]].assign(
        **{
            "yearly change, geometric %": [
                results_in_words.with_ci(r["yearly change %"], r["CI low"], r["CI high"], 1) for _, r in mm.iterrows()
            ],
            **{
                f"geometric mean % at {k} y (model)": [
                    results_in_words.with_ci(
                        r[f"% at {k} y (model)"], r[f"% at {k} y CI low"], r[f"% at {k} y CI high"]
                    )
                    for _, r in mm.iterrows()
                ]
                for k in time_points
            },
            "MS vs SCI slope p": mm["MS vs SCI slope p"],
        }
    ),
    "07_mixed_model",
    params=S.params,
    formats={"MS vs SCI slope p": results_in_words.p_format},
)

# %% tags=[]
Markdown(results_in_words.mixed_model_note(fit, alpha, S.chart_data))

# %% [markdown] tags=[]
# ## 4. Every path at once: a multiverse, and multiple testing
#
# Every combination of the reference year, the analysis and the time point, on the same patients. The rank
# test gets an estimate that goes with it: Mann-Whitney U tests whether a random MS patient's % tends to exceed
# a random SCI patient's, P(MS > SCI) as notebook 4 gives it, not whether the medians differ. Its row shows the
# Hodges-Lehmann shift (the median of all MS-SCI differences) with its CI ([Hodges & Lehmann
# 1963](#ref-hodges1963)): a shift, which assumes the two groups differ only by it, in equal shapes, which
# groups with unequal spreads do not have. The difference of the medians is shown with a bootstrap CI ([Efron
# 1979](#ref-efron1979)) and no test.

# %% tags=[]
ref_years = sorted({reference_year, 1, 2, 3})
mv = S.masked(appraisal.multiverse(S.patients, S.doses, ref_years, time_points, alpha, seed), "n_ms", "n_sci")
presentation.save(mv, "07_multiverse", S.out)
presentation.show(
    mv[["reference_year", "year", "summary", "test"]].assign(
        **{
            "MS %": mv["ms_pct"],
            "SCI %": mv["sci_pct"],
            "effect (CI)": [
                results_in_words.with_ci(
                    r["effect"], r["ci_low"], r["ci_high"], 2 if r["effect_is"] == "MS / SCI" else 0
                )
                for _, r in mv.iterrows()
            ],
            "effect is": mv["effect_is"],
            "p": mv["p"],
            "taken as the paper's": mv["the_papers_choice"].map({True: "yes", False: ""}),
        }
    ),
    "07_multiverse",
    params=S.params,
    formats={"MS %": "{:.0f}", "SCI %": "{:.0f}", "p": results_in_words.p_format},
)

# %% tags=[]
consistent = consistency.draw_cohorts(consistency_draws, seed)
ranges = consistency.ranges(consistent)
Markdown(results_in_words.multiverse_in_words(mv, alpha, S.chart_data, ranges))

# %% tags=[]
res = reproduction.headline_numbers(S.patients, S.doses, reference_year, time_points)
p_at = {k: res[f"p_{k}y"] for k in time_points}
holm = appraisal.multiple_testing({k: p_at[k] for k in time_points}).set_index("comparison")["p Holm"].to_dict()
first, last = time_points[0], time_points[-1]
n_last = int((pct["year"] == last).sum())
Markdown(results_in_words.multiple_testing(p_at, holm, S.shown_count(n_last), first, last, mv, alpha))

# %% [markdown] tags=[]
# **Which of these should have been pre-specified?** Before any chart is opened, a protocol names one primary
# analysis: the reference year (when titration is over, defined clinically), the summary that answers the
# clinical question (a geometric mean or a model over all years for the typical patient, the ratio of means for
# a service's drug supply), one test, and one time point or a model of all years; every other path is then a
# sensitivity analysis.
#
# ## 5. What the published numbers fix, and what they leave open
#
# Many cohorts besides the study's default synthetic one reproduce the paper's numbers: the abstract reports no
# SDs, no SCI count at 10 years and nothing on the shape of the distributions. Below, cohorts of the paper's size
# are drawn over seeds and over these assumptions (none in the abstract), each solved onto the published means
# and Student p-values exactly as the default synthetic cohort is; those in which every patient's dose stays
# plausible (35-450% of the 1-year dose, at most 2000 µg/24 h) are kept, following SPRITE ([Heathers et al.
# 2018](#ref-heathers2018)). A quantity with no range over them is **fixed by the paper**; any other **rests on
# an assumption**, and its value on any one such cohort says nothing about the real patients.

# %% tags=[]
presentation.save(ranges, "07_consistent_cohorts", S.out)
presentation.show(
    consistency.assumptions(), "07_consistency_assumptions", params=S.params, formats={"from": "{:g}", "to": "{:g}"}
)

# %% tags=[]
presentation.show(
    consistency.display(ranges),
    "07_consistent_cohorts",
    formats=dict.fromkeys(("min", "median", "max"), consistency.number_format),
)

# %% tags=[]
Markdown(consistency.in_words(ranges, int(consistent["consistent"].sum()), len(consistent)))

# %% [markdown] tags=[]
# The assumed spread ratio alone moves the other tests' p-values in opposite directions, with the published
# Student p the same in every row:

# %% tags=[]
by_ratio = consistency.by_sd_ratio(consistent)
presentation.show(
    by_ratio, "07_p_by_sd_ratio", formats={c: consistency.number_format for c in by_ratio.columns if " p at " in c}
)

# %% [markdown] tags=[]
# (The mixed-model row is approximated from each patient's line through their 7- and 10-year values rather than
# refitted for every cohort; on the generator's cohorts the two agree closely.)
#
# ## 6. Power for a next study, and the winner's curse
#
# Power belongs to a design, before its data: the chance that a study of a given size detects a true difference
# of a given size. It needs the differences worth detecting, the spread of the % values in each group, and the
# test, each a choice or an assumption, stated here. Power computed at the difference a study *observed*
# ("observed power") is not computed here: it is the study's p-value re-expressed and adds nothing to it (the dashed
# line of the winner's-curse figure marks the published difference for orientation only).

# %% tags=[]
first_pct = pct.loc[pct["year"] == first]
g = first_pct.groupby("diagnosis", observed=True)["pct"]
sd, n_at = g.std(), g.count()
cohort_n, paper_n = int(n_at.sum()), int(published.value("n_analysed"))
ms_share = n_at["MS"] / cohort_n
grid = power.power_grid(
    sizes=sorted({10, 20, 30, 60, 80, 120, 160, 240, 320, paper_n, cohort_n}),
    differences=power_differences,
    ms_sd=sd["MS"],
    sci_sd=sd["SCI"],
    alpha=alpha,
    reps=power_reps,
    seed=seed,
    ms_share=ms_share,
)
presentation.save(S.masked(grid, "n_ms", "n_sci"), "07_power", S.out)
dof = cohort_n - 2
pooled = float(np.sqrt(stats.pooled_variance(sd["MS"] ** 2, sd["SCI"] ** 2, n_at["MS"], n_at["SCI"])))
pooled_lo, pooled_hi = stats.sd_ci(pooled, dof, alpha)
d0 = power_differences[0]


def n_needed(difference, ms_sd, sci_sd):
    return power.n_for_power(difference, ms_sd, sci_sd, 0.8, alpha, ms_share)


if S.chart_data:
    kind, extra = "chart", {}
elif S.kind is run_kind.RunKind.PAPER and first in published.TIME_POINTS:
    ratio_sizes = [n_needed(d0, *power.sds_from_published(first, r)) for r in fixed_by_paper.SD_RATIOS]
    kind, extra = (
        "published",
        {
            "n": cohort_n,
            "sd_ratio": S.spec.sd_ratio_ms_to_sci,
            "difference": d0,
            "n_ratio_low": min(ratio_sizes),
            "n_ratio_high": max(ratio_sizes),
            "r_low": fixed_by_paper.SD_RATIOS[0],
            "r_high": fixed_by_paper.SD_RATIOS[1],
        },
    )
else:
    kind, extra = "model", {"ratio": sd["MS"] / sd["SCI"], "sd_ratio": S.spec.sd_ratio_ms_to_sci}
sds = {"ms_sd": sd["MS"], "sci_sd": sd["SCI"], "pooled": pooled, "pooled_lo": pooled_lo, "pooled_hi": pooled_hi}
Markdown(results_in_words.power_setup(power_differences, first, alpha, sds, kind, **extra))

# %% tags=[]
fig = figures.power_curves(grid, cohort_n, alpha, paper_n=paper_n)
figures.save(fig, "07_power_curves", S.out, S.params)

# %% tags=[]
needed = {d: n_needed(d, sd["MS"], sd["SCI"]) for d in power_differences}
needed_range = tuple(n_needed(d0, sd["MS"] * k / pooled, sd["SCI"] * k / pooled) for k in (pooled_lo, pooled_hi))
Markdown(
    results_in_words.power_results(
        grid,
        cohort_n,
        S.shown_count(n_at["MS"]),
        S.shown_count(n_at["SCI"]),
        alpha,
        power_reps,
        needed,
        paper_n,
        power.largest_gap_in_se(grid, power_reps),
        d0,
        needed_range,
        first,
    )
)

# %% [markdown] tags=[]
# **The winner's curse.** When power is low, a study reaches p < 0.05 only if chance made its estimate large,
# so among many studies of the paper's size the "significant" ones report on average a difference larger than
# the true one ([Button et al. 2013](#ref-button2013)), by Gelman & Carlin's *exaggeration ratio*
# ([Gelman & Carlin 2014](#ref-gelman2014)). How much depends on the true difference, so it is shown across the
# chosen differences (table) and over a range of them (figure), with the same SDs and test as above.

# %% tags=[]
n_ms_paper, n_sci_paper = int(published.value("n_ms")), int(published.value("n_sci"))
wc = power.winners_curse_table(n_ms_paper, n_sci_paper, power_differences, sd["MS"], sd["SCI"], alpha, power_reps, seed)
presentation.show(
    wc[["difference"]].assign(
        **{
            "power": [
                results_in_words.with_se(p, se, 1, percent=True) for p, se in wc[["power_mc", "power_mc_se"]].to_numpy()
            ],
            f"mean estimate when p < {alpha:g}": [
                results_in_words.with_se(m, se)
                for m, se in wc[["mean_estimate_significant", "mean_estimate_significant_se"]].to_numpy()
            ],
            "exaggeration ratio": [
                results_in_words.with_se(r, se, 2)
                for r, se in wc[["exaggeration_ratio", "exaggeration_ratio_se"]].to_numpy()
            ],
            "share of the significant studies with the wrong sign": [
                results_in_words.share_with_se(*row)
                for row in wc[
                    ["wrong_sign_share", "wrong_sign_share_se", "significant_studies", "wrong_sign_share_upper95"]
                ].to_numpy()
            ],
        }
    ),
    "07_winners_curse",
    params=S.params,
    formats={"difference": "{:.0f}"},
)

# %% tags=[]
published_gap = fixed_by_paper.published_difference(7)
curve = power.winners_curse_table(
    n_ms_paper, n_sci_paper, list(range(10, 65, 5)), sd["MS"], sd["SCI"], alpha, power_reps, seed
)
presentation.save(curve, "07_exaggeration", S.out)
fig = figures.exaggeration(curve, published_gap, alpha, n_ms_paper, n_sci_paper)
figures.save(fig, "07_exaggeration", S.out, S.params)

# %% tags=[]
Markdown(results_in_words.winners_curse_in_words(curve, n_ms_paper, n_sci_paper, alpha, published_gap))

# %% [markdown] tags=[]
# Back to the session: [6. Journal club](06_journal_club.ipynb).
#
# ## References

# %% tags=[]
references.section(
    "laird1982", "hodges1963", "efron1979", "holm1979", "heathers2018", "button2013", "gelman2014", "seabold2010"
)
