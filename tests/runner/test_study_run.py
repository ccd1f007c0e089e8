"""End to end: the runner builds the whole study; results are byte-stable; failures leave outputs alone."""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from helpers import paths, synthetic
from helpers.runner import plan, run

from ..conftest import PY, TCP_KERNELS, run_study, shared, tree_digest, write_notebook

# notebook 5's colophon names the Python it ran on: the committed outputs come from 3.11, and on 3.12 only this
# cell differs (README); the test expects this interpreter's version there
COMMITTED_FROM = "3.11"
PYTHON_CELL = re.compile(r'(T_05-software_row0_col1\\" class=\\"data row0 col1\\" >)3\.[0-9]+(<)')


def test_default_run_gives_byte_identical_notebooks_figures_and_tables(default_run, committed):
    """What `make study` writes equals what is committed: a rerun leaves git status clean."""
    for part, folder in (
        ("notebooks", paths.NOTEBOOKS),
        ("figures", committed / "figures"),
        ("tables", committed / "tables"),
    ):
        built = tree_digest(default_run / part)
        mine = {k: v for k, v in tree_digest(folder).items() if k.endswith((".ipynb", ".png", ".svg", ".csv"))}
        mine = {k: v for k, v in mine.items() if not k.startswith("clinics/")}  # make pool's notebook: not run here
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        if part == "notebooks" and here != COMMITTED_FROM:
            text = (folder / "05_reproduction.ipynb").read_text(encoding="utf-8")
            assert PYTHON_CELL.search(text), "notebook 5's colophon has no Python cell where PYTHON_CELL looks"
            text = PYTHON_CELL.sub(rf"\g<1>{here}\g<2>", text)
            mine["05_reproduction.ipynb"] = hashlib.sha256(text.encode()).hexdigest()
        assert built == mine, f"{part}/ differs from the committed files: run `make study` and commit"


def test_executed_notebooks_carry_no_volatile_metadata(default_run):
    for nb_path in sorted((default_run / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        assert "papermill" not in nb.metadata and set(nb.metadata["language_info"]) == {"name"}
        for cell in nb.cells:
            assert not {"papermill", "execution"} & set(cell.metadata), nb_path.name
            if cell.cell_type == "code":
                assert cell.execution_count is not None
                assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]


def test_every_published_number_is_reproduced(default_run):
    import pandas as pd

    repro = pd.read_csv(default_run / "tables" / "reproduction.csv", dtype=str)
    assert list(repro.columns) == ["quantity", "published", "reproduced", "matches"]
    assert len(repro) == 20 and (repro["matches"] == "True").all(), repro


def test_the_site_has_reader_and_full_pages_and_an_index(default_run):
    html = default_run / "html"
    stems = [p.stem for p in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    assert len(stems) == 7
    for s in stems:
        reader, full = (
            (html / f"{s}.html").read_text(encoding="utf-8"),
            (html / f"{s}.full.html").read_text(encoding="utf-8"),
        )
        assert "highlight hl-python" not in reader and "highlight hl-python" in full  # code only in full
        assert "<script src=" not in reader and "cdnjs" not in reader  # nothing from the internet
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "20 of 20 published numbers reproduced" in index
    for s in stems:
        assert f'href="{s}.html"' in index and f'href="{s}.full.html"' in index
    rec = json.loads((html / "run.json").read_text(encoding="utf-8"))
    assert rec["name"] == "default" and "git_commit" not in rec


def test_the_session_fits_one_sitting(default_run):
    """Notebook 6 as a reader sees it: at most 2,500 words, computed sentences, tables and references
    included, at most 10 tables; its first heading states the question, its last section is the bottom line."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup((default_run / "html" / "06_journal_club.html").read_text(encoding="utf-8"), "html.parser")
    for hidden in page(["script", "style", "nav"]):
        hidden.decompose()
    assert len(page.body.get_text(" ").split()) <= 2500
    assert len(page.body.find_all("table")) <= 10
    sections = [h.get_text(strip=True).rstrip("¶") for h in page.body.find_all("h2")]
    assert sections[0] == "1. The question and the claim" and sections[-2:] == ["6. The bottom line", "References"]


EXAMPLES = sorted(paths.PARAMS.glob("*.yaml"))


def _run_examples(root: Path) -> None:
    proc = subprocess.run(
        [PY, "-m", "tests.kernels", str(root), *map(str, EXAMPLES)],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
    )
    assert proc.returncode in (0, 1), proc.stderr
    (root / "failed.json").write_text(proc.stdout, encoding="utf-8")


@pytest.fixture(scope="session")
def example_runs(tmp_path_factory):
    """Every example in params/, run once by tests/kernels.py: no HTML, one kernel per notebook serving
    all of them (the libraries are imported once per notebook, not once per notebook and example)."""
    root = shared(tmp_path_factory, "examples", _run_examples)
    failed = json.loads((root / "failed.json").read_text(encoding="utf-8"))
    return {f.stem: (failed[f.stem], root / f.stem) for f in EXAMPLES}


@pytest.mark.xdist_group("examples")
@pytest.mark.parametrize("example", [f.stem for f in EXAMPLES])
def test_each_params_example_runs(example, example_runs):
    failure, out = example_runs[example]
    assert failure is None, failure
    assert (out / "params.yaml").read_text(encoding="utf-8") == (paths.PARAMS / f"{example}.yaml").read_text(
        encoding="utf-8"
    )
    assert len(list((out / "notebooks").glob("*.ipynb"))) == len(paths.study_notebooks())
    for nb_path in sorted((out / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(nb_path, as_version=4).cells
        assert [c for c in cells if "injected-parameters" in c.metadata.get("tags", [])], nb_path.name
        assert not [o for c in cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert (out / "tables" / "reproduction.csv").exists()


@pytest.mark.xdist_group("examples")
def test_a_simulated_cohort_is_not_calibrated(example_runs):
    import pandas as pd

    _, out = example_runs["simulated_seed_7"]
    repro = pd.read_csv(out / "tables" / "reproduction.csv", dtype=str).set_index("quantity")
    assert repro.loc["Patients analysed", "matches"] == "True"  # same size as the paper
    assert (repro["matches"] == "False").any()  # but drawn, not solved


def _failing_notebook(folder: Path, source: str) -> Path:
    return write_notebook(folder / "01_broken.ipynb", "y = 2", source, parameters="x = 1")


@pytest.mark.parametrize(
    "source, code, message",
    [
        ("1 / 0", run.EXIT_FAILED, "notebook 01_broken.ipynb failed in cell 3: ZeroDivisionError: division by zero"),
        (
            "from helpers.errors import StudyInputError\nraise StudyInputError('doses.csv: something')",
            run.EXIT_BAD_INPUT,
            "failed in cell 3: StudyInputError: doses.csv: something",
        ),
        (
            "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)",
            run.EXIT_FAILED,
            "notebook 01_broken.ipynb failed in DeadKernelError",
        ),
    ],
)
def test_a_failing_notebook_stops_the_run_names_the_cell_and_keeps_the_outputs(tmp_path, capsys, source, code, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("good outputs", encoding="utf-8")
    before = tree_digest(out)
    broken = plan.Plan([_failing_notebook(tmp_path, source)], out, name="t", failed=tmp_path / "failed", html=False)
    assert run.execute(broken) == code
    err = capsys.readouterr().err
    assert message in err and "previous outputs are unchanged" in err
    assert tree_digest(out) == before
    assert (tmp_path / "failed" / "01_broken.ipynb").exists()
    assert not list(tmp_path.glob(".work-*"))


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to a process group, as Ctrl-C in a terminal does")
def test_ctrl_c_leaves_previous_outputs_and_names_the_notebook(tmp_path):
    import psutil

    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("good outputs", encoding="utf-8")
    before = tree_digest(out)
    proc = subprocess.Popen(
        [PY, "-m", "helpers.runner.run", "--out", str(out)],
        cwd=paths.ROOT,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )
    deadline = time.time() + 60
    while not list(tmp_path.glob(".work-*/notebooks/*.ipynb")) and time.time() < deadline:
        time.sleep(0.2)  # wait until the first notebook is being written: its kernel runs
    time.sleep(1.0)
    started = psutil.Process(proc.pid).children(recursive=True)  # notebook processes and their kernels
    kernels = [p for p in started if "ipykernel" in " ".join(p.as_dict(["cmdline"])["cmdline"] or [])]
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the runner's process group (kernels have their own)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == run.EXIT_INTERRUPTED, err
    assert "interrupted in 0" in err and "previous outputs are unchanged" in err
    assert "Traceback" not in err
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".work-*"))
    assert kernels  # kernels were running ...
    _, alive = psutil.wait_procs(started, timeout=15)
    left = [(p.pid, p.ppid(), " ".join(p.cmdline())[-120:]) for p in alive]
    assert not left, f"still running after the interrupt: {left}"  # ... and nothing of the run is left


def test_an_output_folder_that_cannot_be_written_is_refused_first(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    proc = run_study("--out", blocker / "out")
    assert proc.returncode == 2
    assert "cannot be created" in proc.stderr and "previous outputs are unchanged" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.xdist_group(TCP_KERNELS)
@pytest.mark.parametrize("notebook", ["04_dose_change.ipynb"])
def test_a_notebook_runs_alone_with_plain_papermill_and_another_seed(notebook, tmp_path):
    """Plain papermill, as the README shows (every notebook runs alone under nbval, and with injected
    parameters in the examples)."""
    out_nb = tmp_path / notebook
    proc = subprocess.run(
        [
            PY,
            "-m",
            "papermill",
            f"notebooks/{notebook}",
            str(out_nb),
            "-p",
            "seed",
            "7",
            "-p",
            "output_dir",
            str(tmp_path / "outputs"),
        ],  # plain papermill, from the project folder
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "calibrated to the paper (seed 7)" in out_nb.read_text(encoding="utf-8")
    if notebook.startswith("04"):
        assert (tmp_path / "outputs" / "figures" / "04_trajectories_percent_of_reference.png").exists()


def test_run_and_chart_data_paths_are_git_ignored():
    ignored = [
        "outputs/runs/clinic/html/index.html",
        "outputs/failed/default/01_cohort.ipynb",
        "data/clinic/patients.csv",
        "data/patients.csv",
        "outputs/html/index.html",
        "outputs/.work-x/a",
    ]
    proc = subprocess.run(
        ["git", "check-ignore", *ignored], cwd=paths.ROOT, capture_output=True, text=True, encoding="utf-8"
    )
    assert proc.stdout.split() == ignored
    tracked = subprocess.run(
        [
            "git",
            "check-ignore",
            "data/synthetic/patients.csv",
            "data/examples/canonical/patients.csv",
            "data/examples/workbook.xlsx",
            "outputs/tables/reproduction.csv",
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert tracked.stdout == ""


def _clinic_frames():
    """A small clinic-like cohort (simulated) with distinctive ids and a hospital number the study must drop."""
    spec = synthetic.make_spec("simulation", 5, {"n_ms": 9, "n_sci": 4, "n_excluded": 2, "sci_n_10y": 3})
    patients, doses = synthetic.generate(spec)
    ids = {pid: f"CLINIC-{i:04d}-X" for i, pid in enumerate(patients["patient_id"])}
    patients["patient_id"] = patients["patient_id"].map(ids)
    doses["patient_id"] = doses["patient_id"].map(ids)
    numbers = [f"MRN-{i:05d}-Z" for i in range(len(patients))]
    patients.insert(1, "hospital_number", numbers)  # a column the study does not use: never copied
    return patients, doses, [*ids.values(), *numbers]


def _run_chart(root: Path) -> None:
    patients, doses, _ = _clinic_frames()
    synthetic.write_csvs(patients, doses, root / "clinic")
    proc = run_study("--data", root / "clinic", "--out", root / "out")
    assert proc.returncode == 0, proc.stderr
    assert "note: columns the study does not use are ignored" in proc.stderr


@pytest.fixture(scope="session")
def chart_run(tmp_path_factory):
    """The study on a small clinic-like data folder via --data, run once for the session."""
    root = shared(tmp_path_factory, "chart", _run_chart)
    return root / "out", _clinic_frames()[2]


def _all_text(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".html", ".ipynb", ".csv", ".json", ".svg")
    }


@pytest.mark.xdist_group("chart")
def test_chart_data_outputs_hold_no_patient_identifier(chart_run):
    out, ids = chart_run
    texts = _all_text(out)
    assert len(texts) > 30
    leaks = [(name, pid) for name, text in texts.items() for pid in ids if pid in text]
    assert not leaks, leaks[:5]


@pytest.mark.xdist_group("chart")
def test_chart_data_small_counts_are_masked(chart_run):
    import pandas as pd

    out, _ = chart_run
    flow = pd.read_csv(out / "tables" / "02_flow_counts.csv", dtype=str).set_index(["stage", "group"])["n"]
    assert flow[("excluded", "all")] == "<5" and flow[("analysed", "SCI")] == "<5"
    # and so that subtraction cannot give them back: screened or analysed, analysed or MS, hidden as well
    assert "masked" in (flow[("screened", "all")], flow[("analysed", "all")])
    assert "masked" in (flow[("analysed", "all")], flow[("analysed", "MS")])
    t1 = pd.read_csv(out / "tables" / "01_table1_by_diagnosis.csv", dtype=str).set_index("characteristic")
    assert t1.loc["n", "SCI"] == "<5"
    repro = pd.read_csv(out / "tables" / "reproduction.csv", dtype=str).set_index("quantity")
    assert repro.loc["SCI patients", "reproduced"] == "<5"
    summary = pd.read_csv(out / "tables" / "04_percent_of_reference_by_group.csv", dtype=str)
    assert not {"min", "max"} & set(summary.columns) and {"p10", "p90"} <= set(summary.columns)  # no single patient
    assert set(summary.loc[summary["diagnosis"] == "SCI", "n"]) == {"<5"}
    tests = pd.read_csv(out / "tables" / "04_group_tests.csv", dtype=str)
    assert "<5" in set(tests["n_sci"]) and set(tests["n_sci"]) <= {"<5", "0"}  # zero is not a small count
    front = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "n &lt; 5" in front and "n = &lt;" not in front
    t1_text = (out / "tables" / "01_table1_by_diagnosis.csv").read_text(encoding="utf-8")
    assert "masked" in t1_text
    grid = pd.read_csv(out / "tables" / "07_power.csv", dtype=str)
    assert "<5" in set(grid.loc[grid["n_total"] == "13", "n_sci"])  # the cohort's own row: 9 MS, 4 SCI
    multiverse = pd.read_csv(out / "tables" / "07_multiverse.csv", dtype=str)
    assert set(multiverse["n_sci"]) <= {"<5", "0"}
    doses = pd.read_csv(out / "tables" / "07_absolute_doses.csv", dtype=str)
    assert set(doses.loc[doses["diagnosis"] == "SCI", "n"]) <= {"<5", "0"}
    session = (out / "html" / "06_journal_club.html").read_text(encoding="utf-8")  # the session's own counts (3.2, 3.3)
    assert "&lt;5" in session


@pytest.mark.xdist_group("chart")
def test_chart_data_shows_percentiles_not_single_patients_extremes(chart_run):
    import pandas as pd

    out, _ = chart_run
    ref = pd.read_csv(out / "tables" / "03_reference_dose_median_range.csv")
    assert {"p10", "p90", "median (10th-90th percentile)"} <= set(ref.columns)
    assert not {"min", "max", "median (range)"} & set(ref.columns)
    adj = pd.read_csv(out / "tables" / "03_adjustments_per_year.csv")
    assert {"p10", "p90"} <= set(adj.columns) and not {"min", "max"} & set(adj.columns)
    repro = pd.read_csv(out / "tables" / "reproduction.csv", dtype=str).set_index("quantity")
    assert repro.loc["Dose after 1 year, minimum (µg/24 h)", "reproduced"] == "not shown"


@pytest.mark.xdist_group("chart")
def test_chart_data_hides_individual_patients_by_default(chart_run):
    out, _ = chart_run
    nb4 = (out / "notebooks" / "04_dose_change.ipynb").read_text(encoding="utf-8")
    assert "individual patients are not shown" in nb4
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "chart data from clinic/" in index and "(your data folder)" in index and "synthetic" not in index
    rec = json.loads((out / "html" / "run.json").read_text(encoding="utf-8"))  # a named run records its commit
    assert "git_commit" in rec and rec["name"] == "clinic"


# Sentences written for the synthetic cohort that a clinic's pages must not carry (issue 29's list, and more)
SYNTHETIC_ONLY = (
    "on the synthetic cohort", "calibrated synthetic cohort", "re-creation on synthetic data",
    "re-created on synthetic data", "cannot check the paper", "synthetic data:", "synthetic: the model",
    "was calibrated to", "drawn like everyone else", "synthetic data's", "are assumptions", "is an assumption",
    "sds assumed", "as here", "published numbers reproduced",
)  # fmt: skip


@pytest.mark.xdist_group("chart")
def test_a_chart_runs_pages_are_written_for_chart_data(chart_run):
    """A clinic's pages never call its data synthetic, calibrated or assumed: the synthetic cohort is named only
    as what this run does not use (the default cohort, the shipped data of the code fingerprint)."""
    import re

    from bs4 import BeautifulSoup

    out, _ = chart_run
    wrong = []
    for page in sorted((out / "html").glob("*.html")):
        if page.name.endswith(".full.html"):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup(["script", "style"]):
            hidden.decompose()
        text = " ".join(soup.get_text(" ").split())
        for sentence in re.split(r"(?<=[.;:])\s+", text):
            low = sentence.lower()
            named = re.search(r"synthetic|calibrat", low) and not re.search(r"does not use|default synthetic", low)
            if named or any(phrase in low for phrase in SYNTHETIC_ONLY):
                wrong.append(f"{page.name}: {sentence[:160]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.xdist_group("chart")
def test_a_chart_runs_summary_gives_no_count_its_pages_hide(chart_run):
    import pandas as pd

    out, _ = chart_run
    flow = pd.read_csv(out / "tables" / "02_flow_counts.csv", dtype=str).set_index(["stage", "group"])["n"]
    shared = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for g in shared["groups"]:
        on_page = flow[(f"dose at {g['year']} years", g["diagnosis"])]
        hidden = on_page.startswith("<") or on_page == "masked"
        assert (g["withheld"] or str(g["n"]) == on_page) and (g["withheld"] or not hidden), (g, on_page)
    assert not all(g["withheld"] for g in shared["groups"])  # the test has something to compare
