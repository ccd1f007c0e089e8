"""Shared code of the ITB dosage study (Skoog & Hedman 2019, re-created on synthetic data).

Modules, each named for what it holds:
paths (where things are), published (the paper's numbers), params (study parameters),
synthetic (the seeded cohort generator), schema (the data contract), cohort (dose at year k),
stats (group comparisons), tables / figures (what the notebooks show), disclosure (small-count rules),
notebooks (executed-notebook hygiene), site (HTML pages), run (the study runner).
"""
