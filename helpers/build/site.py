"""The rendered study: HTML pages of the executed notebooks and an index that presents the study.

``html/NN_topic.html`` is the reader version (text, tables, figures; no code), ``html/NN_topic.full.html``
the full one. ``html/index.html`` presents the question, the flow, the headline results, the reproduction
table, links to every page, figure and table, and how the run was made. Pages load nothing from the
internet and link figures relatively, so a folder of outputs opens from the file system anywhere.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import nbformat

from .. import colophon, params, published

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


def build(build: Path, plan: dict) -> None:
    """Render every executed notebook in ``build/notebooks`` and write ``build/html/index.html``."""
    out = build / "html"
    out.mkdir(exist_ok=True)
    nbs = sorted((build / "notebooks").glob("*.ipynb"))
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
    (out / "index.html").write_text(index_page(build, pages, plan, record), encoding="utf-8")
    (out / "run.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _run_record(plan: dict) -> dict:
    """What made this run; the git commit only for runs outside the repository's tracked outputs."""
    rec = {
        "parameters": {**params.DEFAULTS, **plan["values"]},
        "code_fingerprint": colophon.fingerprint(),
        "name": plan["name"] or "default",
    }
    if plan["named"]:
        rec["git_commit"] = colophon.git_commit()
    return rec


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _table(rows: list[dict], columns: list[str], headers: list[str] | None = None, cls: str = "") -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in (headers or columns))
    body = "".join("<tr>" + "".join(f"<td>{esc(str(r.get(c, '')))}</td>" for c in columns) + "</tr>" for r in rows)
    return f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _num(v, fmt="{:.0f}") -> str:
    try:
        return fmt.format(float(v))
    except (TypeError, ValueError):
        return str(v)


def index_page(build: Path, pages, plan: dict, record: dict) -> str:
    esc = html.escape
    values = {**params.DEFAULTS, **plan["values"]}
    tables_dir, figures_dir = build / "tables", build / "figures"
    repro = _read_csv(tables_dir / "reproduction.csv")
    summary = _read_csv(tables_dir / "04_percent_of_reference_by_group.csv")
    tests = [r for r in _read_csv(tables_dir / "04_group_tests.csv") if r["test"] in ("Student t", "Welch t")]
    matched = sum(r["matches"] == "True" for r in repro)
    chart = bool(values.get("data_dir"))
    source = (
        "your chart data (aggregates only; small counts masked)"
        if chart
        else "a synthetic cohort "
        + (
            "calibrated to the paper's published numbers"
            if values["synthetic_mode"] == "calibrated"
            else "simulated from the same model, not calibrated"
        )
        + f" (seed {values['seed']})"
    )
    headline = "".join(
        f"<li><b>{esc(r['diagnosis'])}, {esc(r['year'])} years</b> (n={esc(r['n'])}): mean "
        f"{_num(r['mean'])}% of the {values['reference_year']}-year dose "
        f"({100 * (1 - values['alpha']):g}% CI {_num(r['ci_low'])} to {_num(r['ci_high'])})</li>"
        for r in summary
    )
    test_lines = "".join(
        f"<li>{esc(r['year'])} years, {esc(r['test'])}: MS &minus; SCI = {_num(r['estimate'])} points, "
        f"p = {_num(r['p'], '{:.3f}')}</li>"
        for r in tests
    )
    repro_rows = [{**r, "matches": "✓ yes" if r["matches"] == "True" else "✗ no"} for r in repro]
    page_links = "".join(
        f'<li><a href="{s}.html">{esc(t)}</a> · <a href="{s}.full.html">with code</a></li>' for s, t in pages
    )
    figs = sorted(figures_dir.glob("*.png"))
    fig_links = "".join(
        f'<li><a href="../figures/{f.name}">{f.stem}</a> (<a href="../figures/{f.stem}.svg">SVG</a>)</li>' for f in figs
    )
    tab_links = "".join(f'<li><a href="../tables/{t.name}">{t.name}</a></li>' for t in sorted(tables_dir.glob("*.csv")))
    param_rows = [
        {
            "parameter": k,
            "value": json.dumps(v) if not isinstance(v, str) else v,
            "note": "" if v == params.DEFAULTS[k] else "changed",
        }
        for k, v in values.items()
        if k != "output_dir"
    ]
    if chart:
        param_rows = [r for r in param_rows if r["parameter"] != "data_dir"] + [
            {"parameter": "data_dir", "value": "(your data folder)", "note": "changed"}
        ]
    versions = [{"package": p, "version": v} for p, v in colophon.versions().itertuples(index=False)]
    commit = f"<li>git commit: <code>{esc(str(record['git_commit']))}</code></li>" if "git_commit" in record else ""
    flow = figures_dir / "02_flow_diagram.png"
    traj = figures_dir / "04_trajectories_percent_of_reference.png"
    run_title = "" if not plan["named"] else f" · run <code>{esc(plan['name'])}</code>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ITB dose over 10 years in MS and SCI: a reproducible study</title>
<style>
 body {{ font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0; background: #fff; }}
 main {{ max-width: 960px; margin: 0 auto; padding: 8px 16px 48px; }}
 h1 {{ font-size: 1.6rem; line-height: 1.25; margin: 20px 0 4px; }}
 h2 {{ font-size: 1.2rem; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }}
 .sub {{ color: #555; margin-top: 0; }}
 .banner {{ background: #fff6e5; border-left: 4px solid #E69F00; padding: 8px 12px; margin: 12px 0; }}
 img {{ max-width: 100%; height: auto; border: 1px solid #eee; }}
 .scroll {{ overflow-x: auto; }}
 table {{ border-collapse: collapse; font-size: 0.92rem; margin: 8px 0; }}
 th, td {{ border-bottom: 1px solid #e2e2e2; padding: 4px 10px; text-align: left; vertical-align: top; }}
 th {{ background: #f3f3f3; }}
 a {{ color: #0b5394; }}
 .cols {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 0 24px; }}
 code {{ background: #f3f3f3; padding: 0 3px; }}
</style>
</head>
<body>
<main>
<h1>Intrathecal baclofen dose over 10 years: multiple sclerosis vs spinal cord injury</h1>
<p class="sub">A reproducible re-creation of Skoog &amp; Hedman, Ann Rehabil Med 2019;43(5):555-561,
<a href="https://doi.org/{published.DOI}">doi:{published.DOI}</a>{run_title}</p>
<p class="banner">Data: {esc(source)}. No real patient is in this study unless you ran it on your own chart data.</p>

<h2>The question</h2>
<p>Patients with severe leg spasticity can be treated with baclofen delivered by a pump straight into the
spinal fluid (intrathecal baclofen, ITB). Does the dose they need keep rising over the years, and does that
differ between multiple sclerosis (MS), a progressive disease, and traumatic spinal cord injury (SCI), a stable one?
The paper reviewed the charts of patients treated for at least 7 years and compared each patient's dose at 7 and
10 years with their own dose after the first year of titration.</p>

<h2>Who was studied</h2>
{f'<img src="../figures/{flow.name}" alt="Flow diagram from screened to analysed patients">' if flow.exists() else ""}

<h2>Headline results</h2>
<ul>{headline}</ul>
<ul>{test_lines}</ul>
{f'<img src="../figures/{traj.name}" alt="Dose over time as % of the 1-year dose, by diagnosis">' if traj.exists() else ""}

<h2>The paper beside this run</h2>
<p>{matched} of {len(repro)} published numbers reproduced at the paper's precision.</p>
{_table(repro_rows, ["quantity", "published", "reproduced", "matches"], ["Quantity", "Published", "This run", "Matches"])}

<h2>The study, step by step</h2>
<ol>{page_links}</ol>
<div class="cols">
<div><h3>Figures</h3><ul>{fig_links}</ul></div>
<div><h3>Tables (CSV)</h3><ul>{tab_links}</ul></div>
</div>

<h2>How this run was made</h2>
<ul>
<li>Data: {esc(source)}</li>
<li>Code fingerprint (code, notebooks, pins, synthetic data): <code>{record["code_fingerprint"]}</code></li>
{commit}
<li>Rerun: <code>make study</code>{"" if not plan["named"] else " with the parameters below (<code>make study PARAMS=...</code>)"}</li>
</ul>
<div class="cols">
<div>{_table(param_rows, ["parameter", "value", "note"], ["Parameter", "Value", ""])}</div>
<div>{_table(versions, ["package", "version"], ["Package", "Version"])}</div>
</div>
</main>
</body>
</html>
"""


def runs_index(runs: Path) -> None:
    """``outputs/runs/index.html``: every run with its parameters and a link to its pages."""
    rows = []
    for rec_path in sorted(runs.glob("*/html/run.json")):
        rec = json.loads(rec_path.read_text(encoding="utf-8"))
        changed = params.changed(rec["parameters"])
        if changed.get("data_dir"):
            changed["data_dir"] = "(chart data)"
        rows.append(
            f'<tr><td><a href="{rec_path.parent.parent.name}/html/index.html">{html.escape(rec["name"])}</a></td>'
            f"<td><code>{html.escape(json.dumps(changed))}</code></td></tr>"
        )
    (runs / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Runs of the ITB study</title>
<style>body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 960px; margin: 0 auto; padding: 16px; }}
table {{ border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }}</style>
</head><body><h1>Runs of the ITB study</h1>
<p><a href="../html/index.html">The default study</a> · runs made with <code>make study PARAMS=...</code> or <code>--data</code>:</p>
<table><thead><tr><th>Run</th><th>Parameters changed from the defaults</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
</body></html>
""",
        encoding="utf-8",
    )
