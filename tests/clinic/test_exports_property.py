"""Nothing that passes the data contract fails in a notebook: exports drawn in the shapes clinics produce (late
first doses, sparse years, short follow-up, a single patient in a group, all patients in one diagnosis) are
either refused by the check, naming a rule, or run through every notebook to the end.

Each drawn export runs all notebooks in kernels kept from one export to the next (tests/kernels.py), with
the journal club's simulations at their smallest sizes; hypothesis draws derandomized, so the gate is repeatable.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from helpers.clinic import export_files
from helpers.errors import StudyInputError

from .. import kernels as warm_kernels

SMALL = {
    "scenario_n": 50,
    "consistency_draws": 250,
    "power_reps": 100,
    "replications": 50,
}  # the smallest the parameters allow
# drawn exports per gate run, besides the named shapes below (ITB_EXPORT_EXAMPLES=200 for a longer search)
EXAMPLES = int(os.environ.get("ITB_EXPORT_EXAMPLES", "6"))


@st.composite
def patient(draw, diagnosis: str, excluded: bool, number: int):
    """One patient's row and dose rows, as a chart export holds them (text)."""
    followup = draw(st.sampled_from([3.0, 6.9, 7.0, 7.5, 9.9, 10.0, 12.4, 15.0]))
    first = draw(st.sampled_from([0.0] * 6 + [0.3, 1.0, 1.5]))  # a late first dose now and then
    later = draw(st.lists(st.floats(first, followup, allow_nan=False), max_size=5))
    times = sorted({round(t, 3) for t in (first, *later)})  # as written in the file: one dose per time
    dose = draw(st.floats(20, 900))
    rows = []
    for t in times:
        rows.append(
            {"patient_id": f"P{number:03d}", "years_since_implant": f"{t:.3f}", "dose_ug_per_day": f"{dose:.1f}"}
        )
        dose = min(2900.0, max(1.0, dose * draw(st.sampled_from([1.0, 1.0, 1.1, 1.3, 0.8, 2.0]))))
    sci = diagnosis == "SCI"
    row = {
        "patient_id": f"P{number:03d}",
        "diagnosis": diagnosis,
        "excluded": "true" if excluded else "false",
        "exclusion_reason": draw(st.sampled_from(["catheter or pump failure", "infection"])) if excluded else "",
        "followup_years": f"{followup:.1f}",
        "sex": draw(st.sampled_from(["F", "M", ""])),
        "age_at_implant": draw(st.sampled_from(["", "34", "61"])),
        "years_since_onset": draw(st.sampled_from(["", "2.5", "20"])),
        "sci_level": draw(st.sampled_from(["cervical", "thoracic", ""])) if sci else "",
        "ais_grade": draw(st.sampled_from(["A", "B", "C", "D", ""])) if sci else "",
    }
    return row, rows


@st.composite
def exports(draw):
    """(patients rows, dose rows): a few patients of each diagnosis (possibly none of one), some excluded."""
    sizes = st.sampled_from([0, 1, 1, 2, 3, 4, 5, 6])  # now and then none, or one, in a group
    n_ms, n_sci, n_excluded = draw(sizes), draw(sizes), draw(st.integers(0, 2))
    diagnoses = ["MS"] * n_ms + ["SCI"] * n_sci + [draw(st.sampled_from(["MS", "SCI"])) for _ in range(n_excluded)]
    if not diagnoses:
        diagnoses = ["MS"]
    patients, doses = [], []
    for i, dx in enumerate(diagnoses):
        row, rows = draw(patient(dx, i >= n_ms + n_sci, i + 1))
        patients.append(row)
        doses += rows
    return patients, doses


def _shape(*people):
    """A named shape: (diagnosis, excluded, follow-up, [(years, dose), ...]) per patient."""
    patients, doses = [], []
    for i, (dx, excluded, followup, rows) in enumerate(people, 1):
        patients.append(
            {"patient_id": f"P{i:03d}", "diagnosis": dx, "excluded": str(excluded).lower(),
             "exclusion_reason": "catheter or pump failure" if excluded else "", "followup_years": f"{followup:g}",
             "sex": "", "age_at_implant": "", "years_since_onset": "", "sci_level": "", "ais_grade": ""}
        )  # fmt: skip
        doses += [
            {"patient_id": f"P{i:03d}", "years_since_implant": f"{t:g}", "dose_ug_per_day": f"{d:g}"} for t, d in rows
        ]
    return patients, doses


LATE_FIRST_DOSES = _shape(  # the first dose exactly at the reference year, or late for those not analysed
    ("MS", False, 10.5, [(1.0, 100), (5.0, 150), (9.0, 210)]),
    ("MS", False, 8.0, [(0.0, 50), (2.0, 80)]),
    ("SCI", False, 11.0, [(1.0, 200), (8.0, 220)]),
    ("SCI", False, 7.2, [(0.5, 300)]),
    ("MS", True, 9.0, [(2.5, 400)]),  # excluded: a late first dose is no problem
    ("SCI", False, 4.0, [(3.0, 90)]),  # followed 4 years: not analysed
)
SPARSE_YEARS = _shape(*((dx, False, 12.0, [(0.0, 100.0 + 10 * i)]) for i, dx in enumerate(["MS", "SCI"] * 3)))
ONE_IN_A_GROUP = _shape(
    ("MS", False, 10.0, [(0.0, 80), (1.0, 100), (7.0, 160), (10.0, 200)]),
    ("MS", False, 9.0, [(0.0, 60), (6.0, 120)]),
    ("SCI", False, 12.0, [(0.0, 150), (4.0, 160)]),
)
ONE_DIAGNOSIS = _shape(("MS", False, 10.0, [(0.0, 80), (7.0, 120)]), ("MS", False, 8.0, [(0.0, 60)]))


@pytest.fixture(scope="module")
def kernels():
    with warm_kernels.Kernels() as warm:
        yield warm


@pytest.mark.xdist_group("exports")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@example(export=LATE_FIRST_DOSES)
@example(export=SPARSE_YEARS)
@example(export=ONE_IN_A_GROUP)
@example(export=ONE_DIAGNOSIS)
@given(export=exports())
def test_an_export_the_check_accepts_runs_every_notebook_to_the_end(export, kernels):
    patients, doses = export
    with tempfile.TemporaryDirectory(prefix="itb-export-") as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        pd.DataFrame(patients).to_csv(folder / "patients.csv", index=False)
        pd.DataFrame(doses).to_csv(folder / "doses.csv", index=False)
        try:
            export_files.read(folder)
        except StudyInputError as err:
            assert err.lines and all(", " in line for line in err.lines)  # refused, naming file and rule
            event(f"refused by the check: {re.sub(r'[0-9]+ rows?|[(].*', '', err.lines[0])}")
            return
        event("accepted: every notebook runs")
        failure = kernels.run({"data_dir": str(folder), **SMALL}, Path(tmp) / "out")
        assert failure is None, f"{failure}\npatients:\n{pd.DataFrame(patients)}\ndoses:\n{pd.DataFrame(doses)}"
