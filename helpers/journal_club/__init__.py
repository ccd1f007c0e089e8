"""The journal club (notebooks 6 and 7, and notebook 4's appraisal): ``appraisal`` (the paper's design choices
shown with the data), ``scenario_effects`` (biases switched on), ``fixed_by_paper`` (what the published numbers
fix), ``consistency`` (cohorts consistent with the paper), ``replication`` (reruns), ``power``, ``number_kinds``
(published, fixed or assumed), ``results_in_words`` and ``session`` (the sentences shown)."""
