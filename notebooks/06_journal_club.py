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
# # 6. Journal club: appraising the study with its data
#
# A guided appraisal for a teaching session (about 60 minutes). The paper's design is simple and clinically
# sensible; each choice in it also shapes the answer. Below, each choice is **shown with the data** rather
# than only stated: what the paper did, one alternative, and how much the result moves.
#
# On the default synthetic cohort the "what the paper did" numbers equal the published ones; the
# alternatives show how the synthetic data respond to other reasonable choices. Apart from the published
# numbers, their values are set by our assumptions (section 7). Because the synthetic data are a model, differences here illustrate *how* a choice can matter, not the size it had in the real cohort.
# Where the calibrated cohort cannot show a bias (its excluded patients, for example, were drawn like
# everyone else), the bias is **switched on** in a larger simulated cohort, beside the same cohort without it.
#
# **Plan:** 1 selection and confounding · 2 missing 10-year data · 3 the reference dose · 4 mean of ratios,
# and the doses in µg/24 h · 5 several time points, a longitudinal model, and every path at once (a
# multiverse) · 6 power for a next study, and the winner's curse · 7 what the published numbers fix and leave
# open · exercises and discussion.

# %% tags=["parameters"]
data_dir = None  # folder with your own patients.csv and doses.csv; None: the synthetic cohort
synthetic_mode = "calibrated"  # synthetic cohort: "calibrated" to the paper, or "simulation" (random draw)
seed = 2019  # seed of the synthetic cohort's generator
synthetic = {}  # assumptions of the synthetic cohort to change, e.g. {"sci_n_10y": 12} (data dictionary)
output_dir = None  # None: outputs/ for the default parameters (see helpers/study.py)
reference_year = 1  # the "initial" dose is the dose at this year after implant
time_points = [7, 10]  # years at which the dose is compared with the reference
alpha = 0.05  # significance level; confidence intervals are 1 - alpha
power_reps = 2000  # Monte Carlo replicates per cell of the power grid
scenario_n = 1000  # simulated patients per group in each scenario cohort (the biases switched on)
consistency_draws = 2000  # cohorts drawn and calibrated to the paper: what its numbers fix and leave open
power_differences = [20, 30, 45]  # true MS-SCI differences (points of %) the power analysis plans for
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from IPython.display import Markdown, display

from helpers import (
    appraisal,
    captions,
    cohort,
    consistency,
    figures,
    power,
    presentation,
    published,
    references,
    scenario_effects,
    study,
    wording,
)

S = study.start(globals())
print(S.describe())
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points)
yearly = cohort.percent_of_reference(S.patients, S.doses, reference_year, all_years=True)
pct_fmt = dict.fromkeys(
    ("mean", "mean_analysed", "mean_all_screened", "difference", "MS mean %", "SCI mean %"), "{:.0f}"
)

# %% [markdown] tags=[]
# ## 1. Selection: who is in the analysis
#
# Only patients **treated at least 7 years** were reviewed, and patients with a **pump or catheter failure**
# or a **factor aggravating spasticity** were excluded. Both choices are defensible (a failing pump makes
# the dose meaningless), but the result then describes patients who stayed on ITB and whose course was
# uncomplicated. Patients who stopped ITB early (for lack of effect, side effects or death) are invisible.
#
# What if the excluded patients had been kept? In this synthetic cohort the excluded patients' doses are
# invented, drawn like everyone else's, so keeping them moves the means by chance only; the paper gives no
# data on them. The table shows how to make the comparison on chart data.

# %% tags=[]
sel = S.masked(
    appraisal.selection_effect(S.patients, S.doses, reference_year, time_points), "n_analysed", "n_all_screened"
)
presentation.show(sel, "06_selection_effect", formats=pct_fmt)

# %% [markdown] tags=[]
# ### Switched on in the synthetic model
#
# In the calibrated cohort the excluded patients were drawn like everyone else, so keeping them moves the
# means only by chance: this cohort cannot show a selection bias. Real exclusions need not be like that.
# The synthetic model has five labelled mechanisms (*scenarios*, off by default, each a parameter in the
# data dictionary) that bias the paper's analysis. Below and in sections 2 and 3, each is switched on in a
# simulated cohort (parameter `scenario_n` patients per group), beside the *default cohort*: the same seed
# and the same patients, without the mechanism. Each scenario shows what a bias **can** do; its size is our setting,
# not evidence of its size in the real cohort. Intervals are 95% (or 1 - alpha) confidence intervals.

# %% tags=[]
scenario_cohorts = scenario_effects.draw_cohorts(scenario_n, seed)
scenarios = scenario_effects.effects(scenario_cohorts, alpha)
presentation.save(scenarios, "06_scenarios", S.out)
scenario_words = scenario_effects.conclusions(scenarios)


def show_scenario(name):
    """The scenario's estimates beside the default cohort's, and what it does to the paper's conclusion."""
    rows = scenario_effects.display(scenarios.loc[scenarios["scenario"] == name]).drop(columns="scenario")
    display(
        presentation.show(rows, scenario_effects.TABLE_NAMES[name], params=S.params), Markdown(scenario_words[name])
    )


presentation.show(scenario_effects.settings(), "06_scenario_settings", params=S.params)

# %% tags=[]
Markdown(
    f"The intervals in the scenario tables come from {scenario_n} simulated patients per group (`scenario_n`). "
    "They show how precisely the simulation pins down the mechanism at our setting, not how precise a study of "
    f"{published.value('n_analysed'):.0f} patients would be, and not how large the bias was in the real cohort."
)

# %% [markdown] tags=[]
# **Exclusion depends on the outcome.** The paper excluded patients with a catheter or pump failure, and it
# concludes that a large dose increase in SCI "suggests possible pump failure, triggering factors or
# progressive spinal disease". If a large rise is what prompts the search that finds a failure, the excluded
# patients are those whose dose rose most.

# %% tags=[]
show_scenario("Exclusion depends on the outcome")

# %% [markdown] tags=[]
# **Survivorship.** The chart review saw only patients still on ITB after 7 years. In this scenario the clinic
# also implanted patients who stopped earlier (death, explant, lack of effect), more often those whose dose
# rose faster. The model knows their dose course; a chart review never sees it.

# %% tags=[]
show_scenario("Survivorship (the whole clinic)")

# %% [markdown] tags=[]
# ### Who is compared: confounding
#
# The paper reports no ages or disease durations. In the synthetic cohort we **assumed** the MS patients older
# and longer since onset than the SCI patients (Table 1, notebook 1), as is clinically plausible. If so, and
# if age or time since onset go with a steeper dose rise, part of the MS-SCI difference would go with them
# rather than with the diagnosis. A regression on log(dose / 1-year dose) with age and years since onset beside the diagnosis
# compares patients of the same age and time since onset (it can only adjust for what was recorded).

# %% tags=[]
show_scenario("Confounding by age and time since onset")

# %% [markdown] tags=[]
# ## 2. Missing 10-year data
#
# Everyone was followed 7 years, but not everyone 10: the 10-year means are over fewer patients. If the
# patients who reached 10 years differ from those who did not (for example, those with a steeper rise were
# followed longer, or stopped earlier), the 10-year mean is not the 10-year mean of the same cohort.
# Were the patients followed to 10 years already different at 7 years? With few patients not followed, this
# comparison cannot tell chance from informative dropout.

# %% tags=[]
comp = S.masked(appraisal.completers(pct, time_points), "n")
presentation.show(
    comp,
    "06_completers",
    params=S.params,
    formats={c: "{:.0f}" for c in comp.columns if c.startswith("mean")},
)

# %% [markdown] tags=[]
# In the calibrated cohort (and in the default simulated one) who reaches 10 years is a random draw: the
# 10-year data are *missing completely at random*: here we know that the two groups above differ only by
# chance because the synthetic follow-up was drawn at random. No table can confirm missing-at-random in real
# charts.
# **Switched on: informative dropout.** Patients whose dose rises faster are less often followed to 10 years
# (the same share is followed as before).

# %% tags=[]
show_scenario("Informative dropout before 10 years")

# %% [markdown] tags=[]
# ## 3. The reference dose
#
# Each patient's dose is compared with their dose **after one year**, when titration is taken to be over.
# If titration goes on into the second year, the 1-year dose is too low and every later percentage too
# high, more so in a group titrated more slowly. The same data with other reference years:

# %% tags=[]
ref_years = sorted({reference_year, 1, 2, 3})
sens = appraisal.reference_year_sensitivity(S.patients, S.doses, ref_years, time_points)
presentation.show(sens, "06_reference_year_sensitivity", formats={**pct_fmt, "Student p": wording.p_format})

# %% tags=[]
later_refs = [y for y in ref_years if y > published.REFERENCE_YEAR]
Markdown(
    ""
    if S.chart_data or S.spec.titration_after_year1_pct or not later_refs
    else f"In the synthetic cohort there is no titration after year {published.REFERENCE_YEAR}, by construction: "
    f"the doses at years {wording.and_list(later_refs)} come from the assumed steady yearly rise. Lower "
    "percentages with a later reference year therefore only reflect fewer years of change; these rows are set "
    "by the model, not by the paper."
)

# %% [markdown] tags=[]
# **Switched on: titration after year 1 and a noisy 1-year dose.** In the calibrated cohort the 1-year dose is
# exactly on each patient's course. In this scenario the dose still rises after the first year, and the 1-year
# dose scatters around the dose the patient settles on. Dividing by a dose that is too low, or low by chance,
# gives a high %; and because the average of 1 / dose is above 1 / (average dose), a noisy denominator pushes
# a mean of ratios up even when it is right on average. Three analyses of the same cohorts: the paper's mean
# of ratios, the log-ratio comparison (ratio of geometric means) and an ANCOVA on log dose (log dose at 7
# years ~ log 1-year dose + diagnosis, statsmodels OLS), which compares the groups at the same 1-year dose.

# %% tags=[]
show_scenario("Titration after year 1, noisy reference")

# %% [markdown] tags=[]
# ## 4. Mean of ratios, ratio of means, geometric mean
#
# The paper averages each patient's percentage (a *mean of ratios*). Percentages are skewed: a patient
# going from 30 to 90 µg/24 h (300%) weighs as much as one going from 500 to 1500, and a few large ratios
# pull the mean up. Alternatives: the *ratio of the mean doses* (weights patients by dose), the *geometric
# mean* (the average on the log scale, where a doubling and a halving cancel out) and the median.

# %% tags=[]
rm = S.masked(appraisal.ratio_measures(pct, time_points), "n")
presentation.show(
    rm,
    "06_ratio_measures",
    formats={c: "{:.0f}" for c in rm.columns if c.endswith("%")},
)

# %% [markdown] tags=[]
# A **log-ratio analysis** compares the geometric means with a t-test on log(dose / reference dose). It
# suits ratios better (symmetric, less driven by a few patients), and its p-value can be set beside the
# published test's. The paper reports a "t-test" without saying which; we assume Student's t (equal
# spreads), the test the synthetic cohort was calibrated to:

# %% tags=[]
lr = S.masked(appraisal.log_ratio_tests(pct, time_points, alpha), "n")
presentation.show(
    lr,
    "06_log_ratio_tests",
    params=S.params,
    formats={
        "geometric_mean_pct": "{:.0f}",
        "gm_ci_low": "{:.0f}",
        "gm_ci_high": "{:.0f}",
        "p_student": wording.p_format,
        "p_published_test": wording.p_format,
    },
)

# %% tags=[]
Markdown(
    ""
    if S.chart_data
    else "On the synthetic cohort the log-ratio p is set by our assumptions about the spread and shape of the "
    "doses (see {tab[06_consistent_cohorts]}, section 7): it shows how to run the test, not what it would give "
    "on real charts.".format(**captions.references())
)

# %% [markdown] tags=[]
# ### From % to µg/24 h: the doses themselves
#
# A percentage hides what a pharmacy dispenses and a clinician programs. Below, the same patients' doses in
# µg/24 h at the reference year and at each time point: the **mean** (what a service's total drug supply
# follows), and the **geometric mean** and **median** (the typical patient), each with its confidence
# interval. The median's CI comes from order statistics (no distributional assumption); its exact coverage,
# at least the nominal level, is in the saved table.

# %% tags=[]
doses_abs = S.masked(appraisal.absolute_doses(pct, reference_year, time_points, alpha), "n")
presentation.save(doses_abs, "06_absolute_doses", S.out)
presentation.show(
    doses_abs[["year", "diagnosis", "n"]].assign(
        **{
            "mean (CI)": [wording.with_ci(*r) for r in doses_abs[["mean", "mean_ci_low", "mean_ci_high"]].to_numpy()],
            "geometric mean (CI)": [
                wording.with_ci(*r) for r in doses_abs[["geometric_mean", "gm_ci_low", "gm_ci_high"]].to_numpy()
            ],
            "median (CI)": [
                wording.with_ci(*r) for r in doses_abs[["median", "median_ci_low", "median_ci_high"]].to_numpy()
            ],
        }
    ),
    "06_absolute_doses",
    params=S.params,
)

# %% tags=[]
Markdown(
    "Read the groups' doses side by side with care: "
    + (
        "a dose reflects body size, level of injury and the pump's concentration as well as the diagnosis."
        if S.chart_data
        else "the paper publishes the 1-year dose only as one median and range for all patients, and no dose at "
        "7 or 10 years. Every per-group dose here is the synthetic data's (how the 1-year doses split between "
        "MS and SCI is the generator's assumption): the table shows how to report doses, not what they were."
    )
)

# %% [markdown] tags=[]
# ## 5. Several time points, and a model that uses every year
#
# The paper tests at 7 *and* at 10 years, on largely the same patients. Two tests give two chances of a
# false positive; the usual corrections (Holm's, [Holm 1979](#ref-holm1979), and Bonferroni's):

# %% tags=[]
res = cohort.headline_numbers(S.patients, S.doses, reference_year, time_points)
mt = appraisal.multiple_testing({f"MS vs SCI at {k} years": res[f"p_{k}y"] for k in time_points})
presentation.show(mt, "06_multiple_testing", formats=dict.fromkeys(("p", "p Holm", "p Bonferroni"), wording.p_format))

# %% [markdown] tags=[]
# Two snapshots also throw most of the chart away. A **linear mixed model** ([Laird & Ware 1982](#ref-laird1982)) uses every yearly
# dose after the reference year: log(dose / reference dose) changes linearly with the years since the reference, at a rate
# that differs by diagnosis, with each patient allowed their own level and rate (random intercept and
# slope). Patients without a 10-year dose still inform the rate, and a single question replaces two tests:
# *does the dose rise faster in MS than in SCI?* Four things to know before reading it:
#
# * **The reference year's own rows are left out.** Every ratio is divided by the reference dose, so at
#   the reference year the log ratio is 0 for every patient by definition. Those rows are not measurements:
#   kept in, they would tell the model that all patients agree exactly at that year.
# * **Its percentages are geometric.** The model works on log ratios, so its yearly change is a geometric
#   % per year (exp of the slope, minus 1) and its % at 7 and 10 years are geometric means: compare them
#   with the geometric means of section 4, not with the paper's arithmetic means of ratios, which skew
#   makes larger.
# * **Missing data are assumed missing at random.** The model uses a patient's earlier years even when
#   the 10-year dose is missing. That is valid if whether a patient was still followed depends only on what
#   was recorded before (diagnosis, earlier doses). If follow-up ended because of the dose course itself in
#   a way earlier doses do not show (a pump failure after a surge, an explant for lack of effect), the model
#   is biased too, though differently from the means of completers only.
# * **A steady yearly % change per patient is assumed.** The synthetic data were generated that way, so here
#   the model fits by construction; on chart data, look at the trajectories of notebook 4 first.

# %% tags=[]
mm, note = appraisal.mixed_model(yearly, reference_year, alpha, time_points)
shown = mm[["diagnosis"]].assign(
    **{
        "yearly change, geometric %": [
            wording.with_ci(r["yearly change %"], r["CI low"], r["CI high"], 1) for _, r in mm.iterrows()
        ],
        **{
            f"geometric mean % at {k} y (model)": [
                wording.with_ci(r[f"% at {k} y (model)"], r[f"% at {k} y CI low"], r[f"% at {k} y CI high"])
                for _, r in mm.iterrows()
            ]
            for k in time_points
        },
        "MS vs SCI slope p": mm["MS vs SCI slope p"],
    }
)
presentation.show(
    shown,
    "06_mixed_model",
    params=S.params,
    formats={"MS vs SCI slope p": wording.p_format},
)

# %% tags=[]
Markdown(
    (
        ""
        if S.chart_data
        else "On the synthetic cohort the yearly doses between the time points are generated by the model, so a "
        "small p here shows how the model uses every year, not that it would find a clearer result in real "
        "charts; the range of the MS-SCI difference in yearly change over cohorts consistent with the paper is "
        "in {tab[06_consistent_cohorts]} (section 7).\n\n".format(**captions.references())
    )
    + note
)

# %% [markdown] tags=[]
# ### Every path at once: a multiverse
#
# Sections 3-5 changed one choice at a time. Below, every combination of the reference year, the summary
# (each with the test that matches it) and the time point is run on the same patients, side by side. The
# paper's own path is marked. Effects are a difference in points for the arithmetic summaries and a ratio
# MS/SCI for the ratio-scale ones; the Mann-Whitney test compares ranks, so no CI of the median difference
# is given.

# %% tags=[]
mv = S.masked(appraisal.multiverse(S.patients, S.doses, ref_years, time_points, alpha), "n_ms", "n_sci")
presentation.save(mv, "06_multiverse", S.out)
presentation.show(
    mv[["reference_year", "year", "summary", "test"]].assign(
        **{
            "MS %": mv["ms_pct"],
            "SCI %": mv["sci_pct"],
            "effect (CI)": [
                wording.with_ci(r["effect"], r["ci_low"], r["ci_high"], 0 if r["effect_is"].startswith("MS -") else 2)
                for _, r in mv.iterrows()
            ],
            "effect is": mv["effect_is"],
            "p": mv["p"],
            "the paper's choice": mv["the_papers_choice"].map({True: "yes", False: ""}),
        }
    ),
    "06_multiverse",
    params=S.params,
    formats={"MS %": "{:.0f}", "SCI %": "{:.0f}", "p": wording.p_format},
)

# %% tags=[]
# the cohorts consistent with the paper (section 7), drawn once here: which rows the paper fixes
consistent = consistency.draw_cohorts(consistency_draws, seed)
fixed = consistency.ranges(consistent)
Markdown(wording.multiverse_in_words(mv, alpha, S.chart_data, fixed))

# %% [markdown] tags=[]
# **Which of these should have been pre-specified?** Before any chart is opened, a protocol names one
# primary analysis: the reference year (when titration is over, defined clinically), the summary that
# answers the clinical question (a geometric mean or a model over all years for the typical patient, the
# ratio of means for a service's drug supply), one test, and one time point or a model of all years; every
# other path is then reported as a sensitivity analysis. A retrospective chart review rarely has such a
# protocol, so the reader's question is whether the reported path was chosen before or after the numbers
# were seen.

# %% [markdown] tags=[]
# ## 6. Power: how large would a study have to be?
#
# Power belongs to a design, before its data: the chance that a study of a given size detects a true
# difference of a given size. It needs three inputs, each a choice or an assumption, stated here:
#
# * **The differences worth detecting** (parameter `power_differences`): our choice, made knowing the
#   published difference, not the paper's (it states none). The differences are in points of the mean % of
#   the 1-year dose, MS minus SCI, at the first time point.
# * **The spread of the % values in each group** (SDs, below, with where they come from).
# * **The test**: Welch's t ([Welch 1947](#ref-welch1947)), because the SDs are assumed to differ; its analytic power (noncentral t with
#   the Welch-Satterthwaite degrees of freedom) is set beside the Monte Carlo estimate as a cross-check.
#
# Power computed at the difference a study *observed* ("post-hoc" or "observed" power) is not shown: it is
# the study's p-value re-expressed (a result with p = 0.05 always has about 50% "observed power") and adds
# nothing to it.

# %% tags=[]
first = pct.loc[pct["year"] == time_points[0]]
g = first.groupby("diagnosis", observed=True)["pct"]
sd, n_at = g.std(), g.count()
cohort_n = int(n_at.sum())
paper_n = int(published.value("n_analysed"))
grid = power.power_grid(
    sizes=sorted({10, 20, 30, 60, 80, 120, 160, paper_n, cohort_n}),
    differences=power_differences,
    ms_sd=sd["MS"],
    sci_sd=sd["SCI"],
    alpha=alpha,
    reps=power_reps,
    seed=seed,
    ms_share=n_at["MS"] / cohort_n,
)
presentation.save(S.masked(grid, "n_ms", "n_sci"), "06_power", S.out)
median_ref = published.value("dose_ref_median")
published_gap = published.value("ms_pct_7y") - published.value("sci_pct_7y")
largest = max(power_differences)
Markdown(
    f"**Differences** (chosen): {wording.and_list(f'{d:g}' for d in power_differences)} points. For a patient "
    f"starting at the published median 1-year dose of {median_ref:.0f} µg/24 h, a rise "
    f"{' or '.join(wording.and_list(f'{d:g}' for d in power_differences).rsplit(' and ', 1))} points larger means about "
    f"{wording.and_list(f'{d / 100 * median_ref:.0f}' for d in power_differences)} µg/24 h more at "
    f"{time_points[0]} years. The smallest is our judgement of the smallest difference that would "
    "change how a clinic plans refills and drug supply; the larger ones are differences no clinician would want "
    f"to miss. The largest, {largest:g} points, is "
    + (
        f"essentially the published {published.TIME_POINTS[0]}-year difference ({published_gap:.0f} points), so its "
        'power is close to the "observed power" warned against above and is not the study\'s power.'
        if abs(largest - published_gap) <= 5
        else f"to be set beside the published {published.TIME_POINTS[0]}-year difference ({published_gap:.0f} points): "
        "power at the observed difference is not the study's power."
    )
    + "\n\n"
    f"**SDs at {time_points[0]} years**: MS {sd['MS']:.0f}, SCI {sd['SCI']:.0f} points of %; "
    + wording.sd_source(S.chart_data, synthetic_mode, reference_year, time_points[0], S.spec.sd_ratio_ms_to_sci)
    + "."
)

# %% tags=[]
fig = figures.power_curves(grid, cohort_n, alpha, paper_n=paper_n)
figures.save(fig, "06_power_curves", S.out, S.params)

# %% tags=[]
needed = {d: power.n_for_power(d, sd["MS"], sd["SCI"], 0.8, alpha, n_at["MS"] / cohort_n) for d in power_differences}
Markdown(
    wording.power_in_words(
        grid, cohort_n, S.shown_count(n_at["MS"]), S.shown_count(n_at["SCI"]), alpha, power_reps, needed, paper_n
    )
    + f"\n\nOver the whole grid the simulated and analytic powers differ by at most "
    f"{power.largest_gap_in_se(grid, power_reps):.1f} Monte Carlo SEs. Every figure here rests on the assumed SDs: "
    "with a larger spread, every power is lower and every sample size larger.\n\n"
    f"The sample sizes count **analysed** patients with {time_points[0]}-year data, in the same MS:SCI split and "
    "with the assumed SDs. A study must enrol more, to allow for exclusions and for patients stopping before "
    f"{time_points[0]} years; a log-ratio or mixed-model primary analysis needs its own calculation."
)

# %% [markdown] tags=[]
# ### The winner's curse: significant small studies overstate the difference
#
# When power is low, a study reaches p < 0.05 only if chance made its estimate large. Among many studies of
# the paper's size, the ones that are "significant" therefore report, on average, a difference larger than
# the true one ([Button et al. 2013](#ref-button2013)), by Gelman & Carlin's *exaggeration ratio*
# ([Gelman & Carlin 2014](#ref-gelman2014)). Below, many studies of the paper's size are
# simulated for each chosen true difference, with the same assumed SDs and test as above.

# %% tags=[]
n_ms_paper, n_sci_paper = int(published.value("n_ms")), int(published.value("n_sci"))
wc = power.winners_curse_table(n_ms_paper, n_sci_paper, power_differences, sd["MS"], sd["SCI"], alpha, power_reps, seed)
presentation.save(wc, "06_winners_curse", S.out)
presentation.show(
    wc[["difference"]].assign(
        **{
            "power": [wording.with_se(p, se, 1, percent=True) for p, se in wc[["power_mc", "power_mc_se"]].to_numpy()],
            f"mean estimate when p < {alpha:g}": [
                wording.with_se(m, se)
                for m, se in wc[["mean_estimate_significant", "mean_estimate_significant_se"]].to_numpy()
            ],
            "exaggeration ratio": [
                wording.with_se(r, se, 2) for r, se in wc[["exaggeration_ratio", "exaggeration_ratio_se"]].to_numpy()
            ],
            "share of significant studies with the wrong sign": wc["wrong_sign_share"],
        }
    ),
    "06_winners_curse",
    params=S.params,
    formats={"difference": "{:.0f}", "share of significant studies with the wrong sign": "{:.3f}"},
)

# %% tags=[]
d0 = power_differences[0]
studies = power.simulate_studies(n_ms_paper, n_sci_paper, d0, sd["MS"], sd["SCI"], alpha, power_reps, seed)
fig = figures.winners_curse(studies, d0, alpha, n_ms_paper, n_sci_paper)
figures.save(fig, "06_winners_curse", S.out, S.params)

# %% tags=[]
w = wc.set_index("difference").loc[d0]
published_diff = published.value("ms_pct_7y") - published.value("sci_pct_7y")
Markdown(
    f"If the true difference were {d0:g} points, a study of the paper's size would reach p < {alpha:g} in "
    f"{100 * w['power_mc']:.0f}% of repetitions (Monte Carlo SE {100 * w['power_mc_se']:.1f} points), and those "
    f"that did would report on average **{w['mean_estimate_significant']:.0f} points** (SE "
    f"{w['mean_estimate_significant_se']:.1f}), **{w['exaggeration_ratio']:.1f} times** the truth. The paper's "
    f"published difference at {published.TIME_POINTS[0]} years, {published_diff:.0f} points, comes from a study "
    "that reached significance, and significant results are more likely to be published. Read as an estimate of the true "
    "difference, it may therefore be too large, by an amount that depends on the true difference and so cannot "
    "be read off the study itself. A replication of the same size would on average find the true difference, "
    "not the published one. (At larger true differences, power is higher and the exaggeration smaller: see the "
    "table.)"
)

# %% [markdown] tags=[]
# ## 7. What the published numbers fix, and what they leave open
#
# The synthetic cohort reproduces the paper's 20 numbers because it was solved to. Many other cohorts would
# reproduce them too: the paper reports no standard deviations, no SCI count at 10 years and nothing on the
# shape of the distributions, and each choice for them gives another cohort. Below, cohorts of the paper's
# size are drawn over seeds and over these unpublished assumptions, each solved onto the published means and
# Student p-values exactly as the study's own cohort is; those in which every patient's dose stays plausible
# (35-450% of the 1-year dose, at most 2000 µg/24 h) are kept. This follows the idea of SPRITE ([Heathers et
# al. 2018](#ref-heathers2018)): reconstruct the samples consistent with reported summaries, and see what they have in common.
# A quantity with no range over them is **fixed by the paper**; any other is **set by our assumptions**, and
# its value on the synthetic cohort (here or in notebook 4) says nothing about the real patients.

# %% tags=[]
presentation.save(fixed, "06_consistent_cohorts", S.out)
presentation.show(
    consistency.assumptions(),
    "06_consistency_assumptions",
    params=S.params,
    formats={"from": "{:g}", "to": "{:g}"},
)

# %% tags=[]
presentation.show(
    consistency.display(fixed),
    "06_consistent_cohorts",
    formats={"min": consistency.number_format, "median": consistency.number_format, "max": consistency.number_format},
)

# %% tags=[]
n_kept, n_drawn = int(consistent["consistent"].sum()), len(consistent)
Markdown(
    f"Of the {n_drawn} cohorts drawn, **{n_kept}** passed the plausibility limits and are summarised above. The "
    "limits are our choice, and 'no range' means no range within this model family and these assumption "
    "ranges, not over every cohort the paper could describe.\n\n" + consistency.in_words(fixed)
)

# %% [markdown] tags=[]
# The assumed spread ratio alone moves the other tests' p-values in opposite directions, with the published
# Student p the same in every row:

# %% tags=[]
by_ratio = consistency.by_sd_ratio(consistent)
presentation.show(
    by_ratio,
    "06_p_by_sd_ratio",
    formats={c: consistency.number_format for c in by_ratio.columns if " p at " in c},
)

# %% [markdown] tags=[]
# **Reading it.** The means, Student's p and the 1-year dose median and range are the same in every cohort:
# they were published. So is Hedges' g at 7 years: it follows from the published p and group sizes and adds
# nothing (at 10 years it moves with the assumed SCI count). Everything else moves: the Welch, Mann-Whitney and
# log-ratio p-values, medians, geometric means, the ratio of mean doses and the mixed model's difference in
# yearly change. On this synthetic cohort these show *how* each method works, not whether the paper's finding
# holds up; on a clinic's chart data they would be real information. (The mixed-model row is approximated from
# each patient's line through their 7- and 10-year values rather than refitted for every cohort; on the
# generator's cohorts the two agree closely. This fast path draws only the 7- and 10-year values, without
# rounding doses or building dose charts.)

# %% [markdown] tags=[]
# ## Exercises
#
# Try them in pairs; each answer opens with a click.
#
# **1.** Rerun this notebook on a *simulated* cohort (`synthetic_mode = "simulation"`, any `seed`). Do the
# MS and SCI means still differ? Is p still below 0.05?
#
# <details><summary>Answer</summary>
# The simulated cohort draws from the same model without forcing the published values. The model's yearly
# change is fitted so that a very large simulated cohort gives close to the published means (the data
# dictionary shows how); a cohort of the paper's size scatters around them from seed to seed, by ten points
# or more. The MS-SCI difference stays in the same direction in almost every seed, but p moves a lot: most
# seeds give p < 0.05 at 7 years, fewer at 10 years (fewer patients), and some give p > 0.05. A replication
# of this study can "fail" by chance alone. How often it does depends on the spread between patients, which
# the model assumes (`slope_sd`) and the paper does not report.
# </details>
#
# **2.** In section 4, why is the mean of ratios higher than the geometric mean in both groups?
#
# <details><summary>Answer</summary>
# The arithmetic mean of positive numbers is never below their geometric mean (the two are equal only if all
# values are equal), and the gap grows with the spread of the values. Ratios are also skewed to the right:
# rises can be large (300%) but falls are bounded (a dose cannot drop below 0%), and right skew widens the
# gap further. So the gap is larger in the group with more spread.
# </details>
#
# **3.** Which single choice in sections 1-5 would you change if you re-did the study, and why?
#
# <details><summary>Answer</summary>
# There is no one right answer. A strong case can be made for the mixed model (section 5): it uses all the
# data, handles patients with shorter follow-up, and answers the clinical question (how fast does the dose
# rise?) with one test. Reporting geometric means (section 4) is a smaller change with a similar spirit.
# </details>

# %% tags=[]
start_dose = 200  # µg/24 h at the reference year, the patient of exercise 4
last = time_points[-1]
plan = appraisal.planning_figures(pct, "MS", last, alpha)
Markdown(
    f"**4.** A patient with MS has needed {start_dose} µg/24 h after {reference_year} "
    f"year{'s' if reference_year > 1 else ''}. What dose would you "
    f"plan for at {last} years, and how sure are you? And what would you tell the pharmacy that supplies the "
    "clinic?\n\n"
    + wording.dose_plan_answer(plan, start_dose, "MS", last, alpha, S.shown_count(plan["n"]), chart_data=S.chart_data)
)

# %% [markdown] tags=[]
# ## Discussion questions
#
# * If pump failures show up as dose rises, would including them move the SCI mean up or down, and would the
#   result then still describe the dose patients need?
# * Is a rising dose in MS evidence of *tolerance* to baclofen, of *disease progression*, or neither? What
#   data would tell them apart?
# * Does "the SCI dose is stable" mean SCI patients need fewer visits? What else drives visit frequency?
# * How would you design a prospective study of the same question?
#
# ## References

# %% tags=[]
references.section(
    "skoog2019", "welch1947", "holm1979", "laird1982", "button2013", "gelman2014", "heathers2018", "seabold2010"
)
