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
# # 1. Who was studied
#
# *Re-creating Skoog & Hedman (2019), "Intrathecal Baclofen Dosage for Long-Term Treatment of Patients
# With Spasticity Due to Traumatic Spinal Cord Injuries or Multiple Sclerosis", Ann Rehabil Med
# 43(5):555-561, [doi:10.5535/arm.2019.43.5.555](https://doi.org/10.5535/arm.2019.43.5.555).*
#
# The paper is a retrospective chart review of patients with an intrathecal baclofen (ITB) pump for severe
# leg spasticity who had been treated for at least 7 years. Its objective: **to investigate how the dose
# changes during long-term treatment, in multiple sclerosis (MS) and in traumatic spinal cord injury (SCI)**,
# comparing the dose at 7 and 10 years with "the initial dose" (read here as each patient's 1-year dose; the
# abstract does not define it).

# %% tags=["parameters"]
data_dir = None  # your chart data: a folder or an .xlsx workbook (data dictionary); None: the synthetic cohort
synthetic_mode = "calibrated"  # synthetic cohort: "calibrated" to the paper, or "simulation" (random draw)
seed = 2019  # seed of the synthetic cohort's generator
synthetic = {}  # assumptions of the synthetic cohort to change, e.g. {"sci_n_10y": 12} (data dictionary)
output_dir = None  # None: outputs/ for the default parameters (see helpers/study/study.py)
reference_year = 1  # the "initial" dose is the dose at this year after implant (chart data: for masking)
min_followup_years = 7  # patients followed for fewer years are not analysed (the paper's inclusion rule)
accept_low_reference_dose = (
    False  # chart data: analyse a reference-year dose under 5 µg/24 h (written in mg/24 h?) instead of refusing it
)
time_points = [7, 10]  # years at which the dose is compared (chart data: masking agrees with notebook 2)
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from helpers import study
from helpers.core import presentation, tables

S = study.start(globals())
print(S.describe())
S.say("cohort_intro")

# %% [markdown] tags=[]
# ## The analysed patients by diagnosis

# %% tags=[]
S.say("cohort_counts")

# %% tags=[]
table1 = tables.table_one(S.patients, shown=S.shown)
presentation.save(table1, "01_table1_by_diagnosis", S.out, index=True)
presentation.show(table1, "01_table1_by_diagnosis", index=True)

# %% [markdown] tags=[]
# Categorical rows give *n (%)* of the column's patients with a value recorded; age gives *mean (SD)*; the
# skewed times give *median [Q1, Q3]*. *Missing* counts the patients without a value; a characteristic the
# data do not record at all is "not recorded". The SCI level and AIS grade do not apply to MS.
#
# ## The spinal cord injuries
#
# The paper reports the SCI group by level of injury and by completeness (AIS A = complete; B-D = incomplete).

# %% tags=[]
sci = tables.sci_breakdown(S.patients, shown=S.shown)
presentation.save(sci, "01_sci_level_by_ais", S.out, index=True)
presentation.show(sci, "01_sci_level_by_ais", index=True)

# %% tags=[]
S.say("cohort_reading")

# %% [markdown] tags=[]
# Next: [2. From screened to analysed](02_exclusions.ipynb).
