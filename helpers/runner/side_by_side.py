"""Notebooks executed side by side, one process each (``python -m helpers.runner.execute``), two per core."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from helpers import paths
from helpers.runner import notebook_hygiene

INTERRUPTED = 130  # the exit code of a process ended by Ctrl-C


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while notebooks ran; ``where`` names the first of them and its running cell."""

    def __init__(self, where: str = ""):
        super().__init__(where)
        self.where = where


def workers() -> int:
    """How many notebooks run at once: two per core, as a kernel waits for its client part of the time (one per
    core left the cores idle about a sixth of the study's time in make bench); at most 8 (300 MB each)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(2 * cores, 8))


class NotebookProcess:
    """One notebook executing in a process of its own: its chatter goes to a log, its outcome to a JSON file."""

    def __init__(self, nb_path: Path, work: Path, parameters: dict, env: dict):
        self.out = work / "notebooks" / nb_path.name
        self.log, self.outcome = (work / ".logs" / f"{nb_path.stem}{ext}" for ext in (".log", ".json"))
        command = [
            sys.executable,
            "-m",
            "helpers.runner.execute",
            nb_path,
            self.out,
            self.outcome,
            json.dumps(parameters),
        ]
        with self.log.open("w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(list(map(str, command)), cwd=paths.ROOT, env=env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT)  # fmt: skip

    def result(self) -> dict:
        if self.outcome.exists():
            return json.loads(self.outcome.read_text(encoding="utf-8"))
        lines = self.log.read_text(errors="replace", encoding="utf-8").strip().splitlines()
        last = f"exit code {self.proc.returncode}" + (f"; its last words: {lines[-1][:300]}" if lines else "")
        return {
            "ok": False,
            "what": f"the notebook process ended unexpectedly ({last})",
            "bad_input": False,
            "crashed": True,
        }


def run_all(nbs: list[Path], work: Path, values: dict, env: dict, done=lambda name: None):
    """Execute ``nbs`` into ``work/notebooks``, the longest first; None when all succeeded, else (notebook,
    outcome) of the first failing one in reading order, the others stopped. ``done(name)``: one succeeded.
    (A loop over processes, not concurrent.futures: a failure or Ctrl-C must end notebooks already running,
    which a pool's futures cannot.)"""
    (work / "notebooks").mkdir(parents=True, exist_ok=True)
    (work / ".logs").mkdir(exist_ok=True)
    waiting = sorted(nbs, key=notebook_hygiene.code_size, reverse=True)  # so that the longest never ends last
    running: dict[Path, NotebookProcess] = {}
    failures = {}
    try:
        while (waiting or running) and not failures:
            ended = {nb: p for nb, p in running.items() if p.proc.poll() is not None}
            if any(p.proc.returncode == INTERRUPTED for p in ended.values()):  # Ctrl-C reached it first
                raise KeyboardInterrupt
            results = {nb: running.pop(nb).result() for nb in ended}
            failures = {nb: r for nb, r in results.items() if not r["ok"]}
            while waiting and len(running) < workers() and not failures:
                nb = waiting.pop(0)
                declared = notebook_hygiene.declared_parameters(nb)
                running[nb] = NotebookProcess(nb, work, {k: v for k, v in values.items() if k in declared}, env)
            for nb in results if not failures else ():  # after starting the next: rendering takes a while
                done(nb.name)
            time.sleep(0 if ended else 0.05)
    except KeyboardInterrupt:
        first = min(running, key=nbs.index, default=None)
        cell = first and notebook_hygiene.running_cell(running[first].out)
        stop(running.values(), grace=5)  # Ctrl-C reached them too: let them shut their kernels down
        raise Interrupted(f" in {first.name}" + (f", cell {cell}" if cell else "") if first else "") from None
    stop(running.values())
    first = min(failures, key=nbs.index, default=None)
    return (first, failures[first]) if first else None


def stop(processes, grace: float = 0) -> None:
    """End notebook processes still running and wait for them; each kernel ends with its notebook's process."""
    processes = list(processes)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(p.proc.poll() is None for p in processes):
        time.sleep(0.05)
    for p in processes:
        if p.proc.poll() is None:
            p.proc.terminate()
    for p in processes:
        try:
            p.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.proc.kill()
            p.proc.wait()
