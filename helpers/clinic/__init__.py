"""A clinic's chart data: ``export_files`` (CSV or xlsx, encodings, separators), ``contract`` (the columns, the
allowed values and every rule the notebooks rely on, checked with pandera)."""
