"""Bad chart data is refused before any notebook runs: one line per problem naming file, line, column and
rule; exit code 2; no traceback; no output written."""

from pathlib import Path

import pandas as pd
import pytest

from helpers import paths, schema
from helpers.build import run
from helpers.errors import StudyInputError

from .conftest import run_study, tree_digest


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
        "patients.csv, line 4, column 'followup_years': must be a number, got 'ten'",
    ),
    "unknown diagnosis": (
        _set("patients.csv", 0, "diagnosis", "ALS"),
        "patients.csv, line 2, column 'diagnosis': must be one of MS, SCI, got 'ALS'",
    ),
    "negative dose": (
        _set("doses.csv", 5, "dose_ug_per_day", "-20"),
        "doses.csv, line 7, column 'dose_ug_per_day': must be above 0 µg/24 h, got -20.0",
    ),
    "absurd dose": (
        _set("doses.csv", 9, "dose_ug_per_day", "45000"),
        "doses.csv, line 11, column 'dose_ug_per_day': is implausible above 3000 µg/24 h",
    ),
    "duplicate id": (
        _set("patients.csv", 1, "patient_id", "P001"),
        "patients.csv, line 3, column 'patient_id': duplicate value (each patient once), got 'P001'",
    ),
    "dose rows for unknown patient": (
        _set("doses.csv", 3, "patient_id", "P999"),
        "doses.csv, line 5, column 'patient_id': 'P999' is not in patients.csv",
    ),
    "adjustments out of order": (
        _set("doses.csv", 3, "years_since_implant", "0.050"),
        "doses.csv, line 5, column 'years_since_implant': adjustments of patient P001 out of order (0.05 after 0.414)",
    ),
    "adjustment beyond follow-up": (
        _set("patients.csv", 0, "followup_years", "7.1"),
        "is beyond the follow-up of patient P001 (7.1 years)",
    ),
    "excluded without reason": (None, "column 'exclusion_reason': excluded patient"),
    "included with a reason": (
        _set("patients.csv", 0, "exclusion_reason", "catheter or pump failure"),
        "patients.csv, line 2, column 'exclusion_reason': patient P001 is not excluded but has a reason",
    ),
    "bad excluded flag": (
        _set("patients.csv", 0, "excluded", "maybe"),
        "patients.csv, line 2, column 'excluded': must be one of true, 1, yes, false, 0, no",
    ),
    "bad AIS grade": (
        _set("patients.csv", 1, "ais_grade", "E"),
        "patients.csv, line 3, column 'ais_grade': must be one of A, B, C, D or empty, got 'E'",
    ),
    "MS patient with SCI level": (
        _set("patients.csv", 0, "sci_level", "cervical"),
        "patients.csv, line 2, columns 'sci_level'/'ais_grade': MS patient P001",
    ),
    "empty patient id": (
        _set("doses.csv", 0, "patient_id", ""),
        "doses.csv, line 2, column 'patient_id': must not be empty",
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
    "not UTF-8": (
        _raw("patients.csv", "patient_id,diagnosis\nP1,MS\u00e9\n".encode("latin-1")),
        "patients.csv: not UTF-8 text",
    ),
    "unparseable CSV": (
        _raw("doses.csv", b'patient_id,years_since_implant,dose_ug_per_day\n"P001,0.0,5\n'),
        "doses.csv: not a readable CSV file",
    ),
    "missing file": ("delete doses.csv", "doses.csv: missing from the data folder"),
    "analysed patient without doses": (None, "is analysed but has no rows in doses.csv"),
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


def test_there_are_at_least_15_kinds_of_bad_data():
    assert len(CASES) >= 15


def test_the_valid_folder_passes(data_dir):
    patients, _doses = schema.read_folder(data_dir)
    assert len(patients) == 49 and patients["excluded"].dtype == bool


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


def test_many_problems_are_listed_but_capped(data_dir):
    _edit(data_dir, "doses.csv", lambda df: df.assign(dose_ug_per_day="-1"))
    with pytest.raises(StudyInputError) as err:
        schema.read_folder(data_dir)
    assert len(err.value.lines) == schema.MAX_LINES_SHOWN + 1
    assert err.value.lines[-1].startswith("... and ")


def test_missing_data_folder(tmp_path, capsys):
    assert run.main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere: does not exist" in capsys.readouterr().err


def test_data_folder_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "patients.csv"
    f.write_text("patient_id\n")
    assert run.main(["--data", str(f), "--out", str(tmp_path / "o")]) == 2
    assert "patients.csv: is not a folder" in capsys.readouterr().err


def test_unreadable_data_file(data_dir, tmp_path, capsys):
    (data_dir / "doses.csv").unlink()
    (data_dir / "doses.csv").mkdir()  # as root, permissions cannot make a file unreadable; a folder in its place can
    assert run.main(["--data", str(data_dir), "--out", str(tmp_path / "o")]) == 2
    assert "doses.csv: cannot be read (Is a directory)" in capsys.readouterr().err


def test_refusal_from_the_command_line_has_exit_code_2_no_traceback_and_leaves_outputs(data_dir, tmp_path):
    before = tree_digest(paths.OUTPUTS)
    _apply("unknown diagnosis", data_dir, None)
    proc = run_study("--data", data_dir)  # the real default target: outputs/runs/chart
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: patients.csv, line 2, column 'diagnosis': must be one of MS, SCI, got 'ALS'"
    ]
    assert tree_digest(paths.OUTPUTS) == before
