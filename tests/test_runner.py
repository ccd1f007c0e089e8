"""The runner's guards: edited parameter defaults are refused, the fingerprint follows what runs (and not the
build machinery), notebooks run side by side, and kernels started at the same moment do not collide."""

import json
import shutil
import subprocess
import textwrap

import nbformat
import pytest

from helpers import colophon, paths
from helpers.build import execute, notebooks, run

from .conftest import PY, tree_digest, write_notebook


def _copy_notebook(tmp_path, name="06_journal_club.ipynb"):
    dst = tmp_path / "notebooks" / name
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(paths.NOTEBOOKS / name, dst)
    return dst


def _edit_parameters_cell(path, old, new):
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    nbformat.write(nb, path)


def test_an_edited_parameters_cell_is_refused_before_anything_runs(tmp_path, monkeypatch, capsys):
    nb = _copy_notebook(tmp_path)
    _edit_parameters_cell(nb, 'synthetic_mode = "calibrated"', 'synthetic_mode = "simulation"')
    _edit_parameters_cell(nb, "seed = 2019", "seed = 11")
    monkeypatch.setattr(paths, "study_notebooks", lambda: [nb])
    out = tmp_path / "out"
    assert run.main(["--out", str(out)]) == run.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 2 and all("06_journal_club.ipynb" in line for line in lines), err
    assert "parameter 'seed' is 11" in err and "default is 2019" in err and "synthetic_mode" in err
    assert "Traceback" not in err and not out.exists()


def test_an_expression_in_the_parameters_cell_counts_as_an_edit(tmp_path):
    nb = _copy_notebook(tmp_path)
    _edit_parameters_cell(nb, "seed = 2019", "seed = 2000 + 19")
    assert notebooks.declared_parameters(nb)["seed"] == "2000 + 19"
    with pytest.raises(run.StudyInputError, match="'seed'"):
        run.edited_defaults([nb])


def test_the_committed_notebooks_declare_the_defaults():
    run.edited_defaults(paths.study_notebooks())  # raises if any default was edited


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """A copy of what the fingerprint reads, with paths pointing at it."""
    root = tmp_path / "root"
    shutil.copytree(paths.HELPERS, root / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.SYNTHETIC_DATA, root / "data" / "synthetic")
    shutil.copy2(paths.ROOT / "requirements.txt", root)
    shutil.copy2(paths.ROOT / "references.bib", root)
    nbs = [shutil.copy2(p, tmp_path) for p in paths.study_notebooks()]
    for name, value in {"ROOT": root, "HELPERS": root / "helpers", "BUILD": root / "helpers" / "build",
                        "SYNTHETIC_DATA": root / "data" / "synthetic"}.items():  # fmt: skip
        monkeypatch.setattr(paths, name, value)
    monkeypatch.setattr(paths, "study_notebooks", lambda: sorted(map(type(root), nbs)))
    return root


def test_the_fingerprint_covers_the_notebooks_that_run_but_not_the_build_machinery(fake_root, tmp_path):
    before = colophon.fingerprint()
    with (fake_root / "helpers" / "build" / "site.py").open("a") as f:
        f.write("\n# a comment in the site code\n")
    with (fake_root / "helpers" / "build" / "templates" / "study" / "conf.json").open("a") as f:
        f.write("\n")
    assert colophon.fingerprint() == before
    _edit_parameters_cell(tmp_path / "06_journal_club.ipynb", "seed = 2019", "seed = 11")  # the .ipynb, not .py
    assert colophon.fingerprint() != before
    after_notebook = colophon.fingerprint()
    with (fake_root / "helpers" / "stats.py").open("a") as f:
        f.write("\n# a comment in the study code\n")
    assert colophon.fingerprint() != after_notebook


def test_kernels_talk_over_ipc_sockets_in_a_private_folder(tmp_path):
    km = execute.kernel_manager_class(str(tmp_path))(kernel_name="python3")
    assert km.transport == "ipc" and km.ip.startswith(str(tmp_path))
    assert km.ip != execute.kernel_manager_class(str(tmp_path))(kernel_name="python3").ip


def _tiny_notebook(path, seconds=0.5):
    return write_notebook(path, f"import time\ntime.sleep({seconds})\nprint(x + 1)", parameters="x = 1")


RUN_PLAN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from helpers.build import run
    nbs, out = [Path(p) for p in json.loads(sys.argv[1])], Path(sys.argv[2])
    run.workers = lambda: len(nbs)
    plan = {"values": {"x": 41}, "named": True, "name": out.name, "target": out, "failed": out.with_name("failed"),
            "notebooks": nbs, "in_place": False, "params_file": None, "html": False}
    sys.exit(run.execute(plan))
    """
)


def test_two_runs_started_at_the_same_moment_both_succeed(tmp_path):
    """Kernels started together used to be able to draw the same TCP port; with IPC sockets they cannot.
    Two runs, each starting its two notebooks side by side: four kernels at once."""
    nbs = [str(_tiny_notebook(tmp_path / f"{i:02d}_tiny.ipynb", 0.2)) for i in range(1, 3)]
    outs = [tmp_path / f"run-{k}" / "out" for k in "ab"]
    for o in outs:
        o.parent.mkdir(parents=True)
    procs = [
        subprocess.Popen(
            [PY, "-c", RUN_PLAN, json.dumps(nbs), str(o)], cwd=paths.ROOT, stderr=subprocess.PIPE, text=True
        )
        for o in outs
    ]
    for proc, out in zip(procs, outs):
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        executed = sorted((out / "notebooks").glob("*.ipynb"))
        assert [p.name for p in executed] == [f"{i:02d}_tiny.ipynb" for i in range(1, 3)]
        assert "42" in json.dumps(nbformat.read(executed[0], as_version=4).cells[-1].outputs)


def test_notebooks_run_side_by_side_and_keep_their_order(tmp_path, monkeypatch):
    """With two workers, both 1-second notebooks are started before the runner waits for the first; the written
    notebooks are the same as one after another."""
    monkeypatch.setattr(run, "workers", lambda: 2)
    nbs = [_tiny_notebook(tmp_path / f"{i:02d}_tiny.ipynb", 1) for i in (1, 2)]
    plan = {"values": {}, "named": True, "name": "t", "target": tmp_path / "out", "failed": tmp_path / "failed",
            "notebooks": nbs, "in_place": False, "params_file": None, "html": False}  # fmt: skip
    started = []
    real_start = run._start
    monkeypatch.setattr(run, "_start", lambda *a: started.append(len(a)) or real_start(*a))
    running_at_once = []
    real_wait = run._wait_any
    monkeypatch.setattr(run, "_wait_any", lambda r: running_at_once.append(len(r)) or real_wait(r))
    assert run.execute(plan) == run.EXIT_OK
    assert max(running_at_once) == 2  # both were running before the first finished
    side_by_side = tree_digest(tmp_path / "out" / "notebooks")
    monkeypatch.setattr(run, "workers", lambda: 1)
    plan["target"] = tmp_path / "out1"
    running_at_once.clear()
    assert run.execute(plan) == run.EXIT_OK and max(running_at_once) == 1
    assert tree_digest(tmp_path / "out1" / "notebooks") == side_by_side


def test_a_notebook_that_needs_another_waits_for_it(tmp_path, monkeypatch):
    nbs = [_tiny_notebook(tmp_path / f"{i:02d}_tiny.ipynb", 0.5) for i in (1, 2, 3)]
    monkeypatch.setattr(run, "NEEDS", {"03_tiny": ("01_tiny",)})
    monkeypatch.setattr(run, "workers", lambda: 3)
    events = []
    real_start, real_wait = run._start, run._wait_any
    monkeypatch.setattr(
        run, "_start", lambda plan, nb, *a: events.append(("start", nb.name)) or real_start(plan, nb, *a)
    )
    monkeypatch.setattr(run, "_wait_any", lambda r: (name := real_wait(r), events.append(("end", name)))[0])
    plan = {"values": {}, "named": True, "name": "t", "target": tmp_path / "out", "failed": tmp_path / "failed",
            "notebooks": nbs, "in_place": False, "params_file": None, "html": False}  # fmt: skip
    assert run.execute(plan) == run.EXIT_OK
    assert events[:2] == [("start", "01_tiny.ipynb"), ("start", "02_tiny.ipynb")]  # 03 did not start with them
    assert events.index(("end", "01_tiny.ipynb")) < events.index(("start", "03_tiny.ipynb"))
