"""What a run reports about itself: ``checklist`` (STROBE/RECORD), ``references`` (references.bib),
``colophon`` (versions, code fingerprint, parameters), ``front_page`` (the site's front page, built once)."""
