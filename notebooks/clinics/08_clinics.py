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
# # 8. Clinics together: the MS-SCI difference pooled
#
# Does the MS-SCI difference hold outside one Swedish clinic of 41 patients? No clinic can answer that alone,
# and clinics cannot share patient rows. Each run of this study writes a summary of aggregates (`summary.json`:
# per group n, mean and SD; the MS-SCI difference with its standard error; small groups withheld), and this
# notebook pools those summaries by inverse variance, as multi-centre registries do with aggregate data: a fixed
# effect, and random effects with the between-clinic variance tau² estimated two ways (DerSimonian-Laird,
# Paule-Mandel), with Q, I² and a prediction interval for a new clinic
# ([statsmodels](https://www.statsmodels.org/stable/stats.html#meta-analysis)).
#
# Run it with `make pool SUMMARIES="a.json b.json ..."`; with no summaries it pools the shipped example clinics
# (`data/synthetic/clinics/`), synthetic clinics that differ in their assumptions, labelled as such.

# %% tags=["parameters"]
summaries = []  # summary.json files of the clinics to pool; []: the shipped example clinics
paper = "row"  # the paper: "row" (pooled as one more clinic) or "comparison" (shown beside, not pooled)
standard_error = "student"  # the standard error pooled: "student" or "welch"
paper_sci_n_10y = 15  # the paper's SCI count at 10 years (not published), for its 10-year standard error
alpha = 0.05  # significance level; confidence intervals are 1 - alpha
output_dir = None  # None: outputs/ (make pool sets outputs/runs/NAME/)

# %% tags=[]
from IPython.display import Markdown

from helpers import paths
from helpers.core import figures, presentation, stats
from helpers.pooling import checks, examples, meta, pooled_in_words
from helpers.study import params

P = {**params.DEFAULTS, "alpha": alpha, "paper": paper, "standard_error": standard_error}  # for the captions
out = paths.output_dir(output_dir)
files = summaries or sorted(examples.FOLDER.glob("*.json"))
clinics_in = checks.read(files)
print(f"Pooled: {len(clinics_in)} clinic summaries" + ("" if summaries else " (the shipped examples)"))

# %% [markdown] tags=[]
# ## The clinics

# %% tags=[]
table = meta.clinics(clinics_in, standard_error, paper == "row", paper_sci_n_10y)
presentation.save(table, "08_clinics", out)
presentation.show(table, "08_clinics", params=P, formats={"estimate": "{:.1f}", "se": "{:.1f}"})

# %% [markdown] tags=[]
# ## Pooled

# %% tags=[]
pooled = meta.pooled(table, alpha)
presentation.save(pooled[["year", "method", "estimate", "ci_low", "ci_high", "tau2", "i2"]], "08_pooled", out)
presentation.show(
    pooled,
    "08_pooled",
    params=P,
    formats={c: "{:.1f}" for c in pooled.columns if c not in ("year", "method", "k", "i2")} | {"i2": "{:.2f}"},
)

# %% tags=[]
shown = table if paper == "row" else meta.clinics(clinics_in, standard_error, True, paper_sci_n_10y)
z = stats.critical_z(alpha)
forest = shown.assign(ci_low=shown["estimate"] - z * shown["se"], ci_high=shown["estimate"] + z * shown["se"])
figures.save(figures.forest(forest, stats.ci_level(alpha), pooled), "08_forest", out, P)

# %% tags=[]
Markdown(pooled_in_words.say(pooled, table, alpha, paper, examples=not summaries))
