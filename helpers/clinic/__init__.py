"""A clinic's chart data: ``export_files`` (CSV or xlsx, encodings, separators), ``normalise`` (the accepted
spellings, brought to one form), ``contract`` (the columns and every rule the notebooks rely on, with pandera),
``problems`` (a broken rule as one line a clinic can act on)."""
