"""`make check`: a clinic's export checked in seconds, no notebook run; what the study would analyse, explained."""

from helpers import paths
from helpers.runner import check


def test_check_prints_what_the_study_would_analyse_and_why_cells_are_blank(capsys):
    assert check.main(["--data", str(paths.EXAMPLE_DATA / "canonical")]) == 0
    out = capsys.readouterr().out
    assert "canonical: the data pass every rule." in out
    table = out.split("years):\n", 1)[1].splitlines()
    assert table[0].split() == ["all", "MS", "SCI"] and table[1].split() == ["screened", "14"]
    assert table[-1].startswith("(blank: as in the flow diagram, screening and exclusion are counted for all")


def test_check_refuses_bad_data_with_exit_code_2_and_one_line_per_problem(tmp_path, capsys):
    (tmp_path / "patients.csv").write_text("patient_id,diagnosis\nA,ALS\n", encoding="utf-8")
    (tmp_path / "doses.csv").write_text("patient_id,years_since_implant,dose_ug_per_day\nA,0,100\n", encoding="utf-8")
    assert check.main(["--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err and all(line.startswith("error: patients.csv") for line in err)
