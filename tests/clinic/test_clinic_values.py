"""What a clinic writes in its export: spellings whose meaning is clear are read, ambiguous ones refused with one
clear line; optional columns, free-text exclusion reasons, values allowed but unlikely (issue 12)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.clinic import contract, export_files
from helpers.core import cohort, reproduction
from helpers.runner import plan as run_plan

from .. import exports

# ---- 1. tolerant where the meaning is clear, strict where it is not --------------------------------------


def test_spellings_whose_meaning_is_clear_give_the_canonical_results(canonical, tmp_path):
    folder = exports.copy_export(canonical, tmp_path / "spelled")
    p = exports.csv(folder, "patients.csv")
    yes = ["TRUE", "True", "yes", "Y", "1", "true"]
    no = ["FALSE", "False", "no", "N", "0", "false"]
    p["excluded"] = [(yes if v == "true" else no)[i % 6] for i, v in enumerate(p["excluded"])]
    p["sex"] = [{"F": ["female", "Female", "f"], "M": ["male", "MALE", "m"]}[v][i % 3] for i, v in enumerate(p["sex"])]
    p["diagnosis"] = [f"  {v.lower()} " if i % 2 else v for i, v in enumerate(p["diagnosis"])]
    p["ais_grade"] = p["ais_grade"].str.lower()
    p["sci_level"] = p["sci_level"].str.title()
    p.columns = [f" {c}" if i == 0 else c for i, c in enumerate(p.columns)]  # a space in the header
    exports.write(p, folder, "patients.csv")
    exports.assert_same_study(canonical, folder)


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("excluded", "maybe", "column 'excluded': 1 row not one of true/false, yes/no, y/n, 1/0 (line 2; got 'maybe')"),
        ("excluded", "2", "column 'excluded': 1 row not one of true/false, yes/no, y/n, 1/0 (line 2; got '2')"),
        ("sex", "X", "column 'sex': 1 row not F, M, female or male (line 2; got 'X')"),
        ("sex", "w", "column 'sex': 1 row not F, M, female or male (line 2; got 'w')"),
        ("diagnosis", "MS/SCI", "column 'diagnosis': 1 row not MS or SCI (line 2; got 'MS/SCI')"),
        ("ais_grade", "E", "column 'ais_grade': 1 row not A, B, C or D (line 2; got 'E')"),
    ],
)
def test_ambiguous_values_are_still_refused(canonical, column, value, message):
    p = exports.csv(canonical, "patients.csv")
    p.loc[0, column] = value
    exports.write(p, canonical, "patients.csv")
    assert f"patients.csv, {message}" in exports.refusal(canonical)


def test_unknown_columns_are_ignored_with_one_note_and_dropped(canonical, tmp_path):
    folder = exports.copy_export(canonical, tmp_path / "extra")
    p, d = exports.csv(folder, "patients.csv"), exports.csv(folder, "doses.csv")
    p.insert(1, "hospital_number", [f"MRN-{i}" for i in range(len(p))])
    p["comment"] = "free text"
    d["nurse"] = "initials"
    exports.write(p, folder, "patients.csv")
    exports.write(d, folder, "doses.csv")
    patients, doses, notes, _ = export_files.read(folder)
    assert notes == [
        "columns the study does not use are ignored (never copied into any output): "
        "patients.csv 'hospital_number', 'comment'; doses.csv 'nurse'"
    ]
    assert "hospital_number" not in patients and "comment" not in patients and "nurse" not in doses
    exports.assert_same_study(canonical, folder)


def test_the_runner_prints_the_note_once(canonical, tmp_path, capsys):
    p = exports.csv(canonical, "patients.csv")
    p["hospital_number"] = "MRN"
    exports.write(p, canonical, "patients.csv")
    run_plan.make(data=str(canonical), out=tmp_path / "out")  # checks the data and plans the run; runs no notebook
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "note: columns the study does not use are ignored (never copied into any output): patients.csv 'hospital_number'"
    ]


# ---- 3. optional columns may be absent --------------------------------------------------------------------


def test_optional_columns_may_be_absent_and_table_one_says_not_recorded(canonical, tmp_path):
    from helpers.core import tables

    folder = exports.copy_export(canonical, tmp_path / "optional")
    exports.write(exports.csv(folder, "patients.csv").drop(columns=list(exports.OPTIONAL)), folder, "patients.csv")
    patients, doses, notes, _ = export_files.read(folder)
    assert notes == [] and patients[list(exports.OPTIONAL)].isna().all().all()
    full, full_doses, *_ = export_files.read(canonical)
    pd.testing.assert_frame_equal(doses, full_doses)
    got, want = reproduction.headline_numbers(patients, doses), reproduction.headline_numbers(full, full_doses)
    sci_detail = {"n_sci_cervical", "n_sci_thoracic", "n_sci_ais_a", "n_sci_ais_bd"}
    assert {k: v for k, v in got.items() if k not in sci_detail} == {
        k: v for k, v in want.items() if k not in sci_detail
    }
    t1 = tables.table_one(patients)
    for label in ("Sex", "Age at implant, years", "Years from injury/diagnosis to implant", "SCI level", "AIS grade"):
        assert t1.loc[label, ["Overall", "MS", "SCI"]].tolist() == ["not recorded"] * 3, label
    assert t1.loc["n", "Overall"] == 41


def test_table_one_counts_the_missing_values_of_each_characteristic(synthetic_frames):
    from helpers.core import tables

    p = synthetic_frames[0].copy()
    analysed = p.index[~p["excluded"]]
    p.loc[analysed[:3], "age_at_implant"] = np.nan
    p.loc[analysed[:7], "sex"] = np.nan
    t1 = tables.table_one(p)
    assert t1.loc["Age at implant, years, mean (SD)", "Missing"] == 3
    assert t1.loc["Sex, n (%): female", "Missing"] == 7
    assert t1.loc["Follow-up since implant, years, median [Q1,Q3]", "Missing"] == 0
    n_female = int((p.loc[analysed[7:], "sex"] == "F").sum())
    assert t1.loc["Sex, n (%): female", "Overall"] == f"{n_female} ({100 * n_female / 34:.1f})"  # % of those recorded


@pytest.mark.parametrize(
    "name, column",
    [
        ("patients.csv", "patient_id"),
        ("patients.csv", "diagnosis"),
        ("patients.csv", "excluded"),
        ("patients.csv", "followup_years"),
        ("doses.csv", "patient_id"),
        ("doses.csv", "years_since_implant"),
        ("doses.csv", "dose_ug_per_day"),
    ],
)
def test_required_columns_stay_required(canonical, name, column):
    exports.write(exports.csv(canonical, name).drop(columns=[column]), canonical, name)
    lines = exports.refusal(canonical)
    assert len(lines) == 1 and lines[0].startswith(f"{name}, column '{column}': missing") and "the file has" in lines[0]


def test_an_absent_reason_column_is_fine_unless_someone_is_excluded(canonical):
    p = exports.csv(canonical, "patients.csv").drop(columns=["exclusion_reason"])
    exports.write(p, canonical, "patients.csv")
    lines = [f"{i + 2}" for i in p.index[p["excluded"] == "true"][:3]]
    assert exports.refusal(canonical) == [
        f"patients.csv, column 'exclusion_reason': 8 rows excluded without a reason (lines {', '.join(lines)}, ...)"
    ]
    kept = p.loc[p["excluded"] == "false"]
    exports.write(kept, canonical, "patients.csv")
    d = exports.csv(canonical, "doses.csv")
    exports.write(d.loc[d["patient_id"].isin(kept["patient_id"])], canonical, "doses.csv")
    assert len(export_files.read(canonical)[0]) == 41


# ---- 2. free-text exclusion reasons ------------------------------------------------------------------------

CLINIC_REASONS = [
    "Infection",
    "infection ",
    "INFECTION",
    "explant at the patient's request after a long discussion with the family and the team",
    "death",
    "catheter or pump failure",
    "Catheter or pump  failure",
    "moved away",
]


def _with_reasons(folder: Path, reasons) -> pd.DataFrame:
    p = exports.csv(folder, "patients.csv")
    excluded = p.index[p["excluded"] == "true"]
    p.loc[excluded, "exclusion_reason"] = reasons[: len(excluded)]
    exports.write(p, folder, "patients.csv")
    return p


def test_free_text_reasons_are_read_and_counted_once_per_reason(canonical):
    from helpers.core import tables

    _with_reasons(canonical, CLINIC_REASONS)
    patients, doses, *_ = export_files.read(canonical)
    flow = tables.flow_counts(patients, doses, 1, [7, 10])
    reasons = {s.removeprefix("excluded: "): n for s, n in zip(flow["stage"], flow["n"]) if s.startswith("excluded: ")}
    assert list(reasons.items()) == [  # by name, whatever the case; spaces trimmed; one spelling per reason
        ("catheter or pump failure", 2),
        ("death", 1),
        ("explant at the patient's request after a long discussion with the family and the team", 1),
        ("Infection", 3),  # three spellings, once each: the first one written
        ("moved away", 1),
    ]


def test_a_reason_is_still_required_when_excluded(canonical):
    p = _with_reasons(canonical, ["infection", " ", *CLINIC_REASONS[2:]])
    line = int(p.index[p["excluded"] == "true"][1]) + 2
    assert exports.refusal(canonical) == [
        f"patients.csv, column 'exclusion_reason': 1 row excluded without a reason (line {line})"
    ]


def test_the_flow_diagram_lists_every_reason_wrapped_and_clear_of_the_other_boxes():
    from matplotlib.patches import FancyBboxPatch

    from helpers.core import figures

    reasons = {f"reason {i}: {'a long free-text description ' * 2}".strip(): 6 + i for i in range(9)}
    counts = {"screened": 140, "excluded": sum(reasons.values()), "analysed": 50, "ms": 30, "sci": 20}
    counts |= {"ms_7y": 30, "ms_10y": 25, "sci_7y": 20, "sci_10y": 15, "time_points": [7, 10], "reasons": reasons}
    fig = figures.flow_diagram(counts)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    excluded = next(t for t in texts if t.startswith("Excluded: n = 90"))
    lines = excluded.splitlines()
    assert max(map(len, lines)) <= figures.FLOW_WRAP
    assert " ".join(" ".join(lines[1:]).split()).count("- reason ") == 9
    for i in range(9):
        assert f"description: {6 + i}" in " ".join(excluded.split())
    boxes = [p.get_bbox() for p in ax.patches if isinstance(p, FancyBboxPatch)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a.x1 < b.x0 or b.x1 < a.x0 or a.y1 < b.y0 or b.y1 < a.y0, (a, b)  # no two boxes overlap
    for b in boxes:
        assert ax.get_ylim()[0] <= b.y0 and b.y1 <= ax.get_ylim()[1] and b.x1 <= ax.get_xlim()[1]
    import matplotlib.pyplot as plt

    plt.close(fig)


# ---- values allowed but unlikely, and follow-up too short ---------------------------------------------------


def test_values_allowed_but_unlikely_are_warned_about_and_the_analysis_goes_on(canonical):
    d = exports.csv(canonical, "doses.csv")
    first = d["patient_id"].iloc[0]
    mine = d["patient_id"] == first
    d.loc[mine, "dose_ug_per_day"] = [f"{float(v) / 1000:.3f}" for v in d.loc[mine, "dose_ug_per_day"]]  # mg/24 h
    second = d.index[d["patient_id"] == d["patient_id"].unique()[1]]
    d.loc[second[3], "dose_ug_per_day"] = "3"  # one dose under 5, a tenth and more of the one before
    exports.write(d, canonical, "doses.csv")
    assert "reference dose" in exports.refusal(canonical)[0]  # the first patient's, in mg: refused unless accepted
    export = export_files.read(canonical, contract.Rules(accept_low_reference_dose=True))
    n = int(mine.sum())
    assert export.warnings == [
        f"doses.csv, column 'dose_ug_per_day': {n} rows of patients whose doses are all under 5 µg/24 h, as if "
        f"written in mg/24 h (0.1 mg = 100 µg): allowed, but check the unit (lines 2, 3, 4, ...)",
        f"doses.csv, column 'dose_ug_per_day': 1 row under 5 µg/24 h, below the usual ITB doses: allowed, but check "
        f"the value and its unit (line {second[3] + 2})",
        f"doses.csv, column 'dose_ug_per_day': 2 rows more than 10 times, or under a 10th of, the patient's previous "
        f"dose: allowed, but check for a typing or unit error (lines {second[3] + 2}, {second[4] + 2})",
    ]
    assert len(export.patients) == 49  # read, not refused


def test_patients_followed_less_than_the_minimum_are_not_analysed_and_have_their_own_box(canonical):
    from helpers.core import counts, tables

    p = exports.csv(canonical, "patients.csv")
    short = p.index[p["excluded"] == "false"][:2]
    p.loc[short, "followup_years"] = "3.0"  # their doses after year 3 must go too
    exports.write(p, canonical, "patients.csv")
    ids = set(p.loc[short, "patient_id"])
    d = exports.csv(canonical, "doses.csv")
    exports.write(
        d.loc[~d["patient_id"].isin(ids) | (d["years_since_implant"].astype(float) <= 3)], canonical, "doses.csv"
    )
    patients, doses, *_ = export_files.read(canonical)
    assert set(patients.loc[patients["short_followup"], "patient_id"]) == ids
    assert ids.isdisjoint(cohort.analysed_patients(patients)["patient_id"])
    flow = tables.flow_counts(patients, doses, 1, [7, 10]).set_index("stage")["n"]
    assert flow["in the data"] == 49 and flow["follow-up under 7 years"] == 2 and flow["screened"] == 47
    assert flow["screened"] == flow["excluded"] + flow["analysed"].sum() / 2  # all, then MS + SCI
    head = reproduction.headline_numbers(patients, doses)
    assert head["n_screened"] == 47 and head["n_analysed"] == 39 and head["n_excluded"] == 8
    c = counts.cells(patients, doses, 1, [7, 10])
    assert (("in data",), [("short",), ("screened",)]) in c.relations and c.count(("short",)) == 2


def test_a_reference_dose_written_in_mg_stops_the_run_unless_the_parameter_accepts_it(canonical, tmp_path):
    folder = exports.copy_export(canonical, tmp_path / "mg")
    patients, doses = exports.csv(folder, "patients.csv"), exports.csv(folder, "doses.csv")
    analysed = patients.loc[patients["excluded"] == "false", "patient_id"].iloc[0]
    by_year_1 = doses.index[(doses["patient_id"] == analysed) & (doses["years_since_implant"].astype(float) <= 1)]
    doses.loc[by_year_1, "dose_ug_per_day"] = "0.2"  # every dose of the first year, so the one in force at year 1
    exports.write(doses, folder, "doses.csv")
    [line] = exports.refusal(folder)
    assert line.startswith("doses.csv, column 'dose_ug_per_day': 1 row giving an analysed patient's reference dose")
    assert "set accept_low_reference_dose: true in a parameters file" in line and f"line {by_year_1[-1] + 2};" in line
    export = export_files.read(folder, contract.Rules(accept_low_reference_dose=True))
    assert (export.doses.loc[export.doses["patient_id"] == analysed, "dose_ug_per_day"] == 0.2).any()
    assert export.warnings  # still said: the doses under 5 µg/24 h
