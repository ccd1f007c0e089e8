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
# # 3. The dose after one year
#
# After the pump is implanted, the dose is titrated upwards until spasticity is controlled. This study takes
# the dose **after one year** as each patient's "initial" dose (the abstract does not define it), assuming
# titration is mostly over by then. Later changes may reflect need, tolerance, side effects or delivery
# problems; a dose chart cannot tell them apart. The spread of the 1-year dose between patients is wide, which
# is why later doses are compared as a *percentage of each patient's own* 1-year dose.
#
# In the paper the dose was adjusted together with the physician, usually several times a year. This study's
# rule (the abstract gives none): the dose "at year *k*" is the last adjustment at or before year *k*.

# %% tags=["parameters"]
data_dir = None  # your chart data: a folder or an .xlsx workbook (data dictionary); None: the synthetic cohort
synthetic_mode = "calibrated"  # synthetic cohort: "calibrated" to the paper, or "simulation" (random draw)
seed = 2019  # seed of the synthetic cohort's generator
synthetic = {}  # assumptions of the synthetic cohort to change, e.g. {"sci_n_10y": 12} (data dictionary)
output_dir = None  # None: outputs/ for the default parameters (see helpers/study/study.py)
reference_year = 1  # the "initial" dose is the dose at this year after implant
min_followup_years = 7  # patients followed for fewer years are not analysed (the paper's inclusion rule)
accept_low_reference_dose = (
    False  # chart data: analyse a reference-year dose under 5 µg/24 h (written in mg/24 h?) instead of refusing it
)
time_points = [7, 10]  # years at which the dose is compared (chart data: masking agrees with notebook 2)
show_individuals = False  # chart data only: allow plots that show individual patients
show_extremes = False  # chart data only: allow a group's minimum and maximum (single patients' values)
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from IPython.display import display

from helpers import study
from helpers.core import cohort, figures, presentation, published, tables

S = study.start(globals())
print(S.describe())
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points=[])
S.say("one_year_published")

# %% [markdown] tags=[]
# ## Median and range
#
# With a clinic's chart data the range gives way to the 10th-90th percentiles (parameter `show_extremes`):
# the minimum and the maximum are single patients' doses.

# %% tags=[]
ref = tables.median_range(pct, reference_year, extremes=S.show_extremes, shown=S.shown)
presentation.save(ref, "03_reference_dose_median_range", S.out)
presentation.show(
    ref,
    "03_reference_dose_median_range",
    params=S.params,
    formats={c: "{:.0f}" for c in ("median", "min", "max", "p10", "p90") if c in ref},
)

# %% [markdown] tags=[]
# ## Every patient's dose

# %% tags=[]
display(S.say(f"notebooks.every_dose.{'points' if S.show_individuals else 'summary'}"), S.say("one_year_by_diagnosis"))

# %% tags=[]
fig = figures.reference_dose(pct, reference_year, show_points=S.show_individuals, count=S.shown_count)
figures.save(fig, "03_reference_dose_by_diagnosis", S.out, S.params)

# %% [markdown] tags=[]
# ## How often the dose was adjusted
#
# Adjustments counted in each full year of each patient's follow-up; the paper says the dose was adjusted
# about 4-10 times a year.

# %% tags=[]
S.say("adjustments_source")

# %% tags=[]
counts = cohort.adjustments_per_year(S.patients, S.doses)
adj = tables.adjustments_summary(counts, extremes=S.show_extremes, min_count=S.min_count)
presentation.save(adj, "03_adjustments_per_year", S.out)
presentation.show(adj, "03_adjustments_per_year", formats={"median": "{:.1f}"})

# %% tags=[]
fig = figures.adjustments(counts)
figures.save(fig, "03_adjustments_per_year", S.out)

# %% tags=[]
S.say("one_year_reading", fold=published.value("dose_ref_max") / published.value("dose_ref_min"))

# %% [markdown] tags=[]
# Next: [4. Dose change at 7 and 10 years](04_dose_change.ipynb).
