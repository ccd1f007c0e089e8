"""The data contract: what ``patients`` and ``doses`` must hold, checked before any analysis.

Column rules are pandera schemas, stated on the text of the cells; the rules that need both tables (dose
rows for unknown patients, adjustments beyond follow-up ...) are checked after them. Every broken rule
becomes one line naming the file, the column and the rule, with how many rows break it and the first few
of their lines, so a clinic can fix its export. Reading the files is :mod:`helpers.clinic.export_files`'s job; the data
dictionary in ``data/synthetic/README.md`` documents the same rules for people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from helpers.clinic import normalise
from helpers.clinic.problems import DEFAULT_PLACES, Problems
from helpers.core import published
from helpers.core.diagnoses import DIAGNOSES, MS

MAX_DOSE = 3000.0  # µg/24 h: above any reported ITB maintenance dose; a larger value is a typo or a unit error
LOW_DOSE = 5.0  # µg/24 h: allowed, but below any usual ITB dose (a dose in mg/24 h?): a warning
DOSE_JUMP = 10.0  # a dose this many times the previous one (or a tenth of it): allowed, but worth a look
MAX_FOLLOWUP = 60.0
MAX_YEARS_SINCE_ONSET = 80.0  # years; the generator keeps inside it too

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
# May be left out of patients.csv: the study then treats every value as not recorded (Table 1 says so). A
# reason is still required for each excluded patient.
OPTIONAL_COLUMNS = ("exclusion_reason", "sex", "age_at_implant", "years_since_onset", "sci_level", "ais_grade")
# Time in either of two forms per file: years, or ISO dates (YYYY-MM-DD) from which the years are computed
# as days / 365.25. Doses given by date need the patients' implant dates.
FORMS = {
    "patients": ("followup_years", ("implant_date", "review_end_date")),
    "doses": ("years_since_implant", ("date",)),
}
DAYS_PER_YEAR = 365.25
DATE_RULE = "not a date written YYYY-MM-DD"
NUMBER_COLUMNS = ("followup_years", "age_at_implant", "years_since_onset", "years_since_implant", "dose_ug_per_day")


@dataclass(frozen=True)
class Rules:
    """The study's parameters that the contract depends on (what the analysis will need of the data)."""

    reference_year: int = published.REFERENCE_YEAR
    min_followup_years: float = published.MIN_FOLLOWUP_YEARS
    accept_low_reference_dose: bool = False  # a reference dose under LOW_DOSE (mg/24 h?) is analysed, not refused


KNOWN_COLUMNS = {*PATIENT_COLUMNS, *DOSE_COLUMNS, *FORMS["patients"][1], *FORMS["doses"][1]}


def column_name(name) -> str:
    """A header as the contract spells it (:func:`helpers.clinic.normalise.column_name`)."""
    return normalise.column_name(name, KNOWN_COLUMNS)


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _is_number():
    return pa.Check(lambda s: _number(s).notna(), error="not a number")


def _between(low, high, rule):
    return pa.Check(lambda s: _number(s).isna() | _number(s).between(low, high), error=rule)


def _is_date():
    return pa.Check(lambda s: normalise.as_dates(s).notna(), error=DATE_RULE)


def _coded(column):
    """A coded column holds one of its accepted values (normalised to one form first): the one list of
    spellings, :data:`helpers.clinic.normalise.SPELLINGS`."""
    return pa.Check.isin(list(normalise.forms(column)), error=f"not {normalise.accepted(column)}")


def _id():
    return pa.Column(str, nullable=False)


_PATIENTS = {
    "patient_id": pa.Column(str, unique=True, nullable=False, report_duplicates="exclude_first"),
    "diagnosis": pa.Column(str, _coded("diagnosis"), nullable=False),
    "excluded": pa.Column(str, _coded("excluded"), nullable=False),
    "exclusion_reason": pa.Column(str, nullable=True),  # free text: each clinic has its own reasons
    "followup_years": pa.Column(
        None, [_is_number(), _between(0, MAX_FOLLOWUP, f"outside 0-{MAX_FOLLOWUP:g} years")], nullable=False
    ),
    "sex": pa.Column(str, _coded("sex"), nullable=True),
    "age_at_implant": pa.Column(None, [_is_number(), _between(0, 100, "outside 0-100 years")], nullable=True),
    "years_since_onset": pa.Column(
        None,
        [_is_number(), _between(0, MAX_YEARS_SINCE_ONSET, f"outside 0-{MAX_YEARS_SINCE_ONSET:g} years")],
        nullable=True,
    ),
    "sci_level": pa.Column(str, _coded("sci_level"), nullable=True),
    "ais_grade": pa.Column(str, _coded("ais_grade"), nullable=True),
}
_DATES = {c: pa.Column(str, _is_date(), nullable=False) for c in ("implant_date", "review_end_date", "date")}
PATIENTS = pa.DataFrameSchema(_PATIENTS, name="patients")
PATIENTS_BY_DATE = pa.DataFrameSchema(
    {**{c: v for c, v in _PATIENTS.items() if c != "followup_years"}, **{c: _DATES[c] for c in FORMS["patients"][1]}},
    name="patients",
)

_DOSES = {
    "patient_id": _id(),
    "years_since_implant": pa.Column(None, [_is_number(), _between(0, np.inf, "below 0 years")], nullable=False),
    "dose_ug_per_day": pa.Column(
        None,
        [
            _is_number(),
            pa.Check(lambda s: _number(s).isna() | (_number(s) > 0), error="at or below 0 µg/24 h"),
            _between(-np.inf, MAX_DOSE, f"above {MAX_DOSE:g} µg/24 h (implausible: a unit error?)"),
        ],
        nullable=False,
    ),
}
DOSES = pa.DataFrameSchema(_DOSES, name="doses")
DOSES_BY_DATE = pa.DataFrameSchema(
    {**{c: v for c, v in _DOSES.items() if c != "years_since_implant"}, "date": _DATES["date"]}, name="doses"
)

_RULES = {"not_nullable": "empty", "field_uniqueness": "repeating an earlier patient_id (each patient once)"}


def _schema_problems(schema: pa.DataFrameSchema, df: pd.DataFrame, problems: Problems) -> bool:
    """Validate one table with pandera into ``problems``; True if it passed."""
    try:
        schema.validate(df, lazy=True)
        return True
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        for (column, check), rows in fc.groupby(["column", "check"], sort=False, dropna=False):
            rule = _RULES.get(str(check), str(check))
            idx = [int(i) for i in rows["index"] if pd.notna(i)]
            values = [None if df.at[i, column] is None else repr(df.at[i, column]) for i in idx]
            if idx:
                problems.add(schema.name, column, rule, idx, None if rule == "empty" else values)
            else:
                problems.whole(f"{problems.places[schema.name].name}, column '{column}': {rule}")
        return False


def validate(
    patients: pd.DataFrame, doses: pd.DataFrame, places=None, rules: Rules | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check both tables against the contract and return them typed (never modifies the inputs), with a column
    ``short_followup``: followed for less than ``rules.min_followup_years``, so not analysed.

    ``places`` names where each table came from (default: patients.csv and doses.csv, numbered by line).
    """
    problems, rules = Problems(places or DEFAULT_PLACES), rules or Rules()
    p, d = normalise.spelled(normalise.as_text(patients, KNOWN_COLUMNS)), normalise.as_text(doses, KNOWN_COLUMNS)
    by_date = {"patients": _form(p, "patients", problems), "doses": _form(d, "doses", problems)}
    if by_date["doses"] and by_date["patients"] is False:
        problems.whole(
            f"{problems.places['doses'].name}, column 'date': dates need implant_date and review_end_date in "
            f"{problems.places['patients'].name}, which gives followup_years; give years_since_implant instead, "
            "or dates in both files"
        )
    for table, df, columns in (("patients", p, PATIENT_COLUMNS), ("doses", d, DOSE_COLUMNS)):
        for c in columns:
            if c not in df.columns and c not in OPTIONAL_COLUMNS and c != FORMS[table][0]:
                problems.whole(
                    f"{problems.places[table].name}, column '{c}': missing (the file has: {', '.join(df.columns)})"
                )
    problems.raise_any()
    p = p.assign(**{c: None for c in OPTIONAL_COLUMNS if c not in p.columns})
    ok = _schema_problems(PATIENTS_BY_DATE if by_date["patients"] else PATIENTS, p, problems)
    ok &= _schema_problems(DOSES_BY_DATE if by_date["doses"] else DOSES, d, problems)
    if ok:
        p, d = _years_from_dates(p, d, by_date, problems)
    if ok and not problems:
        _cross_checks(p, d, problems, by_date)
    if ok and not problems:
        _what_the_analysis_needs(p, d, problems, by_date, rules)
    problems.raise_any()
    return _typed(p, d, rules)


def _form(df: pd.DataFrame, table: str, problems: Problems) -> bool | None:
    """Whether ``table`` gives time as dates (True) or years (False); None, with a problem, if it is unclear."""
    years, dates = FORMS[table]
    name, given = problems.places[table].name, [c for c in dates if c in df.columns]
    if years in df.columns and given:
        problems.whole(
            f"{name}: has both {years} and {'/'.join(given)}; give time in one form, years or dates "
            "(see the data dictionary)"
        )
        return None
    if years in df.columns:
        return False
    if not given:
        problems.whole(
            f"{name}, column '{years}': missing, or give {' and '.join(dates)} instead "
            f"(the file has: {', '.join(df.columns)})"
        )
        return None
    for c in dates:
        if c not in given:
            problems.whole(f"{name}, column '{c}': missing (dates need {' and '.join(dates)})")
    return len(given) == len(dates) or None


def _years_from_dates(p: pd.DataFrame, d: pd.DataFrame, by_date: dict, problems: Problems):
    """Years since implant from dates (days / 365.25), with the rules only dates can break."""
    p, d = p.copy(), d.copy()
    if by_date["patients"]:
        implant, end = normalise.as_dates(p["implant_date"]), normalise.as_dates(p["review_end_date"])
        years = (end - implant).dt.days / DAYS_PER_YEAR
        shown = [repr(v) for v in p["review_end_date"]]
        for bad, rule in (
            (years < 0, "before implant_date"),
            (years > MAX_FOLLOWUP, f"more than {MAX_FOLLOWUP:g} years after implant_date"),
        ):
            problems.add("patients", "review_end_date", rule, p.index[bad], [v for v, b in zip(shown, bad) if b])
        p["followup_years"] = years
    if by_date["doses"]:
        # doses are checked against each patient's dates, unless those were found wrong above
        dates = p.loc[~(p["followup_years"] < 0)].set_index("patient_id")
        implant = d["patient_id"].map(normalise.as_dates(dates["implant_date"]))
        end = d["patient_id"].map(normalise.as_dates(dates["review_end_date"]))
        when = normalise.as_dates(d["date"])
        shown = [repr(v) for v in d["date"]]
        for bad, rule in (
            (when < implant, "dated before the patient's implant_date"),
            (when > end, "dated after the patient's review_end_date"),
        ):
            problems.add("doses", "date", rule, d.index[bad], [v for v, b in zip(shown, bad) if b])
        d["years_since_implant"] = (when - implant).dt.days / DAYS_PER_YEAR
    return p, d


def unused_columns(patients: pd.DataFrame, doses: pd.DataFrame) -> dict[str, list[str]]:
    """Columns of each table that the contract does not know: ignored, and never carried into any output."""
    return {
        "patients": [str(c) for c in patients.columns if c not in (*PATIENT_COLUMNS, *FORMS["patients"][1])],
        "doses": [str(c) for c in doses.columns if c not in (*DOSE_COLUMNS, *FORMS["doses"][1])],
    }


def _cross_checks(p: pd.DataFrame, d: pd.DataFrame, problems: Problems, by_date: dict) -> None:
    file = {table: place.name for table, place in problems.places.items()}
    excluded = p["excluded"] == "true"
    reason = p["exclusion_reason"]
    problems.add("patients", "exclusion_reason", "excluded without a reason", p.index[excluded & reason.isna()])
    has_reason = ~excluded & reason.notna()
    problems.add(
        "patients",
        "exclusion_reason",
        "with a reason but not excluded (set excluded to true or clear the reason)",
        p.index[has_reason],
    )
    ms_sci = (p["diagnosis"] == MS) & (p["sci_level"].notna() | p["ais_grade"].notna())
    problems.add(
        "patients",
        ("sci_level", "ais_grade"),
        "with an SCI level or AIS grade for an MS patient",
        p.index[ms_sci],
        [repr(v) for v in p.loc[ms_sci, "patient_id"]],
    )
    unknown = ~d["patient_id"].isin(set(p["patient_id"]))
    problems.add(
        "doses",
        "patient_id",
        f"for a patient not in {file['patients']}",
        d.index[unknown],
        [repr(v) for v in d.loc[unknown, "patient_id"]],
    )
    years = _number(d["years_since_implant"])
    time = "date" if by_date["doses"] else "years_since_implant"
    if not by_date["doses"]:  # dated doses were checked against the review end date
        fu = d["patient_id"].map(p.set_index("patient_id")["followup_years"].map(float))
        beyond = fu.notna() & (years > fu)
        end = "review_end_date" if by_date["patients"] else "followup_years"
        problems.add(
            "doses",
            time,
            f"after the end of the patient's follow-up ({end})",
            d.index[beyond],
            [f"{pid} at {y:g} > {f:g}" for pid, y, f in zip(d.loc[beyond, "patient_id"], years[beyond], fu[beyond])],
        )
    prev = years.groupby(d["patient_id"], sort=False).shift()
    shown = d[time].map(lambda v: f"{v:g}" if isinstance(v, float) else str(v))
    before = shown.groupby(d["patient_id"], sort=False).shift()
    order, same = prev.notna() & (years < prev), prev.notna() & (years == prev)
    problems.add(
        "doses",
        time,
        "out of time order within a patient (list each patient's adjustments in time order)",
        d.index[order],
        [f"{pid}: {a} after {b}" for pid, a, b in zip(d.loc[order, "patient_id"], shown[order], before[order])],
    )
    problems.add(
        "doses",
        time,
        f"giving a patient two doses {'on the same date' if by_date['doses'] else 'at the same time'} (keep the "
        "one in force at the end of that day)",
        d.index[same],
        [f"{pid}: {a}" for pid, a in zip(d.loc[same, "patient_id"], shown[same])],
    )


def _what_the_analysis_needs(p: pd.DataFrame, d: pd.DataFrame, problems: Problems, by_date: dict, rules: Rules):
    """The rules the notebooks rely on, given the study's parameters: each analysed patient (not excluded,
    followed at least the minimum) has dose rows, the first at or before the reference year, and both
    diagnoses have analysed patients."""
    file = {table: place.name for table, place in problems.places.items()}
    analysed = (p["excluded"] != "true") & (_number(p["followup_years"]) >= rules.min_followup_years)
    who = f"followed at least {rules.min_followup_years:g} years and not excluded"
    no_doses = analysed & ~p["patient_id"].isin(set(d["patient_id"]))
    problems.add(
        "patients",
        "patient_id",
        f"analysed ({who}) but without rows in {file['doses']}",
        p.index[no_doses],
        [repr(v) for v in p.loc[no_doses, "patient_id"]],
    )
    years = _number(d["years_since_implant"])
    first = ~d["patient_id"].duplicated() & d["patient_id"].isin(set(p.loc[analysed, "patient_id"]))
    late = first & (years > rules.reference_year)
    time = "date" if by_date["doses"] else "years_since_implant"
    problems.add(
        "doses",
        time,
        f"giving an analysed patient's first dose after year {rules.reference_year:g}, the reference year (the "
        f"study compares each dose with the one in force at year {rules.reference_year:g}: add that dose, or set "
        "reference_year in a parameters file)",
        d.index[late],
        [f"{pid} at {y:.2f} years" for pid, y in zip(d.loc[late, "patient_id"], years[late])],
    )
    # the dose in force at the reference year is every later dose's denominator: one written in mg/24 h would make
    # each % of that patient a thousandfold too large, so it stops the run unless the parameter accepts it
    in_force = d.loc[d["patient_id"].isin(set(p.loc[analysed, "patient_id"])) & (years <= rules.reference_year)]
    ref = in_force.loc[~in_force["patient_id"].duplicated(keep="last")]
    low = ref.index[_number(ref["dose_ug_per_day"]) < LOW_DOSE]
    problems.add(
        "doses",
        "dose_ug_per_day",
        f"giving an analysed patient's reference dose (in force at year {rules.reference_year:g}) under {LOW_DOSE:g} "
        "µg/24 h, as if written in mg/24 h: each of that patient's % would be a thousandfold too large; correct the "
        "unit, or set accept_low_reference_dose: true in a parameters file",
        [] if rules.accept_low_reference_dose else low,
        [f"{pid}: {v}" for pid, v in zip(d.loc[low, "patient_id"], d.loc[low, "dose_ug_per_day"])],
    )
    for dx in DIAGNOSES:
        if not (analysed & (p["diagnosis"] == dx)).any():
            problems.whole(
                f"{file['patients']}, column 'diagnosis': no analysed {dx} patient ({who}); "
                "the study compares MS with SCI"
            )


def plausibility(doses: pd.DataFrame, places=None) -> list[str]:
    """Doses the contract allows but that are unlikely, one line per rule with the count and the first lines
    (no patient and no value is named: these lines are shown in the run's pages too)."""
    warn = Problems(places or DEFAULT_PLACES)
    dose = _number(doses["dose_ug_per_day"])
    by_patient = dose.groupby(doses["patient_id"], sort=False)
    all_low = by_patient.transform("max") < LOW_DOSE
    warn.add(
        "doses",
        "dose_ug_per_day",
        f"of patients whose doses are all under {LOW_DOSE:g} µg/24 h, as if written in mg/24 h (0.1 mg = 100 µg): "
        "allowed, but check the unit",
        doses.index[all_low],
    )
    warn.add(
        "doses",
        "dose_ug_per_day",
        f"under {LOW_DOSE:g} µg/24 h, below the usual ITB doses: allowed, but check the value and its unit",
        doses.index[~all_low & (dose < LOW_DOSE)],
    )
    ratio = dose / by_patient.shift()
    warn.add(
        "doses",
        "dose_ug_per_day",
        f"more than {DOSE_JUMP:g} times, or under a {DOSE_JUMP:g}th of, the patient's previous dose: allowed, "
        "but check for a typing or unit error",
        doses.index[(ratio > DOSE_JUMP) | (ratio < 1 / DOSE_JUMP)],
    )
    return warn.lines()


def _typed(p: pd.DataFrame, d: pd.DataFrame, rules: Rules):
    """The contract's columns only (others are dropped here), each with its type, and ``short_followup``."""
    p = p[list(PATIENT_COLUMNS)].copy()
    p["excluded"] = p["excluded"] == "true"
    p["exclusion_reason"] = normalise.one_spelling(p["exclusion_reason"])
    for c in ("patient_id", "diagnosis", "exclusion_reason", "sex", "sci_level", "ais_grade"):
        p[c] = p[c].astype("str")
    for c in ("followup_years", "age_at_implant", "years_since_onset"):
        p[c] = _number(p[c]).astype(float)
    p["short_followup"] = p["followup_years"] < rules.min_followup_years
    d = d[list(DOSE_COLUMNS)].copy()
    d["patient_id"] = d["patient_id"].astype("str")
    for c in ("years_since_implant", "dose_ug_per_day"):
        d[c] = _number(d[c]).astype(float)
    return p.reset_index(drop=True), d.reset_index(drop=True)
