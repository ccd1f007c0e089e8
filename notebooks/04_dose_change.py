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
# # 4. Dose change at 7 and 10 years
#
# The paper's main result: the dose at 7 and 10 years as a **percentage of "the initial dose"**, averaged per
# diagnosis (published values just below the parameters); read here, as the abstract does not define it, as
# each patient's own 1-year dose, averaged as a mean of ratios. Below, the same analysis on
# this run's data, with the group means' confidence intervals, and the published t-test (assumed to be
# Student's) beside two tests that make fewer assumptions and an effect size.

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
show_individuals = False  # chart data only: allow plots that show individual patients
show_extremes = False  # chart data only: allow a group's minimum and maximum (single patients' values)
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from IPython.display import Markdown, display

from helpers import study
from helpers.core import cohort, figures, presentation, stats, tables
from helpers.journal_club import appraisal, number_kinds, results_in_words

S = study.start(globals())
print(S.describe())
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points)
yearly = cohort.percent_of_reference(S.patients, S.doses, reference_year, all_years=True)
yearly = yearly.loc[yearly["year"] >= reference_year]
display(S.say("dose_change_published"), S.say("dose_change_kinds"))
if not S.chart_data:
    display(Markdown(results_in_words.sd_ratio_note(S.spec.sd_ratio_ms_to_sci)))

# %% [markdown] tags=[]
# ## Group means with confidence intervals

# %% tags=[]
summary = S.masked(tables.group_summary(pct, time_points, alpha, extremes=S.show_extremes), "n")
presentation.save(summary, "04_percent_of_reference_by_group", S.out)
presentation.show(
    summary,
    "04_percent_of_reference_by_group",
    params=S.params,
    formats=dict.fromkeys(
        [c for c in ("n", "mean", "sd", "ci_low", "ci_high", "median", "min", "max", "p10", "p90") if c in summary],
        "{:.0f}",
    ),
)

# %% [markdown] tags=[]
# ## Every patient's course

# %% tags=[]
S.say(f"notebooks.every_course.{'lines' if S.show_individuals else 'summary'}")

# %% tags=[]
Markdown(
    results_in_words.trajectories_in_words(
        appraisal.slopes_before_and_after(pct, time_points),
        appraisal.last_step(yearly, time_points),
        time_points,
        S.chart_data,
    )
)

# %% tags=[]
by_year = stats.summary(yearly, "pct", by=("diagnosis", "year"), alpha=alpha)
fig = figures.trajectories(
    yearly,
    by_year,
    reference_year,
    time_points,
    show_individuals=S.show_individuals,
    alpha=alpha,
    count=S.shown_count,
    assumed_n=number_kinds.assumed_counts(S.params, time_points),
)
figures.save(fig, "04_trajectories_percent_of_reference", S.out, S.params)

# %% [markdown] tags=[]
# ## The distributions at each time point

# %% tags=[]
fig = figures.time_point_distributions(
    pct, time_points, reference_year, show_points=S.show_individuals, count=S.shown_count
)
figures.save(fig, "04_percent_at_time_points", S.out, S.params)

# %% [markdown] tags=[]
# ## MS vs SCI: the published test, two other tests and an effect size
#
# * **Student t** ([Student 1908](05_reproduction.ipynb#ref-student1908)): the paper reports a "t-test" without
#   saying which; we assume Student's t, which assumes both groups have the same spread.
# * **Welch t** ([Welch 1947](05_reproduction.ipynb#ref-welch1947)) drops that assumption: when the two spreads differ, it is the safer reading.
# * **Mann-Whitney U** ([Mann & Whitney 1947](05_reproduction.ipynb#ref-mann1947)) compares ranks, so a few very high ratios cannot drive it; its estimate is the chance
#   that a random MS patient's % is above a random SCI patient's.
# * **Hedges' g** ([Hedges 1981](05_reproduction.ipynb#ref-hedges1981)) is not a test but an effect size: the
#   difference in units of the pooled SD, with its approximate confidence interval; 0.2, 0.5 and 0.8 are Cohen's
#   conventional labels (small, medium, large), not clinical thresholds.

# %% tags=[]
S.say("tests_can_show")

# %% tags=[]
tests = S.masked(tables.group_tests(pct, time_points, alpha), "n_ms", "n_sci")
presentation.save(tests, "04_group_tests", S.out)
presentation.show(
    tests,
    "04_group_tests",
    params=S.params,
    formats={
        "statistic": "{:.2f}",
        "dof": "{:.1f}",
        "p": results_in_words.p_format,
        "estimate": "{:.2f}",
        "ci_low": "{:.2f}",
        "ci_high": "{:.2f}",
        "n_ms": "{:.0f}",
        "n_sci": "{:.0f}",
    },
)

# %% tags=[]
Markdown(results_in_words.test_run(tests) + "\n\n" + results_in_words.tests_in_words(tests, alpha, S.chart_data))

# %% tags=[]
Markdown(number_kinds.legend(number_kinds.headline_marks(summary, tests, S.params), S.params))

# %% tags=[]
S.say("dose_change_reading")

# %% [markdown] tags=[]
# Next: [5. The paper beside this run](05_reproduction.ipynb).
