"""The data contract: what ``patients.csv`` and ``doses.csv`` must hold, checked before any analysis.

Column rules are pandera schemas; the rules that need both files (dose rows for unknown patients,
adjustments beyond follow-up ...) are checked after them. Every problem becomes one line naming the file,
the line of the CSV file (the header is line 1), the column and the rule, so a clinic can fix its export.
The data dictionary in ``data/synthetic/README.md`` documents the same rules for people.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import published
from .diagnoses import DIAGNOSES
from .errors import StudyInputError

MAX_DOSE = 3000.0  # µg/24 h: above any reported ITB maintenance dose; a larger value is a typo or a unit error
MAX_FOLLOWUP = 60.0
MAX_YEARS_SINCE_ONSET = 80.0
MAX_LINES_SHOWN = 25  # a file full of one mistake should not print thousands of lines

TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")
PATIENT_COLUMNS = (
    "patient_id",
    "diagnosis",
    "excluded",
    "exclusion_reason",
    "followup_years",
    "sex",
    "age_at_implant",
    "years_since_onset",
    "sci_level",
    "ais_grade",
)
DOSE_COLUMNS = ("patient_id", "years_since_implant", "dose_ug_per_day")


def _isin(values, what):
    return pa.Check.isin(list(values), error=f"must be one of {', '.join(values)}{what}")


PATIENTS = pa.DataFrameSchema(
    {
        "patient_id": pa.Column(
            str,
            pa.Check.str_length(min_value=1, error="must not be empty"),
            unique=True,
            nullable=False,
            report_duplicates="exclude_first",
        ),
        "diagnosis": pa.Column(str, _isin(DIAGNOSES, ""), nullable=False),
        "excluded": pa.Column(str, _isin(TRUE + FALSE, " (excluded from the analysis?)"), nullable=False),
        "exclusion_reason": pa.Column(str, _isin(published.EXCLUSION_REASONS, " or empty"), nullable=True),
        "followup_years": pa.Column(
            float,
            pa.Check.in_range(0, MAX_FOLLOWUP, error=f"must be from 0 to {MAX_FOLLOWUP:g} years"),
            coerce=True,
            nullable=False,
        ),
        "sex": pa.Column(str, _isin(("F", "M"), " or empty"), nullable=True),
        "age_at_implant": pa.Column(
            float, pa.Check.in_range(0, 100, error="must be from 0 to 100 years"), coerce=True, nullable=True
        ),
        "years_since_onset": pa.Column(
            float,
            pa.Check.in_range(0, MAX_YEARS_SINCE_ONSET, error=f"must be from 0 to {MAX_YEARS_SINCE_ONSET:g} years"),
            coerce=True,
            nullable=True,
        ),
        "sci_level": pa.Column(str, _isin(("cervical", "thoracic"), " or empty"), nullable=True),
        "ais_grade": pa.Column(str, _isin(tuple("ABCD"), " or empty"), nullable=True),
    },
    strict=False,
    name="patients.csv",
)

DOSES = pa.DataFrameSchema(
    {
        "patient_id": pa.Column(str, pa.Check.str_length(min_value=1, error="must not be empty"), nullable=False),
        "years_since_implant": pa.Column(
            float, pa.Check.ge(0, error="must be 0 or more years"), coerce=True, nullable=False
        ),
        "dose_ug_per_day": pa.Column(
            float,
            [
                pa.Check.gt(0, error="must be above 0 µg/24 h"),
                pa.Check.le(MAX_DOSE, error=f"is implausible above {MAX_DOSE:g} µg/24 h (unit error?)"),
            ],
            coerce=True,
            nullable=False,
        ),
    },
    strict=False,
    name="doses.csv",
)


def read_folder(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate a data folder; raise :class:`StudyInputError` with every problem found."""
    folder = Path(folder)
    if not folder.exists():
        raise StudyInputError(f"data folder {folder}: does not exist")
    if not folder.is_dir():
        raise StudyInputError(f"data folder {folder}: is not a folder")
    frames, problems = {}, []
    for name, columns in (("patients.csv", PATIENT_COLUMNS), ("doses.csv", DOSE_COLUMNS)):
        try:
            frames[name] = _read_csv(folder / name, columns)
        except StudyInputError as err:
            problems += err.lines
    if problems:
        raise StudyInputError(problems)
    return validate(frames["patients.csv"], frames["doses.csv"])


def _read_csv(path: Path, columns) -> pd.DataFrame:
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
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise StudyInputError(f"{name}: not a readable CSV file ({str(err).strip()})") from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise StudyInputError(
            [f"{name}, column '{c}': missing (the file has: {', '.join(df.columns)})" for c in missing]
        )
    if df.empty:
        raise StudyInputError(f"{name}: has a header but no data rows")
    return df


def _line(index) -> int:
    return int(index) + 2  # CSV line: header is line 1, the first data row line 2


def _schema_lines(schema: pa.DataFrameSchema, df: pd.DataFrame):
    """Validate with pandera; return (validated frame or None, readable lines)."""
    try:
        return schema.validate(df, lazy=True), []
    except pa.errors.SchemaErrors as err:
        lines = []
        fc = err.failure_cases.sort_values("index", kind="stable", na_position="first")
        for row in fc.itertuples(index=False):
            col, check, case, idx = row.column, str(row.check), row.failure_case, row.index
            where = (
                f"{schema.name}, line {_line(idx)}, column '{col}'"
                if pd.notna(idx)
                else f"{schema.name}, column '{col}'"
            )
            if check.startswith("coerce_dtype"):
                rule = "must be a number"
            elif check == "not_nullable":
                rule = "must not be empty"
            elif check == "field_uniqueness":
                rule = "duplicate value (each patient once)"
            elif check.startswith("column_in_dataframe"):
                rule = "missing"
            else:
                rule = check
            lines.append(f"{where}: {rule}, got {case!r}" if pd.notna(case) else f"{where}: {rule}")
        return None, lines


def validate(patients: pd.DataFrame, doses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check both tables against the contract and return them typed (never modifies the inputs)."""
    p_in, d_in = _as_text(patients), _as_text(doses)
    p, lines = _schema_lines(PATIENTS, p_in)
    d, more = _schema_lines(DOSES, d_in)
    lines += more
    if p is not None and d is not None:
        lines += _cross_checks(p, d)
    if lines:
        shown = lines[:MAX_LINES_SHOWN]
        if len(lines) > MAX_LINES_SHOWN:
            shown.append(f"... and {len(lines) - MAX_LINES_SHOWN} more problems of the same kinds")
        raise StudyInputError(shown)
    return _typed(p, d)


_TEXT_COLUMNS = ("patient_id", "diagnosis", "excluded", "exclusion_reason", "sex", "sci_level", "ais_grade")


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """The contract is stated on CSV text: typed frames (from the generator) are brought to the same form."""
    out = df.copy()
    for c in _TEXT_COLUMNS:
        if c in out:
            s = out[c]
            if s.dtype == bool:
                s = s.map({True: "true", False: "false"})
            s = s.astype(object)
            out[c] = s.where(s.notna() & (s != ""), None)
    return out


def _cross_checks(p: pd.DataFrame, d: pd.DataFrame) -> list[str]:
    lines = []
    excluded = p["excluded"].str.lower().isin(TRUE)
    reason = p["exclusion_reason"]
    for i in p.index[excluded & reason.isna()]:
        lines.append(
            f"patients.csv, line {_line(i)}, column 'exclusion_reason': excluded patient "
            f"{p.at[i, 'patient_id']} needs a reason ({' or '.join(published.EXCLUSION_REASONS)})"
        )
    for i in p.index[~excluded & reason.notna()]:
        lines.append(
            f"patients.csv, line {_line(i)}, column 'exclusion_reason': patient {p.at[i, 'patient_id']} "
            f"is not excluded but has a reason; set excluded to true or clear the reason"
        )
    for i in p.index[(p["diagnosis"] == "MS") & (p["sci_level"].notna() | p["ais_grade"].notna())]:
        lines.append(
            f"patients.csv, line {_line(i)}, columns 'sci_level'/'ais_grade': MS patient "
            f"{p.at[i, 'patient_id']} has a spinal cord injury level or AIS grade"
        )
    known = set(p["patient_id"])
    unknown = ~d["patient_id"].isin(known)
    for i in d.index[unknown]:
        lines.append(
            f"doses.csv, line {_line(i)}, column 'patient_id': {d.at[i, 'patient_id']!r} is not in patients.csv"
        )
    fu = d["patient_id"].map(p.drop_duplicates("patient_id").set_index("patient_id")["followup_years"])
    for i in d.index[fu.notna() & (d["years_since_implant"] > fu)]:
        lines.append(
            f"doses.csv, line {_line(i)}, column 'years_since_implant': {d.at[i, 'years_since_implant']:g} "
            f"is beyond the follow-up of patient {d.at[i, 'patient_id']} ({fu[i]:g} years)"
        )
    prev = d.groupby("patient_id", sort=False)["years_since_implant"].shift()
    for i in d.index[prev.notna() & (d["years_since_implant"] <= prev)]:
        lines.append(
            f"doses.csv, line {_line(i)}, column 'years_since_implant': adjustments of patient "
            f"{d.at[i, 'patient_id']} out of order ({d.at[i, 'years_since_implant']:g} after {prev[i]:g}); "
            "list each patient's adjustments in time order, one per time"
        )
    with_doses = set(d["patient_id"])
    for i in p.index[~excluded & ~p["patient_id"].isin(with_doses)]:
        lines.append(
            f"patients.csv, line {_line(i)}: patient {p.at[i, 'patient_id']} is analysed but has no rows in doses.csv"
        )
    return lines


def _typed(p: pd.DataFrame, d: pd.DataFrame):
    p = p.copy()
    p["excluded"] = p["excluded"].str.lower().isin(TRUE)
    for c in ("patient_id", "diagnosis", "exclusion_reason", "sex", "sci_level", "ais_grade"):
        p[c] = p[c].astype("str")
    p["age_at_implant"] = p["age_at_implant"].astype(float)
    d = d.copy()
    d["patient_id"] = d["patient_id"].astype("str")
    return p.reset_index(drop=True), d.reset_index(drop=True)
