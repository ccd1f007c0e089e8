"""An export brought to the contract's one form, before its rules are checked: headers in any case, cells as
trimmed text, each accepted spelling of a coded value in its one form, ISO dates, one spelling per free-text
reason. What is accepted is listed once, here (:data:`SPELLINGS`); the rules are :mod:`helpers.clinic.contract`'s,
and the data dictionary (``data/synthetic/README.md``) is tested against both.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.core.diagnoses import MS, SCI

# Spellings whose meaning is clear are accepted in any case and brought to one form; anything else is refused.
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")
SPELLINGS = {
    "excluded": {**dict.fromkeys(TRUE, "true"), **dict.fromkeys(FALSE, "false")},
    "diagnosis": {"ms": MS, "sci": SCI},
    "sex": {"f": "F", "female": "F", "m": "M", "male": "M"},
    "sci_level": {"cervical": "cervical", "thoracic": "thoracic"},
    "ais_grade": {g.lower(): g for g in "ABCD"},
}


def column_name(name, known_columns) -> str:
    """A header as the contract spells it when it names one of its columns in another case or with spaces
    around it (``" Patient_ID "``); any other header as written, without the spaces."""
    name = str(name).strip()
    return name.lower() if name.lower() in known_columns else name


def as_dates(s: pd.Series) -> pd.Series:
    """ISO 8601 calendar dates (YYYY-MM-DD, nothing else: 03/04/2010 could be March or April) as datetimes."""
    iso = s.map(lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None)
    return pd.to_datetime(s.where(iso, None), format="%Y-%m-%d", errors="coerce")


def as_text(df: pd.DataFrame, known_columns) -> pd.DataFrame:
    """The contract is stated on text: typed frames (from the generator) are brought to the same form."""
    out = df.copy()
    out.columns = [column_name(c, known_columns) for c in out.columns]
    for c in out.columns:
        s = out[c]
        if s.dtype == bool:
            s = s.map({True: "true", False: "false"})
        elif pd.api.types.is_numeric_dtype(s):
            s = s.map(lambda v: None if pd.isna(v) else repr(v.item() if hasattr(v, "item") else v))
        s = s.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
        out[c] = s.where(s.notna() & (s != ""), None)
    return out


def spelled(df: pd.DataFrame) -> pd.DataFrame:
    """Each accepted spelling in its one form (``TRUE`` -> true, female -> F, ms -> MS); others stay as written."""
    out = df.copy()
    for c, forms in SPELLINGS.items():
        if c in out:
            out[c] = [forms.get(v.lower(), v) if isinstance(v, str) else v for v in out[c]]
    return out


def one_spelling(reasons: pd.Series) -> pd.Series:
    """Free-text reasons with spaces collapsed, and one spelling for a reason written in several cases
    (its most frequent spelling; the first written among equals), so each reason is counted once."""
    text = reasons.map(lambda v: " ".join(v.split()) if isinstance(v, str) else v)
    written = text.dropna().astype(str)
    if written.empty:
        return text
    key = written.str.casefold()
    spelling = written.groupby(key, sort=False).agg(lambda s: s.value_counts(sort=True).index[0])
    return text.map(lambda v: spelling[v.casefold()] if isinstance(v, str) else v)


def forms(column: str) -> tuple[str, ...]:
    """The one form of each accepted value of a coded column, in order (``("F", "M")``)."""
    return tuple(dict.fromkeys(SPELLINGS[column].values()))


def accepted(column: str) -> str:
    """The accepted spellings of a coded column as a rule names them: its forms, then the other spellings
    ("F, M, female or male"); true and false as pairs ("one of true/false, yes/no, y/n, 1/0")."""
    if column == "excluded":
        return "one of " + ", ".join(f"{t}/{f}" for t, f in zip(TRUE, FALSE))
    shown = [*forms(column), *(s for s in SPELLINGS[column] if s not in {f.lower() for f in forms(column)})]
    return ", ".join(shown[:-1]) + " or " + shown[-1]
