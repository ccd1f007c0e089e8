"""The reporting checklist: STROBE for cohort studies, with the RECORD items for routinely collected data.

One row per item: what the item asks (paraphrased), what the paper reports, what this study shows, and what
stays missing. "The paper reports" is limited to what this study holds of the paper: the design, counts and
results of its abstract, and the 20 numbers of helpers/published.py. Where that record is silent the row
says so, and a reader should check the full text before counting it as unreported.

Numbers of the paper are written as {fields} and filled from helpers/published.py, never typed here.

STROBE: von Elm E et al. Lancet 2007;370:1453-7 (doi:10.1016/S0140-6736(07)61602-X).
RECORD: Benchimol EI et al. PLoS Med 2015;12:e1001885 (doi:10.1371/journal.pmed.1001885).
"""

from __future__ import annotations

import pandas as pd

from . import published

NOT_IN_RECORD = "Not in this study's record of the paper (abstract and published numbers); check the full text."
NOT_APPLICABLE = "Not applicable: one source of data (the clinic's charts), no linkage."

COLUMNS = ("item", "checklist", "section", "asks", "paper_reports", "this_study_shows", "still_missing")

# (item, checklist, section, asks, paper reports, this study shows, still missing)
ITEMS: tuple[tuple[str, ...], ...] = (
    (
        "1a",
        "STROBE",
        "Title and abstract",
        "The design named in the title or abstract",
        "The abstract names it (a retrospective chart review); the title does not.",
        "README: a re-creation on synthetic data; notebook 1: the paper is a retrospective chart review.",
        "-",
    ),
    (
        "1b",
        "STROBE",
        "Title and abstract",
        "An informative and balanced summary",
        "Counts, the {ref}-year median dose and range, mean % of the {ref}-year dose at {t1} and {t2} years (MS n={ms_n_7y} "
        "and n={ms_n_10y}), and two t-test p-values; no SD, CI or SCI count at {t2} years.",
        "Notebook 4: each mean with SD and CI, the difference with its CI, Hedges' g.",
        "The SCI count at {t2} years (an assumption here, `sci_n_10y`); SDs.",
    ),
    (
        "2",
        "STROBE",
        "Background",
        "Scientific background and rationale",
        NOT_IN_RECORD,
        "-",
        "-",
    ),
    (
        "3",
        "STROBE",
        "Objectives",
        "Specific objectives, with any pre-specified hypotheses",
        "To investigate changes in ITB dose during long-term treatment (abstract); no pre-specified hypothesis, "
        "primary comparison or primary time point in the record.",
        "Notebook 6, multiverse: the paths the analysis could have taken, and which should have been pre-specified.",
        "A pre-specified primary analysis.",
    ),
    (
        "4",
        "STROBE",
        "Study design",
        "Key elements of the design early in the paper",
        "Retrospective review of the charts of patients treated with an ITB pump for at least {t1} years.",
        "The same design, re-created on synthetic data (notebooks 1-4).",
        "-",
    ),
    (
        "5",
        "STROBE",
        "Setting",
        "Setting, locations and dates (implants, follow-up, data collection)",
        "Neither the clinic nor the calendar period of implants and review is in the abstract; check the full text.",
        "Synthetic data: no place or dates.",
        "Place and dates (pumps, drug concentrations and practice changed over the years).",
    ),
    (
        "6a",
        "STROBE",
        "Participants",
        "Eligibility, sources and methods of selection; methods of follow-up",
        "Patients with an ITB pump for severe leg spasticity, treated at least {t1} years; {n_excluded} of "
        "{n_screened} excluded for catheter or pump failure or a factor aggravating spasticity.",
        "Notebook 2: the flow from screened to analysed; notebook 6, section 1: the result with the excluded kept.",
        "How the charts were found; how many patients received a pump but stopped before {t1} years.",
    ),
    (
        "7",
        "STROBE",
        "Variables",
        "Outcomes, exposures, predictors, confounders and effect modifiers defined",
        "Outcome: the dose at {t1} and {t2} years as % of the dose after {ref} year; exposure: MS or SCI; SCI "
        "level and AIS grade described.",
        "The data dictionary defines every variable and the rule for the dose at year k (the last adjustment at or "
        "before k).",
        "The paper's own rule for reading the dose at a year from the chart; possible confounders (age, time since "
        "onset, oral antispastic drugs) not defined.",
    ),
    (
        "8",
        "STROBE",
        "Data sources and measurement",
        "Sources of data and methods of measurement for each variable",
        "Hospital charts; the dose set in discussion between patient and physician, usually {adj_low}-{adj_high} "
        "times a year.",
        "The chart export format and its checks (data dictionary, `helpers/schema.py`).",
        "Drug concentration, pump type, how spasticity was assessed when the dose was changed.",
    ),
    (
        "9",
        "STROBE",
        "Bias",
        "Efforts to address potential sources of bias",
        "Patients with pump or catheter failure or a factor aggravating spasticity (which change the dose for "
        "reasons other than need) excluded; no other measure in the record.",
        "Notebook 6: selection, missing {t2}-year data, the reference dose, the summary measure, the winner's curse.",
        "The dose course of the excluded patients and of patients who stopped ITB before {t1} years.",
    ),
    (
        "10",
        "STROBE",
        "Study size",
        "How the study size was arrived at",
        "No size justification in the record.",
        "Notebook 6, section 6: prospective power for chosen differences, with assumed SDs (not post-hoc power).",
        "-",
    ),
    (
        "11",
        "STROBE",
        "Quantitative variables",
        "How quantitative variables were handled",
        "Each dose as % of the patient's dose after {ref} year, averaged per group (a mean of ratios).",
        "Notebook 6, section 4 and multiverse: ratio of means, geometric mean, median.",
        "Why the {ref}-year dose is the reference, and why an arithmetic mean of ratios.",
    ),
    (
        "12a",
        "STROBE",
        "Statistical methods",
        "All methods, including control for confounding",
        "t-tests of MS against SCI at {t1} and {t2} years (which t-test is not in the record).",
        "Notebook 4: Student and Welch t, Mann-Whitney U, Hedges' g; notebook 6: log-ratio t, a mixed model.",
        "Which t-test; no control for confounding.",
    ),
    (
        "12b",
        "STROBE",
        "Statistical methods",
        "Subgroups and interactions",
        "SCI level and AIS grade described; no subgroup analysis in the record.",
        "None.",
        "The dose course by SCI level or AIS grade.",
    ),
    (
        "12c",
        "STROBE",
        "Statistical methods",
        "How missing data were addressed",
        "Fewer patients at {t2} years (MS {ms_n_10y} of {ms_n_7y}); analysed as available, no handling stated "
        "in the record.",
        "Notebook 6: section 2 (those followed to {t2} years vs not) and the mixed model under missing at random.",
        "Why a patient has no {t2}-year dose (shorter follow-up, stopped, died).",
    ),
    (
        "12d",
        "STROBE",
        "Statistical methods",
        "Loss to follow-up",
        "MS {ms_n_7y} at {t1} and {ms_n_10y} at {t2} years; the SCI count at {t2} years is not given.",
        "Notebook 2: counts at each time point (SCI at {t2} years assumed, `sci_n_10y`).",
        "The SCI count at {t2} years and the reasons for loss.",
    ),
    (
        "12e",
        "STROBE",
        "Statistical methods",
        "Sensitivity analyses",
        NOT_IN_RECORD,
        "Notebook 6: reference year, summary, test and time point (multiverse); the excluded patients kept.",
        "-",
    ),
    (
        "13a",
        "STROBE",
        "Participants",
        "Numbers at each stage",
        "{n_screened} screened, {n_excluded} excluded, {n_analysed} analysed ({n_ms} MS, {n_sci} SCI); MS "
        "{ms_n_7y} at {t1} and {ms_n_10y} at {t2} years.",
        "Notebook 2: flow diagram and counts table.",
        "SCI at {t2} years; patients implanted who did not reach {t1} years.",
    ),
    (
        "13b",
        "STROBE",
        "Participants",
        "Reasons for non-participation at each stage",
        "Two exclusion reasons, with no count per reason in the record.",
        "Notebook 2: a count per reason (the split is an assumption, `n_excluded_pump_failure`).",
        "The count per reason and the diagnosis of each excluded patient.",
    ),
    (
        "13c",
        "STROBE",
        "Participants",
        "A flow diagram",
        NOT_IN_RECORD,
        "Notebook 2: flow diagram.",
        "-",
    ),
    (
        "14a",
        "STROBE",
        "Descriptive data",
        "Characteristics of participants",
        "Diagnosis, SCI level ({n_sci_cervical} cervical, {n_sci_thoracic} thoracic) and AIS grade ({n_sci_ais_a} A, "
        "{n_sci_ais_bd} B-D); no ages, sexes or disease durations published.",
        "Notebook 1: Table 1 by diagnosis; on synthetic data ages, sexes and years since onset are assumptions.",
        "Ages, sexes, years since onset, walking ability, oral antispastic drugs.",
    ),
    (
        "14b",
        "STROBE",
        "Descriptive data",
        "Number of participants with missing data for each variable",
        "None reported in the record.",
        "Not yet: Table 1 (notebook 1) does not count missing values per variable.",
        "The paper's missing values per variable.",
    ),
    (
        "14c",
        "STROBE",
        "Descriptive data",
        "Follow-up time",
        "At least {t1} years (the inclusion rule); no distribution in the record.",
        "Notebook 1: follow-up median and quartiles by diagnosis (synthetic: the model's).",
        "The follow-up distribution.",
    ),
    (
        "15",
        "STROBE",
        "Outcome data",
        "Outcome events or summary measures over time",
        "Mean % of the {ref}-year dose at {t1} and {t2} years by diagnosis.",
        "Notebook 4: mean, SD, CI, median and range; every patient's course.",
        "SDs or any measure of spread.",
    ),
    (
        "16a",
        "STROBE",
        "Main results",
        "Estimates with their precision (95% CI); adjusted estimates if any",
        "Means and p-values, without CIs (in the record).",
        "Notebook 4: CIs of each mean and of the difference; Hedges' g with its CI.",
        "CIs from the real data; any adjusted estimate.",
    ),
    (
        "16b",
        "STROBE",
        "Main results",
        "Category boundaries of categorised continuous variables",
        "No continuous variable categorised.",
        "-",
        "-",
    ),
    (
        "16c",
        "STROBE",
        "Main results",
        "Relative risk translated into absolute terms",
        "Relative only (% of the {ref}-year dose), besides the {ref}-year median dose ({dose_ref_median} µg/24 h).",
        "Notebook 6: doses in µg/24 h at each time point with CIs (synthetic: the model's).",
        "Doses in µg/24 h at {t1} and {t2} years.",
    ),
    (
        "17",
        "STROBE",
        "Other analyses",
        "Subgroups, interactions, sensitivity analyses",
        NOT_IN_RECORD,
        "Notebook 6.",
        "-",
    ),
    (
        "18",
        "STROBE",
        "Key results",
        "Key results with reference to the objectives",
        "In MS the dose after {t1} to {t2} years significantly above the initial dose; in SCI a smaller change "
        "(abstract).",
        "Notebook 4: the results in words, with CIs.",
        "-",
    ),
    (
        "19",
        "STROBE",
        "Limitations",
        "Limitations, with the direction and size of likely bias",
        NOT_IN_RECORD,
        "Notebook 6: each design choice shown with the data.",
        "-",
    ),
    (
        "20",
        "STROBE",
        "Interpretation",
        "Cautious interpretation, given objectives, limitations, multiplicity and other evidence",
        NOT_IN_RECORD,
        "Notebooks 4 and 6: no causal reading of two snapshots; two time points adjusted for multiplicity.",
        "-",
    ),
    (
        "21",
        "STROBE",
        "Generalisability",
        "External validity",
        NOT_IN_RECORD,
        "Notebook 5: only chart data from other clinics can show whether the findings hold for patients.",
        "Data from other clinics.",
    ),
    (
        "22",
        "STROBE",
        "Funding",
        "Sources of funding and the role of funders",
        NOT_IN_RECORD,
        "-",
        "-",
    ),
    (
        "1.1",
        "RECORD",
        "Title and abstract",
        "The type of data used, and the databases named",
        "Hospital charts (a chart review, abstract); no named database.",
        "The data dictionary describes the chart export.",
        "-",
    ),
    (
        "1.2",
        "RECORD",
        "Title and abstract",
        "Geographic region and time frame in the title or abstract",
        "Neither in the title or abstract.",
        "-",
        "Region and time frame.",
    ),
    ("1.3", "RECORD", "Title and abstract", "Linkage between databases stated", NOT_APPLICABLE, "-", "-"),
    (
        "6.1",
        "RECORD",
        "Participants",
        "The selection of the population (codes, algorithms) in detail",
        "Eligibility in words only (ITB for severe leg spasticity, at least {t1} years).",
        "The inclusion rule as code (`helpers/cohort.py`: not excluded, followed to year k).",
        "How the {n_screened} charts were identified (registers, codes, search).",
    ),
    (
        "6.2",
        "RECORD",
        "Participants",
        "Validation of the codes or algorithms used to select the population",
        "None in the record.",
        "-",
        "-",
    ),
    ("6.3", "RECORD", "Participants", "Linkage shown in a flow diagram", NOT_APPLICABLE, "-", "-"),
    (
        "7.1",
        "RECORD",
        "Variables",
        "Codes and algorithms that classify exposures, outcomes and confounders",
        "No codes: diagnosis and dose read from the charts.",
        "The data dictionary: every column, its values and the dose-at-year rule.",
        "How MS and SCI diagnoses were confirmed.",
    ),
    (
        "12.1",
        "RECORD",
        "Statistical methods",
        "The investigators' access to the whole database population",
        NOT_IN_RECORD,
        "-",
        "-",
    ),
    (
        "12.2",
        "RECORD",
        "Statistical methods",
        "Data cleaning methods",
        NOT_IN_RECORD,
        "Chart files are checked before any analysis: one line per problem naming file, line, column and rule.",
        "-",
    ),
    ("12.3", "RECORD", "Statistical methods", "Linkage methods and their quality", NOT_APPLICABLE, "-", "-"),
    (
        "13.1",
        "RECORD",
        "Participants",
        "Selection of the population, including data quality and availability, in detail",
        "Exclusions counted in total only.",
        "Notebook 2: flow diagram; notebook 6: the excluded patients kept.",
        "Charts with missing doses or unreadable entries, if any.",
    ),
    (
        "19.1",
        "RECORD",
        "Limitations",
        "What using data not collected for the question implies (misclassification, unmeasured confounding, "
        "missing data, eligibility changing over time)",
        NOT_IN_RECORD,
        "Notebook 6: missing data, selection and the reference dose, shown with the data.",
        "Why doses were changed (need, side effects, refill logistics) is not recorded in a dose chart.",
    ),
    (
        "22.1",
        "RECORD",
        "Other information",
        "How to access the protocol, raw data and programming code",
        "No protocol, data or code link in the record.",
        "All code, the synthetic cohort and its generator, and the parameters are in this repository.",
        "The real charts (not shareable); a protocol.",
    ),
)


def _fields() -> dict[str, str]:
    t1, t2 = published.TIME_POINTS
    lo, hi = published.ADJUSTMENTS_PER_YEAR
    return {
        **published.formatted(),
        "t1": str(t1),
        "t2": str(t2),
        "ref": str(published.REFERENCE_YEAR),
        "adj_low": str(lo),
        "adj_high": str(hi),
    }


def table() -> pd.DataFrame:
    """The checklist as a DataFrame (one row per item), the paper's numbers filled from helpers/published.py."""
    fields = _fields()
    rows = [[cell.format(**fields) for cell in item] for item in ITEMS]
    return pd.DataFrame(rows, columns=list(COLUMNS))
