"""The numbers Skoog & Hedman 2019 published, each once, with where it is stated.

Skoog B, Hedman G. Intrathecal Baclofen Dosage for Long-Term Treatment of Patients With Spasticity Due
to Traumatic Spinal Cord Injuries or Multiple Sclerosis. Ann Rehabil Med 2019;43(5):555-561.
doi:10.5535/arm.2019.43.5.555

Everything the study reports as "published" is read from here; nothing else types these values.
"""

from __future__ import annotations

from dataclasses import dataclass

CITATION = (
    "Skoog B, Hedman G. Intrathecal Baclofen Dosage for Long-Term Treatment of Patients With Spasticity "
    "Due to Traumatic Spinal Cord Injuries or Multiple Sclerosis. Ann Rehabil Med 2019;43(5):555-561."
)
DOI = "10.5535/arm.2019.43.5.555"


@dataclass(frozen=True)
class Published:
    key: str
    label: str
    value: float
    decimals: int  # the paper's precision: results are compared after rounding to it
    unit: str
    source: str

    def fmt(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"


_ABSTRACT = "abstract and results"
_PATIENTS = "results (patients)"

PUBLISHED: tuple[Published, ...] = (
    Published("n_screened", "Patients screened (ITB >= 7 years)", 49, 0, "patients", _PATIENTS),
    Published("n_excluded", "Patients excluded", 8, 0, "patients", _PATIENTS),
    Published("n_analysed", "Patients analysed", 41, 0, "patients", _PATIENTS),
    Published("n_sci", "SCI patients", 19, 0, "patients", _PATIENTS),
    Published("n_sci_cervical", "SCI, cervical level", 15, 0, "patients", _PATIENTS),
    Published("n_sci_thoracic", "SCI, thoracic level", 4, 0, "patients", _PATIENTS),
    Published("n_sci_ais_a", "SCI, AIS A", 7, 0, "patients", _PATIENTS),
    Published("n_sci_ais_bd", "SCI, AIS B-D", 12, 0, "patients", _PATIENTS),
    Published("n_ms", "MS patients", 22, 0, "patients", _PATIENTS),
    Published("dose_ref_median", "Dose after 1 year, median", 168, 0, "µg/24 h", _ABSTRACT),
    Published("dose_ref_min", "Dose after 1 year, minimum", 30, 0, "µg/24 h", _ABSTRACT),
    Published("dose_ref_max", "Dose after 1 year, maximum", 725, 0, "µg/24 h", _ABSTRACT),
    Published("ms_n_7y", "MS patients at 7 years", 22, 0, "patients", _ABSTRACT),
    Published("ms_n_10y", "MS patients at 10 years", 18, 0, "patients", _ABSTRACT),
    Published("ms_pct_7y", "MS dose at 7 years, mean % of the initial dose", 157, 0, "%", _ABSTRACT),
    Published("ms_pct_10y", "MS dose at 10 years, mean % of the initial dose", 194, 0, "%", _ABSTRACT),
    Published("sci_pct_7y", "SCI dose at 7 years, mean % of the initial dose", 113, 0, "%", _ABSTRACT),
    Published("sci_pct_10y", "SCI dose at 10 years, mean % of the initial dose", 121, 0, "%", _ABSTRACT),
    Published("p_7y", "MS vs SCI at 7 years, t-test p", 0.006, 3, "", _ABSTRACT),
    Published("p_10y", "MS vs SCI at 10 years, t-test p", 0.004, 3, "", _ABSTRACT),
)

BY_KEY = {p.key: p for p in PUBLISHED}


def value(key: str) -> float:
    return BY_KEY[key].value


def formatted() -> dict[str, str]:
    """Every published value as text at the paper's precision, keyed like PUBLISHED (for notebook prose)."""
    return {p.key: p.fmt(p.value) for p in PUBLISHED}


# Not numbers to reproduce, but facts of the design the generator follows.
REFERENCE_YEAR = 1  # the "initial" dose is the dose after 1 year of titration
TIME_POINTS = (7, 10)
MIN_FOLLOWUP_YEARS = 7  # "treated with ITB for at least 7 years": the inclusion rule
ADJUSTMENTS_PER_YEAR = (4, 10)  # "about 4-10 times a year"
EXCLUSION_REASONS = ("catheter or pump failure", "factor aggravating spasticity")
