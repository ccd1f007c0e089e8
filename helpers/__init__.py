"""Shared code of the ITB dosage study (Skoog & Hedman 2019, re-created on synthetic data).

Modules, each named for what it holds:
paths (where things are), published (the paper's numbers), params (study parameters),
synthetic (the seeded cohort generator), reading (a clinic's files), schema (the data contract),
examples (a synthetic example of each accepted form of chart data), cohort (dose at year k),
stats (group comparisons), tables / figures (what the notebooks show), counts (every patient count the
tables show, and how they add up), disclosure (small counts and what subtraction could recover),
and pipeline/ (the machinery: runner, notebook hygiene, site, handout, lab), which no study module imports.
"""
