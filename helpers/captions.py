"""The study's figures and tables, numbered in reading order across the notebooks, with their captions.

One registry, so "Figure 4" means the same figure in the notebooks, on the site and in the printed handout:

* ``presentation.show(df, "04_group_tests", params=S.params)`` shows "Table 7. MS vs SCI at each time point ...";
* ``figures.save(fig, "04_trajectories_percent_of_reference", S.out, S.params)`` saves the files and, in a
  notebook, shows the figure with its alt text and "Figure 4. ..." below it;
* notebook text refers to them through ``S.text("... as {fig[04_trajectories_percent_of_reference]} shows")``
  (or ``{tab[NAME]}``), which becomes "Figure 4": numbers never drift when one is added.

**Adding a figure or table** is one line below, at its place in reading order (the number follows from the
position): ``"NN_name": "Caption."`` in ``TABLES``, or ``"NN_name": ("Caption.", "Alt text: what it shows.")``
in ``FIGURES``. The name is the output's file name (``tables/NN_name.csv``, ``figures/NN_name.png``) or, for a
table that is only shown, a name of the same form. A caption may use the run's ``{reference_year}`` (or
``{reference_years}``: "1 year", "2 years"), ``{ci}`` (the confidence level, e.g. 95), ``{first}`` and
``{last}`` (the first and last time points) and ``{time_points}`` ("7 and 10"); a test checks that every
table and figure the notebooks show is registered and numbered in order.
"""

from __future__ import annotations

# name -> caption, in reading order (Table 1 first)
TABLES: dict[str, str] = {
    "01_table1_by_diagnosis": "Analysed patients by diagnosis.",
    "01_sci_level_by_ais": "SCI patients by level of injury and AIS grade.",
    "02_flow_counts": "Patients at each stage, from screened to followed at each time point.",
    "03_reference_dose_median_range": "Dose {reference_years} after implant, µg/24 h: median and range (on chart "
    "data the 10th-90th percentiles instead, unless show_extremes). The paper gives only the 'all' row; on the "
    "synthetic cohort the MS and SCI rows are the synthetic data's.",
    "03_adjustments_per_year": "Dose adjustments per patient-year.",
    "04_percent_of_reference_by_group": "Dose as % of the {reference_year}-year dose: mean, SD and {ci}% CI.",
    "04_group_tests": "MS vs SCI at each time point: the published test and three others ({ci}% CIs).",
    "reproduction": "Published (Skoog & Hedman 2019) and reproduced, at the paper's precision.",
    "05_reporting_checklist": "STROBE (cohort) and RECORD items: what the paper reports, what this study shows, "
    "what stays missing.",
    "05_run": "How this run was made.",
    "05_software": "Software versions.",
    "06_selection_effect": "Mean % of the reference dose: the analysed patients vs everyone screened.",
    "06_scenario_settings": "The five scenarios of the synthetic model and the settings used here ({scenario_n} "
    "simulated patients per group).",
    "06_scenario_outcome_exclusion": "Scenario: exclusion depends on the outcome. The default simulated cohort "
    "and the same cohort with the mechanism switched on ({ci}% CIs).",
    "06_scenario_survivorship": "Scenario: survivorship (the whole clinic). The default simulated cohort and the "
    "same cohort with the mechanism switched on ({ci}% CIs).",
    "06_scenario_confounding": "Scenario: confounding by age and time since onset. The default simulated cohort "
    "and the same cohort with the mechanism switched on ({ci}% CIs).",
    "06_completers": "% at {first} years, by whether the patient was followed to {last} years.",
    "06_scenario_dropout": "Scenario: informative dropout before 10 years. The default simulated cohort and the "
    "same cohort with the mechanism switched on ({ci}% CIs).",
    "06_reference_year_sensitivity": "Headline results by reference year.",
    "06_scenario_noisy_reference": "Scenario: titration after year 1 and a noisy reference dose. The default "
    "simulated cohort and the same cohort with the mechanism switched on ({ci}% CIs).",
    "06_ratio_measures": "Four summaries of the dose change (% of the reference dose).",
    "06_log_ratio_tests": "Geometric mean % with {ci}% CI, and MS vs SCI p on the log scale.",
    "06_absolute_doses": "Dose in µg/24 h by diagnosis at the reference year and each time point, with {ci}% CIs "
    "(the synthetic data's, not the paper's, on the synthetic cohort).",
    "06_multiple_testing": "Adjusting for two time points.",
    "06_mixed_model": "Mixed model: yearly dose change by diagnosis, with {ci}% CIs (geometric, log scale).",
    "06_multiverse": "Every combination of reference year, summary (with its matching test) and time point, on "
    "the same patients ({ci}% CIs); the paper's own path is marked.",
    "06_winners_curse": "Simulated studies of the paper's size per true difference: power, the mean estimate "
    "among those reaching p < {alpha}, and the exaggeration ratio (Monte Carlo SEs in brackets).",
    "06_consistency_assumptions": "Unpublished assumptions varied over {consistency_draws} drawn cohorts (each "
    "drawn uniformly over its range).",
    "06_consistent_cohorts": "Range of each quantity over the cohorts consistent with the paper: fixed by the "
    "paper (no range) or set by our assumptions.",
    "06_p_by_sd_ratio": "Median p-value at 7 years (the paper's first time point) over consistent cohorts, by the assumed ratio of the MS to "
    "the SCI spread.",
}

# name -> (caption shown below the figure, alt text: what the figure shows, for a reader who cannot see it)
FIGURES: dict[str, tuple[str, str]] = {
    "02_flow_diagram": (
        "From screened to analysed: the patients excluded and why, the two diagnoses, and how many were "
        "followed to each time point.",
        "Flow diagram. A box of the patients screened leads to a box of those excluded, with the count for "
        "each reason, and to the patients analysed, who split into MS and SCI; under each diagnosis, boxes "
        "give how many were followed to each time point.",
    ),
    "03_reference_dose_by_diagnosis": (
        "Dose {reference_years} after implant by diagnosis, on a log scale: box of the middle half "
        "of patients with its median, whiskers to the 10th and 90th percentiles, and each patient as a point where shown.",
        "Box plots of the dose {reference_years} after implant in µg/24 h, MS beside SCI, on a "
        "logarithmic axis, with each group's number of patients under its box.",
    ),
    "03_adjustments_per_year": (
        "How many times the dose was adjusted in a year of treatment, as % of patient-years, by diagnosis.",
        "Bar chart: for each number of dose adjustments in a year, the percentage of patient-years with "
        "that many, MS and SCI bars side by side.",
    ),
    "04_trajectories_percent_of_reference": (
        "Dose as % of each patient's {reference_year}-year dose over the years since implant: the group "
        "mean with its {ci}% CI (thick line and band) and, where shown, each patient (thin lines). "
        "Dashed line: the {reference_year}-year dose (100%).",
        "Two line charts, MS on the left and SCI on the right, of the dose as a percentage of the "
        "{reference_year}-year dose by year since implant: the group mean with its confidence band, and "
        "at {time_points} years the mean's value and number of patients written above it; a dashed "
        "line marks 100%.",
    ),
    "04_percent_at_time_points": (
        "Dose at {time_points} years as % of the {reference_year}-year dose: box plots by diagnosis (whiskers "
        "to the 10th and 90th percentiles), "
        "each patient as a point where shown.",
        "Box plots of the dose as a percentage of the {reference_year}-year dose at {time_points} "
        "years, MS beside SCI at each time point, with the number of patients under each; a dashed line "
        "marks 100%.",
    ),
    "06_power_curves": (
        "Prospective power of Welch's t to find an MS-SCI difference at {first} years, by cohort size, one curve "
        "per chosen true difference (Monte Carlo, SDs assumed). Dotted line: 80% power; dashed line: this "
        "cohort's size.",
        "Line chart of power (0 to 1) against the number of patients analysed, one rising curve per true "
        "difference in mean %; larger differences reach 80% power with fewer patients. A vertical dashed "
        "line marks this cohort's number of patients.",
    ),
    "06_winners_curse": (
        "The winner's curse: estimated MS-SCI differences of simulated studies of the paper's size, with a small "
        "true difference; those reaching p < {alpha} overstate it on average.",
        "Histogram of the estimated difference across many simulated studies, those reaching significance "
        "shaded apart; a vertical line marks the true difference and another the mean of the significant ones, "
        "which lies to its right.",
    ),
}


# tables saved as data but shown otherwise (no number of their own): name -> where a reader sees them
DATA_FILES: dict[str, str] = {
    "06_scenarios": "the five scenario tables of notebook 6, in one file",
    "06_power": "the grid behind the power figure of notebook 6",
}

_KINDS = {"Figure": FIGURES, "Table": TABLES}


def _registry(kind: str, name: str) -> dict:
    registry = _KINDS[kind]
    if name not in registry:
        raise KeyError(
            f"{kind.lower()} {name!r} is not registered in helpers/captions.py: add one line for it to "
            f"{'FIGURES' if kind == 'Figure' else 'TABLES'}, at its place in reading order"
        )
    return registry


def label(kind: str, name: str) -> str:
    """'Figure 4' or 'Table 7' (a name may be both, e.g. a figure and the table of its numbers)."""
    return f"{kind} {list(_registry(kind, name)).index(name) + 1}"


def _fill(template: str, name: str, values: dict | None) -> str:
    if "{" not in template:
        return template
    if values is None:
        raise ValueError(f"the caption of {name!r} depends on the run's parameters: pass params=S.params")
    ref, points = values["reference_year"], list(values["time_points"])
    standard = {
        "reference_year": ref,
        "reference_years": f"{ref} year{'s' if ref != 1 else ''}",
        "ci": f"{100 * (1 - values['alpha']):g}",
        "alpha": f"{values['alpha']:g}",
        "first": points[0],
        "last": points[-1],
        "time_points": " and ".join(", ".join(map(str, points)).rsplit(", ", 1)),  # "7", "7 and 10", "5, 7 and 10"
    }
    return template.format(**{**values, **standard})


def table(name: str, values: dict | None = None) -> str:
    """'Table 7. MS vs SCI at each time point ...', filled with the run's parameters where it uses them."""
    return f"{label('Table', name)}. {_fill(_registry('Table', name)[name], name, values)}"


def figure(name: str, values: dict | None = None) -> tuple[str, str, str]:
    """A figure's label ('Figure 4'), its caption, and its alt text (what it shows, in words)."""
    text, alt = _registry("Figure", name)[name]
    return label("Figure", name), _fill(text, name, values), _fill(alt, name, values)


class _Refs(dict):
    """``{fig[NAME]}`` or ``{tab[NAME]}`` in a text template: 'Figure N' or 'Table N'."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def __missing__(self, name):
        return label(self.kind, name)


def references() -> dict:
    """Fields for ``str.format``: ``{fig[NAME]}`` and ``{tab[NAME]}`` give 'Figure N' and 'Table N'."""
    return {"fig": _Refs("Figure"), "tab": _Refs("Table")}
