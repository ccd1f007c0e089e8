"""What a run reports about itself (notebook 5): ``checklist`` (STROBE/RECORD), ``references``
(references.bib), ``colophon`` (versions, code fingerprint, parameters)."""
