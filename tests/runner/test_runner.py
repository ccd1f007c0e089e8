"""The runner's guards: edited parameter defaults are refused, the fingerprint follows what runs (and not the
machinery), notebooks run side by side, and kernels started at the same moment do not collide."""

import json
import os
import shutil
import signal
import subprocess
import textwrap
import time

import nbformat
import pytest

from helpers import paths
from helpers.publishing import colophon
from helpers.runner import execute, notebook_hygiene, plan, run, side_by_side

from ..conftest import PY, tree_digest, write_notebook


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
    assert notebook_hygiene.declared_parameters(nb)["seed"] == "2000 + 19"
    with pytest.raises(plan.StudyInputError, match="'seed'"):
        plan.edited_defaults([nb])


def test_the_committed_notebooks_declare_the_defaults():
    plan.edited_defaults(paths.study_notebooks())  # raises if any default was edited


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """A copy of what the fingerprint reads, with paths pointing at it."""
    root = tmp_path / "root"
    shutil.copytree(paths.HELPERS, root / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(paths.SYNTHETIC_DATA, root / "data" / "synthetic")
    shutil.copy2(paths.ROOT / "requirements.txt", root)
    shutil.copy2(paths.ROOT / "references.bib", root)
    nbs = [shutil.copy2(p, tmp_path) for p in paths.study_notebooks()]
    for name, value in {"ROOT": root, "HELPERS": root / "helpers", "RUNNER": root / "helpers" / "runner",
                        "SYNTHETIC_DATA": root / "data" / "synthetic"}.items():  # fmt: skip
        monkeypatch.setattr(paths, name, value)
    monkeypatch.setattr(paths, "study_notebooks", lambda: sorted(map(type(root), nbs)))
    return root


def test_the_fingerprint_covers_the_notebooks_that_run_but_not_the_machinery(fake_root, tmp_path):
    before = colophon.fingerprint()
    with (fake_root / "helpers" / "runner" / "site.py").open("a", encoding="utf-8") as f:
        f.write("\n# a comment in the site code\n")
    with (fake_root / "helpers" / "runner" / "templates" / "study" / "conf.json").open("a", encoding="utf-8") as f:
        f.write("\n")
    assert colophon.fingerprint() == before
    _edit_parameters_cell(tmp_path / "06_journal_club.ipynb", "seed = 2019", "seed = 11")  # the .ipynb, not .py
    assert colophon.fingerprint() != before
    after_notebook = colophon.fingerprint()
    with (fake_root / "helpers" / "stats.py").open("a", encoding="utf-8") as f:
        f.write("\n# a comment in the study code\n")
    assert colophon.fingerprint() != after_notebook


@pytest.mark.skipif(os.name != "posix", reason="IPC sockets exist where Unix sockets do; elsewhere TCP")
def test_kernels_talk_over_ipc_sockets_in_a_private_folder(tmp_path):
    made = []
    km = execute.kernel_manager_class(str(tmp_path), made)(kernel_name="python3")
    assert km.transport == "ipc" and km.ip.startswith(str(tmp_path))
    assert km.ip != execute.kernel_manager_class(str(tmp_path), made)(kernel_name="python3").ip
    assert len(made) == 2  # each one remembered, so that an interrupted start can end its kernel


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
@pytest.mark.skipif(os.name != "posix", reason="signals a process as Ctrl-C (or the runner ending it) does")
def test_a_notebook_process_stopped_while_its_kernel_starts_leaves_no_kernel(tmp_path, how):
    """papermill starts a kernel outside the block that would end it: stopped at that moment, the notebook's
    process must end the kernel itself (CI once found one left running, never to end)."""
    import psutil

    nb = write_notebook(tmp_path / "01_tiny.ipynb", "1 + 1")
    proc = subprocess.Popen([PY, "-m", "helpers.runner.execute", nb, tmp_path / "out.ipynb", tmp_path / "r.json"],
                            cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    parent, kernels, deadline = psutil.Process(proc.pid), [], time.time() + 60
    while not kernels and time.time() < deadline:
        kernels = [p for p in parent.children() if "ipykernel" in " ".join(p.as_dict(["cmdline"])["cmdline"] or [])]
        time.sleep(0.01)
    assert kernels, "no kernel started"
    proc.send_signal(getattr(signal, how))  # the kernel is still importing: it has not answered yet
    proc.wait(timeout=60)
    _, alive = psutil.wait_procs(kernels, timeout=0)  # not left to notice its parent is gone: it may not
    assert not alive, f"the kernel outlived its notebook's process ({how})"


STAMP = "import time\nopen({path!r}, 'a').write(f'{{time.time()}}\\n')"


def _stamping_notebook(path, stamps, seconds=0.5):
    """A notebook that notes when its first code ran and when its last did, in ``stamps``."""
    stamp = STAMP.format(path=str(stamps))
    return write_notebook(path, stamp, f"time.sleep({seconds})\nprint(x + 1)", stamp, parameters="x = 1")


RUN_PLAN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from helpers.runner import plan, run
    nbs, out = [Path(p) for p in json.loads(sys.argv[1])], Path(sys.argv[2])
    sys.exit(run.execute(plan.Plan(nbs, out, values={"x": 41}, html=False)))
    """
)


def test_two_runs_started_at_the_same_moment_both_succeed(tmp_path):
    """Kernels started together used to be able to draw the same TCP port; with IPC sockets they cannot.
    Two runs, each starting its two notebooks side by side: four kernels at once."""
    nbs = [str(_stamping_notebook(tmp_path / f"{i:02d}_tiny.ipynb", tmp_path / "stamps", 0.2)) for i in (1, 2)]
    outs = [tmp_path / f"run-{k}" / "out" for k in "ab"]
    for o in outs:
        o.parent.mkdir(parents=True)
    procs = [
        subprocess.Popen(
            [PY, "-c", RUN_PLAN, json.dumps(nbs), str(o)],
            cwd=paths.ROOT,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for o in outs
    ]
    for proc, out in zip(procs, outs):
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        executed = sorted((out / "notebooks").glob("*.ipynb"))
        assert [p.name for p in executed] == [f"{i:02d}_tiny.ipynb" for i in (1, 2)]
        assert "42" in json.dumps([c.outputs for c in nbformat.read(executed[0], as_version=4).cells[1:]])


def test_notebooks_run_side_by_side_and_keep_their_order(tmp_path, monkeypatch):
    """With two workers, two notebooks run at the same time (each one's first code ran before the other's
    last); with one, one after the other. The executed notebooks are the same either way."""
    spans = {}
    for workers in (2, 1):
        monkeypatch.setattr(side_by_side, "workers", lambda n=workers: n)
        stamps = [tmp_path / f"stamps-{workers}-{i}" for i in (1, 2)]
        nbs = [_stamping_notebook(tmp_path / f"{i:02d}_tiny.ipynb", s, 1) for i, s in zip((1, 2), stamps)]
        assert run.execute(plan.Plan(nbs, tmp_path / f"out{workers}", html=False)) == run.EXIT_OK
        spans[workers] = [[float(t) for t in s.read_text(encoding="utf-8").split()] for s in stamps]
    (a_start, a_end), (b_start, b_end) = spans[2]
    assert a_start < b_end and b_start < a_end  # overlapping
    (a_start, a_end), (b_start, b_end) = spans[1]
    assert a_end < b_start or b_end < a_start  # one after the other
    assert tree_digest(tmp_path / "out1" / "notebooks").keys() == tree_digest(tmp_path / "out2" / "notebooks").keys()
