"""A run's shareable summary (``summary.json``): per diagnosis and time point n, mean and SD of the % of the
reference dose and of the log ratio; the MS - SCI difference with its standard error (Student and Welch); the
run's settings, the data's kind and fingerprint, and the code's. No patient id and no individual value; a group
smaller than the minimum cell count, or of one patient, is withheld (and with it the difference at that time
point).

The format is ``summary.schema.json`` beside this module; ``VERSION`` changes when a field's meaning does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import stats
from helpers.core.diagnoses import DIAGNOSES, MS, SCI

VERSION = 1
SCHEMA = Path(__file__).with_name("summary.schema.json")
FILE = "summary.json"
SETTINGS = ("reference_year", "min_followup_years", "time_points", "min_cell_count")


def fingerprint(*frames: pd.DataFrame) -> str:
    """The data's fingerprint: 12 hex digits of the SHA-256 of the analysed frames as CSV (the same rows, the
    same fingerprint, wherever they were read from)."""
    digest = hashlib.sha256()
    for df in frames:
        digest.update(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return digest.hexdigest()[:12]


def build(
    pct: pd.DataFrame,
    params: dict,
    clinic: str,
    kind: str,
    data_fingerprint: str,
    code_fingerprint: str,
    hidden: frozenset = frozenset(),
) -> dict:
    """The summary of a run from its % of the reference dose (:func:`helpers.core.cohort.percent_of_reference`).
    ``hidden``: the (year, diagnosis) groups whose count the run's pages hide (``Study.hidden_groups``), withheld
    here too, so that the summary and the pages together never give a count either hides."""
    min_count = int(params["min_cell_count"])
    groups, differences = [], []
    for year in params["time_points"]:
        at = pct.loc[pct["year"] == year]
        values = {dx: at.loc[at["diagnosis"] == dx, "pct"].to_numpy(float) for dx in DIAGNOSES}
        for dx in DIAGNOSES:
            x = values[dx]
            if len(x) < max(min_count, 2) or (year, dx) in hidden:  # one patient's mean is that patient's value
                groups.append({"diagnosis": dx, "year": year, "withheld": True})
                continue
            logs = np.log(x / 100)
            groups.append({"diagnosis": dx, "year": year, "withheld": False, "n": len(x),
                           "mean_pct": _num(x.mean()), "sd_pct": _num(x.std(ddof=1)),
                           "mean_log_ratio": _num(logs.mean()), "sd_log_ratio": _num(logs.std(ddof=1))})  # fmt: skip
        ms, sci = values[MS], values[SCI]
        if min(len(ms), len(sci)) < max(min_count, 2) or {(year, MS), (year, SCI)} & hidden:
            differences.append({"year": year, "withheld": True})
            continue
        student, welch = stats.t_test(ms, sci, True), stats.t_test(ms, sci, False)
        differences.append({"year": year, "withheld": False, "n_ms": len(ms), "n_sci": len(sci),
                            "estimate": _num(student.difference), "se_student": _num(student.se),
                            "dof_student": _num(student.dof), "se_welch": _num(welch.se),
                            "dof_welch": _num(welch.dof)})  # fmt: skip
    return {
        "schema": "itb-dose-summary",
        "version": VERSION,
        "clinic": clinic,
        "data": {"kind": kind, "fingerprint": data_fingerprint},
        "code_fingerprint": code_fingerprint,
        "settings": {k: params[k] for k in SETTINGS},
        "groups": groups,
        "differences": differences,
    }


def write(summary: dict, out: Path, name: str = FILE) -> Path:
    """``out/summary.json`` (or ``name``), keys sorted, so that the same run writes the same bytes."""
    path = Path(out) / name
    path.write_text(json.dumps(summary, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def shown(summary: dict) -> pd.DataFrame:
    """The summary's groups and differences as one table, for a notebook to show what a clinic would send."""
    rows = [{"year": g["year"], "group": g["diagnosis"], **{k: g.get(k) for k in ("n", "mean_pct", "sd_pct")}}
            for g in summary["groups"]]  # fmt: skip
    rows += [{"year": d["year"], "group": "MS - SCI", "n": None, "mean_pct": d.get("estimate"),
              "sd_pct": None, "se (Student)": d.get("se_student"), "se (Welch)": d.get("se_welch")}
             for d in summary["differences"]]  # fmt: skip
    out = pd.DataFrame(rows).sort_values(["year", "group"], kind="stable").reset_index(drop=True)
    return out.rename(columns={"mean_pct": "mean %", "sd_pct": "SD %"})


def _num(v) -> float:
    return round(float(v), 6)  # six decimals: enough for pooling, and the same bytes on every platform
