"""Clinics together: the shareable summary every run writes, and pooling several clinics' summaries.

* ``summary``: what a run shares (aggregates only, small groups withheld) and its JSON schema;
* ``checks``: summaries read and refused with one line naming the file and field;
* ``meta``: the MS - SCI difference pooled by inverse variance (statsmodels' meta-analysis);
* ``examples``: the shipped example clinics that ``make pool`` pools without arguments.
"""
