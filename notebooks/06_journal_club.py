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
# # 6. Journal club: appraising the study
#
# A critical appraisal of the paper as a cohort study, with the questions of the CASP cohort checklist
# ([CASP 2018](#ref-casp2018)) and the JAMA Users' Guides ([Levine et al. 1994](#ref-levine1994)): are the
# results valid, what are they, do they apply to my patients? Longer analyses: the appendix
# ([7](07_appendix.ipynb)).
#
# **Teacher's plan (80 minutes):** 1. question and claim, 10 min · 2. validity, 25 min · 3. results, 20 min ·
# 4. my patients, 5 min · exercise 2 and two discussion questions (A and B; C and D if time allows), 15 min ·
# the bottom line, 5 min. Exercise 1 needs Python: a teacher's demonstration, or homework.

# %% tags=["parameters"]
data_dir = None  # folder with your own patients.csv and doses.csv; None: the synthetic cohort
synthetic_mode = "calibrated"  # synthetic cohort: "calibrated" to the paper, or "simulation" (random draw)
seed = 2019  # seed of the synthetic cohort's generator (and of the scenario cohorts)
synthetic = {}  # assumptions of the synthetic cohort to change, e.g. {"sci_n_10y": 12} (data dictionary)
output_dir = None  # None: outputs/ for the default parameters (see helpers/study/study.py)
reference_year = 1  # the "initial" dose is the dose at this year after implant
min_followup_years = 7  # patients followed for fewer years are not analysed (the paper's inclusion rule)
accept_low_reference_dose = (
    False  # chart data: analyse a reference-year dose under 5 µg/24 h (written in mg/24 h?) instead of refusing it
)
time_points = [7, 10]  # years at which the dose is compared with the reference
alpha = 0.05  # significance level; confidence intervals are 1 - alpha
scenario_n = 1000  # simulated patients per group in each scenario cohort (the biases switched on)
replications = 100  # cohorts the simulation model draws, one per seed, behind exercise 1's answer
consistency_draws = 2000  # cohorts drawn and calibrated to the paper: what its numbers fix and leave open
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from IPython.display import Markdown, display

from helpers import study
from helpers.core import cohort, figures, presentation, stats
from helpers.journal_club import appraisal, consistency, fixed_by_paper, replication, scenario_effects, session
from helpers.publishing import references

S = study.start(globals())
print(S.describe())
display(S.say("club_box"))
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points)

# %% [markdown] tags=[]
# ## 1. The question and the claim
#
# Is the intrathecal baclofen (ITB) dose after 7 and 10 years higher than after 1 year, and more so in multiple
# sclerosis (MS), a progressive disease, than in traumatic spinal cord injury (SCI)?

# %% tags=[]
display(Markdown(session.claim()))
headline_means = fixed_by_paper.published_means()
diffs = fixed_by_paper.headline_differences(alpha, S.spec.sci_n_10y)
fig = figures.headline(headline_means, diffs, stats.ci_level(alpha))
figures.save(fig, "06_headline", S.out, S.params)

# %% tags=[]
Markdown(session.fixed_ci(alpha, S.spec.sci_n_10y))

# %% [markdown] tags=[]
# ## 2. Are the results valid?
#
# ### 2.1 Who was compared
#
# Only patients **treated at least 7 years** were reviewed; those with a **catheter or pump failure** (the dose
# becomes meaningless) or an **aggravating factor** (raising need for a while, unrelated to the disease course)
# were excluded. Patients who stopped early are invisible. The paper reads a large SCI rise as one that
# "suggests possible pump failure": if failures were found by looking at large rises, the exclusions removed
# the largest SCI rises.

# %% tags=[]
scenario_cohorts = scenario_effects.draw_cohorts(scenario_n, seed, scenario_effects.SESSION)
scenarios = scenario_effects.effects(scenario_cohorts, alpha)
presentation.save(scenarios, "06_scenarios", S.out)


display(Markdown(scenario_effects.intro(scenario_n)))
display(*scenario_effects.shown(scenarios, "outcome_exclusion", S.params))
display(*scenario_effects.shown(scenarios, "survivorship", S.params))

# %% [markdown] tags=[]
# ### 2.2 Does the outcome answer the question?
#
# **Dose is not need.** The outcome is the dose set, not spasticity, function or side effects, and the dose
# needed for the same effect may depend on delivery (boluses, concentration, catheter tip level), oral
# antispastics, botulinum toxin and body size: none is recorded.
#
# **The reference dose.** Each dose is divided by the 1-year dose, taken as the end of titration. If titration
# goes on, the 1-year dose is noisy, or one group is titrated more slowly, the percentages mislead; the appendix
# (section 2) switches these on.
#
# ### 2.3 Confounding, and the causal claim
#
# That the MS rise "probably reflects the progressive disease course" is causal, yet nothing recorded measures
# progression, and SCI likely differs from MS in age, sex, mobility and time since onset, none reported.
# Tolerance to baclofen would also predict a rise (question B). The appendix (section 2) shows what adjusting
# for measured confounders can and cannot do.
#
# ### 2.4 Was follow-up complete and long enough?
#
# All were followed 7 years; fewer have a 10-year dose: either implanted fewer than 10 years before the review,
# or stopped, died or moved. The paper does not say which. The appendix switches informative dropout on.
#
# ## 3. What are the results?
#
# ### 3.1 How precise, and what rests on an assumption

# %% tags=[]
presentation.show(
    session.fixed_table(alpha, S.spec.sci_n_10y, S.spec.sd_ratio_ms_to_sci),
    "06_what_the_paper_fixes",
    params=S.params,
)

# %% tags=[]
Markdown(session.within_group(fixed_by_paper.lower_limit_bounds(7, alpha), alpha))

# %% [markdown] tags=[]
# ### 3.2 Which average?
#
# The **geometric mean** or **median** describes the typical patient; the paper's **mean of ratios**, the
# multiple of their start dose a patient can expect if the ratio does not depend on it; the **ratio of means**,
# a service's drug supply. The last two differ by the covariance of ratio and start dose over the mean start
# dose (r in the table).

# %% tags=[]
rm = S.masked(appraisal.ratio_measures(pct, time_points), "n")
presentation.show(
    rm,
    "06_ratio_measures",
    formats={**{c: "{:.0f}" for c in rm.columns if c.endswith("%")}, "r, start dose and ratio": "{:+.2f}"},
)

# %% tags=[]
Markdown(session.ratios_in_words(appraisal.ratio_measures(pct, time_points), S.chart_data))

# %% [markdown] tags=[]
# ### 3.3 How much do patients differ?

# %% tags=[]
het = appraisal.heterogeneity(pct, time_points)
consistent = None if S.chart_data else consistency.ranges(consistency.draw_cohorts(consistency_draws, seed))
presentation.show(session.heterogeneity_table(het, S.masked), "06_heterogeneity")

# %% tags=[]
Markdown(session.heterogeneity_in_words(het, consistent, time_points[0], S.shown_count))

# %% [markdown] tags=[]
# ## 4. Do the results apply to my patients?
#
# One clinic's patients, treated at least 7 years without pump failure, with no ages, sexes or MS disability
# scores (such as the EDSS) reported to compare with yours; for SCI, the level and AIS grade are.

# %% tags=[]
Markdown(session.apply_in_words())

# %% [markdown] tags=["answers-fold"]
# ## 5. Exercises
#
# In pairs; each answer opens with a click.
#
# **1.** Rerun this notebook with `synthetic_mode = "simulation"` and any `seed`. Do the means still differ? Is
# p still below 0.05?

# %% tags=[]
reruns = replication.rerun(replications, synthetic, reference_year, time_points[0], alpha)
Markdown(session.replications(replication.summary(reruns, alpha), time_points[0], alpha))

# %% tags=[]
start_dose = 200  # µg/24 h at the reference year, the patient of exercise 2
plan = appraisal.planning_figures(pct, "MS", time_points[-1], alpha)
Markdown(
    session.dose_planning(
        plan, start_dose, "MS", time_points[-1], reference_year, alpha, S.shown_count(plan["n"]), S.chart_data
    )
)

# %% [markdown] tags=[]
# ## Discussion questions
#
# **A.** If pump failures show up as dose rises, would including them move the SCI mean up or down, and would
# the result describe need?
#
# <details><summary>For the teacher</summary>
# Up. But a failing pump's dose measures delivery, not need, and doses raised before a failure was found may
# already be inflated: keeping each patient's doses only until the failure (censoring) would keep their valid
# years without counting the failure as need (no failure dates: not shown here).
# </details>
#
# **B.** Is a rising MS dose evidence of *tolerance*, of *progression*, or neither? What data would tell?
#
# <details><summary>For the teacher</summary>
# Both predict a rise. Progression predicts one that follows disability scores and is steeper where the disease
# progresses faster; tolerance, a falling effect per microgram that a drug holiday restores. None is recorded.
# </details>
#
# **C.** SCI patients "needed only a modest increase". Were their doses stable?
#
# <details><summary>For the teacher</summary>
# Not shown: no spread or within-group test is reported, and depending on the unpublished SD the SCI mean's CI
# may include 100% (section 3.1): no change is not ruled out.
# </details>
#
# **D.** How would you design a prospective study of this question?
#
# <details><summary>For the teacher</summary>
# Everyone from implant; dose, spasticity, function and progression at each visit; censoring at explant,
# failure or death; a pre-specified model of all visits; a size planned as in the appendix, section 6.
# </details>
#
# ## 6. The bottom line

# %% tags=[]
Markdown(session.bottom_line(alpha))

# %% [markdown] tags=[]
# Next: [7. Appendix: the longer analyses](07_appendix.ipynb).
#
# ## References

# %% tags=[]
references.section("skoog2019", "casp2018", "levine1994")
