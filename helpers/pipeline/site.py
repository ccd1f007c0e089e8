"""The rendered study: HTML pages of the executed notebooks and an index that presents the study.

``html/NN_topic.html`` is the reader version (text, tables, figures; no code), ``html/NN_topic.full.html``
the full one. ``html/index.html`` presents the question, the flow, the headline results, the reproduction
table, links to every page, figure and table, and how the run was made. Pages load nothing from the
internet and link figures relatively, so a folder of outputs opens from the file system anywhere.

Layout lives in ``templates/``: ``study/`` is the nbconvert template of the notebook pages, ``pages/`` the
Jinja2 templates of the index and of ``outputs/runs/index.html``; this module computes what they show.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from pathlib import Path

import nbformat

from .. import captions, colophon, loading, marks, params, published, wording
from .plan import run_source

TEMPLATES = Path(__file__).parent / "templates"
NOTEBOOK_LINK = re.compile(r'href="([0-9]{2}_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')


def _exporter(reader: bool):
    from nbconvert import HTMLExporter

    ex = HTMLExporter(template_name="study", extra_template_basedirs=[str(TEMPLATES)])
    ex.exclude_input = reader
    ex.exclude_input_prompt = reader
    ex.exclude_output_prompt = reader
    ex.embed_images = True
    return ex


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "notebook"


def write(folder: Path, plan) -> None:
    """Render every executed notebook in ``folder/notebooks`` and write ``folder/html/index.html``."""
    out = folder / "html"
    out.mkdir(exist_ok=True)
    nbs = sorted((folder / "notebooks").glob("*.ipynb"))
    pages = []
    loaded = [(p, nbformat.read(p, as_version=4)) for p in nbs]
    titles = [title_of(nb) for _, nb in loaded]
    exporters = {True: _exporter(True), False: _exporter(False)}
    for i, (path, nb) in enumerate(loaded):
        stem = path.stem
        for reader in (True, False):
            name = f"{stem}.html" if reader else f"{stem}.full.html"
            suffix = ".html" if reader else ".full.html"
            nav = {
                "prev": (f"{loaded[i - 1][0].stem}{suffix}", titles[i - 1]) if i > 0 else None,
                "next": (f"{loaded[i + 1][0].stem}{suffix}", titles[i + 1]) if i + 1 < len(loaded) else None,
                "other": (f"{stem}.full.html", "Show the code") if reader else (f"{stem}.html", "Hide the code"),
            }
            body, _ = exporters[reader].from_notebook_node(
                nb, resources={"metadata": {"name": titles[i]}, "study_nav": nav}
            )
            # links between notebooks ("Next: 02_exclusions.ipynb") point to the matching page here
            body = NOTEBOOK_LINK.sub(lambda m, sfx=suffix: f'href="{m.group(1)}{sfx}{m.group(2) or ""}"', body)
            (out / name).write_text(body, encoding="utf-8")
        pages.append((stem, titles[i]))
    record = _run_record(plan)
    (out / "index.html").write_text(index_page(folder, pages, plan, record), encoding="utf-8")
    (out / "run.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _run_record(plan) -> dict:
    """What made this run; the git commit only for runs outside the repository's tracked outputs."""
    rec = {
        "parameters": {**params.DEFAULTS, **plan.values},
        "code_fingerprint": colophon.fingerprint(),
        "name": plan.name or "default",
        "data": loading.source_of(plan.values["data_dir"]) if plan.values.get("data_dir") else "synthetic data",
    }
    if plan.name:
        rec["git_commit"] = colophon.git_commit()
        rec["source"] = run_source(plan.values.get("data_dir"), plan.params_file)
    return rec


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _num(v, fmt="{:.0f}") -> str:
    try:
        return fmt.format(float(v))
    except (TypeError, ValueError):
        return str(v)


def _p_text(v) -> str:
    """'p = 0.004' or 'p < 0.001' from a CSV cell."""
    try:
        return wording.p_text(float(v))
    except (TypeError, ValueError):
        return f"p = {v}"


@functools.cache
def _pages_env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "pages"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context) -> str:
    """A page from ``templates/pages/<template>`` (Jinja2, autoescaped)."""
    return _pages_env().get_template(template).render(**context)


def headline(tables_dir: Path, values: dict) -> tuple[list, list, list, str]:
    """The front page's headline numbers, each with its mark in notebook 4's words (published, fixed by the paper,
    resting on an assumption), the assumptions once each, and, when every number has the same mark (chart data,
    a simulated cohort), that one sentence instead: (groups, differences, notes, legend)."""
    import pandas as pd

    summary, tests = (tables_dir / f"{n}.csv" for n in ("04_percent_of_reference_by_group", "04_group_tests"))
    if not (summary.exists() and tests.exists()):
        return [], [], [], ""
    summary, tests = pd.read_csv(summary, dtype=str), pd.read_csv(tests, dtype=str)
    marked = marks.headline_marks(summary, tests, values)
    words = {(r.table, str(r.year), r.group, r.quantity): r.words for r in marked.itertuples()}
    legend = marks.legend(marked, values).replace("*", "") if marked["words"].nunique() == 1 else ""
    notes: dict[str, str] = {}  # an assumption's words -> its letter, in the order the page names them

    def mark(table, year, group, quantity) -> str:
        kind, _, because = words.get((table, year, group, quantity), "").partition(": ")
        if legend or not kind:
            return ""
        if because:
            notes.setdefault(because, "abcdefghij"[len(notes)])
        return f"{kind} ({notes[because]})" if because else kind

    groups = []
    for r in summary.to_dict("records"):
        key = ("04_percent_of_reference_by_group", r["year"], r["diagnosis"])
        groups.append(
            {**r, **{q: _num(r[q]) for q in ("mean", "ci_low", "ci_high")}}
            | {f"{q}_mark": mark(*key, q) for q in ("n", "mean", "ci")}
        )
    differences = []
    for year in dict.fromkeys(tests["year"]):
        student, welch = (tests.loc[(tests["year"] == year) & (tests["test"] == t)] for t in ("Student t", "Welch t"))
        if student.empty:
            continue
        student, welch = student.iloc[0], welch.iloc[0] if len(welch) else None
        differences.append(
            {
                "year": year,
                "estimate": _num(student["estimate"]),
                "estimate_mark": mark("04_group_tests", year, "Student t", "estimate"),
                "ci_low": _num(student["ci_low"]),
                "ci_high": _num(student["ci_high"]),
                "ci_mark": mark("04_group_tests", year, "Student t", "ci"),
                "p": _p_text(student["p"]),
                "p_mark": mark("04_group_tests", year, "Student t", "p"),
                "welch_p": _p_text(welch["p"]) if welch is not None else "",
                "welch_p_mark": mark("04_group_tests", year, "Welch t", "p") if welch is not None else "",
            }
        )
    return groups, differences, [f"({letter}) {because}" for because, letter in notes.items()], legend


def index_page(folder: Path, pages, plan, record: dict) -> str:
    """The front page's values, computed here and laid out by ``templates/pages/index.html.j2``."""
    values = {**params.DEFAULTS, **plan.values}
    tables_dir, figures_dir = folder / "tables", folder / "figures"
    repro = _read_csv(tables_dir / "reproduction.csv")
    groups, differences, notes, legend = headline(tables_dir, values)
    chart = bool(values.get("data_dir"))
    source = (
        loading.source_of(values["data_dir"])
        if chart
        else "a synthetic cohort "
        + (
            "calibrated to the paper's published numbers"
            if values["synthetic_mode"] == "calibrated"
            else "simulated from the same model, not calibrated"
        )
        + f" (seed {values['seed']})"
    )
    param_rows = [
        {
            "parameter": k,
            "value": json.dumps(v) if not isinstance(v, str) else v,
            "note": "" if v == params.DEFAULTS[k] else "changed",
        }
        for k, v in values.items()
        if k != "output_dir"
    ]
    if chart:  # the synthetic cohort's parameters do not apply, and the folder's path stays on your machine
        unused = ("data_dir", "synthetic_mode", "seed", "synthetic")
        param_rows = [r for r in param_rows if r["parameter"] not in unused] + [
            {"parameter": "data_dir", "value": "(your data folder)", "note": "changed"}
        ]

    def figure(stem: str):
        if not (figures_dir / f"{stem}.png").exists():
            return None
        label, caption, alt = captions.figure(stem, values)
        return {"file": f"{stem}.png", "alt": alt, "caption": caption, "label": label}

    return render(
        "index.html.j2",
        doi=published.DOI,
        run_name=plan.name,
        source=source,
        chart=chart,
        min_count=values["min_cell_count"],
        warnings=plan.warnings,
        flow=figure("02_flow_diagram"),
        trajectories=figure("04_trajectories_percent_of_reference"),
        reproduction_caption=captions.table("reproduction", values),
        reference_year=values["reference_year"],
        ci_level=f"{100 * (1 - values['alpha']):g}",
        headline=groups,
        differences=differences,
        notes=notes,
        legend=legend,
        matched=sum(r["matches"] == "True" for r in repro),
        reproduction=[{**r, "matches": "✓ yes" if r["matches"] == "True" else "✗ no"} for r in repro],
        pages=pages,
        figures=[f.stem for f in sorted(figures_dir.glob("*.png"))],
        tables=[t.name for t in sorted(tables_dir.glob("*.csv"))],
        fingerprint=record["code_fingerprint"],
        git_commit=record.get("git_commit"),
        parameters=param_rows,
        versions=[{"package": p, "version": v} for p, v in colophon.versions().itertuples(index=False)],
    )


def runs_index(runs: Path) -> None:
    """``outputs/runs/index.html``: every run (the runner's, and a notebook's run alone with papermill) with the
    parameters it changed and a link to its pages or, for a notebook run alone, to its figures and tables."""
    rows = []
    for folder in sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")):
        record = folder / "html" / "run.json"
        if record.exists():
            rec = json.loads(record.read_text(encoding="utf-8"))
            changed, link, name = params.changed(rec["parameters"]), "html/index.html", rec["name"]
        elif (folder / "parameters.json").exists():
            changed, link = json.loads((folder / "parameters.json").read_text(encoding="utf-8")), ""
            name = f"{folder.name} (notebooks run alone)"
        else:
            continue
        if changed.get("data_dir"):
            changed["data_dir"] = "(chart data)"
        rows.append({"link": f"{folder.name}/{link}", "name": name, "changed": json.dumps(changed)})
    (runs / "index.html").write_text(render("runs.html.j2", runs=rows), encoding="utf-8")
