"""The site's front page, built here and only here: the paper's question answered with this run's numbers, each
marked published, fixed by the paper or resting on an assumption (:mod:`helpers.journal_club.number_kinds`),
the figures, the reproduction report and the run's parameters, read from the run's own tables and figures.
The runner adds what only it knows (the run's name, pages, fingerprint and commit); the words and layout are in
``helpers/runner/templates/pages/index.html.j2``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

from helpers.core import captions, disclosure, published, run_kind, stats
from helpers.journal_club import number_kinds, results_in_words
from helpers.publishing import colophon
from helpers.study import data_source, params
from helpers.text import words


def build(folder: Path, values: dict) -> dict:
    """What the front page shows of the run in ``folder`` (its tables/ and figures/), with parameters ``values``."""
    tables_dir, figures_dir = folder / "tables", folder / "figures"
    repro = _read_csv(tables_dir / "reproduction.csv")
    groups, differences, notes, legend = headline(tables_dir, values)
    kind = run_kind.of(values)
    chart, calibrated = kind.chart, kind.calibrated
    # on chart data the synthetic cohort's parameters do not apply, and the folder's path stays on your machine
    skip = {"output_dir", *(("data_dir", "synthetic_mode", "seed", "synthetic") if chart else ())}
    param_rows = [
        {
            "parameter": k,
            "value": v if isinstance(v, str) else json.dumps(v),
            "note": "changed" * (v != params.DEFAULTS.get(k)),
        }
        for k, v in values.items()
        if k not in skip
    ] + ([{"parameter": "data_dir", "value": "(your data folder)", "note": "changed"}] if chart else [])

    shown = [s for s in FIGURES if (figures_dir / f"{s}.png").exists()]

    def figure(stem: str):  # numbered as this page shows them: the answer's figure first
        if stem not in shown:
            return None
        _, caption, alt = captions.figure(stem, values)
        return {"file": f"{stem}.png", "alt": alt, "caption": caption, "label": f"Figure {shown.index(stem) + 1}"}

    return dict(
        doi=published.DOI,
        chart_source=data_source.source_of(values["data_dir"]) if chart else "",
        seed=values["seed"],
        chart=chart,
        calibrated=calibrated,
        min_count=values["min_cell_count"],
        flow=figure("02_flow_diagram"),
        trajectories=figure("04_trajectories_percent_of_reference"),
        reproduction_caption="Table 1. " + captions.table("reproduction", values).partition(". ")[2],
        reference_year=values["reference_year"],
        ci_level=stats.ci_level(values["alpha"]),
        headline=groups,
        differences=differences,
        notes=notes,
        legend=legend,
        matched=sum(r["matches"] == "True" for r in repro),
        reproduction=[{**r, "matches": "✓ yes" if r["matches"] == "True" else "✗ no"} for r in repro],
        figures=[f.stem for f in sorted(figures_dir.glob("*.png"))],
        tables=[t.name for t in sorted(tables_dir.glob("*.csv"))],
        parameters=param_rows,
        versions=[{"package": p, "version": v} for p, v in colophon.versions().itertuples(index=False)],
    )


# the page's figures in the order it shows them (the answer before the patient flow)
FIGURES = ("04_trajectories_percent_of_reference", "02_flow_diagram")
# a number's kind as one letter (the legend under the headline spells them out)
CODES = {"published": "P", "fixed": "F", "assumed": "A", "simulated": "S", "chart": "C"}


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def headline(tables_dir, values: dict) -> tuple[list, list, list, str]:
    """The site's front page's headline numbers (from a run's tables folder), each with its mark in notebook 4's words (published, fixed by the paper,
    resting on an assumption), the assumptions once each, and, when every number has the same mark (chart data,
    a simulated cohort), that one sentence instead: (groups, differences, notes, legend)."""
    summary, tests = (Path(tables_dir) / f"{n}.csv" for n in ("04_percent_of_reference_by_group", "04_group_tests"))
    if not (summary.exists() and tests.exists()):
        return [], [], [], ""
    summary, tests = pd.read_csv(summary, dtype=str), pd.read_csv(tests, dtype=str)
    marked = number_kinds.headline_marks(summary, tests, values)
    said = {(r.table, str(r.year), r.group, r.quantity): r.words for r in marked.itertuples()}
    one_line = number_kinds.legend(marked, values).replace("*", "") if marked["words"].nunique() == 1 else ""
    notes: dict[str, str] = {}  # an assumption's words -> its letter, in the order the page names them

    codes = {words.fill(f"marks.marks.{k}"): code for k, code in CODES.items()}

    def mark(table, year, group, quantity) -> dict | None:
        """{"code": "A", "note": "a", "title": "rests on an assumption (a)"}: a compact mark and its words."""
        kind, _, because = said.get((table, year, group, quantity), "").partition(": ")
        if one_line or not kind:
            return None
        if because:
            notes.setdefault(because, "abcdefghij"[len(notes)])
        note = notes[because] if because else ""
        return {"code": codes[kind], "note": note, "title": f"{kind} ({note})" if note else kind}

    groups = []
    for r in summary.to_dict("records"):
        key = ("04_percent_of_reference_by_group", r["year"], r["diagnosis"])
        groups.append(
            {**r, "n": disclosure.n_text(r["n"], spaced=True), **{q: _num(r[q]) for q in ("mean", "ci_low", "ci_high")}}
            | {f"{q}_mark": mark(*key, q) for q in ("n", "mean", "ci")}
        )
    differences = []
    for year in dict.fromkeys(tests["year"]):
        student, welch = (
            tests.loc[(tests["year"] == year) & (tests["test"] == t)] for t in (stats.STUDENT, stats.WELCH)
        )
        if student.empty:
            continue
        student, welch = student.iloc[0], welch.iloc[0] if len(welch) else None
        differences.append(
            {
                "year": year,
                "estimate": _num(student["estimate"]),
                "estimate_mark": mark("04_group_tests", year, stats.PAPER_TEST, "estimate"),
                "ci_low": _num(student["ci_low"]),
                "ci_high": _num(student["ci_high"]),
                "ci_mark": mark("04_group_tests", year, stats.PAPER_TEST, "ci"),
                "p": _p_text(student["p"]),
                "p_mark": mark("04_group_tests", year, stats.PAPER_TEST, "p"),
                "welch_p": _p_text(welch["p"]) if welch is not None else "",
                "welch_p_mark": mark("04_group_tests", year, stats.WELCH, "p") if welch is not None else None,
            }
        )
    return groups, differences, [f"({letter}) {because}" for because, letter in notes.items()], one_line


def _num(v) -> str:
    """A number from a CSV cell, whole; a masked count ("<5") as it is."""
    try:
        return f"{float(v):.0f}"
    except (TypeError, ValueError):
        return str(v)


def _p_text(v) -> str:
    try:
        return results_in_words.p_text(float(v))
    except (TypeError, ValueError):
        return f"p = {v}"
