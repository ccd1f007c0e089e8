"""Real clinic exports: what clinics actually write is read (and gives the canonical form's results); what is
ambiguous is refused with one clear line (issue 12)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import paths
from helpers.clinic import export_files
from helpers.core import cohort
from helpers.errors import StudyInputError
from helpers.runner import plan as run_plan


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _write(df: pd.DataFrame, folder: Path, name: str, **kw) -> None:
    df.to_csv(folder / name, index=False, lineterminator="\n", **kw)


def _refusal(folder) -> list[str]:
    with pytest.raises(StudyInputError) as err:
        export_files.read(folder)
    return err.value.lines


def assert_same_study(folder_a, folder_b) -> None:
    """Both folders give the same validated frames and the same headline numbers."""
    pa_, da, *_ = export_files.read(folder_a)
    pb, db, *_ = export_files.read(folder_b)
    pd.testing.assert_frame_equal(pa_, pb)
    pd.testing.assert_frame_equal(da, db)
    ha, hb = cohort.headline_numbers(pa_, da), cohort.headline_numbers(pb, db)
    assert ha.keys() == hb.keys()
    for k in ha:
        assert ha[k] == hb[k] or (np.isnan(ha[k]) and np.isnan(hb[k])), k


@pytest.fixture
def canonical(tmp_path, synthetic_frames):
    from helpers import synthetic

    folder = tmp_path / "canonical"
    synthetic.write_csvs(*synthetic_frames, folder)
    return folder


def _copy(canonical: Path, folder: Path) -> Path:
    folder.mkdir()
    for name in ("patients.csv", "doses.csv"):
        (folder / name).write_bytes((canonical / name).read_bytes())
    return folder


# ---- 1. tolerant where the meaning is clear, strict where it is not --------------------------------------


def test_spellings_whose_meaning_is_clear_give_the_canonical_results(canonical, tmp_path):
    folder = _copy(canonical, tmp_path / "spelled")
    p = _csv(folder, "patients.csv")
    yes = ["TRUE", "True", "yes", "Y", "1", "true"]
    no = ["FALSE", "False", "no", "N", "0", "false"]
    p["excluded"] = [(yes if v == "true" else no)[i % 6] for i, v in enumerate(p["excluded"])]
    p["sex"] = [{"F": ["female", "Female", "f"], "M": ["male", "MALE", "m"]}[v][i % 3] for i, v in enumerate(p["sex"])]
    p["diagnosis"] = [f"  {v.lower()} " if i % 2 else v for i, v in enumerate(p["diagnosis"])]
    p["ais_grade"] = p["ais_grade"].str.lower()
    p["sci_level"] = p["sci_level"].str.title()
    p.columns = [f" {c}" if i == 0 else c for i, c in enumerate(p.columns)]  # a space in the header
    _write(p, folder, "patients.csv")
    assert_same_study(canonical, folder)


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
    p = _csv(canonical, "patients.csv")
    p.loc[0, column] = value
    _write(p, canonical, "patients.csv")
    assert f"patients.csv, {message}" in _refusal(canonical)


def test_unknown_columns_are_ignored_with_one_note_and_dropped(canonical, tmp_path):
    folder = _copy(canonical, tmp_path / "extra")
    p, d = _csv(folder, "patients.csv"), _csv(folder, "doses.csv")
    p.insert(1, "hospital_number", [f"MRN-{i}" for i in range(len(p))])
    p["comment"] = "free text"
    d["nurse"] = "initials"
    _write(p, folder, "patients.csv")
    _write(d, folder, "doses.csv")
    patients, doses, notes, _ = export_files.read(folder)
    assert notes == [
        "columns the study does not use are ignored (never copied into any output): "
        "patients.csv 'hospital_number', 'comment'; doses.csv 'nurse'"
    ]
    assert "hospital_number" not in patients and "comment" not in patients and "nurse" not in doses
    assert_same_study(canonical, folder)


def test_the_runner_prints_the_note_once(canonical, tmp_path, capsys):
    p = _csv(canonical, "patients.csv")
    p["hospital_number"] = "MRN"
    _write(p, canonical, "patients.csv")
    run_plan.make(data=str(canonical), out=tmp_path / "out")  # checks the data and plans the run; runs no notebook
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "note: columns the study does not use are ignored (never copied into any output): patients.csv 'hospital_number'"
    ]


# ---- 3. optional columns may be absent --------------------------------------------------------------------

OPTIONAL = ("sex", "age_at_implant", "years_since_onset", "sci_level", "ais_grade")


def test_optional_columns_may_be_absent_and_table_one_says_not_recorded(canonical, tmp_path):
    from helpers.core import tables

    folder = _copy(canonical, tmp_path / "optional")
    _write(_csv(folder, "patients.csv").drop(columns=list(OPTIONAL)), folder, "patients.csv")
    patients, doses, notes, _ = export_files.read(folder)
    assert notes == [] and patients[list(OPTIONAL)].isna().all().all()
    full, full_doses, *_ = export_files.read(canonical)
    pd.testing.assert_frame_equal(doses, full_doses)
    got, want = cohort.headline_numbers(patients, doses), cohort.headline_numbers(full, full_doses)
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
    _write(_csv(canonical, name).drop(columns=[column]), canonical, name)
    lines = _refusal(canonical)
    assert len(lines) == 1 and lines[0].startswith(f"{name}, column '{column}': missing") and "the file has" in lines[0]


def test_an_absent_reason_column_is_fine_unless_someone_is_excluded(canonical):
    p = _csv(canonical, "patients.csv").drop(columns=["exclusion_reason"])
    _write(p, canonical, "patients.csv")
    lines = [f"{i + 2}" for i in p.index[p["excluded"] == "true"][:3]]
    assert _refusal(canonical) == [
        f"patients.csv, column 'exclusion_reason': 8 rows excluded without a reason (lines {', '.join(lines)}, ...)"
    ]
    kept = p.loc[p["excluded"] == "false"]
    _write(kept, canonical, "patients.csv")
    d = _csv(canonical, "doses.csv")
    _write(d.loc[d["patient_id"].isin(kept["patient_id"])], canonical, "doses.csv")
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
    p = _csv(folder, "patients.csv")
    excluded = p.index[p["excluded"] == "true"]
    p.loc[excluded, "exclusion_reason"] = reasons[: len(excluded)]
    _write(p, folder, "patients.csv")
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
    assert _refusal(canonical) == [
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


# ---- 4. dates -----------------------------------------------------------------------------------------------


def _day(days) -> list[str]:
    return list((pd.Timestamp("2001-03-15") + pd.to_timedelta(np.asarray(days), unit="D")).strftime("%Y-%m-%d"))


def dated_forms(canonical: Path, root: Path) -> dict[str, Path]:
    """The canonical cohort at whole days: in years (the canonical form), with patients by date, and with
    patients and doses by date. Years are days / 365.25, so all three describe the same charts."""
    p, d = _csv(canonical, "patients.csv"), _csv(canonical, "doses.csv")
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
        _write(pp, folder, "patients.csv")
        _write(dd, folder, "doses.csv")
    return folders


@pytest.fixture
def dated(canonical, tmp_path):
    return dated_forms(canonical, tmp_path)


@pytest.mark.parametrize("form", ["patients_by_date", "both_by_date"])
def test_dates_give_the_results_of_years(dated, form):
    assert_same_study(dated["years"], dated[form])


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
    p, d = _csv(folder, "patients.csv"), _csv(folder, "doses.csv")
    _write(change(p, d), folder, name)
    lines = _refusal(folder)
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
    assert _refusal(folder) == [
        "doses.csv, column 'date': dates need implant_date and review_end_date in patients.csv, which gives "
        "followup_years; give years_since_implant instead, or dates in both files"
    ]


def test_dated_doses_out_of_order_are_named_by_their_dates(dated):
    folder = dated["both_by_date"]
    d = _csv(folder, "doses.csv")
    d.loc[[1, 2], "date"] = d.loc[[2, 1], "date"].to_numpy()
    _write(d, folder, "doses.csv")
    lines = _refusal(folder)
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


@pytest.mark.parametrize(
    "example", ["spelled_freely", "semicolon_decimal_comma", "windows_1252", "latin_1", "workbook.xlsx", "excel_files"]
)
def test_each_form_gives_the_results_of_its_canonical_form(example):
    canonical = "dates" if example == "excel_files" else "canonical"  # the Excel files hold dates as date cells
    assert_same_study(EXAMPLES / canonical, EXAMPLES / example)


def test_the_dates_example_gives_the_canonical_results():
    """Canonical years are days / 365.25 written with 6 decimals: the same charts to within a minute."""
    pc, dc, *_ = export_files.read(EXAMPLES / "canonical")
    pd_, dd, *_ = export_files.read(EXAMPLES / "dates")
    pd.testing.assert_frame_equal(pc, pd_, check_exact=False, atol=1e-6, rtol=0)
    pd.testing.assert_frame_equal(dc, dd, check_exact=False, atol=1e-6, rtol=0)
    hc, hd = cohort.headline_numbers(pc, dc), cohort.headline_numbers(pd_, dd)
    assert hc.keys() == hd.keys() and all(np.isclose(hc[k], hd[k], rtol=1e-9) for k in hc)


def test_the_optional_columns_example_gives_the_canonical_results_it_can():
    pc, dc, *_ = export_files.read(EXAMPLES / "canonical")
    po, do, *_ = export_files.read(EXAMPLES / "optional_columns_left_out")
    pd.testing.assert_frame_equal(pc.drop(columns=list(OPTIONAL)), po.drop(columns=list(OPTIONAL)))
    pd.testing.assert_frame_equal(dc, do)
    assert po[list(OPTIONAL)].isna().all().all()


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False)


def test_spreadsheet_problems_name_the_sheet_and_its_rows(canonical, tmp_path):
    p, d = _csv(canonical, "patients.csv"), _csv(canonical, "doses.csv")
    p.loc[[3, 5], "diagnosis"] = "ALS"
    _workbook(tmp_path / "clinic.xlsx", {"Patients ": p, "doses": d})
    assert _refusal(tmp_path / "clinic.xlsx") == [
        "clinic.xlsx, sheet 'Patients ', column 'diagnosis': 2 rows not MS or SCI (rows 5, 7; got 'ALS')"
    ]
    _workbook(tmp_path / "clinic.xlsx", {"patients": p, "dose adjustments": d})
    assert _refusal(tmp_path / "clinic.xlsx") == [
        "clinic.xlsx: no sheet named 'doses' (the workbook has: patients, dose adjustments)"
    ]
    folder = tmp_path / "files"
    folder.mkdir()
    _workbook(folder / "doses.xlsx", {"Sheet1": d.assign(dose_ug_per_day="0")})
    _write(p, folder, "patients.csv")
    lines = _refusal(folder)
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
    assert any(message in line for line in _refusal(source))


def test_semicolon_files_may_leave_number_cells_empty(tmp_path):
    folder = _copy(EXAMPLES / "semicolon_decimal_comma", tmp_path / "semicolon")
    text = (folder / "patients.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = text[1].split(";")
    cells[6] = ""  # age_at_implant
    text[1] = ";".join(cells)
    (folder / "patients.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    patients, _, *_ = export_files.read(folder)
    assert np.isnan(patients.at[0, "age_at_implant"]) and patients.at[1, "followup_years"] > 0


def test_semicolon_files_with_decimal_commas_refuse_a_point_as_ambiguous(tmp_path):
    folder = _copy(EXAMPLES / "semicolon_decimal_comma", tmp_path / "semicolon")
    text = (folder / "doses.csv").read_text(encoding="utf-8-sig").splitlines()
    text[1] = text[1].replace("55,7", "1.500")
    (folder / "doses.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert _refusal(folder) == [
        "doses.csv, column 'dose_ug_per_day': 1 row with a '.' in a file written with decimal commas "
        "(is 1.500 one and a half, or fifteen hundred?) (line 2; got '1.500')"
    ]


def test_file_names_may_differ_in_case(canonical):
    (canonical / "patients.csv").rename(canonical / "Patients.CSV")
    patients, _, *_ = export_files.read(canonical)
    assert len(patients) == 49
    (canonical / "patients.csv").write_bytes((canonical / "Patients.CSV").read_bytes())
    assert _refusal(canonical) == [f"data folder {canonical}: has Patients.CSV and patients.csv; keep one"]


def test_a_workbook_names_its_run_after_the_file(tmp_path):
    plan = run_plan.make(data=str(EXAMPLES / "workbook.xlsx"), out=tmp_path / "out")
    assert plan.name == "workbook" and plan.values["data_dir"].endswith("workbook.xlsx")


# ---- 7. disclosure that holds against subtraction ----------------------------------------------------------


def determined(values: dict, relations) -> set:
    """Independent check (exact rational elimination, not helpers.core.disclosure): the hidden cells whose value
    the relations and the shown cells fix. ``values``: name -> int (shown) or None (hidden)."""
    from fractions import Fraction

    unknown = [k for k, v in values.items() if v is None]
    col = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknown)
        for k, sign in ((total, 1), *((p, -1) for p in parts)):
            if k in col:
                row[col[k]] += sign
        if any(row):
            rows.append(row)
    pivots, r = [], 0
    for c in range(len(unknown)):  # reduced row echelon form
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][c] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                rows[i] = [a - rows[i][c] * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
    return {unknown[c] for i, c in enumerate(pivots) if sum(v != 0 for v in rows[i]) == 1}


def _shown_value(cell):
    text = str(cell).strip()
    if text.startswith("<") or text == "masked":
        return None
    return int(text.split(" (")[0])


def test_protect_masks_another_reason_or_the_total_so_subtraction_cannot_recover_a_small_one():
    from helpers.core import disclosure

    counts = {"excluded": 8, "pump": 5, "ulcer": 3}
    shown = disclosure.protect(counts, [("excluded", ["pump", "ulcer"])], 5)
    assert shown == {"excluded": 8, "pump": "masked", "ulcer": "<5"}
    counts = {"screened": 15, "excluded": 2, "analysed": 13, "MS": 9, "SCI": 4}
    relations = [("screened", ["excluded", "analysed"]), ("analysed", ["MS", "SCI"])]
    shown = disclosure.protect(counts, relations, 5)
    assert shown["excluded"] == "<5" and shown["SCI"] == "<5"
    assert sum(v == "masked" for v in shown.values()) == 2
    values = {k: None if disclosure.is_hidden(v) else v for k, v in shown.items()}
    assert determined(values, relations) == set()
    # without secondary suppression, subtraction gives both back
    assert determined({k: None if k in ("excluded", "SCI") else v for k, v in counts.items()}, relations) == {
        "excluded",
        "SCI",
    }


def test_protect_never_masks_zeros_and_uses_counts_no_table_shows():
    from helpers.core import disclosure

    counts = {"n": 20, "a": 3, "b": 17, "c": 0}
    assert disclosure.protect(counts, [("n", ["a", "b", "c"])], 5) == {"n": 20, "a": "<5", "b": "masked", "c": 0}
    counts |= {"unknown": 4, "n": 24}  # patients without a value, a count no table shows
    shown = disclosure.protect(counts, [("n", ["a", "b", "c", "unknown"])], 5, shown={"n", "a", "b", "c"})
    assert shown == {"n": 24, "a": "<5", "b": 17, "c": 0}
    with pytest.raises(ValueError, match="relation does not hold"):
        disclosure.protect({"n": 5, "a": 1}, [("n", ["a"])], 5)


@pytest.mark.parametrize("seed", range(12))
def test_protect_leaves_nothing_recoverable_in_random_tables_with_margins(seed):
    from helpers.core import disclosure

    rng = np.random.default_rng(seed)
    inner = rng.choice([0, 1, 2, 3, 4, 6, 9, 15], size=(3, 4))
    counts = {("cell", i, j): int(inner[i, j]) for i in range(3) for j in range(4)}
    counts |= {("row", i): int(inner[i].sum()) for i in range(3)} | {
        ("col", j): int(inner[:, j].sum()) for j in range(4)
    }
    counts[("all",)] = int(inner.sum())
    relations = [(("row", i), [("cell", i, j) for j in range(4)]) for i in range(3)]
    relations += [(("col", j), [("cell", i, j) for i in range(3)]) for j in range(4)]
    relations.append((("all",), [("row", i) for i in range(3)]))
    shown = disclosure.protect(counts, relations, 5)
    values = {k: None if disclosure.is_hidden(v) else v for k, v in shown.items()}
    assert determined(values, relations) == set()
    assert all(shown[k] == "<5" for k, v in counts.items() if 0 < v < 5)
    assert all(shown[k] == 0 for k, v in counts.items() if v == 0)


def _tables_as_shown(patients, doses, min_count=5):
    """The flow table, Table 1, the SCI table and the reference-dose table as notebooks 1-3 show them."""
    from helpers.core import counts, tables

    shown = counts.protected(patients, doses, 1, [7, 10], min_count)
    flow = tables.flow_shown(tables.flow_counts(patients, doses, 1, [7, 10]), shown)
    t1 = tables.table_one(patients, shown=shown)
    sci = tables.sci_breakdown(patients, shown=shown)
    ref = tables.median_range(cohort.percent_of_reference(patients, doses, 1, []), 1, extremes=False, shown=shown)
    return flow, t1, sci, ref


def _relations_a_reader_sees(flow, t1, sci, ref):
    """Every sum a reader can form from the shown tables, with the same count named alike across tables
    (built from the tables as shown, independently of helpers/core/counts.py)."""
    values, relations = {}, []
    f = {(s, g): v for s, g, v in zip(flow["stage"], flow["group"], flow["n"])}
    for (s, g), v in f.items():
        values[("flow", s, g)] = _shown_value(v)
    reasons = [("flow", s, "all") for s, _ in f if s.startswith("excluded: ")]
    relations += [
        (("flow", "screened", "all"), [("flow", "excluded", "all"), ("flow", "analysed", "all")]),
        (("flow", "excluded", "all"), reasons),
        (("flow", "analysed", "all"), [("flow", "analysed", "MS"), ("flow", "analysed", "SCI")]),
    ]
    group = {"Overall": "all", "MS": "MS", "SCI": "SCI"}
    n = {col: ("flow", "analysed", g) for col, g in group.items()}  # Table 1's n is the flow's analysed
    blocks: dict[str, list] = {}
    for row in t1.index:
        name, _, level = row.partition(", n (%): ")
        if level:
            blocks.setdefault(name, []).append(row)
    for name, rows in blocks.items():
        missing = ("t1 missing", name)
        values[missing] = _shown_value(t1.loc[rows[0], "Missing"])
        for col in group:
            for row in rows:
                values[("t1", row, col)] = _shown_value(t1.loc[row, col])
            values[("t1 missing", name, col)] = 0 if values[missing] == 0 else None  # per group: not shown
            relations.append((n[col], [*(("t1", row, col) for row in rows), ("t1 missing", name, col)]))
        relations += [(("t1", row, "Overall"), [("t1", row, "MS"), ("t1", row, "SCI")]) for row in rows]
        relations.append((missing, [("t1 missing", name, "MS"), ("t1 missing", name, "SCI")]))
    for r in sci.index:
        for c in sci.columns:
            values[("sci", r, c)] = _shown_value(sci.loc[r, c])
        if r != "all":
            relations.append((("sci", r, "all"), [("sci", r, c) for c in sci.columns if c != "all"]))
    for c in sci.columns:
        relations.append((("sci", "all", c), [("sci", r, c) for r in sci.index if r != "all"]))
    relations.append((("sci", "all", "all"), [n["SCI"]]))
    for level in ("cervical", "thoracic"):
        if level in sci.index:
            relations.append((("sci", level, "all"), [("t1", f"SCI level, n (%): {level}", "SCI")]))
    if "AIS A" in sci.columns:
        relations.append((("sci", "all", "AIS A"), [("t1", "AIS grade, n (%): A", "SCI")]))
    r = dict(zip(ref["group"], ref["n"]))
    for g in r:
        values[("ref", g)] = _shown_value(r[g])
        relations.append((("ref", g), [("flow", "analysed", g)]))  # everyone has a dose after 1 year here
    relations.append((("ref", "all"), [("ref", "MS"), ("ref", "SCI")]))
    return values, relations


def _clinic_like(n_ms, n_sci, n_excluded, seed, reasons=None):
    from helpers import synthetic
    from helpers.clinic import contract

    spec = synthetic.make_spec("simulation", seed, {"n_ms": n_ms, "n_sci": n_sci, "n_excluded": n_excluded})
    p, d = synthetic.generate(spec)
    if reasons:
        p.loc[p["excluded"], "exclusion_reason"] = [reasons[i % len(reasons)] for i in range(n_excluded)]
    return contract.validate(p, d)


@pytest.mark.parametrize(
    "cohort_args",
    [
        (9, 4, 2, 5, None),  # the end-to-end test's clinic: SCI and the exclusions below 5
        (22, 19, 8, 2019, None),  # the paper's size: one reason below 5
        (30, 12, 11, 3, ["infection", "pump failure", "death", "moved away", "explant"]),
        (15, 7, 6, 11, ["infection", "pump failure"]),
    ],
)
def test_no_masked_count_can_be_recovered_from_the_tables_of_notebooks_1_to_3(cohort_args):
    patients, doses = _clinic_like(*cohort_args)
    flow, t1, sci, ref = _tables_as_shown(patients, doses)
    values, relations = _relations_a_reader_sees(flow, t1, sci, ref)
    hidden = {k for k, v in values.items() if v is None and not (k[0] == "t1 missing" and len(k) == 3)}
    assert hidden, "nothing is masked: the case tests nothing"
    assert determined(values, relations) & hidden == set()
    for col in ("Overall", "MS", "SCI"):  # a percentage with a hidden n would give the n back
        if _shown_value(t1.loc["n", col]) is None:
            assert not any(" (" in str(t1.loc[r, col]) for r in t1.index if ", n (%): " in r), col


def test_without_secondary_suppression_the_same_tables_would_give_counts_away():
    """The check above can fail: with small counts masked alone, subtraction recovers them."""
    from helpers.core import disclosure, tables

    patients, doses = _clinic_like(22, 19, 8, 2019)
    flow = tables.flow_counts(patients, doses, 1, [7, 10])
    flow = disclosure.mask_counts(flow, ["n"], 5)
    t1 = disclosure.mask_count_cells(tables.table_one(patients), 5)
    sci = disclosure.mask_counts(tables.sci_breakdown(patients), tables.sci_breakdown(patients).columns, 5)
    ref = tables.median_range(cohort.percent_of_reference(patients, doses, 1, []), 1)
    values, relations = _relations_a_reader_sees(flow, t1, sci, ref)
    assert ("flow", "excluded: factor aggravating spasticity", "all") in determined(values, relations)


def test_the_flow_diagram_shows_what_the_flow_table_shows():
    from helpers.core import counts, figures, tables

    patients, doses = _clinic_like(9, 4, 2, 5)
    flow = tables.flow_shown(
        tables.flow_counts(patients, doses, 1, [7, 10]), counts.protected(patients, doses, 1, [7, 10], 5)
    )
    numbers = tables.flow_numbers(flow, [7, 10])
    fig = figures.flow_diagram(numbers)
    text = " ".join(t.get_text() for t in fig.axes[0].texts)
    for stage, group, n in zip(flow["stage"], flow["group"], flow["n"]):
        if stage == "screened":
            assert f"screened: {figures.n_text(n, True)}" in text
        if stage == "analysed" and group != "all":
            assert f"{group}: {figures.n_text(n, True)}" in text
    assert "masked" in text
    import matplotlib.pyplot as plt

    plt.close(fig)


# ---- minimum and maximum ---------------------------------------------------------------------------------


def test_chart_data_tables_show_percentiles_not_single_patients_extremes(synthetic_frames):
    from helpers.core import tables

    p, d = synthetic_frames
    pct = cohort.percent_of_reference(p, d, 1, [])
    ref = tables.median_range(pct, 1, extremes=False).set_index("group")
    assert "min" not in ref and "max" not in ref
    doses = pct.loc[pct["year"] == 1, "dose_ref"]
    assert ref.loc["all", "p10"] == pytest.approx(np.percentile(doses, 10))
    assert ref.loc["all", "p90"] == pytest.approx(np.percentile(doses, 90))
    assert ref.loc["all", "median (10th-90th percentile)"] == (
        f"{doses.median():.0f} ({np.percentile(doses, 10):.0f}-{np.percentile(doses, 90):.0f})"
    )
    assert doses.min() not in set(ref["p10"]) and doses.max() not in set(ref["p90"])
    adj = tables.adjustments_summary(cohort.adjustments_per_year(p, d), extremes=False)
    assert {"p10", "p90"} <= set(adj.columns) and not {"min", "max"} & set(adj.columns)
    assert "min" in tables.median_range(pct, 1).columns  # the synthetic study keeps the published range


def test_the_reproduction_report_hides_the_extremes_on_chart_data():
    from helpers.core import disclosure, published, reproduction

    results = {p.key: p.value for p in published.PUBLISHED}
    chart = reproduction.compare(results, count=lambda n: disclosure.mask(n, 5)).set_index("quantity")
    assert chart.loc["Dose after 1 year, minimum (µg/24 h)", "reproduced"] == "not shown"
    assert chart.loc["Dose after 1 year, maximum (µg/24 h)", "reproduced"] == "not shown"
    assert chart.loc["Dose after 1 year, median (µg/24 h)", "reproduced"] == "168"
    allowed = reproduction.compare(results, count=lambda n: disclosure.mask(n, 5), extremes=True)
    assert allowed.set_index("quantity").loc["Dose after 1 year, minimum (µg/24 h)", "reproduced"] == "30"
    assert reproduction.compare(results)["matches"].all()


def test_show_extremes_is_a_parameter_that_allows_them_on_chart_data(tmp_path):
    from helpers import study
    from helpers.study import params

    assert params.DEFAULTS["show_extremes"] is False
    assert params.check({"show_extremes": "yes"}) == ["parameter 'show_extremes': expected true or false, got 'yes'"]
    s = study.Study({**params.DEFAULTS, "data_dir": "x"}, tmp_path, None, None, "chart data", [])
    assert not s.show_extremes and "replaced by the 10th and 90th percentiles" in s.privacy_note()
    s = study.Study({**params.DEFAULTS, "data_dir": "x", "show_extremes": True}, tmp_path, None, None, "chart data", [])
    assert s.show_extremes
    assert study.Study(dict(params.DEFAULTS), tmp_path, None, None, "synthetic", []).show_extremes


# ---- 8. encodings, headers and stray columns as spreadsheets leave them ----------------------------------------


def test_windows_1252_and_latin_1_are_read_with_one_note_and_a_mixed_file_names_its_line(canonical, tmp_path):
    folder = _copy(canonical, tmp_path / "swedish")
    p = _csv(folder, "patients.csv").assign(kommentar="Överflyttad från Malmö – ej analyserad")
    _write(p, folder, "patients.csv", sep=";", encoding="cp1252")
    notes = export_files.read(folder).notes
    assert notes[0] == (
        "patients.csv: not UTF-8, read as Windows-1252 (Western European, which covers Latin-1); saving it as CSV "
        "UTF-8 avoids this note"
    )
    assert_same_study(canonical, folder)
    text = (folder / "patients.csv").read_bytes().replace(b"\x96", b"-")  # an en dash is not in Latin-1
    (folder / "patients.csv").write_bytes(text.decode("latin-1").encode("latin-1"))
    assert_same_study(canonical, folder)
    lines = text.split(b"\n")
    lines[5] = lines[5].replace(b"\xd6", "Ö".encode())  # one line in UTF-8 among Latin-1 lines
    (folder / "patients.csv").write_bytes(b"\n".join(lines))
    assert _refusal(folder) == [
        "patients.csv, line 2: not UTF-8 text (byte 0xd6), though other lines are; the file mixes two encodings: "
        "save it again from the spreadsheet as CSV UTF-8"
    ]


def test_column_names_match_in_any_case_and_stray_empty_columns_are_dropped_quietly(canonical, tmp_path):
    folder = _copy(canonical, tmp_path / "headers")
    p = _csv(folder, "patients.csv")
    p.columns = [" Patient_ID ", "Diagnosis", *(c.upper() for c in p.columns[2:])]
    p["Unused"], p[""], p["  "] = "x", "", ""
    _write(p, folder, "patients.csv", sep=";")
    with (folder / "patients.csv").open("a", encoding="utf-8") as f:  # and a row of empty cells at the end
        f.write(";" * (len(p.columns) - 1) + "\n")
    _, _, notes, _ = export_files.read(folder)
    assert notes == ["columns the study does not use are ignored (never copied into any output): patients.csv 'Unused'"]
    assert_same_study(canonical, folder)
    p[""] = ["a value", *[""] * (len(p) - 1)]  # a nameless column with a value is a column the study does not use
    _write(p, folder, "patients.csv")
    assert (
        export_files.read(folder).notes[0].endswith(f"patients.csv 'Unused', '(no name, column {len(p.columns) - 1})'")
    )
    p = _csv(canonical, "patients.csv").assign(Diagnosis="MS")
    _write(p, folder, "patients.csv")
    assert _refusal(folder) == ["patients.csv: has the column 'diagnosis' twice (names match in any case); keep one"]


def test_values_allowed_but_unlikely_are_warned_about_and_the_analysis_goes_on(canonical):
    d = _csv(canonical, "doses.csv")
    first = d["patient_id"].iloc[0]
    mine = d["patient_id"] == first
    d.loc[mine, "dose_ug_per_day"] = [f"{float(v) / 1000:.3f}" for v in d.loc[mine, "dose_ug_per_day"]]  # mg/24 h
    second = d.index[d["patient_id"] == d["patient_id"].unique()[1]]
    d.loc[second[3], "dose_ug_per_day"] = "3"  # one dose under 5, a tenth and more of the one before
    _write(d, canonical, "doses.csv")
    export = export_files.read(canonical)
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

    p = _csv(canonical, "patients.csv")
    short = p.index[p["excluded"] == "false"][:2]
    p.loc[short, "followup_years"] = "3.0"  # their doses after year 3 must go too
    _write(p, canonical, "patients.csv")
    ids = set(p.loc[short, "patient_id"])
    d = _csv(canonical, "doses.csv")
    _write(d.loc[~d["patient_id"].isin(ids) | (d["years_since_implant"].astype(float) <= 3)], canonical, "doses.csv")
    patients, doses, *_ = export_files.read(canonical)
    assert set(patients.loc[patients["short_followup"], "patient_id"]) == ids
    assert ids.isdisjoint(cohort.analysed_patients(patients)["patient_id"])
    flow = tables.flow_counts(patients, doses, 1, [7, 10]).set_index("stage")["n"]
    assert flow["in the data"] == 49 and flow["follow-up under 7 years"] == 2 and flow["screened"] == 47
    assert flow["screened"] == flow["excluded"] + flow["analysed"].sum() / 2  # all, then MS + SCI
    head = cohort.headline_numbers(patients, doses)
    assert head["n_screened"] == 47 and head["n_analysed"] == 39 and head["n_excluded"] == 8
    c = counts.cells(patients, doses, 1, [7, 10])
    assert (("in data",), [("short",), ("screened",)]) in c.relations and c.count(("short",)) == 2
