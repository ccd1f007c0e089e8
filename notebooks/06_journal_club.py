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
# A critical appraisal with the questions of the CASP cohort checklist
# ([CASP 2018](#ref-casp2018)) and the JAMA Users' Guides ([Levine et al. 1994](#ref-levine1994)): are the
# results valid, what are they, do they apply to my patients?

# %% [markdown] tags=["teacher"]
# Longer analyses: the appendix ([notebook 7](07_appendix.ipynb)).

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
replications = 100  # cohorts the simulation model draws, one per seed, behind question E's answer
consistency_draws = 2000  # cohorts drawn and calibrated to the paper: what its numbers fix and leave open
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from IPython.display import Markdown, display

from helpers import study
from helpers.core import cohort, figures, presentation, stats
from helpers.journal_club import appraisal, consistency, fixed_by_paper, replication, scenario_effects, session
from helpers.publishing import references

S = study.start(globals())  # the box says what data this run is on (notebook 5's colophon: every setting)
display(S.say("club_box"))
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points)

# %% [markdown] tags=[]
# ## 1. The question and the claim
#
# Is the intrathecal baclofen (ITB) dose after 7 and 10 years higher than after 1 year, and more so in multiple
# sclerosis (MS), a progressive disease, than in traumatic spinal cord injury (SCI)?

# %% tags=["slide"]
display(Markdown(session.claim()))

# %% tags=["slide"]
headline_means = fixed_by_paper.published_means()
diffs = fixed_by_paper.headline_differences(alpha, S.spec.sci_n_10y)
fig = figures.headline(headline_means, diffs, stats.ci_level(alpha))
figures.save(fig, "06_headline", S.out, S.params)

# %% tags=["slide"]
Markdown(session.fixed_ci(alpha, S.spec.sci_n_10y))

# %% [markdown] tags=["slide"]
# ## 2. Are the results valid?
#
# ### 2.1 Who was compared
#
# Only patients **treated at least 7 years** were reviewed; those with a **catheter or pump failure** or an
# **aggravating factor** were excluded; those
# who stopped early are invisible. By the conclusion, a large SCI rise prompts a search for pump failure, a
# trigger or spinal disease: if failures and triggers were found that way, the exclusions removed the largest
# rises, some perhaps from progression (triggers grow with disability). The abstract does not give the excluded
# patients' diagnoses: the bias's direction is unknown.

# %% tags=["teacher"]
scenario_cohorts = scenario_effects.draw_cohorts(scenario_n, seed, scenario_effects.SESSION)
scenarios = scenario_effects.effects(scenario_cohorts, alpha)
presentation.save(scenarios, "06_scenarios", S.out)


display(Markdown(scenario_effects.intro(scenario_n)))
display(*scenario_effects.shown(scenarios, "outcome_exclusion", S.params))
display(*scenario_effects.shown(scenarios, "survivorship", S.params))

# %% [markdown] tags=["slide"]
# **A.** If pump failures show up as dose rises, would including them move the SCI mean up or down, and would
# the result describe need?
#
# <details><summary>For the teacher</summary>
# Up. But a failing pump's dose measures delivery, not need: keeping each patient's doses only until the
# failure (censoring) would keep their valid years.
# </details>

# %% [markdown] tags=["slide"]
# ### 2.2 Does the outcome answer the question?
#
# **Dose is not need.** The outcome is the dose set, not spasticity or function. The dose was set "to reduce leg
# spasticity and also avoid leg/trunk weakness": once a patient stops walking (in MS, often through
# progression), that limit partly lifts and the dose can rise with no more spasticity: a rising dose need not
# mean rising need. Clinicians expecting MS to progress may drive its dose up. So may delivery, other
# treatment and body size (none in the abstract).

# %% [markdown] tags=["slide"]
# **The 1-year dose as the denominator.** The 1-year median is given for both groups together: a group that
# starts lower shows a larger % for the same rise in µg/24 h. A 1-year dose low by chance tends to be followed
# by higher ones (regression to the mean); titration still under way at 1 year counts as a rise.

# %% [markdown] tags=["slide"]
# ### 2.3 Confounding, and the causal claim
#
# That the MS rise "probably reflects the progressive disease course" is causal, yet the abstract reports no
# measure of progression, and the groups likely differ in more than diagnosis (it reports no ages or sexes).
# Nor is SCI one comparator: the weakness limit bites hardest where leg strength remains (AIS C-D), and the
# abstract does not separate B from C-D.

# %% [markdown] tags=["slide"]
# **B.** Progression, a weakness limit lifting, the clinicians' expectation, tolerance: what data would tell
# these explanations of the MS-SCI gap apart?
#
# <details><summary>For the teacher</summary>
# Tolerance raises SCI doses too (a partial control): on the ratio scale only one differing by diagnosis makes
# the gap, though a shared one widens it in % points.
# Progression predicts a rise following disability scores; a lifting weakness limit, one following the loss of
# walking; tolerance, one a drug holiday reverses. Record age, era and practice too (pump and concentration
# changes, visits).
# </details>

# %% [markdown] tags=[]
# ### 2.4 Was follow-up complete and long enough?
#
# All were followed 7 years; fewer have a 10-year dose: implanted fewer than 10 years before the review, or
# stopped, died or moved (the abstract does not say); so 157% and 194% average partly different patients.
#
# ## 3. What are the results?
#
# ### 3.1 How precise, and what rests on an assumption

# %% tags=["slide"]
presentation.show(
    session.fixed_table(alpha, S.spec.sci_n_10y, S.spec.sd_ratio_ms_to_sci),
    "06_what_the_paper_fixes",
    params=S.params,
)

# %% tags=[]
Markdown(session.within_group(fixed_by_paper.lower_limit_bounds(7, alpha), alpha))

# %% [markdown] tags=["slide"]
# **C.** SCI patients "needed only a modest increase". What would you need to know before telling an SCI
# patient their dose will stay the same?
#
# <details><summary>For the teacher</summary>
# The spread (section 3.3), a CI of the SCI mean (it may include 100%), doses by AIS grade, and why large rises
# happened. The abstract gives none.
# </details>

# %% [markdown] tags=[]
# ### 3.2 Which average?
#
# The **geometric mean** or **median** describes the typical patient; the paper's mean % (read here as a **mean
# of ratios**), a patient's expected multiple if the ratio does not depend on the start dose (r in the table);
# the **ratio of means**, a service's drug supply.

# %% tags=["slide"]
rm = S.masked(appraisal.ratio_measures(pct, time_points), "n")
presentation.show(
    rm,
    "06_ratio_measures",
    params=S.params,
    formats={**{c: "{:.0f}" for c in rm.columns if c.endswith("%")}, "r, start dose and ratio": "{:+.2f}"},
)

# %% tags=[]
Markdown(session.ratios_in_words(appraisal.ratio_measures(pct, time_points), S.chart_data))

# %% [markdown] tags=[]
# ### 3.3 How much do patients differ?

# %% tags=["slide"]
het = appraisal.heterogeneity(pct, time_points)
consistent = None if S.chart_data else consistency.ranges(consistency.draw_cohorts(consistency_draws, seed))
presentation.show(session.heterogeneity_table(het, S.masked), "06_heterogeneity", params=S.params)

# %% tags=[]
Markdown(session.heterogeneity_in_words(het, consistent, time_points[0], S.shown_count))

# %% [markdown] tags=[]
# ## 4. Do the results apply to my patients?
#
# Patients of one chart review (the abstract names no centre), treated at least 7 years, without pump failure
# or aggravating factors; it reports no ages, sexes or MS disability scores to compare with yours. It gives SCI
# level and AIS grade.

# %% tags=["slide"]
Markdown(session.apply_in_words())

# %% tags=["slide"]
start_dose = 200  # µg/24 h at the reference year, the patient of question D
plan = appraisal.planning_figures(pct, "MS", time_points[-1], alpha)
Markdown(
    session.dose_planning(
        plan, start_dose, "MS", time_points[-1], reference_year, alpha, S.shown_count(plan["n"]), S.chart_data
    )
)

# %% [markdown] tags=["sheet-new-page", "slide"]
# ## 5. How much would a rerun vary?
#
# **E.** The figure reruns the study on cohorts from one model whose truth is the published difference. How
# much does the difference vary, and what can one study of this size tell you?

# %% tags=["slide"]
reruns = replication.rerun(replications, synthetic, reference_year, time_points[0], alpha)
true_difference = fixed_by_paper.published_difference(time_points[0])  # the simulation model's, where published
figures.save(
    figures.reruns(reruns, true_difference, time_points[0], stats.ci_level(alpha)), "06_reruns", S.out, S.params
)
Markdown(session.replications(replication.summary(reruns, alpha), time_points[0], alpha))

# %% [markdown] tags=[]
# **F.** How would you design a prospective study of this question?
#
# <details><summary>For the teacher</summary>
# From implant: dose, spasticity, walking and progression at each visit; censoring at explant or
# failure; a pre-specified model.
# </details>

# %% [markdown] tags=[]
# ## 6. The bottom line

# %% [markdown] tags=["slide", "write-in"]
# **G.** In one sentence each: what does the paper support, and what does it not?

# %% tags=["slide", "teacher"]
Markdown(session.bottom_line(alpha))

# %% [markdown] tags=[]
# Next: [7. Appendix: the longer analyses](07_appendix.ipynb).
#
# ## References

# %% tags=[]
references.section("skoog2019", "casp2018", "levine1994")
