"""Reading a clinic's export: the files of a data folder, as text tables, ready for the contract.

This module knows files (where they are, how they are encoded and separated); :mod:`helpers.schema` knows
the rules their contents must follow. Every cell is read as text, with empty cells as missing; the index of
a row is its place in the file, so the rules can name its line (the header is line 1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schema
from .errors import StudyInputError

FILES = ("patients", "doses")


def read(source) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read and validate chart data: (patients, doses, notes); raise :class:`StudyInputError` with every
    problem found. Notes say what was read but not used, for the person running the study (never an output)."""
    tables, places = read_tables(Path(source))
    patients, doses = schema.validate(tables["patients"], tables["doses"], places)
    unused = schema.unused_columns(tables["patients"], tables["doses"])
    listed = [f"{places[t].name} {', '.join(map(repr, cols))}" for t, cols in unused.items() if cols]
    notes = [f"columns the study does not use are ignored (never copied into any output): {'; '.join(listed)}"]
    return patients, doses, notes if listed else []


def read_tables(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, schema.Place]]:
    """The two tables of a data folder as text, and where each came from; unreadable files are refused."""
    if not folder.exists():
        raise StudyInputError(f"data folder {folder}: does not exist")
    if not folder.is_dir():
        raise StudyInputError(f"data folder {folder}: is not a folder")
    tables, places, problems = {}, {}, []
    for name in FILES:
        path = folder / f"{name}.csv"
        try:
            tables[name] = _read_csv(path)
            places[name] = schema.Place(path.name)
        except StudyInputError as err:
            problems += err.lines
    if problems:
        raise StudyInputError(problems)
    return tables, places


def _read_csv(path: Path) -> pd.DataFrame:
    name = path.name
    if not path.exists():
        raise StudyInputError(f"{name}: missing from the data folder {path.parent}")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise StudyInputError(f"{name}: cannot be read ({err.strerror})") from None
    if not raw.strip():
        raise StudyInputError(f"{name}: the file is empty")
    if b"\x00" in raw[:4096] or raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise StudyInputError(f"{name}: not a CSV text file (a spreadsheet or binary file?); export it as CSV")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise StudyInputError(f"{name}: not UTF-8 text (byte {err.start}); save it as UTF-8 CSV") from None
    try:
        # blank lines are kept while reading (then dropped) so that a row's index is its line in the file - 2
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise StudyInputError(f"{name}: not a readable CSV file ({str(err).strip()})") from None
    return _tidy(df, name)


def _tidy(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Header names and cells without surrounding spaces, empty cells as missing, blank rows dropped."""
    df.columns = [str(c).strip() for c in df.columns]
    df = df.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    df = df.where(df.notna() & (df != ""), None).dropna(how="all")
    if df.empty:
        raise StudyInputError(f"{name}: has a header but no data rows")
    return df
