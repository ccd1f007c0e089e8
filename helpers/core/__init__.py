"""The study's core: what notebooks 1-5 compute, read in one sitting.

``published`` (the paper's numbers and its test), ``diagnoses`` (MS and SCI), ``errors`` (bad input),
``stats`` (group summaries, tests, CIs), ``cohort`` (dose at year k as % of the reference), ``counts`` (every
patient count, one model), ``disclosure`` (small counts on chart data), ``tables`` and ``figures`` (what the
notebooks show), ``presentation`` (a table saved and shown), ``reproduction`` (the paper beside this run).
"""
