"""Parameters: one table of names, types and ranges; notebooks declare them with the same defaults; bad
parameter files are refused with one line naming the parameter, before any notebook runs."""

import pytest

from helpers import paths
from helpers.runner import notebook_hygiene, run
from helpers.study import params


def test_every_notebook_declares_a_parameters_cell_and_a_python3_kernel():
    import nbformat

    for nb_path in paths.study_notebooks():
        nb = nbformat.read(nb_path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3", nb_path.name
        assert notebook_hygiene.declared_parameters(nb_path), f"{nb_path.name}: no cell tagged 'parameters'"


def test_notebook_defaults_are_the_parameter_table_defaults():
    for nb_path in paths.study_notebooks():
        for name, value in notebook_hygiene.declared_parameters(nb_path).items():
            assert name in params.BY_NAME, f"{nb_path.name} declares unknown parameter {name}"
            assert value == params.DEFAULTS[name], f"{nb_path.name}: {name} = {value!r}"


def test_every_parameter_is_used_by_some_notebook():
    declared = set().union(*(notebook_hygiene.declared_parameters(p) for p in paths.study_notebooks()))
    assert declared == set(params.BY_NAME)


def test_example_parameter_files_are_valid():
    files = sorted(paths.PARAMS.glob("*.yaml"))
    assert len(files) >= 4
    for f in files:
        assert params.load_file(f) is not None
        assert f.read_text(encoding="utf-8").lstrip().startswith("#"), f"{f.name}: say what the example is for"


BAD = {
    "unknown name": ("alhpa: 0.01\n", "parameter 'alhpa': unknown parameter (did you mean 'alpha'? known: "),
    "unknown name, nothing close": ("colour: red\n", "parameter 'colour': unknown parameter (known: "),
    "wrong type": ("alpha: high\n", "parameter 'alpha': expected a number from 0.001 to 0.2, got 'high'"),
    "out of range": ("alpha: 2\n", "parameter 'alpha': expected a number from 0.001 to 0.2, got 2"),
    "bool for int": ("seed: true\n", "parameter 'seed': expected a whole number"),
    "float for int": ("reference_year: 1.5\n", "parameter 'reference_year': expected a whole number from 1 to 5"),
    "time points": ("time_points: [10, 7]\n", "parameter 'time_points': expected distinct years in increasing order"),
    "time point before reference": (
        "reference_year: 3\ntime_points: [2, 7]\n",
        "every time point must come after reference_year (3)",
    ),
    "mode": ("synthetic_mode: random\n", "parameter 'synthetic_mode': expected one of 'calibrated', 'simulation'"),
    "synthetic key": (
        "synthetic:\n  sci_n_10yr: 3\n",
        "parameter 'synthetic': unknown key 'sci_n_10yr' (did you mean 'sci_n_10y'?",
    ),
    "calibrated structure": ("synthetic:\n  n_ms: 40\n", "synthetic.n_ms': the calibrated cohort has the published 22"),
    "output_dir": ("output_dir: /tmp/x\n", "parameter 'output_dir': the runner decides where a run goes"),
    "not YAML": ("alpha: [0.01\n", "not valid YAML (line 2)"),
    "not a mapping": ("- alpha\n- 0.01\n", "expected 'name: value' lines, got a list"),
    "show_individuals": ("show_individuals: 1\n", "parameter 'show_individuals': expected true or false, got 1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_parameters_file_is_refused_with_one_line(case, tmp_path, capsys):
    text, message = BAD[case]
    f = tmp_path / "mine.yaml"
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert run.main(["--params", str(f), "--out", str(out)]) == run.EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0], err
    assert not out.exists()


def test_missing_parameters_file(tmp_path, capsys):
    assert run.main(["--params", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "nope.yaml: parameters file not found" in capsys.readouterr().err


def test_bad_run_name(capsys, tmp_path):
    assert run.main(["--name", "../escape", "--out", str(tmp_path / "o")]) == 2
    assert "run name '../escape'" in capsys.readouterr().err


def test_notebook_alone_checks_its_own_parameters():
    from helpers.errors import StudyInputError

    with pytest.raises(StudyInputError, match="parameter 'alpha'"):
        params.resolve({"alpha": -1})
    assert params.resolve({"alpha": 0.01})["alpha"] == 0.01
