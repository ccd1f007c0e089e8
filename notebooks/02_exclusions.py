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
# # 2. From screened to analysed
#
# A chart review starts from every patient who could be in it. The paper screened the patients with an
# ITB pump who had been treated for at least 7 years and excluded those whose dose did not reflect their
# spasticity: a **catheter or pump failure** (a dose raised to make up for a failing system), or a **factor
# aggravating spasticity** (such as a pressure ulcer or an infection). The flow below shows how many
# remained, and how many were still followed at each time point the paper compares.
#
# How the exclusions split between the two reasons and the two diagnoses is not published, nor is the number
# of SCI patients followed to 10 years.

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
time_points = [7, 10]  # years at which the dose is compared with the reference
min_cell_count = 5  # chart data only: counts below this are shown as "<5"

# %% tags=[]
from IPython.display import display

from helpers import study
from helpers.core import figures, presentation, tables

S = study.start(globals())
print(S.describe())
if S.warnings:
    display(S.warnings_note())
if not S.chart_data:
    display(S.say("exclusions_published"))

# %% [markdown] tags=[]
# ## The flow diagram
#
# Drawn as the reporting guidelines for observational studies ask: STROBE
# ([von Elm et al. 2007](05_reproduction.ipynb#ref-vonelm2007)) and, for routinely collected data such as
# charts, RECORD ([Benchimol et al. 2015](05_reproduction.ipynb#ref-benchimol2015)).
#
# With a clinic's chart data, the exclusions box lists that clinic's own reasons, each with its count.

# %% tags=[]
flow = tables.flow_counts(S.patients, S.doses, reference_year, time_points, min_followup_years)
flow = tables.flow_shown(flow, S.shown)
fig = figures.flow_diagram(tables.flow_numbers(flow, time_points, min_followup_years))
figures.save(fig, "02_flow_diagram", S.out, S.params)

# %% [markdown] tags=[]
# ## The same counts as a table
#
# "Dose at *k* years" counts the analysed patients whose follow-up reached year *k*: only they have a dose
# at that time point. Everyone was followed at least 7 years (that was the inclusion rule), so the 7-year
# comparison has every analysed patient; the 10-year comparison has fewer.

# %% tags=[]
presentation.save(flow, "02_flow_counts", S.out)
presentation.show(flow, "02_flow_counts")

# %% [markdown] tags=[]
# **Why it matters.** Every exclusion and every patient lost before 10 years changes who the means
# describe. Patients whose pump failed, or who stopped ITB before 7 years, are not in the study at all:
# the results describe patients who *stayed* on ITB for 7 years or more. The journal-club notebook
# ([6](06_journal_club.ipynb)) looks at what that selection can do to the results.
#
# Next: [3. The dose after one year](03_one_year_dose.ipynb).
