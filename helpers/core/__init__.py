"""The study's core: what notebooks 1-5 compute, read in one sitting.

``published`` (the paper's numbers), ``diagnoses`` (MS and SCI), ``stats`` (every statistical choice: the
paper's test, CIs, effect sizes), ``cohort`` (dose at year k as % of the reference), ``counts`` (every patient
count, one model), ``disclosure`` (small counts on chart data), ``tables`` and ``figures`` (what the notebooks
show), ``captions`` (their numbers and captions), ``presentation`` (a table saved and shown), ``reproduction``
(the paper beside this run), ``run_kind`` (which kind of run this is).
"""
