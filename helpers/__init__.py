"""Shared code of the ITB dosage study (Skoog & Hedman 2019, re-created on synthetic data).

One subpackage per job, stacked: each imports only those above it in this list (tests/test_layout.py holds it).

- ``paths``: where things are (the only module that knows the layout).
- ``text/``: the words a reader sees (YAML a methodologist edits), ``words`` that fills them, ``captions``.
- ``core/``: the study's core, what notebooks 1-5 compute: the paper's numbers, the statistics, the cohort,
  its counts, tables and figures.
- ``clinic/``: a clinic's data: its export files read, the data contract, normalising to it.
- ``synthetic/``: the synthetic cohort: its assumptions, the seeded model, calibration, the example exports.
- ``study/``: one run of a notebook: parameters, data source, the kind of run (``study.start``).
- ``journal_club/``: the appraisal of notebooks 4, 6 and 7: scenarios, power, what the paper fixes, words.
- ``publishing/``: what notebook 5 adds to a run: the reporting checklist, references, colophon.
- ``runner/``: the machinery that runs and renders the notebooks (``python -m helpers.runner.run``); no
  module above imports it, and the code fingerprint leaves it out.
"""
