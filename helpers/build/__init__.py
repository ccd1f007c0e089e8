"""The machinery that runs and renders the study (runner, notebook hygiene, site); no study module imports it.

Editing anything here never changes a committed output: the code fingerprint in notebook 5's colophon
leaves this folder out (see helpers/colophon.py).
"""
