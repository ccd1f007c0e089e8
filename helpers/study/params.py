"""The study's parameters: one table of names, types, defaults and allowed values.

Each notebook's ``parameters`` cell declares the ones it uses, with these defaults (a test checks). The
runner checks a parameters file against this table before any notebook runs; a notebook run alone with
papermill checks its own values with :func:`resolve`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers.core import published
from helpers.errors import StudyInputError
from helpers.synthetic import spec as synthetic_spec


@dataclass(frozen=True)
class Param:
    name: str
    default: Any
    kind: str  # "int", "float", "bool", "str", "path", "int_list", "mapping"
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    items: str = "years"  # what an int_list holds, for its messages

    def check(self, value, where: str = "parameter") -> list[str]:
        """Problems with ``value`` for this parameter, one line each (empty list: fine)."""
        say = f"{where} '{self.name}'"
        k = self.kind
        if k == "path":
            return (
                []
                if value is None or (isinstance(value, str) and value.strip())
                else [f"{say}: expected a folder path or null, got {value!r}"]
            )
        if k == "mapping":
            if not isinstance(value, dict):
                return [f"{say}: expected a mapping of names to values, got {value!r}"]
            try:
                synthetic_spec.make_spec("simulation", 0, value)
            except StudyInputError as err:
                return err.lines
            return []
        if k == "int_list":
            if not isinstance(value, list) or not value or not all(_is_int(v) for v in value):
                return [f"{say}: expected a list of whole numbers, got {value!r}"]
            bad = [v for v in value if not self.low <= v <= self.high]
            if bad or len(set(value)) != len(value) or value != sorted(value):
                return [
                    f"{say}: expected distinct {self.items} in increasing order from {self.low:g} to {self.high:g}, "
                    f"got {value!r}"
                ]
            return []
        if k == "bool":
            return [] if isinstance(value, bool) else [f"{say}: expected true or false, got {value!r}"]
        if k == "str":
            return (
                []
                if value in self.choices
                else [f"{say}: expected one of {', '.join(map(repr, self.choices))}, got {value!r}"]
            )
        ok_type = _is_int(value) if k == "int" else (isinstance(value, (int, float)) and not isinstance(value, bool))
        what = "a whole number" if k == "int" else "a number"
        if not ok_type:
            return [f"{say}: expected {what} from {self.low:g} to {self.high:g}, got {value!r}"]
        if not self.low <= value <= self.high:
            return [f"{say}: expected {what} from {self.low:g} to {self.high:g}, got {value!r}"]
        return []


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


PARAMS: tuple[Param, ...] = (
    Param(
        "data_dir",
        None,
        "path",
        "your chart data: a folder (patients and doses as .csv or .xlsx) or one .xlsx workbook; null: the synthetic cohort",
    ),
    Param("output_dir", None, "path", "folder for figures and tables; null: outputs/ (see helpers/study/study.py)"),
    Param(
        "synthetic_mode",
        "calibrated",
        "str",
        "synthetic cohort: 'calibrated' to the paper, or 'simulation' (random)",
        choices=("calibrated", "simulation"),
    ),
    Param("seed", 2019, "int", "seed of the synthetic cohort's generator", 0, 2**32 - 1),
    Param("synthetic", {}, "mapping", "assumptions of the synthetic cohort to change (see data/synthetic/README.md)"),
    Param("reference_year", 1, "int", "the 'initial' dose is the dose at this year after implant", 1, 5),
    Param(
        "min_followup_years",
        published.MIN_FOLLOWUP_YEARS,
        "int",
        "patients followed for fewer years are not analysed (the paper's inclusion rule)",
        1,
        40,
    ),
    Param("time_points", [7, 10], "int_list", "years at which the dose is compared with the reference", 2, 40),
    Param("alpha", 0.05, "float", "significance level; confidence intervals are 1 - alpha", 0.001, 0.2),
    Param("min_cell_count", 5, "int", "chart data: counts below this are shown as '<N'", 1, 50),
    Param("show_individuals", False, "bool", "chart data: allow plots of individual patients' doses"),
    Param("show_extremes", False, "bool", "chart data: allow a group's minimum and maximum (single patients' values)"),
    Param(
        "accept_low_reference_dose",
        False,
        "bool",
        "chart data: analyse a reference-year dose under 5 µg/24 h (written in mg/24 h?) instead of refusing it",
    ),
    Param("power_reps", 2000, "int", "Monte Carlo replicates per cell of the power grid (notebook 7)", 100, 200_000),
    Param(
        "scenario_n",
        1000,
        "int",
        "simulated patients per group in each scenario cohort (notebooks 6 and 7)",
        50,
        100_000,
    ),
    Param(
        "replications",
        100,
        "int",
        "cohorts the simulation model draws, one per seed, behind question E's answer (notebook 6)",
        50,
        100_000,
    ),
    Param(
        "consistency_draws",
        2000,
        "int",
        "cohorts drawn to see what the published numbers fix (notebooks 6 and 7)",
        250,
        200_000,
    ),
    Param(
        "power_differences",
        [15, 20, 30],
        "int_list",
        "true MS-SCI differences (points of % of the reference dose) the power analysis plans for",
        1,
        300,
        items="differences",
    ),
)
BY_NAME = {p.name: p for p in PARAMS}
DEFAULTS = {p.name: p.default for p in PARAMS}


def changed(values: dict) -> dict:
    """The parameters in ``values`` whose value differs from the default."""
    return {k: v for k, v in values.items() if DEFAULTS.get(k) != v}


def check(values: dict, where: str = "parameter") -> list[str]:
    """Every problem in a mapping of parameter values (unknown names, types, ranges, combinations)."""
    lines = []
    for name, value in values.items():
        if name not in BY_NAME:
            likely = difflib.get_close_matches(str(name), BY_NAME, n=1)
            hint = f"did you mean '{likely[0]}'? " if likely else ""
            lines.append(f"{where} '{name}': unknown parameter ({hint}known: {', '.join(BY_NAME)})")
        else:
            lines += BY_NAME[name].check(value, where)
    if not lines:
        merged = {**DEFAULTS, **values}
        if any(k <= merged["reference_year"] for k in merged["time_points"]):
            lines.append(
                f"{where} 'time_points': every time point must come after reference_year "
                f"({merged['reference_year']}), got {merged['time_points']!r}"
            )
        if merged["min_followup_years"] < merged["reference_year"]:
            lines.append(
                f"{where} 'min_followup_years': must be at least reference_year ({merged['reference_year']}): an "
                f"analysed patient needs a dose at the reference year, got {merged['min_followup_years']!r}"
            )
        try:
            synthetic_spec.make_spec(merged["synthetic_mode"], merged["seed"], merged["synthetic"])
        except StudyInputError as err:
            lines += err.lines
    return lines


def load_file(path) -> dict:
    """Read a parameters YAML file; raise :class:`StudyInputError` naming the file for any problem."""
    path = Path(path)
    if not path.is_file():
        raise StudyInputError(f"{path}: parameters file not found")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark else ""
        raise StudyInputError(f"{path}: not valid YAML{at}; expected lines like 'alpha: 0.01'") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise StudyInputError(f"{path}: expected 'name: value' lines, got a {type(values).__name__}")
    lines = check(values, where=f"{path.name}: parameter")
    if lines:
        raise StudyInputError(lines)
    return values


def resolve(namespace: dict) -> dict:
    """In a notebook: ``P = params.resolve(globals())`` checks the declared parameters, fills the rest."""
    values = {k: namespace[k] for k in BY_NAME if k in namespace}
    lines = check(values)
    if lines:
        raise StudyInputError(lines)
    return {**DEFAULTS, **values}
