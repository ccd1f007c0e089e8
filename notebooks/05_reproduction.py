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
# # 5. The paper beside this run
#
# Every number the paper published that this study re-creates, next to the value this run computed from
# the data, both at the paper's precision (whole patients and percentages, p-values to three decimals).
#
# The published values are typed once, in `helpers/core/published.py`, with where the paper states them.

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
min_cell_count = 5  # chart data only: counts below this are shown as "<5"
show_individuals = False  # chart data only: allow plots that show individual patients
power_reps = 2000  # Monte Carlo replicates per cell of the power grid (notebook 7; listed for the colophon)
power_differences = [15, 20, 30]  # differences the power analysis plans for (notebook 7; for the colophon)

# %% tags=[]
from IPython.display import Markdown, display

from helpers import study
from helpers.core import cohort, figures, presentation, reproduction, stats
from helpers.pooling import beside_paper, summary
from helpers.publishing import checklist, colophon, references

S = study.start(globals())
print(S.describe())
S.say("reproduction_columns")

# %% tags=[]
results = reproduction.headline_numbers(S.patients, S.doses, reference_year, time_points)
repro = reproduction.compare(results, count=S.shown_count if S.min_count else None)
presentation.save(repro, "reproduction", S.out)
S.say("reproduction_count", matched=int(repro["matches"].sum()), total=len(repro))

# %% tags=[]
presentation.show(  # on chart data a difference is the point, not a failed match
    repro.drop(columns="matches")
    if S.chart_data
    else repro.assign(matches=repro["matches"].map({True: "yes", False: "no"})),
    "reproduction",
)

# %% [markdown] tags=[]
# ## What "reproduced" means here

# %% tags=[]
S.say("reproduced_meaning")

# %% [markdown] tags=[]
# ## What this run shares, and this clinic beside the paper

# %% tags=[]
pct = cohort.percent_of_reference(S.patients, S.doses, reference_year, time_points)
data_fingerprint = summary.fingerprint(S.patients, S.doses)
shared = summary.build(
    pct, S.params, S.clinic, S.kind.value, data_fingerprint, colophon.fingerprint(), S.hidden_groups()
)
summary.write(shared, S.out)
display(S.say("shared_summary", file=summary.FILE, reference_year=reference_year, min_cell_count=min_cell_count))
presentation.show(summary.shown(shared), "05_summary", params=S.params, formats={"n": "{:.0f}"})

# %% tags=[]
beside = beside_paper.rows(shared, alpha, S.spec.sci_n_10y, S.kind)
if len(beside):  # every time point withheld (too few patients): the words say so
    figures.save(figures.forest(beside, stats.ci_level(alpha)), "05_beside_the_paper", S.out, S.params)
Markdown(beside_paper.in_words(beside, shared, alpha, S.kind))

# %% [markdown] tags=[]
# ## Reporting checklist: STROBE with RECORD
#
# A cohort study is reported against STROBE (von Elm et al. 2007); one built on routinely collected data,
# such as charts, adds the RECORD items (Benchimol et al. 2015). For each item: what the paper reports,
# what this study shows, and what stays missing. "The paper reports" covers what this study holds of the
# paper (the abstract and the published numbers); where that record is silent, the row says so and the full
# text should be checked before counting the item as missing.

# %% tags=[]
strobe = checklist.table(S.kind.data)
presentation.save(strobe, "05_reporting_checklist", S.out)
presentation.show(strobe, "05_reporting_checklist")

# %% [markdown] tags=[]
# ## Colophon
#
# How this run was made. The statistics are computed with pingouin ([Vallat 2018](#ref-vallat2018)),
# statsmodels ([Seabold & Perktold 2010](#ref-seabold2010)) and scipy.

# %% tags=[]
S.say("colophon_fingerprint")

# %% tags=[]
presentation.show(colophon.table(S.params, S.source, S.privacy_note()), "05_run")

# %% tags=[]
presentation.show(colophon.versions(), "05_software")

# %% [markdown] tags=[]
# ## References
#
# The paper, the methods notebooks 1-5 use, and the software (the journal-club notebook lists its own).

# %% tags=[]
references.section(
    "skoog2019",
    "vonelm2007",
    "benchimol2015",
    "student1908",
    "welch1947",
    "mann1947",
    "hedges1981",
    "heathers2018",
    "vallat2018",
    "seabold2010",
)

# %% [markdown] tags=[]
# Citation of the original study: Skoog B, Hedman G. *Intrathecal Baclofen Dosage for Long-Term Treatment
# of Patients With Spasticity Due to Traumatic Spinal Cord Injuries or Multiple Sclerosis.* Ann Rehabil
# Med 2019;43(5):555-561. doi:10.5535/arm.2019.43.5.555.

# %% tags=[]
S.say("data_source")

# %% [markdown] tags=[]
# Next: [6. Journal club](06_journal_club.ipynb).
