"""A clinic's export files as clinics write them: dates, Excel workbooks, separators, decimal commas, encodings
and headers; the shipped example of every form gives the canonical form's results (issue 12)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import paths
from helpers.clinic import export_files
from helpers.core import reproduction
from helpers.runner import plan as run_plan

from .. import exports

# ---- 4. dates -----------------------------------------------------------------------------------------------


def _day(days) -> list[str]:
    return list((pd.Timestamp("2001-03-15") + pd.to_timedelta(np.asarray(days), unit="D")).strftime("%Y-%m-%d"))


def dated_forms(canonical: Path, root: Path) -> dict[str, Path]:
    """The canonical cohort at whole days: in years (the canonical form), with patients by date, and with
    patients and doses by date. Years are days / 365.25, so all three describe the same charts."""
    p, d = exports.csv(canonical, "patients.csv"), exports.csv(canonical, "doses.csv")
    start = pd.Series(np.arange(len(p)) * 41, index=p["patient_id"])  # a different implant date per patient
    fu_days = np.ceil(p["followup_years"].astype(float) * 365.25).astype(int)
    dose_days = np.round(d["years_since_implant"].astype(float) * 365.25).astype(int)
    folders = {name: root / name for name in ("years", "patients_by_date", "both_by_date")}
    for folder in folders.values():
        folder.mkdir()
    years_p = p.assign(followup_years=[repr(v / 365.25) for v in fu_days])
    years_d = d.assign(years_since_implant=[repr(v / 365.25) for v in dose_days])
    implant = start[p["patient_id"]].to_numpy()
    dated_p = p.drop(columns=["followup_years"])
    dated_p.insert(4, "implant_date", _day(implant))
    dated_p.insert(5, "review_end_date", _day(implant + fu_days))
    dated_d = d.drop(columns=["years_since_implant"])
    dated_d.insert(1, "date", _day(start[d["patient_id"]].to_numpy() + dose_days))
    for folder, pp, dd in (
        (folders["years"], years_p, years_d),
        (folders["patients_by_date"], dated_p, years_d),
        (folders["both_by_date"], dated_p, dated_d),
    ):
        exports.write(pp, folder, "patients.csv")
        exports.write(dd, folder, "doses.csv")
    return folders


@pytest.fixture
def dated(canonical, tmp_path):
    return dated_forms(canonical, tmp_path)


@pytest.mark.parametrize("form", ["patients_by_date", "both_by_date"])
def test_dates_give_the_results_of_years(dated, form):
    exports.assert_same_study(dated["years"], dated[form])


DATE_CASES = {
    "unparseable implant date": (
        "patients.csv",
        lambda p, d: p.assign(implant_date=["04.03.2001", "2001-13-01", *p["implant_date"][2:]]),
        [
            "patients.csv, column 'implant_date': 2 rows not a date written YYYY-MM-DD (lines 2, 3; got '04.03.2001', '2001-13-01')"
        ],
    ),
    "unparseable dose date": (
        "doses.csv",
        lambda p, d: d.assign(date=["3/4/2001", *d["date"][1:]]),
        ["doses.csv, column 'date': 1 row not a date written YYYY-MM-DD (line 2; got '3/4/2001')"],
    ),
    "dose before implant": (
        "doses.csv",
        lambda p, d: d.assign(date=["2001-03-14", "2001-03-13", *d["date"][2:]]),
        [
            "doses.csv, column 'date': 2 rows dated before the patient's implant_date (lines 2, 3; got '2001-03-14', '2001-03-13')"
        ],
    ),
    "dose after review end": (
        "patients.csv",
        lambda p, d: p.assign(review_end_date=["2008-06-01", *p["review_end_date"][1:]]),
        None,  # the message names the dose rows after the new end
    ),
    "review end before implant": (
        "patients.csv",
        lambda p, d: p.assign(review_end_date=["2001-03-01", *p["review_end_date"][1:]]),
        ["patients.csv, column 'review_end_date': 1 row before implant_date (line 2; got '2001-03-01')"],
    ),
    "both forms in patients": (
        "patients.csv",
        lambda p, d: p.assign(followup_years="10"),
        [
            "patients.csv: has both followup_years and implant_date/review_end_date; give time in one form, years or dates (see the data dictionary)"
        ],
    ),
    "both forms in doses": (
        "doses.csv",
        lambda p, d: d.assign(years_since_implant="1"),
        [
            "doses.csv: has both years_since_implant and date; give time in one form, years or dates (see the data dictionary)"
        ],
    ),
    "one of the two patient dates": (
        "patients.csv",
        lambda p, d: p.drop(columns=["review_end_date"]),
        ["patients.csv, column 'review_end_date': missing (dates need implant_date and review_end_date)"],
    ),
    "empty implant date": (
        "patients.csv",
        lambda p, d: p.assign(implant_date=["", *p["implant_date"][1:]]),
        ["patients.csv, column 'implant_date': 1 row empty (line 2)"],
    ),
}


@pytest.mark.parametrize("case", sorted(DATE_CASES))
def test_date_problems_are_one_clear_line_each(dated, case):
    folder = dated["both_by_date"]
    name, change, expected = DATE_CASES[case]
    p, d = exports.csv(folder, "patients.csv"), exports.csv(folder, "doses.csv")
    exports.write(change(p, d), folder, name)
    lines = exports.refusal(folder)
    if expected is None:
        n_after = int((d["patient_id"].eq(p.at[0, "patient_id"]) & (d["date"] > "2008-06-01")).sum())
        first = d.index[d["patient_id"].eq(p.at[0, "patient_id"]) & (d["date"] > "2008-06-01")][0] + 2
        assert len(lines) == 1 and lines[0].startswith(
            f"doses.csv, column 'date': {n_after} rows dated after the patient's review_end_date (lines {first}, "
        ), lines
    else:
        assert lines == expected


def test_dated_doses_need_dated_patients(dated):
    folder = dated["both_by_date"]
    (folder / "patients.csv").write_bytes((dated["years"] / "patients.csv").read_bytes())
    assert exports.refusal(folder) == [
        "doses.csv, column 'date': dates need implant_date and review_end_date in patients.csv, which gives "
        "followup_years; give years_since_implant instead, or dates in both files"
    ]


def test_dated_doses_out_of_order_are_named_by_their_dates(dated):
    folder = dated["both_by_date"]
    d = exports.csv(folder, "doses.csv")
    d.loc[[1, 2], "date"] = d.loc[[2, 1], "date"].to_numpy()
    exports.write(d, folder, "doses.csv")
    lines = exports.refusal(folder)
    assert len(lines) == 1 and lines[0].startswith("doses.csv, column 'date': 1 row out of time order within a patient")
    assert f"(line 4; got {d.at[2, 'patient_id']}: {d.at[2, 'date']} after {d.at[1, 'date']})" in lines[0]


# ---- 5. Excel and locales; the examples of every form ---------------------------------------------------------

EXAMPLES = paths.EXAMPLE_DATA


def test_the_committed_examples_are_what_helpers_examples_writes():
    from helpers.synthetic import example_exports

    assert example_exports.main(["--check"]) == 0


def test_the_examples_are_tracked_by_git_and_labelled_synthetic():
    import subprocess

    files = [p.relative_to(paths.ROOT).as_posix() for p in sorted(EXAMPLES.rglob("*")) if p.is_file()]
    assert len(files) == 18  # README + 8 folders of 2 files + the workbook
    ignored = subprocess.run(
        ["git", "check-ignore", *files], cwd=paths.ROOT, capture_output=True, text=True, encoding="utf-8"
    )
    assert ignored.stdout == ""
    assert "**Everything in this folder is synthetic: no real patient is in it.**" in (
        EXAMPLES / "README.md"
    ).read_text(encoding="utf-8")
    for example in (*(p for p in EXAMPLES.iterdir() if p.is_dir()), EXAMPLES / "workbook.xlsx"):
        tables, *_ = export_files.read_tables(example)
        assert set(tables["patients"]["patient_id"]) == {f"SYNTH-{i:02d}" for i in range(1, 15)}, example.name


def test_every_example_is_in_the_examples_readme_with_the_command_that_runs_it():
    text = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for example in sorted(p for p in EXAMPLES.iterdir() if p.name != "README.md"):
        name = f"{example.name}/" if example.is_dir() else example.name
        assert f"| `{name}` |" in text and f"make study DATA=data/examples/{example.name}`" in text, name


@pytest.mark.parametrize(
    "example", ["spelled_freely", "semicolon_decimal_comma", "windows_1252", "latin_1", "workbook.xlsx", "excel_files"]
)
def test_each_form_gives_the_results_of_its_canonical_form(example):
    canonical = "dates" if example == "excel_files" else "canonical"  # the Excel files hold dates as date cells
    exports.assert_same_study(EXAMPLES / canonical, EXAMPLES / example)


def test_the_dates_example_gives_the_canonical_results():
    """Canonical years are days / 365.25 written with 6 decimals: the same charts to within a minute."""
    pc, dc, *_ = export_files.read(EXAMPLES / "canonical")
    pd_, dd, *_ = export_files.read(EXAMPLES / "dates")
    pd.testing.assert_frame_equal(pc, pd_, check_exact=False, atol=1e-6, rtol=0)
    pd.testing.assert_frame_equal(dc, dd, check_exact=False, atol=1e-6, rtol=0)
    hc, hd = reproduction.headline_numbers(pc, dc), reproduction.headline_numbers(pd_, dd)
    assert hc.keys() == hd.keys() and all(np.isclose(hc[k], hd[k], rtol=1e-9) for k in hc)


def test_the_optional_columns_example_gives_the_canonical_results_it_can():
    pc, dc, *_ = export_files.read(EXAMPLES / "canonical")
    po, do, *_ = export_files.read(EXAMPLES / "optional_columns_left_out")
    pd.testing.assert_frame_equal(pc.drop(columns=list(exports.OPTIONAL)), po.drop(columns=list(exports.OPTIONAL)))
    pd.testing.assert_frame_equal(dc, do)
    assert po[list(exports.OPTIONAL)].isna().all().all()


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False)


def test_spreadsheet_problems_name_the_sheet_and_its_rows(canonical, tmp_path):
    p, d = exports.csv(canonical, "patients.csv"), exports.csv(canonical, "doses.csv")
    p.loc[[3, 5], "diagnosis"] = "ALS"
    _workbook(tmp_path / "clinic.xlsx", {"Patients ": p, "doses": d})
    assert exports.refusal(tmp_path / "clinic.xlsx") == [
        "clinic.xlsx, sheet 'Patients ', column 'diagnosis': 2 rows not MS or SCI (rows 5, 7; got 'ALS')"
    ]
    _workbook(tmp_path / "clinic.xlsx", {"patients": p, "dose adjustments": d})
    assert exports.refusal(tmp_path / "clinic.xlsx") == [
        "clinic.xlsx: no sheet named 'doses' (the workbook has: patients, dose adjustments)"
    ]
    folder = tmp_path / "files"
    folder.mkdir()
    _workbook(folder / "doses.xlsx", {"Sheet1": d.assign(dose_ug_per_day="0")})
    exports.write(p, folder, "patients.csv")
    lines = exports.refusal(folder)
    assert lines[-1].startswith(
        f"doses.xlsx, column 'dose_ug_per_day': {len(d)} rows at or below 0 µg/24 h (rows 2, 3, 4, ..."
    )


@pytest.mark.parametrize(
    "files, message",
    [
        ({"patients.csv": b"x", "patients.xlsx": b"x"}, "has both patients.csv and patients.xlsx; keep one"),
        ({"patients.csv": None, "patients.xlsx": b"not a zip"}, "patients.xlsx: not a readable .xlsx workbook"),
        ({"clinic.xls": b"x"}, "is not a folder or an .xlsx workbook"),
    ],
)
def test_unreadable_or_ambiguous_files_are_refused(canonical, files, message):
    for name, content in files.items():
        if content is None:
            (canonical / name).unlink()
        else:
            (canonical / name).write_bytes(content)
    source = canonical / "clinic.xls" if "clinic.xls" in files else canonical
    assert any(message in line for line in exports.refusal(source))


def test_semicolon_files_may_leave_number_cells_empty(tmp_path):
    folder = exports.copy_export(EXAMPLES / "semicolon_decimal_comma", tmp_path / "semicolon")
    text = (folder / "patients.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = text[1].split(";")
    cells[6] = ""  # age_at_implant
    text[1] = ";".join(cells)
    (folder / "patients.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    patients, _, *_ = export_files.read(folder)
    assert np.isnan(patients.at[0, "age_at_implant"]) and patients.at[1, "followup_years"] > 0


def test_semicolon_files_with_decimal_commas_refuse_a_point_as_ambiguous(tmp_path):
    folder = exports.copy_export(EXAMPLES / "semicolon_decimal_comma", tmp_path / "semicolon")
    text = (folder / "doses.csv").read_text(encoding="utf-8-sig").splitlines()
    text[1] = text[1].replace("55,7", "1.500")
    (folder / "doses.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert exports.refusal(folder) == [
        "doses.csv, column 'dose_ug_per_day': 1 row with a '.' in a file written with decimal commas "
        "(is 1.500 one and a half, or fifteen hundred?) (line 2; got '1.500')"
    ]


def test_file_names_may_differ_in_case(canonical):
    (canonical / "patients.csv").rename(canonical / "Patients.CSV")
    patients, _, *_ = export_files.read(canonical)
    assert len(patients) == 49
    (canonical / "patients.csv").write_bytes((canonical / "Patients.CSV").read_bytes())
    assert exports.refusal(canonical) == [f"data folder {canonical}: has Patients.CSV and patients.csv; keep one"]


def test_a_workbook_names_its_run_after_the_file(tmp_path):
    plan = run_plan.make(data=str(EXAMPLES / "workbook.xlsx"), out=tmp_path / "out")
    assert plan.name == "workbook" and plan.values["data_dir"].endswith("workbook.xlsx")


# ---- 8. encodings, headers and stray columns as spreadsheets leave them ----------------------------------------


def test_windows_1252_and_latin_1_are_read_with_one_note_and_a_mixed_file_names_its_line(canonical, tmp_path):
    folder = exports.copy_export(canonical, tmp_path / "swedish")
    p = exports.csv(folder, "patients.csv").assign(kommentar="Överflyttad från Malmö – ej analyserad")
    exports.write(p, folder, "patients.csv", sep=";", encoding="cp1252")
    notes = export_files.read(folder).notes
    assert notes[0] == (
        "patients.csv: not UTF-8, read as Windows-1252 (Western European, which covers Latin-1); saving it as CSV "
        "UTF-8 avoids this note"
    )
    exports.assert_same_study(canonical, folder)
    text = (folder / "patients.csv").read_bytes().replace(b"\x96", b"-")  # an en dash is not in Latin-1
    (folder / "patients.csv").write_bytes(text.decode("latin-1").encode("latin-1"))
    exports.assert_same_study(canonical, folder)
    lines = text.split(b"\n")
    lines[5] = lines[5].replace(b"\xd6", "Ö".encode())  # one line in UTF-8 among Latin-1 lines
    (folder / "patients.csv").write_bytes(b"\n".join(lines))
    assert exports.refusal(folder) == [
        "patients.csv, line 2: not UTF-8 text (byte 0xd6), though other lines are; the file mixes two encodings: "
        "save it again from the spreadsheet as CSV UTF-8"
    ]


def test_column_names_match_in_any_case_and_stray_empty_columns_are_dropped_quietly(canonical, tmp_path):
    folder = exports.copy_export(canonical, tmp_path / "headers")
    p = exports.csv(folder, "patients.csv")
    p.columns = [" Patient_ID ", "Diagnosis", *(c.upper() for c in p.columns[2:])]
    p["Unused"], p[""], p["  "] = "x", "", ""
    exports.write(p, folder, "patients.csv", sep=";")
    with (folder / "patients.csv").open("a", encoding="utf-8") as f:  # and a row of empty cells at the end
        f.write(";" * (len(p.columns) - 1) + "\n")
    _, _, notes, _ = export_files.read(folder)
    assert notes == ["columns the study does not use are ignored (never copied into any output): patients.csv 'Unused'"]
    exports.assert_same_study(canonical, folder)
    p[""] = ["a value", *[""] * (len(p) - 1)]  # a nameless column with a value is a column the study does not use
    exports.write(p, folder, "patients.csv")
    assert (
        export_files.read(folder).notes[0].endswith(f"patients.csv 'Unused', '(no name, column {len(p.columns) - 1})'")
    )
    p = exports.csv(canonical, "patients.csv").assign(Diagnosis="MS")
    exports.write(p, folder, "patients.csv")
    assert exports.refusal(folder) == [
        "patients.csv: has the column 'diagnosis' twice (names match in any case); keep one"
    ]


def test_a_decimal_comma_in_a_comma_separated_file_is_named_with_its_column_and_lines(canonical, tmp_path):
    folder = exports.copy_export(canonical, tmp_path / "comma")
    lines = (folder / "patients.csv").read_text(encoding="utf-8").splitlines()
    age = lines[0].split(",").index("age_at_implant")
    for n in (3, 5):  # file lines 4 and 6: an age written 61,5
        cells = lines[n].split(",")
        cells[age] = "61,5"
        lines[n] = ",".join(cells)
    (folder / "patients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert exports.refusal(folder) == [
        "patients.csv, column 'age_at_implant': 2 rows with more values than the header (lines 4, 6; got '61,5'): "
        "probably a decimal comma; save the file with ';' between fields, or quote the value"
    ]
