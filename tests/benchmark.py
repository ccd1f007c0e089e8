"""`make bench`: speed as ratios against floors measured in the same run (not a test: nothing here can fail
on a slow machine, and pytest does not collect this file). `python tests/benchmark.py 1 3` runs parts 1 and 3.

1. The whole default study (every notebook + HTML, notebooks side by side) against a floor: as many notebooks
   that only start a kernel and import the study's libraries, one after another (the fastest of two of each).   -> study/floor (target <= 0.8)
2. The analysis (dose at year k, % of the reference dose, group statistics) on 10,000 and 100,000
   simulated patients: time and peak memory.                -> scaling ratio (10 = linear; target <= 11)
3. The Monte Carlo power simulation, vectorised over replicates, against a per-replicate loop calling
   pingouin.                                                                  -> speed-up (target >= 50x)
4. The test gate (`make test`) against its floor: every notebook executed once, one after another, as
   `pytest --nbval-lax notebooks` does.                                 -> test/floor (target <= 8)
5. Installing the pins into a new venv: `make venv` (uv) against plain `pip install -r requirements.txt`,
   both with empty caches (a new machine).                              -> uv/pip (target <= 0.5)
6. An exercise of the journal club run live: notebook 6 rerun in simulation mode with another seed, against a
   bare notebook that only starts a kernel and imports the study's libraries.  -> exercise/bare (a few times)
7. `make check` on every example in data/examples/ against reading the same files with pandas.
                                                                             -> check/read (reported)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import paths, synthetic
from helpers.core import cohort, stats
from helpers.journal_club import power
from helpers.runner import execute, run, side_by_side
from tests.conftest import write_notebook

FLOOR_IMPORTS = """\
import numpy, pandas, scipy.stats, matplotlib.pyplot, seaborn, pingouin, statsmodels.formula.api, tableone
import pandera.pandas
from helpers import study
from helpers.core import cohort, figures, published, reproduction, stats, tables
from helpers.journal_club import appraisal, power
from helpers.publishing import colophon
"""


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def study_vs_floor(tmp: Path, repeats: int = 2) -> tuple[float, float]:
    """The study (run.main into a temporary folder) and its floor, alternately ``repeats`` times: the fastest of
    each, so that a moment of other load on the machine does not decide the ratio."""
    import papermill as pm

    floor_dir = tmp / "floor"
    floor_dir.mkdir()
    nbs = [write_notebook(floor_dir / nb_path.name, FLOOR_IMPORTS) for nb_path in paths.study_notebooks()]
    studies, floors = [], []
    for i in range(repeats):
        t_study, code = _timed(run.main, ["--out", str(tmp / f"study{i}")])
        assert code == 0, "the study failed; run `make study` to see why"
        studies.append(t_study)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="itb-k-") as ipc:
            for nb in nbs:
                pm.execute_notebook(str(nb), str(nb), cwd=str(paths.NOTEBOOKS), kernel_name="python3",
                                    progress_bar=False, log_output=False,
                                    kernel_manager_class=execute.kernel_manager_class(ipc))  # fmt: skip
        floors.append(time.perf_counter() - start)
    return min(studies), min(floors)


def analysis(patients, doses):
    """What the notebooks compute from the two tables: dose at year k, % of the reference, group statistics."""
    pct = cohort.percent_of_reference(patients, doses, 1, [7, 10])
    tests = [stats.compare_groups(pct.loc[pct["year"] == k], "pct") for k in (7, 10)]
    return pct, tests, stats.summary(pct, "pct", by=("year", "diagnosis"))


def _one_size(n: int) -> None:
    """In a fresh process: generate, time the analysis, then run it again under tracemalloc for its peak."""
    import tracemalloc

    n_ms = n * 22 // 41
    spec = synthetic.make_spec("simulation", 1, {"n_ms": n_ms, "n_sci": n - n_ms, "n_excluded": 0})
    patients, doses = synthetic.generate(spec)
    t, _ = _timed(analysis, patients, doses)
    tracemalloc.start()  # numpy and pandas report their buffers to tracemalloc
    analysis(patients, doses)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{t} {peak} {len(doses)}")


def scaling() -> list[tuple[int, float, float]]:
    rows = []
    for n in (10_000, 100_000):
        out = subprocess.run(
            [sys.executable, __file__, "--one-size", str(n)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        ).stdout.split()
        t, peak, n_rows = float(out[0]), int(out[1]), int(out[2])
        rows.append((n, t, peak))
        print(
            f"  {n:>7,} patients ({n_rows:,} dose rows): analysis {t:.2f} s, peak memory of the analysis "
            f"{peak / 2**20:.0f} MiB",
            flush=True,
        )
    return rows


def monte_carlo() -> tuple[float, float]:
    args = dict(n_ms=22, n_sci=19, ms_mean=157, sci_mean=113, ms_sd=60, sci_sd=30, alpha=0.05, seed=0)
    loop_reps, vec_reps = 300, 30_000
    t_loop, _ = _timed(power.simulate_power_loop, reps=loop_reps, **args)
    power.simulate_power(reps=100, **args)  # warm-up
    t_vec, _ = _timed(power.simulate_power, reps=vec_reps, **args)
    return t_loop / loop_reps, t_vec / vec_reps


def _command(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=paths.ROOT, capture_output=True, text=True, encoding="utf-8", **kw)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def test_gate_vs_floor() -> tuple[float, float]:
    """`make test` itself (on the built .venv) and its floor, one after the other."""
    floor = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "notebooks", "--nbval-lax", "--nbval-current-env"]
    t_floor = _command(floor)
    t_gate = _command(["make", "-s", "test"], env={**os.environ, "CI": ""})
    return t_gate, t_floor


def install_uv_vs_pip(tmp: Path) -> tuple[float, float]:
    """A new venv from requirements.txt, each tool with its own empty cache (a new machine)."""
    py = sys.executable if sys.prefix == sys.base_prefix else os.path.join(sys.base_prefix, "bin", "python3")
    uv = paths.ROOT / ".venv" / "bin" / "uv"
    env = {**os.environ, "UV_CACHE_DIR": str(tmp / "uv-cache"), "PIP_CACHE_DIR": str(tmp / "pip-cache")}
    t_uv = _command([py, "-m", "venv", str(tmp / "uv")], env=env)
    t_uv += _command(
        [
            str(uv),
            "pip",
            "sync",
            "-q",
            "--compile-bytecode",
            "--python",
            str(tmp / "uv" / "bin" / "python"),
            "requirements.txt",
        ],
        env=env,  # as make venv does; pip compiles bytecode too
    )
    t_pip = _command([py, "-m", "venv", str(tmp / "pip")], env=env)
    t_pip += _command([str(tmp / "pip" / "bin" / "pip"), "install", "-q", "-r", "requirements.txt"], env=env)
    return t_uv, t_pip


def exercise_vs_bare(tmp: Path) -> tuple[float, float]:
    """Notebook 6 as a participant reruns it (papermill, simulation mode, seed 7) and a bare notebook, each
    twice alternately; the faster of each."""
    import papermill as pm

    bare = write_notebook(tmp / "bare.ipynb", FLOOR_IMPORTS)
    club = next(p for p in paths.study_notebooks() if p.name.startswith("06_"))
    times = {"club": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="itb-k-") as ipc:
        kw = dict(cwd=str(paths.NOTEBOOKS), kernel_name="python3", progress_bar=False, log_output=False,
                  kernel_manager_class=execute.kernel_manager_class(ipc))  # fmt: skip
        for _ in range(2):
            times["bare"].append(_timed(pm.execute_notebook, str(bare), str(tmp / "bare.out.ipynb"), **kw)[0])
            parameters = {"synthetic_mode": "simulation", "seed": 7, "output_dir": str(tmp / "club")}
            out = str(tmp / "club.ipynb")
            times["club"].append(_timed(pm.execute_notebook, str(club), out, parameters=parameters, **kw)[0])
    return min(times["club"]), min(times["bare"])


def check_vs_read() -> tuple[float, float, int]:
    """`python -m helpers.runner.check` on every example (one process, as make check runs) and pandas
    reading the same files (read_csv, read_excel), in one process each."""
    examples = sorted(p for p in paths.EXAMPLE_DATA.iterdir() if p.is_dir() or p.suffix == ".xlsx")
    checks = "; ".join(f"main(['--data', {str(e)!r}])" for e in examples)
    t_check = _command([sys.executable, "-c", f"from helpers.runner.check import main; {checks}"])
    reads = "; ".join(
        f"pd.read_csv({str(f)!r}, sep=None, engine='python', encoding='latin-1')" if f.suffix == ".csv"
        else f"pd.read_excel({str(f)!r}, sheet_name=None)"
        for e in examples for f in ([e] if e.is_file() else sorted(e.iterdir()))
    )  # fmt: skip
    t_read = _command([sys.executable, "-c", f"import pandas as pd; {reads}"])
    return t_check, t_read, len(examples)


def pool_vs_read(tmp: Path, n: int = 1000) -> tuple[float, float]:
    """Pooling ``n`` clinics' summaries (checked against the schema, then pooled by statsmodels, in one process)
    against only reading the same files as JSON: the example clinics, copied with new names and jittered."""
    import json
    import random

    from helpers.pooling import examples

    rng, base = (
        random.Random(1),
        [json.loads(f.read_text(encoding="utf-8")) for f in sorted(examples.FOLDER.glob("*.json"))],
    )
    files = []
    for i in range(n):
        s = json.loads(json.dumps(base[i % len(base)]))
        s["clinic"] = f"clinic {i}"
        for d in s["differences"]:
            if not d["withheld"]:
                d["estimate"] += rng.gauss(0, 10)
        files.append(tmp / f"s{i}.json")
        files[-1].write_text(json.dumps(s), encoding="utf-8")
    listed = repr([str(f) for f in files])
    pool = (f"from helpers.pooling import checks, meta; s = checks.read({listed}); "
            "meta.pooled(meta.clinics(s))")  # fmt: skip
    read = f"import json; [json.loads(open(f, encoding='utf-8').read()) for f in {listed}]"
    return _command([sys.executable, "-c", pool]), _command([sys.executable, "-c", read])


def main(parts=("1", "2", "3", "4", "5", "6", "7", "8")) -> int:
    if "1" in parts:
        print("1. whole default study vs floor (a kernel per notebook importing the study's libraries)", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            t_study, t_floor = study_vs_floor(Path(tmp))
        print(
            f"  study: {t_study:.1f} s ({len(paths.study_notebooks())} notebooks, {side_by_side.workers()} at a time, "
            f"+ HTML pages); floor: {t_floor:.1f} s"
        )
        print(f"study/floor ratio: {t_study / t_floor:.2f}  (target <= 0.8)", flush=True)
    if "2" in parts:
        print("2. analysis on simulated cohorts", flush=True)
        (n1, t1, m1), (n2, t2, m2) = scaling()
        print(f"scaling ratio: {t2 / t1:.1f}  (time at {n2:,} / time at {n1:,}; 10 = linear; target <= 11); "
              f"memory ratio: {m2 / m1:.1f}", flush=True)  # fmt: skip
    if "3" in parts:
        print("3. Monte Carlo power simulation", flush=True)
        per_loop, per_vec = monte_carlo()
        print(f"  per replicate: pingouin loop {per_loop * 1e3:.2f} ms, vectorised {per_vec * 1e6:.2f} µs")
        print(f"Monte Carlo speed-up: {per_loop / per_vec:.0f}x  (target >= 50x)", flush=True)
    if "4" in parts:
        print("4. test gate vs floor (every notebook executed once, one after another)", flush=True)
        t_gate, t_floor = test_gate_vs_floor()
        print(f"  make test: {t_gate:.0f} s; floor (pytest --nbval-lax notebooks): {t_floor:.0f} s")
        print(f"test/floor ratio: {t_gate / t_floor:.2f}  (target <= 8)", flush=True)
    if "5" in parts:
        print("5. installing the pins into a new venv, empty caches", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            t_uv, t_pip = install_uv_vs_pip(Path(tmp))
        print(f"  uv: {t_uv:.0f} s; pip: {t_pip:.0f} s")
        print(f"uv/pip ratio: {t_uv / t_pip:.2f}  (target <= 0.5)", flush=True)
    if "6" in parts:
        print(
            "6. an exercise run live: notebook 6 in simulation mode with another seed, vs a bare notebook", flush=True
        )
        with tempfile.TemporaryDirectory() as tmp:
            t_club, t_bare = exercise_vs_bare(Path(tmp))
        print(f"  notebook 6 rerun: {t_club:.1f} s; bare notebook (kernel start and imports): {t_bare:.1f} s")
        print(f"exercise/bare ratio: {t_club / t_bare:.2f}  (a few times at most)", flush=True)
    if "7" in parts:
        print("7. make check on the examples vs reading them with pandas", flush=True)
        t_check, t_read, n = check_vs_read()
        print(f"  check: {t_check:.1f} s for {n} examples (one process); pandas read: {t_read:.1f} s")
        print(f"check/read ratio: {t_check / t_read:.1f}", flush=True)
    if "8" in parts:
        print("8. make pool's core on 1,000 clinics' summaries (check and pool) vs reading them as JSON", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            t_pool, t_read = pool_vs_read(Path(tmp))
        print(f"  check and pool: {t_pool:.1f} s; JSON read: {t_read:.1f} s (one process each)")
        print(f"pool/read ratio: {t_pool / t_read:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one-size"]:
        _one_size(int(sys.argv[2]))
    else:
        raise SystemExit(main(tuple(sys.argv[1:]) or ("1", "2", "3", "4", "5", "6", "7", "8")))
