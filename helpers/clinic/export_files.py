"""Reading a clinic's export: the files it comes in, as text tables ready for the contract.

This module knows files (where they are, what kind, how they are encoded and separated); :mod:`helpers.clinic.contract`
knows the rules their contents must follow. Accepted:

* a folder with ``patients`` and ``doses``, each as ``.csv`` or ``.xlsx`` (first sheet);
* one ``.xlsx`` workbook with sheets ``patients`` and ``doses``;
* CSV separated by ``,`` or, as Excel writes it in many European locales, by ``;`` (or a tab), with decimal
  commas; UTF-8 (with or without the byte-order mark Excel writes), else Windows-1252 or Latin-1 (what Excel
  writes for "CSV" in Western European settings), said in a note.

Every cell is read as text, with empty cells as missing; column names are matched in any case and without
surrounding spaces, and columns with neither a name nor a value (trailing ``;;``) are dropped. The index of a
row is its place in the file, so the rules can name its line (the header is line 1) or spreadsheet row.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from helpers.clinic import contract, problems
from helpers.errors import StudyInputError

TABLES = ("patients", "doses")
SEPARATORS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
# a character written in UTF-8: a lead byte and its continuation bytes (cp1252 text rarely holds such a pair)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class Export(NamedTuple):
    """A clinic's export, checked: the typed tables, what was read but not used or read how (notes), and values
    the contract allows but that are unlikely (warnings). Notes and warnings name no patient and no value."""

    patients: pd.DataFrame
    doses: pd.DataFrame
    notes: list[str]
    warnings: list[str]


def read(source, rules: contract.Rules | None = None) -> Export:
    """Read and validate chart data under ``rules`` (the study's parameters the contract depends on); raise
    :class:`StudyInputError` with every problem found."""
    tables, places, notes = read_tables(Path(source))
    patients, doses = contract.validate(tables["patients"], tables["doses"], places, rules or contract.Rules())
    unused = contract.unused_columns(tables["patients"], tables["doses"])
    listed = [f"{places[t].name} {', '.join(map(repr, cols))}" for t, cols in unused.items() if cols]
    if listed:
        notes.append(f"columns the study does not use are ignored (never copied into any output): {'; '.join(listed)}")
    return Export(patients, doses, notes, contract.plausibility(tables["doses"], places))


def read_tables(source: Path) -> tuple[dict[str, pd.DataFrame], dict[str, problems.Place], list[str]]:
    """The two tables as text, where each came from, and notes on how they were read; a missing or unreadable
    file is refused."""
    if not source.exists():
        raise StudyInputError(f"data folder {source}: does not exist")
    if source.is_file():
        if source.suffix.lower() == ".xlsx":
            return (*_read_workbook(source), [])
        raise StudyInputError(f"data {source}: is not a folder or an .xlsx workbook")
    tables, places, notes, broken = {}, {}, [], []
    for name in TABLES:
        try:
            tables[name], places[name], note = _read_one(source, name)
            notes += [note] if note else []
        except StudyInputError as err:
            broken += err.lines
    if broken:
        raise StudyInputError(broken)
    return tables, places, notes


def _find(folder: Path, filename: str) -> Path:
    """``folder/filename``, or the one file whose name differs only in case (Patients.CSV)."""
    same = [p for p in folder.iterdir() if p.name.lower() == filename]
    if len(same) > 1:
        raise StudyInputError(f"data folder {folder}: has {' and '.join(sorted(p.name for p in same))}; keep one")
    return same[0] if same else folder / filename


def _read_one(folder: Path, name: str) -> tuple[pd.DataFrame, problems.Place, str | None]:
    csv, xlsx = _find(folder, f"{name}.csv"), _find(folder, f"{name}.xlsx")
    if csv.exists() and xlsx.exists():
        raise StudyInputError(f"data folder {folder}: has both {csv.name} and {xlsx.name}; keep one")
    if xlsx.exists():
        with _workbook(xlsx) as book:
            return _sheet_table(book.worksheets[0], xlsx.name), problems.Place(xlsx.name, "row"), None
    if not csv.exists():
        raise StudyInputError(f"{csv.name}: missing from the data folder {folder} (or give {xlsx.name})")
    return _read_csv(csv)


# ---- CSV ---------------------------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, str | None]:
    """The file's text, and a note when it was not UTF-8. Excel's "CSV" in Western European settings is
    Windows-1252, which covers Latin-1; a file that mixes UTF-8 with other bytes cannot be read safely."""
    try:
        return raw.decode("utf-8-sig"), None  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as err:
        if _UTF8_SEQUENCE.search(raw):
            line = raw[: err.start].count(b"\n") + 1
            raise StudyInputError(
                f"{name}, line {line}: not UTF-8 text (byte {raw[err.start]:#04x}), though other lines are; "
                "the file mixes two encodings: save it again from the spreadsheet as CSV UTF-8"
            ) from None
    for encoding, called in (("cp1252", "Windows-1252 (Western European, which covers Latin-1)"),
                             ("latin-1", "Latin-1 (ISO-8859-1)")):  # fmt: skip
        with contextlib.suppress(UnicodeDecodeError):
            text = raw.decode(encoding)
            return text, f"{name}: not UTF-8, read as {called}; saving it as CSV UTF-8 avoids this note"
    raise AssertionError("Latin-1 decodes any bytes")


def _read_csv(path: Path) -> tuple[pd.DataFrame, problems.Place, str | None]:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise StudyInputError(f"{name}: cannot be read ({err.strerror})") from None
    if not raw.strip():
        raise StudyInputError(f"{name}: the file is empty")
    if b"\x00" in raw[:4096] or raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise StudyInputError(
            f"{name}: not a CSV text file (a spreadsheet or binary file?); export it as CSV, or name it .xlsx"
        )
    text, note = _decode(raw, name)
    header = text.split("\n", 1)[0]
    sep = max(SEPARATORS, key=header.count)  # the header's most frequent separator; "," if none
    try:
        # the header is read as a row (a nameless column stays nameless) and blank lines are kept while reading,
        # so that a row's index is its line in the file - 2
        rows = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise StudyInputError(
            _split_values(text, sep, name) or f"{name}: not a readable CSV file ({str(err).strip()})"
        ) from None
    header, body = rows.iloc[0].tolist(), rows.iloc[1:].reset_index(drop=True)
    df = _tidy(_named(body, [None if pd.isna(h) else h for h in header]), name)
    place = problems.Place(name)
    if sep != ",":
        df = _decimal_points(df, place)
    return df, place, note


def _split_values(text: str, sep: str, name: str) -> str | None:
    """Why rows of a comma-separated file have more fields than its header, when a number written with a
    decimal comma (``61,5``) is the likely cause: one line naming the column, the rows and the value."""
    if sep != ",":
        return None
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    long = [(i + 1, r) for i, r in enumerate(rows) if len(r) > len(header)]
    row = long[0][1] if long else []
    split = next((j for j in range(len(row) - 1) if re.fullmatch(r"-?\d+", row[j].strip())
                  and re.fullmatch(r"\d+", row[j + 1].strip())), None)  # fmt: skip
    if split is None or split >= len(header):
        return None
    lines = ", ".join(str(n) for n, _ in long[:3]) + (", ..." if len(long) > 3 else "")
    return (
        f"{name}, column '{header[split].strip()}': {len(long)} row{'s' if len(long) > 1 else ''} with more values than "
        f"the header (line{'s' if len(long) > 1 else ''} {lines}; got '{row[split]},{row[split + 1]}'): probably a "
        "decimal comma; save the file with ';' between fields, or quote the value"
    )


def _named(body: pd.DataFrame, header: list) -> pd.DataFrame:
    """``body`` with the header's names; a column with neither a name nor a value is dropped (trailing ``;;``),
    one with values but no name is called "(no name, column N)"."""
    keep = [i for i, h in enumerate(header) if (h is not None and str(h).strip()) or body.iloc[:, i].notna().any()]
    body = body.iloc[:, keep].copy()
    body.columns = [header[i] if header[i] is not None and str(header[i]).strip() else f"(no name, column {i + 1})"
                    for i in keep]  # fmt: skip
    return body


def _decimal_points(df: pd.DataFrame, place: problems.Place) -> pd.DataFrame:
    """Decimal commas (``12,5``) in number columns as points. A file that writes decimal commas and also
    has numbers with a point (``1.500``: 1500 or 1.5?) is refused for those cells: the point is ambiguous."""
    columns = [c for c in df.columns if c in contract.NUMBER_COLUMNS]
    if not any(isinstance(v, str) and _DECIMAL_COMMA.fullmatch(v) for c in columns for v in df[c]):
        return df
    out = df.copy()
    found = problems.Problems({"table": place})
    for c in columns:
        s = out[c]
        ambiguous = s.map(lambda v: isinstance(v, str) and "." in v)
        found.add(
            "table",
            c,
            "with a '.' in a file written with decimal commas (is 1.500 one and a half, or fifteen hundred?)",
            s.index[ambiguous],
            [repr(v) for v in s[ambiguous]],
        )
        out[c] = s.map(lambda v: v.replace(",", ".") if isinstance(v, str) and _DECIMAL_COMMA.fullmatch(v) else v)
    found.raise_any()
    return out


# ---- Excel -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _workbook(path: Path):
    """The workbook's cell values (a formula's last computed value), closed after use."""
    import zipfile

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl's notes on styles and extensions it skips
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise StudyInputError(f"{path.name}: not a readable .xlsx workbook ({err}); save it again from Excel") from None
    try:
        yield book
    finally:
        book.close()


def _read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, problems.Place]]:
    with _workbook(path) as book:
        return _workbook_tables(book, path.name)


def _workbook_tables(book, name: str) -> tuple[dict[str, pd.DataFrame], dict[str, problems.Place]]:
    sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
    missing = [t for t in TABLES if t not in sheets]
    if missing:
        raise StudyInputError(
            [
                f"{name}: no sheet named '{t}' (the workbook has: {', '.join(ws.title for ws in book.worksheets)})"
                for t in missing
            ]
        )
    tables, places, broken = {}, {}, []
    for t in TABLES:
        label = f"{name}, sheet '{sheets[t].title}'"
        try:
            tables[t], places[t] = _sheet_table(sheets[t], label), problems.Place(label, "row")
        except StudyInputError as err:
            broken += err.lines
    if broken:
        raise StudyInputError(broken)
    return tables, places


def _sheet_table(ws, label: str) -> pd.DataFrame:
    """A worksheet as a text table: the first row is the header; row i + 2 of the sheet has index i."""
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    if not rows or not any(v is not None for row in rows for v in row):
        raise StudyInputError(f"{label}: the sheet is empty")
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    return _tidy(_named(pd.DataFrame(rows[1:], columns=range(width), dtype=object), rows[0]), label)


def _cell_text(v) -> str | None:
    """A cell as the text a CSV export would hold: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.date().isoformat()  # a date cell; a time of day, if any, says nothing about the date
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


# ---- both --------------------------------------------------------------------------------------------------


def _tidy(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The contract's column names in any case and without surrounding spaces as the contract spells them;
    cells without surrounding spaces, empty cells as missing, blank rows dropped."""
    df.columns = [contract.column_name(c) for c in df.columns]
    twice = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if twice:
        raise StudyInputError(
            [f"{name}: has the column '{c}' twice (names match in any case); keep one" for c in twice]
        )
    df = df.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    df = df.where(df.notna() & (df != ""), None).dropna(how="all")
    if df.empty:
        raise StudyInputError(f"{name}: has a header but no data rows")
    return df
