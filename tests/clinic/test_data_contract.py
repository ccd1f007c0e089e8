"""Bad chart data is refused before any notebook runs: one line per problem naming file, line, column and
rule; exit code 2; no traceback; no output written."""

import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from helpers.clinic import export_files
from helpers.errors import StudyInputError
from helpers.runner import run

from ..conftest import PY, tree_digest


def _edit(folder: Path, name: str, change):
    path = folder / name
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = change(df)
    df.to_csv(path, index=False)


def _set(name, row, column, value):
    def change(df):
        df.loc[row, column] = value
        return df

    return name, change


def _drop_column(name, column):
    return name, lambda df: df.drop(columns=[column])


def _raw(name, content: bytes):
    return name, content


CASES = {
    "missing column": (_drop_column("patients.csv", "diagnosis"), "patients.csv, column 'diagnosis': missing"),
    "wrong type": (
        _set("patients.csv", 2, "followup_years", "ten"),
        "patients.csv, column 'followup_years': 1 row not a number (line 4; got 'ten')",
    ),
    "unknown diagnosis": (
        _set("patients.csv", 0, "diagnosis", "ALS"),
        "patients.csv, column 'diagnosis': 1 row not MS or SCI (line 2; got 'ALS')",
    ),
    "negative dose": (
        _set("doses.csv", 5, "dose_ug_per_day", "-20"),
        "doses.csv, column 'dose_ug_per_day': 1 row at or below 0 µg/24 h (line 7; got '-20')",
    ),
    "absurd dose": (
        _set("doses.csv", 9, "dose_ug_per_day", "45000"),
        "doses.csv, column 'dose_ug_per_day': 1 row above 3000 µg/24 h (implausible: a unit error?) (line 11",
    ),
    "duplicate id": (
        _set("patients.csv", 1, "patient_id", "P001"),
        "patients.csv, column 'patient_id': 1 row repeating an earlier patient_id (each patient once) (line 3; got 'P001')",
    ),
    "dose rows for unknown patient": (
        _set("doses.csv", 3, "patient_id", "P999"),
        "doses.csv, column 'patient_id': 1 row for a patient not in patients.csv (line 5; got 'P999')",
    ),
    "adjustments out of order": (
        _set("doses.csv", 3, "years_since_implant", "0.050"),
        "doses.csv, column 'years_since_implant': 1 row out of time order within a patient (list each patient's "
        "adjustments in time order) (line 5; got P001: 0.050 after 0.414)",
    ),
    "two doses at the same time": (
        _set("doses.csv", 3, "years_since_implant", "0.414"),
        "doses.csv, column 'years_since_implant': 1 row giving a patient two doses at the same time (keep the one "
        "in force at the end of that day) (line 5; got P001: 0.414)",
    ),
    "first dose after the reference year": (
        ("doses.csv", lambda df: df.loc[(df["patient_id"] != "P002") | (df["years_since_implant"].astype(float) > 1)]),
        "doses.csv, column 'years_since_implant': 1 row giving an analysed patient's first dose after year 1, the "
        "reference year (the study compares each dose with the one in force at year 1: add that dose, or set "
        "reference_year in a parameters file) (line ",
    ),
    "one diagnosis": (
        ("patients.csv", lambda df: df.assign(diagnosis="MS", sci_level="", ais_grade="")),
        "patients.csv, column 'diagnosis': no analysed SCI patient (followed at least 7 years and not excluded); "
        "the study compares MS with SCI",
    ),
    "adjustment beyond follow-up": (
        _set("patients.csv", 0, "followup_years", "7.1"),
        "doses.csv, column 'years_since_implant': 27 rows after the end of the patient's follow-up (followup_years) "
        "(lines 50, 51, 52, ...; got P001 at 7.186 > 7.1",
    ),
    "excluded without reason": (
        None,
        "patients.csv, column 'exclusion_reason': 1 row excluded without a reason (line ",
    ),
    "included with a reason": (
        _set("patients.csv", 0, "exclusion_reason", "catheter or pump failure"),
        "patients.csv, column 'exclusion_reason': 1 row with a reason but not excluded (set excluded to true or clear the reason) (line 2)",
    ),
    "bad excluded flag": (
        _set("patients.csv", 0, "excluded", "maybe"),
        "patients.csv, column 'excluded': 1 row not one of true/false, yes/no, y/n, 1/0 (line 2; got 'maybe')",
    ),
    "bad AIS grade": (
        _set("patients.csv", 1, "ais_grade", "E"),
        "patients.csv, column 'ais_grade': 1 row not A, B, C or D (line 3; got 'E')",
    ),
    "MS patient with SCI level": (
        _set("patients.csv", 0, "sci_level", "cervical"),
        "patients.csv, columns 'sci_level'/'ais_grade': 1 row with an SCI level or AIS grade for an MS patient (line 2; got 'P001')",
    ),
    "empty patient id": (
        _set("doses.csv", 0, "patient_id", ""),
        "doses.csv, column 'patient_id': 1 row empty (line 2)",
    ),
    "empty file": (_raw("doses.csv", b""), "doses.csv: the file is empty"),
    "header only": (
        _raw(
            "patients.csv",
            b"patient_id,diagnosis,excluded,exclusion_reason,followup_years,sex,"
            b"age_at_implant,years_since_onset,sci_level,ais_grade\n",
        ),
        "patients.csv: has a header but no data rows",
    ),
    "spreadsheet, not CSV": (
        _raw("patients.csv", b"PK\x03\x04\x14\x00\x06\x00binary xlsx"),
        "patients.csv: not a CSV text file (a spreadsheet or binary file?)",
    ),
    "two encodings": (
        _raw("patients.csv", "patient_id,diagnosis\nP1,MS\u00e9\n".encode() + "P2,MS\u00e9\n".encode("latin-1")),
        "patients.csv, line 3: not UTF-8 text (byte 0xe9), though other lines are; the file mixes two encodings",
    ),
    "unparseable CSV": (
        _raw("doses.csv", b'patient_id,years_since_implant,dose_ug_per_day\n"P001,0.0,5\n'),
        "doses.csv: not a readable CSV file",
    ),
    "missing file": ("delete doses.csv", "doses.csv: missing from the data folder"),
    "analysed patient without doses": (
        None,
        "patients.csv, column 'patient_id': 1 row analysed (followed at least 7 years and not excluded) but without "
        "rows in doses.csv (line 2; got 'P001')",
    ),
}


def _apply(case, folder: Path, frames):
    change = CASES[case][0]
    if case == "excluded without reason":
        p = frames[0]
        row = int(p.index[p["excluded"]][0])
        return _edit(
            folder,
            "patients.csv",
            lambda df: df.assign(
                exclusion_reason=[("" if i == row else v) for i, v in enumerate(df["exclusion_reason"])]
            ),
        )
    if case == "analysed patient without doses":
        return _edit(folder, "doses.csv", lambda df: df.loc[df["patient_id"] != "P001"])
    if change == "delete doses.csv":
        return (folder / "doses.csv").unlink()
    name, what = change
    if isinstance(what, bytes):
        return (folder / name).write_bytes(what)
    return _edit(folder, name, what)


def test_the_valid_folder_passes(data_dir):
    patients, _doses, notes, _ = export_files.read(data_dir)
    assert len(patients) == 49 and patients["excluded"].dtype == bool and notes == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_data_is_refused_with_one_clear_line(case, data_dir, synthetic_frames, tmp_path, capsys):
    _apply(case, data_dir, synthetic_frames)
    out = tmp_path / "out"
    code = run.main(["--data", str(data_dir), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == run.EXIT_BAD_INPUT
    assert CASES[case][1] in err, err
    assert "Traceback" not in err
    problem_lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert any(CASES[case][1] in line for line in problem_lines)  # the message is one line
    assert not out.exists()


def test_one_systematic_problem_is_one_line_with_its_count_and_first_lines(data_dir):
    _edit(data_dir, "doses.csv", lambda df: df.assign(dose_ug_per_day="-1"))
    _edit(data_dir, "patients.csv", lambda df: df.assign(diagnosis=["ALS", "ms?", *df["diagnosis"][2:]]))
    n_doses = len(pd.read_csv(data_dir / "doses.csv"))
    with pytest.raises(StudyInputError) as err:
        export_files.read(data_dir)
    assert err.value.lines == [
        "patients.csv, column 'diagnosis': 2 rows not MS or SCI (lines 2, 3; got 'ALS', 'ms?')",
        f"doses.csv, column 'dose_ug_per_day': {n_doses} rows at or below 0 µg/24 h (lines 2, 3, 4, ...; got '-1')",
    ]


def test_problems_of_one_rule_in_two_columns_are_two_lines_and_two_rules_in_one_column_two_lines(data_dir):
    _edit(data_dir, "patients.csv", lambda df: df.assign(age_at_implant=["200", "x", *df["age_at_implant"][2:]]))
    _edit(data_dir, "patients.csv", lambda df: df.assign(years_since_onset=["x", *df["years_since_onset"][1:]]))
    with pytest.raises(StudyInputError) as err:
        export_files.read(data_dir)
    assert err.value.lines == [
        "patients.csv, column 'age_at_implant': 1 row not a number (line 3; got 'x')",
        "patients.csv, column 'age_at_implant': 1 row outside 0-100 years (line 2; got '200')",
        "patients.csv, column 'years_since_onset': 1 row not a number (line 2; got 'x')",
    ]


def test_missing_data_folder(tmp_path, capsys):
    assert run.main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere: does not exist" in capsys.readouterr().err


def test_data_folder_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "patients.csv"
    f.write_text("patient_id\n", encoding="utf-8")
    assert run.main(["--data", str(f), "--out", str(tmp_path / "o")]) == 2
    assert "patients.csv: is not a folder" in capsys.readouterr().err


def test_unreadable_data_file(data_dir, tmp_path, capsys):
    (data_dir / "doses.csv").unlink()
    (data_dir / "doses.csv").mkdir()  # as root, permissions cannot make a file unreadable; a folder in its place can
    assert run.main(["--data", str(data_dir), "--out", str(tmp_path / "o")]) == 2
    assert "doses.csv: cannot be read (Is a directory)" in capsys.readouterr().err


def test_refusal_from_the_command_line_has_exit_code_2_no_traceback_and_leaves_outputs(data_dir, project_copy):
    outputs = project_copy / "outputs"
    (outputs / "runs" / "chart").mkdir(parents=True)
    (outputs / "runs" / "chart" / "previous.txt").write_text("a previous run", encoding="utf-8")
    before = tree_digest(outputs)
    _apply("unknown diagnosis", data_dir, None)
    proc = subprocess.run(  # the default target, outputs/runs/chart, in a copy of the project
        [PY, "-m", "helpers.runner.run", "--data", str(data_dir)],
        cwd=project_copy,
        env={**os.environ, "PYTHONPATH": str(project_copy)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: patients.csv, column 'diagnosis': 1 row not MS or SCI (line 2; got 'ALS')"
    ]
    assert tree_digest(outputs) == before
