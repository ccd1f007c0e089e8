"""Shared code of the ITB dosage study (Skoog & Hedman 2019, re-created on synthetic data).

One subpackage per job, stacked: each imports only those above it in this list (tests/test_layout.py holds it).

- ``paths``: where things are (the only module that knows the layout); ``errors``: the one exception for bad input.
- ``text/``: the words a reader sees (YAML a methodologist edits) and ``words``, which fills them.
- ``core/``: the study's core, what notebooks 1-5 compute: the paper's numbers, the statistics, the cohort, its
  counts, tables, figures and their captions, and which kind of run this is.
- ``clinic/``: a clinic's data: its export files read, normalised to the contract's one form, checked.
- ``synthetic/``: the synthetic cohort: its assumptions, the seeded model, calibration, the example exports.
- ``study/``: one run of a notebook: parameters, data source, the Study (``S = study.start(globals())``).
- ``journal_club/``: the appraisal of notebooks 4, 6 and 7: scenarios, power, what the paper fixes, words.
- ``pooling/``: clinics together: the summary every run shares, checked and pooled over clinics.
- ``publishing/``: what a run reports of itself: the reporting checklist, references, colophon, the front page.
- ``runner/``: the machinery that runs and renders the notebooks (``python -m helpers.runner.run``); no module
  above imports it, and the code fingerprint leaves it out.
"""
